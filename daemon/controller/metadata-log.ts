// The Raft metadata log, `__cluster_metadata-0`, for a quorum of one voter: this node is the
// leader of every epoch, so an append is committed once it is written. Each start is a new
// leader epoch, recorded in `quorum-state` as Kafka's KRaft does, and stamped on the batches.
// The multi-voter quorum (votes, fetches from the leader, snapshots) builds on the same log.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeMetadataFrame, encodeMetadataFrame } from '../../src/protocol/metadata-frame.js';
import { metadataRecordCodecs } from '../../src/protocol/generated/metadata-records.js';
import { buildBatch, iterateBatches, records as batchRecords } from '../../src/protocol/records.js';
import type { LogManager } from '../log/log-manager.js';
import type { PartitionLog } from '../log/partition-log.js';
import type { Logger } from '../logger.js';
import { METADATA_RECORD_TYPES, type MetadataRecord } from './metadata-image.js';
import type { MetadataLogAppender } from './quorum-controller.js';

const QUORUM_STATE_FILE = 'quorum-state';
const READ_CHUNK_BYTES = 1024 * 1024;

const typeNames = new Map<number, MetadataRecord['type']>(Object.entries(METADATA_RECORD_TYPES).map(([name, type]) => [type, name as MetadataRecord['type']]));

interface QuorumStateJson {
  clusterId: string;
  leaderId: number;
  leaderEpoch: number;
  votedId: number;
  appliedOffset: number;
  currentVoters: { voterId: number }[];
  data_version: number;
}

export class MetadataLog implements MetadataLogAppender {
  private constructor(
    private readonly log: PartitionLog,
    readonly leaderEpoch: number,
    private readonly logger: Logger,
  ) {}

  static async open(logs: LogManager, clusterId: string, nodeId: number, logger: Logger): Promise<MetadataLog> {
    const log = await logs.openMetadataLog();
    const statePath = join(log.dir, QUORUM_STATE_FILE);
    let previousEpoch = 0;
    try {
      const state = JSON.parse(await readFile(statePath, 'utf8')) as QuorumStateJson;
      previousEpoch = state.leaderEpoch;
    } catch {
      // No quorum state yet: a freshly formatted node.
    }
    const leaderEpoch = previousEpoch + 1;
    const state: QuorumStateJson = { clusterId, leaderId: nodeId, leaderEpoch, votedId: nodeId, appliedOffset: 0, currentVoters: [{ voterId: nodeId }], data_version: 0 };
    // Write-then-rename, so a crash never leaves a half-written quorum state behind.
    await writeFile(`${statePath}.tmp`, JSON.stringify(state));
    await rename(`${statePath}.tmp`, statePath);
    logger.info(`metadata quorum of one: node ${nodeId} is leader in epoch ${leaderEpoch}`);
    return new MetadataLog(log, leaderEpoch, logger);
  }

  async append(records: readonly MetadataRecord[]): Promise<bigint> {
    const now = BigInt(Date.now());
    const batch = buildBatch({
      records: records.map((r) => {
        const codec = metadataRecordCodecs.get(METADATA_RECORD_TYPES[r.type])!;
        return { key: null, value: encodeMetadataFrame(codec, r.record, r.version), timestamp: now };
      }),
      partitionLeaderEpoch: this.leaderEpoch,
    });
    const appended = await this.log.appendAsLeader(batch, this.leaderEpoch);
    await this.log.flush();
    return appended.lastOffset;
  }

  /** Every record in the log, in order, for replay into an image at start-up. */
  async replayAll(): Promise<{ records: MetadataRecord[]; lastOffset: bigint }> {
    const out: MetadataRecord[] = [];
    let offset = this.log.logStartOffset;
    let lastOffset = -1n;
    const end = this.log.logEndOffset;
    while (offset < end) {
      const { records } = await this.log.read(offset, READ_CHUNK_BYTES, { maxOffset: end, minOneMessage: true });
      if (records.length === 0) break;
      for (const entry of iterateBatches(records)) {
        if (entry.kind !== 'batch') continue;
        const batchEnd = entry.header.baseOffset + BigInt(entry.header.lastOffsetDelta);
        if (!entry.header.isControl) {
          for (const record of batchRecords(records.subarray(entry.offset, entry.offset + entry.size))) {
            if (record.value === null) continue;
            const frame = decodeMetadataFrame(record.value);
            const type = typeNames.get(frame.type);
            if (type === undefined) {
              this.logger.debug(`skipping metadata record of type ${frame.type} at offset ${record.offset}`);
              continue;
            }
            out.push({ type, version: frame.version, record: frame.message } as MetadataRecord);
          }
        }
        lastOffset = batchEnd;
        offset = batchEnd + 1n;
      }
    }
    return { records: out, lastOffset };
  }

  async close(): Promise<void> {
    await this.log.flush();
  }
}
