import { appendFile, copyFile, readFile, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultLogConfig, type LogConfig } from '../../../daemon/log/log-config.js';
import { PartitionLog, type PartitionLogOptions } from '../../../daemon/log/partition-log.js';
import { LogSegment } from '../../../daemon/log/segment.js';
import { iterateBatches } from '../../../src/protocol/records.js';
import { ManualClock, batch, crash, tempDir } from './helpers.js';

const NOW = 1_700_000_000_000;

async function open(dir: string, options: PartitionLogOptions, config: Partial<LogConfig> = {}): Promise<PartitionLog> {
  return PartitionLog.open(dir, { topic: 't', partition: 0 }, defaultLogConfig({ fileDeleteDelayMs: 0, indexIntervalBytes: 200, ...config }), { clock: new ManualClock(NOW), ...options });
}

async function writeLog(dir: string, batches: number, config: Partial<LogConfig> = {}): Promise<Buffer[]> {
  const log = await open(dir, {}, config);
  const written: Buffer[] = [];
  for (let i = 0; i < batches; i++) {
    const b = batch(3, { valueSize: 50 });
    await log.appendAsLeader(b, 2);
    written.push(b);
  }
  await log.close();
  return written;
}

/** Every offset can be read back through the index, and lands in the batch that holds it. */
async function expectReadable(log: PartitionLog): Promise<void> {
  for (let offset = log.logStartOffset; offset < log.logEndOffset; offset++) {
    const { records } = await log.read(offset, 1, { minOneMessage: true });
    const first = [...iterateBatches(records)][0];
    expect(first.kind).toBe('batch');
    if (first.kind !== 'batch') return;
    expect(first.header.baseOffset).toBeLessThanOrEqual(offset);
    expect(first.header.baseOffset + BigInt(first.header.lastOffsetDelta)).toBeGreaterThanOrEqual(offset);
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('recovery after an unclean stop', () => {
  it('cuts a segment whose last batch was half written, and rebuilds its indexes', async () => {
    const dir = await tempDir();
    const written = await writeLog(dir, 10);
    const file = join(dir, '00000000000000000000.log');
    const size = (await stat(file)).size;
    await truncate(file, size - 20);
    const log = await open(dir, { hadCleanShutdown: false, recoveryPoint: 0n });
    expect(log.logEndOffset).toBe(27n);
    expect(log.activeSegment.size).toBe(size - written[9].length);
    await expectReadable(log);
    expect((await log.appendAsLeader(batch(1), 3)).baseOffset).toBe(27n);
    await log.close();
  });

  it('cuts at the first batch whose CRC does not match, keeping the good ones before it', async () => {
    const dir = await tempDir();
    const written = await writeLog(dir, 6);
    const file = join(dir, '00000000000000000000.log');
    const bytes = await readFile(file);
    const fourth = written.slice(0, 3).reduce((n, b) => n + b.length, 0);
    bytes[fourth + 70] ^= 0x55;
    await writeFile(file, bytes);
    const log = await open(dir, { hadCleanShutdown: false, recoveryPoint: 0n });
    expect(log.logEndOffset).toBe(9n);
    expect((await stat(file)).size).toBe(fourth);
    await expectReadable(log);
    await log.close();
  });

  it('drops garbage after the last batch', async () => {
    const dir = await tempDir();
    await writeLog(dir, 3);
    await appendFile(join(dir, '00000000000000000000.log'), Buffer.alloc(100, 0xee));
    const log = await open(dir, { hadCleanShutdown: false, recoveryPoint: 0n });
    expect(log.logEndOffset).toBe(9n);
    await expectReadable(log);
    await log.close();
  });

  it('removes the segments after a corrupt one', async () => {
    const dir = await tempDir();
    await writeLog(dir, 12, { segmentBytes: 600 });
    const logs = (await readdir(dir)).filter((n) => n.endsWith('.log')).sort();
    expect(logs.length).toBeGreaterThan(3);
    const victim = join(dir, logs[1]);
    const bytes = await readFile(victim);
    bytes[bytes.length - 1] ^= 0xff;
    await writeFile(victim, bytes);
    const log = await open(dir, { hadCleanShutdown: false, recoveryPoint: 0n }, { segmentBytes: 600 });
    expect(log.segmentList().length).toBe(2);
    expect((await readdir(dir)).filter((n) => n.endsWith('.log')).sort()).toEqual(logs.slice(0, 2));
    await expectReadable(log);
    await log.close();
  });

  it('starts scanning at the segment that holds the recovery point', async () => {
    const dir = await tempDir();
    await writeLog(dir, 12, { segmentBytes: 600 });
    const recover = vi.spyOn(LogSegment.prototype, 'recover');
    const probe = await open(dir, { hadCleanShutdown: true }, { segmentBytes: 600 });
    const bases = probe.segmentList().map((s) => s.baseOffset);
    await probe.close();
    expect(recover).not.toHaveBeenCalled();
    const log = await open(dir, { hadCleanShutdown: false, recoveryPoint: bases[2] + 1n }, { segmentBytes: 600 });
    expect(recover).toHaveBeenCalledTimes(bases.length - 2);
    expect(log.logEndOffset).toBe(36n);
    expect(log.recoveryPoint).toBe(bases[2] + 1n);
    await log.close();
  });

  it('rebuilds indexes that were never written, as after a kill -9', async () => {
    const dir = await tempDir();
    const log = await open(dir, {});
    for (let i = 0; i < 8; i++) await log.appendAsLeader(batch(3, { valueSize: 50 }), 0);
    await crash(log);
    // The .log has the data; the index entries were never written out.
    expect((await stat(join(dir, '00000000000000000000.index'))).size).toBe(0);
    const recovered = await open(dir, { hadCleanShutdown: false, recoveryPoint: 0n });
    expect(recovered.logEndOffset).toBe(24n);
    expect(recovered.activeSegment.offsetIndex.entries).toBeGreaterThan(0);
    await expectReadable(recovered);
    await recovered.close();
  });

  it('rebuilds the leader epoch cache from the batches when its checkpoint is gone', async () => {
    const dir = await tempDir();
    const log = await open(dir, {});
    await log.appendAsLeader(batch(2), 1);
    await log.appendAsLeader(batch(2), 4);
    await log.close();
    await rm(join(dir, 'leader-epoch-checkpoint'));
    const recovered = await open(dir, { hadCleanShutdown: false, recoveryPoint: 0n });
    expect(recovered.leaderEpochCache.entries()).toEqual([
      { epoch: 1, startOffset: 0n },
      { epoch: 4, startOffset: 2n },
    ]);
    await recovered.close();
  });
});

describe('start-up after a clean stop', () => {
  it('scans nothing, even a corrupt tail', async () => {
    const dir = await tempDir();
    await writeLog(dir, 4);
    const recover = vi.spyOn(LogSegment.prototype, 'recover');
    const log = await open(dir, { hadCleanShutdown: true, recoveryPoint: 12n });
    expect(recover).not.toHaveBeenCalled();
    expect(log.logEndOffset).toBe(12n);
    expect(log.recoveryPoint).toBe(12n);
    await log.close();
  });

  it('a small segment without index entries still leaves its (empty) index files', async () => {
    const dir = await tempDir();
    await writeLog(dir, 1);
    expect((await stat(join(dir, '00000000000000000000.index'))).size).toBe(0);
    expect((await stat(join(dir, '00000000000000000000.timeindex'))).size).toBe(12);
    const log = await open(dir, { hadCleanShutdown: true });
    expect(log.activeSegment.needsRecovery).toBe(false);
    await log.close();
  });

  it('rebuilds a missing or corrupt index anyway', async () => {
    const dir = await tempDir();
    await writeLog(dir, 6);
    const index = join(dir, '00000000000000000000.index');
    const expected = await readFile(index);
    await writeFile(index, Buffer.alloc(13));
    const log = await open(dir, { hadCleanShutdown: true });
    await expectReadable(log);
    await log.close();
    expect(await readFile(index)).toEqual(expected);
  });
});

describe('leftovers of interrupted work', () => {
  it('removes .deleted and .cleaned files', async () => {
    const dir = await tempDir();
    await writeLog(dir, 2);
    await writeFile(join(dir, '00000000000000000099.log.deleted'), 'x');
    await writeFile(join(dir, '00000000000000000000.log.cleaned'), 'x');
    const log = await open(dir, { hadCleanShutdown: true });
    await log.close();
    const names = await readdir(dir);
    expect(names.some((n) => n.endsWith('.deleted') || n.endsWith('.cleaned'))).toBe(false);
  });

  it('completes a compaction swap: the .swap segment replaces the segments it covers', async () => {
    const dir = await tempDir();
    await writeLog(dir, 6, { segmentBytes: 600 });
    const logs = (await readdir(dir)).filter((n) => n.endsWith('.log')).sort();
    expect(logs.length).toBeGreaterThanOrEqual(3);
    // The compacted output of the first two segments: here simply their batches, in one file.
    const merged = Buffer.concat([await readFile(join(dir, logs[0])), await readFile(join(dir, logs[1]))]);
    await writeFile(join(dir, '00000000000000000000.log.swap'), merged);
    await copyFile(join(dir, '00000000000000000000.index'), join(dir, '00000000000000000000.index.swap'));
    const log = await open(dir, { hadCleanShutdown: true }, { segmentBytes: 600 });
    expect(log.segmentList().map((s) => s.baseOffset)).toEqual([0n, ...logs.slice(2).map((n) => BigInt(n.slice(0, 20)))]);
    expect(log.logEndOffset).toBe(18n);
    await expectReadable(log);
    await log.close();
    const names = await readdir(dir);
    expect(names.some((n) => n.endsWith('.swap'))).toBe(false);
    expect(names).not.toContain(logs[1]);
  });
});
