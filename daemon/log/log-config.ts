// The per-topic settings the log layer obeys, as a plain object: src/config parses and validates
// the Kafka property names (segment.bytes, retention.ms, ...) and hands the log this shape.
// Numbers are milliseconds or bytes.

export type CleanupPolicy = 'delete' | 'compact';
export type MessageTimestampType = 'CreateTime' | 'LogAppendTime';

export interface LogConfig {
  /** segment.bytes: roll the active segment before it grows past this. */
  segmentBytes: number;
  /** segment.ms: roll once the active segment's first batch is this old. */
  segmentMs: number;
  /** segment.index.bytes: the largest an index file may grow; a full index rolls the segment. */
  segmentIndexBytes: number;
  /** index.interval.bytes: log bytes between two offset index entries. */
  indexIntervalBytes: number;
  /** retention.ms, -1 for no time limit. */
  retentionMs: number;
  /** retention.bytes, -1 for no size limit. */
  retentionBytes: number;
  cleanupPolicy: CleanupPolicy[];
  /** delete.retention.ms: how long a compacted tombstone stays readable. */
  deleteRetentionMs: number;
  /** min.compaction.lag.ms: records younger than this are never compacted. */
  minCompactionLagMs: number;
  /** max.message.bytes: the largest record batch accepted. */
  maxMessageBytes: number;
  messageTimestampType: MessageTimestampType;
  messageTimestampBeforeMaxMs: number;
  messageTimestampAfterMaxMs: number;
  /** flush.messages: fsync after this many appended messages. */
  flushMessages: number;
  /** flush.ms: fsync when the last one is this long ago. */
  flushMs: number;
  /** file.delete.delay.ms: how long a deleted segment's files linger for reads still using them. */
  fileDeleteDelayMs: number;
}

/** Kafka's "Long.MAX_VALUE": a limit that is never reached. */
export const NO_LIMIT = Number.MAX_SAFE_INTEGER;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Kafka 4.0's topic defaults. */
export function defaultLogConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return {
    segmentBytes: 1024 * 1024 * 1024,
    segmentMs: 7 * DAY_MS,
    segmentIndexBytes: 10 * 1024 * 1024,
    indexIntervalBytes: 4096,
    retentionMs: 7 * DAY_MS,
    retentionBytes: -1,
    cleanupPolicy: ['delete'],
    deleteRetentionMs: DAY_MS,
    minCompactionLagMs: 0,
    // 1 MiB of records plus the 12-byte log overhead, as Kafka sizes it.
    maxMessageBytes: 1024 * 1024 + 12,
    messageTimestampType: 'CreateTime',
    messageTimestampBeforeMaxMs: NO_LIMIT,
    // KIP-1030 (Kafka 4.0): timestamps more than an hour in the future are refused.
    messageTimestampAfterMaxMs: 60 * 60 * 1000,
    flushMessages: NO_LIMIT,
    flushMs: NO_LIMIT,
    fileDeleteDelayMs: 60_000,
    ...overrides,
  };
}

export function isCompacted(config: LogConfig): boolean {
  return config.cleanupPolicy.includes('compact');
}

export function hasDeleteRetention(config: LogConfig): boolean {
  return config.cleanupPolicy.includes('delete');
}
