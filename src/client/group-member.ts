// A member of a classic consumer group, as Kafka's AbstractCoordinator and ConsumerCoordinator
// run one: find the coordinator, JoinGroup (with the member id the coordinator hands out), the
// leader assigns with the chosen assignor, SyncGroup, heartbeats while stable, OffsetFetch and
// OffsetCommit with the generation, LeaveGroup on close unless static (KIP-345). GroupConsumer
// (group-consumer.ts) ties a member to a Consumer.
import { ErrorCode, KafkaProtocolError } from '../protocol/errors.js';
import { FindCoordinatorRequest } from '../protocol/generated/clients/find-coordinator-request.js';
import { FindCoordinatorResponse } from '../protocol/generated/clients/find-coordinator-response.js';
import { HeartbeatRequest } from '../protocol/generated/clients/heartbeat-request.js';
import { HeartbeatResponse } from '../protocol/generated/clients/heartbeat-response.js';
import { JoinGroupRequest } from '../protocol/generated/clients/join-group-request.js';
import { JoinGroupResponse } from '../protocol/generated/clients/join-group-response.js';
import { LeaveGroupRequest } from '../protocol/generated/clients/leave-group-request.js';
import { LeaveGroupResponse } from '../protocol/generated/clients/leave-group-response.js';
import { OffsetCommitRequest } from '../protocol/generated/clients/offset-commit-request.js';
import { OffsetCommitResponse } from '../protocol/generated/clients/offset-commit-response.js';
import { OffsetFetchRequest } from '../protocol/generated/clients/offset-fetch-request.js';
import { OffsetFetchResponse } from '../protocol/generated/clients/offset-fetch-response.js';
import { SyncGroupRequest } from '../protocol/generated/clients/sync-group-request.js';
import { SyncGroupResponse } from '../protocol/generated/clients/sync-group-response.js';
import { cooperativeStickyAssignor, rangeAssignor, rebalanceProtocolOf, type Assignor, type MemberSubscription, type RebalanceProtocol } from './assignors.js';
import { requireVersion, type Cluster, type TopicPartition } from './cluster.js';
import { BrokerConnection, ConnectionError, api, type Api } from './connection.js';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from './consumer-protocol.js';

const FIND_COORDINATOR = api(FindCoordinatorRequest, FindCoordinatorResponse);
const JOIN_GROUP = api(JoinGroupRequest, JoinGroupResponse);
const SYNC_GROUP = api(SyncGroupRequest, SyncGroupResponse);
const HEARTBEAT = api(HeartbeatRequest, HeartbeatResponse);
const LEAVE_GROUP = api(LeaveGroupRequest, LeaveGroupResponse);
const OFFSET_COMMIT = api(OffsetCommitRequest, OffsetCommitResponse);
const OFFSET_FETCH = api(OffsetFetchRequest, OffsetFetchResponse);

export interface GroupMemberOptions {
  groupId: string;
  /** group.instance.id: a static member keeps its assignment across restarts within the session timeout. */
  groupInstanceId?: string | null;
  /** session.timeout.ms */
  sessionTimeoutMs?: number;
  /** max.poll.interval.ms, sent as the rebalance timeout. */
  rebalanceTimeoutMs?: number;
  /** heartbeat.interval.ms */
  heartbeatIntervalMs?: number;
  /** partition.assignment.strategy, preferred first; Kafka's default is range then cooperative-sticky. */
  assignors?: readonly Assignor[];
}

interface Generation {
  generationId: number;
  memberId: string;
  protocolName: string | null;
}

const NO_GENERATION: Generation = { generationId: -1, memberId: '', protocolName: null };

/** unjoined → rebalancing → stable, and back to rebalancing when the group asks for it (AbstractCoordinator.MemberState). */
export type MemberState = 'unjoined' | 'rebalancing' | 'stable';

export const tpKey = (tp: TopicPartition): string => `${tp.topic}\0${tp.partition}`;

/** Errors after which the coordinator has to be looked up again. */
const COORDINATOR_ERRORS: ReadonlySet<number> = new Set([ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.NOT_COORDINATOR]);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A commit the group refused because it moved on (CommitFailedException): the member rejoins. */
export class CommitFailedError extends KafkaProtocolError {}

export class GroupMember {
  readonly groupId: string;
  readonly groupInstanceId: string | null;
  readonly assignors: readonly Assignor[];
  readonly protocol: RebalanceProtocol;
  private readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  private readonly heartbeatIntervalMs: number;
  private connection: BrokerConnection | null = null;
  private generation: Generation = NO_GENERATION;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private heartbeating = false;
  private closed = false;
  state: MemberState = 'unjoined';
  /** Set when the group needs this member to join (again); the owner of the member runs the rebalance. */
  rejoinNeeded = true;
  /** The generation was lost (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION): owned partitions are gone without a commit. */
  partitionsLost = false;
  isLeader = false;
  /** Called when rejoinNeeded becomes true. */
  onRejoinNeeded: () => void = () => {};
  /** Where an error no rejoin cures goes (FENCED_INSTANCE_ID from a heartbeat). */
  onFatal: (err: Error) => void = () => {};

  constructor(
    private readonly cluster: Cluster,
    options: GroupMemberOptions,
  ) {
    this.groupId = options.groupId;
    this.groupInstanceId = options.groupInstanceId ?? null;
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? 45_000;
    this.rebalanceTimeoutMs = options.rebalanceTimeoutMs ?? 300_000;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 3_000;
    this.assignors = options.assignors ?? [rangeAssignor, cooperativeStickyAssignor];
    if (this.assignors.length === 0) throw new Error('partition.assignment.strategy names no assignor');
    this.protocol = rebalanceProtocolOf(this.assignors);
  }

  get memberId(): string {
    return this.generation.memberId;
  }

  get generationId(): number {
    return this.generation.generationId;
  }

  // ---- the coordinator ----

  /** The coordinator's connection, found with FindCoordinator and retried with backoff until found or `deadline`. */
  private async coordinator(deadline = Infinity): Promise<BrokerConnection> {
    for (let attempt = 0; ; attempt++) {
      if (this.closed && deadline === Infinity) throw new ConnectionError('the group member is closed', this.groupId);
      if (this.connection && !this.connection.isClosed) return this.connection;
      try {
        const any = await this.cluster.anyConnection();
        const version = requireVersion(any, FindCoordinatorRequest, 0);
        // v4 (KIP-699) batches keys; this member asks for its one group either way.
        const request = version >= 4 ? { key: '', keyType: 0, coordinatorKeys: [this.groupId] } : { key: this.groupId, keyType: 0, coordinatorKeys: [] };
        const response = await any.send(FIND_COORDINATOR, version, request);
        const found = version >= 4 ? response.coordinators[0] : response;
        if (!found) throw new KafkaProtocolError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `no coordinator for group ${this.groupId}`);
        if (found.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(found.errorCode, `finding the coordinator of group ${this.groupId}`);
        // Its own connection, as Kafka's client keeps one: a JoinGroup may be held for the whole rebalance timeout.
        this.connection = await BrokerConnection.connect(found.host, found.port, {
          clientId: this.cluster.options.clientId,
          sasl: this.cluster.options.sasl,
          tls: this.cluster.options.tls,
          requestTimeoutMs: Math.max(this.cluster.options.requestTimeoutMs, this.rebalanceTimeoutMs + 5_000),
        });
        return this.connection;
      } catch (err) {
        const retriable = err instanceof ConnectionError || (err instanceof KafkaProtocolError && (err.retriable || COORDINATOR_ERRORS.has(err.code)));
        if (!retriable || Date.now() >= deadline) throw err;
        await sleep(Math.min(this.cluster.backoff(attempt), Math.max(0, deadline - Date.now())));
      }
    }
  }

  private coordinatorUnknown(): void {
    this.connection?.close();
    this.connection = null;
  }

  /** Sends to the coordinator; a lost connection forgets it, so the next call finds it again. */
  private async send<Req, Res>(target: Api<Req, Res>, build: (version: number) => Req, min = 0, deadline = Infinity): Promise<{ response: Res; version: number }> {
    const connection = await this.coordinator(deadline);
    const version = requireVersion(connection, target.request as Api<unknown, unknown>['request'], min);
    try {
      return { response: await connection.send(target, version, build(version)), version };
    } catch (err) {
      if (err instanceof ConnectionError) this.coordinatorUnknown();
      throw err;
    }
  }

  // ---- joining ----

  private requestRejoin(): void {
    if (this.rejoinNeeded) return;
    this.rejoinNeeded = true;
    this.onRejoinNeeded();
  }

  /** The generation is gone: owned partitions are lost and the member joins again, with a new member id when `resetMemberId`. */
  private resetGeneration(resetMemberId: boolean): void {
    this.generation = { ...NO_GENERATION, memberId: resetMemberId ? '' : this.generation.memberId };
    this.state = 'unjoined';
    this.stopHeartbeats();
    this.partitionsLost = true;
    this.requestRejoin();
  }

  /**
   * One rebalance: JoinGroup until the coordinator answers (rejoining with the member id it
   * requires, finding it again when it moved), the leader's assignment, SyncGroup. Returns the
   * partitions assigned to this member. Throws the errors Kafka treats as fatal.
   */
  async joinGroup(topics: readonly string[], owned: readonly TopicPartition[]): Promise<TopicPartition[]> {
    this.rejoinNeeded = false;
    this.partitionsLost = false;
    this.state = 'rebalancing';
    this.stopHeartbeats();
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new ConnectionError('the group member is closed', this.groupId);
      try {
        const assigned = await this.joinOnce(topics, owned);
        if (assigned !== null) {
          this.state = 'stable';
          this.startHeartbeats();
          return assigned;
        }
      } catch (err) {
        if (!(err instanceof ConnectionError) || this.closed) throw err;
        this.coordinatorUnknown();
      }
      await sleep(this.cluster.backoff(attempt));
    }
  }

  /** One JoinGroup and SyncGroup; null when the member has to try again. */
  private async joinOnce(topics: readonly string[], owned: readonly TopicPartition[]): Promise<TopicPartition[] | null> {
    const metadata = encodeSubscription(topics, owned, this.generation.generationId);
    const { response: join } = await this.send<JoinGroupRequest, JoinGroupResponse>(JOIN_GROUP, () => ({
      groupId: this.groupId,
      sessionTimeoutMs: this.sessionTimeoutMs,
      rebalanceTimeoutMs: this.rebalanceTimeoutMs,
      memberId: this.generation.memberId,
      groupInstanceId: this.groupInstanceId,
      protocolType: 'consumer',
      protocols: this.assignors.map((a) => ({ name: a.name, metadata: a === cooperativeStickyAssignor ? metadata.withGeneration : metadata.plain })),
      reason: null,
    }), 1);
    switch (join.errorCode) {
      case ErrorCode.NONE:
        break;
      case ErrorCode.MEMBER_ID_REQUIRED:
        // KIP-394: the first join only learns the member id; the second one counts.
        this.generation = { ...NO_GENERATION, memberId: join.memberId };
        return null;
      case ErrorCode.UNKNOWN_MEMBER_ID:
        this.generation = NO_GENERATION;
        return null;
      case ErrorCode.COORDINATOR_NOT_AVAILABLE:
      case ErrorCode.NOT_COORDINATOR:
        this.coordinatorUnknown();
        return null;
      case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
      case ErrorCode.REBALANCE_IN_PROGRESS:
        return null;
      default:
        // FENCED_INSTANCE_ID, INCONSISTENT_GROUP_PROTOCOL, INVALID_SESSION_TIMEOUT, GROUP_MAX_SIZE_REACHED, ...
        throw new KafkaProtocolError(join.errorCode, `joining group ${this.groupId}`);
    }
    this.generation = { generationId: join.generationId, memberId: join.memberId, protocolName: join.protocolName };
    this.isLeader = join.leader === join.memberId && !join.skipAssignment;
    const assignor = this.assignors.find((a) => a.name === join.protocolName);
    if (!assignor) throw new KafkaProtocolError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, `the coordinator chose protocol ${join.protocolName}, which this member did not offer`);
    const assignments = this.isLeader ? await this.assign(assignor, join.members) : [];
    const { response: sync } = await this.send<SyncGroupRequest, SyncGroupResponse>(SYNC_GROUP, () => ({
      groupId: this.groupId,
      generationId: this.generation.generationId,
      memberId: this.generation.memberId,
      groupInstanceId: this.groupInstanceId,
      protocolType: 'consumer',
      protocolName: assignor.name,
      assignments,
    }));
    switch (sync.errorCode) {
      case ErrorCode.NONE:
        return decodeAssignment(sync.assignment);
      case ErrorCode.REBALANCE_IN_PROGRESS:
        return null;
      case ErrorCode.UNKNOWN_MEMBER_ID:
      case ErrorCode.ILLEGAL_GENERATION:
        this.generation = { ...NO_GENERATION, memberId: sync.errorCode === ErrorCode.ILLEGAL_GENERATION ? this.generation.memberId : '' };
        return null;
      case ErrorCode.COORDINATOR_NOT_AVAILABLE:
      case ErrorCode.NOT_COORDINATOR:
        this.coordinatorUnknown();
        return null;
      default:
        throw new KafkaProtocolError(sync.errorCode, `syncing group ${this.groupId}`);
    }
  }

  /** The leader's work: every member's subscription, the partition counts of their topics, the assignor's answer. */
  private async assign(assignor: Assignor, members: JoinGroupResponse['members']): Promise<SyncGroupRequest['assignments']> {
    const subscriptions: MemberSubscription[] = members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, ...decodeSubscription(m.metadata) }));
    const topics = [...new Set(subscriptions.flatMap((s) => s.topics))];
    const metadata = topics.length > 0 ? await this.cluster.refreshMetadata(topics) : this.cluster.metadata;
    const partitionsPerTopic = new Map<string, number>();
    for (const topic of topics) {
      const count = metadata.topics.get(topic)?.partitions.length ?? 0;
      if (count > 0) partitionsPerTopic.set(topic, count);
    }
    const result = assignor.assign(partitionsPerTopic, subscriptions);
    return subscriptions.map((s) => ({ memberId: s.memberId, assignment: encodeAssignment(result.get(s.memberId) ?? []) }));
  }

  // ---- heartbeats ----

  private startHeartbeats(): void {
    this.stopHeartbeats();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
  }

  private stopHeartbeats(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private async heartbeat(): Promise<void> {
    if (this.heartbeating || this.state !== 'stable' || this.closed) return;
    this.heartbeating = true;
    const sent = this.generation;
    try {
      const { response } = await this.send<HeartbeatRequest, HeartbeatResponse>(HEARTBEAT, () => ({
        groupId: this.groupId,
        generationId: sent.generationId,
        memberId: sent.memberId,
        groupInstanceId: this.groupInstanceId,
      }), 0, Date.now() + this.heartbeatIntervalMs);
      // An answer to an older generation says nothing about this one.
      if (sent !== this.generation || this.state !== 'stable') return;
      switch (response.errorCode) {
        case ErrorCode.NONE:
          return;
        case ErrorCode.REBALANCE_IN_PROGRESS:
          return this.requestRejoin();
        case ErrorCode.ILLEGAL_GENERATION:
          return this.resetGeneration(false);
        case ErrorCode.UNKNOWN_MEMBER_ID:
          return this.resetGeneration(true);
        case ErrorCode.COORDINATOR_NOT_AVAILABLE:
        case ErrorCode.NOT_COORDINATOR:
          return this.coordinatorUnknown();
        case ErrorCode.FENCED_INSTANCE_ID:
        case ErrorCode.GROUP_AUTHORIZATION_FAILED:
          // Another instance took this one's place, or the member may not be in the group: the owner stops.
          return this.onFatal(new KafkaProtocolError(response.errorCode, `heartbeat of group ${this.groupId}`));
        default:
          // Anything else (a coordinator still loading the group, say) passes: the next beat tries
          // again, as Kafka's heartbeat thread does after a failed heartbeat.
          return;
      }
    } catch (err) {
      if (!(err instanceof ConnectionError) && !(err instanceof KafkaProtocolError)) throw err;
      // The coordinator is unreachable: found again at the next beat.
    } finally {
      this.heartbeating = false;
    }
  }

  // ---- offsets ----

  /** The committed offset of each partition (null when none), with require_stable as Kafka's consumer asks (KIP-447). */
  async fetchCommitted(partitions: readonly TopicPartition[], deadline = Infinity): Promise<Map<string, bigint | null>> {
    const byTopic = new Map<string, number[]>();
    for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    for (let attempt = 0; ; attempt++) {
      const { response, version } = await this.send<OffsetFetchRequest, OffsetFetchResponse>(OFFSET_FETCH, (v) => {
        const topics = [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
        return v >= 8
          ? { groupId: '', topics: [], groups: [{ groupId: this.groupId, memberId: null, memberEpoch: -1, topics }], requireStable: true }
          : { groupId: this.groupId, topics, groups: [], requireStable: v >= 7 };
      }, 1, deadline);
      const group = version >= 8 ? response.groups[0] : { errorCode: response.errorCode, topics: response.topics };
      let error = group?.errorCode ?? ErrorCode.NONE;
      const out = new Map<string, bigint | null>();
      for (const t of group?.topics ?? []) {
        for (const p of t.partitions) {
          if (p.errorCode === ErrorCode.UNSTABLE_OFFSET_COMMIT || p.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) error ||= p.errorCode;
          else if (p.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(p.errorCode, `fetching the committed offset of ${t.name}-${p.partitionIndex}`);
          out.set(tpKey({ topic: t.name, partition: p.partitionIndex }), p.committedOffset >= 0n ? p.committedOffset : null);
        }
      }
      if (error === ErrorCode.NONE) return out;
      if (COORDINATOR_ERRORS.has(error)) this.coordinatorUnknown();
      const retriable = COORDINATOR_ERRORS.has(error) || error === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS || error === ErrorCode.UNSTABLE_OFFSET_COMMIT || error === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      if (!retriable || Date.now() >= deadline) throw new KafkaProtocolError(error, `fetching the committed offsets of group ${this.groupId}`);
      await sleep(this.cluster.backoff(attempt));
    }
  }

  /**
   * Commits offsets with this member's generation. Retries while the coordinator moves or loads;
   * a group that moved on (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION) makes it a CommitFailedError
   * and the member rejoins; REBALANCE_IN_PROGRESS is thrown for the caller to commit after it.
   */
  async commit(offsets: readonly { topic: string; partition: number; offset: bigint }[], deadline = Infinity): Promise<void> {
    if (offsets.length === 0) return;
    const byTopic = new Map<string, { partition: number; offset: bigint }[]>();
    for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o]);
    for (let attempt = 0; ; attempt++) {
      const sent = this.generation;
      const { response } = await this.send<OffsetCommitRequest, OffsetCommitResponse>(OFFSET_COMMIT, () => ({
        groupId: this.groupId,
        generationIdOrMemberEpoch: sent.generationId,
        memberId: sent.memberId,
        groupInstanceId: this.groupInstanceId,
        retentionTimeMs: -1n,
        topics: [...byTopic].map(([name, partitions]) => ({
          name,
          partitions: partitions.map((p) => ({ partitionIndex: p.partition, committedOffset: p.offset, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: '' })),
        })),
      }), 2, deadline);
      const error = response.topics.flatMap((t) => t.partitions).find((p) => p.errorCode !== ErrorCode.NONE)?.errorCode ?? ErrorCode.NONE;
      if (error === ErrorCode.NONE) return;
      if (error === ErrorCode.UNKNOWN_MEMBER_ID || error === ErrorCode.ILLEGAL_GENERATION) {
        if (sent === this.generation) this.resetGeneration(error === ErrorCode.UNKNOWN_MEMBER_ID);
        throw new CommitFailedError(error, `the group ${this.groupId} has already rebalanced and assigned the partitions to another member`);
      }
      if (error === ErrorCode.REBALANCE_IN_PROGRESS) {
        this.requestRejoin();
        throw new KafkaProtocolError(error, `committing offsets of group ${this.groupId}`);
      }
      if (COORDINATOR_ERRORS.has(error) || error === ErrorCode.REQUEST_TIMED_OUT) this.coordinatorUnknown();
      const retriable = COORDINATOR_ERRORS.has(error) || error === ErrorCode.REQUEST_TIMED_OUT || error === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS || error === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      if (!retriable || Date.now() >= deadline) throw new KafkaProtocolError(error, `committing offsets of group ${this.groupId}`);
      await sleep(this.cluster.backoff(attempt));
    }
  }

  // ---- leaving ----

  /** LeaveGroup, sent only by a dynamic member that has joined (a static member's place waits out its session). */
  async leave(reason: string, deadline = Date.now() + 5_000): Promise<void> {
    this.stopHeartbeats();
    const memberId = this.generation.memberId;
    const joined = this.state !== 'unjoined' && memberId !== '';
    this.generation = NO_GENERATION;
    this.state = 'unjoined';
    if (this.groupInstanceId !== null || !joined || !this.connection) return;
    // v3 (KIP-345) names the leaving members in a batch; before, the one member id.
    await this.send<LeaveGroupRequest, LeaveGroupResponse>(LEAVE_GROUP, (v) => (v >= 3
      ? { groupId: this.groupId, memberId: '', members: [{ memberId, groupInstanceId: null, reason: v >= 5 ? reason : null }] }
      : { groupId: this.groupId, memberId, members: [] }), 0, deadline).catch(() => {});
  }

  close(): void {
    this.closed = true;
    this.stopHeartbeats();
    this.coordinatorUnknown();
  }
}
