// Shared by the log tests: temporary directories, a clock moved by hand, and batches built the
// way a producer builds them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { buildBatch, type BuildBatchOptions, type RecordInput } from '../../../src/protocol/records.js';
import type { Clock, Scheduler } from '../../../daemon/log/clock.js';
import type { PartitionLog } from '../../../daemon/log/partition-log.js';
import { LogError } from '../../../daemon/log/errors.js';

const dirs: string[] = [];

/** A fresh directory under the OS temp dir, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tk-log-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

export class ManualClock implements Clock {
  constructor(public ms = 1_700_000_000_000) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** A scheduler that runs nothing by itself: tests call runOnce() / runPeriodic(). */
export class ManualScheduler implements Scheduler {
  readonly periodic = new Map<string, () => Promise<void>>();
  readonly once: { name: string; delayMs: number; task: () => Promise<void> }[] = [];
  schedulePeriodic(name: string, _periodMs: number, task: () => Promise<void>): void {
    this.periodic.set(name, task);
  }
  scheduleOnce(name: string, delayMs: number, task: () => Promise<void>): void {
    this.once.push({ name, delayMs, task });
  }
  async runOnce(): Promise<void> {
    for (const job of this.once.splice(0)) await job.task();
  }
  async shutdown(): Promise<void> {}
}

/** A batch of `count` records with keys k<i> and values v<i>, as a producer sends it (base offset 0). */
export function batch(count: number, options: Partial<BuildBatchOptions> & { timestamp?: bigint; valueSize?: number; keyPrefix?: string } = {}): Buffer {
  const timestamp = options.timestamp ?? 1_700_000_000_000n;
  const records: RecordInput[] = [];
  for (let i = 0; i < count; i++) {
    const value = options.valueSize ? Buffer.alloc(options.valueSize, 0x61 + (i % 26)) : Buffer.from(`v${i}`);
    records.push({ key: Buffer.from(`${options.keyPrefix ?? 'k'}${i}`), value, timestamp: timestamp + BigInt(i) });
  }
  return buildBatch({ records, ...options });
}

/** One batch of the given records, keys and values as strings (null value: a tombstone). */
export function keyed(entries: readonly [string | null, string | null][], options: Partial<BuildBatchOptions> & { timestamp?: bigint } = {}): Buffer {
  const timestamp = options.timestamp ?? 1_700_000_000_000n;
  return buildBatch({
    records: entries.map(([k, v], i) => ({ key: k === null ? null : Buffer.from(k), value: v === null ? null : Buffer.from(v), timestamp: timestamp + BigInt(i) })),
    ...options,
  });
}

/**
 * Stops using a log as a killed process would: nothing more is written (no index, no snapshot,
 * no checkpoint), only the file handles are let go. The epoch checkpoint Kafka writes at each
 * new epoch is awaited first, so no background write races the next open.
 */
export async function crash(log: PartitionLog): Promise<void> {
  await log.leaderEpochCache.flush();
  for (const segment of log.segmentList()) await segment.log.close();
}

/** The Kafka error code of the LogError a promise rejects with; fails the test if it resolves. */
export async function codeOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof LogError) return err.code;
    throw err;
  }
  throw new Error('expected a LogError');
}
