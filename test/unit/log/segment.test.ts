import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogSegment } from '../../../daemon/log/segment.js';
import { TimestampType, iterateBatches, readBatchHeader, setBaseOffset, setMaxTimestamp } from '../../../src/protocol/records.js';
import { ManualClock, batch, tempDir } from './helpers.js';

const T0 = 1_700_000_000_000n;

/** A batch of `count` records placed at `baseOffset`, as a leader would store it. */
function at(baseOffset: bigint, count: number, options: { timestamp?: bigint; valueSize?: number } = {}): Buffer {
  const b = batch(count, options);
  setBaseOffset(b, 0, baseOffset);
  return b;
}

async function fill(segment: LogSegment, base: bigint, batches: number, perBatch: number, valueSize = 100): Promise<Buffer[]> {
  const written: Buffer[] = [];
  for (let i = 0; i < batches; i++) {
    const b = at(base + BigInt(i * perBatch), perBatch, { valueSize, timestamp: T0 + BigInt(i * 10) });
    await segment.append(b, 0);
    written.push(b);
  }
  return written;
}

describe('log segment', () => {
  it('stores the batches byte for byte in <20-digit base>.log', async () => {
    const dir = await tempDir();
    const segment = await LogSegment.open(dir, 42n, { indexIntervalBytes: 4096, segmentIndexBytes: 1024 }, new ManualClock());
    const a = at(42n, 3);
    const b = at(45n, 2);
    await segment.append(a, 0);
    await segment.append(b, 0);
    await segment.close();
    expect(await readFile(join(dir, '00000000000000000042.log'))).toEqual(Buffer.concat([a, b]));
  });

  it('writes an index entry once more than index.interval.bytes were appended since the last', async () => {
    const dir = await tempDir();
    const segment = await LogSegment.open(dir, 0n, { indexIntervalBytes: 1000, segmentIndexBytes: 1024 }, new ManualClock());
    const written = await fill(segment, 0n, 10, 2, 300);
    const size = written[0].length;
    expect(size).toBeGreaterThan(600);
    // Entries for batches 2, 4, 6, 8: each after more than 1000 bytes since the previous one.
    expect(segment.offsetIndex.entries).toBe(4);
    expect(segment.offsetIndex.entry(0)).toEqual({ offset: 5n, position: 2 * size });
    await segment.close();
    expect((await stat(join(dir, '00000000000000000000.index'))).size).toBe(4 * 8);
    expect((await stat(join(dir, '00000000000000000000.timeindex'))).size % 12).toBe(0);
  });

  it('reads whole batches from the one holding the offset, within maxSize', async () => {
    const dir = await tempDir();
    const segment = await LogSegment.open(dir, 0n, { indexIntervalBytes: 500, segmentIndexBytes: 1024 }, new ManualClock());
    const written = await fill(segment, 0n, 10, 5, 50);
    const size = written[0].length;

    const mid = await segment.read(12n, 3 * size, 1000n, false);
    expect(mid!.records).toEqual(Buffer.concat(written.slice(2, 5)));
    expect(mid!.nextOffset).toBe(25n);

    const bounded = await segment.read(0n, 100 * size, 20n, false);
    expect(bounded!.records).toEqual(Buffer.concat(written.slice(0, 4)));

    const tooSmall = await segment.read(0n, size - 1, 1000n, false);
    expect(tooSmall!.records.length).toBe(0);
    const atLeastOne = await segment.read(0n, size - 1, 1000n, true);
    expect(atLeastOne!.records).toEqual(written[0]);

    expect(await segment.read(50n, 1000, 1000n, false)).toBeNull();
    await segment.close();
  });

  it('finds the next offset from the last index entry', async () => {
    const dir = await tempDir();
    const clock = new ManualClock();
    const segment = await LogSegment.open(dir, 100n, { indexIntervalBytes: 200, segmentIndexBytes: 1024 }, clock);
    await fill(segment, 100n, 7, 3);
    await segment.close();
    const reopened = await LogSegment.open(dir, 100n, { indexIntervalBytes: 200, segmentIndexBytes: 1024 }, clock);
    expect(reopened.needsRecovery).toBe(false);
    expect(await reopened.readNextOffset()).toBe(121n);
    expect(reopened.maxTimestampSoFar).toBe(T0 + 60n + 2n);
    await reopened.close();
  });

  it('truncates to an offset, dropping the batches from the one that holds it', async () => {
    const dir = await tempDir();
    const segment = await LogSegment.open(dir, 0n, { indexIntervalBytes: 100, segmentIndexBytes: 1024 }, new ManualClock());
    const written = await fill(segment, 0n, 6, 4);
    const removed = await segment.truncateTo(10n);
    expect(removed).toBe(written.slice(2).reduce((n, b) => n + b.length, 0));
    expect(await segment.readNextOffset()).toBe(8n);
    expect(segment.offsetIndex.lastEntry().offset).toBeLessThan(10n);
    await segment.close();
  });

  it('searches by timestamp through the time index and returns the first record at or after it', async () => {
    const dir = await tempDir();
    const segment = await LogSegment.open(dir, 0n, { indexIntervalBytes: 100, segmentIndexBytes: 1024 }, new ManualClock());
    // Batch i holds offsets 3i..3i+2 with timestamps T0+10i .. T0+10i+2.
    await fill(segment, 0n, 8, 3);
    expect(await segment.findOffsetByTimestamp(T0 + 41n, 0n)).toEqual({ timestamp: T0 + 41n, offset: 13n, leaderEpoch: null });
    expect(await segment.findOffsetByTimestamp(T0 + 43n, 0n)).toEqual({ timestamp: T0 + 50n, offset: 15n, leaderEpoch: null });
    expect(await segment.findOffsetByTimestamp(T0 + 41n, 14n)).toEqual({ timestamp: T0 + 42n, offset: 14n, leaderEpoch: null });
    expect(await segment.findOffsetByTimestamp(T0 + 1000n, 0n)).toBeNull();
    await segment.close();
  });

  it('finds the record with the largest timestamp, inside its batch', async () => {
    const dir = await tempDir();
    const segment = await LogSegment.open(dir, 0n, { indexIntervalBytes: 100, segmentIndexBytes: 1024 }, new ManualClock());
    await fill(segment, 0n, 3, 3);
    const late = batch(3, { records: [{ timestamp: T0 + 500n }, { timestamp: T0 + 900n }, { timestamp: T0 + 600n }], partitionLeaderEpoch: 4 });
    setBaseOffset(late, 0, 9n);
    await segment.append(late, 0);
    await segment.append(at(12n, 2), 0);
    expect(await segment.findMaxTimestamp()).toEqual({ timestamp: T0 + 900n, offset: 10n, leaderEpoch: 4 });
    await segment.close();
  });

  it('for LogAppendTime batches the max timestamp belongs to the first record', async () => {
    const dir = await tempDir();
    const segment = await LogSegment.open(dir, 0n, { indexIntervalBytes: 100, segmentIndexBytes: 1024 }, new ManualClock());
    const b = at(0n, 4);
    setMaxTimestamp(b, 0, TimestampType.LogAppendTime, T0 + 5000n);
    await segment.append(b, 0);
    expect(await segment.findMaxTimestamp()).toEqual({ timestamp: T0 + 5000n, offset: 0n, leaderEpoch: null });
    await segment.close();
  });

  it('rolls on size, on a full index, and on segment.ms counted from the first batch timestamp', async () => {
    const dir = await tempDir();
    const clock = new ManualClock();
    const segment = await LogSegment.open(dir, 0n, { indexIntervalBytes: 1, segmentIndexBytes: 3 * 8 }, clock);
    const params = { now: clock.now(), segmentBytes: 10_000, segmentMs: 1000, messagesSize: 100, maxTimestampInMessages: T0, maxOffsetInMessages: 1n };
    expect(await segment.shouldRoll(params)).toBe(false);
    await segment.append(at(0n, 1, { timestamp: T0 }), 0);
    expect(await segment.shouldRoll({ ...params, maxTimestampInMessages: T0 + 1000n })).toBe(false);
    expect(await segment.shouldRoll({ ...params, maxTimestampInMessages: T0 + 1001n })).toBe(true);
    expect(await segment.shouldRoll({ ...params, messagesSize: 10_000 })).toBe(true);
    expect(await segment.shouldRoll({ ...params, maxOffsetInMessages: 0x80000000n })).toBe(true);
    for (let i = 1; i <= 3; i++) await segment.append(at(BigInt(i), 1, { timestamp: T0 }), 0);
    expect(segment.offsetIndex.isFull).toBe(true);
    expect(await segment.shouldRoll(params)).toBe(true);
    await segment.close();
  });

  it('recovery keeps the valid prefix and rebuilds the indexes as appends built them', async () => {
    const dir = await tempDir();
    const settings = { indexIntervalBytes: 300, segmentIndexBytes: 4096 };
    const segment = await LogSegment.open(dir, 0n, settings, new ManualClock());
    const written = await fill(segment, 0n, 8, 2, 80);
    await segment.close();
    const indexBefore = await readFile(join(dir, '00000000000000000000.index'));

    const reopened = await LogSegment.open(dir, 0n, settings, new ManualClock());
    const epochs: bigint[] = [];
    expect(await reopened.recover((h) => epochs.push(h.baseOffset))).toBe(0);
    expect(epochs).toEqual(written.map((b) => readBatchHeader(b).baseOffset));
    await reopened.close();
    expect(await readFile(join(dir, '00000000000000000000.index'))).toEqual(indexBefore);
  });

  it('recovery stops at a batch whose offsets go backwards', async () => {
    const dir = await tempDir();
    const segment = await LogSegment.open(dir, 0n, { indexIntervalBytes: 4096, segmentIndexBytes: 1024 }, new ManualClock());
    await segment.append(at(0n, 3), 0);
    await segment.append(at(3n, 3), 0);
    const stale = at(1n, 2);
    await segment.append(stale, 0);
    expect(await segment.recover()).toBe(stale.length);
    expect(await segment.readNextOffset()).toBe(6n);
    expect([...iterateBatches(await segment.log.read(0, segment.size))].length).toBe(2);
    await segment.close();
  });
});
