import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LogError } from '../../../daemon/log/errors.js';
import { defaultLogConfig, type LogConfig } from '../../../daemon/log/log-config.js';
import { LogManager, parseTopicPartition } from '../../../daemon/log/log-manager.js';
import { LogSegment } from '../../../daemon/log/segment.js';
import { ErrorCode } from '../../../src/protocol/errors.js';
import { ManualClock, ManualScheduler, batch, crash, tempDir } from './helpers.js';

const TOPIC_ID = 'cPVJXHy3T2mOkzqK_J6AmQ';

function config(overrides: Partial<LogConfig> = {}): LogConfig {
  return defaultLogConfig({ fileDeleteDelayMs: 0, ...overrides });
}

async function manager(dirs: string[], overrides: Partial<LogConfig> = {}, scheduler = new ManualScheduler()): Promise<LogManager> {
  return LogManager.open(dirs, config(overrides), new ManualClock(), undefined, { scheduler });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('log manager', () => {
  it('creates <topic>-<partition> with partition.metadata before any data', async () => {
    const root = await tempDir();
    const logs = await manager([root]);
    const log = await logs.getOrCreateLog('orders', 3, TOPIC_ID);
    expect(log.dir).toBe(join(root, 'orders-3'));
    expect(await readFile(join(root, 'orders-3', 'partition.metadata'), 'utf8')).toBe(`version: 0\ntopic_id: ${TOPIC_ID}`);
    expect(await logs.getOrCreateLog('orders', 3, TOPIC_ID)).toBe(log);
    await logs.close();
  });

  it('spreads new logs over the log dirs by how many each holds', async () => {
    const a = await tempDir();
    const b = await tempDir();
    const logs = await manager([a, b]);
    for (let p = 0; p < 4; p++) await logs.getOrCreateLog('t', p, TOPIC_ID);
    expect((await readdir(a)).filter((n) => n.startsWith('t-')).length).toBe(2);
    expect((await readdir(b)).filter((n) => n.startsWith('t-')).length).toBe(2);
    await logs.close();
  });

  it('a clean close leaves checkpoints and the marker, and the next start scans nothing', async () => {
    const root = await tempDir();
    const logs = await manager([root], { segmentBytes: 300 });
    const log = await logs.getOrCreateLog('orders', 0, TOPIC_ID);
    for (let i = 0; i < 6; i++) await log.appendAsLeader(batch(2, { valueSize: 40 }), 5);
    await log.deleteRecordsBefore(3n);
    await logs.close(new Map([['orders-0', 10n]]));

    expect(await readFile(join(root, 'recovery-point-offset-checkpoint'), 'utf8')).toBe('0\n1\norders 0 12\n');
    expect(await readFile(join(root, 'log-start-offset-checkpoint'), 'utf8')).toBe('0\n1\norders 0 3\n');
    expect(await readFile(join(root, 'replication-offset-checkpoint'), 'utf8')).toBe('0\n1\norders 0 10\n');
    expect(await readFile(join(root, 'orders-0', 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n1\n5 3\n');
    expect(JSON.parse(await readFile(join(root, '.kafka_cleanshutdown'), 'utf8'))).toMatchObject({ version: 0 });

    const recover = vi.spyOn(LogSegment.prototype, 'recover');
    const again = await manager([root], { segmentBytes: 300 });
    expect(recover).not.toHaveBeenCalled();
    const reloaded = again.getLog('orders', 0)!;
    expect(reloaded.logEndOffset).toBe(12n);
    expect(reloaded.logStartOffset).toBe(3n);
    expect(again.topicIdOf('orders', 0)).toBe(TOPIC_ID);
    expect(again.checkpointedHighWatermark('orders', 0)).toBe(10n);
    expect(again.checkpointedHighWatermark('orders', 1)).toBe(0n);
    // Loaded: the marker is gone, so a crash from here on is an unclean stop.
    await expect(stat(join(root, '.kafka_cleanshutdown'))).rejects.toThrow();
    await again.close();
  });

  it('after a crash, recovers from the checkpointed recovery point', async () => {
    const root = await tempDir();
    const logs = await manager([root]);
    const log = await logs.getOrCreateLog('orders', 0, TOPIC_ID);
    for (let i = 0; i < 3; i++) await log.appendAsLeader(batch(2), 0);
    await log.flush();
    await logs.checkpointLogOffsets();
    for (let i = 0; i < 2; i++) await log.appendAsLeader(batch(2), 0);
    // No close: a crash. The second manager sees no marker.
    await crash(log);
    const recover = vi.spyOn(LogSegment.prototype, 'recover');
    const again = await manager([root]);
    expect(recover).toHaveBeenCalledTimes(1);
    expect(again.getLog('orders', 0)!.logEndOffset).toBe(10n);
    await again.close();
  });

  it('leaves __cluster_metadata-0 to the controller but opens it on request', async () => {
    const root = await tempDir();
    const logs = await manager([root]);
    const metadata = await logs.openMetadataLog();
    await metadata.appendAsLeader(batch(1), 1);
    await logs.close();
    const again = await manager([root]);
    expect(again.getLog('__cluster_metadata', 0)).toBeUndefined();
    expect(again.allLogs()).toEqual([]);
    const reopened = await again.openMetadataLog();
    expect(reopened.dir).toBe(join(root, '__cluster_metadata-0'));
    expect(reopened.logEndOffset).toBe(1n);
    await again.close();
  });

  it('deletes a log by renaming it to <topic>-<partition>.<uuid>-delete, then removing it', async () => {
    const root = await tempDir();
    const scheduler = new ManualScheduler();
    const logs = await LogManager.open([root], config({ fileDeleteDelayMs: 60_000 }), new ManualClock(), undefined, { scheduler });
    const log = await logs.getOrCreateLog('orders', 0, TOPIC_ID);
    await log.appendAsLeader(batch(1), 0);
    await logs.deleteLog('orders', 0);
    expect(logs.getLog('orders', 0)).toBeUndefined();
    const names = await readdir(root);
    expect(names.some((n) => /^orders-0\.[0-9a-f]{32}-delete$/.test(n))).toBe(true);
    expect(names).not.toContain('orders-0');
    await scheduler.runOnce();
    expect((await readdir(root)).some((n) => n.startsWith('orders-0'))).toBe(false);
    await logs.close();
  });

  it('removes directories left marked for deletion at start-up', async () => {
    const root = await tempDir();
    await mkdir(join(root, `orders-0.${'a'.repeat(32)}-delete`));
    const logs = await manager([root]);
    expect(logs.allLogs()).toEqual([]);
    await logs.close();
    await new Promise((r) => setTimeout(r, 20));
    expect((await readdir(root)).some((n) => n.endsWith('-delete'))).toBe(false);
  });

  it('replaces a log left by an earlier topic of the same name', async () => {
    const root = await tempDir();
    const logs = await manager([root]);
    const old = await logs.getOrCreateLog('orders', 0, TOPIC_ID);
    await old.appendAsLeader(batch(3), 0);
    const fresh = await logs.getOrCreateLog('orders', 0, 'AAAAAAAAAAAAAAAAAAAAAw');
    expect(fresh).not.toBe(old);
    expect(fresh.logEndOffset).toBe(0n);
    expect(logs.topicIdOf('orders', 0)).toBe('AAAAAAAAAAAAAAAAAAAAAw');
    await logs.close();
  });

  it('a log dir that cannot be used is offline; with none usable, start-up fails with KAFKA_STORAGE_ERROR', async () => {
    const root = await tempDir();
    const file = join(root, 'not-a-dir');
    await writeFile(file, 'x');
    const logs = await manager([join(file, 'logs'), join(root, 'good')]);
    const log = await logs.getOrCreateLog('orders', 0, TOPIC_ID);
    expect(log.dir).toBe(join(root, 'good', 'orders-0'));
    await logs.close();
    const failure = await manager([join(file, 'logs')]).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(LogError);
    expect((failure as LogError).code).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
  });

  it('a log dir whose logs cannot be loaded goes offline; the other dirs carry on', async () => {
    const bad = await tempDir();
    const good = await tempDir();
    await mkdir(join(bad, 'orders-0'));
    await writeFile(join(bad, 'orders-0', 'leader-epoch-checkpoint'), 'not a checkpoint');
    const logs = await manager([bad, good]);
    expect(logs.getLog('orders', 0)).toBeUndefined();
    expect((await logs.getOrCreateLog('orders', 1, TOPIC_ID)).dir).toBe(join(good, 'orders-1'));
    await logs.close();
    await expect(stat(join(bad, '.kafka_cleanshutdown'))).rejects.toThrow();
  });

  it('runs retention from its scheduler', async () => {
    const root = await tempDir();
    const scheduler = new ManualScheduler();
    const logs = await LogManager.open([root], config({ segmentBytes: 300, retentionBytes: 300 }), new ManualClock(), undefined, { scheduler });
    const log = await logs.getOrCreateLog('orders', 0, TOPIC_ID);
    for (let i = 0; i < 8; i++) await log.appendAsLeader(batch(2, { valueSize: 40 }), 0);
    logs.startRetention(300_000);
    await scheduler.periodic.get('log-retention')!();
    expect(log.logStartOffset).toBeGreaterThan(0n);
    await logs.close();
  });
});

describe('log directory names', () => {
  it('parse as <topic>-<partition>, and nothing else', () => {
    expect(parseTopicPartition('my-topic-12')).toEqual({ topic: 'my-topic', partition: 12 });
    expect(parseTopicPartition(`t-0.${'a'.repeat(32)}-delete`)).toBeNull();
    expect(parseTopicPartition('t-0.abc-future')).toBeNull();
    expect(parseTopicPartition('recovery-point-offset-checkpoint')).toBeNull();
  });
});
