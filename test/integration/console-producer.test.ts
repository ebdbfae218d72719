// `tk console-producer` run as a user runs it (the built binary, stdin and stdout pipes) against a
// harness broker; what it wrote is read back with kcat (librdkafka), and batch attributes from
// the broker's segment files, so nothing here checks tk with tk.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runTool, startBroker, type RunningBroker } from '../harness/broker.js';

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker();
});

afterAll(async () => {
  await broker.stop();
});

const produce = (input: string, ...args: string[]) => runTool('node', ['bin/run.js', 'console-producer', '--bootstrap-server', broker.bootstrap, ...args], { input, timeoutMs: 20_000 });
const createTopic = async (name: string, partitions: number): Promise<void> => {
  const r = await runTool('node', ['bin/run.js', 'topics', '--bootstrap-server', broker.bootstrap, '--create', '--topic', name, '--partitions', String(partitions)]);
  expect(r.code).toBe(0);
};
/** Every record of a topic, read with kcat in the given -f format. */
async function consume(topic: string, format: string): Promise<string> {
  const r = await runTool('kcat', ['-C', '-b', broker.bootstrap, '-t', topic, '-e', '-q', '-f', format]);
  expect(r.code).toBe(0);
  return r.stdout;
}
interface KcatJson {
  partition: number;
  offset: number;
  key: string | null;
  payload: string | null;
  headers?: (string | null)[];
}
async function consumeJson(topic: string): Promise<KcatJson[]> {
  const r = await runTool('kcat', ['-C', '-b', broker.bootstrap, '-t', topic, '-e', '-q', '-J']);
  expect(r.code).toBe(0);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as KcatJson);
}
/** Attributes of each batch in partition 0's first segment, straight from the broker's log dir. */
function batchAttributes(topic: string): number[] {
  const log = readFileSync(join(broker.logDir, `${topic}-0`, '00000000000000000000.log'));
  const attributes: number[] = [];
  for (let at = 0; at + 12 <= log.length; at += 12 + log.readInt32BE(at + 8)) attributes.push(log.readInt16BE(at + 21));
  return attributes;
}
const ok = { code: 0, stdout: '', stderr: '' };

describe('tk console-producer', () => {
  it('sends one record per line, split as Java reads lines, and prints nothing', async () => {
    expect(await produce('one\ntwo\r\n\nthree\rlast', '--topic', 'plain')).toEqual(ok);
    expect(await consume('plain', '%k|%s\n')).toBe('|one\n|two\n|\n|three\n|last\n');
  });

  it('parses keys with parse.key and a custom key.separator', async () => {
    expect(await produce('k1:v1\nk2:v:2\n', '--topic', 'keyed', '--property', 'parse.key=true', '--property', 'key.separator=:')).toEqual(ok);
    const records = await consumeJson('keyed');
    expect(records.map((r) => [r.key, r.payload])).toEqual([
      ['k1', 'v1'],
      ['k2', 'v:2'],
    ]);
  });

  it('parses headers, keys and null.marker into real nulls', async () => {
    const input = 'h1:v1,h2:NULL\tk\tv\nNULL\tNULL\tNULL\n';
    const args = ['--topic', 'headers', '--property', 'parse.key=true', '--property', 'parse.headers=true', '--property', 'null.marker=NULL'];
    expect(await produce(input, ...args)).toEqual(ok);
    const records = await consumeJson('headers');
    expect(records.map((r) => [r.headers ?? [], r.key, r.payload])).toEqual([
      [['h1', 'v1', 'h2', null], 'k', 'v'],
      [[], null, null],
    ]);
  });

  it.each([
    ['none', [], 0],
    ['gzip (a bare --compression-codec)', ['--compression-codec'], 1],
    ['snappy', ['--compression-codec', 'snappy'], 2],
    ['lz4', ['--compression-codec', 'lz4'], 3],
    ['zstd', ['--compression-codec', 'zstd'], 4],
  ])('compresses with %s', async (name, flags, codec) => {
    const topic = `codec-${codec}`;
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i} ${name}`);
    expect(await produce(`${lines.join('\n')}\n`, '--topic', topic, ...flags)).toEqual(ok);
    expect(await consume(topic, '%s\n')).toBe(`${lines.join('\n')}\n`);
    expect(batchAttributes(topic).map((a) => a & 7)).toEqual([codec]);
  });

  it('with --sync sends each record alone and does not wait out the linger', async () => {
    const started = Date.now();
    expect(await produce('a\nb\nc\n', '--topic', 'sync', '--sync', '--timeout', '60000')).toEqual(ok);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(batchAttributes('sync')).toHaveLength(3);
    expect(await consume('sync', '%s\n')).toBe('a\nb\nc\n');
  });

  it('flushes at end of input without waiting for a long linger', async () => {
    const started = Date.now();
    expect(await produce('x\ny\n', '--topic', 'linger', '--timeout', '60000')).toEqual(ok);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(batchAttributes('linger')).toHaveLength(1);
  });

  it.each(['0', '1', '-1', 'all'])('delivers with --request-required-acks %s', async (acks) => {
    // Auto-created by the first Metadata request: the broker answers only once the partition is
    // open, so even acks=0 records, which nothing acknowledges, are not dropped.
    const topic = `acks${acks}`;
    expect(await produce('p\nq\n', '--topic', topic, '--request-required-acks', acks)).toEqual(ok);
    // With acks=0 the tool is done once the request is written; the broker may append a moment later.
    let read = await consume(topic, '%s\n');
    for (let tries = 0; read === '' && acks === '0' && tries < 20; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      read = await consume(topic, '%s\n');
    }
    expect(read).toBe('p\nq\n');
  });

  it('refuses an acks value Kafka refuses', async () => {
    expect(await produce('p\n', '--topic', 'acks-bad', '--request-required-acks', '2')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'org.apache.kafka.common.config.ConfigException: Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1\n',
    });
  });

  it('summarises with --output json: offsets per partition as strings', async () => {
    const r = await produce('a\nb\nc\n', '--topic', 'json', '--output', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ topic: 'json', records: 3, failed: 0, partitions: [{ partition: 0, firstOffset: '0', lastOffset: '2', records: 3 }] });
    const acks0 = await produce('a\n', '--topic', 'json', '--output', 'json', '--request-required-acks', '0');
    expect(JSON.parse(acks0.stdout)).toEqual({ topic: 'json', records: 1, failed: 0, partitions: [{ partition: 0, firstOffset: null, lastOffset: null, records: 1 }] });
  });

  it('stops at a line that does not parse, after sending the lines before it', async () => {
    expect(await produce('k\tv\nno separator\nk2\tv2\n', '--topic', 'parse-error', '--property', 'parse.key=true')).toEqual({
      code: 1,
      stdout: '',
      stderr: "org.apache.kafka.common.KafkaException: No key separator found on line number 2: 'no separator'\n",
    });
    expect(await consume('parse-error', '%k=%s\n')).toBe('k=v\n');
  });

  it('refuses a null.marker equal to a separator before reading anything', async () => {
    expect(await produce('a\n', '--topic', 'marker', '--property', 'null.marker=,')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'org.apache.kafka.common.KafkaException: null.marker and headers.separator may not be equal\n',
    });
  });

  it('reports a record that fails as ErrorLoggingCallback does, sends the others, and exits 1', async () => {
    const big = 'x'.repeat(200);
    const r = await produce(`small\n${big}\nlast\n`, '--topic', 'too-large', '--producer-property', 'max.request.size=250');
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'ERROR Error when sending message to topic too-large with key: null, value: 200 bytes with error: org.apache.kafka.common.errors.RecordTooLargeException: ' +
        'The message is 286 bytes when serialized which is larger than 250, which is the value of the max.request.size configuration.\n',
    });
    expect(await consume('too-large', '%s\n')).toBe('small\nlast\n');
  });

  it('with --sync a failed record stops the tool as an ExecutionException', async () => {
    const r = await produce(`${'x'.repeat(200)}\nafter\n`, '--topic', 'too-large-sync', '--sync', '--producer-property', 'max.request.size=250');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.RecordTooLargeException: The message is 286 bytes when serialized which is larger than 250, which is the value of the max.request.size configuration.\n',
    );
  });

  it('on Ctrl-C sends what it has read, as Kafka\'s shutdown hook does, and exits 130', async () => {
    const child = spawn('node', ['bin/run.js', 'console-producer', '--bootstrap-server', broker.bootstrap, '--topic', 'interrupted', '--timeout', '60000'], { stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
      child.stdin.write('first\nsecond\nunfinished');
      await new Promise((resolve) => setTimeout(resolve, 3000));
      child.kill('SIGINT');
      expect(await exit).toBe(130);
      expect(stderr).toBe('');
      expect(await consume('interrupted', '%s\n')).toBe('first\nsecond\n');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('says in one line that no broker is reachable', async () => {
    const port = await freePort();
    const r = await runTool('node', ['bin/run.js', 'console-producer', '--bootstrap-server', `127.0.0.1:${port}`, '--topic', 't'], { input: 'a\n' });
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `Error: cannot connect to 127.0.0.1:${port} (connection refused). Is a broker running? Start one with: tk broker start\n`,
    });
  });

  it('says in one line that --producer.config is missing', async () => {
    const r = await produce('a\n', '--topic', 't', '--producer.config', '/nonexistent/producer.properties');
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'Error: cannot read --producer.config /nonexistent/producer.properties: no such file\n' });
  });

  it('reads producer and reader properties from files, flags winning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-console-producer-'));
    writeFileSync(join(dir, 'producer.properties'), 'acks=2\nclient.id=from-file\n');
    writeFileSync(join(dir, 'reader.properties'), 'parse.key=true\nkey.separator=;\n');
    const r = await produce('k;v\n', '--topic', 'files', '--producer.config', join(dir, 'producer.properties'), '--reader-config', join(dir, 'reader.properties'), '--request-required-acks', '1');
    expect(r).toEqual(ok);
    expect(await consume('files', '%k=%s\n')).toBe('k=v\n');
  });

  it('round-trips 10,000 keyed lines into 3 partitions, placed by murmur2 as Kafka places them', async () => {
    await createTopic('roundtrip', 3);
    await createTopic('roundtrip-kcat', 3);
    const lines = Array.from({ length: 10_000 }, (_, i) => `key-${i % 97}\tvalue-${i}`);
    const input = `${lines.join('\n')}\n`;
    expect(await produce(input, '--topic', 'roundtrip', '--property', 'parse.key=true')).toEqual(ok);
    const kcatProduce = await runTool('kcat', ['-P', '-b', broker.bootstrap, '-t', 'roundtrip-kcat', '-K', '\t', '-X', 'partitioner=murmur2_random'], { input });
    expect(kcatProduce.code).toBe(0);

    const read = (await consume('roundtrip', '%p\t%k\t%s\n')).trimEnd().split('\n');
    expect(read.map((l) => l.slice(l.indexOf('\t') + 1)).sort()).toEqual([...lines].sort());
    // The same key always on the same partition, the one librdkafka's murmur2 partitioner picks.
    const partitionOf = new Map<string, string>();
    for (const l of (await consume('roundtrip-kcat', '%k\t%p\n')).trimEnd().split('\n')) {
      const [key, partition] = l.split('\t') as [string, string];
      partitionOf.set(key, partition);
    }
    const perPartition = new Map<string, number[]>();
    for (const l of read) {
      const [partition, key, value] = l.split('\t') as [string, string, string];
      expect(partition).toBe(partitionOf.get(key));
      const list = perPartition.get(partition) ?? [];
      list.push(Number(value.slice('value-'.length)));
      perPartition.set(partition, list);
    }
    expect(perPartition.size).toBe(3);
    // Within a partition the lines keep their input order.
    for (const indexes of perPartition.values()) expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
  });
});
