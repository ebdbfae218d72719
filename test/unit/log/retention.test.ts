import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultLogConfig, type LogConfig } from '../../../daemon/log/log-config.js';
import { PartitionLog } from '../../../daemon/log/partition-log.js';
import { enforceRetention } from '../../../daemon/log/retention.js';
import { ManualClock, ManualScheduler, batch, tempDir } from './helpers.js';

const NOW = 1_700_000_000_000;
const HOUR = 3_600_000;

/** Six segments of two batches each; batch i is stamped i hours after `start`. */
async function sixSegments(overrides: Partial<LogConfig>, clock = new ManualClock(NOW), scheduler?: ManualScheduler): Promise<{ log: PartitionLog; dir: string }> {
  const dir = join(await tempDir(), 't-0');
  const config = defaultLogConfig({ segmentBytes: 250, fileDeleteDelayMs: 0, messageTimestampBeforeMaxMs: 100 * HOUR, ...overrides });
  const log = await PartitionLog.open(dir, { topic: 't', partition: 0 }, config, { clock, scheduler });
  const start = BigInt(NOW - 24 * HOUR);
  for (let i = 0; i < 12; i++) await log.appendAsLeader(batch(1, { timestamp: start + BigInt(i * HOUR), valueSize: 40 }), 0);
  return { log, dir };
}

describe('retention', () => {
  it('deletes whole segments older than retention.ms by their largest timestamp', async () => {
    const { log, dir } = await sixSegments({ retentionMs: 20 * HOUR });
    const sizeBefore = log.segmentList().length;
    expect(sizeBefore).toBe(6);
    // Batches 0-3 are more than 20 hours old: segments [0,1] and [2,3] go.
    expect(await enforceRetention(log, NOW)).toBe(2);
    expect(log.logStartOffset).toBe(4n);
    expect(log.segmentList()[0].baseOffset).toBe(4n);
    expect((await readdir(dir)).filter((n) => n.endsWith('.log')).length).toBe(4);
    await log.close();
  });

  it('rolls and deletes an active segment that is itself past retention, as Kafka does', async () => {
    const { log } = await sixSegments({ retentionMs: HOUR });
    expect(await enforceRetention(log, NOW + 100 * HOUR)).toBe(6);
    expect(log.logStartOffset).toBe(12n);
    expect(log.logEndOffset).toBe(12n);
    expect(log.segmentList().map((s) => s.baseOffset)).toEqual([12n]);
    expect((await log.appendAsLeader(batch(1), 0)).baseOffset).toBe(12n);
    await log.close();
  });

  it('deletes the oldest segments while the log is larger than retention.bytes', async () => {
    const { log } = await sixSegments({ retentionMs: -1 });
    const segmentSize = log.segmentList()[0].size;
    const total = log.size;
    const limit = total - 2 * segmentSize - 1;
    log.updateConfig({ ...log.config, retentionBytes: limit });
    // A third deletion would take the log below the limit, so, as in Kafka, it stays one byte over.
    expect(await enforceRetention(log, NOW)).toBe(2);
    expect(log.size).toBe(limit + 1);
    expect(log.logStartOffset).toBe(4n);
    await log.close();
  });

  it('never deletes what is not below the high watermark', async () => {
    const { log } = await sixSegments({ retentionMs: HOUR });
    log.updateHighWatermark(3n);
    // Only segment [0,1] ends at or below offset 3.
    expect(await enforceRetention(log, NOW + 100 * HOUR)).toBe(1);
    expect(log.logStartOffset).toBe(2n);
    await log.close();
  });

  it('keeps everything with retention.ms and retention.bytes at -1, or under compact alone', async () => {
    const forever = await sixSegments({ retentionMs: -1, retentionBytes: -1 });
    expect(await enforceRetention(forever.log, NOW + 1000 * HOUR)).toBe(0);
    await forever.log.close();
    const compacted = await sixSegments({ retentionMs: HOUR, cleanupPolicy: ['compact'] });
    expect(await enforceRetention(compacted.log, NOW + 1000 * HOUR)).toBe(0);
    await compacted.log.close();
  });

  it('deletes segments wholly below a log start offset moved by DeleteRecords, whatever the policy', async () => {
    const { log } = await sixSegments({ retentionMs: -1, cleanupPolicy: ['compact'] });
    await log.deleteRecordsBefore(5n);
    expect(log.segmentList()[0].baseOffset).toBe(4n);
    expect(await enforceRetention(log, NOW)).toBe(0);
    await log.close();
  });

  it('leaves deleted segments as .deleted files until file.delete.delay.ms', async () => {
    const scheduler = new ManualScheduler();
    const { log, dir } = await sixSegments({ retentionMs: 20 * HOUR, fileDeleteDelayMs: 60_000 }, new ManualClock(NOW), scheduler);
    await enforceRetention(log, NOW);
    const names = await readdir(dir);
    expect(names).toContain('00000000000000000000.log.deleted');
    expect(names).toContain('00000000000000000000.index.deleted');
    expect(scheduler.once[0].delayMs).toBe(60_000);
    await scheduler.runOnce();
    expect((await readdir(dir)).some((n) => n.endsWith('.deleted'))).toBe(false);
    await log.close();
  });
});
