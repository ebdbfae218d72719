// Java's behaviour where Kafka's tools print it: the iteration order of its hash maps and sets
// (kafka-delete-records.sh and kafka-log-dirs.sh print results in that order) and the exception
// class an error code becomes.

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

/** Exceptions whose name the error name does not spell. */
const EXCEPTION_CLASS: Readonly<Record<string, string>> = {
  REQUEST_TIMED_OUT: 'TimeoutException',
  CORRUPT_MESSAGE: 'CorruptRecordException',
  TOPIC_ALREADY_EXISTS: 'TopicExistsException',
  INVALID_CONFIG: 'InvalidConfigurationException',
  MESSAGE_TOO_LARGE: 'RecordTooLargeException',
  RECORD_LIST_TOO_LARGE: 'RecordBatchTooLargeException',
  INVALID_RECORD: 'InvalidRecordException',
};

/** The class Kafka's Errors enum throws for an error name, e.g. OFFSET_OUT_OF_RANGE → …OffsetOutOfRangeException. */
export function javaExceptionClass(errorName: string): string {
  const stem = errorName.replace(/_(AUTHORIZATION)_FAILED$/, '_$1').replace(/_(ERROR|EXCEPTION)$/, '');
  const simple = EXCEPTION_CLASS[errorName] ?? `${stem.toLowerCase().replace(/(^|_)([a-z])/g, (_, __: string, c: string) => c.toUpperCase())}Exception`;
  return `org.apache.kafka.common.errors.${simple}`;
}
