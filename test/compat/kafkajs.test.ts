// kafkajs (a pure-JavaScript client, the npm devDependency) against `tk broker start`: the admin
// client and the producer, plain, gzip, idempotent and acks=0; what kafkajs produced is read back
// with fetchTopicOffsets and with kcat. kafkajs's Consumer, which always joins a group, is in
// groups-kafkajs.test.ts.
import { CompressionTypes, Kafka, Partitioners, logLevel, type Admin, type Message, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool, startBroker, type RunningBroker } from '../harness/broker.js';

interface KcatJsonRecord {
  partition: number;
  offset: number;
  key: string | null;
  payload: string | null;
  headers?: string[];
}

let broker: RunningBroker;
let kafka: Kafka;
let admin: Admin;
const producers: Producer[] = [];

beforeAll(async () => {
  broker = await startBroker();
  kafka = new Kafka({ clientId: 'tk-compat', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 } });
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await Promise.allSettled(producers.map((p) => p.disconnect()));
  await admin?.disconnect();
});

async function connectedProducer(options: { idempotent?: boolean } = {}): Promise<Producer> {
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: options.idempotent ?? false,
    ...(options.idempotent ? { maxInFlightRequests: 1 } : {}),
  });
  producers.push(producer);
  await producer.connect();
  return producer;
}

/** Every record of one partition from the beginning, as kcat -J reads it (the fields under test). */
async function readWithKcat(topic: string, partition: number): Promise<KcatJsonRecord[]> {
  const result = await runTool('kcat', ['-b', broker.bootstrap, '-C', '-J', '-e', '-o', 'beginning', '-t', topic, '-p', String(partition)]);
  expect(result.stderr).not.toMatch(/ERROR/);
  expect(result.code).toBe(0);
  return result.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const { partition, offset, key, payload, headers } = JSON.parse(l) as KcatJsonRecord;
      return { partition, offset, key, payload, headers };
    });
}

function messages(prefix: string, count: number, partition: number): Message[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `${prefix}-key-${i}`,
    value: `${prefix}-value-${i}`,
    headers: { index: String(i), source: 'kafkajs' },
    partition,
  }));
}

function asKcat(sent: Message[], firstOffset: number): KcatJsonRecord[] {
  return sent.map((m, i) => ({
    partition: m.partition!,
    offset: firstOffset + i,
    key: String(m.key),
    payload: String(m.value),
    headers: Object.entries(m.headers ?? {}).flatMap(([k, v]) => [k, String(v)]),
  }));
}

describe('kafkajs against tk broker start', () => {
  it('admin creates a topic with 3 partitions, lists it, reads its offsets, and deletes it', async () => {
    expect(await admin.createTopics({ topics: [{ topic: 'kjs-admin', numPartitions: 3 }], waitForLeaders: true })).toBe(true);
    expect(await admin.listTopics()).toContain('kjs-admin');
    const offsets = await admin.fetchTopicOffsets('kjs-admin');
    expect(offsets.sort((a, b) => a.partition - b.partition)).toEqual([0, 1, 2].map((partition) => ({ partition, offset: '0', high: '0', low: '0' })));

    await admin.deleteTopics({ topics: ['kjs-admin'] });
    expect(await admin.listTopics()).not.toContain('kjs-admin');
  });

  it('admin.describeCluster names node 1 on the test port as broker and controller', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers).toEqual([{ nodeId: 1, host: broker.host, port: broker.port }]);
    expect(cluster.controller).toBe(1);
  });

  it.each([
    ['uncompressed', CompressionTypes.None],
    ['gzip', CompressionTypes.GZIP],
  ] as const)('a producer sends %s keyed records with headers; fetchTopicOffsets and kcat see exactly them', async (name, compression) => {
    const topic = `kjs-produce-${name}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    const producer = await connectedProducer();
    const first = messages('a', 7, 1);
    const second = messages('b', 5, 1);
    const [m1] = await producer.send({ topic, compression, acks: -1, messages: first });
    const [m2] = await producer.send({ topic, compression, acks: 1, messages: second });
    expect([m1.partition, m1.baseOffset, m1.errorCode]).toEqual([1, '0', 0]);
    expect([m2.partition, m2.baseOffset, m2.errorCode]).toEqual([1, '7', 0]);

    const offsets = (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition);
    expect(offsets).toEqual([
      { partition: 0, offset: '0', high: '0', low: '0' },
      { partition: 1, offset: '12', high: '12', low: '0' },
    ]);
    expect(await readWithKcat(topic, 1)).toEqual(asKcat([...first, ...second], 0));
  });

  it('an idempotent producer writes each of many sends once, at contiguous offsets', async () => {
    const topic = 'kjs-idempotent';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = await connectedProducer({ idempotent: true });
    const sent: Message[] = [];
    const baseOffsets: string[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const batchMessages = messages(`batch${batch}`, 10, 0);
      const [metadata] = await producer.send({ topic, acks: -1, compression: batch % 2 ? CompressionTypes.GZIP : CompressionTypes.None, messages: batchMessages });
      baseOffsets.push(metadata.baseOffset!);
      sent.push(...batchMessages);
    }
    expect(baseOffsets).toEqual(Array.from({ length: 10 }, (_, i) => String(i * 10)));
    expect(await admin.fetchTopicOffsets(topic)).toEqual([{ partition: 0, offset: '100', high: '100', low: '0' }]);
    expect(await readWithKcat(topic, 0)).toEqual(asKcat(sent, 0));
  });

  it('a producer with acks=0 gets no response, and its records still arrive', async () => {
    const topic = 'kjs-acks-0';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = await connectedProducer();
    const sent = messages('fire', 4, 0);
    expect(await producer.send({ topic, acks: 0, messages: sent })).toEqual([]);
    await expect
      .poll(async () => (await admin.fetchTopicOffsets(topic))[0]?.high, { timeout: 10_000, interval: 100 })
      .toBe('4');
    expect(await readWithKcat(topic, 0)).toEqual(asKcat(sent, 0));
  });
});
