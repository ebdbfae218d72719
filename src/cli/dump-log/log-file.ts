// .log segments (and KRaft .checkpoint snapshots, which hold the same batches) as
// kafka-dump-log.sh reads them: every entry's header, and with deep iteration every record.
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import type { MessageCodec } from '../../protocol/codec.js';
import { compressionName, isCompressionType } from '../../protocol/compression.js';
import { crc32, crc32c } from '../../protocol/crc32c.js';
import { KRaftVersionRecord } from '../../protocol/generated/clients/k-raft-version-record.js';
import { SnapshotFooterRecord } from '../../protocol/generated/clients/snapshot-footer-record.js';
import { SnapshotHeaderRecord } from '../../protocol/generated/clients/snapshot-header-record.js';
import { VotersRecord } from '../../protocol/generated/clients/voters-record.js';
import { legacyRecords } from '../../protocol/legacy-records.js';
import { Reader } from '../../protocol/primitives.js';
import {
  ControlRecordType,
  LOG_OVERHEAD,
  RECORD_BATCH_HEADER_SIZE,
  decodeControlRecordKey,
  decodeEndTransactionMarker,
  deleteHorizonMs,
  lastOffset,
  readBatchHeader,
  records,
  type TimestampType,
} from '../../protocol/records.js';
import { DumpAbort, type RecordParser } from './decoders.js';
import { messageJson } from './kafka-json.js';

export type TimestampTypeName = 'NoTimestampType' | 'CreateTime' | 'LogAppendTime';

export interface RecordDump {
  offset: bigint;
  timestamp: bigint;
  keySize: number;
  valueSize: number;
  /** Magic 2 only. */
  sequence: number | null;
  headerKeys: string[] | null;
  /** Magic 0/1 only: the message's own CRC-32 and whether it holds. */
  legacy: { isValid: boolean; crc: number } | null;
  /** A control record's description (`endTxnMarker: COMMIT coordinatorEpoch: 0`, …). */
  control: string | null;
  /** From the parser, when the data is printed; null fields are not printed. */
  key: string | null;
  payload: string | null;
}

export interface BatchDump {
  position: number;
  magic: number;
  /** Magic 2 header fields; null for magic 0/1 entries, which print `offset: lastOffset` only. */
  v2: {
    baseOffset: bigint;
    count: number;
    baseSequence: number;
    lastSequence: number;
    producerId: bigint;
    producerEpoch: number;
    partitionLeaderEpoch: number;
    isTransactional: boolean;
    isControl: boolean;
    deleteHorizonMs: bigint | null;
  } | null;
  lastOffset: bigint;
  timestampType: TimestampTypeName;
  maxTimestamp: bigint;
  size: number;
  compression: string;
  crc: number;
  isValid: boolean;
  /** Null without deep iteration. */
  records: RecordDump[] | null;
}

export interface LogDump {
  kind: 'log';
  file: string;
  /** `Log starting offset: N`, the snapshot's line, or null for another name. */
  heading: string | null;
  batches: BatchDump[];
  /** Bytes after the last whole batch; null when --max-bytes cut the read short. */
  invalidBytes: number | null;
  /** Pairs of record offsets that do not follow each other, in Kafka's (newest first) order. */
  nonConsecutive: [bigint, bigint][];
  /** Where Kafka's tool would stop with an exception, after printing what precedes it. */
  abort: DumpAbort | null;
}

export interface LogDumpOptions {
  deep: boolean;
  /** The parser for printed data, or null when the data is not printed. */
  parser: RecordParser | null;
  skipRecordMetadata: boolean;
  maxBytes: number;
}

export const INT32_MAX = 2147483647;
/** offset, size and magic: what Kafka reads before deciding an entry is there. */
const HEADER_SIZE_UP_TO_MAGIC = 17;
const MIN_ENTRY_SIZE = 14;

const TIMESTAMP_TYPE_NAMES: Record<TimestampType, TimestampTypeName> = { [-1]: 'NoTimestampType', 0: 'CreateTime', 1: 'LogAppendTime' };

/** DefaultRecordBatch.incrementSequence: sequences wrap at Integer.MAX_VALUE. */
export function incrementSequence(sequence: number, increment: number): number {
  return sequence > INT32_MAX - increment ? increment - (INT32_MAX - sequence) - 1 : sequence + increment;
}

/** The segment's base offset from its name, as Kafka's `toLong` of the part before the first dot. */
export function baseOffsetOf(name: string): bigint {
  const prefix = name.split('.')[0];
  const value = /^[+-]?\d+$/.test(prefix) ? BigInt(prefix) : null;
  if (value === null || value > 0x7fffffffffffffffn || value < -0x8000000000000000n) {
    throw new DumpAbort('java.lang.NumberFormatException', `For input string: "${prefix}"`);
  }
  return value;
}

function headingOf(name: string): string | null {
  if (name.endsWith('.log')) return `Log starting offset: ${baseOffsetOf(name)}`;
  if (name === 'bootstrap.checkpoint') return 'KRaft bootstrap snapshot';
  const snapshot = /^(\d{20})-(\d{10})\.checkpoint$/.exec(name);
  if (snapshot) return `Snapshot end offset: ${BigInt(snapshot[1])}, epoch: ${Number(snapshot[2])}`;
  return null;
}

const RAFT_CONTROL: Partial<Record<number, [string, MessageCodec<unknown>]>> = {
  [ControlRecordType.SnapshotHeader]: ['SnapshotHeader', SnapshotHeaderRecord as MessageCodec<unknown>],
  [ControlRecordType.SnapshotFooter]: ['SnapshotFooter', SnapshotFooterRecord as MessageCodec<unknown>],
  [ControlRecordType.KRaftVersion]: ['KRaftVersion', KRaftVersionRecord as MessageCodec<unknown>],
  [ControlRecordType.KRaftVoters]: ['KRaftVoters', VotersRecord as MessageCodec<unknown>],
};
const CONTROL_TYPE_NAMES = ['ABORT', 'COMMIT', 'LEADER_CHANGE', 'SNAPSHOT_HEADER', 'SNAPSHOT_FOOTER', 'KRAFT_VERSION', 'KRAFT_VOTERS'];

/** What Kafka prints for a control record, by its key's type. */
function describeControl(key: Buffer | null, value: Buffer | null): string {
  const { type } = decodeControlRecordKey(key);
  if (type === ControlRecordType.Abort || type === ControlRecordType.Commit) {
    return `endTxnMarker: ${CONTROL_TYPE_NAMES[type]} coordinatorEpoch: ${decodeEndTransactionMarker(value).coordinatorEpoch}`;
  }
  const raft = RAFT_CONTROL[type];
  if (raft && value !== null) {
    // Written at the current version (0) without a version prefix; printed at the version field's value.
    const message = raft[1].decode(new Reader(value), 0) as { version: number };
    return `${raft[0]} ${messageJson(raft[1], message, message.version)}`;
  }
  return `controlType: ${CONTROL_TYPE_NAMES[type] ?? 'UNKNOWN'}(${type})`;
}

/** Opens a file to read; a missing one stops the dump as Kafka's FileChannel.open does. */
export async function openForDump(path: string): Promise<FileHandle> {
  try {
    const handle = await open(path, 'r');
    if ((await handle.stat()).isDirectory()) {
      await handle.close();
      throw Object.assign(new Error(path), { code: 'EISDIR' });
    }
    return handle;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new DumpAbort('java.nio.file.NoSuchFileException', path);
    if ((e as NodeJS.ErrnoException).code === 'EISDIR') throw new DumpAbort('java.io.IOException', `Is a directory: ${path}`);
    throw e;
  }
}

/** A whole file through openForDump (index, snapshot and transaction index files are small). */
export async function readWhole(path: string): Promise<Buffer> {
  const handle = await openForDump(path);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** Reads at most maxBytes of the file, as FileRecords.slice(0, maxBytes) sees it. */
async function readPrefix(path: string, maxBytes: number): Promise<Buffer> {
  const handle = await openForDump(path);
  try {
    const size = Math.min((await handle.stat()).size, maxBytes);
    const buf = Buffer.alloc(size);
    let done = 0;
    while (done < size) {
      const { bytesRead } = await handle.read(buf, done, size - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return buf.subarray(0, done);
  } finally {
    await handle.close();
  }
}

export async function dumpLogFile(path: string, options: LogDumpOptions): Promise<LogDump> {
  const dump: LogDump = { kind: 'log', file: path, heading: null, batches: [], invalidBytes: null, nonConsecutive: [], abort: null };
  let data: Buffer = Buffer.alloc(0);
  let validBytes = 0;
  let previousOffset = -1n;
  const track = (offset: bigint): void => {
    if (previousOffset !== -1n && offset !== previousOffset + 1n) dump.nonConsecutive.unshift([previousOffset, offset]);
    previousOffset = offset;
  };
  try {
    dump.heading = headingOf(basename(path));
    data = await readPrefix(path, options.maxBytes);
    for (let at = 0; at < data.length - HEADER_SIZE_UP_TO_MAGIC; ) {
      const size = data.readInt32BE(at + 8);
      if (size < MIN_ENTRY_SIZE) {
        throw new DumpAbort(
          'org.apache.kafka.common.errors.CorruptRecordException',
          `Found record size ${size} smaller than minimum record overhead (${MIN_ENTRY_SIZE}) in file ${path}.`,
        );
      }
      if (at > data.length - LOG_OVERHEAD - size) break;
      const entry = data.subarray(at, at + LOG_OVERHEAD + size);
      const batch = entry.readInt8(16) >= 2 ? v2Batch(entry, at, options) : legacyBatch(entry, at, options);
      dump.batches.push(batch);
      for (const record of batch.records ?? []) track(record.offset);
      validBytes += entry.length;
      at += entry.length;
    }
  } catch (e) {
    if (!(e instanceof DumpAbort)) throw e;
    dump.abort = e;
    return dump;
  }
  if (options.maxBytes === INT32_MAX) dump.invalidBytes = data.length - validBytes;
  return dump;
}

function v2Batch(entry: Buffer, position: number, options: LogDumpOptions): BatchDump {
  if (entry.length < RECORD_BATCH_HEADER_SIZE) {
    throw new DumpAbort('org.apache.kafka.common.errors.CorruptRecordException', `Record batch at position ${position} is ${entry.length} bytes, smaller than its ${RECORD_BATCH_HEADER_SIZE}-byte header`);
  }
  const h = readBatchHeader(entry, 0);
  const batch: BatchDump = {
    position,
    magic: h.magic,
    v2: {
      baseOffset: h.baseOffset,
      count: h.recordCount,
      baseSequence: h.baseSequence,
      lastSequence: h.baseSequence < 0 ? -1 : incrementSequence(h.baseSequence, h.lastOffsetDelta),
      producerId: h.producerId,
      producerEpoch: h.producerEpoch,
      partitionLeaderEpoch: h.partitionLeaderEpoch,
      isTransactional: h.isTransactional,
      isControl: h.isControl,
      deleteHorizonMs: deleteHorizonMs(h),
    },
    lastOffset: lastOffset(h),
    timestampType: TIMESTAMP_TYPE_NAMES[h.timestampType],
    maxTimestamp: h.maxTimestamp,
    size: entry.length,
    compression: isCompressionType(h.compression) ? compressionName(h.compression) : `unknown(${h.compression})`,
    crc: h.crc,
    isValid: crc32c(entry.subarray(21)) === h.crc,
    records: null,
  };
  if (!options.deep) return batch;
  batch.records = [];
  try {
    for (const r of records(entry, { verifyCrc: false })) {
      const offsetDelta = Number(r.offset - h.baseOffset);
      batch.records.push({
        offset: r.offset,
        timestamp: r.timestamp,
        keySize: r.key?.length ?? -1,
        valueSize: r.value?.length ?? -1,
        sequence: h.baseSequence < 0 ? -1 : incrementSequence(h.baseSequence, offsetDelta),
        headerKeys: r.headers.map((header) => header.key),
        legacy: null,
        control: h.isControl && !options.skipRecordMetadata ? describeControl(r.key, r.value) : null,
        ...parsed(options.parser, h.isControl, r),
      });
    }
  } catch (e) {
    if (e instanceof DumpAbort) throw e;
    throw new DumpAbort('org.apache.kafka.common.KafkaException', `Failed to read the records of the batch at position ${position}: ${(e as Error).message}`);
  }
  return batch;
}

function parsed(parser: RecordParser | null, isControl: boolean, record: { offset: bigint; key: Buffer | null; value: Buffer | null }): { key: string | null; payload: string | null } {
  if (parser === null || isControl) return { key: null, payload: null };
  return parser(record);
}

function legacyBatch(entry: Buffer, position: number, options: LogDumpOptions): BatchDump {
  const magic = entry.readInt8(16);
  const attributes = entry.readInt8(17);
  const crc = entry.readUInt32BE(12);
  const isValid = crc32(entry.subarray(16)) === crc;
  const timestampType: TimestampTypeName = magic === 0 ? 'NoTimestampType' : attributes & 0x08 ? 'LogAppendTime' : 'CreateTime';
  const codec = attributes & 0x07;
  const batch: BatchDump = {
    position,
    magic,
    v2: null,
    lastOffset: entry.readBigInt64BE(0),
    timestampType,
    maxTimestamp: magic === 1 && entry.length >= 26 ? entry.readBigInt64BE(18) : -1n,
    size: entry.length,
    compression: isCompressionType(codec) ? compressionName(codec) : `unknown(${codec})`,
    crc,
    isValid,
    records: null,
  };
  if (!options.deep) return batch;
  try {
    batch.records = legacyRecords(entry, { verifyCrc: false }).map((r) => ({
      offset: r.offset,
      timestamp: r.timestamp,
      keySize: r.key?.length ?? -1,
      valueSize: r.value?.length ?? -1,
      sequence: null,
      headerKeys: null,
      // The inner messages of a compressed wrapper are covered by the wrapper's CRC.
      legacy: { isValid, crc: r.crc },
      control: null,
      ...parsed(options.parser, false, r),
    }));
  } catch (e) {
    if (e instanceof DumpAbort) throw e;
    throw new DumpAbort('org.apache.kafka.common.KafkaException', `Failed to read the message at position ${position}: ${(e as Error).message}`);
  }
  return batch;
}
