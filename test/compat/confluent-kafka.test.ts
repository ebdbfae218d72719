// confluent-kafka-python (Debian's python3-confluent-kafka, on librdkafka) against
// `tk broker start`: the idempotent producer at acks=all, a consumer that assigns partitions at
// explicit offsets, and the AdminClient. Consumer groups are not implemented yet, so the consumer
// never subscribes; librdkafka still insists on a group.id, which is given and never used.
import { beforeAll, describe, expect, it } from 'vitest';
import { runPython, startBroker, type RunningBroker } from '../harness/broker.js';

interface Delivery {
  key: string;
  value: string;
  partition: number;
  offset: number;
  error: string | null;
}

interface Consumed {
  key: string | null;
  value: string | null;
  headers: [string, string | null][];
  partition: number;
  offset: number;
}

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker();
});

const admin = <T>(...args: (string | number)[]): Promise<T> => runPython<T>('confluent_admin.py', [broker.bootstrap, ...args]);

async function createTopic(topic: string, partitions: number): Promise<void> {
  expect(await admin('create', topic, partitions)).toEqual({ results: { [topic]: null } });
}

async function produce(topic: string, partition: number, count: number, compression = 'none'): Promise<{ records: Delivery[]; undelivered: number }> {
  return runPython('confluent_produce.py', [broker.bootstrap, topic, partition, count, compression]);
}

/** Reads from `from` to the end of the partition (at most `max` records). */
async function consume(topic: string, partition: number, from: 'beginning' | number, max = 1000): Promise<{ records: Consumed[]; errors: string[] }> {
  return runPython('confluent_consume.py', [broker.bootstrap, topic, partition, from, max]);
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('confluent-kafka (librdkafka) against tk broker start', () => {
  it('AdminClient creates a topic with 3 partitions, lists it with the broker, and deletes it', async () => {
    await createTopic('ck-admin', 3);
    const listed = await admin<{ brokers: { id: number; host: string; port: number }[]; topics: Record<string, number[]> }>('list');
    expect(listed.brokers).toEqual([{ id: 1, host: broker.host, port: broker.port }]);
    expect(listed.topics['ck-admin']).toEqual([0, 1, 2]);

    expect(await admin('delete', 'ck-admin')).toEqual({ results: { 'ck-admin': null } });
    const after = await admin<{ topics: Record<string, number[]> }>('list');
    expect(Object.keys(after.topics)).not.toContain('ck-admin');
  });

  it('AdminClient gets TOPIC_ALREADY_EXISTS for a second create and UNKNOWN_TOPIC_OR_PART for deleting a missing topic', async () => {
    await createTopic('ck-twice', 1);
    expect(await admin('create', 'ck-twice', 1)).toEqual({ results: { 'ck-twice': 'TOPIC_ALREADY_EXISTS' } });
    expect(await admin('delete', 'ck-never-created')).toEqual({ results: { 'ck-never-created': 'UNKNOWN_TOPIC_OR_PART' } });
  });

  it('an idempotent producer with acks=all gets every delivery report at contiguous offsets, and an assigned consumer reads each record once', async () => {
    await createTopic('ck-idempotent', 2);
    const { records, undelivered } = await produce('ck-idempotent', 1, 200);
    expect(undelivered).toBe(0);
    expect(records.filter((r) => r.error !== null)).toEqual([]);
    expect(records.map((r) => r.key)).toEqual(range(0, 200).map((i) => `key-${i}`));
    expect(records.map((r) => r.offset)).toEqual(range(0, 200));

    const read = await consume('ck-idempotent', 1, 'beginning');
    expect(read.errors).toEqual([]);
    expect(read.records).toEqual(records.map((r) => ({ key: r.key, value: r.value, headers: [['index', r.key.slice(4)]], partition: 1, offset: r.offset })));
    // Nothing leaked to the other partition.
    expect((await consume('ck-idempotent', 0, 'beginning')).records).toEqual([]);
  });

  it('a second idempotent producer with zstd continues the offsets, and a consumer assigned at an explicit offset starts there', async () => {
    await createTopic('ck-offsets', 1);
    await produce('ck-offsets', 0, 10);
    const second = await produce('ck-offsets', 0, 10, 'zstd');
    expect(second.records.filter((r) => r.error !== null)).toEqual([]);
    expect(second.records.map((r) => r.offset)).toEqual(range(10, 20));

    const read = await consume('ck-offsets', 0, 15);
    expect(read.errors).toEqual([]);
    expect(read.records.map((r) => [r.offset, r.key, r.value])).toEqual(range(15, 20).map((o) => [o, `key-${o - 10}`, `value-${o - 10}`]));
  });
});
