// Retention on a running broker, checked every log.retention.check.interval.ms (200 ms here):
// whole segments go once they are older than retention.ms or the partition is larger than
// retention.bytes; the log start offset (ListOffsets EARLIEST) moves up to the first segment
// kept, the .log files of the deleted segments leave the partition directory, the log end
// offset stays where it was, and what is left is still served from the new start.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerConnection } from '../../src/client/connection.js';
import { startBroker, type RunningBroker } from '../harness/broker.js';
import { EARLIEST, LATEST, connectTo, eventually, listOffset, mustCreateTopic, mustProduce, readFrom, textBatch } from './raw-kafka.js';

const SEGMENT_BYTES = 1024;
/** Enough 1-record batches of ~170 bytes for several 1 KiB segments. */
const BATCHES = 30;
const VALUE = 'x'.repeat(100);
const RETENTION_WAIT_MS = 10_000;

let broker: RunningBroker;
let client: BrokerConnection;

beforeAll(async () => {
  broker = await startBroker({ overrides: { 'log.retention.check.interval.ms': '200' } });
  client = await connectTo(broker, 'retention-test');
});

afterAll(() => client?.close());

interface SegmentFile {
  name: string;
  baseOffset: bigint;
  size: number;
}

/** The partition directory's files ending exactly in `.log` (not `.log.deleted`), oldest first. */
function logFiles(topic: string): SegmentFile[] {
  const dir = join(broker.logDir, `${topic}-0`);
  return readdirSync(dir)
    .filter((name) => /^\d{20}\.log$/.test(name))
    .flatMap((name) => {
      // Retention may rename a file between the listing and the stat: it is gone, then.
      const stats = statSync(join(dir, name), { throwIfNoEntry: false });
      return stats === undefined ? [] : [{ name, baseOffset: BigInt(name.slice(0, 20)), size: stats.size }];
    })
    .sort((a, b) => (a.baseOffset < b.baseOffset ? -1 : 1));
}

function filesIn(topic: string): string[] {
  return readdirSync(join(broker.logDir, `${topic}-0`)).sort();
}

/** Bytes of record batches produced, per topic: what the partition holds before retention takes any. */
const producedBytes = new Map<string, number>();

/** Produces BATCHES one-record batches `<prefix>-<i>` stamped `timestamp`; returns the values in offset order. */
async function produceBatches(topic: string, prefix: string, timestamp: bigint, firstOffset = 0n): Promise<string[]> {
  const values: string[] = [];
  for (let i = 0; i < BATCHES; i++) {
    const value = `${prefix}-${i}-${VALUE}`;
    const batch = textBatch([value], { timestamp });
    expect(await mustProduce(client, topic, 0, batch)).toBe(firstOffset + BigInt(i));
    producedBytes.set(topic, (producedBytes.get(topic) ?? 0) + batch.length);
    values.push(value);
  }
  return values;
}

async function offsets(topic: string): Promise<{ earliest: bigint; latest: bigint }> {
  return { earliest: (await listOffset(client, topic, 0, EARLIEST)).offset, latest: (await listOffset(client, topic, 0, LATEST)).offset };
}

const state = (topic: string) => async (): Promise<string> => `offsets ${JSON.stringify(await offsets(topic), (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}, files ${filesIn(topic).join(' ')}`;

describe('retention on a running broker', () => {
  it('retention.ms deletes the segments whose newest record is older than it and keeps the rest readable from the new log start offset', async () => {
    const topic = 'retention-time';
    await mustCreateTopic(client, topic, { 'segment.bytes': String(SEGMENT_BYTES), 'retention.ms': '1000' });
    // Old records (stamped an hour ago) fill several segments; then fresh ones, stamped ten
    // minutes ahead of the broker's clock (within the hour Kafka 4 allows), so that nothing of
    // them can come of age during the test however slow it runs.
    const now = Date.now();
    const old = await produceBatches(topic, 'old', BigInt(now - 60 * 60 * 1000));
    const fresh = await produceBatches(topic, 'fresh', BigInt(now + 10 * 60 * 1000), BigInt(BATCHES));
    const total = BigInt(old.length + fresh.length);
    // Retention runs every 200 ms, so it may already have taken old segments: only the fresh
    // records' segments, and the one where old and fresh meet, are sure to be listed here.
    const before = logFiles(topic);
    expect(producedBytes.get(topic)!, 'the records span several segments').toBeGreaterThan(8 * SEGMENT_BYTES);
    expect((await offsets(topic)).latest).toBe(total);

    // A segment holding the first fresh record is kept, and so is everything after it.
    const firstFreshSegment = before.filter((s) => s.baseOffset <= BigInt(BATCHES)).at(-1)!.baseOffset;
    const earliest = await eventually(
      'the log start offset moving up to the first segment with a fresh record',
      RETENTION_WAIT_MS,
      async () => {
        const o = await offsets(topic);
        return o.earliest === firstFreshSegment ? o.earliest : undefined;
      },
      state(topic),
    );
    expect(earliest).toBeGreaterThan(0n);

    expect((await offsets(topic)).latest, 'the log end offset is unchanged').toBe(total);
    const after = logFiles(topic);
    expect(after.map((s) => s.baseOffset)).toEqual(before.filter((s) => s.baseOffset >= earliest).map((s) => s.baseOffset));
    expect(after.every((s) => s.baseOffset >= earliest), 'no .log file below the log start offset remains').toBe(true);

    const remaining = await readFrom(client, topic, 0, earliest);
    expect(remaining.map((r) => r.offset)).toEqual(Array.from({ length: Number(total - earliest) }, (_, i) => earliest + BigInt(i)));
    expect(remaining.map((r) => r.value)).toEqual([...old, ...fresh].slice(Number(earliest)));
    expect(remaining.filter((r) => r.value!.startsWith('fresh')).length, 'every fresh record survives').toBe(fresh.length);
  });

  it('with retention.ms=1000 a topic that stopped receiving data empties completely: the log start reaches the unchanged log end, and the next record gets the next offset', async () => {
    const topic = 'retention-expire-all';
    // file.delete.delay.ms=0: the deleted segments' files are removed at once, not renamed to .deleted for a minute.
    await mustCreateTopic(client, topic, { 'segment.bytes': String(SEGMENT_BYTES), 'retention.ms': '1000', 'file.delete.delay.ms': '0' });
    await produceBatches(topic, 'expiring', BigInt(Date.now()));
    const total = BigInt(BATCHES);

    await eventually(
      'the whole log, active segment included, expiring',
      RETENTION_WAIT_MS,
      async () => ((await offsets(topic)).earliest === total ? true : undefined),
      state(topic),
    );
    expect(await offsets(topic)).toEqual({ earliest: total, latest: total });
    // Only the fresh, empty active segment at the log end is left; no segment file lingers.
    await eventually(
      'the deleted segments files leaving the directory',
      RETENTION_WAIT_MS,
      async () => (filesIn(topic).every((f) => !/\.(log|index|timeindex)(\.deleted)?$/.test(f) || f.startsWith(total.toString().padStart(20, '0'))) ? true : undefined),
      state(topic),
    );
    expect(logFiles(topic)).toEqual([{ name: `${total.toString().padStart(20, '0')}.log`, baseOffset: total, size: 0 }]);
    expect(await readFrom(client, topic, 0, total)).toEqual([]);

    expect(await mustProduce(client, topic, 0, textBatch(['after-expiry'], { timestamp: BigInt(Date.now() + 10 * 60 * 1000) }))).toBe(total);
    expect((await readFrom(client, topic, 0, total)).map((r) => [r.offset, r.value])).toEqual([[total, 'after-expiry']]);
  });

  it('retention.bytes deletes the oldest segments until the partition fits, keeping the newest records readable from the new log start offset', async () => {
    const topic = 'retention-size';
    const retentionBytes = 3 * SEGMENT_BYTES;
    await mustCreateTopic(client, topic, { 'segment.bytes': String(SEGMENT_BYTES), 'retention.bytes': String(retentionBytes) });
    const values = [...(await produceBatches(topic, 'sized-a', BigInt(Date.now()))), ...(await produceBatches(topic, 'sized-b', BigInt(Date.now()), BigInt(BATCHES)))];
    const total = BigInt(values.length);
    // Listed after retention may have started: every segment kept is among these.
    const before = logFiles(topic);
    expect(producedBytes.get(topic)!, 'the partition was filled well over retention.bytes').toBeGreaterThan(2 * retentionBytes);

    // Kafka deletes the oldest segment while the log would still be at least retention.bytes
    // without it: afterwards the log is under retention.bytes plus one segment.
    const earliest = await eventually(
      'the partition shrinking under retention.bytes plus one segment',
      RETENTION_WAIT_MS,
      async () => {
        const o = await offsets(topic);
        const size = logFiles(topic).reduce((n, s) => n + s.size, 0);
        return o.earliest > 0n && size < retentionBytes + SEGMENT_BYTES ? o.earliest : undefined;
      },
      state(topic),
    );
    const after = logFiles(topic);
    const size = after.reduce((n, s) => n + s.size, 0);
    expect(size - after[0].size, 'without its oldest segment the log would be under retention.bytes').toBeLessThan(retentionBytes);
    expect(after[0].baseOffset).toBe(earliest);
    expect(after.map((s) => s.baseOffset)).toEqual(before.filter((s) => s.baseOffset >= earliest).map((s) => s.baseOffset));
    expect((await offsets(topic)).latest, 'the log end offset is unchanged').toBe(total);

    const remaining = await readFrom(client, topic, 0, earliest);
    expect(remaining.map((r) => r.offset)).toEqual(Array.from({ length: Number(total - earliest) }, (_, i) => earliest + BigInt(i)));
    expect(remaining.map((r) => r.value)).toEqual(values.slice(Number(earliest)));
  });
});
