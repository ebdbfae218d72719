// The Raft view of `__cluster_metadata-0`: end offset and last epoch for votes and fetches,
// leader and follower appends, truncation of a divergent tail, and committed batches decoded
// into metadata records for the listeners that build images.
import { decodeFromBuffer, encodeToBuffer } from '../../../src/protocol/codec.js';
import { LeaderChangeMessage } from '../../../src/protocol/generated/clients/leader-change-message.js';
import { metadataRecordCodecs } from '../../../src/protocol/generated/metadata-records.js';
import { decodeMetadataFrame, encodeMetadataFrame } from '../../../src/protocol/metadata-frame.js';
import { buildBatch, ControlRecordType, decodeControlRecordKey, encodeControlRecordKey, iterateBatches, records as batchRecords } from '../../../src/protocol/records.js';
import type { PartitionLog } from '../../log/partition-log.js';
import type { Logger } from '../../logger.js';
import { METADATA_RECORD_TYPES, type MetadataRecord } from '../metadata-image.js';

/** One batch of the log once it is committed: its records decoded, control records apart. */
export interface CommittedBatch {
  baseOffset: bigint;
  lastOffset: bigint;
  epoch: number;
  records: MetadataRecord[];
  /** The LeaderChange control record a new leader writes at the start of its epoch. */
  leaderChange: LeaderChangeMessage | null;
}

const LEADER_CHANGE_VERSION = 0;
const typeNames = new Map<number, MetadataRecord['type']>(Object.entries(METADATA_RECORD_TYPES).map(([name, type]) => [type, name as MetadataRecord['type']]));

export function metadataBatch(records: readonly MetadataRecord[], epoch: number, now: bigint): Buffer {
  return buildBatch({
    records: records.map((r) => ({ key: null, value: encodeMetadataFrame(metadataRecordCodecs.get(METADATA_RECORD_TYPES[r.type])!, r.record, r.version), timestamp: now })),
    partitionLeaderEpoch: epoch,
  });
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

export class RaftLog {
  constructor(
    private readonly log: PartitionLog,
    private readonly logger: Logger,
  ) {}

  get endOffset(): bigint {
    return this.log.logEndOffset;
  }

  get startOffset(): bigint {
    return this.log.logStartOffset;
  }

  /** The epoch of the last batch in the log; 0 when the log is empty (as Kafka's lastFetchedEpoch). */
  get lastEpoch(): number {
    return Math.max(0, this.log.leaderEpochCache.latestEpoch());
  }

  /** The largest epoch at or below `epoch` in this log, and where it ends. */
  endOffsetForEpoch(epoch: number): { epoch: number; endOffset: bigint } {
    if (this.log.leaderEpochCache.entries().length === 0) return { epoch: 0, endOffset: 0n };
    return this.log.endOffsetForEpoch(epoch);
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
      if (bytes.length === 0) break;
      for (const entry of iterateBatches(bytes)) {
        if (entry.kind !== 'batch') continue;
        const h = entry.header;
        const lastOffset = h.baseOffset + BigInt(h.lastOffsetDelta);
        const batch: CommittedBatch = { baseOffset: h.baseOffset, lastOffset, epoch: h.partitionLeaderEpoch, records: [], leaderChange: null };
        for (const record of batchRecords(bytes.subarray(entry.offset, entry.offset + entry.size))) {
          if (record.value === null) continue;
          if (h.isControl) {
            if (decodeControlRecordKey(record.key).type === ControlRecordType.LeaderChange) batch.leaderChange = decodeFromBuffer(LeaderChangeMessage, record.value, LEADER_CHANGE_VERSION);
            continue;
          }
          const frame = decodeMetadataFrame(record.value);
          const type = typeNames.get(frame.type);
          if (type === undefined) {
            this.logger.debug(`skipping metadata record of type ${frame.type} at offset ${record.offset}`);
            continue;
          }
          batch.records.push({ type, version: frame.version, record: frame.message } as MetadataRecord);
        }
        out.push(batch);
        offset = lastOffset + 1n;
      }
    }
    return out;
  }

  flush(): Promise<void> {
    return this.log.flush();
  }
}
