// kafka-python (Debian's python3-kafka, a pure-Python client written independently of the Java
// one) against `tk broker start`: the admin client, the producer at acks=1 and acks=all with every
// codec, and a group-less consumer that assigns a partition and seeks. The scripts are in python/.
import { beforeAll, describe, expect, it } from 'vitest';
import { runPython, startBroker, type RunningBroker } from '../harness/broker.js';

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

interface SentRecord {
  key: string;
  value: string;
  headers: [string, string][];
  partition: number;
  offset: number;
}

interface ConsumedRecord {
  key: string | null;
  value: string | null;
  headers: [string, string | null][];
  partition: number;
  offset: number;
}

type AdminResult = { version: number; errors: [string, number][] } | { exception: string; errno: number | null; message: string };

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker();
});

const admin = (...args: (string | number)[]): Promise<AdminResult> => runPython<AdminResult>('kafka_python_admin.py', [broker.bootstrap, ...args]);
const list = (): Promise<{ topics: string[]; partitions: Record<string, number[]> }> => runPython('kafka_python_admin.py', [broker.bootstrap, 'list']);

async function produce(topic: string, partition: number, acks: '1' | 'all', codec: string, count: number): Promise<SentRecord[]> {
  const { records } = await runPython<{ records: SentRecord[] }>('kafka_python_produce.py', [broker.bootstrap, topic, partition, acks, codec, count]);
  return records;
}

/** Reads from `from` to the end offset the broker reports (at most `max` records). */
async function consume(topic: string, partition: number, from: 'beginning' | number, max = 1000): Promise<ConsumedRecord[]> {
  const { records } = await runPython<{ records: ConsumedRecord[] }>('kafka_python_consume.py', [broker.bootstrap, topic, partition, from, max]);
  return records;
}

describe('kafka-python against tk broker start', () => {
  it('KafkaAdminClient creates a topic with 3 partitions, lists it, and deletes it', async () => {
    expect(await admin('create', 'kp-admin', 3)).toMatchObject({ errors: [['kp-admin', 0]] });
    const listed = await list();
    expect(listed.topics).toContain('kp-admin');
    expect(listed.partitions['kp-admin']).toEqual([0, 1, 2]);

    expect(await admin('delete', 'kp-admin')).toMatchObject({ errors: [['kp-admin', 0]] });
    expect((await list()).topics).not.toContain('kp-admin');
  });

  it('creating a topic that exists fails with TOPIC_ALREADY_EXISTS (36)', async () => {
    expect(await admin('create', 'kp-twice', 1)).toMatchObject({ errors: [['kp-twice', 0]] });
    expect(await admin('create', 'kp-twice', 1)).toMatchObject({ exception: 'TopicAlreadyExistsError', errno: 36 });
  });

  describe.each(['1', 'all'] as const)('KafkaProducer with acks=%s', (acks) => {
    it.each(CODECS)('sends keyed records with headers compressed with %s at contiguous offsets, and KafkaConsumer reads them back exactly', async (codec) => {
      const topic = `kp-acks-${acks}-${codec}`;
      expect(await admin('create', topic, 3)).toMatchObject({ errors: [[topic, 0]] });
      const sent = await produce(topic, 1, acks, codec, 20);
      expect(sent.map((r) => r.partition)).toEqual(Array(20).fill(1));
      expect(sent.map((r) => r.offset)).toEqual(Array.from({ length: 20 }, (_, i) => i));

      const read = await consume(topic, 1, 'beginning');
      expect(read).toEqual(sent);
    });
  });

  it('KafkaConsumer seek(offset) starts at that offset, and a second send continues the offsets', async () => {
    const topic = 'kp-seek';
    expect(await admin('create', topic, 1)).toMatchObject({ errors: [[topic, 0]] });
    const first = await produce(topic, 0, 'all', 'none', 10);
    const second = await produce(topic, 0, 'all', 'gzip', 5);
    expect(second.map((r) => r.offset)).toEqual([10, 11, 12, 13, 14]);

    const read = await consume(topic, 0, 7);
    expect(read).toEqual([...first.slice(7), ...second]);
  });

  it('the partitions of another topic are untouched by a produce to one partition', async () => {
    const topic = 'kp-isolation';
    expect(await admin('create', topic, 3)).toMatchObject({ errors: [[topic, 0]] });
    await produce(topic, 2, '1', 'none', 3);
    expect(await consume(topic, 0, 'beginning')).toEqual([]);
    expect((await consume(topic, 2, 'beginning')).map((r) => r.offset)).toEqual([0, 1, 2]);
  });
});
