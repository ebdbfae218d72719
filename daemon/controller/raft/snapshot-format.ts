// A snapshot file's contents, as Kafka's RecordsSnapshotWriter lays them out: record batches
// from offset 0 stamped with the snapshot's epoch; first a control batch with the
// SnapshotHeaderRecord (the timestamp of the last record it contains), then the metadata
// records, then a control batch with the SnapshotFooterRecord. kraft.version 0: no voter records.
import { decodeFromBuffer, encodeToBuffer } from '../../../src/protocol/codec.js';
import { SnapshotFooterRecord } from '../../../src/protocol/generated/clients/snapshot-footer-record.js';
import { SnapshotHeaderRecord } from '../../../src/protocol/generated/clients/snapshot-header-record.js';
import { buildBatch, ControlRecordType, decodeControlRecordKey, encodeControlRecordKey, iterateBatches, records as batchRecords } from '../../../src/protocol/records.js';
import type { Logger } from '../../logger.js';
import type { MetadataRecord } from '../metadata-image.js';
import { decodeCommittedBatches, encodeMetadataRecord } from './raft-log.js';
import type { SnapshotId } from './snapshots.js';

const HEADER_VERSION = 0;
const FOOTER_VERSION = 0;
/** A data batch is closed once its records' values reach this many bytes. */
const BATCH_BYTES = 1024 * 1024;

export interface SnapshotContents {
  records: MetadataRecord[];
  /** The append time of the last batch the snapshot covers (retention by time reads it). */
  lastContainedLogTimestamp: bigint;
}

function controlBatch(type: ControlRecordType, value: Buffer, baseOffset: bigint, epoch: number, now: bigint): Buffer {
  return buildBatch({ records: [{ key: encodeControlRecordKey(type), value, timestamp: now }], baseOffset, partitionLeaderEpoch: epoch, isControl: true });
}

/** The bytes of a snapshot of `records`. */
export function encodeSnapshot(id: SnapshotId, contents: SnapshotContents, now: bigint): Buffer {
  const header: SnapshotHeaderRecord = { version: HEADER_VERSION, lastContainedLogTimestamp: contents.lastContainedLogTimestamp };
  const batches = [controlBatch(ControlRecordType.SnapshotHeader, encodeToBuffer(SnapshotHeaderRecord, header, HEADER_VERSION), 0n, id.epoch, now)];
  let offset = 1n;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = (): void => {
    if (pending.length === 0) return;
    batches.push(buildBatch({ records: pending.map((value) => ({ key: null, value, timestamp: now })), baseOffset: offset, partitionLeaderEpoch: id.epoch }));
    offset += BigInt(pending.length);
    pending = [];
    pendingBytes = 0;
  };
  for (const record of contents.records) {
    const value = encodeMetadataRecord(record);
    pending.push(value);
    pendingBytes += value.length;
    if (pendingBytes >= BATCH_BYTES) flush();
  }
  flush();
  batches.push(controlBatch(ControlRecordType.SnapshotFooter, encodeToBuffer(SnapshotFooterRecord, { version: FOOTER_VERSION }, FOOTER_VERSION), offset, id.epoch, now));
  return Buffer.concat(batches);
}

export class InvalidSnapshotError extends Error {
  override name = 'InvalidSnapshotError';
}

/** The records of a snapshot's bytes, checked: batch CRCs, a header first and a footer last. */
export function decodeSnapshot(bytes: Buffer, logger: Logger): SnapshotContents {
  const entries = [...iterateBatches(bytes)];
  const batches = entries.flatMap((e) => (e.kind === 'batch' ? [e] : []));
  if (batches.length !== entries.length || batches.length < 2) throw new InvalidSnapshotError('the snapshot is not a whole set of record batches with a header and a footer');
  const controlValue = (entry: (typeof batches)[number], type: ControlRecordType): Buffer | null => {
    if (!entry.header.isControl) return null;
    const [record] = batchRecords(bytes.subarray(entry.offset, entry.offset + entry.size));
    return record !== undefined && record.value !== null && decodeControlRecordKey(record.key).type === type ? record.value : null;
  };
  const headerValue = controlValue(batches[0], ControlRecordType.SnapshotHeader);
  if (headerValue === null) throw new InvalidSnapshotError('the snapshot does not start with a SnapshotHeaderRecord');
  if (controlValue(batches[batches.length - 1], ControlRecordType.SnapshotFooter) === null) throw new InvalidSnapshotError('the snapshot does not end with a SnapshotFooterRecord');
  const header = decodeFromBuffer(SnapshotHeaderRecord, headerValue, HEADER_VERSION);
  const records = decodeCommittedBatches(bytes, logger).flatMap((b) => b.records);
  return { records, lastContainedLogTimestamp: header.lastContainedLogTimestamp };
}

/** The header's timestamp alone, from the first batch of a snapshot's bytes. */
export function snapshotTimestamp(firstBytes: Buffer): bigint | null {
  const [first] = iterateBatches(firstBytes);
  if (first?.kind !== 'batch' || !first.header.isControl) return null;
  const [record] = batchRecords(firstBytes.subarray(first.offset, first.offset + first.size));
  if (record === undefined || record.value === null || decodeControlRecordKey(record.key).type !== ControlRecordType.SnapshotHeader) return null;
  return decodeFromBuffer(SnapshotHeaderRecord, record.value, HEADER_VERSION).lastContainedLogTimestamp;
}
