// What tk console-producer prints: Kafka's failure lines (the ErrorLoggingCallback line for a
// record that failed, the exception's first line when the tool aborts), and the --output json
// summary. Offsets in JSON are strings: they are int64 and may pass 2^53.
import { javaExceptionClass } from '../render/java.js';

/** A failure from src/client as Kafka's exception class and message would name it. */
export interface JavaException {
  javaClass: string;
  message: string;
}

/** The Java class and message for a KafkaProtocolError-like error (`errorName` plus a `NAME: detail` message). */
export function javaExceptionOf(err: Error & { errorName?: unknown; javaClass?: unknown }): JavaException {
  if (typeof err.javaClass === 'string') return { javaClass: err.javaClass, message: err.message };
  if (typeof err.errorName === 'string') {
    const name = err.errorName;
    const message = err.message.startsWith(`${name}: `) ? err.message.slice(name.length + 2) : err.message;
    return { javaClass: javaExceptionClass(name), message };
  }
  // A broker that went away mid-send: the Java client reports a NetworkException.
  if (err.name === 'ConnectionError') return { javaClass: 'org.apache.kafka.common.errors.NetworkException', message: err.message };
  return { javaClass: 'org.apache.kafka.common.KafkaException', message: err.message };
}

/** The first line of Java's printStackTrace, without its newline: `class: message`. */
export function exceptionLine(e: JavaException): string {
  return `${e.javaClass}: ${e.message}`;
}

/**
 * ErrorLoggingCallback's line for a record that could not be sent, with the exception on the
 * same line (Kafka's log layout puts it on the next lines, with a timestamp in front).
 */
export function sendFailureLine(topic: string, keyLength: number, valueLength: number, e: JavaException): string {
  const key = keyLength < 0 ? 'null' : `${keyLength} bytes`;
  const value = valueLength < 0 ? 'null' : `${valueLength} bytes`;
  return `ERROR Error when sending message to topic ${topic} with key: ${key}, value: ${value} with error: ${e.javaClass}: ${e.message}\n`;
}

/** Records acknowledged per partition; offsets are -1 when the broker says nothing (acks=0). */
export class DeliveryTally {
  private readonly partitions = new Map<number, { first: bigint; last: bigint; records: number }>();
  records = 0;
  failed = 0;

  delivered(partition: number, offset: bigint): void {
    this.records++;
    const p = this.partitions.get(partition);
    if (p === undefined) this.partitions.set(partition, { first: offset, last: offset, records: 1 });
    else {
      if (offset < p.first) p.first = offset;
      if (offset > p.last) p.last = offset;
      p.records++;
    }
  }

  toJson(topic: string): string {
    const partitions = [...this.partitions]
      .sort(([a], [b]) => a - b)
      .map(([partition, p]) => ({
        partition,
        firstOffset: p.first < 0n ? null : p.first.toString(),
        lastOffset: p.last < 0n ? null : p.last.toString(),
        records: p.records,
      }));
    return `${JSON.stringify({ topic, records: this.records, failed: this.failed, partitions }, null, 2)}\n`;
  }
}
