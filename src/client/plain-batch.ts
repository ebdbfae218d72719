// The consumer's hot path: uncompressed v2 batches read in one pass, either straight into
// ConsumerRecords (the generic decoder's intermediate objects cost a fast stream most of its
// time in garbage collection) or, for callers that only want values, to a sink with no object
// per record at all. Each batch is first checked as records.ts checks it (size, CRC, framing).
import { CorruptBatchError, RECORD_BATCH_HEADER_SIZE, TimestampType, validateBatch, type RecordBatchHeader, type RecordHeader } from '../protocol/records.js';
import type { ConsumerRecord } from './consumer.js';

/** Receives values: bytes [start, end) of buf, or null for a null value. */
export type ValueSink = (buf: Buffer | null, start: number, end: number) => void;

/** Read position of the varint readers below, shared to avoid an allocation per field. */
let at = 0;

/** A zig-zag varint (up to 64 bits) as a number; record fields are far below 2^53. */
function zigzag(buf: Buffer, end: number): number {
  let raw = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (at >= end) break;
    const b = buf[at++];
    raw += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    scale *= 128;
  }
  throw new CorruptBatchError({ reason: 'corrupt-record', message: `bad varint at byte ${at}` }, 0);
}

/** Skips a varint-length field; returns its length, -1 for null. */
function skipField(buf: Buffer, end: number, what: string): number {
  const length = zigzag(buf, end);
  if (length === -1) return -1;
  if (length < 0 || at + length > end) throw new CorruptBatchError({ reason: 'corrupt-record', message: `${what} length ${length} at byte ${at}` }, 0);
  at += length;
  return length;
}

function bytesField(buf: Buffer, end: number, what: string): Buffer | null {
  const length = skipField(buf, end, what);
  return length === -1 ? null : buf.subarray(at - length, at);
}

function checkRecordEnd(end: number, index: number): void {
  if (at !== end) throw new CorruptBatchError({ reason: 'corrupt-record', message: `record ${index} leaves ${end - at} bytes unread` }, 0);
}

function checkBatch(bytes: Buffer): void {
  const check = validateBatch(bytes);
  if (!check.valid) throw new CorruptBatchError(check.failure, 0);
}

/** The records of an uncompressed batch from offset `from` on. */
export function* plainRecords(bytes: Buffer, header: RecordBatchHeader, topic: string, partition: number, from: bigint): Generator<ConsumerRecord, void, undefined> {
  checkBatch(bytes);
  const { timestampType, partitionLeaderEpoch: leaderEpoch, baseOffset, baseTimestamp } = header;
  const logAppendTime = timestampType === TimestampType.LogAppendTime ? header.maxTimestamp : null;
  at = RECORD_BATCH_HEADER_SIZE;
  for (let i = 0; i < header.recordCount; i++) {
    const length = zigzag(bytes, bytes.length);
    const end = at + length;
    at++; // attributes: unused in v2 records
    const timestampDelta = zigzag(bytes, end);
    const offset = baseOffset + BigInt(zigzag(bytes, end));
    const key = bytesField(bytes, end, 'key');
    const value = bytesField(bytes, end, 'value');
    const headerCount = zigzag(bytes, end);
    const headers: RecordHeader[] = [];
    for (let h = 0; h < headerCount; h++) {
      const name = bytesField(bytes, end, 'header key');
      headers.push({ key: name === null ? '' : name.toString('utf8'), value: bytesField(bytes, end, 'header value') });
    }
    checkRecordEnd(end, i);
    // A generator resumes after other code ran: the shared position is this batch's again only from here.
    const resume = end;
    if (offset >= from) {
      yield { topic, partition, offset, timestamp: logAppendTime ?? baseTimestamp + BigInt(timestampDelta), timestampType, key, value, headers, leaderEpoch };
    }
    at = resume;
  }
}

/** What readPlainValues did: values handed out, the offset delta of the last (-1: none), whether it reached the batch's end. */
export const valuesRead = { count: 0, lastOffsetDelta: -1, finished: false };

/**
 * Hands at most `limit` values of an uncompressed batch, from offset `from` on, to `sink`; the
 * tally is left in `valuesRead`.
 */
export function readPlainValues(bytes: Buffer, header: RecordBatchHeader, from: bigint, limit: number, sink: ValueSink): void {
  checkBatch(bytes);
  // Offsets below `from` only occur in a batch that starts before it; the delta avoids a bigint per record.
  const firstDelta = from > header.baseOffset ? Number(from - header.baseOffset) : 0;
  let count = 0;
  let lastOffsetDelta = -1;
  let i = 0;
  at = RECORD_BATCH_HEADER_SIZE;
  for (; i < header.recordCount && count < limit; i++) {
    const length = zigzag(bytes, bytes.length);
    const end = at + length;
    at++; // attributes
    zigzag(bytes, end); // timestamp delta
    const offsetDelta = zigzag(bytes, end);
    skipField(bytes, end, 'key');
    const valueLength = skipField(bytes, end, 'value');
    const valueEnd = at;
    const headerCount = zigzag(bytes, end);
    for (let h = 0; h < headerCount; h++) {
      skipField(bytes, end, 'header key');
      skipField(bytes, end, 'header value');
    }
    checkRecordEnd(end, i);
    if (offsetDelta >= firstDelta) {
      if (valueLength === -1) sink(null, 0, 0);
      else sink(bytes, valueEnd - valueLength, valueEnd);
      count++;
      lastOffsetDelta = offsetDelta;
      // The sink runs other code, which may read batches too.
      at = end;
    }
  }
  valuesRead.count = count;
  valuesRead.lastOffsetDelta = lastOffsetDelta;
  valuesRead.finished = i === header.recordCount;
}
