// tk console-consumer's flags turned into what the consume loop needs, checked in the order
// and with the messages of Kafka's ConsoleConsumerOptions. With a group (--group, or group.id in
// the consumer properties) the topic is subscribed through the group and offsets are committed;
// without one every partition of the topic (or the one --partition) is assigned, nothing committed.
import type { Assignor } from '../../client/assignors.js';
import type { ConsumerOptions, IsolationLevel, StartOffset } from '../../client/consumer.js';
import { UserError } from '../base-command.js';
import { booleanProperty, intProperty } from '../consumer-properties.js';
import { clientSettingsFrom, clusterOptions, parseKeyValueFlags, readPropertiesFile, resolveBootstrap, type ClientSettings, type OutputFormat } from '../common-flags.js';
import { javaHashMapCapacity, javaHashOrder, javaStringHash } from '../render/java.js';
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
  group?: string;
  output: string;
}

/** How the consumer takes part in its group; the names follow Kafka's consumer configs. */
export interface GroupSettings {
  groupId: string;
  groupInstanceId: string | null;
  autoCommit: boolean;
  autoCommitIntervalMs: number | undefined;
  sessionTimeoutMs: number | undefined;
  heartbeatIntervalMs: number | undefined;
  maxPollIntervalMs: number | undefined;
  metadataMaxAgeMs: number | undefined;
  assignors: Assignor[] | undefined;
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
  /** null: no group, every partition assigned and nothing committed. */
  group: GroupSettings | null;
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

  const fileProps = flags['consumer.config'] === undefined ? new Map<string, string>() : await readPropertiesFile(flags['consumer.config'], 'consumer.config');
  const extraProps = parseKeyValueFlags(flags['consumer-property'], 'consumer-property');
  const props = new Map([...fileProps, ...extraProps]);
  const groupId = checkConsumerGroup(flags.group, fileProps, extraProps, partition);
  if (groupId !== null && flags['from-time'] !== undefined) throw usage('Options from-time and group cannot be specified together.');
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
      ...clusterOptions(client, 'console-consumer'),
      minBytes: intProperty(props, 'fetch.min.bytes'),
      maxWaitMs: intProperty(props, 'fetch.max.wait.ms'),
      maxBytes: intProperty(props, 'fetch.max.bytes'),
      maxPartitionBytes: intProperty(props, 'max.partition.fetch.bytes'),
      isolationLevel,
      autoOffsetReset,
    },
    allowAutoTopicCreation: booleanProperty(props, 'allow.auto.create.topics') ?? true,
    group: groupId === null ? null : await groupSettings(groupId, props),
  };
}

/**
 * ConsoleConsumerOptions.checkConsumerGroup: --group, group.id in --consumer.config and in
 * --consumer-property must agree (listed in a Java HashSet's order when they do not), and a
 * group cannot go with --partition. Returns the group id, or null without one.
 */
function checkConsumerGroup(group: string | undefined, fileProps: ReadonlyMap<string, string>, extraProps: ReadonlyMap<string, string>, partition: number | undefined): string | null {
  const given = new Set<string>();
  for (const id of [group, fileProps.get('group.id'), extraProps.get('group.id')]) if (id !== undefined) given.add(id);
  if (given.size > 1) {
    const ids = javaHashOrder([...given], javaStringHash, javaHashMapCapacity(given.size)).map((g) => `'${g}'`).join(', ');
    throw usage(`The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: ${ids}`);
  }
  if (given.size > 0 && partition !== undefined) throw usage('Options group and partition cannot be specified together.');
  return given.size === 0 ? null : [...given][0];
}

async function groupSettings(groupId: string, props: ReadonlyMap<string, string>): Promise<GroupSettings> {
  const strategy = props.get('partition.assignment.strategy');
  let assignors: Assignor[] | undefined;
  if (strategy !== undefined) {
    const { assignorNamed } = await import('../../client/assignors.js');
    assignors = strategy.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map((name) => {
      const assignor = assignorNamed(name);
      if (!assignor) throw new UserError(`Invalid value ${strategy} for configuration partition.assignment.strategy: Class ${name} cannot be found`);
      return assignor;
    });
  }
  const instanceId = props.get('group.instance.id');
  return {
    groupId,
    groupInstanceId: instanceId === undefined || instanceId === '' ? null : instanceId,
    autoCommit: booleanProperty(props, 'enable.auto.commit') ?? true,
    autoCommitIntervalMs: intProperty(props, 'auto.commit.interval.ms'),
    sessionTimeoutMs: intProperty(props, 'session.timeout.ms'),
    heartbeatIntervalMs: intProperty(props, 'heartbeat.interval.ms'),
    maxPollIntervalMs: intProperty(props, 'max.poll.interval.ms'),
    metadataMaxAgeMs: intProperty(props, 'metadata.max.age.ms'),
    assignors,
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

