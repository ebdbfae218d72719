// .index and .timeindex files as kafka-dump-log.sh reads them: the entries, each checked
// against the segment's .log, and the sanity check the broker runs at startup.
import { basename, dirname, join, resolve } from 'node:path';
import { DumpAbort } from './decoders.js';
import { baseOffsetOf, dumpLogFile, INT32_MAX, readWhole } from './log-file.js';

const OFFSET_ENTRY_SIZE = 8;
const TIME_ENTRY_SIZE = 12;
const CORRUPT_INDEX = 'org.apache.kafka.common.errors.CorruptIndexException';

export interface OffsetIndexDump {
  kind: 'offset-index';
  file: string;
  /** `FILE is empty.` or `FILE passed sanity check.`, printed instead of entries. */
  note: string | null;
  /** Printed unless --verify-index-only. */
  entries: { offset: bigint; position: number }[];
  /** Index offsets whose batch ends elsewhere: [index offset, log offset], newest first as Kafka lists them. */
  mismatches: [bigint, bigint][];
  abort: DumpAbort | null;
}

export interface TimeIndexDump {
  kind: 'time-index';
  file: string;
  note: string | null;
  entries: { timestamp: bigint; offset: bigint }[];
  /** [index timestamp, largest record timestamp of the batch]. */
  timestampMismatches: [bigint, bigint][];
  /** [index timestamp, previous index timestamp]. */
  outOfOrder: [bigint, bigint][];
  /** [index offset, last offset of the first batch reaching it, or -1]. */
  offsetsNotFound: [bigint, bigint][];
  abort: DumpAbort | null;
}

/** Kafka's index classes create a missing index file, so a missing index reads as an empty one. */
async function readIndex(path: string): Promise<Buffer> {
  try {
    return await readWhole(path);
  } catch (e) {
    if (e instanceof DumpAbort && e.javaClass === 'java.nio.file.NoSuchFileException') return Buffer.alloc(0);
    throw e;
  }
}

function siblingPath(file: string, suffix: string): string {
  return join(dirname(file), `${basename(file).split('.')[0]}${suffix}`);
}

/** The log's batches (headers only) and the bytes, for checking index entries against. */
async function segmentBatches(file: string): Promise<{ position: number; lastOffset: bigint; size: number }[]> {
  const log = await dumpLogFile(siblingPath(file, '.log'), { deep: false, parser: null, skipRecordMetadata: true, maxBytes: INT32_MAX });
  if (log.abort) throw log.abort;
  return log.batches.map((b) => ({ position: b.position, lastOffset: b.lastOffset, size: b.size }));
}

/** Entries up to the first all-zero one after the start: the rest of a preallocated file. */
function liveEntries<T extends { offset: bigint }>(all: T[], baseOffset: bigint): T[] {
  const end = all.findIndex((e, i) => i > 0 && e.offset === baseOffset);
  return end === -1 ? all : all.slice(0, end);
}

export async function dumpOffsetIndex(file: string, sanityOnly: boolean, maxMessageSize: number): Promise<OffsetIndexDump> {
  const dump: OffsetIndexDump = { kind: 'offset-index', file, note: null, entries: [], mismatches: [], abort: null };
  try {
    const baseOffset = baseOffsetOf(basename(file));
    const batches = await segmentBatches(file);
    const bytes = await readIndex(file);
    const count = Math.floor(bytes.length / OFFSET_ENTRY_SIZE);
    const all = Array.from({ length: count }, (_, i) => ({
      offset: baseOffset + BigInt(bytes.readInt32BE(i * OFFSET_ENTRY_SIZE)),
      position: bytes.readInt32BE(i * OFFSET_ENTRY_SIZE + 4),
    }));
    if (count === 0) {
      dump.note = `${file} is empty.`;
      return dump;
    }
    if (sanityOnly) {
      const last = all[count - 1].offset;
      if (last < baseOffset) {
        throw new DumpAbort(CORRUPT_INDEX, `Corrupt index found, index file ${resolve(file)} has non-zero size but the last offset is ${last} which is less than the base offset ${baseOffset}`);
      }
      if (bytes.length % OFFSET_ENTRY_SIZE !== 0) {
        throw new DumpAbort(CORRUPT_INDEX, `Index file ${resolve(file)} is corrupt, found ${bytes.length} bytes which is neither positive nor a multiple of ${OFFSET_ENTRY_SIZE}`);
      }
      dump.note = `${file} passed sanity check.`;
      return dump;
    }
    for (const entry of liveEntries(all, baseOffset)) {
      const batch = batches.find((b) => b.position === entry.position && b.size <= maxMessageSize);
      if (!batch) throw new DumpAbort('java.util.NoSuchElementException', `no batch of at most ${maxMessageSize} bytes starts at position ${entry.position}`);
      if (batch.lastOffset !== entry.offset) dump.mismatches.unshift([entry.offset, batch.lastOffset]);
      dump.entries.push(entry);
    }
  } catch (e) {
    if (!(e instanceof DumpAbort)) throw e;
    dump.abort = e;
  }
  return dump;
}

/** OffsetIndex.lookup: the position of the largest indexed offset at or below the target, else 0. */
function lookupPosition(index: { offset: bigint; position: number }[], target: bigint): number {
  let position = 0;
  for (const entry of index) {
    if (entry.offset > target) break;
    position = entry.position;
  }
  return position;
}

export async function dumpTimeIndex(file: string, sanityOnly: boolean): Promise<TimeIndexDump> {
  const dump: TimeIndexDump = { kind: 'time-index', file, note: null, entries: [], timestampMismatches: [], outOfOrder: [], offsetsNotFound: [], abort: null };
  try {
    const baseOffset = baseOffsetOf(basename(file));
    const log = await dumpLogFile(siblingPath(file, '.log'), { deep: true, parser: null, skipRecordMetadata: true, maxBytes: INT32_MAX });
    if (log.abort) throw log.abort;
    const indexBytes = await readIndex(siblingPath(file, '.index'));
    const offsetIndex = liveEntries(
      Array.from({ length: Math.floor(indexBytes.length / OFFSET_ENTRY_SIZE) }, (_, i) => ({
        offset: baseOffset + BigInt(indexBytes.readInt32BE(i * OFFSET_ENTRY_SIZE)),
        position: indexBytes.readInt32BE(i * OFFSET_ENTRY_SIZE + 4),
      })),
      baseOffset,
    );
    const bytes = await readIndex(file);
    const count = Math.floor(bytes.length / TIME_ENTRY_SIZE);
    const all = Array.from({ length: count }, (_, i) => ({
      timestamp: bytes.readBigInt64BE(i * TIME_ENTRY_SIZE),
      offset: baseOffset + BigInt(bytes.readInt32BE(i * TIME_ENTRY_SIZE + 8)),
    }));
    if (sanityOnly) {
      const last = count === 0 ? { timestamp: -1n, offset: baseOffset } : all[count - 1];
      const path = resolve(file);
      if (count !== 0 && last.timestamp < all[0].timestamp) {
        throw new DumpAbort(CORRUPT_INDEX, `Corrupt time index found, time index file (${path}) has non-zero size but the last timestamp is ${last.timestamp} which is less than the first timestamp ${all[0].timestamp}`);
      }
      if (count !== 0 && last.offset < baseOffset) {
        throw new DumpAbort(CORRUPT_INDEX, `Corrupt time index found, time index file (${path}) has non-zero size but the last offset is ${last.offset} which is less than the first offset ${baseOffset}`);
      }
      if (bytes.length % TIME_ENTRY_SIZE !== 0) {
        throw new DumpAbort(CORRUPT_INDEX, `Time index file ${path} is corrupt, found ${bytes.length} bytes which is neither positive nor a multiple of ${TIME_ENTRY_SIZE}`);
      }
      dump.note = `${file} passed sanity check.`;
      return dump;
    }
    let previousTimestamp = -1n;
    for (const entry of liveEntries(all, baseOffset)) {
      const from = lookupPosition(offsetIndex, entry.offset);
      const batch = log.batches.find((b) => b.position >= from && b.lastOffset >= entry.offset);
      if (!batch) dump.offsetsNotFound.push([entry.offset, -1n]);
      else if (batch.lastOffset !== entry.offset) dump.offsetsNotFound.push([entry.offset, batch.lastOffset]);
      else {
        const maxTimestamp = (batch.records ?? []).reduce((max, r) => (r.timestamp > max ? r.timestamp : max), -1n);
        if (maxTimestamp !== entry.timestamp) dump.timestampMismatches.push([entry.timestamp, maxTimestamp]);
        if (previousTimestamp >= entry.timestamp) dump.outOfOrder.push([entry.timestamp, previousTimestamp]);
      }
      dump.entries.push(entry);
      previousTimestamp = entry.timestamp;
    }
  } catch (e) {
    if (!(e instanceof DumpAbort)) throw e;
    dump.abort = e;
  }
  return dump;
}
