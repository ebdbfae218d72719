// What `tk log-dirs --describe` prints: kafka-log-dirs.sh's two progress lines and its one JSON
// line, whose maps Kafka builds as Java HashMaps: keys, brokers, log dirs and partitions appear
// in those maps' iteration order, reproduced here.
import { integerHash, javaHashMapCapacity, javaHashOrder, javaStringHash, topicPartitionHash } from './java.js';

export interface ReplicaView {
  topic: string;
  partition: number;
  size: bigint;
  offsetLag: bigint;
  isFuture: boolean;
}

export interface LogDirView {
  logDir: string;
  /** The Java exception class of the dir's error, null when it has none. */
  error: string | null;
  /** In the broker's response order. */
  replicas: readonly ReplicaView[];
}

export interface BrokerLogDirsView {
  broker: number;
  /** In the broker's response order. */
  logDirs: readonly LogDirView[];
}

/**
 * The JSON document's keys, in the order Jackson writes each HashMap (checked against Java in the
 * unit test). Kafka 3.5+ (the Java tool) writes a log dir's partitions before its name.
 */
export const KEY_ORDER = {
  root: ['brokers', 'version'],
  broker: ['broker', 'logDirs'],
  logDir: ['partitions', 'error', 'logDir'],
  partition: ['partition', 'size', 'offsetLag', 'isFuture'],
} as const;

/** The JSON line's structure, with each map's entries in Kafka's order; `topics` filters partitions (empty: all). */
export function logDirsDocument(brokers: readonly BrokerLogDirsView[], topics: ReadonlySet<string>): unknown {
  const brokerOrder = javaHashOrder(brokers, (b) => integerHash(b.broker), javaHashMapCapacity(brokers.length, brokers.length));
  return {
    brokers: brokerOrder.map((b) => ({
      broker: b.broker,
      logDirs: javaHashOrder(b.logDirs, (d) => javaStringHash(d.logDir), javaHashMapCapacity(b.logDirs.length, b.logDirs.length)).map((d) => {
        const all = javaHashOrder(d.replicas, topicPartitionHash, javaHashMapCapacity(d.replicas.length));
        const kept = all.filter((r) => topics.size === 0 || topics.has(r.topic));
        return {
          partitions: javaHashOrder(kept, topicPartitionHash, javaHashMapCapacity(kept.length)).map((r) => ({
            partition: `${r.topic}-${r.partition}`,
            size: r.size,
            offsetLag: r.offsetLag,
            isFuture: r.isFuture,
          })),
          error: d.error,
          logDir: d.logDir,
        };
      }),
    })),
    version: 1,
  };
}

/** Compact JSON with 64-bit integers written whole, as Jackson writes longs. */
function toJson(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Printed before the brokers are asked, so it stands even when asking fails. */
export const QUERYING_LINE = 'Querying brokers for log directories information\n';

/** What follows QUERYING_LINE once every broker answered. */
export function renderLogDirsText(queried: readonly number[], brokers: readonly BrokerLogDirsView[], topics: ReadonlySet<string>): string {
  return `Received log directory information from brokers ${queried.join(',')}\n${toJson(logDirsDocument(brokers, topics))}\n`;
}

/** --output json: the same document Kafka prints on its last line, alone. */
export function renderLogDirsJson(brokers: readonly BrokerLogDirsView[], topics: ReadonlySet<string>): string {
  return `${toJson(logDirsDocument(brokers, topics))}\n`;
}
