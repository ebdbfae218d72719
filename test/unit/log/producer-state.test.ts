import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { defaultLogConfig, type LogConfig } from '../../../daemon/log/log-config.js';
import { PartitionLog } from '../../../daemon/log/partition-log.js';
import { incrementSequence } from '../../../daemon/log/producer-state.js';
import { crc32c } from '../../../src/protocol/crc32c.js';
import { ErrorCode } from '../../../src/protocol/errors.js';
import { buildBatch, buildEndTransactionBatch, ControlRecordType } from '../../../src/protocol/records.js';
import { ManualClock, tempDir, codeOf } from './helpers.js';

const NOW = 1_700_000_000_000;
const PID = 1000n;

async function openLog(dir?: string, config: Partial<LogConfig> = {}, clean = true): Promise<PartitionLog> {
  const d = dir ?? join(await tempDir(), 'p-0');
  return PartitionLog.open(d, { topic: 'p', partition: 0 }, defaultLogConfig({ fileDeleteDelayMs: 0, ...config }), { clock: new ManualClock(NOW), hadCleanShutdown: clean });
}

/** `count` records from producer PID at `epoch`, starting at sequence `seq`. */
function produced(seq: number, count = 5, epoch = 0, options: { transactional?: boolean; producerId?: bigint } = {}): Buffer {
  return buildBatch({
    records: Array.from({ length: count }, (_, i) => ({ key: Buffer.from(`k${seq + i}`), value: Buffer.from('v'), timestamp: BigInt(NOW) })),
    producerId: options.producerId ?? PID,
    producerEpoch: epoch,
    baseSequence: seq,
    isTransactional: options.transactional,
  });
}

describe('producer state: the idempotent producer', () => {
  it('answers a retried batch with its original offsets and appends nothing', async () => {
    const log = await openLog();
    await log.appendAsLeader(produced(0), 0);
    await log.appendAsLeader(produced(5), 0);
    await log.appendAsLeader(produced(10), 0);
    expect(await log.appendAsLeader(produced(5), 0)).toMatchObject({ baseOffset: 5n, lastOffset: 9n });
    expect(log.logEndOffset).toBe(15n);
    await log.close();
  });

  it('remembers the last five batches only', async () => {
    const log = await openLog();
    for (let i = 0; i < 6; i++) await log.appendAsLeader(produced(i * 5), 0);
    expect((await log.appendAsLeader(produced(5), 0)).baseOffset).toBe(5n);
    // Batch 0 fell out of the window: it is no longer a duplicate but a sequence gap.
    expect(await codeOf(log.appendAsLeader(produced(0), 0))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    await log.close();
  });

  it('refuses a gap in sequence numbers', async () => {
    const log = await openLog();
    await log.appendAsLeader(produced(0), 0);
    expect(await codeOf(log.appendAsLeader(produced(6), 0))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect((await log.appendAsLeader(produced(5), 0)).baseOffset).toBe(5n);
    await log.close();
  });

  it('fences an older epoch, and a new epoch must start at sequence 0', async () => {
    const log = await openLog();
    await log.appendAsLeader(produced(0, 5, 3), 0);
    expect(await codeOf(log.appendAsLeader(produced(5, 5, 2), 0))).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(await codeOf(log.appendAsLeader(produced(5, 5, 4), 0))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect((await log.appendAsLeader(produced(0, 5, 4), 0)).baseOffset).toBe(5n);
    await log.close();
  });

  it('accepts any first sequence from a producer it does not know (KIP-360)', async () => {
    const log = await openLog();
    expect((await log.appendAsLeader(produced(42), 0)).baseOffset).toBe(0n);
    await log.close();
  });

  it('sequences wrap around at Int32.MAX_VALUE', async () => {
    expect(incrementSequence(0x7ffffffe, 3)).toBe(1);
    const log = await openLog();
    await log.appendAsLeader(produced(0x7fffffff - 4), 0);
    expect((await log.appendAsLeader(produced(0), 0)).baseOffset).toBe(5n);
    await log.close();
  });

  it('a retry that overlaps its in-flight original gets the original offsets once written', async () => {
    const log = await openLog();
    const original = log.appendAsLeader(produced(0), 0);
    const retry = log.appendAsLeader(produced(0), 0);
    const [a, b] = await Promise.all([original, retry]);
    expect(b).toMatchObject({ baseOffset: a.baseOffset, lastOffset: a.lastOffset });
    expect(log.logEndOffset).toBe(5n);
    await log.close();
  });

  it('forgets a batch whose write failed, so its retry is appended', async () => {
    const log = await openLog();
    await log.appendAsLeader(produced(0), 0);
    vi.spyOn(log.activeSegment, 'append').mockRejectedValueOnce(new Error('EIO'));
    expect(await codeOf(log.appendAsLeader(produced(5), 0))).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect((await log.appendAsLeader(produced(5), 0)).baseOffset).toBe(5n);
    expect(log.logEndOffset).toBe(10n);
    await log.close();
  });
});

describe('producer state: transactions', () => {
  it('tracks the open transaction until its marker, and refuses plain writes inside it', async () => {
    const log = await openLog();
    await log.appendAsLeader(produced(0, 2, 0, { transactional: true }), 0);
    expect(log.producerState.firstUnstableOffset()).toBe(0n);
    expect(await codeOf(log.appendAsLeader(produced(2, 2), 0))).toBe(ErrorCode.INVALID_TXN_STATE);
    const marker = buildEndTransactionBatch({ type: ControlRecordType.Commit, producerId: PID, producerEpoch: 0, coordinatorEpoch: 1, timestamp: BigInt(NOW) });
    expect(await codeOf(log.appendAsLeader(marker, 0))).toBe(ErrorCode.INVALID_RECORD);
    await log.appendAsLeader(marker, 0, { origin: 'coordinator' });
    expect(log.producerState.firstUnstableOffset()).toBeNull();
    expect((await log.appendAsLeader(produced(2, 2), 0)).baseOffset).toBe(3n);
    await log.close();
  });
});

describe('producer state: snapshots and rebuilds', () => {
  it('writes a Kafka producer snapshot at the log end offset on close and reloads it', async () => {
    const dir = join(await tempDir(), 'p-0');
    const log = await openLog(dir);
    await log.appendAsLeader(produced(0), 0);
    await log.appendAsLeader(produced(5, 3), 0);
    await log.close();
    const bytes = await readFile(join(dir, '00000000000000000008.snapshot'));
    expect(bytes.readInt16BE(0)).toBe(1);
    expect(bytes.readUInt32BE(2)).toBe(crc32c(bytes.subarray(6)));
    expect(bytes.readInt32BE(6)).toBe(1);
    expect(bytes.readBigInt64BE(10)).toBe(PID);
    expect(bytes.readInt16BE(18)).toBe(0);
    expect(bytes.readInt32BE(20)).toBe(7);
    expect(bytes.readBigInt64BE(24)).toBe(7n);
    expect(bytes.readInt32BE(32)).toBe(2);
    expect(bytes.length).toBe(10 + 46);

    const reopened = await openLog(dir);
    expect((await reopened.appendAsLeader(produced(5, 3), 0)).baseOffset).toBe(5n);
    expect(await codeOf(reopened.appendAsLeader(produced(9), 0))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect((await reopened.appendAsLeader(produced(8), 0)).baseOffset).toBe(8n);
    await reopened.close();
  });

  it('snapshots at each roll, and without any snapshot rebuilds from the batch headers', async () => {
    const dir = join(await tempDir(), 'p-0');
    const log = await openLog(dir, { segmentBytes: 300 });
    for (let i = 0; i < 8; i++) await log.appendAsLeader(produced(i * 5), 0);
    const bases = log.segmentList().slice(1).map((s) => s.baseOffset);
    const snapshots = (await readdir(dir)).filter((n) => n.endsWith('.snapshot')).map((n) => BigInt(n.slice(0, 20)));
    for (const base of bases) expect(snapshots).toContain(base);
    await log.close();
    for (const name of await readdir(dir)) if (name.endsWith('.snapshot')) await rm(join(dir, name));

    const rebuilt = await openLog(dir, { segmentBytes: 300 }, false);
    expect(rebuilt.producerState.entry(PID)!.batches.map((b) => b.firstSeq)).toEqual([15, 20, 25, 30, 35]);
    expect((await rebuilt.appendAsLeader(produced(20), 0)).baseOffset).toBe(20n);
    expect((await rebuilt.appendAsLeader(produced(40), 0)).baseOffset).toBe(40n);
    await rebuilt.close();
  });

  it('truncation rebuilds the state as of the new end', async () => {
    const log = await openLog(undefined, { segmentBytes: 300 });
    for (let i = 0; i < 4; i++) await log.appendAsLeader(produced(i * 5), 0);
    await log.truncateTo(10n);
    expect(log.producerState.entry(PID)!.batches.at(-1)!.lastSeq).toBe(9);
    expect(await codeOf(log.appendAsLeader(produced(15), 0))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect((await log.appendAsLeader(produced(10), 0)).baseOffset).toBe(10n);
    await log.close();
  });

  it('a follower keeps the state its leader wrote', async () => {
    const log = await openLog();
    const fromLeader = produced(0);
    fromLeader.writeBigInt64BE(20n, 0);
    await log.appendAsFollower(fromLeader);
    expect(log.producerState.entry(PID)!.batches).toEqual([{ firstSeq: 0, lastSeq: 4, firstOffset: 20n, lastOffset: 24n, timestamp: BigInt(NOW) + 0n }]);
    await log.close();
  });

  it('forgets producers idle longer than producer.id.expiration.ms', async () => {
    const log = await openLog();
    await log.appendAsLeader(produced(0), 0);
    await log.appendAsLeader(produced(0, 1, 0, { producerId: 7n, transactional: true }), 0);
    expect(log.producerState.removeExpiredProducers(NOW + 1000, 1000)).toBe(1);
    expect(log.producerState.entry(PID)).toBeUndefined();
    expect(log.producerState.entry(7n)).toBeDefined();
    await log.close();
  });
});
