// Legacy message sets, magic 0 and 1 (before KIP-98), read for fetches of old data; tk never
// writes them. A message is: offset int64, size int32, crc uint32 (CRC-32 from magic to the
// end), magic int8, attributes int8, [timestamp int64 from magic 1], key bytes, value bytes.
// A compressed message is a wrapper whose value is a whole inner message set; from magic 1
// (KIP-31) the inner offsets are relative and the wrapper carries the last absolute offset.
import { CompressionType, DEFAULT_MAX_DECOMPRESSED_BYTES, DecompressionError, decompress } from './compression.js';
import { crc32 } from './crc32c.js';
import { LOG_OVERHEAD, CorruptBatchError, TimestampType, iterateBatches, type BatchFailure, type RecordHeader } from './records.js';

const CRC_AT = 12;
const MAGIC_AT = 16;
const ATTRIBUTES_AT = 17;
const TIMESTAMP_AT = 18;
const COMPRESSION_MASK = 0x07;
const TIMESTAMP_TYPE_BIT = 0x08;
/** crc, magic, attributes, key length, value length. */
const MIN_MESSAGE_V0 = 14;
/** ... and a timestamp. */
const MIN_MESSAGE_V1 = 22;

export interface LegacyRecord {
  offset: bigint;
  /** NO_TIMESTAMP (-1) for magic 0, which has none. */
  timestamp: bigint;
  timestampType: TimestampType;
  key: Buffer | null;
  value: Buffer | null;
  /** Always empty: headers came with magic 2. Present so code can treat both alike. */
  headers: RecordHeader[];
  magic: 0 | 1;
  attributes: number;
  crc: number;
}

export interface LegacyRecordsOptions {
  /** Bound on the decompressed inner message set of a wrapper (DEFAULT_MAX_DECOMPRESSED_BYTES). */
  maxDecompressedBytes?: number;
  /** Check each message's CRC-32; on by default, as the Java consumer's `check.crcs`. */
  verifyCrc?: boolean;
}

interface Message {
  offset: bigint;
  magic: 0 | 1;
  attributes: number;
  crc: number;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  size: number;
}

/**
 * The records of the log entry at the start of `entry`: the message itself, or the messages
 * a compressed wrapper holds, with absolute offsets. Throws CorruptBatchError.
 */
export function legacyRecords(entry: Buffer, options: LegacyRecordsOptions = {}): LegacyRecord[] {
  const verifyCrc = options.verifyCrc ?? true;
  const wrapper = readMessage(entry, 0, entry.length, verifyCrc);
  const compression = wrapper.attributes & COMPRESSION_MASK;
  if (compression === CompressionType.None) return [toRecord(wrapper, wrapper.offset, null)];

  if (compression !== CompressionType.Gzip && compression !== CompressionType.Snappy && compression !== CompressionType.Lz4) {
    // zstd arrived with magic 2 (KIP-110); older formats never carry it.
    throw new CorruptBatchError(
      { reason: 'unsupported-compression', message: `compression type ${compression} in a magic ${wrapper.magic} message`, compression },
      0,
    );
  }
  if (wrapper.value === null) throw new CorruptBatchError(corruptRecord('compressed message has a null value'), 0);
  let inner: Buffer;
  try {
    inner = decompress(compression, wrapper.value, {
      maxOutputBytes: options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES,
      lz4LegacyHeaderChecksum: wrapper.magic === 0,
    });
  } catch (e) {
    if (!(e instanceof DecompressionError)) throw e;
    const reason = e.reason === 'too-large' ? 'decompressed-too-large' : 'decompression-failed';
    throw new CorruptBatchError({ reason, message: e.message }, 0, e);
  }

  const messages: Message[] = [];
  for (let at = 0; at < inner.length; ) {
    const message = readMessage(inner, at, inner.length, verifyCrc);
    if ((message.attributes & COMPRESSION_MASK) !== CompressionType.None) {
      throw new CorruptBatchError(corruptRecord(`nested compression in the message at inner offset ${message.offset}`), 0);
    }
    messages.push(message);
    at += message.size;
  }
  if (messages.length === 0) throw new CorruptBatchError(corruptRecord('compressed message holds no messages'), 0);

  // Magic 1 inner offsets count from 0 and the wrapper holds the last one's absolute offset;
  // magic 0 brokers rewrote the inner offsets themselves.
  const base = wrapper.magic === 1 ? wrapper.offset - messages[messages.length - 1].offset : 0n;
  const appendTime = wrapper.magic === 1 && (wrapper.attributes & TIMESTAMP_TYPE_BIT) !== 0 ? wrapper.timestamp : null;
  return messages.map((message) => toRecord(message, base + message.offset, appendTime));
}

/** A message set of only magic 0/1 entries, and where it was cut off if it was. */
export function decodeMessageSet(
  buf: Buffer,
  options: LegacyRecordsOptions = {},
): { records: LegacyRecord[]; truncated: { offset: number; available: number } | null } {
  const out: LegacyRecord[] = [];
  for (const entry of iterateBatches(buf)) {
    if (entry.kind === 'truncated') return { records: out, truncated: { offset: entry.offset, available: entry.available } };
    if (entry.kind === 'batch') {
      throw new CorruptBatchError({ reason: 'bad-magic', message: 'a magic 2 batch inside a legacy message set', magic: 2 }, entry.offset);
    }
    for (const record of legacyRecords(buf.subarray(entry.offset, entry.offset + entry.size), options)) out.push(record);
  }
  return { records: out, truncated: null };
}

function toRecord(message: Message, offset: bigint, appendTime: bigint | null): LegacyRecord {
  let timestampType: TimestampType = TimestampType.NoTimestampType;
  if (appendTime !== null) timestampType = TimestampType.LogAppendTime;
  else if (message.magic === 1) {
    timestampType = message.attributes & TIMESTAMP_TYPE_BIT ? TimestampType.LogAppendTime : TimestampType.CreateTime;
  }
  return {
    offset,
    timestamp: appendTime ?? message.timestamp,
    timestampType,
    key: message.key,
    value: message.value,
    headers: [],
    magic: message.magic,
    attributes: message.attributes,
    crc: message.crc,
  };
}

function corruptRecord(message: string): BatchFailure {
  return { reason: 'corrupt-record', message };
}

/** The message at `at`, which must lie entirely before `end`. */
function readMessage(buf: Buffer, at: number, end: number, verifyCrc: boolean): Message {
  const fail = (failure: BatchFailure): CorruptBatchError => new CorruptBatchError(failure, at);
  const available = end - at;
  if (available < LOG_OVERHEAD + MIN_MESSAGE_V0) {
    throw fail({ reason: 'truncated', message: `${available} bytes are too few for a message`, available });
  }
  const length = buf.readInt32BE(at + 8);
  const size = LOG_OVERHEAD + length;
  if (length < MIN_MESSAGE_V0 || size > available) {
    throw fail({
      reason: 'size-mismatch',
      message: `message size ${length} does not fit the ${available - LOG_OVERHEAD} bytes present`,
      declared: length,
      available: available - LOG_OVERHEAD,
    });
  }
  const magic = buf.readInt8(at + MAGIC_AT);
  if (magic !== 0 && magic !== 1) throw fail({ reason: 'bad-magic', message: `message magic ${magic} is not 0 or 1`, magic });
  if (magic === 1 && length < MIN_MESSAGE_V1) {
    throw fail({ reason: 'size-mismatch', message: `message size ${length} is below the v1 minimum`, declared: length, available: length });
  }
  const crc = buf.readUInt32BE(at + CRC_AT);
  if (verifyCrc) {
    const computed = crc32(buf.subarray(at + MAGIC_AT, at + size));
    if (computed !== crc) {
      const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;
      throw fail({ reason: 'crc-mismatch', message: `stored CRC ${hex(crc)} does not match computed ${hex(computed)}`, stored: crc, computed });
    }
  }
  const attributes = buf.readInt8(at + ATTRIBUTES_AT);
  let cursor = at + (magic === 1 ? TIMESTAMP_AT + 8 : TIMESTAMP_AT);
  const messageEnd = at + size;
  const bytesField = (what: string): Buffer | null => {
    if (messageEnd - cursor < 4) throw fail(corruptRecord(`the message ends before its ${what} length`));
    const n = buf.readInt32BE(cursor);
    cursor += 4;
    if (n === -1) return null;
    if (n < 0 || n > messageEnd - cursor) throw fail(corruptRecord(`${what} length ${n} with ${messageEnd - cursor} bytes left in the message`));
    const bytes = buf.subarray(cursor, cursor + n);
    cursor += n;
    return bytes;
  };
  const key = bytesField('key');
  const value = bytesField('value');
  if (cursor !== messageEnd) throw fail(corruptRecord(`${messageEnd - cursor} bytes follow the message value`));
  return {
    offset: buf.readBigInt64BE(at),
    magic,
    attributes,
    crc,
    timestamp: magic === 1 ? buf.readBigInt64BE(at + TIMESTAMP_AT) : -1n,
    key,
    value,
    size,
  };
}
