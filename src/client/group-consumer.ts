// A consumer driven by its group: GroupConsumer ties a GroupMember to a Consumer, fetching what
// the group assigns from the committed offsets, committing before partitions are revoked.
import { ErrorCode, KafkaProtocolError } from '../protocol/errors.js';
import type { Cluster, TopicPartition } from './cluster.js';
import { ConnectionError } from './connection.js';
import { Consumer, type ConsumerOptions, type ConsumerRecord } from './consumer.js';
import { CommitFailedError, GroupMember, tpKey, type GroupMemberOptions } from './group-member.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface GroupConsumerOptions extends ConsumerOptions, GroupMemberOptions {
  /** enable.auto.commit: positions are committed every autoCommitIntervalMs, before partitions are revoked, and on close. */
  autoCommit?: boolean;
  /** auto.commit.interval.ms */
  autoCommitIntervalMs?: number;
  /** metadata.max.age.ms: how often a pattern (and the topics' partition counts) is checked against the cluster. */
  metadataMaxAgeMs?: number;
  /** allow.auto.create.topics for subscribed topic names. */
  allowAutoTopicCreation?: boolean;
}

/** No committed offset and auto.offset.reset=none (Kafka's NoOffsetForPartitionException). */
export class NoOffsetForPartitionError extends Error {
  constructor(readonly partitions: TopicPartition[]) {
    super(`Undefined offset with no reset policy for partitions: [${partitions.map((p) => `${p.topic}-${p.partition}`).join(', ')}]`);
    this.name = 'NoOffsetForPartitionError';
  }
}

/** How often topics named in a subscription that do not exist yet are looked for. */
const MISSING_TOPIC_RECHECK_MS = 1_000;

/**
 * subscribe() then poll(): the group's rebalances run in the background; on assignment the
 * partitions are fetched from their committed offsets (else auto.offset.reset), on revocation
 * their positions are committed (with auto commit) and their buffered records dropped.
 */
export class GroupConsumer {
  readonly member: GroupMember;
  private readonly fetcher: Consumer;
  private readonly options: GroupConsumerOptions;
  private subscription: readonly string[] | RegExp = [];
  /** The subscribed topics and their partition counts at the last join, to notice changes. */
  private joinedSnapshot = '';
  private failure: Error | null = null;
  private closed = false;
  private wakeLoop: (() => void) | null = null;
  private timers: NodeJS.Timeout[] = [];
  private lastPollAt = Date.now();
  private committing: Promise<void> | null = null;

  constructor(
    readonly cluster: Cluster,
    options: GroupConsumerOptions,
  ) {
    this.options = options;
    this.member = new GroupMember(cluster, options);
    this.fetcher = new Consumer(cluster, options);
    this.member.onRejoinNeeded = () => this.wakeLoop?.();
    this.member.onFatal = (err) => this.fail(err);
  }

  /** Joins the group for these topics (or every topic whose whole name the pattern matches) and keeps the membership going. */
  subscribe(topics: readonly string[] | RegExp): void {
    this.subscription = topics;
    void this.run();
    const autoCommit = this.options.autoCommit ?? true;
    if (autoCommit) this.every(this.options.autoCommitIntervalMs ?? 5_000, () => void this.commitPositions().catch(() => {}));
    const missing = (): boolean => Array.isArray(this.subscription) && this.subscription.some((t) => !this.cluster.metadata.topics.has(t));
    let lastCheck = Date.now();
    this.every(MISSING_TOPIC_RECHECK_MS, () => {
      if (this.member.state !== 'stable') return;
      if (Date.now() - this.lastPollAt > this.member.rebalanceTimeoutMs) return void this.pollTimeoutExpired();
      if (!missing() && Date.now() - lastCheck < (this.options.metadataMaxAgeMs ?? 300_000)) return;
      lastCheck = Date.now();
      void this.snapshot().then((now) => {
        if (now !== this.joinedSnapshot && this.member.state === 'stable') {
          this.member.rejoinNeeded = true;
          this.wakeLoop?.();
        }
      }, () => {});
    });
  }

  private every(ms: number, fn: () => void): void {
    const timer = setInterval(fn, ms);
    timer.unref();
    this.timers.push(timer);
  }

  /** The records fetched from the assigned partitions, as Consumer.poll hands them out. */
  async poll(timeoutMs = 1_000, maxRecords = 10_000): Promise<ConsumerRecord[]> {
    this.lastPollAt = Date.now();
    this.throwFailure();
    const records = await this.fetcher.poll(timeoutMs, maxRecords);
    this.throwFailure();
    return records;
  }

  private throwFailure(): void {
    if (this.failure) throw this.failure;
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.fetcher.close();
  }

  /** The partitions assigned now and their positions. */
  assignment(): ReturnType<Consumer['assignment']> {
    return this.fetcher.assignment();
  }

  /** Commits the position of every assigned partition (commitSync). */
  async commitSync(deadline = Date.now() + 30_000): Promise<void> {
    await this.commitPositions(this.fetcher.assignment(), deadline);
  }

  private async commitPositions(partitions = this.fetcher.assignment(), deadline = Infinity): Promise<void> {
    if (this.member.state !== 'stable' || partitions.length === 0) return;
    // One commit at a time, as the Java client orders its commits.
    while (this.committing) await this.committing.catch(() => {});
    const offsets = partitions.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.position }));
    this.committing = this.member.commit(offsets, deadline);
    try {
      await this.committing;
    } finally {
      this.committing = null;
    }
  }

  /** max.poll.interval.ms passed without a poll: leave, so the group moves on; the next poll joins again. */
  private async pollTimeoutExpired(): Promise<void> {
    await this.member.leave('consumer poll timeout has expired.');
    this.fetcher.unassign(this.fetcher.assignment());
    this.member.rejoinNeeded = true;
  }

  // ---- the membership loop ----

  private async run(): Promise<void> {
    for (let attempt = 0; !this.closed && !this.failure; ) {
      if (!this.member.rejoinNeeded || Date.now() - this.lastPollAt > this.member.rebalanceTimeoutMs) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1_000);
          this.wakeLoop = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        continue;
      }
      try {
        await this.rebalance();
        attempt = 0;
      } catch (err) {
        if (this.closed) return;
        const retriable = err instanceof ConnectionError || (err instanceof KafkaProtocolError && (err.retriable || err instanceof CommitFailedError || err.code === ErrorCode.REBALANCE_IN_PROGRESS));
        if (!retriable) return this.fail(err as Error);
        this.member.rejoinNeeded = true;
        await sleep(this.cluster.backoff(attempt++));
      }
    }
  }

  /** The subscribed topics that exist, and their partition counts, as one comparable string. */
  private async snapshot(): Promise<string> {
    const topics = await this.subscribedTopics();
    return topics.map((t) => `${t}:${this.cluster.metadata.topics.get(t)?.partitions.length ?? 0}`).join(',');
  }

  private async subscribedTopics(): Promise<string[]> {
    const s = this.subscription;
    if (!(s instanceof RegExp)) {
      await this.cluster.refreshMetadata(s, this.options.allowAutoTopicCreation ?? true);
      return [...s].sort();
    }
    // exclude.internal.topics=true, Kafka's default: a pattern never matches __consumer_offsets.
    const metadata = await this.cluster.refreshMetadata(null);
    return [...metadata.topics.values()].filter((t) => !t.isInternal && s.test(t.name)).map((t) => t.name).sort();
  }

  private async commitBeforeRevoking(partitions: readonly TopicPartition[]): Promise<void> {
    if (!(this.options.autoCommit ?? true)) return;
    const revoked = new Set(partitions.map(tpKey));
    await this.commitPositions(this.fetcher.assignment().filter((p) => revoked.has(tpKey(p)))).catch(() => {});
  }

  private async rebalance(): Promise<void> {
    const topics = await this.subscribedTopics();
    let owned: TopicPartition[] = this.fetcher.assignment().map((p) => ({ topic: p.topic, partition: p.partition }));
    if (this.member.partitionsLost) {
      // Another member may own them already: no commit.
      this.fetcher.unassign(owned);
      owned = [];
    }
    // Eager: everything is given back before joining. Cooperative: only what left the subscription.
    const giveBack = this.member.protocol === 'eager' ? owned : owned.filter((p) => !topics.includes(p.topic));
    if (giveBack.length > 0) {
      await this.commitBeforeRevoking(giveBack);
      this.fetcher.unassign(giveBack);
      const gone = new Set(giveBack.map(tpKey));
      owned = owned.filter((p) => !gone.has(tpKey(p)));
    }
    const assigned = await this.member.joinGroup(topics, owned);
    this.joinedSnapshot = await this.snapshot();
    const ownedKeys = new Set(owned.map(tpKey));
    const assignedKeys = new Set(assigned.map(tpKey));
    const revoked = owned.filter((p) => !assignedKeys.has(tpKey(p)));
    const added = assigned.filter((p) => !ownedKeys.has(tpKey(p)));
    if (revoked.length > 0) {
      await this.commitBeforeRevoking(revoked);
      this.fetcher.unassign(revoked);
      // KIP-429: what was revoked goes to its new owner in a second rebalance, which this member asks for.
      this.member.rejoinNeeded = true;
    }
    if (added.length === 0) return;
    const committed = await this.member.fetchCommitted(added);
    const reset = this.options.autoOffsetReset ?? 'latest';
    const undefinedOffsets = added.filter((p) => (committed.get(tpKey(p)) ?? null) === null);
    if (reset === 'none' && undefinedOffsets.length > 0) throw new NoOffsetForPartitionError(undefinedOffsets);
    await this.fetcher.incrementalAssign(added.map((p) => ({ ...p, offset: committed.get(tpKey(p)) ?? (reset === 'none' ? 'latest' : reset) })));
  }

  /** Stops fetching and wakes a waiting poll; close() still commits and leaves. */
  wakeup(): void {
    this.fetcher.close();
  }

  /** Commits positions (with auto commit), leaves the group (a dynamic member), and releases everything, within `timeoutMs`. */
  async close(timeoutMs = 30_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const deadline = Date.now() + timeoutMs;
    for (const t of this.timers) clearInterval(t);
    this.wakeLoop?.();
    this.fetcher.close();
    try {
      if (this.options.autoCommit ?? true) await this.commitPositions(this.fetcher.assignment(), deadline).catch(() => {});
      await this.member.leave('the consumer is being closed', Math.min(deadline, Date.now() + 5_000));
    } finally {
      this.member.close();
    }
  }
}
