// The Python admin clients' AlterConfigs (legacy, whole-set replace) and DescribeConfigs against
// `tk broker start`: confluent-kafka (librdkafka) and kafka-python, on topics and the broker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPython, runTool, startBroker, type RunningBroker } from '../harness/broker.js';

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker();
  for (const topic of ['confluent-configs', 'kafka-python-configs']) {
    expect((await runTool('node', ['bin/run.js', 'topics', '--bootstrap-server', broker.bootstrap, '--create', '--topic', topic])).code).toBe(0);
  }
});

afterAll(async () => {
  await broker.stop();
});

interface Altered {
  error: string | null;
  message?: string | null;
}
interface Described {
  configs: Record<string, [string | null, string]>;
}

describe.each([
  ['confluent', 'confluent-configs'],
  ['kafka-python', 'kafka-python-configs'],
])('%s', (library, topic) => {
  const run = <T>(...args: string[]) => runPython<T>('configs_admin.py', [library, broker.bootstrap, ...args]);

  it('replaces the whole set of a topic dynamic configs', async () => {
    expect(await run<Altered>('alter', 'topic', topic, 'retention.ms=60000', 'cleanup.policy=compact')).toMatchObject({ error: null });
    expect(await run<Described>('describe', 'topic', topic)).toEqual({
      configs: { 'cleanup.policy': ['compact', 'DYNAMIC_TOPIC_CONFIG'], 'retention.ms': ['60000', 'DYNAMIC_TOPIC_CONFIG'] },
    });
    expect(await run<Altered>('alter', 'topic', topic, 'segment.bytes=1048576')).toMatchObject({ error: null });
    expect(await run<Described>('describe', 'topic', topic)).toEqual({ configs: { 'segment.bytes': ['1048576', 'DYNAMIC_TOPIC_CONFIG'] } });
  });

  it('gets INVALID_CONFIG naming an unknown key, and UNKNOWN_TOPIC_OR_PARTITION for a missing topic', async () => {
    const unknownKey = await run<Altered>('alter', 'topic', topic, 'retention.msec=1');
    expect(unknownKey.error).toMatch(/INVALID_CONFIG|InvalidConfig/i);
    expect(unknownKey.message).toContain('retention.msec');
    expect((await run<Altered>('alter', 'topic', 'no-such-topic', 'retention.ms=1')).error).toMatch(/UNKNOWN_TOPIC_OR_PART|UnknownTopicOrPartition/i);
  });

  it('sets a dynamic config on the broker', async () => {
    expect(await run<Altered>('alter', 'broker', '1', 'log.cleaner.threads=2')).toMatchObject({ error: null });
    expect(await run<Described>('describe', 'broker', '1')).toEqual({ configs: { 'log.cleaner.threads': ['2', 'DYNAMIC_BROKER_CONFIG'] } });
  });
});

it('validate_only changes nothing', async () => {
  const run = <T>(...args: string[]) => runPython<T>('configs_admin.py', ['confluent', broker.bootstrap, ...args]);
  const before = await run<Described>('describe', 'topic', 'confluent-configs');
  expect(await run<Altered>('alter', 'topic', 'confluent-configs', 'validate', 'retention.ms=1234')).toMatchObject({ error: null });
  expect(await run<Described>('describe', 'topic', 'confluent-configs')).toEqual(before);
});
