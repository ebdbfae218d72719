// ConsoleProducer.producerProps' precedence and ProducerConfig's checks, as tk maps them.
import { describe, expect, it } from 'vitest';
import { expandBareCompressionCodec, mergeProducerProperties, OptionError, ProducerConfigError, producerSettingsFrom } from '../../../src/cli/console-producer/options.js';

const merge = (file: Record<string, string>, props: Record<string, string>, flags: Parameters<typeof mergeProducerProperties>[2] = {}) =>
  mergeProducerProperties(new Map(Object.entries(file)), new Map(Object.entries(props)), flags);

describe('producer properties precedence', () => {
  it('gives the console defaults when nothing is set', () => {
    expect(Object.fromEntries(merge({}, {}))).toEqual({
      'compression.type': 'none',
      'client.id': 'console-producer',
      'linger.ms': '1000',
      acks: '-1',
      'request.timeout.ms': '1500',
      retries: '3',
      'retry.backoff.ms': '100',
      'buffer.memory': '33554432',
      'batch.size': '16384',
    });
  });

  it('--producer-property wins over --producer.config; a flag not given leaves a set key alone', () => {
    const props = merge({ acks: '1', 'linger.ms': '7', 'client.id': 'file' }, { acks: '0' });
    expect(props.get('acks')).toBe('0');
    expect(props.get('linger.ms')).toBe('7');
    expect(props.get('client.id')).toBe('file');
  });

  it('a dedicated flag wins over both', () => {
    expect(merge({ acks: '1' }, { acks: '0' }, { requestRequiredAcks: 'all' }).get('acks')).toBe('all');
  });

  it('--compression-codec always sets compression.type: none when absent, gzip when bare', () => {
    expect(merge({}, { 'compression.type': 'lz4' }).get('compression.type')).toBe('none');
    expect(merge({}, {}, { compressionCodec: '' }).get('compression.type')).toBe('gzip');
    expect(merge({}, {}, { compressionCodec: 'zstd' }).get('compression.type')).toBe('zstd');
  });

  it('--max-partition-memory-bytes wins over --batch-size', () => {
    expect(merge({}, {}, { batchSize: '100', maxPartitionMemoryBytes: '200' }).get('batch.size')).toBe('200');
  });

  it("rejects a flag value that is not a number as joptsimple does", () => {
    expect(() => merge({}, {}, { batchSize: 'big' })).toThrow(new OptionError("Cannot parse argument 'big' of option batch-size"));
    expect(() => merge({}, {}, { requestTimeoutMs: '4294967296' })).toThrow(new OptionError("Cannot parse argument '4294967296' of option request-timeout-ms"));
  });
});

describe('producer settings', () => {
  const settings = (props: Record<string, string>, flags = {}) => producerSettingsFrom(merge({}, props, flags), '127.0.0.1:1');

  it('maps the console defaults', () => {
    expect(settings({})).toEqual({
      bootstrap: '127.0.0.1:1',
      options: {
        clientId: 'console-producer',
        acks: -1,
        compression: 'none',
        batchSize: 16384,
        lingerMs: 1000,
        requestTimeoutMs: 1500,
        retries: 3,
        retryBackoffMs: 100,
        retryBackoffMaxMs: 1000,
        bufferMemory: 33554432,
        maxRequestSize: 1048576,
        deliveryTimeoutMs: 120000,
        maxInFlight: 5,
        sasl: null,
      },
    });
  });

  it('carries the SASL identity of security.protocol=SASL_PLAINTEXT', () => {
    const jaas = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="secret";';
    expect(settings({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': jaas }).options.sasl).toEqual({
      mechanism: 'PLAIN',
      username: 'alice',
      password: 'secret',
    });
  });

  it.each([
    ['all', -1],
    ['-1', -1],
    ['0', 0],
    ['1', 1],
  ])('acks=%s', (acks, expected) => {
    expect(settings({}, { requestRequiredAcks: acks }).options.acks).toBe(expected);
  });

  it.each([
    [{ acks: '2' }, 'Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1'],
    [{ 'compression.type': 'brotli' }, 'Invalid value brotli for configuration compression.type: String must be one of: none, gzip, snappy, lz4, zstd'],
    [{ 'batch.size': '-1' }, 'Invalid value -1 for configuration batch.size: Value must be at least 0'],
    [{ 'max.request.size': 'x' }, 'Invalid value x for configuration max.request.size: Not a number of type INT'],
    [{ 'max.in.flight.requests.per.connection': '0' }, 'Invalid value 0 for configuration max.in.flight.requests.per.connection: Value must be at least 1'],
    [{ 'delivery.timeout.ms': '2000' }, 'delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms'],
    [{ 'enable.idempotence': 'maybe' }, 'Invalid value maybe for configuration enable.idempotence: Expected value to be either true or false'],
    [{ 'enable.idempotence': 'true' }, 'enable.idempotence=true is not supported yet: tk console-producer sends without a producer id'],
  ])('%o is refused', (props, message) => {
    const flags = 'compression.type' in props ? { compressionCodec: props['compression.type'] } : 'acks' in props ? { requestRequiredAcks: props.acks } : {};
    expect(() => settings(props, flags)).toThrow(new ProducerConfigError(message));
  });

  it('refuses a security protocol Kafka does not know', () => {
    expect(() => settings({ 'security.protocol': 'TLS' })).toThrow('Invalid value TLS for configuration security.protocol');
  });

  it('raises delivery.timeout.ms when it was not set, as KafkaProducer does', () => {
    expect(settings({ 'request.timeout.ms': '200000' }).options.deliveryTimeoutMs).toBe(201000);
  });

  it('maps the remaining producer properties', () => {
    const o = settings({ 'max.request.size': '500', 'enable.idempotence': 'false', 'max.in.flight.requests.per.connection': '1', 'client.id': '', 'batch.size': '0' }).options;
    expect([o.maxRequestSize, o.maxInFlight, o.clientId, o.batchSize]).toEqual([500, 1, 'producer-1', 1]);
  });
});

describe('a bare --compression-codec', () => {
  it.each([
    [['--compression-codec'], ['--compression-codec=']],
    [['--compression-codec', '--topic', 't'], ['--compression-codec=', '--topic', 't']],
    [['--compression-codec', 'lz4'], ['--compression-codec', 'lz4']],
  ])('%j', (argv, expected) => {
    expect(expandBareCompressionCodec(argv)).toEqual(expected);
  });
});
