// What `tk get-offsets` prints: kafka-get-offsets.sh's `topic:partition:offset` lines, sorted as
// GetOffsetShell's TreeMap sorts them (by the string `topic-partition`), or the same facts as JSON.

export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: bigint;
}

export interface SkippedPartition {
  topic: string;
  partition: number;
  /** The Java exception class Kafka's Admin would have failed the partition with. */
  javaClass: string;
  message: string;
}

/** GetOffsetShell's order: TopicPartition.toString compared as Java compares strings (UTF-16 units). */
export function sortOffsets(offsets: readonly PartitionOffset[]): PartitionOffset[] {
  const key = (o: PartitionOffset): string => `${o.topic}-${o.partition}`;
  return [...offsets].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export function renderOffsetsText(offsets: readonly PartitionOffset[]): string {
  return sortOffsets(offsets)
    .map((o) => `${o.topic}:${o.partition}:${o.offset}\n`)
    .join('');
}

/** The stderr line for a partition whose offset could not be fetched. */
export function renderSkippedLine(s: SkippedPartition): string {
  return `Skip getting offsets for topic-partition ${s.topic}-${s.partition} due to error: ${s.javaClass}: ${s.message}\n`;
}

export function renderOffsetsJson(offsets: readonly PartitionOffset[], skipped: readonly SkippedPartition[]): string {
  return `${JSON.stringify({
    offsets: sortOffsets(offsets).map((o) => ({ topic: o.topic, partition: o.partition, offset: Number(o.offset) })),
    errors: skipped.map((s) => ({ topic: s.topic, partition: s.partition, error: `${s.javaClass}: ${s.message}` })),
  })}\n`;
}
