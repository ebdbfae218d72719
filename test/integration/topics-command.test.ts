// `tk topics` run as a user runs it (the built binary, stdout a pipe) against a harness broker,
// comparing exact bytes with what kafka-topics.sh prints for the same cluster state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runTool, startBroker, type RunningBroker } from '../harness/broker.js';

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker();
});

afterAll(async () => {
  await broker.stop();
});

const tk = (...args: string[]) => runTool('node', ['bin/run.js', 'topics', '--bootstrap-server', broker.bootstrap, ...args]);
const WARNING = "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.\n";

async function topicId(name: string): Promise<string> {
  const { stdout } = await tk('--describe', '--topic', name, '--output', 'json');
  return (JSON.parse(stdout) as { topics: { topicId: string }[] }).topics[0]!.topicId;
}

describe('tk topics', () => {
  it('creates a topic and says so as kafka-topics.sh does', async () => {
    expect(await tk('--create', '--topic', 'orders', '--partitions', '3')).toEqual({ code: 0, stdout: 'Created topic orders.\n', stderr: '' });
  });

  it('warns first about a name with a period or underscore', async () => {
    expect(await tk('--create', '--topic', 'metrics.cpu', '--config', 'retention.ms=60000', '--config', 'cleanup.policy=compact')).toEqual({
      code: 0,
      stdout: `${WARNING}Created topic metrics.cpu.\n`,
      stderr: '',
    });
  });

  it('refuses to create an existing topic, and is silent with --if-not-exists', async () => {
    const again = await tk('--create', '--topic', 'orders');
    expect(again.code).toBe(1);
    expect(again.stdout).toBe("Error while executing topic command : Topic 'orders' already exists.\n");
    expect(again.stderr).toBe("ERROR org.apache.kafka.common.errors.TopicExistsException: Topic 'orders' already exists. (org.apache.kafka.tools.TopicCommand)\n");
    expect(await tk('--create', '--topic', 'orders', '--if-not-exists')).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('creates with an explicit replica assignment', async () => {
    expect(await tk('--create', '--topic', 'assigned', '--replica-assignment', '1,1')).toEqual({ code: 0, stdout: 'Created topic assigned.\n', stderr: '' });
    const { stdout } = await tk('--describe', '--topic', 'assigned');
    expect(stdout).toContain('PartitionCount: 2\tReplicationFactor: 1\t');
  });

  it('lists topics sorted, one per line, filtered by a whole-name regex', async () => {
    expect(await tk('--list')).toEqual({ code: 0, stdout: 'assigned\nmetrics.cpu\norders\n', stderr: '' });
    expect((await tk('--list', '--topic', 'or.*')).stdout).toBe('orders\n');
    expect((await tk('--list', '--topic', 'order')).stdout).toBe('\n');
    expect((await tk('--list', '--exclude-internal')).stdout).toBe('assigned\nmetrics.cpu\norders\n');
  });

  it('describes a topic: the summary line with its overrides, then one line per partition', async () => {
    const id = await topicId('metrics.cpu');
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await tk('--describe', '--topic', 'metrics.cpu')).toEqual({
      code: 0,
      stdout:
        `Topic: metrics.cpu\tTopicId: ${id}\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: cleanup.policy=compact,retention.ms=60000\n` +
        '\tTopic: metrics.cpu\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: \n',
      stderr: '',
    });
  });

  it('describes every matching topic with no blank line between them', async () => {
    const id = await topicId('orders');
    const partitionLine = (p: number) => `\tTopic: orders\tPartition: ${p}\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: \n`;
    const { stdout } = await tk('--describe', '--topic', 'orders|metrics.*');
    expect(stdout.split('\n').filter((l) => l === '').length).toBe(1); // only the final newline
    expect(stdout.endsWith(`Topic: orders\tTopicId: ${id}\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: \n${partitionLine(0)}${partitionLine(1)}${partitionLine(2)}`)).toBe(true);
  });

  it('describes by topic id', async () => {
    const id = await topicId('orders');
    const byName = await tk('--describe', '--topic', 'orders');
    expect(await tk('--describe', '--topic-id', id)).toEqual(byName);
    const missing = await tk('--describe', '--topic-id', 'AAAAAAAAAAAAAAAAAAAAAQ');
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe("Error while executing topic command : TopicId 'AAAAAAAAAAAAAAAAAAAAAQ' does not exist as expected\n");
  });

  it('--topics-with-overrides prints only the summaries of topics with overrides', async () => {
    const id = await topicId('metrics.cpu');
    expect((await tk('--describe', '--topics-with-overrides')).stdout).toBe(
      `Topic: metrics.cpu\tTopicId: ${id}\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: cleanup.policy=compact,retention.ms=60000\n`,
    );
  });

  it('partition filters print only matching partitions, without summaries', async () => {
    expect(await tk('--describe', '--under-replicated-partitions')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await tk('--describe', '--unavailable-partitions')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await tk('--describe', '--under-min-isr-partitions')).toEqual({ code: 0, stdout: '', stderr: '' });
    // min.insync.replicas=1 and an ISR of one: every partition is at the minimum.
    expect((await tk('--describe', '--at-min-isr-partitions', '--topic', 'orders')).stdout).toBe(
      [0, 1, 2].map((p) => `\tTopic: orders\tPartition: ${p}\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: \n`).join(''),
    );
  });

  it('a missing topic is an error, and nothing with --if-exists', async () => {
    for (const action of [['--describe'], ['--delete'], ['--alter', '--partitions', '2']]) {
      const result = await tk(...action, '--topic', 'nope');
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("Error while executing topic command : Topic 'Optional[nope]' does not exist as expected\n");
      expect(await tk(...action, '--topic', 'nope', '--if-exists')).toEqual({ code: 0, stdout: '', stderr: '' });
    }
  });

  it('alters the partition count, and reports the broker refusing a smaller one', async () => {
    expect(await tk('--alter', '--topic', 'assigned', '--partitions', '3')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await tk('--describe', '--topic', 'assigned')).stdout).toContain('PartitionCount: 3\t');
    const smaller = await tk('--alter', '--topic', 'assigned', '--partitions', '2');
    expect(smaller.code).toBe(1);
    expect(smaller.stdout).toMatch(/^Error while executing topic command : Topic currently has 3 partitions, which is higher than the requested 2\.\n$/);
  });

  it('refuses bad values while executing, as TopicCommand does', async () => {
    const cases: [string[], string][] = [
      [['--create', '--topic', 'x', '--partitions', '0'], 'The partitions must be greater than 0'],
      [['--create', '--topic', 'x', '--replication-factor', '0'], 'The replication factor must be between 1 and 32767 inclusive'],
      [['--create', '--topic', 'x', '--partitions', 'many'], "Cannot parse argument 'many' of option partitions"],
      [['--create', '--topic', 'x', '--config', 'no.such=1'], 'Unknown topic config name: no.such'],
      [['--create', '--topic', 'x', '--config', 'oops'], 'requirement failed: Invalid topic config: all configs to be added must be in the format "key=val".'],
      [['--create', '--topic', 'x', '--replica-assignment', '1:1'], 'Partition replica lists may not contain duplicate entries: 1'],
      [['--list', '--topic', 'a('], 'a( is an invalid regex.'],
    ];
    for (const [args, message] of cases) {
      const result = await tk(...args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stdout, args.join(' ')).toBe(`Error while executing topic command : ${message}\n`);
    }
  });

  it('refuses bad command lines with Kafka’s reason on stderr and exit 1', async () => {
    const cases: [string[], string][] = [
      [[], 'Command must include exactly one action: --list, --describe, --create, --alter or --delete'],
      [['--list', '--delete'], 'Command must include exactly one action: --list, --describe, --create, --alter or --delete'],
      [['--create'], 'Missing required argument "[topic]"'],
      [['--alter', '--topic', 'orders'], 'Missing required argument "[partitions]"'],
      [['--list', '--partitions', '3'], 'Option "[partitions]" can\'t be used with option "[list]"'],
      [['--delete', '--topic', 'orders', '--if-not-exists'], 'Option "[if-not-exists]" can\'t be used with option "[delete]"'],
    ];
    for (const [args, message] of cases) {
      expect(await tk(...args), args.join(' ')).toEqual({ code: 1, stdout: '', stderr: `${message}\n` });
    }
  });

  it('--output json carries the same facts as the text', async () => {
    const list = await tk('--list', '--output', 'json');
    expect(JSON.parse(list.stdout)).toEqual({ topics: (await tk('--list')).stdout.trimEnd().split('\n') });
    const id = await topicId('metrics.cpu');
    const described = JSON.parse((await tk('--describe', '--topic', 'metrics.cpu', '--output', 'json')).stdout);
    expect(described).toEqual({
      topics: [
        {
          name: 'metrics.cpu',
          topicId: id,
          partitionCount: 1,
          replicationFactor: 1,
          configs: { 'cleanup.policy': 'compact', 'retention.ms': '60000' },
          partitions: [{ partition: 0, leader: 1, replicas: [1], isr: [1], elr: [], lastKnownElr: [] }],
        },
      ],
    });
    const created = await tk('--create', '--topic', 'json_topic', '--output', 'json');
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toEqual({ action: 'create', topic: 'json_topic', created: true, warning: true });
    const deleted = await tk('--delete', '--topic', 'json_topic', '--output', 'json');
    expect(JSON.parse(deleted.stdout)).toEqual({ action: 'delete', topics: ['json_topic'] });
  });

  it('deletes without asking in a pipe, printing nothing', async () => {
    expect(await tk('--delete', '--topic', 'assigned')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await tk('--list')).stdout).toBe('metrics.cpu\norders\n');
  });

  it('takes the bootstrap server from TK_BOOTSTRAP_SERVER when the flag is absent', async () => {
    const result = await runTool('env', [`TK_BOOTSTRAP_SERVER=${broker.bootstrap}`, 'node', 'bin/run.js', 'topics', '--list']);
    expect(result).toEqual({ code: 0, stdout: 'metrics.cpu\norders\n', stderr: '' });
  });
});

describe('tk topics without a broker', () => {
  it('says in one line which address refused and how to start a broker', async () => {
    const port = await freePort();
    const result = await runTool('node', ['bin/run.js', 'topics', '--list', '--bootstrap-server', `127.0.0.1:${port}`]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `Error: cannot connect to 127.0.0.1:${port} (connection refused). Is a broker running? Start one with: tk broker start\n`,
    });
  });

  it('refuses client settings it cannot honour before connecting (SASL_SSL with the GSSAPI default)', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'tk-cc-')), 'client.properties');
    writeFileSync(file, 'security.protocol=SASL_SSL\n');
    const result = await runTool('node', ['bin/run.js', 'topics', '--list', '--command-config', file, '--bootstrap-server', '127.0.0.1:1']);
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'Error: sasl.mechanism=GSSAPI is not supported: tk authenticates with PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 only\n' });
  });
});

describe('tk topics --delete-config', () => {
  it('is refused as kafka-topics.sh 3.9 refuses it, and points at tk configs', async () => {
    expect(await tk('--list', '--delete-config', 'retention.ms')).toEqual({ code: 1, stdout: '', stderr: 'Option "[delete-config]" can\'t be used with option "[list]"\n' });
    expect(await tk('--alter', '--topic', 'orders', '--partitions', '5', '--delete-config', 'retention.ms')).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'Option "[delete-config]" can\'t be used with option "[bootstrap-server]"\n' +
        'To remove a topic config, use: tk configs --alter --entity-type topics --entity-name TOPIC --delete-config NAME\n',
    });
    // Refused before anything is sent: the topic keeps its partition count.
    expect((await tk('--describe', '--topic', 'orders')).stdout).toContain('PartitionCount: 3\t');
  });
});
