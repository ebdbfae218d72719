// What `tk delete-records` prints: kafka-delete-records.sh's lines (DeleteRecordsCommand), or the
// same facts as JSON. Kafka prints per-partition results in the iteration order of the Java
// HashMap its Admin returns, so that order is reproduced here (with the helpers in java.ts).
import { javaHashMapCapacity, javaHashOrder, javaHashSetCopyCapacity, topicPartitionHash } from './java.js';

export interface DeleteRecordsOutcome {
  topic: string;
  partition: number;
  /** The new log start offset; null when the partition failed. */
  lowWatermark: bigint | null;
  /** `org.apache.kafka.common.errors.X: message` when the partition failed. */
  error: string | null;
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
