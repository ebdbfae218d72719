// The small tools run as a user runs them (the built binary, stdout a pipe) against a harness
// broker: tk get-offsets, delete-records, log-dirs, broker-api-versions and cluster-id, compared
// byte for byte with what the Kafka tools print for the same state. Expected values come from
// outside tk where they can: the log files on disk, meta.properties, kafka-python's ApiVersions.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apis } from '../../src/protocol/generated/apis.js';
import { freePort, PYTHON, runTool, startBroker, type RunningBroker } from '../harness/broker.js';

let broker: RunningBroker;
const scratch = mkdtempSync(join(tmpdir(), 'tk-small-tools-'));

const tk = (tool: string, ...args: string[]) => runTool('node', ['bin/run.js', tool, '--bootstrap-server', broker.bootstrap, ...args]);

/** A file in the scratch dir with this content. */
function file(name: string, content: string): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

async function produce(topic: string, partition: number, count: number): Promise<void> {
  const input = Array.from({ length: count }, (_, i) => `${topic}-${partition}-${i}\n`).join('');
  const result = await runTool('kcat', ['-P', '-b', broker.bootstrap, '-t', topic, '-p', String(partition)], { input });
  expect(result.code, result.stderr).toBe(0);
}

beforeAll(async () => {
  broker = await startBroker();
  for (const [topic, partitions] of [
    ['t', '12'],
    ['other', '2'],
  ]) {
    expect((await runTool('node', ['bin/run.js', 'topics', '--bootstrap-server', broker.bootstrap, '--create', '--topic', topic!, '--partitions', partitions!])).code).toBe(0);
  }
  await produce('t', 0, 10);
  await produce('t', 10, 3);
  await produce('other', 1, 5);
}, 60_000);

afterAll(async () => {
  await broker.stop();
});

/** Every partition of t and other, as `topic:partition:offset` lines sorted as Kafka sorts `topic-partition` strings. */
const LATEST = 'other:0:0\nother:1:5\nt:0:10\nt:1:0\nt:10:3\nt:11:0\nt:2:0\nt:3:0\nt:4:0\nt:5:0\nt:6:0\nt:7:0\nt:8:0\nt:9:0\n';

describe('tk get-offsets', () => {
  it('prints the latest offset of every partition, sorted as kafka-get-offsets.sh sorts them', async () => {
    expect(await tk('get-offsets')).toEqual({ code: 0, stdout: LATEST, stderr: '' });
    expect(await tk('get-offsets', '--time', '-1', '--exclude-internal-topics')).toEqual({ code: 0, stdout: LATEST, stderr: '' });
  });

  it('selects partitions by --topic and --partitions, or by --topic-partitions rules', async () => {
    expect((await tk('get-offsets', '--topic', 't', '--partitions', '10,0,1')).stdout).toBe('t:0:10\nt:1:0\nt:10:3\n');
    expect((await tk('get-offsets', '--topic', 'oth.*')).stdout).toBe('other:0:0\nother:1:5\n');
    expect((await tk('get-offsets', '--topic-partitions', 't:9-11,other:1')).stdout).toBe('other:1:5\nt:10:3\nt:9:0\n');
    expect((await tk('get-offsets', '--topic-partitions', ':1')).stdout).toBe('other:1:5\nt:1:0\n');
  });

  it('--time: earliest, max timestamp, and a timestamp; partitions without an answer are left out', async () => {
    expect((await tk('get-offsets', '--topic', 'other', '--time', 'earliest')).stdout).toBe('other:0:0\nother:1:0\n');
    expect((await tk('get-offsets', '--topic', 'other', '--time', '-4')).stdout).toBe('other:0:0\nother:1:0\n');
    // Nothing is tiered: every partition answers -1 and is left out, as Kafka 3.9 without remote storage.
    expect(await tk('get-offsets', '--topic', 'other', '--time', '-5')).toEqual({ code: 0, stdout: '', stderr: '' });
    // Nothing is older than 0: the first record of each partition that has one; empty partitions have no answer.
    expect((await tk('get-offsets', '--topic-partitions', 't:0-1,t:10,other', '--time', '0')).stdout).toBe('other:1:0\nt:0:0\nt:10:0\n');
    expect(await tk('get-offsets', '--topic', 't', '--time', String(Date.now() + 86_400_000))).toEqual({ code: 0, stdout: '', stderr: '' });
    // max-timestamp: the first record carrying the largest timestamp, by the timestamps kcat reads back.
    const read = await runTool('kcat', ['-C', '-b', broker.bootstrap, '-t', 'other', '-p', '1', '-e', '-f', '%o %T\n']);
    const records = read.stdout.trim().split('\n').map((line) => line.split(' ').map(Number) as [number, number]);
    expect(records).toHaveLength(5);
    const max = Math.max(...records.map(([, timestamp]) => timestamp));
    const first = records.find(([, timestamp]) => timestamp === max)![0];
    expect((await tk('get-offsets', '--topic', 'other', '--partitions', '1', '--time', 'max-timestamp')).stdout).toBe(`other:1:${first}\n`);
  });

  it('refuses bad arguments with GetOffsetShell’s messages on stderr, exit 1', async () => {
    const malformed =
      'Malformed time argument yesterday. Please use -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered, or a specified long format timestamp';
    const cases: [string[], string][] = [
      [['--topic-partitions', 't:0', '--topic', 't'], '--topic-partitions cannot be used with --topic or --partitions'],
      [['--time', 'yesterday'], malformed],
      [['--topic', 't', '--partitions', '0,one'], '--partitions expects a comma separated list of numeric partition ids, but received: 0,one'],
      [['--topic-partitions', 't:x'], 'org.apache.kafka.tools.TerseException: Invalid rule specification: t:x'],
      [['--topic', 't('], 't( is an invalid regex.'],
      [['--topic', 'nothing-like-this'], 'Could not match any topic-partitions with the specified filters'],
      [['--topic', 't', '--partitions', '12'], 'Could not match any topic-partitions with the specified filters'],
    ];
    for (const [args, message] of cases) expect(await tk('get-offsets', ...args), args.join(' ')).toEqual({ code: 1, stdout: '', stderr: `Error occurred: ${message}\n` });
  });

  it('--output json carries the same offsets as the text', async () => {
    const json = JSON.parse((await tk('get-offsets', '--output', 'json')).stdout) as { offsets: { topic: string; partition: number; offset: number }[]; errors: unknown[] };
    expect(json.errors).toEqual([]);
    expect(json.offsets.map((o) => `${o.topic}:${o.partition}:${o.offset}\n`).join('')).toBe(LATEST);
  });

  it('reads --command-config, and takes --broker-list as Kafka 3.9 does', async () => {
    const config = file('get-offsets.properties', 'request.timeout.ms=5000\nclient.id=ignored-as-kafka-ignores-it\n');
    expect((await tk('get-offsets', '--topic', 'other', '--command-config', config)).stdout).toBe('other:0:0\nother:1:5\n');
    // Kafka 3.9's deprecated --broker-list still names the bootstrap servers.
    const viaBrokerList = await runTool('node', ['bin/run.js', 'get-offsets', '--broker-list', broker.bootstrap, '--topic', 'other']);
    expect(viaBrokerList).toEqual({ code: 0, stdout: 'other:0:0\nother:1:5\n', stderr: '' });
    const sasl = file('sasl.properties', 'security.protocol=SASL_SSL\n');
    expect(await tk('get-offsets', '--command-config', sasl)).toEqual({ code: 1, stdout: '', stderr: 'Error: sasl.mechanism=GSSAPI is not supported: tk authenticates with PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 only\n' });
  });
});

describe('tk delete-records', () => {
  const OUT_OF_RANGE = 'org.apache.kafka.common.errors.OffsetOutOfRangeException: The requested offset is not within the range of offsets maintained by the server.';
  const UNKNOWN = 'org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.';

  it('refuses a file Kafka refuses, with its message on stderr, exit 1', async () => {
    const cases: [string, string][] = [
      ['{"partitions": [', 'The input string is not a valid JSON'],
      ['{"version": 2, "partitions": []}', 'Not supported version field value 2'],
      ['{"version": 1}', 'Missing partitions field'],
      ['{"partitions": [{"topic": "t", "partition": "0", "offset": 1}]}', 'Expected `Integer` value, received "0"'],
      ['{"partitions": [{"topic": "t", "partition": 0}]}', 'No such field exists: `offset`'],
      ['{"partitions": [{"topic": "t", "partition": 0, "offset": 1}, {"topic": "t", "partition": 0, "offset": 2}, {"topic": "other", "partition": 1, "offset": 1}, {"topic": "other", "partition": 1, "offset": 1}]}', 'Offset json file contains duplicate topic partitions: other-1,t-0'],
    ];
    for (const [content, message] of cases) {
      expect(await tk('delete-records', '--offset-json-file', file('bad.json', content)), content).toEqual({ code: 1, stdout: '', stderr: `${message}\n` });
    }
    expect(await tk('delete-records')).toEqual({ code: 1, stdout: '', stderr: 'Missing required argument "[offset-json-file]"\n' });
    const missing = join(scratch, 'no-such.json');
    expect(await tk('delete-records', '--offset-json-file', missing)).toEqual({ code: 1, stdout: '', stderr: `java.nio.file.NoSuchFileException: ${missing}\n` });
  });

  it('deletes and prints each partition’s low watermark or error, in Kafka’s order', async () => {
    const offsets = file(
      'offsets.json',
      JSON.stringify({
        partitions: [
          { topic: 't', partition: 0, offset: 4 },
          { topic: 't', partition: 10, offset: -1 },
          { topic: 'other', partition: 0, offset: 99 },
          { topic: 'nope', partition: 0, offset: 0 },
        ],
        version: 1,
      }),
    );
    // Java 17 iterates the Admin's HashMap of these four partitions as other-0, nope-0, t-0, t-10.
    expect(await tk('delete-records', '--offset-json-file', offsets)).toEqual({
      code: 0,
      stdout:
        'Executing records delete operation\nRecords delete operation completed:\n' +
        `partition: other-0\terror: ${OUT_OF_RANGE}\n` +
        `partition: nope-0\terror: ${UNKNOWN}\n` +
        'partition: t-0\tlow_watermark: 4\n' +
        'partition: t-10\tlow_watermark: 3\n',
      stderr: '',
    });
    expect((await tk('get-offsets', '--topic-partitions', 't:0,t:10', '--time', 'earliest')).stdout).toBe('t:0:4\nt:10:3\n');
  });

  it('--output json carries the same results', async () => {
    const offsets = file('offsets2.json', '{"partitions":[{"topic":"t","partition":0,"offset":6},{"topic":"other","partition":0,"offset":99}]}');
    expect(JSON.parse((await tk('delete-records', '--offset-json-file', offsets, '--output', 'json')).stdout)).toEqual({
      partitions: [
        { topic: 'other', partition: 0, error: OUT_OF_RANGE },
        { topic: 't', partition: 0, lowWatermark: 6 },
      ],
    });
  });
});

/** Bytes of a partition's log as its segment files on disk hold them. */
function partitionSize(topic: string, partition: number): number {
  const dir = join(broker.logDir, `${topic}-${partition}`);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.log'))
    .reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

describe('tk log-dirs', () => {
  it('prints the progress lines and one JSON line, as kafka-log-dirs.sh does', async () => {
    const replica = (partition: number): string => `{"partition":"other-${partition}","size":${partitionSize('other', partition)},"offsetLag":0,"isFuture":false}`;
    const expected =
      'Querying brokers for log directories information\n' +
      'Received log directory information from brokers 1\n' +
      `{"brokers":[{"broker":1,"logDirs":[{"partitions":[${replica(1)},${replica(0)}],"error":null,"logDir":${JSON.stringify(broker.logDir)}}]}],"version":1}\n`;
    expect(partitionSize('other', 1)).toBeGreaterThan(0);
    expect(await tk('log-dirs', '--describe', '--topic-list', 'other')).toEqual({ code: 0, stdout: expected, stderr: '' });
    expect(await tk('log-dirs', '--describe', '--topic-list', 'other', '--broker-list', '1')).toEqual({ code: 0, stdout: expected, stderr: '' });
  });

  it('without --topic-list lists every partition; --output json is the same document', async () => {
    const text = await tk('log-dirs', '--describe');
    const document = JSON.parse(text.stdout.split('\n')[2]!) as { brokers: { logDirs: { partitions: { partition: string }[] }[] }[] };
    expect(document.brokers[0]!.logDirs[0]!.partitions.map((p) => p.partition).sort()).toEqual(
      ['other-0', 'other-1', ...Array.from({ length: 12 }, (_, i) => `t-${i}`)].sort(),
    );
    expect(JSON.parse((await tk('log-dirs', '--describe', '--output', 'json')).stdout)).toEqual(document);
  });

  it('refuses bad arguments with LogDirsCommand’s messages', async () => {
    expect(await tk('log-dirs')).toEqual({ code: 1, stdout: '', stderr: 'Missing required argument "[describe]"\n' });
    expect(await tk('log-dirs', '--describe', '--broker-list', '1,x')).toEqual({ code: 1, stdout: '', stderr: 'For input string: "x"\n' });
    expect(await tk('log-dirs', '--describe', '--broker-list', '3,1,2')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'ERROR: The given brokers do not exist from --broker-list: 2,3. Current existent brokers: 1\n',
    });
  });
});

describe('tk broker-api-versions', () => {
  it('prints the broker’s ranges (as kafka-python sees them) with the version tk would use', async () => {
    const script = [
      'import json, socket, sys',
      'from kafka.conn import BrokerConnection',
      'c = BrokerConnection(sys.argv[1], int(sys.argv[2]), socket.AF_INET)',
      'c.connect_blocking()',
      'print(json.dumps({str(k): v for k, v in c.get_api_versions().items()}))',
      'c.close()',
    ].join('\n');
    const probe = await runTool(PYTHON, ['-c', script, broker.host, String(broker.port)]);
    expect(probe.code, probe.stderr).toBe(0);
    const ranges = new Map(Object.entries(JSON.parse(probe.stdout) as Record<string, [number, number]>).map(([k, v]) => [Number(k), v]));
    const lines = apis
      .filter((a) => ranges.has(a.apiKey) || a.listeners.includes('broker') || a.listeners.includes('zkBroker'))
      .map((a) => {
        const range = ranges.get(a.apiKey);
        if (!range) return `${a.name}(${a.apiKey}): UNSUPPORTED`;
        const [min, max] = range;
        return `${a.name}(${a.apiKey}): ${min === max ? min : `${min} to ${max}`} [usable: ${Math.min(max, a.request.validVersions.max)}]`;
      });
    expect(lines).toContain('Produce(0): 3 to 11 [usable: 11]');
    expect(await tk('broker-api-versions')).toEqual({ code: 0, stdout: `${broker.bootstrap} (id: 1 rack: null) -> (\n\t${lines.join(',\n\t')}\n)\n`, stderr: '' });

    const json = JSON.parse((await tk('broker-api-versions', '--output', 'json')).stdout) as { brokers: { id: number; apis: { apiKey: number; minVersion: number | null; maxVersion: number | null }[] }[] };
    expect(json.brokers.map((b) => b.id)).toEqual([1]);
    const served = json.brokers[0]!.apis.filter((a) => a.minVersion !== null).map((a) => [a.apiKey, [a.minVersion, a.maxVersion]]);
    expect(new Map(served as [number, [number, number]][])).toEqual(ranges);
  });
});

describe('tk cluster-id', () => {
  it('prints the cluster id the broker was formatted with', async () => {
    const meta = readFileSync(join(broker.logDir, 'meta.properties'), 'utf8');
    const clusterId = /^cluster\.id=(.+)$/m.exec(meta)![1]!;
    expect(await tk('cluster-id')).toEqual({ code: 0, stdout: `Cluster ID: ${clusterId}\n`, stderr: '' });
    const config = file('cluster.properties', 'client.id=cluster-tool\n');
    expect(await runTool('node', ['bin/run.js', 'cluster-id', '-b', broker.bootstrap, '-c', config])).toEqual({ code: 0, stdout: `Cluster ID: ${clusterId}\n`, stderr: '' });
    expect(JSON.parse((await tk('cluster-id', '--output', 'json')).stdout)).toEqual({ clusterId });
  });
});

describe('the small tools without a broker', () => {
  it('say in one line which address refused and how to start a broker', async () => {
    const port = await freePort();
    const offsets = file('refused.json', '{"partitions":[]}');
    const runs: string[][] = [['get-offsets'], ['delete-records', '--offset-json-file', offsets], ['log-dirs', '--describe'], ['broker-api-versions'], ['cluster-id']];
    for (const args of runs) {
      expect(await runTool('node', ['bin/run.js', ...args, '--bootstrap-server', `127.0.0.1:${port}`]), args[0]).toEqual({
        code: 1,
        stdout: '',
        stderr: `Error: cannot connect to 127.0.0.1:${port} (connection refused). Is a broker running? Start one with: tk broker start\n`,
      });
    }
  });
});
