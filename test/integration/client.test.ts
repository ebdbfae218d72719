// The shared client (Cluster, Admin, Producer, Consumer) against a real tk broker: what the
// commands will do, done through the library.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '../../src/client/admin.js';
import { Cluster } from '../../src/client/cluster.js';
import { ConnectionError } from '../../src/client/connection.js';
import { Consumer, type ConsumerRecord } from '../../src/client/consumer.js';
import { Producer, partitionForKey } from '../../src/client/producer.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { ErrorCode, KafkaProtocolError } from '../../src/protocol/errors.js';
import { ZERO_UUID } from '../../src/protocol/primitives.js';
import { freePort, startBroker, type RunningBroker } from '../harness/broker.js';

let broker: RunningBroker;
let cluster: Cluster;
let admin: Admin;

beforeAll(async () => {
  broker = await startBroker();
  cluster = await Cluster.connect(broker.bootstrap, { clientId: 'client-test' });
  admin = new Admin(cluster);
});

afterAll(() => cluster?.close());

async function createTopic(name: string, numPartitions: number): Promise<void> {
  const [result] = await admin.createTopics([{ name, numPartitions, replicationFactor: 1 }]);
  expect(result.error).toBeNull();
}

/** Reads until `count` records have arrived or the time is up. */
async function consume(consumer: Consumer, count: number, timeoutMs = 20_000): Promise<ConsumerRecord[]> {
  const out: ConsumerRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count && Date.now() < deadline) out.push(...(await consumer.poll(500)));
  return out;
}

describe('a cluster', () => {
  it('names every bootstrap address it tried when none is reachable, and fails fast', async () => {
    const dead = [await freePort(), await freePort()].map((port) => `127.0.0.1:${port}`);
    const started = Date.now();
    const err = await Cluster.connect(dead.join(',')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    for (const address of dead) expect((err as Error).message).toContain(address);
    expect((err as Error).message).toContain('connection refused');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('skips a dead bootstrap address for a live one', async () => {
    const c = await Cluster.connect(`127.0.0.1:${await freePort()},${broker.bootstrap}`);
    expect(c.metadata.brokers.size).toBe(1);
    c.close();
  });
});

describe('admin', () => {
  it('creates, lists, describes, grows and deletes topics', async () => {
    const results = await admin.createTopics([
      { name: 'admin-a', numPartitions: 3, replicationFactor: 1, configs: { 'retention.ms': '3600000' } },
      { name: 'admin-b', replicaAssignment: [[1], [1]] },
    ]);
    expect(results.map((r) => [r.name, r.errorCode])).toEqual([
      ['admin-a', ErrorCode.NONE],
      ['admin-b', ErrorCode.NONE],
    ]);

    const again = await admin.createTopics([{ name: 'admin-a', numPartitions: 1 }]);
    expect(again[0].errorCode).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
    expect(again[0].error).toBeInstanceOf(KafkaProtocolError);
    expect(again[0].errorMessage).toBeTruthy();

    const validated = await admin.createTopics([{ name: 'admin-never', numPartitions: 2, replicationFactor: 1 }], { validateOnly: true });
    expect(validated[0].errorCode).toBe(ErrorCode.NONE);

    const names = await admin.listTopics();
    expect(names).toContain('admin-a');
    expect(names).toContain('admin-b');
    expect(names).not.toContain('admin-never');

    const [a, b] = await admin.describeTopics(['admin-a', 'admin-b']);
    expect(a.partitions.map((p) => [p.partition, p.leaderId, p.replicas, p.isr])).toEqual([
      [0, 1, [1], [1]],
      [1, 1, [1], [1]],
      [2, 1, [1], [1]],
    ]);
    expect(a.topicId).not.toBe(ZERO_UUID);
    expect(b.partitions).toHaveLength(2);

    const missing = await admin.describeTopics(['admin-missing']).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(KafkaProtocolError);
    expect((missing as KafkaProtocolError).code).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);

    const grown = await admin.createPartitions([{ topic: 'admin-a', count: 5 }]);
    expect(grown[0].errorCode).toBe(ErrorCode.NONE);
    const shrunk = await admin.createPartitions([{ topic: 'admin-a', count: 2 }]);
    expect(shrunk[0].errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
    expect((await admin.describeTopics(['admin-a']))[0].partitions).toHaveLength(5);

    const deleted = await admin.deleteTopics(['admin-a', 'admin-missing']);
    expect(deleted.map((r) => [r.name, r.errorCode])).toEqual([
      ['admin-a', ErrorCode.NONE],
      ['admin-missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ]);
    expect(await admin.listTopics()).not.toContain('admin-a');
  });

  it('describes the cluster, the log dirs and the API versions of each broker', async () => {
    const description = await admin.describeCluster();
    expect(description.clusterId).toBeTruthy();
    expect(description.brokers.map((b) => [b.nodeId, b.host, b.port])).toEqual([[1, broker.host, broker.port]]);

    const [versions] = await admin.apiVersionsByBroker();
    expect(versions.broker.nodeId).toBe(1);
    expect(versions.versions.get(ApiKey.Produce)).toEqual({ min: 3, max: 11 });

    await createTopic('logdirs', 1);
    const [dirs] = await admin.describeLogDirs();
    expect(dirs.brokerId).toBe(1);
    expect(dirs.logDirs.length).toBeGreaterThan(0);
    expect(dirs.logDirs.flatMap((d) => d.topics.map((t) => t.name))).toContain('logdirs');
  });
});

describe('producing and consuming', () => {
  it('sends one record and learns its partition and offset', async () => {
    await createTopic('single', 2);
    const producer = new Producer(cluster, { lingerMs: 0 });
    const first = await producer.send({ topic: 'single', partition: 1, key: 'k', value: 'v1' });
    const second = await producer.send({ topic: 'single', partition: 1, key: 'k', value: 'v2' });
    expect([first.partition, first.offset, second.offset]).toEqual([1, 0n, 1n]);
    const keyed = await producer.send({ topic: 'single', key: 'foobar', value: 'x' });
    expect(keyed.partition).toBe(partitionForKey(Buffer.from('foobar'), 2));
    await producer.close();
  });

  it('round-trips 100,000 keyed records in order per partition, on the partitions Kafka would pick', async () => {
    const topic = 'keyed';
    const partitions = 4;
    const count = 100_000;
    await createTopic(topic, partitions);
    const producer = new Producer(cluster, { lingerMs: 5, compression: 'lz4' });
    for (let i = 0; i < count; i++) {
      const headers = i % 10 === 0 ? [{ key: 'n', value: String(i) }] : undefined;
      if (!producer.produce({ topic, key: `key-${i}`, value: `value-${i}`, headers })) await producer.whenWritable();
    }
    await producer.flush();

    const ends = await admin.listOffsets([0, 1, 2, 3].map((partition) => ({ topic, partition })), 'latest');
    expect(ends.reduce((sum, e) => sum + e.offset, 0n)).toBe(BigInt(count));

    const consumer = new Consumer(cluster);
    await consumer.assign([0, 1, 2, 3].map((partition) => ({ topic, partition, offset: 'earliest' as const })));
    const records = await consume(consumer, count);
    consumer.close();
    expect(records).toHaveLength(count);

    const expected: string[][] = [[], [], [], []];
    for (let i = 0; i < count; i++) expected[partitionForKey(Buffer.from(`key-${i}`), partitions)].push(`key-${i}`);
    const got: string[][] = [[], [], [], []];
    // Checked in bulk: 100,000 expect() calls would take longer than the round trip.
    const wrong: string[] = [];
    for (const r of records) {
      const k = r.key!.toString();
      const i = Number(k.slice(4));
      const headers = r.headers.map((h) => `${h.key}=${h.value}`).join();
      if (r.offset !== BigInt(got[r.partition].length)) wrong.push(`${k}: offset ${r.offset} in partition ${r.partition}`);
      if (r.value!.toString() !== `value-${i}`) wrong.push(`${k}: value ${r.value!.toString()}`);
      if (headers !== (i % 10 === 0 ? `n=${i}` : '')) wrong.push(`${k}: headers ${headers}`);
      if (r.leaderEpoch === null || r.leaderEpoch < 0) wrong.push(`${k}: leader epoch ${r.leaderEpoch}`);
      got[r.partition].push(k);
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(got).toEqual(expected);
    await producer.close();
  }, 60_000);

  it('sends null keys stickily across partitions, with acks=0 and with gzip', async () => {
    await createTopic('unkeyed', 3);
    for (const options of [{ acks: 0 as const }, { compression: 'gzip' as const, batchSize: 1024 }]) {
      const producer = new Producer(cluster, options);
      for (let i = 0; i < 3000; i++) producer.produce({ topic: 'unkeyed', value: `record-${i}` });
      await producer.close();
    }
    const ends = await admin.listOffsets([0, 1, 2].map((partition) => ({ topic: 'unkeyed', partition })), 'latest');
    expect(ends.reduce((sum, e) => sum + e.offset, 0n)).toBe(6000n);
    // Small batches move the sticky partition on: every partition got some.
    for (const e of ends) expect(e.offset).toBeGreaterThan(0n);
  });

  it('lists offsets by earliest, latest, timestamp and max timestamp, and deletes records', async () => {
    await createTopic('offsets', 1);
    const producer = new Producer(cluster, { lingerMs: 0 });
    for (let i = 0; i < 10; i++) producer.produce({ topic: 'offsets', value: `v${i}`, timestamp: 1_000_000 + i * 1000 });
    await producer.close();
    const tp = [{ topic: 'offsets', partition: 0 }];
    expect((await admin.listOffsets(tp, 'earliest'))[0].offset).toBe(0n);
    expect((await admin.listOffsets(tp, 'latest'))[0].offset).toBe(10n);
    expect((await admin.listOffsets(tp, 1_004_500n))[0].offset).toBe(5n);
    expect((await admin.listOffsets(tp, 9_999_999n))[0].offset).toBe(-1n);
    const max = (await admin.listOffsets(tp, 'max-timestamp'))[0];
    expect([max.offset, max.timestamp]).toEqual([9n, 1_009_000n]);

    const [deleted] = await admin.deleteRecords([{ topic: 'offsets', partition: 0, offset: 4n }]);
    expect([deleted.errorCode, deleted.lowWatermark]).toEqual([ErrorCode.NONE, 4n]);
    expect((await admin.listOffsets(tp, 'earliest'))[0].offset).toBe(4n);

    // A consumer starting at a timestamp, and one starting below the log start that resets.
    const byTime = new Consumer(cluster, { maxWaitMs: 100 });
    await byTime.assign([{ topic: 'offsets', partition: 0, offset: { timestamp: 1_007_000 } }]);
    expect((await consume(byTime, 3)).map((r) => [r.offset, r.timestamp, r.value!.toString()])).toEqual([
      [7n, 1_007_000n, 'v7'],
      [8n, 1_008_000n, 'v8'],
      [9n, 1_009_000n, 'v9'],
    ]);
    byTime.close();

    const reset = new Consumer(cluster, { autoOffsetReset: 'earliest', maxWaitMs: 100 });
    await reset.assign([{ topic: 'offsets', partition: 0, offset: 1n }]);
    expect((await consume(reset, 6)).map((r) => r.offset)).toEqual([4n, 5n, 6n, 7n, 8n, 9n]);
    reset.close();

    const strict = new Consumer(cluster, { autoOffsetReset: 'none', maxWaitMs: 100 });
    await strict.assign([{ topic: 'offsets', partition: 0, offset: 1n }]);
    const err = await strict.poll(5_000).catch((e: unknown) => e);
    expect((err as KafkaProtocolError).code).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    strict.close();
  });

  it('a consumer from latest sees only what is produced after it started', async () => {
    await createTopic('tail', 1);
    const producer = new Producer(cluster, { lingerMs: 0 });
    await producer.send({ topic: 'tail', value: 'old' });
    const consumer = new Consumer(cluster, { maxWaitMs: 100 });
    await consumer.assign([{ topic: 'tail', partition: 0, offset: 'latest' }]);
    await producer.send({ topic: 'tail', value: 'new' });
    const records = await consume(consumer, 1);
    expect(records.map((r) => r.value!.toString())).toEqual(['new']);
    consumer.close();
    await producer.close();
  });

  it('fails records for a partition that does not exist', async () => {
    const producer = new Producer(cluster, { lingerMs: 0 });
    const err = await producer.send({ topic: 'single', partition: 7, value: 'x' }).catch((e: unknown) => e);
    expect((err as KafkaProtocolError).code).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    await producer.close();
  });
});
