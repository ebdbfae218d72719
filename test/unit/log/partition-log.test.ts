import { appendFile, readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { defaultLogConfig, type LogConfig } from '../../../daemon/log/log-config.js';
import { PartitionLog } from '../../../daemon/log/partition-log.js';
import { UnexpectedAppendOffsetError } from '../../../daemon/log/errors.js';
import { ErrorCode } from '../../../src/protocol/errors.js';
import {
  TimestampType,
  buildBatch,
  buildEndTransactionBatch,
  ControlRecordType,
  iterateBatches,
  readBatchHeader,
  setBaseOffset,
  validateBatch,
} from '../../../src/protocol/records.js';
import { ManualClock, batch, keyed, tempDir, codeOf } from './helpers.js';

const NOW = 1_700_000_000_000;
const T0 = BigInt(NOW);

async function openLog(config: Partial<LogConfig> = {}, clock = new ManualClock(NOW), dir?: string): Promise<{ log: PartitionLog; dir: string; clock: ManualClock }> {
  const d = dir ?? join(await tempDir(), 'orders-0');
  const log = await PartitionLog.open(d, { topic: 'orders', partition: 0 }, defaultLogConfig({ fileDeleteDelayMs: 0, ...config }), { clock });
  return { log, dir: d, clock };
}

function headersOf(records: Buffer) {
  return [...iterateBatches(records)].flatMap((e) => (e.kind === 'batch' ? [e.header] : []));
}

describe('partition log: appends as leader', () => {
  it('assigns offsets and the leader epoch by patching the header, and stores the same bytes', async () => {
    const { log, dir } = await openLog();
    const first = batch(3);
    const second = batch(2);
    expect(await log.appendAsLeader(first, 7)).toEqual({ baseOffset: 0n, lastOffset: 2n, logAppendTime: -1n, logStartOffset: 0n });
    expect(await log.appendAsLeader(second, 7)).toMatchObject({ baseOffset: 3n, lastOffset: 4n });
    expect(log.logEndOffset).toBe(5n);
    expect(readBatchHeader(second)).toMatchObject({ baseOffset: 3n, partitionLeaderEpoch: 7 });
    expect(validateBatch(second).valid).toBe(true);
    await log.close();
    expect(await readFile(join(dir, '00000000000000000000.log'))).toEqual(Buffer.concat([first, second]));
  });

  it('gives overlapping appends contiguous offsets in call order', async () => {
    const { log } = await openLog();
    const batches = Array.from({ length: 20 }, (_, i) => batch(1 + (i % 3)));
    const results = await Promise.all(batches.map((b) => log.appendAsLeader(b, 0)));
    let expected = 0n;
    for (const [i, r] of results.entries()) {
      expect(r.baseOffset).toBe(expected);
      expected += BigInt(1 + (i % 3));
    }
    const read = await log.read(0n, 1 << 20);
    expect(headersOf(read.records).map((h) => h.baseOffset)).toEqual(results.map((r) => r.baseOffset));
    await log.close();
  });

  it('stamps LogAppendTime on the batch, with a valid CRC', async () => {
    const { log } = await openLog({ messageTimestampType: 'LogAppendTime' });
    const result = await log.appendAsLeader(batch(2, { timestamp: 5n }), 1);
    expect(result.logAppendTime).toBe(T0);
    const { records } = await log.read(0n, 1 << 20);
    const header = readBatchHeader(records);
    expect(header.timestampType).toBe(TimestampType.LogAppendTime);
    expect(header.maxTimestamp).toBe(T0);
    expect(validateBatch(records).valid).toBe(true);
    await log.close();
  });

  it('rejects what Kafka rejects, with Kafka error codes', async () => {
    const { log } = await openLog({ maxMessageBytes: 500, segmentBytes: 100_000, cleanupPolicy: ['delete'] });
    const corrupt = batch(2);
    corrupt[corrupt.length - 1] ^= 0xff;
    expect(await codeOf(log.appendAsLeader(corrupt, 0))).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(await codeOf(log.appendAsLeader(batch(2, { valueSize: 600 }), 0))).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect(await codeOf(log.appendAsLeader(batch(2, { baseOffset: 5n }), 0))).toBe(ErrorCode.INVALID_RECORD);
    const control = buildEndTransactionBatch({ type: ControlRecordType.Commit, producerId: 1n, producerEpoch: 0, coordinatorEpoch: 0, timestamp: T0 });
    expect(await codeOf(log.appendAsLeader(control, 0))).toBe(ErrorCode.INVALID_RECORD);
    expect(await codeOf(log.appendAsLeader(Buffer.concat([batch(1), batch(1)]), 0))).toBe(ErrorCode.INVALID_RECORD);
    expect(await codeOf(log.appendAsLeader(batch(1, { producerId: 5n, producerEpoch: 0 }), 0))).toBe(ErrorCode.INVALID_RECORD);
    expect(await codeOf(log.appendAsLeader(batch(1, { timestamp: T0 + 2n * 3_600_000n }), 0))).toBe(ErrorCode.INVALID_TIMESTAMP);
    expect(await codeOf(log.appendAsLeader(batch(1, { timestampType: TimestampType.LogAppendTime, maxTimestamp: -1n }), 0))).toBe(ErrorCode.INVALID_TIMESTAMP);
    const legacy = Buffer.from(batch(1));
    legacy.writeInt8(1, 16);
    expect(await codeOf(log.appendAsLeader(legacy, 0))).toBe(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT);
    expect(log.logEndOffset).toBe(0n);
    await log.close();
  });

  it('refuses a timestamp older than message.timestamp.before.max.ms', async () => {
    const { log } = await openLog({ messageTimestampBeforeMaxMs: 1000 });
    expect(await codeOf(log.appendAsLeader(batch(1, { timestamp: T0 - 1001n }), 0))).toBe(ErrorCode.INVALID_TIMESTAMP);
    expect((await log.appendAsLeader(batch(1, { timestamp: T0 - 1000n }), 0)).baseOffset).toBe(0n);
    await log.close();
  });

  it('refuses a record set larger than a segment', async () => {
    const { log } = await openLog({ segmentBytes: 200 });
    expect(await codeOf(log.appendAsLeader(batch(3, { valueSize: 100 }), 0))).toBe(ErrorCode.RECORD_LIST_TOO_LARGE);
    await log.close();
  });

  it('a compacted topic refuses records without a key', async () => {
    const { log } = await openLog({ cleanupPolicy: ['compact'] });
    expect(await codeOf(log.appendAsLeader(keyed([['a', '1'], [null, '2']]), 0))).toBe(ErrorCode.INVALID_RECORD);
    expect((await log.appendAsLeader(keyed([['a', '1']]), 0)).baseOffset).toBe(0n);
    await log.close();
  });

  it('drops a trailing partial batch, as Kafka trims invalid bytes', async () => {
    const { log } = await openLog();
    const whole = batch(2);
    const set = Buffer.concat([whole, batch(2).subarray(0, 30)]);
    const result = await log.appendAsLeader(set, 0);
    expect(result.lastOffset).toBe(1n);
    expect((await log.read(0n, 1 << 20)).records).toEqual(set.subarray(0, whole.length));
    await log.close();
  });

  it('a failed write fails the appends queued behind it, and the next one starts at the real end', async () => {
    const { log } = await openLog();
    await log.appendAsLeader(batch(2), 0);
    const segment = log.activeSegment;
    vi.spyOn(segment, 'append').mockRejectedValueOnce(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
    const failing = log.appendAsLeader(batch(3), 0);
    const queued = log.appendAsLeader(batch(1), 0);
    expect(await codeOf(failing)).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect(await codeOf(queued)).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect((await log.appendAsLeader(batch(1), 0)).baseOffset).toBe(2n);
    expect(log.logEndOffset).toBe(3n);
    await log.close();
  });
});

describe('partition log: failed writes', () => {
  it('a write that fails part-way leaves no stray bytes for the next start-up to read', async () => {
    const { log, dir } = await openLog();
    const first = batch(2);
    await log.appendAsLeader(first, 0);
    const file = log.activeSegment.log;
    vi.spyOn(file, 'append').mockImplementationOnce(async () => {
      await appendFile(file.path, Buffer.alloc(500, 7));
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    });
    expect(await codeOf(log.appendAsLeader(batch(3), 0))).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    const last = batch(1);
    await log.appendAsLeader(last, 0);
    await log.close();
    expect((await stat(join(dir, '00000000000000000000.log'))).size).toBe(first.length + last.length);
    const reopened = await PartitionLog.open(dir, { topic: 'orders', partition: 0 }, defaultLogConfig(), { hadCleanShutdown: true });
    expect(reopened.logEndOffset).toBe(3n);
    await reopened.close();
  });
});

describe('partition log: reads', () => {
  it('refuses offsets outside [logStartOffset, logEndOffset] and returns nothing at the end', async () => {
    const { log } = await openLog();
    await log.appendAsLeader(batch(5), 0);
    expect(await codeOf(log.read(6n, 1000))).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect((await log.read(5n, 1000)).records.length).toBe(0);
    await log.deleteRecordsBefore(2n);
    expect(await codeOf(log.read(1n, 1000))).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(headersOf((await log.read(2n, 1000)).records)[0].baseOffset).toBe(0n);
    await log.close();
  });

  it('stops before the high watermark, within max bytes, at least one batch when asked', async () => {
    const { log } = await openLog();
    const sizes: number[] = [];
    for (let i = 0; i < 6; i++) {
      const b = batch(2, { valueSize: 40 });
      sizes.push(b.length);
      await log.appendAsLeader(b, 0);
    }
    const bounded = await log.read(0n, 1 << 20, { maxOffset: 6n });
    expect(headersOf(bounded.records).map((h) => h.baseOffset)).toEqual([0n, 2n, 4n]);
    expect(bounded.nextOffset).toBe(6n);
    expect((await log.read(6n, 1 << 20, { maxOffset: 6n })).records.length).toBe(0);
    expect(headersOf((await log.read(3n, sizes[0] * 2)).records).map((h) => h.baseOffset)).toEqual([2n, 4n]);
    expect((await log.read(0n, 10)).records.length).toBe(0);
    expect(headersOf((await log.read(0n, 10, { minOneMessage: true })).records).length).toBe(1);
    await log.close();
  });

  it('reads across rolled segments', async () => {
    const { log, dir } = await openLog({ segmentBytes: 400 });
    for (let i = 0; i < 10; i++) await log.appendAsLeader(batch(2, { valueSize: 50 }), 0);
    expect(log.segmentList().length).toBeGreaterThan(3);
    const names = (await readdir(dir)).filter((n) => n.endsWith('.log')).sort();
    expect(names[0]).toBe('00000000000000000000.log');
    expect(names.map((n) => BigInt(n.slice(0, 20)))).toEqual(log.segmentList().map((s) => s.baseOffset));
    let offset = 0n;
    const seen: bigint[] = [];
    while (offset < log.logEndOffset) {
      const read = await log.read(offset, 1 << 20);
      seen.push(...headersOf(read.records).map((h) => h.baseOffset));
      offset = read.nextOffset;
    }
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i * 2)));
    await log.close();
  });
});

describe('partition log: rolling', () => {
  it('rolls on segment.ms measured from the first batch timestamp', async () => {
    const { log, clock } = await openLog({ segmentMs: 60_000 });
    await log.appendAsLeader(batch(1, { timestamp: T0 }), 0);
    clock.advance(30_000);
    await log.appendAsLeader(batch(1, { timestamp: T0 + 30_000n }), 0);
    expect(log.segmentList().length).toBe(1);
    clock.advance(31_000);
    await log.appendAsLeader(batch(1, { timestamp: T0 + 61_000n }), 0);
    expect(log.segmentList().map((s) => s.baseOffset)).toEqual([0n, 2n]);
    await log.close();
  });

  it('rolls when the offset index is full', async () => {
    const { log } = await openLog({ segmentIndexBytes: 16, indexIntervalBytes: 1 });
    for (let i = 0; i < 8; i++) await log.appendAsLeader(batch(1), 0);
    expect(log.segmentList().length).toBeGreaterThan(1);
    for (const segment of log.segmentList()) expect(segment.offsetIndex.entries).toBeLessThanOrEqual(2);
    await log.close();
  });
});

describe('partition log: timestamps', () => {
  it('finds offsets by timestamp and the latest timestamp across segments', async () => {
    const { log } = await openLog({ segmentBytes: 300 });
    for (let i = 0; i < 10; i++) await log.appendAsLeader(batch(2, { timestamp: T0 - 100_000n + BigInt(i * 100), valueSize: 40 }), 3);
    expect(log.segmentList().length).toBeGreaterThan(2);
    expect(await log.offsetForTimestamp(T0 - 100_000n + 450n)).toEqual({ timestamp: T0 - 100_000n + 500n, offset: 10n, leaderEpoch: 3 });
    expect(await log.offsetForTimestamp(T0 - 100_000n + 901n)).toEqual({ timestamp: T0 - 100_000n + 901n, offset: 19n, leaderEpoch: 3 });
    expect(await log.offsetForTimestamp(T0)).toBeNull();
    expect(await log.maxTimestampOffset()).toEqual({ timestamp: T0 - 100_000n + 901n, offset: 19n, leaderEpoch: 3 });
    await log.close();
  });
});

describe('partition log: truncation and log start', () => {
  it('truncates across segments and appends again from there', async () => {
    const { log } = await openLog({ segmentBytes: 300 });
    for (let i = 0; i < 8; i++) await log.appendAsLeader(batch(2, { valueSize: 40 }), i < 4 ? 1 : 2);
    await log.truncateTo(6n);
    expect(log.logEndOffset).toBe(6n);
    expect(log.segmentList().at(-1)!.baseOffset).toBeLessThanOrEqual(6n);
    expect(log.leaderEpochCache.entries()).toEqual([{ epoch: 1, startOffset: 0n }]);
    expect((await log.appendAsLeader(batch(1), 3)).baseOffset).toBe(6n);
    const all = headersOf((await log.read(0n, 1 << 20)).records);
    expect(all.at(-1)!.baseOffset).toBeLessThan(6n);
    await log.close();
  });

  it('deleteRecordsBefore moves the log start and removes the segments wholly below it', async () => {
    const { log, dir } = await openLog({ segmentBytes: 300 });
    for (let i = 0; i < 8; i++) await log.appendAsLeader(batch(2, { valueSize: 40 }), 0);
    const bases = log.segmentList().map((s) => s.baseOffset);
    expect(await log.deleteRecordsBefore(bases[2] + 1n)).toBe(bases[2] + 1n);
    expect(log.segmentList()[0].baseOffset).toBe(bases[2]);
    const files = (await readdir(dir)).filter((n) => n.endsWith('.log'));
    expect(files).not.toContain('00000000000000000000.log');
    expect(await codeOf(log.deleteRecordsBefore(100n))).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    await log.close();
  });
});

describe('partition log: as a follower', () => {
  it('keeps the offsets it is given, gaps included, and refuses going backwards', async () => {
    const { log } = await openLog();
    const a = buildBatch({ records: [{ value: Buffer.from('a'), timestamp: T0 }], baseOffset: 0n, partitionLeaderEpoch: 4 });
    const b = buildBatch({ records: [{ value: Buffer.from('b'), timestamp: T0 }, { value: Buffer.from('c'), timestamp: T0, offsetDelta: 3 }], baseOffset: 5n, partitionLeaderEpoch: 5 });
    await log.appendAsFollower(Buffer.concat([a, b]));
    expect(log.logEndOffset).toBe(9n);
    expect(log.leaderEpochCache.entries()).toEqual([
      { epoch: 4, startOffset: 0n },
      { epoch: 5, startOffset: 5n },
    ]);
    const stale = Buffer.from(a);
    setBaseOffset(stale, 0, 3n);
    await expect(log.appendAsFollower(stale)).rejects.toBeInstanceOf(UnexpectedAppendOffsetError);
    await log.close();
  });
});

describe('partition log: reopening after a clean close', () => {
  it('comes back with the same offsets and data and keeps appending', async () => {
    const clock = new ManualClock(NOW);
    const { log, dir } = await openLog({ segmentBytes: 300 }, clock);
    for (let i = 0; i < 6; i++) await log.appendAsLeader(batch(2, { valueSize: 40 }), 1);
    const before = (await log.read(0n, 1 << 20)).records;
    await log.close();
    const { log: reopened } = await openLog({ segmentBytes: 300 }, clock, dir);
    expect(reopened.logEndOffset).toBe(12n);
    expect(reopened.segmentList().every((s) => !s.needsRecovery)).toBe(true);
    expect((await reopened.read(0n, 1 << 20)).records).toEqual(before);
    expect(reopened.leaderEpochCache.entries()).toEqual([{ epoch: 1, startOffset: 0n }]);
    expect((await reopened.appendAsLeader(batch(1), 2)).baseOffset).toBe(12n);
    await reopened.close();
  });
});
