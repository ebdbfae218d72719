// Record batches, magic 2 (KIP-98): the unit producers send, logs store and fetches return.
//
// The broker's hot path reads only the 61-byte header (readBatchHeader, iterateBatches,
// validateBatch) and patches baseOffset and partitionLeaderEpoch in place; records are
// decoded (records, decodeBatch) only where their contents matter. Everything that reads
// bytes treats them as hostile: a length is checked against the bytes present before
// anything is sliced, no allocation is sized by a field from the wire, and decompression is
// bounded.
import {
  CompressionType,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  DecompressionError,
  compress,
  decompress,
  isCompressionType,
} from './compression.js';
import { crc32c } from './crc32c.js';
import { DecodeError, Reader, Writer } from './primitives.js';

export const RECORD_BATCH_MAGIC = 2;
/** offset int64 + size int32: the prefix every log entry shares, which its size field excludes. */
export const LOG_OVERHEAD = 12;
export const RECORD_BATCH_HEADER_SIZE = 61;
const MAGIC_OFFSET = 16;

// Byte positions of the header fields.
const AT = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: MAGIC_OFFSET,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordCount: 57,
} as const;
/** The CRC covers the attributes to the end, so partitionLeaderEpoch can change without it. */
const CRC_FROM = AT.attributes;

const COMPRESSION_MASK = 0x07;
const TIMESTAMP_TYPE_BIT = 0x08;
const TRANSACTIONAL_BIT = 0x10;
const CONTROL_BIT = 0x20;
const DELETE_HORIZON_BIT = 0x40; // KIP-534

/** attributes, timestampDelta, offsetDelta, key length, value length, header count: one byte each at least. */
const MIN_RECORD_BODY = 6;

export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;
export const NO_TIMESTAMP = -1n;

export const TimestampType = {
  /** Magic 0 messages carry no timestamp. */
  NoTimestampType: -1,
  CreateTime: 0,
  LogAppendTime: 1,
} as const;
export type TimestampType = (typeof TimestampType)[keyof typeof TimestampType];

export interface RecordBatchHeader {
  baseOffset: bigint;
  /** Bytes after this field: the batch is LOG_OVERHEAD + batchLength bytes long. */
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  /** Bits 0-2 of attributes; 5-7 are not codecs, which validateBatch reports. */
  compression: number;
  timestampType: TimestampType;
  isTransactional: boolean;
  isControl: boolean;
  /** KIP-534: set by compaction; baseTimestamp then holds the delete horizon. */
  hasDeleteHorizonMs: boolean;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/**
 * One decoded record. Named as Kafka names it; import it under another name where
 * TypeScript's own Record<K, V> is wanted. Key, value and header values are views into the
 * batch (or its decompressed records): copy them to keep them past the batch's buffer.
 */
export interface Record {
  offset: bigint;
  /** The batch's maxTimestamp when the batch uses LogAppendTime, as Kafka reads it. */
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  attributes: number;
}

export type BatchFailure =
  | { reason: 'truncated'; message: string; available: number }
  | { reason: 'bad-magic'; message: string; magic: number }
  | { reason: 'size-mismatch'; message: string; declared: number; available: number }
  | { reason: 'crc-mismatch'; message: string; stored: number; computed: number }
  | { reason: 'unsupported-compression'; message: string; compression: number }
  | { reason: 'invalid-record-count'; message: string; recordCount: number }
  | { reason: 'offset-range-mismatch'; message: string; recordCount: number; lastOffsetDelta: number }
  | { reason: 'record-count-mismatch'; message: string; declared: number; actual: number }
  | { reason: 'corrupt-record'; message: string }
  | { reason: 'decompression-failed'; message: string }
  | { reason: 'decompressed-too-large'; message: string };
export type BatchFailureReason = BatchFailure['reason'];

/** A batch (or legacy message) that cannot be read; `failure` says why, in a form code can branch on. */
export class CorruptBatchError extends DecodeError {
  constructor(
    readonly failure: BatchFailure,
    offset: number,
    cause?: unknown,
  ) {
    super(failure.message, offset);
    this.name = 'CorruptBatchError';
    if (cause !== undefined) this.cause = cause;
  }
}

// ---- the header ----

/** The header of the batch at `offset`, without touching its records. Throws CorruptBatchError. */
export function readBatchHeader(buf: Buffer, offset = 0): RecordBatchHeader {
  const available = buf.length - offset;
  if (available < MAGIC_OFFSET + 1) throw new CorruptBatchError(truncated(available), offset);
  const magic = buf.readInt8(offset + AT.magic);
  if (magic !== RECORD_BATCH_MAGIC) throw new CorruptBatchError(badMagic(magic), offset);
  if (available < RECORD_BATCH_HEADER_SIZE) throw new CorruptBatchError(truncated(available), offset);
  const attributes = buf.readInt16BE(offset + AT.attributes);
  return {
    baseOffset: buf.readBigInt64BE(offset + AT.baseOffset),
    batchLength: buf.readInt32BE(offset + AT.batchLength),
    partitionLeaderEpoch: buf.readInt32BE(offset + AT.partitionLeaderEpoch),
    magic,
    crc: buf.readUInt32BE(offset + AT.crc),
    attributes,
    compression: attributes & COMPRESSION_MASK,
    timestampType: attributes & TIMESTAMP_TYPE_BIT ? TimestampType.LogAppendTime : TimestampType.CreateTime,
    isTransactional: (attributes & TRANSACTIONAL_BIT) !== 0,
    isControl: (attributes & CONTROL_BIT) !== 0,
    hasDeleteHorizonMs: (attributes & DELETE_HORIZON_BIT) !== 0,
    lastOffsetDelta: buf.readInt32BE(offset + AT.lastOffsetDelta),
    baseTimestamp: buf.readBigInt64BE(offset + AT.baseTimestamp),
    maxTimestamp: buf.readBigInt64BE(offset + AT.maxTimestamp),
    producerId: buf.readBigInt64BE(offset + AT.producerId),
    producerEpoch: buf.readInt16BE(offset + AT.producerEpoch),
    baseSequence: buf.readInt32BE(offset + AT.baseSequence),
    recordCount: buf.readInt32BE(offset + AT.recordCount),
  };
}

/** The batch's size on the wire, header included. */
export function batchSize(header: RecordBatchHeader): number {
  return LOG_OVERHEAD + header.batchLength;
}

/** The offset of the batch's last record (or of the last record it had before compaction). */
export function lastOffset(header: RecordBatchHeader): bigint {
  return header.baseOffset + BigInt(header.lastOffsetDelta);
}

/** KIP-534's delete horizon, or null when compaction has not set one. */
export function deleteHorizonMs(header: RecordBatchHeader): bigint | null {
  return header.hasDeleteHorizonMs ? header.baseTimestamp : null;
}

function truncated(available: number): BatchFailure {
  return { reason: 'truncated', message: `${available} bytes are too few for a record batch header`, available };
}
function badMagic(magic: number): BatchFailure {
  return { reason: 'bad-magic', message: `unsupported record batch magic ${magic}`, magic };
}
function sizeMismatch(declared: number, available: number, why: string): BatchFailure {
  return { reason: 'size-mismatch', message: `batch length ${declared} ${why} (${available} bytes present)`, declared, available };
}

// ---- walking a record set ----

/** One entry of a record set (a fetch response's or a log segment's concatenated batches). */
export type RecordSetEntry =
  | { kind: 'batch'; offset: number; size: number; header: RecordBatchHeader }
  /** A magic 0/1 message (a compressed one wraps several): decode with legacy-records.ts. */
  | { kind: 'legacy'; offset: number; size: number; magic: 0 | 1; lastOffset: bigint }
  /**
   * The set ends inside an entry. A fetch response may legitimately end this way (the broker
   * cuts at max bytes); anywhere else it means the data is incomplete.
   */
  | { kind: 'truncated'; offset: number; available: number; declaredSize: number | null };

/** The smallest magic 0 message: crc, magic, attributes, key length, value length. */
const LEGACY_MIN_MESSAGE = 14;
const LEGACY_MIN_MESSAGE_V1 = 22;

/**
 * Walks the entries of a record set from their size fields alone. A trailing partial entry
 * is yielded as `truncated`, never thrown; a size or magic that cannot be right throws
 * CorruptBatchError, since nothing after it can be located.
 */
export function* iterateBatches(buf: Buffer, offset = 0, end = buf.length): Generator<RecordSetEntry, void, undefined> {
  let at = offset;
  while (at < end) {
    const available = end - at;
    if (available < LOG_OVERHEAD) {
      yield { kind: 'truncated', offset: at, available, declaredSize: null };
      return;
    }
    const length = buf.readInt32BE(at + AT.batchLength);
    if (length < LEGACY_MIN_MESSAGE) {
      throw new CorruptBatchError(sizeMismatch(length, available - LOG_OVERHEAD, 'is below the smallest entry'), at);
    }
    const size = LOG_OVERHEAD + length;
    if (size > available) {
      yield { kind: 'truncated', offset: at, available, declaredSize: size };
      return;
    }
    const magic = buf.readInt8(at + MAGIC_OFFSET);
    if (magic === RECORD_BATCH_MAGIC) {
      if (size < RECORD_BATCH_HEADER_SIZE) {
        throw new CorruptBatchError(sizeMismatch(length, available - LOG_OVERHEAD, 'is below the batch header size'), at);
      }
      yield { kind: 'batch', offset: at, size, header: readBatchHeader(buf, at) };
    } else if (magic === 0 || magic === 1) {
      if (magic === 1 && length < LEGACY_MIN_MESSAGE_V1) {
        throw new CorruptBatchError(sizeMismatch(length, available - LOG_OVERHEAD, 'is below the smallest v1 message'), at);
      }
      yield { kind: 'legacy', offset: at, size, magic, lastOffset: buf.readBigInt64BE(at) };
    } else {
      throw new CorruptBatchError(badMagic(magic), at);
    }
    at += size;
  }
}

// ---- validation ----

export interface ValidateOptions {
  /** Decode every record (decompressing if need be), not only the header and record framing. */
  deep?: boolean;
  maxDecompressedBytes?: number;
}

export type BatchValidation = { valid: true; header: RecordBatchHeader; size: number } | { valid: false; failure: BatchFailure };

/**
 * Checks the batch at `offset` as a broker checks a produced batch before appending it:
 * magic, declared size, CRC, codec, record count against the offset range, and, for an
 * uncompressed batch, that the record framing holds exactly recordCount records. `deep`
 * also decodes every record. Bytes after the batch are not looked at.
 */
export function validateBatch(buf: Buffer, offset = 0, options: ValidateOptions = {}): BatchValidation {
  const invalid = (failure: BatchFailure): BatchValidation => ({ valid: false, failure });
  let header: RecordBatchHeader;
  try {
    header = readBatchHeader(buf, offset);
  } catch (e) {
    if (e instanceof CorruptBatchError) return invalid(e.failure);
    throw e;
  }
  const failure = sizeFailure(buf, offset, header) ?? crcFailure(buf, offset, header) ?? countFailure(header);
  if (failure) return invalid(failure);
  const size = LOG_OVERHEAD + header.batchLength;
  if (!isCompressionType(header.compression)) return invalid(unsupportedCompression(header.compression));

  if (header.compression === CompressionType.None && !options.deep) {
    const framing = countRecords(buf, offset + RECORD_BATCH_HEADER_SIZE, offset + size, header.recordCount);
    if (framing) return invalid(framing);
  } else if (options.deep) {
    try {
      const all = decodeRecords(buf, offset, header, size, options.maxDecompressedBytes);
      while (!all.next().done);
    } catch (e) {
      if (e instanceof CorruptBatchError) return invalid(e.failure);
      throw e;
    }
  }
  return { valid: true, header, size };
}

function sizeFailure(buf: Buffer, offset: number, header: RecordBatchHeader): BatchFailure | null {
  const available = buf.length - offset - LOG_OVERHEAD;
  if (header.batchLength < RECORD_BATCH_HEADER_SIZE - LOG_OVERHEAD) {
    return sizeMismatch(header.batchLength, available, 'is below the batch header size');
  }
  if (header.batchLength > available) return sizeMismatch(header.batchLength, available, 'runs past the bytes present');
  return null;
}

function crcFailure(buf: Buffer, offset: number, header: RecordBatchHeader): BatchFailure | null {
  const computed = crc32c(buf.subarray(offset + CRC_FROM, offset + LOG_OVERHEAD + header.batchLength));
  if (computed === header.crc) return null;
  const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;
  return { reason: 'crc-mismatch', message: `stored CRC ${hex(header.crc)} does not match computed ${hex(computed)}`, stored: header.crc, computed };
}
function unsupportedCompression(compression: number): BatchFailure {
  return { reason: 'unsupported-compression', message: `compression type ${compression} is not a Kafka codec`, compression };
}

function countFailure(header: RecordBatchHeader): BatchFailure | null {
  const { recordCount, lastOffsetDelta } = header;
  if (recordCount < 0) {
    return { reason: 'invalid-record-count', message: `negative record count ${recordCount}`, recordCount };
  }
  // Offset deltas rise strictly from zero, so n records span at least n offsets; compaction
  // may leave gaps (a larger lastOffsetDelta), never fewer.
  if (recordCount > 0 && lastOffsetDelta < recordCount - 1) {
    return {
      reason: 'offset-range-mismatch',
      message: `${recordCount} records cannot fit in last offset delta ${lastOffsetDelta}`,
      recordCount,
      lastOffsetDelta,
    };
  }
  return null;
}

/**
 * Walks the records' length prefixes, not their fields: cheap enough for the produce path,
 * and it proves the section holds exactly `declared` records before any is decoded.
 */
function countRecords(buf: Buffer, start: number, end: number, declared: number): BatchFailure | null {
  let at = start;
  let count = 0;
  try {
    while (at < end) {
      // Record lengths below 8192 (one or two varint bytes) are read here; longer ones by Reader.
      let length: number;
      const b0 = buf[at]!;
      if (b0 < 0x80) {
        length = (b0 >>> 1) ^ -(b0 & 1);
        at += 1;
      } else if (at + 1 < end && buf[at + 1]! < 0x80) {
        const zigzag = (b0 & 0x7f) | (buf[at + 1]! << 7);
        length = (zigzag >>> 1) ^ -(zigzag & 1);
        at += 2;
      } else {
        const r = new Reader(buf, at, end);
        length = r.varint();
        at = r.offset;
      }
      if (length < MIN_RECORD_BODY || length > end - at) {
        return { reason: 'corrupt-record', message: `record ${count} declares ${length} bytes with ${end - at} remaining` };
      }
      at += length;
      count++;
    }
  } catch (e) {
    if (e instanceof DecodeError) return { reason: 'corrupt-record', message: e.message };
    throw e;
  }
  if (count === declared) return null;
  return { reason: 'record-count-mismatch', message: `header declares ${declared} records, the batch holds ${count}`, declared, actual: count };
}

// ---- decoding records ----

export interface RecordsOptions {
  /** Bound on the decompressed records of one batch (DEFAULT_MAX_DECOMPRESSED_BYTES). */
  maxDecompressedBytes?: number;
  /** Check the CRC before decoding (the Java consumer's `check.crcs`, on by default there too). */
  verifyCrc?: boolean;
}

/**
 * The records of the batch at the start of `batch`, decoded lazily: the records section is
 * decompressed once, on the first step. Throws CorruptBatchError.
 */
export function* records(batch: Buffer, options: RecordsOptions = {}): Generator<Record, void, undefined> {
  const header = readBatchHeader(batch, 0);
  const failure = sizeFailure(batch, 0, header) ?? ((options.verifyCrc ?? true) ? crcFailure(batch, 0, header) : null) ?? countFailure(header);
  if (failure) throw new CorruptBatchError(failure, 0);
  yield* decodeRecords(batch, 0, header, LOG_OVERHEAD + header.batchLength, options.maxDecompressedBytes);
}

/** The header and every record of one batch, eagerly. */
export function decodeBatch(batch: Buffer, options: RecordsOptions = {}): { header: RecordBatchHeader; records: Record[] } {
  const out: Record[] = [];
  for (const record of records(batch, options)) out.push(record);
  return { header: readBatchHeader(batch, 0), records: out };
}

function* decodeRecords(
  buf: Buffer,
  offset: number,
  header: RecordBatchHeader,
  size: number,
  maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES,
): Generator<Record, void, undefined> {
  if (!isCompressionType(header.compression)) {
    throw new CorruptBatchError(unsupportedCompression(header.compression), offset);
  }
  let section = buf.subarray(offset + RECORD_BATCH_HEADER_SIZE, offset + size);
  if (header.compression !== CompressionType.None) {
    try {
      section = decompress(header.compression, section, { maxOutputBytes: maxDecompressedBytes });
    } catch (e) {
      if (!(e instanceof DecompressionError)) throw e;
      const reason = e.reason === 'too-large' ? 'decompressed-too-large' : 'decompression-failed';
      throw new CorruptBatchError({ reason, message: e.message }, offset, e);
    }
  }
  const framing = countRecords(section, 0, section.length, header.recordCount);
  if (framing) throw new CorruptBatchError(framing, offset);
  const r = new Reader(section);
  const logAppendTime = header.timestampType === TimestampType.LogAppendTime ? header.maxTimestamp : null;
  for (let i = 0; i < header.recordCount; i++) {
    let record: Record;
    try {
      record = readRecord(r, header, logAppendTime);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      throw new CorruptBatchError({ reason: 'corrupt-record', message: `record ${i}: ${e.message}` }, offset, e);
    }
    yield record;
  }
}

function readRecord(r: Reader, header: RecordBatchHeader, logAppendTime: bigint | null): Record {
  const length = r.varint();
  if (length < MIN_RECORD_BODY || length > r.remaining()) {
    throw new DecodeError(`record length ${length} with ${r.remaining()} bytes remaining`, r.offset);
  }
  const end = r.offset + length;
  const body = new Reader(r.buf, r.offset, end);
  const attributes = body.int8();
  const timestampDelta = body.varlong();
  const offsetDelta = body.varint();
  const key = varintBytes(body, 'key');
  const value = varintBytes(body, 'value');
  const headerCount = body.varint();
  // A header takes two bytes at least: no array is sized by an untrusted count.
  if (headerCount < 0 || headerCount > body.remaining() / 2) {
    throw new DecodeError(`header count ${headerCount} with ${body.remaining()} bytes remaining`, body.offset);
  }
  const headers: RecordHeader[] = [];
  for (let h = 0; h < headerCount; h++) {
    const keyLength = body.varint();
    if (keyLength < 0) throw new DecodeError(`header key length ${keyLength}`, body.offset);
    const headerKey = body.utf8(keyLength);
    headers.push({ key: headerKey, value: varintBytes(body, 'header value') });
  }
  if (body.remaining() !== 0) {
    throw new DecodeError(`record length ${length} leaves ${body.remaining()} bytes unread`, body.offset);
  }
  r.offset = end;
  return {
    offset: header.baseOffset + BigInt(offsetDelta),
    timestamp: logAppendTime ?? header.baseTimestamp + timestampDelta,
    key,
    value,
    headers,
    attributes,
  };
}

function varintBytes(r: Reader, what: string): Buffer | null {
  const n = r.varint();
  if (n === -1) return null;
  if (n < 0) throw new DecodeError(`${what} length ${n}`, r.offset);
  return r.raw(n);
}

// ---- building ----

export interface RecordInput {
  key?: Uint8Array | null;
  value?: Uint8Array | null;
  headers?: readonly { key: string; value: Uint8Array | null }[];
  /** Defaults to the batch's baseTimestamp. */
  timestamp?: bigint;
  /** Defaults to the record's index; a compacted batch has gaps. Must rise strictly. */
  offsetDelta?: number;
  attributes?: number;
}

export interface BuildBatchOptions {
  records: readonly RecordInput[];
  compression?: CompressionType;
  compressionLevel?: number;
  baseOffset?: bigint;
  /** Defaults to the first record's timestamp, as the Java producer does. */
  baseTimestamp?: bigint;
  /** Defaults to the largest record timestamp; a broker stamping LogAppendTime passes its time. */
  maxTimestamp?: bigint;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
  isControl?: boolean;
  partitionLeaderEpoch?: number;
  timestampType?: typeof TimestampType.CreateTime | typeof TimestampType.LogAppendTime;
  /** KIP-534: marks the batch and stores the horizon as baseTimestamp. */
  deleteHorizonMs?: bigint;
  /** For an empty batch kept for its producer state; otherwise the last record's delta. */
  lastOffsetDelta?: number;
}

/** A complete batch, CRC included. */
export function buildBatch(options: BuildBatchOptions): Buffer {
  const input = options.records;
  const firstTimestamp = input.find((record) => record.timestamp !== undefined)?.timestamp;
  const baseTimestamp = options.deleteHorizonMs ?? options.baseTimestamp ?? firstTimestamp ?? NO_TIMESTAMP;

  const out = new Writer(RECORD_BATCH_HEADER_SIZE + 32 * input.length + 64);
  out.reserve(RECORD_BATCH_HEADER_SIZE);
  let maxTimestamp: bigint | null = null;
  let previousDelta = -1;
  for (let i = 0; i < input.length; i++) {
    const record = input[i];
    const offsetDelta = record.offsetDelta ?? i;
    if (!Number.isInteger(offsetDelta) || offsetDelta <= previousDelta || offsetDelta > 0x7fffffff) {
      throw new RangeError(`record ${i}: offset delta ${offsetDelta} must be an int32 above ${previousDelta}`);
    }
    previousDelta = offsetDelta;
    const timestamp = record.timestamp ?? baseTimestamp;
    if (maxTimestamp === null || timestamp > maxTimestamp) maxTimestamp = timestamp;
    writeRecord(out, record.attributes ?? 0, record.timestamp === undefined ? 0n : record.timestamp - baseTimestamp, offsetDelta, record.key ?? null, record.value ?? null, record.headers);
  }
  return sealBatch(out, {
    ...options,
    baseTimestamp,
    maxTimestamp: options.maxTimestamp ?? maxTimestamp ?? NO_TIMESTAMP,
    recordCount: input.length,
    lastOffsetDelta: options.lastOffsetDelta ?? Math.max(previousDelta, 0),
  });
}

/**
 * A batch built record by record, as Kafka's MemoryRecordsBuilder builds one: each record is
 * encoded as it is appended, so nothing of it is kept; `build` compresses and adds the header.
 */
export class RecordBatchBuilder {
  private readonly out: Writer;
  private count = 0;
  /** The greatest timestamp a record gave, null when none gave one. */
  private maxGivenTimestamp: bigint | null = null;
  /** Whether some record took the base timestamp. */
  private hasUntimed = false;

  constructor(
    readonly baseTimestamp: bigint,
    initialCapacity = 1024,
  ) {
    this.out = new Writer(RECORD_BATCH_HEADER_SIZE + initialCapacity);
    this.out.reserve(RECORD_BATCH_HEADER_SIZE);
  }

  get recordCount(): number {
    return this.count;
  }

  /** Appends a record; without a timestamp it takes the batch's base timestamp. */
  append(key: Uint8Array | null, value: Uint8Array | null, headers?: RecordInput['headers'], timestamp?: bigint): void {
    if (timestamp === undefined) {
      this.hasUntimed = true;
      if (headers === undefined || headers.length === 0) {
        this.appendPlain(key, value);
        return;
      }
    } else if (this.maxGivenTimestamp === null || timestamp > this.maxGivenTimestamp) {
      this.maxGivenTimestamp = timestamp;
    }
    writeRecord(this.out, 0, timestamp === undefined ? 0n : timestamp - this.baseTimestamp, this.count, key, value, headers);
    this.count++;
  }

  /**
   * The common record, no headers and the base timestamp, written straight into the buffer:
   * what writeRecord writes for it, without a call per field.
   */
  private appendPlain(key: Uint8Array | null, value: Uint8Array | null): void {
    const offsetDelta = this.count++;
    // attributes, timestamp delta 0 and header count 0 are one byte each.
    const length = 3 + varintSize(offsetDelta) + bytesSize(key) + bytesSize(value);
    const total = varintSize(length) + length;
    const buf = this.out.claim(total);
    let at = putVarint(buf, this.out.offset - total, length);
    buf[at++] = 0;
    buf[at++] = 0;
    at = putVarint(buf, at, offsetDelta);
    at = putVarintBytes(buf, at, key);
    at = putVarintBytes(buf, at, value);
    buf[at] = 0;
  }

  build(compression: CompressionType = CompressionType.None, compressionLevel?: number): Buffer {
    let maxTimestamp = this.maxGivenTimestamp;
    if (this.hasUntimed && (maxTimestamp === null || this.baseTimestamp > maxTimestamp)) maxTimestamp = this.baseTimestamp;
    return sealBatch(this.out, {
      compression,
      compressionLevel,
      baseTimestamp: this.baseTimestamp,
      maxTimestamp: maxTimestamp ?? NO_TIMESTAMP,
      recordCount: this.count,
      lastOffsetDelta: Math.max(this.count - 1, 0),
    });
  }
}

/** Writes a zig-zag varint of an int32 at `at`; returns where it ends. */
function putVarint(buf: Buffer, at: number, v: number): number {
  let zigzag = ((v << 1) ^ (v >> 31)) >>> 0;
  while (zigzag >= 0x80) {
    buf[at++] = (zigzag & 0x7f) | 0x80;
    zigzag >>>= 7;
  }
  buf[at++] = zigzag;
  return at;
}

/** A varint length (-1 for null) and the bytes; returns where they end. */
function putVarintBytes(buf: Buffer, at: number, bytes: Uint8Array | null): number {
  if (bytes === null) {
    buf[at] = 1; // zig-zag of -1
    return at + 1;
  }
  const n = bytes.length;
  at = putVarint(buf, at, n);
  // A loop beats TypedArray.set for the few bytes of a typical key or value.
  if (n < 32) for (let i = 0; i < n; i++) buf[at + i] = bytes[i]!;
  else buf.set(bytes, at);
  return at + n;
}

/** One record, its length first (so it is counted before anything is written). */
function writeRecord(
  out: Writer,
  attributes: number,
  timestampDelta: bigint,
  offsetDelta: number,
  key: Uint8Array | null,
  value: Uint8Array | null,
  headers: RecordInput['headers'] = NO_HEADERS,
): void {
  const headerKeys = headers.length === 0 ? NO_HEADER_KEYS : headers.map((h) => Buffer.from(h.key, 'utf8'));
  // A zero delta (every record of a producer that sets no timestamps) needs no bigint work.
  const zeroDelta = timestampDelta === 0n;
  let length = 1 + (zeroDelta ? 1 : varlongSize(timestampDelta)) + varintSize(offsetDelta) + bytesSize(key) + bytesSize(value) + varintSize(headers.length);
  for (let h = 0; h < headers.length; h++) length += bytesSize(headerKeys[h]) + bytesSize(headers[h].value);
  out.varint(length).int8(attributes);
  if (zeroDelta) out.int8(0);
  else out.varlong(timestampDelta);
  out.varint(offsetDelta);
  writeVarintBytes(out, key);
  writeVarintBytes(out, value);
  out.varint(headers.length);
  for (let h = 0; h < headers.length; h++) {
    writeVarintBytes(out, headerKeys[h]);
    writeVarintBytes(out, headers[h].value);
  }
}

type SealOptions = Omit<BuildBatchOptions, 'records' | 'baseTimestamp' | 'maxTimestamp' | 'lastOffsetDelta'> & {
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  recordCount: number;
  lastOffsetDelta: number;
};

/** The records written after a reserved header, compressed if asked, with the header and CRC filled in. */
function sealBatch(out: Writer, options: SealOptions): Buffer {
  const compression = options.compression ?? CompressionType.None;
  let batch: Buffer;
  if (compression === CompressionType.None) {
    batch = out.finish();
  } else {
    const compressed = compress(compression, out.view(RECORD_BATCH_HEADER_SIZE), { level: options.compressionLevel });
    batch = Buffer.allocUnsafe(RECORD_BATCH_HEADER_SIZE + compressed.length);
    compressed.copy(batch, RECORD_BATCH_HEADER_SIZE);
  }

  let attributes: number = compression;
  if (options.timestampType === TimestampType.LogAppendTime) attributes |= TIMESTAMP_TYPE_BIT;
  if (options.isTransactional) attributes |= TRANSACTIONAL_BIT;
  if (options.isControl) attributes |= CONTROL_BIT;
  if (options.deleteHorizonMs !== undefined) attributes |= DELETE_HORIZON_BIT;

  batch.writeBigInt64BE(options.baseOffset ?? 0n, AT.baseOffset);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, AT.batchLength);
  batch.writeInt32BE(options.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, AT.partitionLeaderEpoch);
  batch.writeInt8(RECORD_BATCH_MAGIC, AT.magic);
  batch.writeInt16BE(attributes, AT.attributes);
  batch.writeInt32BE(options.lastOffsetDelta, AT.lastOffsetDelta);
  batch.writeBigInt64BE(options.baseTimestamp, AT.baseTimestamp);
  batch.writeBigInt64BE(options.maxTimestamp, AT.maxTimestamp);
  batch.writeBigInt64BE(options.producerId ?? NO_PRODUCER_ID, AT.producerId);
  batch.writeInt16BE(options.producerEpoch ?? NO_PRODUCER_EPOCH, AT.producerEpoch);
  batch.writeInt32BE(options.baseSequence ?? NO_SEQUENCE, AT.baseSequence);
  batch.writeInt32BE(options.recordCount, AT.recordCount);
  batch.writeUInt32BE(crc32c(batch.subarray(CRC_FROM)), AT.crc);
  return batch;
}

const NO_HEADERS: readonly { key: string; value: Uint8Array | null }[] = [];
const NO_HEADER_KEYS: readonly Buffer[] = [];

/** Bytes of a zig-zag varint of an int32. */
function varintSize(v: number): number {
  let zigzag = ((v << 1) ^ (v >> 31)) >>> 0;
  let size = 1;
  while (zigzag >= 0x80) {
    zigzag >>>= 7;
    size++;
  }
  return size;
}

/** Bytes of a zig-zag varlong. */
function varlongSize(v: bigint): number {
  let zigzag = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
  let size = 1;
  while (zigzag >= 0x80n) {
    zigzag >>= 7n;
    size++;
  }
  return size;
}

/** Bytes of a varint length and what follows it (-1, one byte, for null). */
function bytesSize(bytes: Uint8Array | null): number {
  return bytes === null ? 1 : varintSize(bytes.length) + bytes.length;
}

function writeVarintBytes(w: Writer, bytes: Uint8Array | null): void {
  if (bytes === null) w.varint(-1);
  else w.varint(bytes.length).raw(bytes);
}

// ---- patching in place ----

/** Assigns the batch's offsets as the leader appends it; baseOffset is outside the CRC. */
export function setBaseOffset(buf: Buffer, offset: number, baseOffset: bigint): void {
  buf.writeBigInt64BE(baseOffset, offset + AT.baseOffset);
}

/** Stamps the leader's epoch (KIP-101); the CRC deliberately leaves this field out. */
export function setPartitionLeaderEpoch(buf: Buffer, offset: number, partitionLeaderEpoch: number): void {
  buf.writeInt32BE(partitionLeaderEpoch, offset + AT.partitionLeaderEpoch);
}

/**
 * Sets the timestamp type and maxTimestamp, as a broker does for a LogAppendTime topic
 * without decoding the records (readers take every record's time from maxTimestamp), and
 * recomputes the CRC, which covers both fields.
 */
export function setMaxTimestamp(
  buf: Buffer,
  offset: number,
  timestampType: typeof TimestampType.CreateTime | typeof TimestampType.LogAppendTime,
  maxTimestamp: bigint,
): void {
  const header = readBatchHeader(buf, offset);
  const failure = sizeFailure(buf, offset, header);
  if (failure) throw new CorruptBatchError(failure, offset);
  const size = LOG_OVERHEAD + header.batchLength;
  const attributes = timestampType === TimestampType.LogAppendTime ? header.attributes | TIMESTAMP_TYPE_BIT : header.attributes & ~TIMESTAMP_TYPE_BIT;
  buf.writeInt16BE(attributes, offset + AT.attributes);
  buf.writeBigInt64BE(maxTimestamp, offset + AT.maxTimestamp);
  buf.writeUInt32BE(crc32c(buf.subarray(offset + CRC_FROM, offset + size)), offset + AT.crc);
}

// ---- control records (KIP-98 transaction markers; KRaft uses further types) ----

export const ControlRecordType = {
  Abort: 0,
  Commit: 1,
  LeaderChange: 2,
  SnapshotHeader: 3,
  SnapshotFooter: 4,
  KRaftVersion: 5,
  KRaftVoters: 6,
} as const;
export type ControlRecordType = (typeof ControlRecordType)[keyof typeof ControlRecordType];

export interface ControlRecordKey {
  version: number;
  /** A ControlRecordType, or a type this code does not know (readers skip those). */
  type: number;
}

export interface EndTransactionMarker {
  version: number;
  coordinatorEpoch: number;
}

const CONTROL_KEY_SIZE = 4;
const END_TXN_MARKER_SIZE = 6;

export function encodeControlRecordKey(type: ControlRecordType, version = 0): Buffer {
  const key = Buffer.allocUnsafe(CONTROL_KEY_SIZE);
  key.writeInt16BE(version, 0);
  key.writeInt16BE(type, 2);
  return key;
}

export function decodeControlRecordKey(key: Buffer | null): ControlRecordKey {
  if (key === null || key.length < CONTROL_KEY_SIZE) {
    throw new DecodeError(`control record key needs ${CONTROL_KEY_SIZE} bytes, has ${key?.length ?? 'none'}`, 0);
  }
  const version = key.readInt16BE(0);
  if (version < 0) throw new DecodeError(`negative control record key version ${version}`, 0);
  return { version, type: key.readInt16BE(2) };
}

export function encodeEndTransactionMarker(coordinatorEpoch: number, version = 0): Buffer {
  const value = Buffer.allocUnsafe(END_TXN_MARKER_SIZE);
  value.writeInt16BE(version, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return value;
}

/** A later version may append fields; the ones known here are read and the rest ignored. */
export function decodeEndTransactionMarker(value: Buffer | null): EndTransactionMarker {
  if (value === null || value.length < END_TXN_MARKER_SIZE) {
    throw new DecodeError(`end transaction marker needs ${END_TXN_MARKER_SIZE} bytes, has ${value?.length ?? 'none'}`, 0);
  }
  const version = value.readInt16BE(0);
  if (version < 0) throw new DecodeError(`negative end transaction marker version ${version}`, 0);
  return { version, coordinatorEpoch: value.readInt32BE(2) };
}

export interface EndTransactionBatchOptions {
  type: typeof ControlRecordType.Abort | typeof ControlRecordType.Commit;
  producerId: bigint;
  producerEpoch: number;
  coordinatorEpoch: number;
  /** The broker's clock when it writes the marker. */
  timestamp: bigint;
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
}

/** The transaction marker batch a partition leader appends on WriteTxnMarkers. */
export function buildEndTransactionBatch(options: EndTransactionBatchOptions): Buffer {
  return buildBatch({
    records: [
      {
        key: encodeControlRecordKey(options.type),
        value: encodeEndTransactionMarker(options.coordinatorEpoch),
        timestamp: options.timestamp,
      },
    ],
    baseOffset: options.baseOffset,
    partitionLeaderEpoch: options.partitionLeaderEpoch,
    producerId: options.producerId,
    producerEpoch: options.producerEpoch,
    isTransactional: true,
    isControl: true,
  });
}
