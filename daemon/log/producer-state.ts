// Idempotent and transactional producer state per partition (KIP-98, Kafka's
// ProducerStateManager): for each producer id its epoch and its last five batches' sequence and
// offset ranges. A retried batch is recognised and answered with its original offsets; a gap in
// sequence numbers or a stale epoch is refused. Everything is read from batch headers: no
// record is decoded to build or rebuild this state.
//
// Snapshots are Kafka's own `<offset>.snapshot` files (ProducerSnapshot v1: version int16,
// CRC-32C uint32 over the rest, then per producer: id, epoch, last sequence, last offset, offset
// delta, timestamp, coordinator epoch, current transaction's first offset). Like Kafka's they
// keep only each producer's last batch, so after a restart a retry of that batch is still
// recognised, and older retries are answered by sequence checks.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode } from '../../src/protocol/errors.js';
import { crc32c } from '../../src/protocol/crc32c.js';
import { lastOffset, NO_PRODUCER_EPOCH, NO_SEQUENCE, type RecordBatchHeader } from '../../src/protocol/records.js';
import { LogError, io, isNotFound } from './errors.js';
import { SNAPSHOT_SUFFIX, offsetFileName, offsetFromFileName } from './files.js';
import { writeFileDurably } from './durable-file.js';
import type { LogSegment } from './segment.js';
import type { AppendOrigin } from './validation.js';
import type { Logger } from '../logger.js';

export const BATCHES_TO_RETAIN = 5;
const INT32_MAX = 0x7fffffff;
const SNAPSHOT_VERSION = 1;
const SNAPSHOT_ENTRIES_AT = 6;
const SNAPSHOT_ENTRY_SIZE = 8 + 2 + 4 + 8 + 4 + 8 + 4 + 8;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: bigint;
  lastOffset: bigint;
  /** The batch's max timestamp (its LogAppendTime on such topics). */
  timestamp: bigint;
}

export interface ProducerEntry {
  producerEpoch: number;
  /** Oldest first, at most BATCHES_TO_RETAIN. */
  batches: BatchMetadata[];
  coordinatorEpoch: number;
  lastTimestamp: bigint;
  /** The first offset of the transaction in progress, or null. */
  currentTxnFirstOffset: bigint | null;
}

/** `seq + delta` in the int32 space sequences wrap around in. */
export function incrementSequence(sequence: number, delta: number): number {
  return sequence > INT32_MAX - delta ? delta - (INT32_MAX - sequence) - 1 : sequence + delta;
}

function decrementSequence(sequence: number, delta: number): number {
  return sequence < delta ? INT32_MAX - (delta - sequence) + 1 : sequence - delta;
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

export class ProducerStateManager {
  private producers = new Map<bigint, ProducerEntry>();
  /** Offsets of the snapshot files present, ascending. */
  private snapshots: bigint[] = [];

  private constructor(
    private readonly dir: string,
    private readonly name: string,
    private readonly logger: Logger,
  ) {}

  /**
   * Loads the latest snapshot at or below the log end offset and replays the batch headers
   * after it (none after a clean stop, whose snapshot is at the log end offset).
   */
  static async load(dir: string, name: string, segments: readonly LogSegment[], logStartOffset: bigint, logEndOffset: bigint, logger: Logger): Promise<ProducerStateManager> {
    const manager = new ProducerStateManager(dir, name, logger);
    const names = await io(`listing ${dir}`, () => readdir(dir));
    manager.snapshots = names
      .filter((n) => n.endsWith(SNAPSHOT_SUFFIX))
      .map(offsetFromFileName)
      .filter((o): o is bigint => o !== null)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    await manager.reload(segments, logStartOffset, logEndOffset);
    return manager;
  }

  /** Rebuilds the state for a log that now ends at `logEndOffset` (after a truncation too). */
  async reload(segments: readonly LogSegment[], logStartOffset: bigint, logEndOffset: bigint): Promise<void> {
    for (const offset of this.snapshots.filter((o) => o > logEndOffset)) await this.deleteSnapshot(offset);
    this.producers = new Map();
    let from = segments[0]?.baseOffset ?? logStartOffset;
    while (this.snapshots.length > 0) {
      const latest = this.snapshots[this.snapshots.length - 1];
      try {
        this.producers = await readSnapshot(this.snapshotPath(latest));
        from = latest;
        break;
      } catch (err) {
        this.logger.warn(`${this.name}: producer snapshot at ${latest} cannot be read (${err instanceof Error ? err.message : String(err)}); it is deleted`);
        await this.deleteSnapshot(latest);
      }
    }
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i];
      if (i + 1 < segments.length && segments[i + 1].baseOffset <= from) continue;
      for await (const entry of segment.log.entries(segment.offsetIndex.lookup(from).position)) {
        if (entry.kind === 'invalid') break;
        if (entry.kind !== 'batch' || entry.header.baseOffset < from || entry.header.producerId < 0n) continue;
        this.update(entry.header, entry.header.baseOffset, lastOffset(entry.header), entry.header.maxTimestamp);
      }
    }
  }

  entry(producerId: bigint): ProducerEntry | undefined {
    return this.producers.get(producerId);
  }

  get producerCount(): number {
    return this.producers.size;
  }

  /** A batch this producer already wrote with exactly these sequences and epoch: a retry. */
  findDuplicate(header: RecordBatchHeader): BatchMetadata | null {
    const entry = this.producers.get(header.producerId);
    if (!entry || entry.producerEpoch !== header.producerEpoch || header.baseSequence === NO_SEQUENCE) return null;
    const lastSeq = incrementSequence(header.baseSequence, header.lastOffsetDelta);
    return entry.batches.find((b) => b.firstSeq === header.baseSequence && b.lastSeq === lastSeq) ?? null;
  }

  /** Kafka's ProducerAppendInfo checks for a leader append; throws LogError. */
  validate(header: RecordBatchHeader, origin: AppendOrigin): void {
    const entry = this.producers.get(header.producerId);
    const currentEpoch = entry?.producerEpoch ?? NO_PRODUCER_EPOCH;
    if (header.producerEpoch < currentEpoch) {
      throw new LogError(
        ErrorCode.INVALID_PRODUCER_EPOCH,
        `Epoch of producer ${header.producerId} in ${this.name} is ${header.producerEpoch}, which is smaller than the last seen epoch ${currentEpoch}`,
      );
    }
    if (header.isControl) return;
    if (origin === 'client') this.checkSequence(header, entry);
    if (entry?.currentTxnFirstOffset != null && !header.isTransactional) {
      throw new LogError(ErrorCode.INVALID_TXN_STATE, `Expected a transactional write from producer ${header.producerId} in ${this.name}`);
    }
  }

  private checkSequence(header: RecordBatchHeader, entry: ProducerEntry | undefined): void {
    const firstSeq = header.baseSequence;
    // An unknown producer (or one whose data retention removed) may start at any sequence: KIP-360.
    if (!entry || entry.producerEpoch === NO_PRODUCER_EPOCH) return;
    if (header.producerEpoch !== entry.producerEpoch) {
      if (firstSeq !== 0) {
        throw new LogError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `Invalid sequence number for new epoch of producer ${header.producerId} in ${this.name}: ${header.producerEpoch} (request epoch), ${firstSeq} (seq. number), ${entry.producerEpoch} (current producer epoch)`);
      }
      return;
    }
    const lastSeq = entry.batches.length > 0 ? entry.batches[entry.batches.length - 1].lastSeq : NO_SEQUENCE;
    if (!inSequence(lastSeq, firstSeq)) {
      throw new LogError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `Out of order sequence number for producer ${header.producerId} in ${this.name}: ${firstSeq} (incoming seq. number), ${lastSeq} (current end sequence number)`);
    }
  }

  /** Records a batch given its offsets (a leader's append, a follower's, or a replay). */
  update(header: RecordBatchHeader, firstOffset: bigint, lastOffsetOfBatch: bigint, maxTimestamp: bigint): void {
    let entry = this.producers.get(header.producerId);
    if (!entry) {
      entry = { producerEpoch: header.producerEpoch, batches: [], coordinatorEpoch: -1, lastTimestamp: maxTimestamp, currentTxnFirstOffset: null };
      this.producers.set(header.producerId, entry);
    }
    if (entry.producerEpoch !== header.producerEpoch) {
      entry.producerEpoch = header.producerEpoch;
      entry.batches = [];
    }
    entry.lastTimestamp = maxTimestamp;
    if (header.isControl) {
      // A commit or abort marker ends the transaction, whichever it is.
      entry.currentTxnFirstOffset = null;
      return;
    }
    if (header.isTransactional && entry.currentTxnFirstOffset === null) entry.currentTxnFirstOffset = firstOffset;
    if (header.baseSequence === NO_SEQUENCE) return;
    const delta = Number(lastOffsetOfBatch - firstOffset);
    entry.batches.push({ firstSeq: header.baseSequence, lastSeq: incrementSequence(header.baseSequence, delta), firstOffset, lastOffset: lastOffsetOfBatch, timestamp: maxTimestamp });
    if (entry.batches.length > BATCHES_TO_RETAIN) entry.batches.shift();
  }

  /** Forgets batches at or after `offset` that never reached the log (a failed write). */
  forgetFrom(offset: bigint): void {
    for (const entry of this.producers.values()) {
      entry.batches = entry.batches.filter((b) => b.lastOffset < offset);
      if (entry.currentTxnFirstOffset !== null && entry.currentTxnFirstOffset >= offset) entry.currentTxnFirstOffset = null;
    }
  }

  /** The first offset of the oldest transaction still open: the last stable offset cannot pass it. */
  firstUnstableOffset(): bigint | null {
    let first: bigint | null = null;
    for (const entry of this.producers.values()) {
      if (entry.currentTxnFirstOffset !== null && (first === null || entry.currentTxnFirstOffset < first)) first = entry.currentTxnFirstOffset;
    }
    return first;
  }

  /** producer.id.expiration.ms: forgets producers idle that long, unless mid-transaction. */
  removeExpiredProducers(now: number, expirationMs: number): number {
    let removed = 0;
    for (const [id, entry] of this.producers) {
      if (entry.currentTxnFirstOffset === null && now - Number(entry.lastTimestamp) >= expirationMs) {
        this.producers.delete(id);
        removed++;
      }
    }
    return removed;
  }

  clear(): void {
    this.producers = new Map();
  }

  /**
   * Writes `<upTo>.snapshot` with what is known of the batches below `upTo`; appends numbered
   * but not yet written are left out (a replay from the snapshot restores them).
   */
  async takeSnapshot(upTo: bigint, sync: boolean): Promise<void> {
    const entries: [bigint, ProducerEntry, BatchMetadata | null][] = [];
    for (const [id, entry] of this.producers) {
      const last = [...entry.batches].reverse().find((b) => b.lastOffset < upTo) ?? null;
      if (last === null && entry.batches.length > 0) continue;
      entries.push([id, entry, last]);
    }
    const buf = Buffer.alloc(SNAPSHOT_ENTRIES_AT + 4 + entries.length * SNAPSHOT_ENTRY_SIZE);
    buf.writeInt16BE(SNAPSHOT_VERSION, 0);
    buf.writeInt32BE(entries.length, SNAPSHOT_ENTRIES_AT);
    let at = SNAPSHOT_ENTRIES_AT + 4;
    for (const [id, entry, last] of entries) {
      at = buf.writeBigInt64BE(id, at);
      at = buf.writeInt16BE(entry.producerEpoch, at);
      at = buf.writeInt32BE(last?.lastSeq ?? NO_SEQUENCE, at);
      at = buf.writeBigInt64BE(last?.lastOffset ?? -1n, at);
      at = buf.writeInt32BE(last ? Number(last.lastOffset - last.firstOffset) : 0, at);
      at = buf.writeBigInt64BE(entry.lastTimestamp, at);
      at = buf.writeInt32BE(entry.coordinatorEpoch, at);
      at = buf.writeBigInt64BE(entry.currentTxnFirstOffset ?? -1n, at);
    }
    buf.writeUInt32BE(crc32c(buf.subarray(SNAPSHOT_ENTRIES_AT)), 2);
    await writeFileDurably(this.snapshotPath(upTo), buf, sync);
    if (!this.snapshots.includes(upTo)) this.snapshots = [...this.snapshots, upTo].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  latestSnapshotOffset(): bigint | null {
    return this.snapshots.length === 0 ? null : this.snapshots[this.snapshots.length - 1];
  }

  /** Snapshots below the first segment serve no reload: deleted with the segments. */
  async deleteSnapshotsBefore(offset: bigint): Promise<void> {
    for (const snapshot of this.snapshots.filter((o) => o < offset)) await this.deleteSnapshot(snapshot);
  }

  async deleteAllSnapshots(): Promise<void> {
    for (const snapshot of [...this.snapshots]) await this.deleteSnapshot(snapshot);
  }

  private async deleteSnapshot(offset: bigint): Promise<void> {
    await io(`deleting a producer snapshot of ${this.name}`, () => rm(this.snapshotPath(offset), { force: true }));
    this.snapshots = this.snapshots.filter((o) => o !== offset);
  }

  private snapshotPath(offset: bigint): string {
    return join(this.dir, offsetFileName(offset) + SNAPSHOT_SUFFIX);
  }
}

async function readSnapshot(path: string): Promise<Map<bigint, ProducerEntry>> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    if (isNotFound(err)) return new Map();
    throw err;
  }
  if (buf.length < SNAPSHOT_ENTRIES_AT + 4) throw new Error(`${buf.length} bytes is too short`);
  const version = buf.readInt16BE(0);
  if (version !== SNAPSHOT_VERSION) throw new Error(`unknown snapshot version ${version}`);
  if (buf.readUInt32BE(2) !== crc32c(buf.subarray(SNAPSHOT_ENTRIES_AT))) throw new Error('CRC mismatch');
  const count = buf.readInt32BE(SNAPSHOT_ENTRIES_AT);
  if (count < 0 || buf.length !== SNAPSHOT_ENTRIES_AT + 4 + count * SNAPSHOT_ENTRY_SIZE) throw new Error(`${count} entries do not fill ${buf.length} bytes`);
  const producers = new Map<bigint, ProducerEntry>();
  let at = SNAPSHOT_ENTRIES_AT + 4;
  for (let i = 0; i < count; i++) {
    const producerId = buf.readBigInt64BE(at);
    const producerEpoch = buf.readInt16BE(at + 8);
    const lastSeq = buf.readInt32BE(at + 10);
    const lastOffsetOfBatch = buf.readBigInt64BE(at + 14);
    const offsetDelta = buf.readInt32BE(at + 22);
    const timestamp = buf.readBigInt64BE(at + 26);
    const coordinatorEpoch = buf.readInt32BE(at + 34);
    const txnFirst = buf.readBigInt64BE(at + 38);
    at += SNAPSHOT_ENTRY_SIZE;
    const batches: BatchMetadata[] =
      lastOffsetOfBatch >= 0n
        ? [{ firstSeq: decrementSequence(lastSeq, offsetDelta), lastSeq, firstOffset: lastOffsetOfBatch - BigInt(offsetDelta), lastOffset: lastOffsetOfBatch, timestamp }]
        : [];
    producers.set(producerId, { producerEpoch, batches, coordinatorEpoch, lastTimestamp: timestamp, currentTxnFirstOffset: txnFirst >= 0n ? txnFirst : null });
  }
  return producers;
}

