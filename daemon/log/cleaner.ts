// Log compaction (cleanup.policy=compact, Kafka's LogCleaner): in the segments that may be
// cleaned, keep only the last record of each key, and drop tombstones once their delete horizon
// has passed (KIP-534: a tombstone's batch is stamped with now + delete.retention.ms the first
// time it is cleaned, and the tombstone goes in the first cleaning after that).
//
// Never touched: the active segment, anything at or above the high watermark, and segments
// younger than min.compaction.lag.ms. Offsets never change: records are re-batched with their
// original offsets (a batch keeps its base offset and last offset delta, so producer sequence
// ranges stay whole), batches only shrink, and small segments are merged into one. The output
// is written as `.cleaned`, renamed `.swap` once complete, and swapped in; recovery finishes a
// swap a crash interrupted.
//
// Unlike Kafka, which maps only the dirty part and cleans in passes sized by
// log.cleaner.dedupe.buffer.size, each run maps the keys of every cleanable segment: simpler,
// with memory bounded by the number of distinct keys. Transaction markers and aborted
// transactions are kept as they are.
import { rm } from 'node:fs/promises';
import { isCompressionType } from '../../src/protocol/compression.js';
import { TimestampType, buildBatch, deleteHorizonMs, lastOffset, records as recordsOf, type Record as KafkaRecord, type RecordBatchHeader } from '../../src/protocol/records.js';
import { io } from './errors.js';
import { CLEANED_SUFFIX, INDEX_SUFFIX, LOG_SUFFIX, SWAP_SUFFIX, TIME_INDEX_SUFFIX, segmentFile } from './files.js';
import type { LogConfig } from './log-config.js';
import { segmentSettings } from './log-reads.js';
import type { PartitionLog } from './partition-log.js';
import { LogSegment } from './segment.js';
import type { Clock } from './clock.js';

export interface CleanerState {
  /** Offsets below it have been compacted (cleaner-offset-checkpoint); null before the first run. */
  firstDirtyOffset: bigint | null;
  /** The earliest delete horizon among the tombstones kept: cleaning is worth it again then. */
  nextHorizonMs: number | null;
}

export interface CleanResult {
  segmentsBefore: number;
  segmentsAfter: number;
  bytesBefore: number;
  bytesAfter: number;
  recordsRemoved: number;
}

const INT32_MAX = 0x7fffffffn;

/** The segments that may be cleaned now: a prefix of the non-active ones. */
export function cleanableSegments(log: PartitionLog, now: number): LogSegment[] {
  const segments = log.segmentList();
  const lagBound = now - log.config.minCompactionLagMs;
  const out: LogSegment[] = [];
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i];
    if (segments[i + 1].baseOffset > log.highWatermark) break;
    if (segment.largestTimestamp > lagBound) break;
    out.push(segment);
  }
  return out;
}

/** Whether a run would do anything: new segments to clean, or a tombstone horizon has passed. */
export function needsCleaning(log: PartitionLog, state: CleanerState, now: number): boolean {
  const cleanable = cleanableSegments(log, now);
  if (cleanable.length === 0) return false;
  const end = log.segmentList()[cleanable.length].baseOffset;
  if (state.firstDirtyOffset === null || end > state.firstDirtyOffset) return true;
  return state.nextHorizonMs !== null && now >= state.nextHorizonMs;
}

/** Compacts the cleanable segments of `log`; null when there were none. */
export async function cleanLog(log: PartitionLog, state: CleanerState, now: number): Promise<CleanResult | null> {
  const cleanable = cleanableSegments(log, now);
  if (cleanable.length === 0) return null;
  const end = log.segmentList()[cleanable.length].baseOffset;
  const clock: Clock = { now: () => now };
  const { latest, lastBatchOfProducer } = await scan(cleanable);
  const run: Run = {
    latest,
    now,
    horizon: now + log.config.deleteRetentionMs,
    nextHorizon: null,
    removed: 0,
    keepBatch: (h) => h.producerId >= 0n && lastBatchOfProducer.get(h.producerId) === h.baseOffset,
  };
  const result: CleanResult = { segmentsBefore: cleanable.length, segmentsAfter: 0, bytesBefore: 0, bytesAfter: 0, recordsRemoved: 0 };
  for (const group of groupSegments(cleanable, log.config)) {
    const cleaned = await writeCleaned(log, group, run, clock);
    if (!(await log.replaceSegments(group, [cleaned]))) {
      // The log moved on (retention, truncation) while this was written: try again next time.
      await cleaned.deleteFiles();
      return null;
    }
    result.segmentsAfter++;
    result.bytesBefore += group.reduce((n, s) => n + s.size, 0);
    result.bytesAfter += cleaned.size;
  }
  result.recordsRemoved = run.removed;
  state.firstDirtyOffset = end;
  state.nextHorizonMs = run.nextHorizon;
  return result;
}

interface Run {
  latest: Map<string, bigint>;
  now: number;
  /** The horizon a tombstone's batch gets when it is first cleaned. */
  horizon: number;
  nextHorizon: number | null;
  removed: number;
  /** A batch that must stay even when emptied (the last of its producer, for its sequence). */
  keepBatch: (header: RecordBatchHeader) => boolean;
}

/**
 * key -> offset of its last record, and producer id -> base offset of its last batch (that batch
 * stays even when emptied, so the producer's sequence survives a restart, as Kafka keeps it).
 */
async function scan(segments: readonly LogSegment[]): Promise<{ latest: Map<string, bigint>; lastBatchOfProducer: Map<bigint, bigint> }> {
  const latest = new Map<string, bigint>();
  const lastBatchOfProducer = new Map<bigint, bigint>();
  for (const segment of segments) {
    for await (const entry of segment.log.entries(0, { withBytes: true })) {
      if (entry.kind === 'invalid') break;
      if (entry.kind !== 'batch') continue;
      if (entry.header.producerId >= 0n) lastBatchOfProducer.set(entry.header.producerId, entry.header.baseOffset);
      if (entry.header.isControl) continue;
      for (const record of recordsOf(entry.bytes!)) if (record.key !== null) latest.set(record.key.toString('latin1'), record.offset);
    }
  }
  return { latest, lastBatchOfProducer };
}

/** Consecutive segments merged while the result fits a segment, its index, and int32 offsets. */
function groupSegments(segments: readonly LogSegment[], config: LogConfig): LogSegment[][] {
  const groups: LogSegment[][] = [];
  let current: LogSegment[] = [];
  let bytes = 0;
  let indexEntries = 0;
  const maxIndexEntries = Math.floor(config.segmentIndexBytes / 8);
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const fits =
      current.length > 0 &&
      bytes + segment.size <= config.segmentBytes &&
      indexEntries + segment.offsetIndex.entries <= maxIndexEntries &&
      (i + 1 < segments.length ? segments[i + 1].baseOffset : segment.baseOffset + INT32_MAX) - current[0].baseOffset <= INT32_MAX;
    if (current.length > 0 && !fits) {
      groups.push(current);
      current = [];
      bytes = 0;
      indexEntries = 0;
    }
    current.push(segment);
    bytes += segment.size;
    indexEntries += segment.offsetIndex.entries;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** Writes the group's surviving batches as one `.swap` segment at the group's base offset. */
async function writeCleaned(log: PartitionLog, group: readonly LogSegment[], run: Run, clock: Clock): Promise<LogSegment> {
  const base = group[0].baseOffset;
  for (const suffix of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
    for (const extra of [CLEANED_SUFFIX, SWAP_SUFFIX]) {
      const leftover = segmentFile(log.dir, base, suffix, extra);
      await io(`removing ${leftover}`, () => rm(leftover, { force: true }));
    }
  }
  const cleaned = await LogSegment.open(log.dir, base, segmentSettings(log.config), clock, CLEANED_SUFFIX);
  try {
    for (const segment of group) {
      for await (const entry of segment.log.entries(0, { withBytes: true })) {
        if (entry.kind === 'invalid') break;
        if (entry.kind === 'legacy') continue;
        const kept = filterBatch(entry.bytes!, entry.header, run);
        if (kept !== null) await cleaned.append(kept, run.now);
      }
    }
    await cleaned.onBecomeInactive();
    await cleaned.flush();
    await cleaned.changeSuffix(SWAP_SUFFIX);
  } catch (err) {
    await cleaned.deleteFiles().catch(() => undefined);
    throw err;
  }
  return cleaned;
}

/** The batch as it survives cleaning: unchanged, rebuilt smaller, or null when nothing of it stays. */
function filterBatch(bytes: Buffer, header: RecordBatchHeader, run: Run): Buffer | null {
  if (header.isControl) return bytes;
  const horizon = deleteHorizonMs(header);
  const all = [...recordsOf(bytes)];
  const kept: KafkaRecord[] = [];
  let tombstones = 0;
  for (const record of all) {
    if (record.key === null || run.latest.get(record.key.toString('latin1')) !== record.offset) continue;
    if (record.value === null) {
      if (horizon !== null && BigInt(run.now) >= horizon) continue;
      tombstones++;
    }
    kept.push(record);
  }
  run.removed += all.length - kept.length;
  const newHorizon = tombstones > 0 ? (horizon ?? BigInt(run.horizon)) : null;
  if (newHorizon !== null && (run.nextHorizon === null || Number(newHorizon) < run.nextHorizon)) run.nextHorizon = Number(newHorizon);
  if (kept.length === all.length && newHorizon === horizon) return bytes;
  if (kept.length === 0 && !run.keepBatch(header)) return null;
  if (!isCompressionType(header.compression)) return bytes;
  const logAppendTime = header.timestampType === TimestampType.LogAppendTime;
  return buildBatch({
    records: kept.map((r) => ({
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestamp: r.timestamp,
      offsetDelta: Number(r.offset - header.baseOffset),
      attributes: r.attributes,
    })),
    compression: header.compression,
    baseOffset: header.baseOffset,
    baseTimestamp: kept.length === 0 ? header.baseTimestamp : undefined,
    maxTimestamp: logAppendTime || kept.length === 0 ? header.maxTimestamp : undefined,
    timestampType: logAppendTime ? TimestampType.LogAppendTime : TimestampType.CreateTime,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    isTransactional: header.isTransactional,
    partitionLeaderEpoch: header.partitionLeaderEpoch,
    deleteHorizonMs: newHorizon ?? undefined,
    lastOffsetDelta: Number(lastOffset(header) - header.baseOffset),
  });
}
