import { describe, expect, it } from 'vitest';
import { resolveBrokerConfig, embeddedDefaultProperties, BROKER_CONFIG_DEF } from '../../../src/config/broker-configs.js';
import {
  TOPIC_CONFIG_DEF,
  TOPIC_CONFIG_SYNONYMS,
  brokerSynonymsOf,
  effectiveTopicConfig,
  parseTopicConfigValue,
  validateTopicConfigs,
} from '../../../src/config/topic-configs.js';

const broker = (extra: Record<string, string> = {}) =>
  resolveBrokerConfig(new Map([...embeddedDefaultProperties({ TK_DATA_DIR: '/d' }, '/h'), ...Object.entries(extra)])).config;

const overrides = (o: Record<string, string>) => new Map(Object.entries(o));
const messages = (o: Record<string, string>, b = broker()) => validateTopicConfigs(overrides(o), b).map((e) => e.message);

describe('the topic configs Kafka 3.9 accepts', () => {
  it('are all defined, sorted by name', () => {
    const names = TOPIC_CONFIG_DEF.names();
    expect(names).toEqual([...names].sort());
    expect(names).toEqual([
      'cleanup.policy',
      'compression.gzip.level',
      'compression.lz4.level',
      'compression.type',
      'compression.zstd.level',
      'delete.retention.ms',
      'file.delete.delay.ms',
      'flush.messages',
      'flush.ms',
      'follower.replication.throttled.replicas',
      'index.interval.bytes',
      'leader.replication.throttled.replicas',
      'local.retention.bytes',
      'local.retention.ms',
      'max.compaction.lag.ms',
      'max.message.bytes',
      'message.downconversion.enable',
      'message.format.version',
      'message.timestamp.after.max.ms',
      'message.timestamp.before.max.ms',
      'message.timestamp.difference.max.ms',
      'message.timestamp.type',
      'min.cleanable.dirty.ratio',
      'min.compaction.lag.ms',
      'min.insync.replicas',
      'preallocate',
      'remote.log.copy.disable',
      'remote.log.delete.on.disable',
      'remote.storage.enable',
      'retention.bytes',
      'retention.ms',
      'segment.bytes',
      'segment.index.bytes',
      'segment.jitter.ms',
      'segment.ms',
      'unclean.leader.election.enable',
    ]);
  });

  it('map to broker configs that exist, with the same type family', () => {
    for (const [topicName, brokerName] of TOPIC_CONFIG_SYNONYMS) {
      expect(TOPIC_CONFIG_DEF.has(topicName), topicName).toBe(true);
      expect(BROKER_CONFIG_DEF.has(brokerName), brokerName).toBe(true);
    }
  });

  it('have the same defaults as the broker configs they fall back to', () => {
    const brokerDefaults = BROKER_CONFIG_DEF.parse(new Map());
    for (const [topicName, brokerName] of TOPIC_CONFIG_SYNONYMS) {
      const topicDefault = TOPIC_CONFIG_DEF.key(topicName)!.default;
      const brokerDefault = typeof topicDefault === 'number' ? brokerDefaults.resolveNumber(brokerName).value : BROKER_CONFIG_DEF.key(brokerName)!.default;
      expect(brokerDefault, topicName).toEqual(topicDefault);
    }
    const { entries } = effectiveTopicConfig(new Map(), { originals: new Map() });
    for (const entry of entries.values()) {
      expect(entry.source, entry.name).toBe('DEFAULT_CONFIG');
      expect(entry.key.dynamic).toBe('cluster-wide');
    }
  });

  it('extend the chain with the broker key\'s own synonyms', () => {
    expect(brokerSynonymsOf('retention.ms').map((s) => s.name)).toEqual(['log.retention.ms', 'log.retention.minutes', 'log.retention.hours']);
    expect(brokerSynonymsOf('segment.ms').map((s) => s.name)).toEqual(['log.roll.ms', 'log.roll.hours']);
    expect(brokerSynonymsOf('flush.ms').map((s) => s.name)).toEqual(['log.flush.interval.ms', 'log.flush.scheduler.interval.ms']);
    expect(brokerSynonymsOf('remote.storage.enable')).toEqual([]);
  });
});

describe('validateTopicConfigs', () => {
  it('accepts valid configs', () => {
    expect(messages({ 'cleanup.policy': 'compact,delete', 'retention.ms': '-1', 'min.cleanable.dirty.ratio': '0.1', 'compression.type': 'zstd' })).toEqual([]);
    expect(messages({ 'leader.replication.throttled.replicas': '0:1,1:2', 'follower.replication.throttled.replicas': '*' })).toEqual([]);
  });

  it("rejects an unknown name in Kafka's words", () => {
    expect(messages({ foo: '1' })).toEqual(['Unknown topic config name: foo']);
    // A broker config is not a topic config.
    expect(messages({ 'log.retention.ms': '1' })).toEqual(['Unknown topic config name: log.retention.ms']);
  });

  it('names the key and the value of each bad value, and reports them all', () => {
    expect(messages({ 'retention.ms': 'abc', 'segment.bytes': '1', 'cleanup.policy': 'archive', 'message.timestamp.type': 'Now' })).toEqual([
      'Invalid value abc for configuration retention.ms: Not a number of type LONG',
      'Invalid value 1 for configuration segment.bytes: Value must be at least 14',
      'Invalid value archive for configuration cleanup.policy: String must be one of: compact, delete',
      'Invalid value Now for configuration message.timestamp.type: String must be one of: CreateTime, LogAppendTime',
    ]);
    expect(messages({ 'retention.ms': '-2' })).toEqual(['Invalid value -2 for configuration retention.ms: Value must be at least -1']);
    expect(messages({ 'compression.gzip.level': '0' })).toEqual(['Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1']);
    expect(messages({ 'leader.replication.throttled.replicas': 'all' })[0]).toMatch(/must be the literal '\*' or a list of replicas/);
  });

  it('rejects a minimum compaction lag above the maximum, counting the broker default', () => {
    expect(messages({ 'min.compaction.lag.ms': '10', 'max.compaction.lag.ms': '5' })).toEqual(['conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)']);
    expect(messages({ 'min.compaction.lag.ms': '10' }, broker({ 'log.cleaner.max.compaction.lag.ms': '5' }))).toEqual([
      'conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)',
    ]);
  });

  it('rejects tiered storage, which tk does not have', () => {
    expect(messages({ 'remote.storage.enable': 'true' })).toEqual(['Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.']);
    expect(messages({ 'remote.storage.enable': 'false' })).toEqual([]);
  });

  it('carries the config name on each error', () => {
    const [err] = validateTopicConfigs(overrides({ 'segment.ms': '0' }));
    expect(err?.configName).toBe('segment.ms');
    expect(err?.value).toBe('0');
  });
});

describe('effectiveTopicConfig', () => {
  it('takes defaults when nothing is set', () => {
    const { config, entries } = effectiveTopicConfig(new Map(), broker());
    expect(config.retentionMs).toBe(604_800_000);
    expect(config.segmentBytes).toBe(1_073_741_824);
    expect(config.cleanupPolicy).toEqual(['delete']);
    expect(config.delete).toBe(true);
    expect(config.compact).toBe(false);
    expect(config.maxMessageBytes).toBe(1_048_588);
    expect(config.compressionType).toBe('producer');
    expect(entries.get('retention.ms')).toMatchObject({
      value: '604800000',
      source: 'DEFAULT_CONFIG',
      synonyms: [{ name: 'log.retention.hours', value: '168', source: 'DEFAULT_CONFIG' }],
    });
    expect(entries.get('flush.messages')?.value).toBe('9223372036854775807');
    expect(entries.get('remote.storage.enable')).toMatchObject({ value: 'false', source: 'DEFAULT_CONFIG', synonyms: [] });
  });

  it("takes the broker's value, converted from hours, as STATIC_BROKER_CONFIG", () => {
    const { config, entries } = effectiveTopicConfig(new Map(), broker({ 'log.retention.hours': '24', 'log.roll.hours': '1' }));
    expect(config.retentionMs).toBe(86_400_000);
    expect(config.segmentMs).toBe(3_600_000);
    expect(entries.get('retention.ms')).toEqual(
      expect.objectContaining({
        value: '86400000',
        source: 'STATIC_BROKER_CONFIG',
        synonyms: [
          { name: 'log.retention.hours', value: '24', source: 'STATIC_BROKER_CONFIG' },
          { name: 'log.retention.hours', value: '168', source: 'DEFAULT_CONFIG' },
        ],
      }),
    );
  });

  it('lists every broker synonym that is set, highest precedence first, and takes the first', () => {
    const { entries } = effectiveTopicConfig(new Map(), broker({ 'log.retention.hours': '24', 'log.retention.minutes': '90', 'log.retention.ms': '5000' }));
    const entry = entries.get('retention.ms')!;
    expect(entry.value).toBe('5000');
    expect(entry.synonyms.map((s) => `${s.source}:${s.name}=${s.value}`)).toEqual([
      'STATIC_BROKER_CONFIG:log.retention.ms=5000',
      'STATIC_BROKER_CONFIG:log.retention.minutes=90',
      'STATIC_BROKER_CONFIG:log.retention.hours=24',
      'DEFAULT_CONFIG:log.retention.hours=168',
    ]);
  });

  it('lets a topic override win, as DYNAMIC_TOPIC_CONFIG, ahead of the broker synonyms', () => {
    const { config, entries } = effectiveTopicConfig(overrides({ 'retention.ms': ' 1000 ', 'cleanup.policy': 'compact' }), broker({ 'log.retention.hours': '24' }));
    expect(config.retentionMs).toBe(1000);
    expect(config.compact).toBe(true);
    expect(config.delete).toBe(false);
    expect(entries.get('retention.ms')).toMatchObject({
      value: '1000',
      source: 'DYNAMIC_TOPIC_CONFIG',
      synonyms: [
        { name: 'retention.ms', value: '1000', source: 'DYNAMIC_TOPIC_CONFIG' },
        { name: 'log.retention.hours', value: '24', source: 'STATIC_BROKER_CONFIG' },
        { name: 'log.retention.hours', value: '168', source: 'DEFAULT_CONFIG' },
      ],
    });
  });

  it('ranks dynamic broker configs above the static ones', () => {
    const layers = { originals: new Map([['message.max.bytes', '2000000']]), dynamicDefaultBrokerConfigs: new Map([['message.max.bytes', '3000000']]), dynamicBrokerConfigs: new Map() };
    const { entries } = effectiveTopicConfig(new Map(), layers);
    expect(entries.get('max.message.bytes')).toMatchObject({ value: '3000000', source: 'DYNAMIC_DEFAULT_BROKER_CONFIG' });
    layers.dynamicBrokerConfigs.set('message.max.bytes', '4000000');
    expect(effectiveTopicConfig(new Map(), layers).entries.get('max.message.bytes')?.synonyms.map((s) => s.source)).toEqual([
      'DYNAMIC_BROKER_CONFIG',
      'DYNAMIC_DEFAULT_BROKER_CONFIG',
      'STATIC_BROKER_CONFIG',
      'DEFAULT_CONFIG',
    ]);
  });

  it('reads a negative broker retention as -1 and resolves local retention from retention', () => {
    const { config } = effectiveTopicConfig(new Map(), broker({ 'log.retention.ms': '-7', 'log.retention.bytes': '1000' }));
    expect(config.retentionMs).toBe(-1);
    expect(config.localRetentionMs).toBe(-1);
    expect(config.localRetentionBytes).toBe(1000);
  });

  it('falls back to message.timestamp.difference.max.ms while before/after are at their defaults', () => {
    expect(effectiveTopicConfig(overrides({ 'message.timestamp.difference.max.ms': '60000' }), broker()).config.messageTimestampBeforeMaxMs).toBe(60000);
    const both = effectiveTopicConfig(overrides({ 'message.timestamp.difference.max.ms': '60000', 'message.timestamp.after.max.ms': '1000' }), broker()).config;
    expect(both.messageTimestampAfterMaxMs).toBe(1000);
    expect(both.messageTimestampBeforeMaxMs).toBe(60000);
  });

  it('names the broker key when a broker value breaks a topic rule', () => {
    const layers = { originals: new Map([['log.flush.interval.ms', '-1']]) };
    expect(() => effectiveTopicConfig(new Map(), layers)).toThrow('Invalid value -1 for configuration log.flush.interval.ms: Value must be at least 0');
  });

  it('skips override names it does not know and throws on a bad value', () => {
    expect(effectiveTopicConfig(overrides({ 'future.config': 'x' }), broker()).entries.has('future.config')).toBe(false);
    expect(() => effectiveTopicConfig(overrides({ 'segment.bytes': 'big' }), broker())).toThrow(/segment.bytes: Not a number of type INT/);
  });

  it('prints values as Kafka does: lists joined, doubles with a fraction digit', () => {
    const { entries } = effectiveTopicConfig(overrides({ 'cleanup.policy': 'compact , delete', 'min.cleanable.dirty.ratio': '1' }), broker());
    expect(entries.get('cleanup.policy')?.value).toBe('compact,delete');
    expect(entries.get('min.cleanable.dirty.ratio')?.value).toBe('1.0');
  });
});

describe('parseTopicConfigValue', () => {
  it('parses one value by its topic config type', () => {
    expect(parseTopicConfigValue('retention.ms', '1000')).toBe(1000);
    expect(() => parseTopicConfigValue('nope', '1')).toThrow('Unknown topic config name: nope');
  });
});
