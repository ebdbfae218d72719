// tk consumer-perf-test's options, checked as ConsumerPerformance's (joptsimple, Kafka 3.9) with
// its messages, and the consumer properties it builds: --consumer.config, then the tool's own
// group.id, max.partition.fetch.bytes (--fetch-size), receive.buffer.bytes, auto.offset.reset
// (earliest unless --from-latest) and client.id (perf-consumer-client unless set).
import type { GroupConsumerOptions } from '../../client/group-consumer.js';
import { booleanProperty, intProperty } from '../consumer-properties.js';
import { clientSettingsFrom, clusterOptions, readPropertiesFile, resolveBootstrap } from '../common-flags.js';

/** A joptsimple or CommandLineUtils error: Kafka prints the message, then the option table. */
export class ConsumerPerfUsageError extends Error {
  override name = 'ConsumerPerfUsageError';
}

export interface ConsumerPerfFlags {
  'bootstrap-server'?: string;
  'broker-list'?: string;
  topic?: string;
  messages?: string;
  group?: string;
  'fetch-size'?: string;
  'from-latest': boolean;
  'socket-buffer-size'?: string;
  timeout?: string;
  'reporting-interval'?: string;
  'show-detailed-stats': boolean;
  'hide-header': boolean;
  'date-format': string;
  'consumer.config'?: string;
  threads?: string;
  'num-fetch-threads'?: string;
}

export interface ConsumerPerfSettings {
  topic: string;
  numMessages: number;
  timeoutMs: number;
  /** Checked only once the run starts, as Kafka does (after the header). */
  reportingInterval: number;
  dateFormat: string;
  showDetailedStats: boolean;
  hideHeader: boolean;
  /** Kafka 3.9's notice for --threads / --num-fetch-threads, printed first. */
  deprecationWarning: string | null;
  bootstrap: string;
  consumer: GroupConsumerOptions;
  maxPollRecords: number;
}

/** joptsimple's conversion of an Integer or Long argument. */
function javaInteger(option: string, value: string | undefined, type: 'int' | 'long', fallback: number): number {
  if (value === undefined) return fallback;
  const bound = type === 'long' ? 2n ** 63n : 2n ** 31n;
  if (/^[+-]?\d+$/.test(value) && BigInt(value) >= -bound && BigInt(value) < bound) return Number(value);
  throw new ConsumerPerfUsageError(`Cannot parse argument '${value}' of option ${option}`);
}



/** Kafka's default group: `perf-consumer-` and a random number below 100000. */
export function defaultGroupId(random: () => number = Math.random): string {
  return `perf-consumer-${Math.floor(random() * 100_000)}`;
}

export async function consumerPerfSettings(flags: ConsumerPerfFlags): Promise<ConsumerPerfSettings> {
  const fetchSize = javaInteger('fetch-size', flags['fetch-size'], 'int', 1024 * 1024);
  const socketBufferSize = javaInteger('socket-buffer-size', flags['socket-buffer-size'], 'int', 2 * 1024 * 1024);
  javaInteger('threads', flags.threads, 'int', 10);
  javaInteger('num-fetch-threads', flags['num-fetch-threads'], 'int', 1);
  const timeoutMs = javaInteger('timeout', flags.timeout, 'long', 10_000);
  const numMessages = javaInteger('messages', flags.messages, 'long', 0);
  const reportingInterval = javaInteger('reporting-interval', flags['reporting-interval'], 'long', 5_000);
  // CommandLineUtils.checkRequiredArgs: the first missing one, in this order.
  if (flags.topic === undefined) throw new ConsumerPerfUsageError('Missing required argument "[topic]"');
  if (flags.messages === undefined) throw new ConsumerPerfUsageError('Missing required argument "[messages]"');

  const props = flags['consumer.config'] === undefined ? new Map<string, string>() : await readPropertiesFile(flags['consumer.config'], 'consumer.config');
  const bootstrap = resolveBootstrap(flags['bootstrap-server'] ?? flags['broker-list']);
  props.set('group.id', flags.group ?? defaultGroupId());
  props.set('receive.buffer.bytes', String(socketBufferSize));
  props.set('max.partition.fetch.bytes', String(fetchSize));
  props.set('auto.offset.reset', flags['from-latest'] ? 'latest' : 'earliest');
  if (!props.get('client.id')) props.set('client.id', 'perf-consumer-client');
  const client = clientSettingsFrom(props, bootstrap);
  return {
    topic: flags.topic,
    numMessages,
    timeoutMs,
    reportingInterval,
    dateFormat: flags['date-format'],
    showDetailedStats: flags['show-detailed-stats'],
    hideHeader: flags['hide-header'],
    deprecationWarning:
      flags.threads !== undefined || flags['num-fetch-threads'] !== undefined ? 'WARNING: option [threads] and [num-fetch-threads] have been deprecated and will be ignored by the test' : null,
    bootstrap,
    maxPollRecords: intProperty(props, 'max.poll.records') ?? 500,
    consumer: {
      ...clusterOptions(client, 'perf-consumer-client'),
      groupId: props.get('group.id')!,
      minBytes: intProperty(props, 'fetch.min.bytes'),
      maxWaitMs: intProperty(props, 'fetch.max.wait.ms'),
      maxBytes: intProperty(props, 'fetch.max.bytes'),
      maxPartitionBytes: fetchSize,
      autoOffsetReset: flags['from-latest'] ? 'latest' : 'earliest',
      autoCommit: booleanProperty(props, 'enable.auto.commit'),
      autoCommitIntervalMs: intProperty(props, 'auto.commit.interval.ms'),
      sessionTimeoutMs: intProperty(props, 'session.timeout.ms'),
      heartbeatIntervalMs: intProperty(props, 'heartbeat.interval.ms'),
      rebalanceTimeoutMs: intProperty(props, 'max.poll.interval.ms'),
    },
  };
}
