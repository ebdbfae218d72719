// kafka-get-offsets.sh's argument rules (GetOffsetShell), as pure functions: which offset --time
// names, and which topic-partitions --topic/--partitions or --topic-partitions select.
import type { OffsetSpec } from '../client/admin.js';
import { TopicCommandError, topicFilter } from './topics-options.js';

/** A refusal GetOffsetShell prints as `Error occurred: MESSAGE` on stderr, exit 1. */
export class GetOffsetsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GetOffsetsError';
  }
}

export interface GetOffsetsOptions {
  topic?: string;
  partitions?: string;
  topicPartitions?: string;
  /** Default `latest`. */
  time?: string;
}

/** Selects topics by name, then partitions of a selected topic. */
export interface TopicPartitionFilter {
  isTopicAllowed(topic: string): boolean;
  isTopicPartitionAllowed(topic: string, partition: number): boolean;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INT32_MAX = 2 ** 31 - 1;

const NAMED_TIMES: Readonly<Record<string, OffsetSpec>> = {
  latest: 'latest',
  earliest: 'earliest',
  'max-timestamp': 'max-timestamp',
  'earliest-local': 'earliest-local',
  'latest-tiered': 'latest-tiered',
};

const SPECIAL_TIMESTAMPS: ReadonlyMap<bigint, OffsetSpec> = new Map<bigint, OffsetSpec>([
  [-1n, 'latest'],
  [-2n, 'earliest'],
  [-3n, 'max-timestamp'],
  [-4n, 'earliest-local'],
  [-5n, 'latest-tiered'],
]);

/** The rule grammar GetOffsetShell prints in its help: `topic-regex(:partition|:from-to)?`. */
export const TOPIC_PARTITION_PATTERN = '([^:,]*)(?::(?:([0-9]*)|(?:([0-9]*)-([0-9]*))))?';
const RULE = new RegExp(`^${TOPIC_PARTITION_PATTERN}$`);

/** Java's Long.parseLong: an optional sign and decimal digits, within 64 bits. */
function parseJavaLong(raw: string): bigint | null {
  if (!/^[+-]?\d+$/.test(raw)) return null;
  const value = BigInt(raw);
  return value < INT64_MIN || value > INT64_MAX ? null : value;
}

/** Java's Integer.parseInt, throwing its NumberFormatException message. */
function parseJavaInt(raw: string): number {
  const value = /^[+-]?\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < -(2 ** 31) || value > INT32_MAX) throw new GetOffsetsError(`For input string: "${raw}"`);
  return value;
}

/** --time: a name, one of the special negative timestamps, or a timestamp in ms. */
export function parseOffsetSpec(raw: string): OffsetSpec {
  const named = NAMED_TIMES[raw];
  if (named !== undefined) return named;
  const timestamp = parseJavaLong(raw);
  if (timestamp === null) {
    throw new GetOffsetsError(
      `Malformed time argument ${raw}. Please use -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered, or a specified long format timestamp`,
    );
  }
  return SPECIAL_TIMESTAMPS.get(timestamp) ?? timestamp;
}

/** A topic regex as Kafka's IncludeList reads it, matched against whole names. */
function includeList(raw: string): (topic: string) => boolean {
  try {
    return topicFilter(raw);
  } catch (err) {
    if (err instanceof TopicCommandError) throw new GetOffsetsError(err.message);
    throw err;
  }
}

/** --topic (regex, default all) and --partitions (ids, default all). */
export function topicAndPartitionsFilter(topic: string | undefined, partitions: string | undefined): TopicPartitionFilter {
  const allowed = includeList(topic ?? '.*');
  let ids = new Set<number>();
  if (partitions !== undefined && partitions !== '') {
    try {
      ids = new Set(partitions.split(',').map(parseJavaInt));
    } catch {
      throw new GetOffsetsError(`--partitions expects a comma separated list of numeric partition ids, but received: ${partitions}`);
    }
  }
  return {
    isTopicAllowed: allowed,
    isTopicPartitionAllowed: (t, p) => allowed(t) && (ids.size === 0 || ids.has(p)),
  };
}

/** One --topic-partitions rule: `regex`, `regex:N`, `regex:N-M` (M exclusive), `regex:N-`, `regex:-M`, `:N`. */
function ruleFilter(rule: string): TopicPartitionFilter {
  const m = RULE.exec(rule);
  // Kafka wraps this TerseException in a RuntimeException, whose message is the wrapped exception's toString.
  if (!m) throw new GetOffsetsError(`org.apache.kafka.tools.TerseException: Invalid rule specification: ${rule}`);
  const group = (i: number): string | null => (m[i] === undefined || m[i] === '' ? null : m[i]!);
  const allowed = includeList(group(1) ?? '.*');
  let partitionAllowed: (p: number) => boolean;
  const single = group(2);
  if (single !== null) {
    const only = parseJavaInt(single);
    partitionAllowed = (p) => p === only;
  } else {
    const lower = group(3) === null ? 0 : parseJavaInt(group(3)!);
    const upper = group(4) === null ? INT32_MAX : parseJavaInt(group(4)!);
    partitionAllowed = (p) => p >= lower && p < upper;
  }
  return { isTopicAllowed: allowed, isTopicPartitionAllowed: (t, p) => allowed(t) && partitionAllowed(p) };
}

/** --topic-partitions: comma-separated rules; a partition is selected when any rule selects it. */
export function topicPartitionsFilter(spec: string): TopicPartitionFilter {
  // Java's split drops trailing empty strings; an empty spec is one empty rule (every topic).
  const parts = spec.split(',');
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  const rules = parts.map(ruleFilter);
  return {
    isTopicAllowed: (t) => rules.some((r) => r.isTopicAllowed(t)),
    isTopicPartitionAllowed: (t, p) => rules.some((r) => r.isTopicPartitionAllowed(t, p)),
  };
}

/** The checks GetOffsetShell makes before it connects, in its order. */
export function checkGetOffsetsOptions(o: GetOffsetsOptions): { spec: OffsetSpec; filter: TopicPartitionFilter } {
  if (o.topicPartitions !== undefined && (o.topic !== undefined || o.partitions !== undefined)) {
    throw new GetOffsetsError('--topic-partitions cannot be used with --topic or --partitions');
  }
  const spec = parseOffsetSpec(o.time ?? 'latest');
  const filter = o.topicPartitions !== undefined ? topicPartitionsFilter(o.topicPartitions) : topicAndPartitionsFilter(o.topic, o.partitions);
  return { spec, filter };
}
