// Topic-level configs: every name Kafka 3.9 accepts for a topic, with its type, default and
// validation, and the broker config that supplies its default (Kafka's
// ServerTopicConfigSynonyms: retention.ms ← log.retention.ms ← log.retention.minutes ←
// log.retention.hours, and so on). effectiveTopicConfig works out a topic's values and, for
// each, where it came from and the chain of synonyms, which DescribeConfigs and
// `tk topics --describe` / `tk configs --describe` show.
//
// Every topic config can be changed at run time (DynamicUpdateMode 'cluster-wide'): an
// override applies to the topic on every broker.
import {
  type AnyConfigKey,
  ConfigDef,
  ConfigError,
  type ConfigKey,
  type ConfigSynonym,
  type ConfigValue,
  type ConfigValueByType,
  type ConfigType,
  LONG_MAX_VALUE,
  atLeast,
  between,
  checkValue,
  custom,
  eachOneOf,
  formatValue,
  oneOf,
  parseValue,
  type Validator,
} from './config-def.js';
import {
  BROKER_CONFIG_DEF,
  type BrokerCompressionType,
  CLEANUP_POLICIES,
  type CleanupPolicy,
  TIMESTAMP_TYPES,
  type TimestampType,
  compressionTypes,
  gzipLevel,
  kafkaVersion,
  lz4Level,
  zstdLevel,
} from './broker-configs.js';

const MIB = 1024 * 1024;
const DAY_MS = 24 * 3_600_000;

// leader/follower.replication.throttled.replicas: `*`, or partition:brokerId pairs.
const throttledReplicas = (name: string) =>
  custom<readonly string[]>('[partitionId]:[brokerId],[partitionId]:[brokerId],...', (list) => {
    const entries = list.map((e) => e.trim());
    if (entries.every((e) => /^(\d+:\d+)?$/.test(e)) || entries.join('') === '*') return null;
    return `${name} must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...`;
  });

function topicKey<T extends ConfigType>(
  name: string,
  type: T,
  defaultValue: ConfigValueByType[T],
  validator: Validator<ConfigValueByType[T]> | undefined,
  description: string,
): AnyConfigKey {
  const key: ConfigKey<T> = { name, type, default: defaultValue, validator, importance: 'medium', dynamic: 'cluster-wide', description };
  return key as AnyConfigKey;
}

/** Every topic config Kafka 3.9 accepts, sorted by name as Kafka lists them. */
export const TOPIC_CONFIG_DEF = new ConfigDef(
  [
  topicKey('cleanup.policy', 'list', ['delete'], eachOneOf(...CLEANUP_POLICIES), 'delete old segments, compact them to the last record per key, or both'),
  topicKey('compression.type', 'string', 'producer', compressionTypes, "codec batches are stored with; producer keeps the producer's codec"),
  topicKey('compression.gzip.level', 'int', -1, gzipLevel, 'gzip level when the broker compresses'),
  topicKey('compression.lz4.level', 'int', 9, lz4Level, 'lz4 level when the broker compresses'),
  topicKey('compression.zstd.level', 'int', 3, zstdLevel, 'zstd level when the broker compresses'),
  topicKey('delete.retention.ms', 'long', DAY_MS, atLeast(0), 'how long tombstones stay in a compacted topic'),
  topicKey('file.delete.delay.ms', 'long', 60000, atLeast(0), "delay between a segment leaving the log and its files' removal"),
  topicKey('flush.messages', 'long', LONG_MAX_VALUE, atLeast(1), 'records appended before an fsync is forced'),
  topicKey('flush.ms', 'long', LONG_MAX_VALUE, atLeast(0), 'longest time before an fsync is forced'),
  topicKey('follower.replication.throttled.replicas', 'list', [], throttledReplicas('follower.replication.throttled.replicas'), 'replicas whose follower-side replication is throttled'),
  topicKey('index.interval.bytes', 'int', 4096, atLeast(0), 'bytes of batches between two offset index entries'),
  topicKey('leader.replication.throttled.replicas', 'list', [], throttledReplicas('leader.replication.throttled.replicas'), 'replicas whose leader-side replication is throttled'),
  topicKey('local.retention.bytes', 'long', -2, atLeast(-2), 'local size limit under tiered storage; -2 follows retention.bytes'),
  topicKey('local.retention.ms', 'long', -2, atLeast(-2), 'local age limit under tiered storage; -2 follows retention.ms'),
  topicKey('max.compaction.lag.ms', 'long', LONG_MAX_VALUE, atLeast(1), 'longest time a record may stay uncompacted'),
  topicKey('max.message.bytes', 'int', MIB + 12, atLeast(0), 'largest record batch the topic accepts'),
  topicKey('message.downconversion.enable', 'boolean', true, undefined, 'convert batches for fetchers that need an older format'),
  topicKey('message.format.version', 'string', '3.0-IV1', kafkaVersion, 'deprecated record format version; ignored, batches are v2'),
  topicKey('message.timestamp.after.max.ms', 'long', LONG_MAX_VALUE, atLeast(0), "how far in the future a record's CreateTime may be"),
  topicKey('message.timestamp.before.max.ms', 'long', LONG_MAX_VALUE, atLeast(0), "how far in the past a record's CreateTime may be"),
  topicKey('message.timestamp.difference.max.ms', 'long', LONG_MAX_VALUE, atLeast(0), 'deprecated: largest gap between CreateTime and the broker clock'),
  topicKey('message.timestamp.type', 'string', 'CreateTime', oneOf(...TIMESTAMP_TYPES), "keep the producer's timestamps or stamp the append time"),
  topicKey('min.cleanable.dirty.ratio', 'double', 0.5, between(0, 1), 'uncompacted share of the log that triggers compaction'),
  topicKey('min.compaction.lag.ms', 'long', 0, atLeast(0), 'shortest time a record stays uncompacted'),
  topicKey('min.insync.replicas', 'int', 1, atLeast(1), 'in-sync replicas needed for an acks=all write'),
  topicKey('preallocate', 'boolean', false, undefined, 'preallocate new segment files at full size'),
  topicKey('remote.log.copy.disable', 'boolean', false, undefined, 'stop copying segments to tiered storage'),
  topicKey('remote.log.delete.on.disable', 'boolean', false, undefined, 'delete tiered data when tiered storage is turned off'),
  topicKey('remote.storage.enable', 'boolean', false, undefined, 'keep older segments in tiered storage'),
  topicKey('retention.bytes', 'long', -1, undefined, 'size a partition may reach before old segments are deleted; -1 for no limit'),
  topicKey('retention.ms', 'long', 7 * DAY_MS, atLeast(-1), 'age after which segments are deleted; -1 keeps data forever'),
  topicKey('segment.bytes', 'int', 1024 * MIB, atLeast(14), 'size at which a segment is rolled'),
  topicKey('segment.index.bytes', 'int', 10 * MIB, atLeast(4), 'largest offset or time index of a segment'),
  topicKey('segment.jitter.ms', 'long', 0, atLeast(0), 'random amount taken off segment.ms'),
  topicKey('segment.ms', 'long', 7 * DAY_MS, atLeast(1), 'age at which the active segment is rolled'),
  topicKey('unclean.leader.election.enable', 'boolean', false, undefined, 'allow an out-of-sync replica to become leader, losing data'),
  ].sort((a, b) => (a.name < b.name ? -1 : 1)),
);

/**
 * Each topic config's broker-level default, by its highest-precedence broker name (Kafka's
 * TOPIC_CONFIG_SYNONYMS). That broker key's own synonyms extend the chain: segment.ms ←
 * log.roll.ms ← log.roll.hours. Topic configs missing here have no broker default.
 */
export const TOPIC_CONFIG_SYNONYMS: ReadonlyMap<string, string> = new Map([
  ['segment.bytes', 'log.segment.bytes'],
  ['segment.ms', 'log.roll.ms'],
  ['segment.jitter.ms', 'log.roll.jitter.ms'],
  ['segment.index.bytes', 'log.index.size.max.bytes'],
  ['flush.messages', 'log.flush.interval.messages'],
  ['flush.ms', 'log.flush.interval.ms'],
  ['retention.bytes', 'log.retention.bytes'],
  ['retention.ms', 'log.retention.ms'],
  ['max.message.bytes', 'message.max.bytes'],
  ['index.interval.bytes', 'log.index.interval.bytes'],
  ['delete.retention.ms', 'log.cleaner.delete.retention.ms'],
  ['min.compaction.lag.ms', 'log.cleaner.min.compaction.lag.ms'],
  ['max.compaction.lag.ms', 'log.cleaner.max.compaction.lag.ms'],
  ['file.delete.delay.ms', 'log.segment.delete.delay.ms'],
  ['min.cleanable.dirty.ratio', 'log.cleaner.min.cleanable.ratio'],
  ['cleanup.policy', 'log.cleanup.policy'],
  ['unclean.leader.election.enable', 'unclean.leader.election.enable'],
  ['min.insync.replicas', 'min.insync.replicas'],
  ['compression.type', 'compression.type'],
  ['compression.gzip.level', 'compression.gzip.level'],
  ['compression.lz4.level', 'compression.lz4.level'],
  ['compression.zstd.level', 'compression.zstd.level'],
  ['preallocate', 'log.preallocate'],
  ['message.format.version', 'log.message.format.version'],
  ['message.timestamp.type', 'log.message.timestamp.type'],
  ['message.timestamp.difference.max.ms', 'log.message.timestamp.difference.max.ms'],
  ['message.timestamp.before.max.ms', 'log.message.timestamp.before.max.ms'],
  ['message.timestamp.after.max.ms', 'log.message.timestamp.after.max.ms'],
  ['message.downconversion.enable', 'log.message.downconversion.enable'],
  ['local.retention.ms', 'log.local.retention.ms'],
  ['local.retention.bytes', 'log.local.retention.bytes'],
]);

/** The broker names that supply a topic config's default, highest precedence first, with their scale to the topic's unit. */
export function brokerSynonymsOf(topicConfigName: string): ConfigSynonym[] {
  const brokerName = TOPIC_CONFIG_SYNONYMS.get(topicConfigName);
  if (brokerName === undefined) return [];
  return [{ name: brokerName }, ...(BROKER_CONFIG_DEF.key(brokerName)?.synonyms ?? [])];
}

/** Where a config value came from, by DescribeConfigs' ConfigSource names. */
export type ConfigSource = 'DYNAMIC_TOPIC_CONFIG' | 'DYNAMIC_BROKER_CONFIG' | 'DYNAMIC_DEFAULT_BROKER_CONFIG' | 'STATIC_BROKER_CONFIG' | 'DEFAULT_CONFIG';

/** The numeric ids DescribeConfigs uses for ConfigSource. */
export const CONFIG_SOURCE_ID: Readonly<Record<ConfigSource, number>> = {
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
};

/** The broker-side settings a topic's defaults come from. BrokerConfig satisfies this. */
export interface BrokerConfigLayers {
  /** The broker's own properties (server.properties and --override): STATIC_BROKER_CONFIG. */
  readonly originals: ReadonlyMap<string, string>;
  /** Dynamic configs set for this broker: DYNAMIC_BROKER_CONFIG. */
  readonly dynamicBrokerConfigs?: ReadonlyMap<string, string>;
  /** Dynamic cluster-wide broker defaults: DYNAMIC_DEFAULT_BROKER_CONFIG. */
  readonly dynamicDefaultBrokerConfigs?: ReadonlyMap<string, string>;
}

export interface ConfigSynonymEntry {
  readonly name: string;
  /** The value as given at that level (broker values are shown as written, e.g. log.retention.hours=168). */
  readonly value: string | null;
  readonly source: ConfigSource;
}

export interface TopicConfigEntry {
  readonly name: string;
  /** The effective value as Kafka prints it (e.g. retention.ms=86400000 when log.retention.hours=24). */
  readonly value: string | null;
  readonly source: ConfigSource;
  /** Every level that sets this config, highest precedence first; the first one supplies the value. */
  readonly synonyms: readonly ConfigSynonymEntry[];
  readonly key: AnyConfigKey;
}

/** A topic's effective configuration, typed. */
export interface TopicConfig {
  readonly cleanupPolicy: readonly CleanupPolicy[];
  /** cleanup.policy includes compact. */
  readonly compact: boolean;
  /** cleanup.policy includes delete. */
  readonly delete: boolean;
  readonly compressionType: BrokerCompressionType;
  readonly compressionGzipLevel: number;
  readonly compressionLz4Level: number;
  readonly compressionZstdLevel: number;
  readonly deleteRetentionMs: number;
  readonly fileDeleteDelayMs: number;
  readonly flushMessages: number;
  readonly flushMs: number;
  readonly followerReplicationThrottledReplicas: readonly string[];
  readonly indexIntervalBytes: number;
  readonly leaderReplicationThrottledReplicas: readonly string[];
  /** local.retention.bytes with -2 resolved to retention.bytes. */
  readonly localRetentionBytes: number;
  /** local.retention.ms with -2 resolved to retention.ms. */
  readonly localRetentionMs: number;
  readonly maxCompactionLagMs: number;
  readonly maxMessageBytes: number;
  readonly messageDownconversionEnable: boolean;
  readonly messageFormatVersion: string;
  /** message.timestamp.after.max.ms, or the deprecated difference.max.ms while the former is at its default (as Kafka does). */
  readonly messageTimestampAfterMaxMs: number;
  /** message.timestamp.before.max.ms, or the deprecated difference.max.ms while the former is at its default. */
  readonly messageTimestampBeforeMaxMs: number;
  readonly messageTimestampType: TimestampType;
  readonly minCleanableDirtyRatio: number;
  readonly minCompactionLagMs: number;
  readonly minInsyncReplicas: number;
  readonly preallocate: boolean;
  readonly remoteLogCopyDisable: boolean;
  readonly remoteLogDeleteOnDisable: boolean;
  readonly remoteStorageEnable: boolean;
  readonly retentionBytes: number;
  readonly retentionMs: number;
  readonly segmentBytes: number;
  readonly segmentIndexBytes: number;
  readonly segmentJitterMs: number;
  readonly segmentMs: number;
  readonly uncleanLeaderElectionEnable: boolean;
}

export interface EffectiveTopicConfig {
  readonly config: TopicConfig;
  /** One entry per topic config, sorted by name. */
  readonly entries: ReadonlyMap<string, TopicConfigEntry>;
}

interface Supplied {
  readonly value: ConfigValue;
  readonly source: ConfigSource;
}

/** A broker-level value converted to the topic config's unit and checked against the topic config's rules. */
function fromBroker(topicKey: AnyConfigKey, synonym: ConfigSynonym, raw: string): ConfigValue {
  const brokerKey = BROKER_CONFIG_DEF.key(synonym.name);
  if (brokerKey === undefined) throw new Error(`broker config ${synonym.name} is not defined`);
  let value = parseValue(brokerKey, raw);
  if (typeof value === 'number' && synonym.scale !== undefined) value = value * synonym.scale;
  // Kafka's broker reads any negative retention as "forever" (KafkaConfig.logRetentionTimeMillis).
  if (topicKey.name === 'retention.ms' && typeof value === 'number' && value < 0) value = -1;
  const problem = checkValue(topicKey as ConfigKey, value);
  if (problem !== null) throw ConfigError.invalidValue(synonym.name, raw, problem);
  return value;
}

function brokerLayers(broker: BrokerConfigLayers): [ConfigSource, ReadonlyMap<string, string>][] {
  const layers: [ConfigSource, ReadonlyMap<string, string>][] = [];
  if (broker.dynamicBrokerConfigs !== undefined) layers.push(['DYNAMIC_BROKER_CONFIG', broker.dynamicBrokerConfigs]);
  if (broker.dynamicDefaultBrokerConfigs !== undefined) layers.push(['DYNAMIC_DEFAULT_BROKER_CONFIG', broker.dynamicDefaultBrokerConfigs]);
  layers.push(['STATIC_BROKER_CONFIG', broker.originals]);
  return layers;
}

function resolveEntry(key: AnyConfigKey, overrides: ReadonlyMap<string, string>, broker: BrokerConfigLayers): [TopicConfigEntry, ConfigValue] {
  const synonyms: ConfigSynonymEntry[] = [];
  let supplied: Supplied | null = null;
  const override = overrides.get(key.name);
  if (override !== undefined) {
    const value = parseValue(key, override);
    supplied = { value, source: 'DYNAMIC_TOPIC_CONFIG' };
    synonyms.push({ name: key.name, value: formatValue(key.type, value), source: 'DYNAMIC_TOPIC_CONFIG' });
  }
  const chain = brokerSynonymsOf(key.name);
  for (const [source, layer] of brokerLayers(broker)) {
    for (const synonym of chain) {
      const raw = layer.get(synonym.name);
      if (raw === undefined) continue;
      synonyms.push({ name: synonym.name, value: raw, source });
      supplied ??= { value: fromBroker(key, synonym, raw), source };
    }
  }
  for (const synonym of chain) {
    const brokerKey = BROKER_CONFIG_DEF.key(synonym.name);
    if (brokerKey === undefined || brokerKey.default === null) continue;
    synonyms.push({ name: synonym.name, value: formatValue(brokerKey.type, brokerKey.default), source: 'DEFAULT_CONFIG' });
  }
  // The topic default equals the broker chain's default in every case Kafka defines.
  const { value, source } = supplied ?? { value: key.default as ConfigValue, source: 'DEFAULT_CONFIG' };
  return [{ name: key.name, value: formatValue(key.type, value), source, synonyms, key }, value];
}

function typedTopicConfig(values: ReadonlyMap<string, ConfigValue>): TopicConfig {
  const num = (name: string): number => values.get(name) as number;
  const bool = (name: string): boolean => values.get(name) as boolean;
  const str = (name: string): string => values.get(name) as string;
  const list = (name: string): readonly string[] => values.get(name) as readonly string[];
  const cleanupPolicy = list('cleanup.policy').map((p) => p.toLowerCase()) as CleanupPolicy[];
  const retentionMs = num('retention.ms');
  const retentionBytes = num('retention.bytes');
  const differenceMaxMs = num('message.timestamp.difference.max.ms');
  const withDifferenceFallback = (v: number): number => (v === LONG_MAX_VALUE ? differenceMaxMs : v);
  return {
    cleanupPolicy,
    compact: cleanupPolicy.includes('compact'),
    delete: cleanupPolicy.includes('delete'),
    compressionType: str('compression.type') as BrokerCompressionType,
    compressionGzipLevel: num('compression.gzip.level'),
    compressionLz4Level: num('compression.lz4.level'),
    compressionZstdLevel: num('compression.zstd.level'),
    deleteRetentionMs: num('delete.retention.ms'),
    fileDeleteDelayMs: num('file.delete.delay.ms'),
    flushMessages: num('flush.messages'),
    flushMs: num('flush.ms'),
    followerReplicationThrottledReplicas: list('follower.replication.throttled.replicas'),
    indexIntervalBytes: num('index.interval.bytes'),
    leaderReplicationThrottledReplicas: list('leader.replication.throttled.replicas'),
    localRetentionBytes: num('local.retention.bytes') === -2 ? retentionBytes : num('local.retention.bytes'),
    localRetentionMs: num('local.retention.ms') === -2 ? retentionMs : num('local.retention.ms'),
    maxCompactionLagMs: num('max.compaction.lag.ms'),
    maxMessageBytes: num('max.message.bytes'),
    messageDownconversionEnable: bool('message.downconversion.enable'),
    messageFormatVersion: str('message.format.version'),
    messageTimestampAfterMaxMs: withDifferenceFallback(num('message.timestamp.after.max.ms')),
    messageTimestampBeforeMaxMs: withDifferenceFallback(num('message.timestamp.before.max.ms')),
    messageTimestampType: str('message.timestamp.type') as TimestampType,
    minCleanableDirtyRatio: num('min.cleanable.dirty.ratio'),
    minCompactionLagMs: num('min.compaction.lag.ms'),
    minInsyncReplicas: num('min.insync.replicas'),
    preallocate: bool('preallocate'),
    remoteLogCopyDisable: bool('remote.log.copy.disable'),
    remoteLogDeleteOnDisable: bool('remote.log.delete.on.disable'),
    remoteStorageEnable: bool('remote.storage.enable'),
    retentionBytes,
    retentionMs,
    segmentBytes: num('segment.bytes'),
    segmentIndexBytes: num('segment.index.bytes'),
    segmentJitterMs: num('segment.jitter.ms'),
    segmentMs: num('segment.ms'),
    uncleanLeaderElectionEnable: bool('unclean.leader.election.enable'),
  };
}

/**
 * A topic's effective configuration: each config from the topic's own overrides, else from
 * the broker (dynamic per-broker, dynamic cluster default, then server.properties, following
 * each config's synonyms), else the default. Overrides with names Kafka does not know are
 * skipped (a newer Kafka may have written them); a value that does not parse throws ConfigError.
 */
export function effectiveTopicConfig(overrides: ReadonlyMap<string, string>, broker: BrokerConfigLayers): EffectiveTopicConfig {
  const entries = new Map<string, TopicConfigEntry>();
  const values = new Map<string, ConfigValue>();
  for (const key of TOPIC_CONFIG_DEF.keys()) {
    const [entry, value] = resolveEntry(key, overrides, broker);
    entries.set(key.name, entry);
    values.set(key.name, value);
  }
  return { config: typedTopicConfig(values), entries };
}

const NO_BROKER_SETTINGS: BrokerConfigLayers = { originals: new Map() };

/**
 * Checks topic configs as CreateTopics, AlterConfigs and `tk topics --create --config` must:
 * every name known (else Kafka's `Unknown topic config name: <name>`), every value valid, and
 * the combinations Kafka refuses (min.compaction.lag.ms above max.compaction.lag.ms, tiered
 * storage, which tk does not have). Values not given are taken from the broker when one is
 * passed, as Kafka's controller does. Returns every problem found; empty when all is well.
 */
export function validateTopicConfigs(configs: ReadonlyMap<string, string>, broker: BrokerConfigLayers = NO_BROKER_SETTINGS): ConfigError[] {
  const errors: ConfigError[] = [];
  const known = new Map<string, string>();
  for (const [name, raw] of configs) {
    const key = TOPIC_CONFIG_DEF.key(name);
    if (key === undefined) {
      errors.push(new ConfigError(`Unknown topic config name: ${name}`, name, raw));
      continue;
    }
    try {
      parseValue(key, raw);
      known.set(name, raw);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      errors.push(e);
    }
  }
  if (errors.length > 0) return errors;

  let effective: TopicConfig;
  try {
    effective = effectiveTopicConfig(known, broker).config;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return [e];
  }
  if (effective.minCompactionLagMs > effective.maxCompactionLagMs) {
    const min = formatValue('long', effective.minCompactionLagMs);
    const max = formatValue('long', effective.maxCompactionLagMs);
    errors.push(new ConfigError(`conflict topic config setting min.compaction.lag.ms (${min}) > max.compaction.lag.ms (${max})`, 'min.compaction.lag.ms', min));
  }
  if (effective.remoteStorageEnable) {
    errors.push(
      new ConfigError('Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.', 'remote.storage.enable', configs.get('remote.storage.enable') ?? null),
    );
  }
  return errors;
}

/** Parses one topic config value (for tools that show or compare a single value). Throws ConfigError. */
export function parseTopicConfigValue(name: string, raw: string): ConfigValue {
  const key = TOPIC_CONFIG_DEF.key(name);
  if (key === undefined) throw new ConfigError(`Unknown topic config name: ${name}`, name, raw);
  return parseValue(key, raw);
}
