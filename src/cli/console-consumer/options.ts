// tk console-consumer's flags turned into what the consume loop needs, checked in the order
// and with the messages of Kafka's ConsoleConsumerOptions. Consumer groups are not offered yet:
// every partition of the topic (or the one --partition) is assigned and nothing is committed.
import type { ConsumerOptions, IsolationLevel, StartOffset } from '../../client/consumer.js';
import { UserError } from '../base-command.js';
import { clientSettingsFrom, parseKeyValueFlags, readPropertiesFile, resolveBootstrap, type ClientSettings, type OutputFormat } from '../common-flags.js';
import { formatterConfigFrom, type FormatterConfig } from './formatter.js';

export interface ConsoleConsumerFlags {
  'bootstrap-server'?: string;
  topic?: string;
  include?: string;
  partition?: string;
  offset?: string;
  'from-beginning': boolean;
  'from-time'?: string;
  'max-messages'?: string;
  'timeout-ms'?: string;
  'isolation-level'?: string;
  'skip-message-on-error': boolean;
  property: string[];
  'formatter-config'?: string;
  'consumer-property': string[];
  'consumer.config'?: string;
  output: string;
}

export type TopicSource = { kind: 'topic'; topic: string; partition: number | null } | { kind: 'include'; pattern: RegExp };

export interface ConsoleConsumerSettings {
  client: ClientSettings;
  source: TopicSource;
  /** Where every consumed partition starts; 'none' (auto.offset.reset=none) has no place to start without a group. */
  start: StartOffset | 'none';
  /** null: consume until stopped. */
  maxMessages: number | null;
  /** null: wait for messages forever. */
  timeoutMs: number | null;
  skipMessageOnError: boolean;
  formatter: FormatterConfig;
  output: OutputFormat;
  consumer: ConsumerOptions;
  /** allow.auto.create.topics: a --topic that does not exist is created when the broker allows it, as Kafka's consumer asks. */
  allowAutoTopicCreation: boolean;
}

/** A bad combination or value of flags: the message is Kafka's line, printed alone on stderr. */
export class ConsoleConsumerUsageError extends Error {
  override name = 'ConsoleConsumerUsageError';
}

const usage = (message: string): ConsoleConsumerUsageError => new ConsoleConsumerUsageError(message);

/** joptsimple's conversion of an Integer or Long option argument. */
function integerOption(name: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^[+-]?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || Math.abs(n) > max) throw usage(`Cannot parse argument '${value}' of option ${name}`);
  return n;
}

const INT_MAX = 2 ** 31 - 1;

export async function consoleConsumerSettings(flags: ConsoleConsumerFlags): Promise<ConsoleConsumerSettings> {
  const partition = integerOption('partition', flags.partition, INT_MAX);
  const maxMessages = integerOption('max-messages', flags['max-messages'], INT_MAX);
  const timeoutMs = integerOption('timeout-ms', flags['timeout-ms'], Number.MAX_SAFE_INTEGER);

  if ((flags.topic === undefined) === (flags.include === undefined)) throw usage('Exactly one of --include/--topic is required. ');
  if (partition !== undefined) {
    if (flags.topic === undefined) throw usage('The topic is required when partition is specified.');
    if (flags['from-beginning'] && flags.offset !== undefined) throw usage('Options from-beginning and offset cannot be specified together.');
  } else if (flags.offset !== undefined) {
    throw usage('The partition is required when offset is specified.');
  }
  if (flags['from-time'] !== undefined) {
    if (flags['from-beginning']) throw usage('Options from-time and from-beginning cannot be specified together.');
    if (flags.offset !== undefined) throw usage('Options from-time and offset cannot be specified together.');
  }

  const props = flags['consumer.config'] === undefined ? new Map<string, string>() : await readPropertiesFile(flags['consumer.config'], 'consumer.config');
  for (const [k, v] of parseKeyValueFlags(flags['consumer-property'], 'consumer-property')) props.set(k, v);
  if (props.has('group.id')) {
    throw new UserError('group.id is not supported yet: tk console-consumer reads every partition without a consumer group');
  }
  const reset = props.get('auto.offset.reset');
  if (reset !== undefined && flags['from-beginning'] && reset !== 'earliest') {
    throw usage(`Can't simultaneously specify --from-beginning and 'auto.offset.reset=${reset}', please remove one option`);
  }
  const autoOffsetReset = oneOf('auto.offset.reset', reset ?? (flags['from-beginning'] ? 'earliest' : 'latest'), ['latest', 'earliest', 'none'] as const);
  const isolationLevel: IsolationLevel = oneOf('isolation.level', flags['isolation-level'] ?? props.get('isolation.level') ?? 'read_uncommitted', ['read_committed', 'read_uncommitted'] as const);

  const start = startOffset(flags, partition, autoOffsetReset);
  const formatterProps = flags['formatter-config'] === undefined ? new Map<string, string>() : await readPropertiesFile(flags['formatter-config'], 'formatter-config');
  for (const [k, v] of parseKeyValueFlags(flags.property, 'property')) formatterProps.set(k, v);

  const client = clientSettingsFrom(props, resolveBootstrap(flags['bootstrap-server']));
  return {
    client: { ...client, clientId: client.clientId ?? 'console-consumer' },
    source: flags.topic !== undefined ? { kind: 'topic', topic: flags.topic, partition: partition ?? null } : { kind: 'include', pattern: includePattern(flags.include!) },
    start,
    maxMessages: maxMessages === undefined || maxMessages < 0 ? null : maxMessages,
    timeoutMs: timeoutMs === undefined || timeoutMs < 0 ? null : timeoutMs,
    skipMessageOnError: flags['skip-message-on-error'],
    formatter: formatterConfigFrom(formatterProps),
    output: flags.output === 'json' ? 'json' : 'text',
    consumer: {
      clientId: client.clientId ?? 'console-consumer',
      requestTimeoutMs: client.requestTimeoutMs,
      minBytes: intConfig(props, 'fetch.min.bytes'),
      maxWaitMs: intConfig(props, 'fetch.max.wait.ms'),
      maxBytes: intConfig(props, 'fetch.max.bytes'),
      maxPartitionBytes: intConfig(props, 'max.partition.fetch.bytes'),
      isolationLevel,
      autoOffsetReset,
    },
    allowAutoTopicCreation: oneOf('allow.auto.create.topics', (props.get('allow.auto.create.topics') ?? 'true').trim().toLowerCase(), ['true', 'false'] as const) === 'true',
  };
}

/** Kafka's parseOffset with --partition, else the reset policy (which --from-beginning sets to earliest); --from-time wins over both. */
function startOffset(flags: ConsoleConsumerFlags, partition: number | undefined, reset: 'latest' | 'earliest' | 'none'): StartOffset | 'none' {
  if (flags['from-time'] !== undefined) return { timestamp: parseTime(flags['from-time']) };
  if (partition !== undefined && flags.offset !== undefined) {
    const offset = flags.offset.toLowerCase();
    if (offset === 'earliest' || offset === 'latest') return offset;
    const invalid = usage(`The provided offset value '${flags.offset}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.`);
    if (!/^[+-]?\d+$/.test(flags.offset)) throw invalid;
    const n = BigInt(flags.offset);
    if (n < 0n || n > 2n ** 63n - 1n) throw invalid;
    return n;
  }
  if (partition !== undefined) return flags['from-beginning'] ? 'earliest' : 'latest';
  // Without a group there is no committed offset: the reset policy places every partition.
  return reset;
}

/** Epoch milliseconds, or an ISO-8601 date-time (a date alone is midnight UTC, as Date.parse reads it). */
export function parseTime(value: string): bigint {
  if (/^\d+$/.test(value)) return BigInt(value);
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw usage(`The provided time value '${value}' is incorrect. Valid values are an ISO-8601 date-time (2024-05-01T12:00:00Z) or epoch milliseconds.`);
  return BigInt(ms);
}

/** Java's Pattern.matches: the expression must match the whole topic name. */
function includePattern(source: string): RegExp {
  try {
    return new RegExp(`^(?:${source})$`);
  } catch (err) {
    throw new UserError(`Invalid --include regular expression '${source}': ${(err as Error).message}`);
  }
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UserError(`Invalid value ${value} for configuration ${name}: String must be one of: ${allowed.join(', ')}`);
}

/** An INT consumer config, as Kafka's ConfigDef checks it (a number, at least 0). */
function intConfig(props: ReadonlyMap<string, string>, name: string): number | undefined {
  const raw = props.get(name);
  if (raw === undefined) return undefined;
  const n = /^[+-]?\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n > INT_MAX) throw new UserError(`Invalid value ${raw} for configuration ${name}: Not a number of type INT`);
  if (n < 0) throw new UserError(`Invalid value ${raw} for configuration ${name}: Value must be at least 0`);
  return n;
}
