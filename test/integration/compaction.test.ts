// Log compaction (cleanup.policy=compact) on a running broker: in the segments below the active
// one, only the last record of each key stays, at its original offset; the active segment is
// left as it was; a tombstone stays readable for delete.retention.ms after compaction reaches
// it and goes in a later cleaning.
//
// What drives the cleaner: LogManager.startRetention schedules `runCleaner` every
// `cleanerBackoffMs`, which the broker sets from log.cleaner.backoff.ms (Kafka's default
// 15 000 ms), next to retention every log.retention.check.interval.ms. Both are 200 ms here.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerConnection } from '../../src/client/connection.js';
import { startBroker, type RunningBroker } from '../harness/broker.js';
import { EARLIEST, LATEST, connectTo, eventually, listOffset, mustCreateTopic, mustProduce, readFrom, textBatch, type StoredRecord } from './raw-kafka.js';

const CLEANER_BACKOFF_MS = 200;
const SEGMENT_BYTES = 1024;
const DELETE_RETENTION_MS = 3000;
const PADDING = 'p'.repeat(60);
/** When the cleaner honours log.cleaner.backoff.ms (200 ms), a few seconds are plenty. */
const PROMPT_CLEANING_MS = 5_000;
/**
 * Bounds for the compaction semantics that would also hold at the default 15 s backoff, so that
 * a regression in the backoff fails the first test only, and these checks still say something.
 */
const CLEANING_WAIT_MS = 25_000;
const TOMBSTONE_WAIT_MS = 25_000;

let broker: RunningBroker;
let client: BrokerConnection;

beforeAll(async () => {
  broker = await startBroker({
    overrides: { 'log.retention.check.interval.ms': '200', 'log.cleaner.backoff.ms': String(CLEANER_BACKOFF_MS) },
  });
  client = await connectTo(broker, 'compaction-test');
});

afterAll(() => client?.close());

const COMPACTED_CONFIGS = {
  'cleanup.policy': 'compact',
  'segment.bytes': String(SEGMENT_BYTES),
  'min.cleanable.dirty.ratio': '0.01',
  'delete.retention.ms': String(DELETE_RETENTION_MS),
  'file.delete.delay.ms': '0',
};

interface Written {
  offset: bigint;
  key: string;
  value: string | null;
}

/** Base offsets of the partition's segments, from the `.log` files in its directory. */
function segmentBases(topic: string): bigint[] {
  return readdirSync(join(broker.logDir, `${topic}-0`))
    .filter((name) => /^\d{20}\.log$/.test(name))
    .map((name) => BigInt(name.slice(0, 20)))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Writes each record as its own batch, so segments roll every few records. */
async function write(topic: string, records: readonly { key: string; value: string | null }[]): Promise<Written[]> {
  const out: Written[] = [];
  for (const r of records) {
    const offset = await mustProduce(client, topic, 0, textBatch([{ key: r.key, value: r.value === null ? null : `${r.value}-${PADDING}` }]));
    out.push({ offset, key: r.key, value: r.value === null ? null : `${r.value}-${PADDING}` });
  }
  return out;
}

/** What compaction of everything below `cleanedEnd` leaves: each key's last record there, and everything from `cleanedEnd` on. */
function compacted(written: readonly Written[], cleanedEnd: bigint, keepTombstones: boolean): Written[] {
  const lastOf = new Map<string, bigint>();
  for (const w of written) if (w.offset < cleanedEnd) lastOf.set(w.key, w.offset);
  return written.filter((w) => w.offset >= cleanedEnd || (lastOf.get(w.key) === w.offset && (keepTombstones || w.value !== null)));
}

const asWritten = (records: readonly StoredRecord[]): Written[] => records.map((r) => ({ offset: r.offset, key: r.key ?? '<null>', value: r.value }));

async function readAll(topic: string): Promise<Written[]> {
  return asWritten(await readFrom(client, topic, 0, 0n));
}

/** Rounds of values for the keys, in key order within a round: `<key>-v<round>`. */
function rounds(keys: readonly string[], count: number): { key: string; value: string }[] {
  return Array.from({ length: count }, (_, round) => keys.map((key) => ({ key, value: `${key}-v${round}` }))).flat();
}

const show = (records: readonly Written[]): string => records.map((r) => `${r.offset}:${r.key}=${r.value === null ? 'null' : r.value.split('-')[1]}`).join(' ');

describe('log compaction on a running broker', () => {
  it('the cleaner runs on log.cleaner.backoff.ms: a dirty compacted partition is compacted within a few seconds at a 200 ms backoff', async () => {
    const topic = 'compaction-prompt';
    await mustCreateTopic(client, topic, COMPACTED_CONFIGS);
    const written = await write(topic, rounds(['a', 'b'], 12));
    const activeBase = segmentBases(topic).at(-1)!;
    expect(activeBase, 'several segments below the active one').toBeGreaterThan(4n);

    const expected = compacted(written, activeBase, true);
    await eventually(
      `compaction within ${PROMPT_CLEANING_MS} ms at log.cleaner.backoff.ms=${CLEANER_BACKOFF_MS}`,
      PROMPT_CLEANING_MS,
      async () => (show(await readAll(topic)) === show(expected) ? true : undefined),
      async () => `read ${show(await readAll(topic))}; expected ${show(expected)}`,
    );
  }, PROMPT_CLEANING_MS + 10_000);

  it('compaction keeps the last value of each key below the active segment at its original offset, leaves the active segment as written, and drops a tombstone after delete.retention.ms', async () => {
    const topic = 'compaction-semantics';
    await mustCreateTopic(client, topic, COMPACTED_CONFIGS);
    const keys = ['k0', 'k1', 'k2', 'k3'];
    const written = [
      ...(await write(topic, rounds(keys, 8))),
      // k3 is deleted; then more values for the others roll the tombstone out of the active segment.
      ...(await write(topic, [{ key: 'k3', value: null }])),
      ...(await write(topic, rounds(['k0', 'k1', 'k2'], 4).map((r) => ({ key: r.key, value: r.value.replace('-v', '-late') })))),
    ];
    const total = BigInt(written.length);
    expect(written.map((w) => w.offset)).toEqual(Array.from({ length: written.length }, (_, i) => BigInt(i)));
    const tombstone = written.find((w) => w.value === null)!;
    const activeBase = segmentBases(topic).at(-1)!;
    expect(activeBase, 'the tombstone lies below the active segment').toBeGreaterThan(tombstone.offset);
    const activeRecords = written.filter((w) => w.offset >= activeBase);
    expect(activeRecords.length, 'the active segment holds records').toBeGreaterThan(0);

    // Compaction of everything below the active segment, the tombstone still there.
    const withTombstone = compacted(written, activeBase, true);
    expect(withTombstone).toContainEqual(tombstone);
    const firstLook = await eventually(
      'compaction of the segments below the active one',
      CLEANING_WAIT_MS,
      async () => {
        const read = await readAll(topic);
        const cleaned = read.filter((r) => r.offset < activeBase);
        return new Set(cleaned.map((r) => r.key)).size === cleaned.length ? read : undefined;
      },
      async () => `read ${show(await readAll(topic))}`,
    );
    // Either the cleaning that kept the tombstone was observed, or delete.retention.ms had
    // already passed and a second cleaning removed it: nothing else is right.
    const withoutTombstone = compacted(written, activeBase, false);
    expect([show(withTombstone), show(withoutTombstone)], `read ${show(firstLook)}`).toContain(show(firstLook));
    if (show(firstLook) === show(withTombstone)) {
      // The tombstone is still served, with its key and a null value, at its offset.
      expect(firstLook).toContainEqual(tombstone);
    }

    // Offsets are preserved: every record read is the one written at that offset.
    const byOffset = new Map(written.map((w) => [w.offset, w]));
    for (const r of firstLook) expect(r, `the record at offset ${r.offset}`).toEqual(byOffset.get(r.offset));
    expect(firstLook.length).toBeLessThan(written.length);
    // The active segment is untouched: every record in it is still there.
    expect(firstLook.filter((r) => r.offset >= activeBase)).toEqual(activeRecords);
    // The log start and end offsets do not move: compaction renumbers nothing.
    expect((await listOffset(client, topic, 0, EARLIEST)).offset).toBe(0n);
    expect((await listOffset(client, topic, 0, LATEST)).offset).toBe(total);

    // After delete.retention.ms the tombstone, and so key k3, is gone.
    const final = await eventually(
      'the tombstone disappearing after delete.retention.ms',
      TOMBSTONE_WAIT_MS,
      async () => {
        const read = await readAll(topic);
        return read.some((r) => r.key === 'k3') ? undefined : read;
      },
      async () => `read ${show(await readAll(topic))}`,
    );
    expect(show(final)).toBe(show(withoutTombstone));
    expect((await listOffset(client, topic, 0, LATEST)).offset).toBe(total);
    expect(broker.stderr()).not.toMatch(/\] ERROR /);
  }, CLEANING_WAIT_MS + TOMBSTONE_WAIT_MS + 10_000);
});
