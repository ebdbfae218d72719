// The group coordinator: which groups this broker coordinates (the leader of partition
// abs(hash(groupId)) % offsets.topic.num.partitions of __consumer_offsets), creating that topic on
// first use, loading a partition's groups and offsets when this broker becomes its leader,
// writing every change there before answering, and expiring old offsets.
import type { BrokerConfig } from '../../src/config/broker-configs.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildBatch, decodeBatch, iterateBatches } from '../../src/protocol/records.js';
import type { CreatableTopicResult } from '../../src/protocol/generated/clients/create-topics-response.js';
import type { MetadataImage } from '../controller/metadata-image.js';
import type { TopicToCreate } from '../controller/quorum-controller.js';
import { CONSUMER_OFFSETS_TOPIC } from '../controller/topic-names.js';
import type { Clock } from '../log/clock.js';
import type { Logger } from '../logger.js';
import type { AppendResult } from '../replication/replica-manager.js';
import type { Partition } from '../replication/partition.js';
import { ClassicGroup } from './classic-group.js';
import { ClassicRebalance, type ClassicGroupSettings } from './classic-rebalance.js';
import { ConsumerGroup } from './consumer-group.js';
import { ConsumerGroupProtocol, consumerGroupTombstones, type ConsumerGroupSettings } from './consumer-group-protocol.js';
import type { ConsumerGroupRecord } from './consumer-group-records.js';
import { decodeCoordinatorRecord, encodeCoordinatorRecord, type CoordinatorRecord } from './coordinator-records.js';
import { OffsetStore } from './offsets.js';
import { CoordinatorTimers } from './timers.js';

export interface GroupCoordinatorSettings {
  offsetsTopicNumPartitions: number;
  offsetsTopicReplicationFactor: number;
  offsetsTopicSegmentBytes: number;
  offsetsRetentionMs: number;
  offsetsRetentionCheckIntervalMs: number;
  /** offsets.commit.timeout.ms: how long a write waits for the ISR of its __consumer_offsets partition. */
  offsetsCommitTimeoutMs: number;
  offsetMetadataMaxBytes: number;
  classic: ClassicGroupSettings;
  /** Kafka's defaults when absent. */
  consumer?: ConsumerGroupSettings;
}

const DEFAULT_CONSUMER_GROUP_SETTINGS: ConsumerGroupSettings = { enabled: true, sessionTimeoutMs: 45_000, heartbeatIntervalMs: 5_000, maxSize: 2 ** 31 - 1 };

export function groupCoordinatorSettings(config: BrokerConfig): GroupCoordinatorSettings {
  return {
    offsetsTopicNumPartitions: config.offsetsTopicNumPartitions,
    offsetsTopicReplicationFactor: config.offsetsTopicReplicationFactor,
    offsetsTopicSegmentBytes: config.offsetsTopicSegmentBytes,
    offsetsRetentionMs: config.offsetsRetentionMs,
    offsetsRetentionCheckIntervalMs: Number(config.offsetsRetentionCheckIntervalMs),
    offsetsCommitTimeoutMs: config.offsetsCommitTimeoutMs,
    offsetMetadataMaxBytes: config.offsetMetadataMaxBytes,
    classic: {
      initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
      minSessionTimeoutMs: config.groupMinSessionTimeoutMs,
      maxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
      maxSize: config.groupMaxSize,
    },
    consumer: {
      enabled: config.groupCoordinatorRebalanceProtocols.includes('consumer'),
      sessionTimeoutMs: config.groupConsumerSessionTimeoutMs,
      heartbeatIntervalMs: config.groupConsumerHeartbeatIntervalMs,
      maxSize: config.groupConsumerMaxSize,
    },
  };
}

/** What the coordinator uses of the broker. */
export interface GroupCoordinatorHost {
  readonly nodeId: number;
  currentImage(): MetadataImage;
  createTopic(topic: TopicToCreate): Promise<CreatableTopicResult>;
  awaitMetadataApplied(): Promise<void>;
  partition(topic: string, partitionId: number): Partition | undefined;
  /** Appends with acks=all, waiting up to `timeoutMs` for the ISR. */
  appendToLeader(topic: string, partitionId: number, records: Buffer, timeoutMs: number): Promise<AppendResult>;
}

/** A group of either protocol. */
export type Group = ClassicGroup | ConsumerGroup;

/** Java's String.hashCode over UTF-16 code units, as an int32. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's Utils.abs(groupId.hashCode()) % partitions (abs of Integer.MIN_VALUE is 0 there). */
export function offsetsPartitionFor(groupId: string, numPartitions: number): number {
  const h = javaStringHashCode(groupId);
  return (h === -0x80000000 ? 0 : Math.abs(h)) % numPartitions;
}

const READ_CHUNK_BYTES = 1024 * 1024;
/** How often a load waiting for its partition's high watermark checks it was not superseded. */
const LOAD_COMMIT_CHECK_MS = 1_000;
const RETENTION_TIMER = '\u0000retention';

export class GroupCoordinator {
  readonly groups = new Map<string, Group>();
  readonly offsets = new OffsetStore();
  readonly timers: CoordinatorTimers;
  readonly classic: ClassicRebalance;
  readonly consumer: ConsumerGroupProtocol;
  /** __consumer_offsets partitions this broker leads, by the leader epoch loaded: loading, or loaded. Each load has its own token. */
  private readonly owned = new Map<number, { loaded: boolean; token: object; leaderEpoch: number }>();
  private creatingTopic: Promise<number> | null = null;
  /** Topic ids by name in the last image seen, to notice deleted topics. */
  private topicIds: Map<string, string> | null = null;

  constructor(
    private readonly host: GroupCoordinatorHost,
    readonly settings: GroupCoordinatorSettings,
    readonly clock: Clock,
    private readonly log: Logger,
    options: { autoFireTimers?: boolean } = {},
  ) {
    this.timers = new CoordinatorTimers(clock, options.autoFireTimers ?? true, (key, err) => log.error(`group coordinator timer ${JSON.stringify(key)}`, err));
    this.classic = new ClassicRebalance({
      clock,
      timers: this.timers,
      settings: settings.classic,
      log,
      persistGroup: (group) => this.write(group.groupId, [{ type: 'group', group: group.groupId, value: group.toRecord() }]),
    });
    this.consumer = new ConsumerGroupProtocol({ clock, timers: this.timers, settings: settings.consumer ?? DEFAULT_CONSUMER_GROUP_SETTINGS, log, image: () => host.currentImage(), coordinator: this });
    this.scheduleRetention();
  }

  /** Once __consumer_offsets exists its partition count decides, whatever offsets.topic.num.partitions says now. */
  partitionFor(groupId: string): number {
    const existing = this.host.currentImage().topicsByName.get(CONSUMER_OFFSETS_TOPIC)?.partitions.size;
    return offsetsPartitionFor(groupId, existing || this.settings.offsetsTopicNumPartitions);
  }

  /** NONE when this broker coordinates the group and has loaded it; otherwise the error to answer with. */
  ownership(groupId: string): number {
    const state = this.owned.get(this.partitionFor(groupId));
    if (!state) return ErrorCode.NOT_COORDINATOR;
    return state.loaded ? ErrorCode.NONE : ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
  }

  /** Whether a partition this broker leads is still being loaded (ListGroups says so). */
  isLoading(): boolean {
    for (const state of this.owned.values()) if (!state.loaded) return true;
    return false;
  }

  /** Creates __consumer_offsets if it does not exist yet; NONE once it does. */
  ensureOffsetsTopic(): Promise<number> {
    if (this.host.currentImage().topicsByName.has(CONSUMER_OFFSETS_TOPIC)) return Promise.resolve(ErrorCode.NONE);
    const liveBrokers = [...this.host.currentImage().brokers.values()].filter((b) => !b.fenced).length;
    if (liveBrokers < this.settings.offsetsTopicReplicationFactor) return Promise.resolve(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    this.creatingTopic ??= this.host
      .createTopic({
        name: CONSUMER_OFFSETS_TOPIC,
        numPartitions: this.settings.offsetsTopicNumPartitions,
        replicationFactor: this.settings.offsetsTopicReplicationFactor,
        assignments: [],
        configs: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'compression.type', value: 'producer' },
          { name: 'segment.bytes', value: String(this.settings.offsetsTopicSegmentBytes) },
        ],
      })
      .then(async (result) => {
        await this.host.awaitMetadataApplied();
        if (result.errorCode === ErrorCode.NONE || result.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS) return ErrorCode.NONE;
        this.log.warn(`could not create ${CONSUMER_OFFSETS_TOPIC}: ${result.errorMessage ?? `error ${result.errorCode}`}`);
        return ErrorCode.COORDINATOR_NOT_AVAILABLE;
      })
      .catch((err: unknown) => {
        this.log.error(`creating ${CONSUMER_OFFSETS_TOPIC}`, err);
        return ErrorCode.COORDINATOR_NOT_AVAILABLE;
      })
      .finally(() => (this.creatingTopic = null));
    return this.creatingTopic;
  }

  /**
   * A classic group of this broker, created empty when `create` is set and it does not exist;
   * undefined for the id of a consumer group.
   */
  classicGroup(groupId: string, create: boolean): ClassicGroup | undefined {
    let group = this.groups.get(groupId);
    if (group?.type === 'consumer') return undefined;
    if (!group && create) {
      group = new ClassicGroup(groupId, this.clock.now());
      this.groups.set(groupId, group);
    }
    return group;
  }

  /**
   * Appends records of one group to its partition and resolves once they are in the log, with
   * the error code a coordinator answers for a failed write (Kafka's mapping of produce errors).
   */
  async write(groupId: string, records: readonly CoordinatorRecord[]): Promise<number> {
    if (records.length === 0) return ErrorCode.NONE;
    const partitionId = this.partitionFor(groupId);
    const now = BigInt(this.clock.now());
    const batch = buildBatch({ records: records.map((r) => ({ ...encodeCoordinatorRecord(r), timestamp: now })) });
    let result: AppendResult;
    try {
      result = await this.host.appendToLeader(CONSUMER_OFFSETS_TOPIC, partitionId, batch, this.settings.offsetsCommitTimeoutMs);
    } catch (err) {
      this.log.error(`writing group ${groupId} to ${CONSUMER_OFFSETS_TOPIC}-${partitionId}`, err);
      return ErrorCode.UNKNOWN_SERVER_ERROR;
    }
    switch (result.errorCode) {
      case ErrorCode.NONE:
        return ErrorCode.NONE;
      case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
      case ErrorCode.NOT_ENOUGH_REPLICAS:
      case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
      case ErrorCode.REQUEST_TIMED_OUT:
        return ErrorCode.COORDINATOR_NOT_AVAILABLE;
      case ErrorCode.NOT_LEADER_OR_FOLLOWER:
      case ErrorCode.KAFKA_STORAGE_ERROR:
        return ErrorCode.NOT_COORDINATOR;
      case ErrorCode.MESSAGE_TOO_LARGE:
      case ErrorCode.RECORD_LIST_TOO_LARGE:
      case ErrorCode.INVALID_FETCH_SIZE:
        return ErrorCode.UNKNOWN_SERVER_ERROR;
      default:
        return result.errorCode;
    }
  }

  /**
   * Follows leadership of __consumer_offsets: loads partitions this broker now leads, unloads the
   * others. A new leader epoch reloads (as Kafka's onElection does): the log may have changed
   * under another leader since this broker last led.
   */
  onMetadata(image: MetadataImage): void {
    this.forgetDeletedTopics(image);
    const topic = image.topicsByName.get(CONSUMER_OFFSETS_TOPIC);
    const leading = new Map<number, number>();
    for (const p of topic?.partitions.values() ?? []) if (p.leader === this.host.nodeId) leading.set(p.partitionId, p.leaderEpoch);
    for (const [partitionId, state] of [...this.owned]) if (leading.get(partitionId) !== state.leaderEpoch) this.unloadPartition(partitionId);
    for (const [partitionId, leaderEpoch] of leading) {
      if (this.owned.has(partitionId)) continue;
      const token = {};
      this.owned.set(partitionId, { loaded: false, token, leaderEpoch });
      void this.loadPartition(partitionId, token).catch((err: unknown) => {
        this.log.error(`loading ${CONSUMER_OFFSETS_TOPIC}-${partitionId}`, err);
        if (this.owned.get(partitionId)?.token === token) this.owned.delete(partitionId);
      });
    }
  }

  /** Committed offsets of a deleted topic go too, with tombstones, as Kafka does when a topic is deleted. */
  private forgetDeletedTopics(image: MetadataImage): void {
    const previous = this.topicIds;
    this.topicIds = new Map([...image.topicsByName].map(([name, t]) => [name, t.topicId]));
    if (previous === null) return;
    const deleted = new Set([...previous].filter(([name, id]) => this.topicIds?.get(name) !== id).map(([name]) => name));
    if (deleted.size === 0) return;
    for (const groupId of [...this.offsets.groups()]) {
      if (this.ownership(groupId) !== ErrorCode.NONE) continue;
      const gone = this.offsets.all(groupId).filter((o) => deleted.has(o.topic));
      if (gone.length === 0) continue;
      void this.write(groupId, gone.map(({ topic, partition }) => ({ type: 'offset', group: groupId, topic, partition, value: null }))).then((errorCode) => {
        if (errorCode === ErrorCode.NONE) for (const { topic, partition } of gone) this.offsets.delete(groupId, topic, partition);
        else this.log.warn(`could not remove the offsets of deleted topics from group ${groupId}: error ${errorCode}`);
      });
    }
  }

  /** Replays the partition: the last record per key wins, tombstones remove. */
  private async loadPartition(partitionId: number, token: object): Promise<void> {
    await this.host.awaitMetadataApplied();
    const partition = this.host.partition(CONSUMER_OFFSETS_TOPIC, partitionId);
    if (!partition) throw new Error(`${CONSUMER_OFFSETS_TOPIC}-${partitionId} is not hosted here`);
    const groupRecords = new Map<string, CoordinatorRecord & { type: 'group' }>();
    const consumerRecords = new Map<string, ConsumerGroupRecord[]>();
    const offsets = new OffsetStore();
    const started = Date.now();
    let position = partition.log.logStartOffset;
    let count = 0;
    while (position < partition.log.logEndOffset) {
      const read = await partition.log.read(position, READ_CHUNK_BYTES, { minOneMessage: true });
      if (read.nextOffset <= position) break;
      position = read.nextOffset;
      for (const entry of iterateBatches(read.records)) {
        if (entry.kind !== 'batch' || entry.header.isControl) continue;
        for (const record of decodeBatch(read.records.subarray(entry.offset, entry.offset + entry.size)).records) {
          const decoded = decodeRecordSafely(record.key, record.value);
          if (decoded === null) continue;
          count++;
          if (decoded.type === 'group') groupRecords.set(decoded.group, decoded);
          else if (decoded.type === 'consumer') appendTo(consumerRecords, decoded.group, decoded.record);
          else if (decoded.value === null) offsets.delete(decoded.group, decoded.topic, decoded.partition);
          else offsets.put(decoded.group, decoded.topic, decoded.partition, decoded.value);
        }
      }
    }
    if (!(await this.committedUpTo(partition, position, token))) return;
    const now = this.clock.now();
    for (const { group: groupId, value } of groupRecords.values()) {
      if (value === null) continue;
      const group = ClassicGroup.fromRecord(groupId, value, now);
      this.groups.set(groupId, group);
      this.classic.resumeLoaded(group);
    }
    for (const [groupId, records] of consumerRecords) {
      const group = new ConsumerGroup(groupId, now);
      for (const record of records) group.replay(record, now);
      // Replayed up to a tombstone of its epoch record, the group was deleted; a later epoch revives it.
      if (group.state === 'Dead' || records.every((r) => r.kind !== 'groupEpoch')) continue;
      this.groups.set(groupId, group);
      this.consumer.resumeLoaded(group);
    }
    for (const groupId of offsets.groups()) {
      // A group known only by its offsets (simple commits) exists as an empty group, as in Kafka.
      this.classicGroup(groupId, true);
      for (const { topic, partition: p, offset } of offsets.all(groupId)) this.offsets.put(groupId, topic, p, offset);
    }
    this.owned.set(partitionId, { loaded: true, token, leaderEpoch: this.owned.get(partitionId)!.leaderEpoch });
    if (count > 0) this.log.info(`loaded ${count} records of ${CONSUMER_OFFSETS_TOPIC}-${partitionId} in ${Date.now() - started} ms`);
  }

  /**
   * Waits until the high watermark reaches `end`, the log end this load replayed to: a new leader's
   * tail may not be replicated yet, and groups and offsets are served only once committed (Kafka's
   * coordinator runtime reads at the high watermark). False once this load is superseded.
   */
  private async committedUpTo(partition: Partition, end: bigint, token: object): Promise<boolean> {
    for (;;) {
      if (this.owned.get(partition.partitionId)?.token !== token) return false;
      // Any ISR will do: the wait is for the high watermark only.
      const errorCode = await partition.delayedProduces.await(end, 0, LOAD_COMMIT_CHECK_MS);
      if (errorCode === ErrorCode.NONE) return this.owned.get(partition.partitionId)?.token === token;
      // No longer leader: the image that says so unloads the partition, or a new epoch reloads it.
      if (errorCode !== ErrorCode.REQUEST_TIMED_OUT) return false;
    }
  }

  private unloadPartition(partitionId: number): void {
    this.owned.delete(partitionId);
    for (const [groupId, group] of [...this.groups]) {
      if (this.partitionFor(groupId) !== partitionId) continue;
      this.unloadGroup(group, ErrorCode.NOT_COORDINATOR);
      this.groups.delete(groupId);
      this.offsets.deleteGroup(groupId);
    }
  }

  /** Removes a group and its offsets with tombstones; the caller checked it may be deleted. */
  async deleteGroup(group: Group): Promise<number> {
    const records: CoordinatorRecord[] = this.offsets.all(group.groupId).map(({ topic, partition }) => ({ type: 'offset', group: group.groupId, topic, partition, value: null }));
    records.push(...groupTombstones(group));
    const errorCode = await this.write(group.groupId, records);
    if (errorCode !== ErrorCode.NONE) return errorCode;
    group.transitionTo('Dead', this.clock.now());
    this.unloadGroup(group, ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (this.groups.get(group.groupId) === group) this.groups.delete(group.groupId);
    this.offsets.deleteGroup(group.groupId);
    return ErrorCode.NONE;
  }

  private scheduleRetention(): void {
    this.timers.schedule(RETENTION_TIMER, this.settings.offsetsRetentionCheckIntervalMs, () => {
      this.scheduleRetention();
      void this.expireOffsets().catch((err: unknown) => this.log.error('expiring committed offsets', err));
    });
  }

  /** Removes expired offsets of groups that no member uses, and then groups left with nothing. */
  async expireOffsets(): Promise<void> {
    const now = this.clock.now();
    for (const [groupId, group] of [...this.groups]) {
      if (this.ownership(groupId) !== ErrorCode.NONE || group.state !== 'Empty') continue;
      // A consumer group's offsets expire from their commit time, as in Kafka.
      const emptySince = group.type === 'classic' && group.protocolType !== null ? group.currentStateTimestamp : null;
      const expired = this.offsets.expired(groupId, now, this.settings.offsetsRetentionMs, emptySince);
      const records: CoordinatorRecord[] = expired.map(({ topic, partition }) => ({ type: 'offset', group: groupId, topic, partition, value: null }));
      const removesAll = expired.length === this.offsets.all(groupId).length;
      if (removesAll && group.state === 'Empty') records.push(...groupTombstones(group));
      if (records.length === 0 || (await this.write(groupId, records)) !== ErrorCode.NONE) continue;
      for (const { topic, partition } of expired) this.offsets.delete(groupId, topic, partition);
      if (removesAll && group.state === 'Empty' && this.groups.get(groupId) === group) {
        group.transitionTo('Dead', this.clock.now());
        this.groups.delete(groupId);
      }
      this.log.info(`removed ${expired.length} expired offsets of group ${groupId}`);
    }
  }

  shutdown(): void {
    for (const group of this.groups.values()) this.unloadGroup(group, ErrorCode.NOT_COORDINATOR);
    this.timers.shutdown();
  }

  private unloadGroup(group: Group, errorCode: number): void {
    if (group.type === 'classic') this.classic.unload(group, errorCode);
    else this.consumer.unload(group);
  }
}

function appendTo<T>(lists: Map<string, T[]>, key: string, item: T): void {
  const list = lists.get(key);
  if (list) list.push(item);
  else lists.set(key, [item]);
}

function groupTombstones(group: Group): CoordinatorRecord[] {
  return group.type === 'classic' ? [{ type: 'group', group: group.groupId, value: null }] : consumerGroupTombstones(group);
}

/** A record that does not decode is skipped with the rest of the partition still loaded. */
function decodeRecordSafely(key: Buffer | null, value: Buffer | null): CoordinatorRecord | null {
  try {
    return decodeCoordinatorRecord(key, value);
  } catch {
    return null;
  }
}
