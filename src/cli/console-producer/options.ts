// kafka-console-producer.sh's flags and producer properties → tk's ProducerOptions, with
// ConsoleProducer.producerProps' precedence: --producer.config, then --producer-property, then
// the dedicated flags. A dedicated flag wins when given; when not given, its default applies only
// if the properties do not set the key (CommandLineUtils.maybeMergeOptions). --compression-codec
// always wins: Kafka puts its value (`none` when absent) over any compression.type.
// Values are then checked as Kafka's ProducerConfig checks them, with its messages.
import { atLeast, between, ConfigError, oneOf, parseTyped, type Validator } from '../../config/config-def.js';
import type { ProducerOptions } from '../../client/producer.js';
import { clientSettingsFrom, resolveBootstrap } from '../common-flags.js';

/** A value the option parser (joptsimple in Kafka) rejects: Kafka prints the bare message. */
export class OptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionError';
  }
}

/** Kafka's ConfigException from the producer's constructor, or a setting tk cannot honour. */
export class ProducerConfigError extends Error {
  readonly javaClass = 'org.apache.kafka.common.config.ConfigException';
  constructor(message: string) {
    super(message);
    this.name = 'ProducerConfigError';
  }
}

/** The dedicated flags as typed on the command line; undefined when not given. */
export interface ConsoleProducerFlags {
  /** '' for the bare flag (gzip). */
  compressionCodec?: string;
  batchSize?: string;
  maxPartitionMemoryBytes?: string;
  requestRequiredAcks?: string;
  requestTimeoutMs?: string;
  messageSendMaxRetries?: string;
  retryBackoffMs?: string;
  timeout?: string;
  maxMemoryBytes?: string;
}

type FlagType = 'int' | 'long' | 'string';

/** Dedicated flag → producer key, its joptsimple type and default, in the order Kafka merges them. */
const MERGED_FLAGS: readonly { flag: keyof ConsoleProducerFlags; option: string; key: string; type: FlagType; default: string }[] = [
  { flag: 'timeout', option: 'timeout', key: 'linger.ms', type: 'long', default: '1000' },
  { flag: 'requestRequiredAcks', option: 'request-required-acks', key: 'acks', type: 'string', default: '-1' },
  { flag: 'requestTimeoutMs', option: 'request-timeout-ms', key: 'request.timeout.ms', type: 'int', default: '1500' },
  { flag: 'messageSendMaxRetries', option: 'message-send-max-retries', key: 'retries', type: 'int', default: '3' },
  { flag: 'retryBackoffMs', option: 'retry-backoff-ms', key: 'retry.backoff.ms', type: 'long', default: '100' },
  { flag: 'maxMemoryBytes', option: 'max-memory-bytes', key: 'buffer.memory', type: 'long', default: String(32 * 1024 * 1024) },
  // Two flags set batch.size; the second wins when both are given (KIP-717).
  { flag: 'batchSize', option: 'batch-size', key: 'batch.size', type: 'int', default: '16384' },
  { flag: 'maxPartitionMemoryBytes', option: 'max-partition-memory-bytes', key: 'batch.size', type: 'int', default: '16384' },
];

const JAVA_BOUNDS = { int: 2n ** 31n, long: 2n ** 63n } as const;

/** joptsimple's conversion to Integer/Long: an optional sign and digits, within range. */
function checkFlagValue(option: string, type: FlagType, value: string): void {
  if (type === 'string') return;
  const bound = JAVA_BOUNDS[type];
  const ok = /^[+-]?\d+$/.test(value) && BigInt(value) >= -bound && BigInt(value) < bound;
  if (!ok) throw new OptionError(`Cannot parse argument '${value}' of option ${option}`);
}

/** ConsoleProducer.producerProps: the properties the producer is built from. */
export function mergeProducerProperties(fileProps: ReadonlyMap<string, string>, propertyFlags: ReadonlyMap<string, string>, flags: ConsoleProducerFlags): Map<string, string> {
  const props = new Map(fileProps);
  for (const [k, v] of propertyFlags) props.set(k, v);
  const codec = flags.compressionCodec;
  props.set('compression.type', codec === undefined ? 'none' : codec === '' ? 'gzip' : codec);
  if (!props.has('client.id')) props.set('client.id', 'console-producer');
  for (const merged of MERGED_FLAGS) {
    const given = flags[merged.flag];
    if (given !== undefined) checkFlagValue(merged.option, merged.type, given);
    if (given !== undefined || !props.has(merged.key)) props.set(merged.key, given ?? merged.default);
  }
  return props;
}

interface ProducerKey<T extends 'int' | 'long' | 'string' | 'boolean'> {
  type: T;
  validator?: Validator<T extends 'string' ? string : T extends 'boolean' ? boolean : number>;
}

// ProducerConfig's definitions of the keys tk maps (types, validators and defaults as in Kafka 3.9).
const KEYS = {
  acks: { type: 'string', validator: oneOf('all', '-1', '0', '1') },
  'compression.type': { type: 'string', validator: oneOf('none', 'gzip', 'snappy', 'lz4', 'zstd') },
  'batch.size': { type: 'int', validator: atLeast(0) },
  'linger.ms': { type: 'long', validator: atLeast(0) },
  'request.timeout.ms': { type: 'int', validator: atLeast(0) },
  retries: { type: 'int', validator: between(0, 2 ** 31 - 1) },
  'retry.backoff.ms': { type: 'long', validator: atLeast(0) },
  'retry.backoff.max.ms': { type: 'long', validator: atLeast(0) },
  'buffer.memory': { type: 'long', validator: atLeast(0) },
  'max.request.size': { type: 'int', validator: atLeast(0) },
  'delivery.timeout.ms': { type: 'int', validator: atLeast(0) },
  'max.in.flight.requests.per.connection': { type: 'int', validator: atLeast(1) },
  'enable.idempotence': { type: 'boolean' },
  'client.id': { type: 'string' },
} as const satisfies Record<string, ProducerKey<'int' | 'long' | 'string' | 'boolean'>>;

type KeyName = keyof typeof KEYS;
type KeyValue<K extends KeyName> = (typeof KEYS)[K]['type'] extends 'string' ? string : (typeof KEYS)[K]['type'] extends 'boolean' ? boolean : number;

function read<K extends KeyName>(props: ReadonlyMap<string, string>, name: K): KeyValue<K> | undefined {
  const raw = props.get(name);
  if (raw === undefined) return undefined;
  const key = KEYS[name] as ProducerKey<'int' | 'long' | 'string' | 'boolean'>;
  try {
    const value = parseTyped(name, key.type, raw);
    const problem = (key.validator as Validator<typeof value> | undefined)?.check(value) ?? null;
    if (problem !== null) throw ConfigError.invalidValue(name, raw, problem);
    return value as KeyValue<K>;
  } catch (err) {
    if (err instanceof ConfigError) throw new ProducerConfigError(err.message);
    throw err;
  }
}

export interface ProducerSettings {
  bootstrap: string;
  options: ProducerOptions & { compression: NonNullable<ProducerOptions['compression']>; acks: 0 | 1 | -1 };
}

/** The merged properties as ProducerOptions; throws ProducerConfigError as KafkaProducer's constructor would. */
export function producerSettingsFrom(props: ReadonlyMap<string, string>, bootstrapFlag: string | undefined): ProducerSettings {
  if (props.get('transactional.id')) throw new ProducerConfigError('transactional.id is not supported by tk console-producer: its producer is not transactional');
  if (read(props, 'enable.idempotence') === true) {
    throw new ProducerConfigError('enable.idempotence=true is not supported yet: tk console-producer sends without a producer id');
  }
  const fileBootstrap = props.get('bootstrap.servers');
  const bootstrap = bootstrapFlag ?? (fileBootstrap !== undefined && fileBootstrap.trim() !== '' ? fileBootstrap : resolveBootstrap(undefined));
  // Refuses what the connection layer cannot do (SSL); carries the SASL identity.
  const { sasl } = clientSettingsFrom(props, bootstrap);

  const acks = read(props, 'acks') ?? 'all';
  const lingerMs = read(props, 'linger.ms') ?? 0;
  const requestTimeoutMs = read(props, 'request.timeout.ms') ?? 30_000;
  let deliveryTimeoutMs = read(props, 'delivery.timeout.ms');
  const lingerAndRequestTimeout = Math.min(lingerMs + requestTimeoutMs, 2 ** 31 - 1);
  if (deliveryTimeoutMs === undefined) deliveryTimeoutMs = Math.max(120_000, lingerAndRequestTimeout);
  else if (deliveryTimeoutMs < lingerAndRequestTimeout) throw new ProducerConfigError('delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms');
  const clientId = read(props, 'client.id');
  const compression = (read(props, 'compression.type') ?? 'none') as 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
  return {
    bootstrap,
    options: {
      clientId: clientId === undefined || clientId === '' ? 'producer-1' : clientId,
      acks: acks === 'all' ? -1 : (Number(acks) as 0 | 1 | -1),
      compression,
      // batch.size 0 means no batching: Kafka uses batches of one byte, i.e. one record each.
      batchSize: Math.max(1, read(props, 'batch.size') ?? 16_384),
      lingerMs,
      requestTimeoutMs,
      retries: read(props, 'retries') ?? 2 ** 31 - 1,
      retryBackoffMs: read(props, 'retry.backoff.ms') ?? 100,
      retryBackoffMaxMs: read(props, 'retry.backoff.max.ms') ?? 1000,
      bufferMemory: read(props, 'buffer.memory') ?? 32 * 1024 * 1024,
      maxRequestSize: read(props, 'max.request.size') ?? 1_048_576,
      deliveryTimeoutMs,
      maxInFlight: read(props, 'max.in.flight.requests.per.connection') ?? 5,
      sasl: sasl ?? null,
    },
  };
}

/**
 * `--compression-codec` takes an optional value in Kafka: bare (followed by nothing or by another
 * option) it means gzip. oclif flags always take one, so the bare form is rewritten first.
 */
export function expandBareCompressionCodec(argv: readonly string[]): string[] {
  return argv.map((arg, i) => {
    if (arg !== '--compression-codec') return arg;
    const next = argv[i + 1];
    return next === undefined || next.startsWith('-') ? '--compression-codec=' : arg;
  });
}
