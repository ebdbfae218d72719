// What `tk delete-records` prints: kafka-delete-records.sh's lines (DeleteRecordsCommand), or the
// same facts as JSON. Kafka prints per-partition results in the iteration order of the Java
// HashMap its Admin returns, so that order is reproduced here; the helpers for Java's hash order
// and exception names are shared with the other small tools (get-offsets, log-dirs).

export interface DeleteRecordsOutcome {
  topic: string;
  partition: number;
  /** The new log start offset; null when the partition failed. */
  lowWatermark: bigint | null;
  /** `org.apache.kafka.common.errors.X: message` when the partition failed. */
  error: string | null;
}

// ---- Java's hash order ----

/** java.lang.String.hashCode over UTF-16 code units. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** org.apache.kafka.common.TopicPartition.hashCode. */
export function topicPartitionHash(tp: { topic: string; partition: number }): number {
  return (Math.imul(31, (31 + tp.partition) | 0) + javaStringHash(tp.topic)) | 0;
}

/** java.lang.Integer.hashCode. */
export const integerHash = (n: number): number => n | 0;

/**
 * The table size of a java.util.HashMap holding `size` entries: created with `initialCapacity`
 * (absent: the default 16) and doubled whenever the entries pass three quarters of it.
 */
export function javaHashMapCapacity(size: number, initialCapacity?: number): number {
  let capacity = 1;
  while (capacity < (initialCapacity ?? 16)) capacity *= 2;
  while (size > Math.floor(capacity * 0.75)) capacity *= 2;
  return capacity;
}

/** The capacity `new HashSet<>(collection)` starts with for a collection of `size`. */
export const javaHashSetCopyCapacity = (size: number): number => javaHashMapCapacity(size, Math.max(Math.floor(size / 0.75) + 1, 16));

/**
 * The iteration order of a HashMap of table size `capacity` into which `items` were put in this
 * order: by bucket (the spread hash masked to the table), then by insertion within a bucket,
 * oldest first for put, newest first for computeIfAbsent (which links a new entry at the head).
 */
export function javaHashOrder<T>(items: readonly T[], hash: (item: T) => number, capacity: number, insertion: 'put' | 'computeIfAbsent' = 'put'): T[] {
  const bucket = (item: T): number => {
    const h = hash(item);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  const direction = insertion === 'put' ? 1 : -1;
  return items
    .map((item, index) => ({ item, index, bucket: bucket(item) }))
    .sort((a, b) => a.bucket - b.bucket || direction * (a.index - b.index))
    .map((e) => e.item);
}

// ---- Java exception names ----

const EXCEPTION_CLASS: Readonly<Record<string, string>> = {
  REQUEST_TIMED_OUT: 'TimeoutException',
  CORRUPT_MESSAGE: 'CorruptRecordException',
};

/** The class Kafka's Errors enum throws for an error name, e.g. OFFSET_OUT_OF_RANGE → …OffsetOutOfRangeException. */
export function javaExceptionClass(errorName: string): string {
  const stem = errorName.replace(/_(AUTHORIZATION)_FAILED$/, '_$1').replace(/_(ERROR|EXCEPTION)$/, '');
  const simple = EXCEPTION_CLASS[errorName] ?? `${stem.toLowerCase().replace(/(^|_)([a-z])/g, (_, __: string, c: string) => c.toUpperCase())}Exception`;
  return `org.apache.kafka.common.errors.${simple}`;
}

// ---- delete-records ----

/** The order of the HashMap DeleteRecordsCommand parses the file into (with computeIfAbsent, in file order). */
export function parsedOffsetsOrder<T extends { topic: string; partition: number }>(inFileOrder: readonly T[]): T[] {
  return javaHashOrder(inFileOrder, topicPartitionHash, javaHashMapCapacity(inFileOrder.length), 'computeIfAbsent');
}

/**
 * The order DeleteRecordsCommand prints results in: the partitions pass from the parsed file
 * through a HashMap, a HashSet copy, and the HashMap of futures.
 */
export function deleteRecordsResultOrder<T extends { topic: string; partition: number }>(inFileOrder: readonly T[]): T[] {
  const n = inFileOrder.length;
  const parsed = parsedOffsetsOrder(inFileOrder);
  const copied = javaHashOrder(parsed, topicPartitionHash, javaHashSetCopyCapacity(n));
  return javaHashOrder(copied, topicPartitionHash, javaHashMapCapacity(n));
}

/** Printed before the request goes out, so it stands even when the request fails. */
export const EXECUTING_LINE = 'Executing records delete operation\n';

/** What follows EXECUTING_LINE once the results are in. */
export function renderDeleteRecordsText(outcomes: readonly DeleteRecordsOutcome[]): string {
  const lines = outcomes.map((o) =>
    o.error === null ? `partition: ${o.topic}-${o.partition}\tlow_watermark: ${o.lowWatermark}\n` : `partition: ${o.topic}-${o.partition}\terror: ${o.error}\n`,
  );
  return `Records delete operation completed:\n${lines.join('')}`;
}

export function renderDeleteRecordsJson(outcomes: readonly DeleteRecordsOutcome[]): string {
  return `${JSON.stringify({
    partitions: outcomes.map((o) =>
      o.error === null ? { topic: o.topic, partition: o.partition, lowWatermark: Number(o.lowWatermark) } : { topic: o.topic, partition: o.partition, error: o.error },
    ),
  })}\n`;
}
