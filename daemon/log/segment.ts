// A log segment: `<baseOffset>.log` with its `.index` and `.timeindex`, covering the offsets
// from baseOffset up to the next segment's. Only the active (last) segment is appended to.
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  CorruptBatchError,
  TimestampType,
  iterateBatches,
  lastOffset,
  records as recordsOf,
  validateBatch,
  type RecordBatchHeader,
} from '../../src/protocol/records.js';
import type { Clock } from './clock.js';
import { io } from './errors.js';
import { entryLastOffset, FileRecords, type ScannedEntry } from './file-records.js';
import { INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX, segmentFile } from './files.js';
import { CorruptIndexError } from './index-file.js';
import { OffsetIndex } from './offset-index.js';
import { TimeIndex } from './time-index.js';

const NO_TIMESTAMP = -1n;
const INT32_MAX = 0x7fffffffn;
const EMPTY = Buffer.alloc(0);

export interface SegmentSettings {
  indexIntervalBytes: number;
  segmentIndexBytes: number;
}

/** A record found by timestamp or as the latest one; leaderEpoch is null when its batch has none. */
export interface TimestampAndOffset {
  timestamp: bigint;
  offset: bigint;
  leaderEpoch: number | null;
}

export interface SegmentRead {
  /** Whole batches; empty when the first one is past maxOffset or larger than maxSize. */
  records: Buffer;
  /** The offset after the last batch returned (the fetch offset when nothing is returned). */
  nextOffset: bigint;
}

export interface RollParams {
  now: number;
  segmentBytes: number;
  segmentMs: number;
  messagesSize: number;
  maxTimestampInMessages: bigint;
  maxOffsetInMessages: bigint;
}

type Located = Extract<ScannedEntry, { kind: 'batch' | 'legacy' }>;

export class LogSegment {
  private maxTimestamp: bigint;
  private offsetOfMaxTimestamp: bigint;
  private bytesSinceLastIndexEntry = 0;
  /** The first batch's max timestamp: segment.ms counts from it (read from disk when needed). */
  private rollingBasedTimestamp: bigint | null = null;
  private lastModified: number;

  private constructor(
    readonly baseOffset: bigint,
    readonly log: FileRecords,
    readonly offsetIndex: OffsetIndex,
    readonly timeIndex: TimeIndex,
    private readonly settings: SegmentSettings,
    /** When this segment object was made: segment.ms counts from it until a batch has a timestamp. */
    readonly created: number,
    /** The indexes are missing, corrupt or behind the log: recovery must rebuild them. */
    readonly needsRecovery: boolean,
  ) {
    const last = timeIndex.lastEntry();
    this.maxTimestamp = last.timestamp;
    this.offsetOfMaxTimestamp = last.offset;
    this.lastModified = log.mtimeMs;
  }

  /** Opens (or creates) the segment's files; `suffix` names a segment being cleaned or swapped in. */
  static async open(dir: string, baseOffset: bigint, settings: SegmentSettings, clock: Clock, suffix = ''): Promise<LogSegment> {
    const log = await FileRecords.open(segmentFile(dir, baseOffset, LOG_SUFFIX, suffix));
    const indexPath = segmentFile(dir, baseOffset, INDEX_SUFFIX, suffix);
    const timeIndexPath = segmentFile(dir, baseOffset, TIME_INDEX_SUFFIX, suffix);
    let offsetIndex: OffsetIndex;
    let timeIndex: TimeIndex;
    let needsRecovery = false;
    try {
      offsetIndex = await OffsetIndex.open(indexPath, baseOffset, settings.segmentIndexBytes);
      timeIndex = await TimeIndex.open(timeIndexPath, baseOffset, settings.segmentIndexBytes);
      needsRecovery =
        log.sizeInBytes > 0 && (!offsetIndex.existedOnOpen || !timeIndex.existedOnOpen || offsetIndex.lastEntry().position >= log.sizeInBytes);
    } catch (err) {
      if (!(err instanceof CorruptIndexError)) {
        await log.close();
        throw err;
      }
      offsetIndex = OffsetIndex.empty(indexPath, baseOffset, settings.segmentIndexBytes);
      timeIndex = TimeIndex.empty(timeIndexPath, baseOffset, settings.segmentIndexBytes);
      needsRecovery = true;
    }
    return new LogSegment(baseOffset, log, offsetIndex, timeIndex, settings, clock.now(), needsRecovery);
  }

  get size(): number {
    return this.log.sizeInBytes;
  }

  get maxTimestampSoFar(): bigint {
    return this.maxTimestamp;
  }

  /** The last offset of the batch that holds the largest timestamp. */
  get shallowOffsetOfMaxTimestampSoFar(): bigint {
    return this.offsetOfMaxTimestamp;
  }

  /** What retention measures age by: the largest timestamp, or the file's mtime when there is none. */
  get largestTimestamp(): number {
    return this.maxTimestamp >= 0n ? Number(this.maxTimestamp) : this.lastModified;
  }

  canConvertToRelativeOffset(offset: bigint): boolean {
    const relative = offset - this.baseOffset;
    return relative >= 0n && relative <= INT32_MAX;
  }

  /**
   * Appends batches whose offsets are already assigned. Index entries go in per batch, one every
   * indexIntervalBytes, exactly as recovery would rebuild them.
   */
  async append(batches: Buffer, now: number): Promise<void> {
    if (batches.length === 0) return;
    const start = await this.log.append(batches);
    this.lastModified = now;
    for (const entry of iterateBatches(batches)) {
      if (entry.kind === 'truncated') break;
      const last = entry.kind === 'batch' ? lastOffset(entry.header) : entry.lastOffset;
      if (entry.kind === 'batch') {
        if (start === 0 && entry.offset === 0) this.rollingBasedTimestamp = entry.header.maxTimestamp;
        this.observeTimestamp(entry.header.maxTimestamp, last);
      }
      this.maybeIndex(last, start + entry.offset);
      this.bytesSinceLastIndexEntry += entry.size;
    }
  }

  private observeTimestamp(timestamp: bigint, offset: bigint): void {
    if (timestamp > this.maxTimestamp) {
      this.maxTimestamp = timestamp;
      this.offsetOfMaxTimestamp = offset;
    }
  }

  private maybeIndex(last: bigint, position: number): void {
    if (this.bytesSinceLastIndexEntry <= this.settings.indexIntervalBytes || this.offsetIndex.isFull) return;
    if (this.offsetIndex.entries > 0 && last <= this.offsetIndex.lastEntry().offset) return;
    this.offsetIndex.append(last, position);
    if (!this.timeIndex.isFull) this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
    this.bytesSinceLastIndexEntry = 0;
  }

  /** The first entry whose last offset is at or above `offset`, found from the nearest index entry. */
  async translateOffset(offset: bigint): Promise<Located | null> {
    for await (const entry of this.log.entries(this.offsetIndex.lookup(offset).position)) {
      if (entry.kind === 'invalid') return null;
      if (entryLastOffset(entry) >= offset) return entry;
    }
    return null;
  }

  /**
   * Whole batches from the one holding `startOffset`, up to `maxSize` bytes (at least the first
   * batch with `minOneMessage`), stopping before any batch that reaches `maxOffset`. Null when
   * this segment holds nothing at or after `startOffset`.
   */
  async read(startOffset: bigint, maxSize: number, maxOffset: bigint, minOneMessage: boolean): Promise<SegmentRead | null> {
    const first = await this.translateOffset(startOffset);
    if (first === null) return null;
    if (entryLastOffset(first) >= maxOffset) return { records: EMPTY, nextOffset: startOffset };
    const wanted = minOneMessage ? Math.max(maxSize, first.size) : maxSize;
    const buf = await this.log.read(first.position, wanted, { pooled: true });
    let end = 0;
    let nextOffset = startOffset;
    try {
      for (const entry of iterateBatches(buf)) {
        if (entry.kind === 'truncated') break;
        const last = entry.kind === 'batch' ? lastOffset(entry.header) : entry.lastOffset;
        if (last >= maxOffset) break;
        end = entry.offset + entry.size;
        nextOffset = last + 1n;
      }
    } catch (err) {
      if (!(err instanceof CorruptBatchError)) throw err;
    }
    return { records: buf.subarray(0, end), nextOffset };
  }

  /** The offset after the last batch: read from the last index entry on, not the whole file. */
  async readNextOffset(): Promise<bigint> {
    let next = this.baseOffset;
    for await (const entry of this.log.entries(this.offsetIndex.lastEntry().position)) {
      if (entry.kind === 'invalid') break;
      next = entryLastOffset(entry) + 1n;
    }
    return next;
  }

  /**
   * Rebuilds the indexes by reading every batch (size, magic, CRC, offsets that rise), and cuts
   * the file at the first one that is not valid. Returns the bytes cut. `onBatch` sees each
   * valid batch, for the leader epoch cache.
   */
  async recover(onBatch: (header: RecordBatchHeader) => void = () => {}): Promise<number> {
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.maxTimestamp = NO_TIMESTAMP;
    this.offsetOfMaxTimestamp = this.baseOffset;
    this.bytesSinceLastIndexEntry = 0;
    this.rollingBasedTimestamp = null;
    let validBytes = 0;
    let nextOffset = this.baseOffset;
    for await (const entry of this.log.entries(0, { withBytes: true })) {
      if (entry.kind === 'invalid') break;
      const last = entryLastOffset(entry);
      if (entry.kind === 'batch') {
        if (!validateBatch(entry.bytes!, 0).valid || entry.header.baseOffset < nextOffset || last < entry.header.baseOffset) break;
        this.observeTimestamp(entry.header.maxTimestamp, last);
      }
      if (last < nextOffset || !this.canConvertToRelativeOffset(last)) break;
      this.maybeIndex(last, entry.position);
      this.bytesSinceLastIndexEntry += entry.size;
      validBytes = entry.position + entry.size;
      nextOffset = last + 1n;
      if (entry.kind === 'batch') onBatch(entry.header);
    }
    const truncated = this.size - validBytes;
    await this.log.truncateTo(validBytes);
    this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp, true);
    await this.flushIndexes(false);
    return truncated;
  }

  /** Removes every batch whose last offset is at or above `offset`; returns the bytes removed. */
  async truncateTo(offset: bigint): Promise<number> {
    const first = await this.translateOffset(offset);
    this.offsetIndex.truncateTo(offset);
    this.timeIndex.truncateTo(offset);
    const last = this.timeIndex.lastEntry();
    this.maxTimestamp = last.timestamp;
    this.offsetOfMaxTimestamp = last.offset;
    this.bytesSinceLastIndexEntry = 0;
    if (first === null) return 0;
    const before = this.size;
    await this.log.truncateTo(first.position);
    if (this.size === 0) this.rollingBasedTimestamp = null;
    return before - this.size;
  }

  /** The first record at or after `startingOffset` whose timestamp is at or above `timestamp`. */
  async findOffsetByTimestamp(timestamp: bigint, startingOffset: bigint): Promise<TimestampAndOffset | null> {
    const indexed = this.timeIndex.lookup(timestamp);
    const from = this.offsetIndex.lookup(indexed.offset > startingOffset ? indexed.offset : startingOffset).position;
    for await (const entry of this.log.entries(from, { withBytes: true })) {
      if (entry.kind === 'invalid') break;
      if (entry.kind !== 'batch' || entry.header.maxTimestamp < timestamp) continue;
      for (const record of recordsOf(entry.bytes!)) {
        if (record.timestamp >= timestamp && record.offset >= startingOffset) {
          return { timestamp: record.timestamp, offset: record.offset, leaderEpoch: epochOf(entry.header) };
        }
      }
    }
    return null;
  }

  /** The record with the segment's largest timestamp (the first such record of its batch). */
  async findMaxTimestamp(): Promise<TimestampAndOffset | null> {
    if (this.maxTimestamp < 0n) return null;
    const from = this.offsetIndex.lookup(this.offsetOfMaxTimestamp).position;
    for await (const entry of this.log.entries(from, { withBytes: true })) {
      if (entry.kind === 'invalid') break;
      if (entry.kind !== 'batch' || entry.header.maxTimestamp !== this.maxTimestamp) continue;
      const header = entry.header;
      let offset = lastOffset(header);
      if (header.timestampType === TimestampType.LogAppendTime) {
        offset = header.baseOffset;
      } else {
        for (const record of recordsOf(entry.bytes!)) {
          if (record.timestamp === header.maxTimestamp) {
            offset = record.offset;
            break;
          }
        }
      }
      return { timestamp: header.maxTimestamp, offset, leaderEpoch: epochOf(header) };
    }
    return null;
  }

  async shouldRoll(params: RollParams): Promise<boolean> {
    const size = this.size;
    if (size > params.segmentBytes - params.messagesSize) return true;
    if (this.offsetIndex.isFull || this.timeIndex.isFull || !this.canConvertToRelativeOffset(params.maxOffsetInMessages)) return true;
    return size > 0 && (await this.timeWaitedForRoll(params.now, params.maxTimestampInMessages)) > params.segmentMs;
  }

  /** segment.ms is measured from the first batch's timestamp to the incoming one's, as Kafka does. */
  private async timeWaitedForRoll(now: number, messageTimestamp: bigint): Promise<number> {
    if (this.rollingBasedTimestamp === null && this.size > 0) {
      for await (const entry of this.log.entries(0)) {
        if (entry.kind === 'batch') this.rollingBasedTimestamp = entry.header.maxTimestamp;
        break;
      }
    }
    const base = this.rollingBasedTimestamp ?? NO_TIMESTAMP;
    return base >= 0n ? Number(messageTimestamp - base) : now - this.created;
  }

  /** Called on roll: the time index gets its final max-timestamp entry and the indexes are written out. */
  async onBecomeInactive(): Promise<void> {
    this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp, true);
    await this.flushIndexes(false);
  }

  async flushIndexes(sync: boolean): Promise<void> {
    await this.offsetIndex.flush(sync);
    await this.timeIndex.flush(sync);
  }

  /** fsyncs the log and its indexes. */
  async flush(): Promise<void> {
    await this.log.flush();
    await this.flushIndexes(true);
  }

  /** Writes the indexes as Kafka leaves them on a clean close, then closes the file. */
  async close(): Promise<void> {
    this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp, true);
    try {
      await this.flushIndexes(false);
    } finally {
      await this.log.close();
    }
  }

  /** Renames the three files from one suffix (`''`, `.cleaned`, `.swap`, `.deleted`) to another. */
  async changeSuffix(to: string): Promise<void> {
    const dir = dirname(this.log.path);
    await this.log.renameTo(segmentFile(dir, this.baseOffset, LOG_SUFFIX, to));
    await this.offsetIndex.renameTo(segmentFile(dir, this.baseOffset, INDEX_SUFFIX, to));
    await this.timeIndex.renameTo(segmentFile(dir, this.baseOffset, TIME_INDEX_SUFFIX, to));
  }

  /** Closes and removes the files (wherever the last rename put them). */
  async deleteFiles(): Promise<void> {
    await this.log.close().catch(() => {});
    await io(`deleting segment ${this.log.path}`, () => rm(this.log.path, { force: true }));
    await this.offsetIndex.deleteFile();
    await this.timeIndex.deleteFile();
  }
}

function epochOf(header: RecordBatchHeader): number | null {
  return header.partitionLeaderEpoch >= 0 ? header.partitionLeaderEpoch : null;
}
