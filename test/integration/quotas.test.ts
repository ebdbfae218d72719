// Client quotas: `tk configs` alters and describes them with kafka-configs.sh's exact text, and
// the broker holds a producer and a consumer to their byte rates (KIP-13, KIP-219), measured with
// librdkafka (confluent-kafka) as a client that sends as fast as it can.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PYTHON, runTool, startBroker, type RunningBroker } from '../harness/broker.js';

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker();
});

afterAll(async () => {
  await broker.stop();
});

const configs = (...args: string[]) => runTool('node', ['bin/run.js', 'configs', '--bootstrap-server', broker.bootstrap, ...args]);
const topics = (...args: string[]) => runTool('node', ['bin/run.js', 'topics', '--bootstrap-server', broker.bootstrap, ...args]);

// Produces 1000-byte records as fast as librdkafka lets it for the given seconds, in batches of
// the Java producer's default 16 KB (one 1 MB batch overshoots a 100 KB/s quota tenfold); counts the
// acknowledged ones and the throttle_time_ms the broker answered.
const PRODUCE = `
import json, sys, time
from confluent_kafka import Producer
bootstrap, topic, client_id, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
counts = {'acked': 0, 'throttled': 0, 'max_throttle_ms': 0}
def on_throttle(event):
    if event.throttle_time > 0:
        counts['throttled'] += 1
        counts['max_throttle_ms'] = max(counts['max_throttle_ms'], int(event.throttle_time * 1000))
def on_delivery(err, msg):
    if err is None:
        counts['acked'] += 1
p = Producer({'bootstrap.servers': bootstrap, 'client.id': client_id, 'acks': 1, 'linger.ms': 5, 'batch.size': 16384, 'throttle_cb': on_throttle})
payload = b'x' * 1000
start = time.time()
while time.time() - start < seconds:
    try:
        p.produce(topic, payload, callback=on_delivery)
        p.poll(0)
    except BufferError:
        p.poll(0.01)
counts['elapsed'] = time.time() - start
print(json.dumps(counts), flush=True)
`;

// Reads a partition from the start (no group) until the broker answers a fetch with a throttle time.
const FETCH = `
import json, os, sys, time
from confluent_kafka import Consumer, TopicPartition
bootstrap, topic, client_id = sys.argv[1], sys.argv[2], sys.argv[3]
seen = {'throttle_ms': 0, 'records': 0}
def on_throttle(event):
    seen['throttle_ms'] = max(seen['throttle_ms'], int(event.throttle_time * 1000))
c = Consumer({'bootstrap.servers': bootstrap, 'client.id': client_id, 'group.id': 'quota-reader', 'enable.auto.commit': False, 'throttle_cb': on_throttle})
c.assign([TopicPartition(topic, 0, 0)])
deadline = time.time() + 10
while time.time() < deadline and seen['throttle_ms'] == 0:
    m = c.poll(0.2)
    if m is not None and m.error() is None:
        seen['records'] += 1
print(json.dumps(seen), flush=True)
os._exit(0)  # the throttled connection is muted: do not wait on a clean close
`;

async function python<T>(script: string, ...args: (string | number)[]): Promise<T> {
  const result = await runTool(PYTHON, ['-c', script, ...args.map(String)], { timeoutMs: 25_000 });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as T;
}

interface Produced {
  acked: number;
  throttled: number;
  max_throttle_ms: number;
  elapsed: number;
}

describe('client quotas', () => {
  it('alters and describes quotas with kafka-configs.sh text', async () => {
    expect(await configs('--alter', '--entity-type', 'clients', '--entity-name', 'slow', '--add-config', 'producer_byte_rate=102400,consumer_byte_rate=2048')).toEqual({
      code: 0,
      stdout: 'Completed updating config for client slow.\n',
      stderr: '',
    });
    expect(await configs('--alter', '--entity-type', 'users', '--entity-default', '--add-config', 'producer_byte_rate=1e8,request_percentage=12.5')).toEqual({
      code: 0,
      stdout: 'Completed updating default config for users in the cluster.\n',
      stderr: '',
    });
    expect(await configs('--alter', '--entity-type', 'users', '--entity-type', 'clients', '--entity-name', 'alice', '--entity-name', 'slow', '--add-config', 'consumer_byte_rate=5000')).toEqual({
      code: 0,
      stdout: 'Completed updating config for user alice.\n',
      stderr: '',
    });
    expect(await configs('--describe', '--entity-type', 'clients', '--entity-name', 'slow')).toEqual({
      code: 0,
      // java.util.HashMap order, Java doubles
      stdout: "Quota configs for client-id 'slow' are consumer_byte_rate=2048.0, producer_byte_rate=102400.0\n",
      stderr: '',
    });
    expect(await configs('--describe', '--entity-type', 'users', '--entity-default')).toEqual({
      code: 0,
      stdout: 'Quota configs for the default user-principal are producer_byte_rate=1.0E8, request_percentage=12.5\n',
      stderr: '',
    });
    expect(await configs('--describe', '--entity-type', 'users', '--entity-type', 'clients')).toEqual({
      code: 0,
      stdout: "Quota configs for user-principal 'alice', client-id 'slow' are consumer_byte_rate=5000.0\n",
      stderr: '',
    });
    // Removing a key, and the pair's and default's quotas, leaves only the client's.
    expect((await configs('--alter', '--entity-type', 'users', '--entity-type', 'clients', '--entity-name', 'alice', '--entity-name', 'slow', '--delete-config', 'consumer_byte_rate')).code).toBe(0);
    expect((await configs('--alter', '--entity-type', 'users', '--entity-default', '--delete-config', 'producer_byte_rate,request_percentage')).code).toBe(0);
    expect((await configs('--alter', '--entity-type', 'clients', '--entity-name', 'slow', '--delete-config', 'consumer_byte_rate')).code).toBe(0);
    expect((await configs('--describe', '--entity-type', 'clients')).stdout).toBe("Quota configs for client-id 'slow' are producer_byte_rate=102400.0\n");
    expect((await configs('--describe', '--entity-type', 'users')).stdout).toBe('');
  });

  it('takes the --client, --user, --client-defaults and --user-defaults shorthands as ConfigCommand does', async () => {
    expect(await configs('--alter', '--client-defaults', '--add-config', 'request_percentage=50')).toEqual({
      code: 0,
      stdout: 'Completed updating default config for clients in the cluster.\n',
      stderr: '',
    });
    expect((await configs('--describe', '--client-defaults')).stdout).toBe('Quota configs for the default client-id are request_percentage=50.0\n');
    // The named shorthands come in ConfigCommand's order (client before user), so the pair's entity type is clients.
    expect(await configs('--alter', '--user', 'bob', '--client', 'fast', '--add-config', 'request_percentage=25')).toEqual({
      code: 0,
      stdout: 'Completed updating config for client fast.\n',
      stderr: '',
    });
    expect((await configs('--describe', '--user', 'bob', '--client', 'fast')).stdout).toBe("Quota configs for user-principal 'bob', client-id 'fast' are request_percentage=25.0\n");
    // The default user with client fast is another entity, which has no such quota.
    expect(await configs('--alter', '--user-defaults', '--client', 'fast', '--delete-config', 'request_percentage')).toEqual({ code: 1, stdout: '', stderr: 'Invalid config(s): request_percentage\n' });
    expect((await configs('--alter', '--user', 'bob', '--client', 'fast', '--delete-config', 'request_percentage')).code).toBe(0);
    expect((await configs('--alter', '--client-defaults', '--delete-config', 'request_percentage')).code).toBe(0);
    expect((await configs('--describe', '--client-defaults')).stdout).toBe('');
  });

  it('refuses what ConfigCommand and the controller refuse, one line each', async () => {
    const fail = (stderr: string) => ({ code: 1, stdout: '', stderr });
    expect(await configs('--alter', '--entity-type', 'clients', '--entity-name', 'slow', '--add-config', 'foo=1')).toEqual(
      fail("Only quota configs can be added for 'clients' using --bootstrap-server. Unexpected config names: Set(foo)\n"),
    );
    expect(await configs('--alter', '--entity-type', 'clients', '--entity-name', 'slow', '--delete-config', 'request_percentage')).toEqual(fail('Invalid config(s): request_percentage\n'));
    expect(await configs('--alter', '--entity-type', 'clients', '--entity-name', 'slow', '--add-config', 'producer_byte_rate=abc')).toEqual(
      fail('Cannot parse quota configuration value for producer_byte_rate: abc\n'),
    );
    const args = ['--alter', '--entity-type', 'clients', '--entity-name', 'slow', '--add-config', 'producer_byte_rate=1.5'];
    expect(await configs(...args)).toEqual(
      fail(
        `Error while executing config command with args '--bootstrap-server ${broker.bootstrap} ${args.join(' ')}'\n` +
          'java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.InvalidRequestException: producer_byte_rate cannot be a fractional value.\n',
      ),
    );
  });

  it('holds a producer to its producer_byte_rate; the same producer without a quota is much faster', async () => {
    expect((await topics('--create', '--topic', 'quota-events', '--partitions', '1')).code).toBe(0);
    const quota = 102_400;
    const slow = await python<Produced>(PRODUCE, broker.bootstrap, 'quota-events', 'slow', 10);
    const slowRate = (slow.acked * 1000) / slow.elapsed;
    expect(slowRate, JSON.stringify(slow)).toBeGreaterThan(0.6 * quota);
    expect(slowRate, JSON.stringify(slow)).toBeLessThan(1.3 * quota);
    expect(slow.throttled).toBeGreaterThan(0);
    const fast = await python<Produced>(PRODUCE, broker.bootstrap, 'quota-events', 'fast', 3);
    const fastRate = (fast.acked * 1000) / fast.elapsed;
    expect(fastRate, JSON.stringify(fast)).toBeGreaterThan(5 * quota);
    expect(fast.throttled).toBe(0);
  }, 30_000);

  it('answers a consumer over its consumer_byte_rate with a throttle time', async () => {
    expect((await configs('--alter', '--entity-type', 'clients', '--entity-name', 'slow-reader', '--add-config', 'consumer_byte_rate=10000')).code).toBe(0);
    const seen = await python<{ throttle_ms: number }>(FETCH, broker.bootstrap, 'quota-events', 'slow-reader');
    expect(seen.throttle_ms).toBeGreaterThan(0);
  }, 20_000);
});
