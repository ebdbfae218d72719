// kafka-dump-log.sh's text, byte for byte, and tk's JSON for the same facts.
import type { DumpAbort } from './decoders.js';
import type { OffsetIndexDump, TimeIndexDump } from './index-files.js';
import type { BatchDump, LogDump, RecordDump } from './log-file.js';
import type { ProducerSnapshotDump, TxnIndexDump } from './state-files.js';

export interface UnknownFileDump {
  kind: 'unknown';
  file: string;
  abort: null;
}

export type FileDump = LogDump | OffsetIndexDump | TimeIndexDump | ProducerSnapshotDump | TxnIndexDump | UnknownFileDump;

export interface TextOptions {
  skipRecordMetadata: boolean;
  verifyOnly: boolean;
}

export interface RenderedText {
  stdout: string;
  stderr: string;
}

const optionalLong = (value: bigint | null): string => (value === null ? 'OptionalLong.empty' : `OptionalLong[${value}]`);

function batchLine(b: BatchDump): string {
  const v = b.v2;
  const head =
    v === null
      ? `offset: ${b.lastOffset}`
      : `baseOffset: ${v.baseOffset} lastOffset: ${b.lastOffset} count: ${v.count} baseSequence: ${v.baseSequence} lastSequence: ${v.lastSequence}` +
        ` producerId: ${v.producerId} producerEpoch: ${v.producerEpoch} partitionLeaderEpoch: ${v.partitionLeaderEpoch}` +
        ` isTransactional: ${v.isTransactional} isControl: ${v.isControl} deleteHorizonMs: ${optionalLong(v.deleteHorizonMs)}`;
  return (
    `${head} position: ${b.position} ${b.timestampType}: ${b.maxTimestamp} size: ${b.size} magic: ${b.magic}` +
    ` compresscodec: ${b.compression} crc: ${b.crc} isvalid: ${b.isValid}\n`
  );
}

function recordLine(b: BatchDump, r: RecordDump, skipRecordMetadata: boolean): string {
  let line = '';
  let prefix = '| ';
  if (!skipRecordMetadata) {
    line += `${prefix}offset: ${r.offset} ${b.timestampType}: ${r.timestamp} keySize: ${r.keySize} valueSize: ${r.valueSize}`;
    prefix = ' ';
    if (r.headerKeys !== null) line += ` sequence: ${r.sequence} headerKeys: [${r.headerKeys.join(',')}]`;
    // Kafka's format string has the stray closing brace.
    if (r.legacy !== null) line += ` isValid: ${r.legacy.isValid} crc: ${r.legacy.crc}}`;
    if (r.control !== null) line += ` ${r.control}`;
  }
  if (r.key !== null) line += `${prefix}key: ${r.key}`;
  if (r.payload !== null) line += ` payload: ${r.payload}`;
  return `${line}\n`;
}

function basenameOf(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1);
}

/** What one file prints, from `Dumping FILE` on. An abort is left to the caller. */
export function renderFileText(dump: FileDump, options: TextOptions): RenderedText {
  let stdout = `Dumping ${dump.file}\n`;
  let stderr = '';
  switch (dump.kind) {
    case 'log':
      if (dump.heading !== null) stdout += `${dump.heading}\n`;
      for (const b of dump.batches) {
        stdout += batchLine(b);
        for (const r of b.records ?? []) stdout += recordLine(b, r, options.skipRecordMetadata);
      }
      if (dump.invalidBytes !== null && dump.invalidBytes > 0) stdout += `Found ${dump.invalidBytes} invalid bytes at the end of ${basenameOf(dump.file)}\n`;
      break;
    case 'offset-index':
      if (dump.note !== null) stdout += `${dump.note}\n`;
      if (!options.verifyOnly) for (const e of dump.entries) stdout += `offset: ${e.offset} position: ${e.position}\n`;
      break;
    case 'time-index':
      if (dump.note !== null) stdout += `${dump.note}\n`;
      if (!options.verifyOnly) for (const e of dump.entries) stdout += `timestamp: ${e.timestamp} offset: ${e.offset}\n`;
      break;
    case 'producer-snapshot':
      for (const e of dump.entries) {
        stdout +=
          `producerId: ${e.producerId} producerEpoch: ${e.producerEpoch} coordinatorEpoch: ${e.coordinatorEpoch}` +
          ` currentTxnFirstOffset: ${optionalLong(e.currentTxnFirstOffset)} lastTimestamp: ${e.lastTimestamp} `;
        if (e.batch !== null) {
          stdout += `firstSequence: ${e.batch.firstSequence} lastSequence: ${e.batch.lastSequence} lastOffset: ${e.batch.lastOffset} offsetDelta: ${e.batch.offsetDelta} timestamp: ${e.batch.timestamp}`;
        }
        stdout += '\n';
      }
      if (dump.corrupt !== null) stderr += `${dump.corrupt}\n`;
      break;
    case 'txn-index':
      for (const e of dump.entries) {
        stdout += `version: ${e.version} producerId: ${e.producerId} firstOffset: ${e.firstOffset} lastOffset: ${e.lastOffset} lastStableOffset: ${e.lastStableOffset}\n`;
      }
      break;
    case 'unknown':
      stderr += `Ignoring unknown file ${dump.file}\n`;
      break;
  }
  return { stdout, stderr };
}

/** The problems Kafka reports on stderr once every file is dumped, in its order. */
export function renderSummaryText(dumps: readonly FileDump[], absolute: (file: string) => string): string {
  let out = '';
  for (const d of dumps) {
    if (d.kind !== 'offset-index' || d.mismatches.length === 0) continue;
    out += `Mismatches in :${absolute(d.file)}\n`;
    for (const [index, log] of d.mismatches) out += `  Index offset: ${index}, log offset: ${log}\n`;
  }
  const timeIndexes = dumps.filter((d): d is TimeIndexDump => d.kind === 'time-index');
  for (const d of timeIndexes) {
    if (d.timestampMismatches.length === 0) continue;
    out += `Found timestamp mismatch in :${absolute(d.file)}\n`;
    for (const [index, log] of d.timestampMismatches) out += `  Index timestamp: ${index}, log timestamp: ${log}\n`;
  }
  for (const d of timeIndexes) {
    if (d.outOfOrder.length === 0) continue;
    out += `Found out of order timestamp in :${absolute(d.file)}\n`;
    for (const [index, previous] of d.outOfOrder) out += `  Index timestamp: ${index}, Previously indexed timestamp: ${previous}\n`;
  }
  for (const d of timeIndexes) {
    if (d.offsetsNotFound.length === 0) continue;
    out += 'The following indexed offsets are not found in the log.\n';
    for (const [index, log] of d.offsetsNotFound) out += `Indexed offset: ${index}, found log offset: ${log}\n`;
  }
  for (const d of dumps) {
    if (d.kind !== 'log' || d.nonConsecutive.length === 0) continue;
    out += `Non-consecutive offsets in ${absolute(d.file)}\n`;
    for (const [first, second] of d.nonConsecutive) out += `  ${first} is followed by ${second}\n`;
  }
  return out;
}

/** The one line for what stopped the dump (Kafka's exception, without its stack). */
export function abortLine(abort: DumpAbort): string {
  return `${abort.javaClass}: ${abort.message}`;
}

const BIGINT_MARK = '\u0000tk-int64:';

/** Every dump as JSON: int64 values as exact JSON numbers, an abort as `error`. */
export function renderJson(dumps: readonly FileDump[]): string {
  const files = dumps.map(({ abort, ...rest }) => (abort === null ? rest : { ...rest, error: abortLine(abort) }));
  const text = JSON.stringify({ files }, (_key, value: unknown) => (typeof value === 'bigint' ? `${BIGINT_MARK}${value}` : value), 2);
  return `${text.replace(/"\\u0000tk-int64:(-?\d+)"/g, '$1')}\n`;
}
