// Producer state snapshots (.snapshot) and aborted-transaction indexes (.txnindex), as
// kafka-dump-log.sh prints them.
import { crc32c } from '../../protocol/crc32c.js';
import { DumpAbort } from './decoders.js';
import { INT32_MAX, readWhole } from './log-file.js';

export interface ProducerSnapshotDump {
  kind: 'producer-snapshot';
  file: string;
  entries: {
    producerId: bigint;
    producerEpoch: number;
    coordinatorEpoch: number;
    currentTxnFirstOffset: bigint | null;
    lastTimestamp: bigint;
    /** Null when the entry has no batch (lastOffset < 0). */
    batch: { firstSequence: number; lastSequence: number; lastOffset: bigint; offsetDelta: number; timestamp: bigint } | null;
  }[];
  /** CorruptSnapshotException's message: Kafka prints it on stderr and goes on. */
  corrupt: string | null;
  abort: DumpAbort | null;
}

export interface TxnIndexDump {
  kind: 'txn-index';
  file: string;
  entries: { version: number; producerId: bigint; firstOffset: bigint; lastOffset: bigint; lastStableOffset: bigint }[];
  abort: DumpAbort | null;
}

const SNAPSHOT_ENTRIES_AT = 6;
const SNAPSHOT_ENTRY_SIZE = 8 + 2 + 4 + 8 + 4 + 8 + 4 + 8;
const ABORTED_TXN_SIZE = 34;

/** DefaultRecordBatch.decrementSequence. */
function decrementSequence(sequence: number, decrement: number): number {
  return sequence < decrement ? INT32_MAX - (decrement - sequence) + 1 : sequence - decrement;
}

/** ProducerSnapshot v1: version, CRC-32C of what follows it, then the producers. */
function readSnapshot(bytes: Buffer): ProducerSnapshotDump['entries'] {
  if (bytes.length < 2) throw new Error('Snapshot failed schema validation: the file ends before its version');
  const version = bytes.readInt16BE(0);
  if (version !== 1) throw new Error(`Snapshot failed schema validation: Snapshot contained an unknown file version ${version}`);
  if (bytes.length < SNAPSHOT_ENTRIES_AT + 4) throw new Error('Snapshot failed schema validation: the file ends before its producer entries');
  const count = bytes.readInt32BE(SNAPSHOT_ENTRIES_AT);
  if (count < 0 || bytes.length < SNAPSHOT_ENTRIES_AT + 4 + count * SNAPSHOT_ENTRY_SIZE) {
    throw new Error(`Snapshot failed schema validation: ${count} producer entries do not fit in ${bytes.length} bytes`);
  }
  const stored = bytes.readUInt32BE(2);
  const computed = crc32c(bytes.subarray(SNAPSHOT_ENTRIES_AT));
  if (stored !== computed) throw new Error(`Snapshot is corrupt (CRC is no longer valid). Stored crc: ${stored}. Computed crc: ${computed}`);
  const entries: ProducerSnapshotDump['entries'] = [];
  for (let i = 0, at = SNAPSHOT_ENTRIES_AT + 4; i < count; i++, at += SNAPSHOT_ENTRY_SIZE) {
    const lastSequence = bytes.readInt32BE(at + 10);
    const lastOffset = bytes.readBigInt64BE(at + 14);
    const offsetDelta = bytes.readInt32BE(at + 22);
    const timestamp = bytes.readBigInt64BE(at + 26);
    const currentTxnFirstOffset = bytes.readBigInt64BE(at + 38);
    entries.push({
      producerId: bytes.readBigInt64BE(at),
      producerEpoch: bytes.readInt16BE(at + 8),
      coordinatorEpoch: bytes.readInt32BE(at + 34),
      currentTxnFirstOffset: currentTxnFirstOffset >= 0n ? currentTxnFirstOffset : null,
      lastTimestamp: timestamp,
      batch: lastOffset >= 0n ? { firstSequence: decrementSequence(lastSequence, offsetDelta), lastSequence, lastOffset, offsetDelta, timestamp } : null,
    });
  }
  return entries;
}

export async function dumpProducerSnapshot(file: string): Promise<ProducerSnapshotDump> {
  const dump: ProducerSnapshotDump = { kind: 'producer-snapshot', file, entries: [], corrupt: null, abort: null };
  try {
    const bytes = await readWhole(file);
    try {
      dump.entries = readSnapshot(bytes);
    } catch (e) {
      dump.corrupt = (e as Error).message;
    }
  } catch (e) {
    if (!(e instanceof DumpAbort)) throw e;
    dump.abort = e;
  }
  return dump;
}

export async function dumpTxnIndex(file: string): Promise<TxnIndexDump> {
  const dump: TxnIndexDump = { kind: 'txn-index', file, entries: [], abort: null };
  try {
    const bytes = await readWhole(file);
    for (let at = 0; at + ABORTED_TXN_SIZE <= bytes.length; at += ABORTED_TXN_SIZE) {
      dump.entries.push({
        version: bytes.readInt16BE(at),
        producerId: bytes.readBigInt64BE(at + 2),
        firstOffset: bytes.readBigInt64BE(at + 10),
        lastOffset: bytes.readBigInt64BE(at + 18),
        lastStableOffset: bytes.readBigInt64BE(at + 26),
      });
    }
  } catch (e) {
    if (!(e instanceof DumpAbort)) throw e;
    dump.abort = e;
  }
  return dump;
}
