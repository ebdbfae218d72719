// The perf tools' argument checks, in the order and with the messages of Kafka 3.9's parsers
// (argparse4j 0.7.0 for the producer, joptsimple for the consumer).
import { describe, expect, it } from 'vitest';
import { consumerPerfSettings, defaultGroupId } from '../../../src/cli/perf/consumer-options.js';
import { absolutePath, checkProducerPerfArgs, producerPerfSettings, type ProducerPerfFlags } from '../../../src/cli/perf/producer-options.js';
import { ThroughputThrottler } from '../../../src/cli/perf/throttler.js';

/** Parses argv the way the command's flags land: the value after each --flag. */
function producerArgs(...argv: string[]): [ProducerPerfFlags, string[]] {
  const flags: Record<string, unknown> = { 'payload-monotonic': false };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!.slice(2);
    if (name === 'payload-monotonic') flags[name] = true;
    else if (name === 'producer-props') flags[name] = [argv[++i]!];
    else flags[name] = argv[++i];
  }
  return [flags as unknown as ProducerPerfFlags, argv];
}

const check = (...argv: string[]) => () => checkProducerPerfArgs(...producerArgs(...argv));
const VALID = ['--topic', 't', '--num-records', '10', '--throughput', '-1', '--producer-props', 'acks=1'];

describe('producer-perf-test arguments', () => {
  it('accepts a complete command line', () => {
    expect(checkProducerPerfArgs(...producerArgs(...VALID, '--record-size', '100'))).toEqual({ numRecords: 10, throughput: -1, recordSize: 100 });
    expect(checkProducerPerfArgs(...producerArgs(...VALID.slice(0, 4), '--throughput', '2.5e3d', '--payload-monotonic', '--bootstrap-server', 'h:1'))).toMatchObject({ throughput: 2500 });
  });

  it('names the last missing required argument, as argparse4j does', () => {
    expect(check('--record-size', '1')).toThrow('argument --throughput is required');
    expect(check('--throughput', '1', '--record-size', '1')).toThrow('argument --num-records is required');
    expect(check('--num-records', '1', '--throughput', '1', '--record-size', '1')).toThrow('argument --topic is required');
  });

  it('requires exactly one payload option, naming the one that came second', () => {
    expect(check(...VALID)).toThrow('one of the arguments --record-size --payload-file --payload-monotonic is required');
    expect(check(...VALID, '--payload-file', 'f', '--record-size', '5')).toThrow('argument --record-size: not allowed with argument --payload-file');
    expect(check('--payload-monotonic', ...VALID, '--payload-file', 'f')).toThrow('argument --payload-file: not allowed with argument --payload-monotonic');
  });

  it("words conversion errors as argparse4j does, in the order of the command line", () => {
    expect(check('--num-records', 'ten', '--throughput', 'x')).toThrow(`argument --num-records: could not convert 'ten' to Long (For input string: "ten")`);
    expect(check('--throughput', 'x', '--num-records', 'ten')).toThrow(`argument --throughput: could not convert 'x' to Double (For input string: "x")`);
    expect(check('--record-size', '3000000000')).toThrow(`argument --record-size: could not convert '3000000000' to Integer (For input string: "3000000000")`);
  });

  it('needs producer settings from somewhere, and positive counts', () => {
    expect(check('--topic', 't', '--num-records', '1', '--throughput', '1', '--record-size', '1')).toThrow('Either --producer-props or --producer.config must be specified.');
    expect(check(...VALID.map((v) => (v === '10' ? '0' : v)), '--record-size', '1')).toThrow('--num-records should be greater than zero');
    expect(check(...VALID, '--record-size', '-1')).toThrow('--record-size should be greater than zero');
    expect(check(...VALID.map((v) => (v === '-1' ? '0' : v)), '--record-size', '1')).toThrow(/^--throughput 0 would never send a record/);
  });

  it('reads --producer-props as Kafka splits them, and refuses what tk cannot do', async () => {
    await expect(producerPerfSettings({ 'payload-monotonic': false, 'producer-props': ['acks'] })).rejects.toThrow('Invalid property: acks');
    await expect(producerPerfSettings({ 'payload-monotonic': false, 'producer-props': ['transactional.id=x'] })).rejects.toThrow(/^transactional.id is not supported/);
    await expect(producerPerfSettings({ 'payload-monotonic': false, 'producer-props': ['acks=2'] })).rejects.toThrow('Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1');
    const settings = await producerPerfSettings({ 'payload-monotonic': false, 'producer-props': ['bootstrap.servers=h:1', 'acks=1', 'linger.ms=5='] });
    expect(settings.bootstrap).toBe('h:1');
    expect(settings.options).toMatchObject({ acks: 1, lingerMs: 5, clientId: 'perf-producer-client' });
  });

  it("prints the payload file's path as Java's toAbsolutePath does", () => {
    expect(absolutePath('/tmp//x/')).toBe('/tmp/x');
    expect(absolutePath('./p.txt')).toBe(`${process.cwd()}/./p.txt`);
  });
});

describe('throughput throttler', () => {
  it('throttles only above the target rate, and never with a negative target', () => {
    const throttler = new ThroughputThrottler(100, 0);
    expect(throttler.shouldThrottle(99, 1_000)).toBe(false);
    expect(throttler.shouldThrottle(101, 1_000)).toBe(true);
    expect(throttler.shouldThrottle(5, 0)).toBe(false);
    expect(new ThroughputThrottler(-1, 0).shouldThrottle(1e9, 1)).toBe(false);
  });

  it('sleeps off the deficit once it reaches 2 ms', async () => {
    const throttler = new ThroughputThrottler(1_000, 0);
    const started = Date.now();
    await throttler.throttle();
    await throttler.throttle();
    await throttler.throttle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(2);
  });
});

describe('consumer-perf-test options', () => {
  const base = { 'from-latest': false, 'show-detailed-stats': false, 'hide-header': false, 'date-format': 'yyyy' };

  it('requires --topic then --messages, in that order', async () => {
    await expect(consumerPerfSettings({ ...base })).rejects.toThrow('Missing required argument "[topic]"');
    await expect(consumerPerfSettings({ ...base, topic: 't' })).rejects.toThrow('Missing required argument "[messages]"');
  });

  it("words a bad number as joptsimple does", async () => {
    await expect(consumerPerfSettings({ ...base, topic: 't', messages: 'many' })).rejects.toThrow("Cannot parse argument 'many' of option messages");
    await expect(consumerPerfSettings({ ...base, topic: 't', messages: '1', 'fetch-size': '9999999999' })).rejects.toThrow("Cannot parse argument '9999999999' of option fetch-size");
  });

  it("sets the consumer up as Kafka's tool does", async () => {
    const s = await consumerPerfSettings({ ...base, topic: 't', messages: '5', 'fetch-size': '4096', 'bootstrap-server': 'h:1' });
    expect(s).toMatchObject({ topic: 't', numMessages: 5, timeoutMs: 10_000, reportingInterval: 5_000, maxPollRecords: 500, deprecationWarning: null, bootstrap: 'h:1' });
    expect(s.consumer).toMatchObject({ clientId: 'perf-consumer-client', maxPartitionBytes: 4096, autoOffsetReset: 'earliest' });
    expect(s.consumer.groupId).toMatch(/^perf-consumer-\d{1,5}$/);
    const latest = await consumerPerfSettings({ ...base, topic: 't', messages: '5', 'from-latest': true, group: 'g', threads: '3' });
    expect(latest.consumer).toMatchObject({ groupId: 'g', autoOffsetReset: 'latest' });
    expect(latest.deprecationWarning).toBe('WARNING: option [threads] and [num-fetch-threads] have been deprecated and will be ignored by the test');
  });

  it('draws the default group from 0 to 99999, not zero-padded', () => {
    expect(defaultGroupId(() => 0)).toBe('perf-consumer-0');
    expect(defaultGroupId(() => 0.999999)).toBe('perf-consumer-99999');
  });
});
