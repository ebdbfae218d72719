// What a broker checks before it appends (Kafka's UnifiedLog.analyzeAndValidateRecords and
// LogValidator), done from batch headers: size, magic, CRC, offset range against the record
// count, control and sequence fields, timestamps. Records are decoded only for a compacted
// topic, whose records must all have keys.
import { ErrorCode } from '../../src/protocol/errors.js';
import {
  CorruptBatchError,
  NO_TIMESTAMP,
  TimestampType,
  iterateBatches,
  lastOffset,
  records as recordsOf,
  validateBatch,
  type BatchFailure,
  type RecordBatchHeader,
} from '../../src/protocol/records.js';
import { LogError } from './errors.js';
import { isCompacted, type LogConfig } from './log-config.js';

/**
 * Who is appending: a client's produce (full validation), a coordinator writing its own
 * records (transaction markers are control batches), or a follower copying its leader.
 */
export type AppendOrigin = 'client' | 'coordinator' | 'replication';

export interface AnalyzedBatch {
  position: number;
  size: number;
  header: RecordBatchHeader;
}

export interface AnalyzedRecords {
  batches: AnalyzedBatch[];
  /** Bytes of whole batches; a partial batch at the end is left out, as Kafka trims it. */
  validBytes: number;
  maxTimestamp: bigint;
  /** Sum over the batches of their offset ranges (lastOffsetDelta + 1). */
  offsetCount: number;
}

const INVALID_RECORD_REASONS = new Set<BatchFailure['reason']>(['invalid-record-count', 'offset-range-mismatch', 'record-count-mismatch']);

/** Walks the record set and checks each batch on its own; throws LogError. */
export function analyzeRecords(buf: Buffer, config: LogConfig, origin: AppendOrigin, partition: string): AnalyzedRecords {
  const batches: AnalyzedBatch[] = [];
  let validBytes = 0;
  let maxTimestamp = NO_TIMESTAMP;
  let offsetCount = 0;
  try {
    for (const entry of iterateBatches(buf)) {
      if (entry.kind === 'truncated') break;
      if (entry.kind === 'legacy') {
        throw new LogError(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, `magic ${entry.magic} messages are not accepted in ${partition}: record batches (magic 2) only`);
      }
      // Followers copy what their leader accepted, whatever this topic's size limit is now.
      if (origin !== 'replication' && entry.size > config.maxMessageBytes) {
        throw new LogError(
          ErrorCode.MESSAGE_TOO_LARGE,
          `The record batch size in the append to ${partition} is ${entry.size} bytes which exceeds the maximum configured value of ${config.maxMessageBytes}.`,
        );
      }
      const validation = validateBatch(buf, entry.offset);
      if (!validation.valid) {
        const code = INVALID_RECORD_REASONS.has(validation.failure.reason) ? ErrorCode.INVALID_RECORD : ErrorCode.CORRUPT_MESSAGE;
        throw new LogError(code, `Record batch in ${partition} is not valid: ${validation.failure.message}`);
      }
      batches.push({ position: entry.offset, size: entry.size, header: entry.header });
      validBytes = entry.offset + entry.size;
      offsetCount += entry.header.lastOffsetDelta + 1;
      if (entry.header.maxTimestamp > maxTimestamp) maxTimestamp = entry.header.maxTimestamp;
    }
  } catch (err) {
    if (err instanceof CorruptBatchError) throw new LogError(ErrorCode.CORRUPT_MESSAGE, `Record set for ${partition} is corrupt: ${err.message}`);
    throw err;
  }
  return { batches, validBytes, maxTimestamp, offsetCount };
}

/** The leader's checks beyond the batch itself (Kafka's LogValidator). */
export function validateForLeader(buf: Buffer, analyzed: AnalyzedRecords, config: LogConfig, origin: AppendOrigin, now: number, partition: string): void {
  if (analyzed.batches.length > 1) {
    throw new LogError(ErrorCode.INVALID_RECORD, `A produce request to ${partition} must hold one record batch, not ${analyzed.batches.length}`);
  }
  for (const { position, size, header } of analyzed.batches) {
    if (origin === 'client') validateClientBatch(header, partition);
    validateTimestamps(header, config, now, partition);
    if (isCompacted(config)) validateKeys(buf.subarray(position, position + size), partition);
  }
}

function validateClientBatch(header: RecordBatchHeader, partition: string): void {
  if (header.baseOffset !== 0n) {
    throw new LogError(ErrorCode.INVALID_RECORD, `The baseOffset of the record batch in the append to ${partition} should be 0, but it is ${header.baseOffset}`);
  }
  if (header.recordCount <= 0 || header.lastOffsetDelta + 1 !== header.recordCount) {
    throw new LogError(
      ErrorCode.INVALID_RECORD,
      `Inconsistent batch offset range [0, ${lastOffset(header)}] and count of records ${header.recordCount} in topic partition ${partition}`,
    );
  }
  if (header.isControl) throw new LogError(ErrorCode.INVALID_RECORD, `Clients are not allowed to write control records in topic partition ${partition}`);
  if (header.producerId >= 0n && header.baseSequence < 0) {
    throw new LogError(ErrorCode.INVALID_RECORD, `Invalid sequence number ${header.baseSequence} in record batch with producerId ${header.producerId} in topic partition ${partition}`);
  }
}

/**
 * CreateTime: the batch's first and largest timestamps must lie within the topic's window
 * around now. Kafka checks every record; the header bounds the first (the producer's base
 * timestamp) and the largest without decoding. A producer may not claim LogAppendTime.
 */
function validateTimestamps(header: RecordBatchHeader, config: LogConfig, now: number, partition: string): void {
  const createTime = config.messageTimestampType === 'CreateTime';
  if (header.timestampType === TimestampType.LogAppendTime && (!createTime || header.maxTimestamp === NO_TIMESTAMP)) {
    throw new LogError(ErrorCode.INVALID_TIMESTAMP, `Invalid timestamp type in a batch for ${partition}. Producer should not set timestamp type to LogAppendTime.`);
  }
  if (!createTime) return;
  const nowTs = BigInt(now);
  const earliest = nowTs - BigInt(config.messageTimestampBeforeMaxMs);
  const latest = nowTs + BigInt(config.messageTimestampAfterMaxMs);
  for (const ts of [header.baseTimestamp, header.maxTimestamp]) {
    if (ts === NO_TIMESTAMP) continue;
    if (ts < earliest || ts > latest) {
      throw new LogError(ErrorCode.INVALID_TIMESTAMP, `Timestamp ${ts} of a record in ${partition} is out of range. The timestamp should be within [${earliest}, ${latest}]`);
    }
  }
}

function validateKeys(batch: Buffer, partition: string): void {
  let index = 0;
  try {
    for (const record of recordsOf(batch, { verifyCrc: false })) {
      if (record.key === null) throw new LogError(ErrorCode.INVALID_RECORD, `Compacted topic cannot accept message without key in topic partition ${partition} (record ${index})`);
      index++;
    }
  } catch (err) {
    if (err instanceof CorruptBatchError) throw new LogError(ErrorCode.CORRUPT_MESSAGE, `Record batch in ${partition} is not valid: ${err.message}`);
    throw err;
  }
}
