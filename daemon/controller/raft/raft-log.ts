// The Raft view of `__cluster_metadata-0` (Kafka's KafkaMetadataLog): end offset and last epoch
// for votes and fetches, leader and follower appends, truncation of a divergent tail, committed
// batches decoded into metadata records for the listeners that build images, and the snapshots
// that let the log start later than offset 0.
import { decodeFromBuffer, encodeToBuffer } from '../../../src/protocol/codec.js';
import { LeaderChangeMessage } from '../../../src/protocol/generated/clients/leader-change-message.js';
import { metadataRecordCodecs } from '../../../src/protocol/generated/metadata-records.js';
import { decodeMetadataFrame, encodeMetadataFrame } from '../../../src/protocol/metadata-frame.js';
import { buildBatch, ControlRecordType, decodeControlRecordKey, encodeControlRecordKey, iterateBatches, records as batchRecords } from '../../../src/protocol/records.js';
import type { PartitionLog } from '../../log/partition-log.js';
import type { Logger } from '../../logger.js';
import { METADATA_RECORD_TYPES, type MetadataRecord } from '../metadata-image.js';
import { describeSnapshot, SnapshotStore, type SnapshotId } from './snapshots.js';

/** One batch of the log once it is committed: its records decoded, control records apart. */
export interface CommittedBatch {
  baseOffset: bigint;
  lastOffset: bigint;
  epoch: number;
  maxTimestamp: bigint;
  sizeInBytes: number;
  records: MetadataRecord[];
  /** The LeaderChange control record a new leader writes at the start of its epoch. */
  leaderChange: LeaderChangeMessage | null;
}

const LEADER_CHANGE_VERSION = 0;
const typeNames = new Map<number, MetadataRecord['type']>(Object.entries(METADATA_RECORD_TYPES).map(([name, type]) => [type, name as MetadataRecord['type']]));

/** A metadata record framed as a record's value in the log. */
export function encodeMetadataRecord(r: MetadataRecord): Buffer {
  return encodeMetadataFrame(metadataRecordCodecs.get(METADATA_RECORD_TYPES[r.type])!, r.record, r.version);
}

export function metadataBatch(records: readonly MetadataRecord[], epoch: number, now: bigint): Buffer {
  return buildBatch({ records: records.map((r) => ({ key: null, value: encodeMetadataRecord(r), timestamp: now })), partitionLeaderEpoch: epoch });
}

export function leaderChangeBatch(leaderId: number, voters: readonly number[], grantingVoters: readonly number[], epoch: number, now: bigint): Buffer {
  const voter = (voterId: number): { voterId: number; voterDirectoryId: string } => ({ voterId, voterDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA' });
  const message: LeaderChangeMessage = { version: LEADER_CHANGE_VERSION, leaderId, voters: voters.map(voter), grantingVoters: grantingVoters.map(voter) };
  return buildBatch({
    records: [{ key: encodeControlRecordKey(ControlRecordType.LeaderChange), value: encodeToBuffer(LeaderChangeMessage, message, LEADER_CHANGE_VERSION), timestamp: now }],
    partitionLeaderEpoch: epoch,
    isControl: true,
  });
}

/** Every whole batch in `bytes`, decoded; records of types tk does not know are skipped. */
export function decodeCommittedBatches(bytes: Buffer, logger: Logger): CommittedBatch[] {
  const out: CommittedBatch[] = [];
  for (const entry of iterateBatches(bytes)) {
    if (entry.kind !== 'batch') continue;
    const h = entry.header;
    const lastOffset = h.baseOffset + BigInt(h.lastOffsetDelta);
    const batch: CommittedBatch = { baseOffset: h.baseOffset, lastOffset, epoch: h.partitionLeaderEpoch, maxTimestamp: h.maxTimestamp, sizeInBytes: entry.size, records: [], leaderChange: null };
    for (const record of batchRecords(bytes.subarray(entry.offset, entry.offset + entry.size))) {
      if (record.value === null) continue;
      if (h.isControl) {
        if (decodeControlRecordKey(record.key).type === ControlRecordType.LeaderChange) batch.leaderChange = decodeFromBuffer(LeaderChangeMessage, record.value, LEADER_CHANGE_VERSION);
        continue;
      }
      const frame = decodeMetadataFrame(record.value);
      const type = typeNames.get(frame.type);
      if (type === undefined) {
        logger.debug(`skipping metadata record of type ${frame.type} at offset ${record.offset}`);
        continue;
      }
      batch.records.push({ type, version: frame.version, record: frame.message } as MetadataRecord);
    }
    out.push(batch);
  }
  return out;
}

export class RaftLog {
  readonly snapshots: SnapshotStore;

  constructor(
    private readonly log: PartitionLog,
    private readonly logger: Logger,
  ) {
    this.snapshots = new SnapshotStore(log.dir, logger);
  }

  /**
   * Finds the snapshots on disk and, when the latest is ahead of the log (a follower stopped
   * after downloading one but before truncating), empties the log to start at it.
   */
  async recover(): Promise<void> {
    await this.snapshots.recover(this.startOffset);
    await this.truncateToLatestSnapshot();
  }

  get endOffset(): bigint {
    return this.log.logEndOffset;
  }

  get startOffset(): bigint {
    return this.log.logStartOffset;
  }

  /** Bytes of the log's segments. */
  get sizeInBytes(): number {
    return this.log.size;
  }

  /** The epoch of the last batch in the log; for an empty log the epoch of the snapshot it starts at, else 0 (Kafka's lastFetchedEpoch). */
  get lastEpoch(): number {
    if (this.log.leaderEpochCache.entries().length > 0) return this.log.leaderEpochCache.latestEpoch();
    const snapshot = this.snapshots.latest;
    return snapshot !== null && snapshot.endOffset === this.endOffset && snapshot.endOffset === this.startOffset ? snapshot.epoch : 0;
  }

  /** The largest epoch at or below `epoch` in this log, and where it ends; below the log's first epoch, the earliest snapshot. */
  endOffsetForEpoch(epoch: number): { epoch: number; endOffset: bigint } {
    if (this.log.leaderEpochCache.entries().length === 0) return { epoch: this.lastEpoch, endOffset: this.endOffset };
    const end = this.log.endOffsetForEpoch(epoch);
    const earliest = this.snapshots.earliest;
    if (earliest !== null && end.epoch === epoch && end.endOffset === earliest.endOffset) return { epoch: earliest.epoch, endOffset: earliest.endOffset };
    return end;
  }

  /**
   * The snapshot a follower fetching from this position must load instead (Kafka's
   * validateOffsetAndEpoch): its log is empty, or it asks for what the log no longer has.
   */
  snapshotToFetch(fetchOffset: bigint, lastFetchedEpoch: number): SnapshotId | null {
    const latest = this.snapshots.latest;
    const earliest = this.snapshots.earliest;
    if (latest === null || earliest === null) return null;
    if (fetchOffset === 0n) return latest;
    const behind = fetchOffset < this.startOffset || (fetchOffset === this.startOffset && lastFetchedEpoch !== earliest.epoch) || lastFetchedEpoch < earliest.epoch;
    return behind ? latest : null;
  }

  /** Empties the log to start at the latest snapshot when that is ahead of it; true when it did. */
  async truncateToLatestSnapshot(): Promise<boolean> {
    const snapshot = this.snapshots.latest;
    const latestEpoch = Math.max(0, this.log.leaderEpochCache.latestEpoch());
    if (snapshot === null || !(snapshot.epoch > latestEpoch || (snapshot.epoch === latestEpoch && snapshot.endOffset > this.endOffset))) return false;
    this.logger.info(`metadata log: starting the log at snapshot ${describeSnapshot(snapshot)}, past its end ${this.endOffset}`);
    await this.log.truncateFullyAndStartAt(snapshot.endOffset);
    await this.snapshots.forgetBefore(snapshot, 'the log now starts at a later snapshot');
    return true;
  }

  /**
   * Moves the log start to a snapshot's end, deleting the segments wholly before it and the
   * older snapshots (Kafka's deleteBeforeSnapshot); false when nothing could be deleted.
   */
  async deleteBeforeSnapshot(id: SnapshotId, reason: string): Promise<boolean> {
    const latest = this.snapshots.latest;
    if (latest === null || !this.snapshots.has(id) || id.endOffset <= this.startOffset || id.endOffset > latest.endOffset || id.endOffset > this.endOffset) return false;
    await this.log.deleteRecordsBefore(id.endOffset);
    await this.snapshots.forgetBefore(id, reason);
    return true;
  }

  /** Appends a batch the leader built (its epoch is stamped) and flushes; returns its last offset. */
  async appendAsLeader(batch: Buffer, epoch: number): Promise<bigint> {
    const result = await this.log.appendAsLeader(batch, epoch, { origin: 'coordinator' });
    await this.log.flush();
    return result.lastOffset;
  }

  /** Appends batches fetched from the leader, with their offsets, and flushes. */
  async appendAsFollower(records: Buffer): Promise<void> {
    if (records.length === 0) return;
    await this.log.appendAsFollower(records);
    await this.log.flush();
  }

  truncateTo(offset: bigint): Promise<void> {
    return this.log.truncateTo(offset);
  }

  /** Whole batches from `offset`, none at or after `maxOffset`; at least one batch when there is one. */
  async read(offset: bigint, maxBytes: number, maxOffset = this.endOffset): Promise<Buffer> {
    if (offset >= maxOffset) return Buffer.alloc(0);
    return (await this.log.read(offset, maxBytes, { maxOffset, minOneMessage: true })).records;
  }

  /** The batches in [from, to), decoded. */
  async committedBatches(from: bigint, to: bigint, maxBytes = 1024 * 1024): Promise<CommittedBatch[]> {
    const out: CommittedBatch[] = [];
    let offset = from;
    while (offset < to) {
      const bytes = await this.read(offset, maxBytes, to);
      const batches = decodeCommittedBatches(bytes, this.logger);
      if (batches.length === 0) break;
      out.push(...batches);
      offset = batches[batches.length - 1].lastOffset + 1n;
    }
    return out;
  }

  flush(): Promise<void> {
    return this.log.flush();
  }
}
