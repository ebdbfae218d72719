// `tk console-consumer` run as a user runs it (the built binary, stdout a pipe) against a harness
// broker, with records produced by kcat, comparing exact stdout and stderr with what
// kafka-console-consumer.sh prints for the same records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PYTHON, freePort, runTool, startBroker, startTool, type RunningBroker } from '../harness/broker.js';

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker();
  for (const [topic, partitions] of [['one', 1], ['three', 3], ['inc-a', 1], ['inc-b', 1], ['other', 1], ['timed', 1], ['tail', 1], ['big', 1], ['keyed', 3]] as const) {
    const created = await runTool('node', ['bin/run.js', 'topics', '--bootstrap-server', broker.bootstrap, '--create', '--topic', topic, '--partitions', String(partitions)]);
    expect(created.code).toBe(0);
  }
  await produce('one', 'a\nb\nc\nd\ne\n');
}, 60_000);

afterAll(async () => {
  await broker.stop();
});

async function produce(topic: string, input: string, ...kcatArgs: string[]): Promise<void> {
  const result = await runTool('kcat', ['-P', '-b', broker.bootstrap, '-t', topic, ...kcatArgs], { input });
  expect(result.code, result.stderr).toBe(0);
}

const tk = (...args: string[]) => runTool('node', ['bin/run.js', 'console-consumer', '--bootstrap-server', broker.bootstrap, ...args]);
const processed = (n: number): string => `Processed a total of ${n} messages\n`;
const LOG_TIME = '\\[\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},\\d{3}\\]';
const TIMEOUT_LOG = `${LOG_TIME} ERROR Error processing message, terminating consumer process:  \\(org\\.apache\\.kafka\\.tools\\.consumer\\.ConsoleConsumer\\)\norg\\.apache\\.kafka\\.common\\.errors\\.TimeoutException\n`;

describe('tk console-consumer', () => {
  it('reads from the beginning and stops after --max-messages', async () => {
    expect(await tk('--topic', 'one', '--from-beginning', '--max-messages', '5')).toEqual({ code: 0, stdout: 'a\nb\nc\nd\ne\n', stderr: processed(5) });
    expect(await tk('--topic', 'one', '--from-beginning', '--max-messages', '2')).toEqual({ code: 0, stdout: 'a\nb\n', stderr: processed(2) });
  });

  it('starts at --offset N of --partition P', async () => {
    expect(await tk('--topic', 'one', '--partition', '0', '--offset', '3', '--max-messages', '2')).toEqual({ code: 0, stdout: 'd\ne\n', stderr: processed(2) });
    expect(await tk('--topic', 'one', '--partition', '0', '--offset', 'earliest', '--max-messages', '1')).toEqual({ code: 0, stdout: 'a\n', stderr: processed(1) });
  });

  it('exits after --timeout-ms without a message, logging the TimeoutException as Kafka does, with status 0', async () => {
    const started = Date.now();
    const result = await tk('--topic', 'one', '--timeout-ms', '700');
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^${TIMEOUT_LOG}${processed(0)}$`));
    // Records first, then the timeout once nothing more arrives.
    const after = await tk('--topic', 'one', '--from-beginning', '--timeout-ms', '700');
    expect(after.stdout).toBe('a\nb\nc\nd\ne\n');
    expect(after.stderr).toMatch(new RegExp(`^${TIMEOUT_LOG}${processed(5)}$`));
  });

  it('with --offset latest prints only what is produced after it starts', async () => {
    await produce('tail', 'old\n');
    const consumer = startTool('node', ['bin/run.js', 'console-consumer', '--bootstrap-server', broker.bootstrap, '--topic', 'tail', '--partition', '0', '--offset', 'latest', '--max-messages', '1']);
    // When the consumer has resolved "latest" is not visible from outside: produce until it has read one.
    let exited = false;
    void consumer.exit.then(() => (exited = true));
    for (let i = 0; !exited && i < 30; i++) {
      await produce('tail', `new-${i}\n`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const result = await consumer.exit;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^new-\d+\n$/);
    expect(result.stderr).toBe(processed(1));
  });

  it('prints timestamps, partitions, offsets, epochs, headers and keys with the print.* properties', async () => {
    await produce('timed', 'k1\tv1\n\tv2\n', '-K', '\t', '-H', 'h1=x', '-H', 'h2=y');
    const { stdout: json } = await tk('--topic', 'timed', '--from-beginning', '--max-messages', '2', '--output', 'json');
    const [first, second] = json.trim().split('\n').map((l) => JSON.parse(l) as { timestamp: number; leaderEpoch: number });
    const props = ['timestamp', 'partition', 'offset', 'epoch', 'delivery', 'headers', 'key'].flatMap((p) => ['--property', `print.${p}=true`]);
    expect(await tk('--topic', 'timed', '--from-beginning', '--max-messages', '2', ...props)).toEqual({
      code: 0,
      stdout:
        `CreateTime:${first!.timestamp}\tPartition:0\tOffset:0\tDelivery:NOT_PRESENT\tEpoch:${first!.leaderEpoch}\th1:x,h2:y\tk1\tv1\n` +
        `CreateTime:${second!.timestamp}\tPartition:0\tOffset:1\tDelivery:NOT_PRESENT\tEpoch:${second!.leaderEpoch}\th1:x,h2:y\t\tv2\n`,
      stderr: processed(2),
    });
    const custom = await tk('--topic', 'timed', '--from-beginning', '--max-messages', '2', '--property', 'print.key=true', '--property', 'key.separator=:', '--property', 'print.value=false');
    expect(custom.stdout).toBe('k1\n\n');
  });

  it('writes --output json, one object per record', async () => {
    const result = await tk('--topic', 'timed', '--from-beginning', '--max-messages', '1', '--output', 'json');
    expect(result.stderr).toBe(processed(1));
    expect(JSON.parse(result.stdout)).toMatchObject({
      topic: 'timed',
      partition: 0,
      offset: 0,
      timestampType: 'CreateTime',
      key: 'k1',
      value: 'v1',
      headers: [
        { key: 'h1', value: 'x' },
        { key: 'h2', value: 'y' },
      ],
    });
  });

  it('reads every topic whose whole name matches --include', async () => {
    await produce('inc-a', 'from-a\n');
    await produce('inc-b', 'from-b\n');
    await produce('other', 'from-other\n');
    const result = await tk('--include', 'inc-.*', '--from-beginning', '--max-messages', '2', '--property', 'print.partition=true');
    expect(result.stderr).toBe(processed(2));
    expect(result.stdout.split('\n').sort()).toEqual(['', 'Partition:0\tfrom-a', 'Partition:0\tfrom-b']);
    // Anchored as Java's Pattern.matches: "inc" alone matches no topic.
    const none = await tk('--include', 'inc', '--from-beginning', '--timeout-ms', '500');
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(new RegExp(`^${TIMEOUT_LOG}${processed(0)}$`));
  });

  it('starts at --from-time: the first record at or after it, or the end', async () => {
    const base = Date.now() - 60_000;
    // kcat stamps records with the time of producing; confluent-kafka takes a timestamp per record.
    const script = `from confluent_kafka import Producer\np = Producer({'bootstrap.servers': '${broker.bootstrap}'})\nfor i, v in enumerate(['t0', 't1', 't2']): p.produce('three', v.encode(), partition=0, timestamp=${base} + i * 10000)\nassert p.flush(10) == 0`;
    const produced = await runTool(PYTHON, ['-c', script]);
    expect(produced.code, produced.stderr).toBe(0);
    const at = await tk('--topic', 'three', '--partition', '0', '--from-time', String(base + 10_000), '--max-messages', '2');
    expect(at).toEqual({ code: 0, stdout: 't1\nt2\n', stderr: processed(2) });
    const iso = new Date(base + 15_000).toISOString();
    expect(await tk('--topic', 'three', '--partition', '0', '--from-time', iso, '--max-messages', '1')).toEqual({ code: 0, stdout: 't2\n', stderr: processed(1) });
    const future = await tk('--topic', 'three', '--partition', '0', '--from-time', String(Date.now() + 3_600_000), '--timeout-ms', '500');
    expect(future.stdout).toBe('');
    expect(future.stderr).toMatch(new RegExp(`${processed(0)}$`));
  });

  it('exits promptly and quietly when stdout closes (| head -1)', async () => {
    await produce('big', Array.from({ length: 200_000 }, (_, i) => `line-${i}`).join('\n') + '\n');
    const started = Date.now();
    const result = await runTool('bash', ['-c', `node bin/run.js console-consumer --bootstrap-server ${broker.bootstrap} --topic big --from-beginning | head -1; echo "status \${PIPESTATUS[0]}"`], { timeoutMs: 20_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.stdout).toBe('line-0\nstatus 0\n');
    expect(result.stderr).toMatch(/^Unable to write to standard out, closing consumer\.\nProcessed a total of \d+ messages\n$/);
  });

  it('on SIGTERM prints what it has, the count, and exits 143 as the JVM does', async () => {
    const consumer = startTool('node', ['bin/run.js', 'console-consumer', '--bootstrap-server', broker.bootstrap, '--topic', 'one', '--from-beginning']);
    await consumer.waitFor('stdout', (out) => out === 'a\nb\nc\nd\ne\n');
    expect(await consumer.stop('SIGTERM')).toEqual({ code: 143, stdout: 'a\nb\nc\nd\ne\n', stderr: processed(5) });
  });

  it('waits for a topic that does not exist, as Kafka does, warning once', async () => {
    const result = await runTool('node', ['bin/run.js', 'console-consumer', '--bootstrap-server', broker.bootstrap, '--topic', 'missing', '--timeout-ms', '800', '--consumer-property', 'allow.auto.create.topics=false']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      new RegExp(`^${LOG_TIME} WARN \\[Consumer clientId=console-consumer\\] Error while fetching metadata : \\{missing=UNKNOWN_TOPIC_OR_PARTITION\\} \\(org\\.apache\\.kafka\\.clients\\.NetworkClient\\)\n${TIMEOUT_LOG}${processed(0)}$`),
    );
  });

  it('says in one line that no broker answers, exit 1', async () => {
    const port = await freePort();
    const result = await runTool('node', ['bin/run.js', 'console-consumer', '--bootstrap-server', `127.0.0.1:${port}`, '--topic', 'one']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`Error: cannot connect to 127.0.0.1:${port} (connection refused). Is a broker running? Start one with: tk broker start\n`);
  });

  it.each([
    [['--from-beginning'], 'Exactly one of --include/--topic is required. '],
    [['--topic', 'a', '--include', 'b'], 'Exactly one of --include/--topic is required. '],
    [['--include', 'a', '--partition', '0'], 'The topic is required when partition is specified.'],
    [['--topic', 'a', '--partition', '0', '--offset', '1', '--from-beginning'], 'Options from-beginning and offset cannot be specified together.'],
    [['--topic', 'a', '--offset', '1'], 'The partition is required when offset is specified.'],
    [['--topic', 'a', '--partition', '0', '--offset', '-1'], "The provided offset value '-1' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long."],
    [['--topic', 'a', '--partition', 'x'], "Cannot parse argument 'x' of option partition"],
    [['--topic', 'a', '--from-beginning', '--consumer-property', 'auto.offset.reset=latest'], "Can't simultaneously specify --from-beginning and 'auto.offset.reset=latest', please remove one option"],
    // Kafka lists the ids from a java.util.HashSet: 'a' (hash 97) before 'b' (98), whatever order they came in.
    [['--topic', 'a', '--group', 'b', '--consumer-property', 'group.id=a'], "The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: 'a', 'b'"],
    [['--topic', 'a', '--partition', '0', '--group', 'g'], 'Options group and partition cannot be specified together.'],
    [['--topic', 'a', '--partition', '0', '--consumer-property', 'group.id=g'], 'Options group and partition cannot be specified together.'],
  ])('refuses %j with Kafka’s message', async (args, message) => {
    expect(await tk(...args)).toEqual({ code: 1, stdout: '', stderr: `${message}\n` });
  });

  it('round-trips 10,000 keyed lines through a 3-partition topic', async () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => `key-${i}\tvalue-${i}`);
    await produce('keyed', `${lines.join('\n')}\n`, '-K', '\t');
    const result = await runTool('node', ['bin/run.js', 'console-consumer', '--bootstrap-server', broker.bootstrap, '--topic', 'keyed', '--from-beginning', '--max-messages', '10000', '--property', 'print.key=true', '--property', 'print.partition=true'], { timeoutMs: 30_000 });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(processed(10_000));
    const out = result.stdout.trimEnd().split('\n').map((l) => {
      const [partition, key, value] = l.split('\t');
      return { partition: partition!, line: `${key}\t${value}` };
    });
    expect(out.map((o) => o.line).sort()).toEqual([...lines].sort());
    // Within a partition the records come in the order they were produced.
    const index = (line: string): number => Number(line.slice(4, line.indexOf('\t')));
    for (const partition of ['Partition:0', 'Partition:1', 'Partition:2']) {
      const order = out.filter((o) => o.partition === partition).map((o) => index(o.line));
      expect(order.length).toBeGreaterThan(0);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  });
});
