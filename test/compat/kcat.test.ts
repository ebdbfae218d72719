// kcat (librdkafka's command-line client, Debian's kcat package) against `tk broker start`:
// metadata, produce with every codec, consume from the beginning, from an offset and from the end.
import { beforeAll, describe, expect, it } from 'vitest';
import { runPython, runTool, startBroker, startTool, type RunningBroker, type ToolResult } from '../harness/broker.js';

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
// Tab-separated so a record is one line: partition, offset, key length (-1 for null), key,
// value length (-1 for null), value, headers (kcat prints them as name=value, comma-separated).
const FORMAT = '%p\\t%o\\t%K\\t%k\\t%S\\t%s\\t%h\\n';

interface KcatRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: string;
}

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker();
});

function kcat(args: readonly string[], input?: string): Promise<ToolResult> {
  return runTool('kcat', ['-b', broker.bootstrap, ...args], { input });
}

function parseRecords(stdout: string): KcatRecord[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [partition, offset, keyLength, key, valueLength, value, headers, ...rest] = line.split('\t');
      if (headers === undefined || rest.length > 0) throw new Error(`kcat printed a line that is not one record: ${JSON.stringify(line)}`);
      return {
        partition: Number(partition),
        offset: Number(offset),
        key: keyLength === '-1' ? null : key,
        value: valueLength === '-1' ? null : value,
        headers,
      };
    });
}

async function produce(topic: string, lines: readonly string[], args: readonly string[] = []): Promise<void> {
  const result = await kcat(['-P', '-t', topic, '-p', '0', ...args], lines.map((l) => `${l}\n`).join(''));
  expect(result.stderr, 'kcat -P reports no error').not.toMatch(/ERROR|Delivery failed/);
  expect(result.code).toBe(0);
}

/** Reads until every partition reached its end (-e), as one line per record. */
async function consume(topic: string, args: readonly string[]): Promise<KcatRecord[]> {
  const result = await kcat(['-C', '-t', topic, '-e', '-f', FORMAT, ...args]);
  expect(result.stderr, 'kcat -C reports no error').not.toMatch(/ERROR/);
  expect(result.code).toBe(0);
  return parseRecords(result.stdout);
}

async function createTopic(topic: string, partitions: number): Promise<void> {
  const created = await runPython<{ errors: [string, number][] }>('kafka_python_admin.py', [broker.bootstrap, 'create', topic, partitions]);
  expect(created).toMatchObject({ errors: [[topic, 0]] });
}

describe('kcat against tk broker start', () => {
  it('kcat -L lists the broker as controller and every partition of a topic, led by node 1', async () => {
    await createTopic('kcat-metadata', 3);
    const result = await kcat(['-L', '-t', 'kcat-metadata']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`broker 1 at ${broker.bootstrap} (controller)`);
    expect(result.stdout).toContain('topic "kcat-metadata" with 3 partitions:');
    for (const p of [0, 1, 2]) expect(result.stdout).toContain(`partition ${p}, leader 1, replicas: 1, isrs: 1`);
  });

  it('kcat -L -J prints the same metadata as JSON', async () => {
    const result = await kcat(['-L', '-J']);
    expect(result.code).toBe(0);
    const metadata = JSON.parse(result.stdout) as {
      controllerid: number;
      brokers: { id: number; name: string }[];
      topics: { topic: string; partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: { id: number }[] }[] }[];
    };
    expect(metadata.controllerid).toBe(1);
    expect(metadata.brokers).toEqual([{ id: 1, name: broker.bootstrap }]);
    const topic = metadata.topics.find((t) => t.topic === 'kcat-metadata');
    expect(topic?.partitions.sort((a, b) => a.partition - b.partition)).toEqual(
      [0, 1, 2].map((partition) => ({ partition, leader: 1, replicas: [{ id: 1 }], isrs: [{ id: 1 }] })),
    );
  });

  it.each(CODECS)('records produced with -z %s, keys and headers come back exactly from the beginning', async (codec) => {
    const topic = `kcat-codec-${codec}`; // auto-created by the producer's metadata request
    const values = Array.from({ length: 8 }, (_, i) => `value-${i}-${codec}-${'compressible '.repeat(20)}`);
    await produce(topic, values.map((v, i) => `key-${i}:${v}`), ['-z', codec, '-K', ':', '-H', `codec=${codec}`, '-H', 'trace=t-1']);
    const records = await consume(topic, ['-o', 'beginning']);
    expect(records).toEqual(values.map((value, i) => ({ partition: 0, offset: i, key: `key-${i}`, value, headers: `codec=${codec},trace=t-1` })));
  });

  it('a consumer started at -o 3 reads from offset 3 on', async () => {
    const topic = 'kcat-from-offset';
    await produce(topic, ['a', 'b', 'c', 'd', 'e', 'f'].map((v) => `k-${v}:${v}`), ['-K', ':']);
    const records = await consume(topic, ['-p', '0', '-o', '3']);
    expect(records.map((r) => [r.offset, r.key, r.value])).toEqual([
      [3, 'k-d', 'd'],
      [4, 'k-e', 'e'],
      [5, 'k-f', 'f'],
    ]);
  });

  it('a consumer started at -o end sees only what is produced after it started', async () => {
    const topic = 'kcat-from-end';
    await produce(topic, ['old-0', 'old-1', 'old-2']);
    const consumer = startTool('kcat', ['-b', broker.bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'end', '-c', '1', '-f', FORMAT]);
    // kcat reports reaching the end of the partition once its position is fixed at the end.
    await consumer.waitFor('stderr', /Reached end of topic kcat-from-end \[0\] at offset 3/);
    await produce(topic, ['new-3']);
    const result = await consumer.exit;
    expect(result.code).toBe(0);
    expect(parseRecords(result.stdout)).toEqual([{ partition: 0, offset: 3, key: null, value: 'new-3', headers: '' }]);
  });

  it('records produced without a key come back with a null key, not an empty one', async () => {
    const topic = 'kcat-null-keys';
    await produce(topic, ['no-key-0', 'no-key-1']);
    // -Z: an empty key before the delimiter is sent as null as well.
    await produce(topic, [':empty-delimited-key', 'real:keyed'], ['-K', ':', '-Z']);
    const records = await consume(topic, ['-o', 'beginning']);
    expect(records.map((r) => [r.offset, r.key, r.value])).toEqual([
      [0, null, 'no-key-0'],
      [1, null, 'no-key-1'],
      [2, null, 'empty-delimited-key'],
      [3, 'real', 'keyed'],
    ]);
  });
});
