import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanLog, needsCleaning, type CleanerState } from '../../../daemon/log/cleaner.js';
import { defaultLogConfig, type LogConfig } from '../../../daemon/log/log-config.js';
import { LogManager } from '../../../daemon/log/log-manager.js';
import { PartitionLog } from '../../../daemon/log/partition-log.js';
import { deleteHorizonMs, iterateBatches, lastOffset, records, validateBatch } from '../../../src/protocol/records.js';
import { CompressionType } from '../../../src/protocol/compression.js';
import { ManualClock, ManualScheduler, keyed, tempDir } from './helpers.js';

const NOW = 1_700_000_000_000;
const DAY = 86_400_000;

async function compacted(overrides: Partial<LogConfig> = {}): Promise<PartitionLog> {
  const dir = join(await tempDir(), 'c-0');
  const config = defaultLogConfig({ cleanupPolicy: ['compact'], segmentBytes: 400, fileDeleteDelayMs: 0, messageTimestampBeforeMaxMs: 100 * DAY, ...overrides });
  return PartitionLog.open(dir, { topic: 'c', partition: 0 }, config, { clock: new ManualClock(NOW) });
}

interface Seen {
  offset: bigint;
  key: string;
  value: string | null;
}

async function everything(log: PartitionLog): Promise<{ records: Seen[]; batches: { base: bigint; last: bigint; horizon: bigint | null }[] }> {
  const out: Seen[] = [];
  const batches: { base: bigint; last: bigint; horizon: bigint | null }[] = [];
  // A read returns one segment's batches at most: walk the log as a consumer would.
  const parts: Buffer[] = [];
  for (let offset = log.logStartOffset; offset < log.logEndOffset; ) {
    const read = await log.read(offset, 1 << 24);
    parts.push(read.records);
    offset = read.nextOffset;
  }
  const set = Buffer.concat(parts);
  for (const entry of iterateBatches(set)) {
    if (entry.kind !== 'batch') continue;
    const bytes = set.subarray(entry.offset, entry.offset + entry.size);
    expect(validateBatch(bytes).valid).toBe(true);
    batches.push({ base: entry.header.baseOffset, last: lastOffset(entry.header), horizon: deleteHorizonMs(entry.header) });
    for (const r of records(bytes)) out.push({ offset: r.offset, key: r.key!.toString(), value: r.value === null ? null : r.value.toString() });
  }
  return { records: out, batches };
}

/** Writes `rounds` rounds of keys a..e, value "<key><round>", one batch of five per round. */
async function writeRounds(log: PartitionLog, rounds: number, timestamp = BigInt(NOW - DAY)): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    await log.appendAsLeader(keyed(['a', 'b', 'c', 'd', 'e'].map((k) => [k, `${k}${round}`]), { timestamp }), 0);
  }
}

describe('compaction', () => {
  it('keeps the last record of each key in the cleanable segments, at its original offset', async () => {
    const log = await compacted();
    await writeRounds(log, 10);
    const before = await everything(log);
    const active = log.activeSegment;
    const activeBytes = await active.log.read(0, active.size);
    expect(log.segmentList().length).toBeGreaterThan(3);
    const state: CleanerState = { firstDirtyOffset: null, nextHorizonMs: null };
    expect(needsCleaning(log, state, NOW)).toBe(true);
    const result = await cleanLog(log, state, NOW);
    expect(result!.recordsRemoved).toBeGreaterThan(0);
    expect(state.firstDirtyOffset).toBe(active.baseOffset);
    expect(needsCleaning(log, state, NOW)).toBe(false);

    const after = await everything(log);
    const cleanedEnd = active.baseOffset;
    const cleanedPart = after.records.filter((r) => r.offset < cleanedEnd);
    const keys = cleanedPart.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const r of cleanedPart) {
      const original = before.records.find((o) => o.offset === r.offset)!;
      expect(r).toEqual(original);
      const lastBefore = before.records.filter((o) => o.key === r.key && o.offset < cleanedEnd).at(-1)!;
      expect(r.offset).toBe(lastBefore.offset);
    }
    // The active segment is untouched, byte for byte.
    expect(log.activeSegment).toBe(active);
    expect(await active.log.read(0, active.size)).toEqual(activeBytes);
    expect(after.records.filter((r) => r.offset >= cleanedEnd)).toEqual(before.records.filter((r) => r.offset >= cleanedEnd));
    // Offsets stay continuous batch to batch: each batch keeps its base offset and last offset.
    for (const b of after.batches) expect(before.batches.some((o) => o.base === b.base && o.last === b.last)).toBe(true);
    expect(log.logEndOffset).toBe(50n);
    await log.close();
  });

  it('merges small segments into fewer, and leaves no work files behind', async () => {
    const log = await compacted({ segmentBytes: 400 });
    await writeRounds(log, 12);
    const segmentsBefore = log.segmentList().length;
    // Segments are grouped by their size before cleaning, so room is needed for more than one.
    log.updateConfig({ ...log.config, segmentBytes: 10_000 });
    await cleanLog(log, { firstDirtyOffset: null, nextHorizonMs: null }, NOW);
    expect(log.segmentList().length).toBeLessThan(segmentsBefore);
    const names = await readdir(log.dir);
    expect(names.some((n) => n.endsWith('.cleaned') || n.endsWith('.swap') || n.endsWith('.deleted'))).toBe(false);
    expect(names.filter((n) => n.endsWith('.log')).map((n) => BigInt(n.slice(0, 20)))).toEqual(log.segmentList().map((s) => s.baseOffset));
    await log.close();
  });

  it('keeps a tombstone until delete.retention.ms after it was first cleaned, then drops it', async () => {
    const log = await compacted({ deleteRetentionMs: DAY });
    const ts = BigInt(NOW - DAY);
    await log.appendAsLeader(keyed([['gone', 'v1'], ['kept', 'x']], { timestamp: ts }), 0);
    await log.appendAsLeader(keyed([['gone', null]], { timestamp: ts }), 0);
    await writeRounds(log, 8);
    const state: CleanerState = { firstDirtyOffset: null, nextHorizonMs: null };
    await cleanLog(log, state, NOW);
    let seen = await everything(log);
    expect(seen.records.filter((r) => r.key === 'gone')).toEqual([{ offset: 2n, key: 'gone', value: null }]);
    expect(seen.batches.find((b) => b.base === 2n)!.horizon).toBe(BigInt(NOW + DAY));
    expect(state.nextHorizonMs).toBe(NOW + DAY);
    expect(needsCleaning(log, state, NOW + DAY - 1)).toBe(false);
    expect(needsCleaning(log, state, NOW + DAY)).toBe(true);

    await cleanLog(log, state, NOW + DAY);
    seen = await everything(log);
    expect(seen.records.filter((r) => r.key === 'gone')).toEqual([]);
    expect(seen.records.filter((r) => r.key === 'kept')).toEqual([{ offset: 1n, key: 'kept', value: 'x' }]);
    expect(state.nextHorizonMs).toBeNull();
    await log.close();
  });

  it('leaves segments younger than min.compaction.lag.ms alone', async () => {
    const log = await compacted({ minCompactionLagMs: 2 * DAY });
    await writeRounds(log, 10, BigInt(NOW - DAY));
    expect(needsCleaning(log, { firstDirtyOffset: null, nextHorizonMs: null }, NOW)).toBe(false);
    expect(await cleanLog(log, { firstDirtyOffset: null, nextHorizonMs: null }, NOW)).toBeNull();
    await log.close();
  });

  it('cleans nothing at or above the high watermark', async () => {
    const log = await compacted();
    await writeRounds(log, 10);
    log.updateHighWatermark(log.segmentList()[1].baseOffset);
    const before = log.segmentList().slice(1).map((s) => s.baseOffset);
    await cleanLog(log, { firstDirtyOffset: null, nextHorizonMs: null }, NOW);
    expect(log.segmentList().slice(1).map((s) => s.baseOffset)).toEqual(before);
    await log.close();
  });

  it('keeps an emptied batch when it is the last of its producer, and recompresses what it rebuilds', async () => {
    const log = await compacted();
    const ts = BigInt(NOW - DAY);
    await log.appendAsLeader(keyed([['p', '1'], ['q', '1']], { timestamp: ts, producerId: 7n, producerEpoch: 0, baseSequence: 0, compression: CompressionType.Gzip }), 0);
    await log.appendAsLeader(keyed([['p', '2']], { timestamp: ts, producerId: 7n, producerEpoch: 0, baseSequence: 2 }), 0);
    await log.appendAsLeader(keyed([['p', '3']], { timestamp: ts }), 0);
    await writeRounds(log, 8);
    await cleanLog(log, { firstDirtyOffset: null, nextHorizonMs: null }, NOW);
    const { records: set } = await log.read(0n, 1 << 20);
    const headers = [...iterateBatches(set)].flatMap((e) => (e.kind === 'batch' ? [e.header] : []));
    expect(headers[0]).toMatchObject({ baseOffset: 0n, compression: CompressionType.Gzip, recordCount: 1, lastOffsetDelta: 1, producerId: 7n });
    expect(headers[1]).toMatchObject({ baseOffset: 2n, recordCount: 0, producerId: 7n, baseSequence: 2 });
    expect(headers[2]).toMatchObject({ baseOffset: 3n, recordCount: 1 });
    await log.close();
  });

  it('runs from the log manager and checkpoints how far it got', async () => {
    const root = await tempDir();
    const scheduler = new ManualScheduler();
    const clock = new ManualClock(NOW);
    const logs = await LogManager.open([root], defaultLogConfig({ fileDeleteDelayMs: 0 }), clock, undefined, { scheduler });
    const log = await logs.getOrCreateLog('c', 0, 'AAAAAAAAAAAAAAAAAAAABA', defaultLogConfig({ cleanupPolicy: ['compact'], segmentBytes: 400, fileDeleteDelayMs: 0 }));
    await writeRounds(log, 10);
    expect(await logs.runCleaner()).toBe(1);
    expect(await logs.runCleaner()).toBe(0);
    await logs.close();
    expect(await readFile(join(root, 'cleaner-offset-checkpoint'), 'utf8')).toBe(`0\n1\nc 0 ${log.activeSegment.baseOffset}\n`);
  });
});
