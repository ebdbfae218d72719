// What tk console-consumer prints per record: Kafka's DefaultMessageFormatter byte for byte
// (keys, values and header values are written as the raw bytes the broker holds, as Kafka's
// ByteArrayDeserializer hands them over), or one JSON object per line. Records are appended
// to an OutputBuffer so a whole poll batch becomes one write.
import { isUtf8 } from 'node:buffer';
import { TimestampType } from '../../protocol/records.js';

/** The fields of a consumed record the formatters read. */
export interface FormattableRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  timestampType: TimestampType;
  key: Buffer | null;
  value: Buffer | null;
  headers: readonly { key: string; value: Buffer | null }[];
  leaderEpoch: number | null;
  /** Only share consumers count deliveries; a plain consumer never has one. */
  deliveryCount?: number | null;
}

export interface FormatterConfig {
  printTimestamp: boolean;
  printPartition: boolean;
  printOffset: boolean;
  printDelivery: boolean;
  printEpoch: boolean;
  printHeaders: boolean;
  printKey: boolean;
  printValue: boolean;
  keySeparator: Buffer;
  lineSeparator: Buffer;
  headersSeparator: Buffer;
  nullLiteral: Buffer;
}

/** DefaultMessageFormatter.configure: a print.* property is true only when it reads "true" (any case, trimmed). */
export function formatterConfigFrom(props: ReadonlyMap<string, string>): FormatterConfig {
  const flag = (name: string, fallback: boolean): boolean => {
    const value = props.get(name);
    return value === undefined ? fallback : value.trim().toLowerCase() === 'true';
  };
  const bytes = (name: string, fallback: string): Buffer => Buffer.from(props.get(name) ?? fallback, 'utf8');
  return {
    printTimestamp: flag('print.timestamp', false),
    printPartition: flag('print.partition', false),
    printOffset: flag('print.offset', false),
    printDelivery: flag('print.delivery', false),
    printEpoch: flag('print.epoch', false),
    printHeaders: flag('print.headers', false),
    printKey: flag('print.key', false),
    printValue: flag('print.value', true),
    keySeparator: bytes('key.separator', '\t'),
    lineSeparator: bytes('line.separator', '\n'),
    headersSeparator: bytes('headers.separator', ','),
    nullLiteral: bytes('null.literal', 'null'),
  };
}

const INITIAL_CAPACITY = 1 << 20;

/** A growable byte buffer: appends without a Buffer per field, then hands out what it holds. */
export class OutputBuffer {
  private buf = Buffer.allocUnsafe(INITIAL_CAPACITY);
  private length = 0;

  get size(): number {
    return this.length;
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }

  bytes(b: Uint8Array): void {
    this.range(b, 0, b.length);
  }

  /** Bytes [start, end) of b, without a view of them. */
  range(b: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.reserve(n);
    const buf = this.buf;
    const at = this.length;
    // A loop beats TypedArray.set for the few bytes of a short value or a separator.
    if (n < 32) for (let i = 0; i < n; i++) buf[at + i] = b[start + i]!;
    else buf.set(b.subarray(start, end), at);
    this.length += n;
  }

  text(s: string): void {
    this.reserve(s.length * 3);
    this.length += this.buf.write(s, this.length, 'utf8');
  }

  /** The bytes appended since the last take, as a copy; the buffer is then empty again. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.length));
    this.length = 0;
    return out;
  }
}

const TIMESTAMP_TYPE_NAMES: Readonly<Record<TimestampType, string>> = {
  [TimestampType.NoTimestampType]: 'NO_TIMESTAMP',
  [TimestampType.CreateTime]: 'CreateTime',
  [TimestampType.LogAppendTime]: 'LogAppendTime',
};

/**
 * Appends one record as DefaultMessageFormatter writes it: the enabled fields in Kafka's order,
 * each followed by key.separator when another enabled field follows and by line.separator
 * when it is the last.
 */
export function writeText(out: OutputBuffer, r: FormattableRecord, c: FormatterConfig): void {
  const separator = (more: boolean): void => out.bytes(more ? c.keySeparator : c.lineSeparator);
  const afterHeaders = c.printKey || c.printValue;
  const afterEpoch = c.printHeaders || afterHeaders;
  const afterDelivery = c.printEpoch || afterEpoch;
  const afterOffset = c.printDelivery || afterDelivery;
  const afterPartition = c.printOffset || afterOffset;
  if (c.printTimestamp) {
    out.text(r.timestampType === TimestampType.NoTimestampType ? 'NO_TIMESTAMP' : `${TIMESTAMP_TYPE_NAMES[r.timestampType]}:${r.timestamp}`);
    separator(c.printPartition || afterPartition);
  }
  if (c.printPartition) {
    out.text(`Partition:${r.partition}`);
    separator(afterPartition);
  }
  if (c.printOffset) {
    out.text(`Offset:${r.offset}`);
    separator(afterOffset);
  }
  if (c.printDelivery) {
    out.text(`Delivery:${r.deliveryCount ?? 'NOT_PRESENT'}`);
    separator(afterDelivery);
  }
  if (c.printEpoch) {
    out.text(`Epoch:${r.leaderEpoch ?? 'NOT_PRESENT'}`);
    separator(afterEpoch);
  }
  if (c.printHeaders) {
    writeHeaders(out, r, c);
    separator(afterHeaders);
  }
  if (c.printKey) {
    out.bytes(r.key ?? c.nullLiteral);
    separator(c.printValue);
  }
  if (c.printValue) {
    out.bytes(r.value ?? c.nullLiteral);
    out.bytes(c.lineSeparator);
  }
}

function writeHeaders(out: OutputBuffer, r: FormattableRecord, c: FormatterConfig): void {
  if (r.headers.length === 0) {
    out.text('NO_HEADERS');
    return;
  }
  r.headers.forEach((h, i) => {
    if (i > 0) out.bytes(c.headersSeparator);
    out.text(`${h.key}:`);
    out.bytes(h.value ?? c.nullLiteral);
  });
}

/** True when only the value is printed: the common case, written with no per-field checks. */
export function isValueOnly(c: FormatterConfig): boolean {
  return c.printValue && !(c.printTimestamp || c.printPartition || c.printOffset || c.printDelivery || c.printEpoch || c.printHeaders || c.printKey);
}

/** The value-only text format as a sink for Consumer.pollValues: each value (or null.literal) and line.separator. */
export function valueWriter(out: OutputBuffer, c: FormatterConfig): (buf: Buffer | null, start: number, end: number) => void {
  const { nullLiteral, lineSeparator } = c;
  return (buf, start, end) => {
    if (buf === null) out.bytes(nullLiteral);
    else out.range(buf, start, end);
    out.bytes(lineSeparator);
  };
}

/** Appends a batch of records as text. */
export function writeTextBatch(out: OutputBuffer, records: readonly FormattableRecord[], c: FormatterConfig): void {
  if (isValueOnly(c)) {
    for (const r of records) {
      out.bytes(r.value ?? c.nullLiteral);
      out.bytes(c.lineSeparator);
    }
    return;
  }
  for (const r of records) writeText(out, r, c);
}

/** Bytes as JSON: a string when they are UTF-8, else the lossy string plus the exact bytes in base64. */
function jsonBytes(name: string, b: Buffer | null): Record<string, string | null> {
  if (b === null) return { [name]: null };
  if (isUtf8(b)) return { [name]: b.toString('utf8') };
  return { [name]: b.toString('utf8'), [`${name}Base64`]: b.toString('base64') };
}

/** `--output json`: one object per record per line (NDJSON). */
export function writeJson(out: OutputBuffer, r: FormattableRecord): void {
  const object = {
    topic: r.topic,
    partition: r.partition,
    offset: Number(r.offset),
    timestamp: Number(r.timestamp),
    timestampType: TIMESTAMP_TYPE_NAMES[r.timestampType],
    ...jsonBytes('key', r.key),
    ...jsonBytes('value', r.value),
    headers: r.headers.map((h) => ({ key: h.key, ...jsonBytes('value', h.value) })),
    leaderEpoch: r.leaderEpoch,
  };
  out.text(`${JSON.stringify(object)}\n`);
}
