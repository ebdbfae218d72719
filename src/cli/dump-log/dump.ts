// kafka-dump-log.sh's dispatch: what a file is depends on its suffix, as in Kafka.
import { basename } from 'node:path';
import { clusterMetadataParser, offsetsParser, stringParser, transactionLogParser, type RecordParser } from './decoders.js';
import { dumpOffsetIndex, dumpTimeIndex } from './index-files.js';
import { dumpLogFile } from './log-file.js';
import type { FileDump } from './render.js';
import { dumpProducerSnapshot, dumpTxnIndex } from './state-files.js';

export type DecoderName = 'offsets' | 'transaction-log' | 'cluster-metadata' | 'string';

export interface DumpOptions {
  printDataLog: boolean;
  deepIteration: boolean;
  verifyIndexOnly: boolean;
  indexSanityCheck: boolean;
  skipRecordMetadata: boolean;
  maxBytes: number;
  maxMessageSize: number;
  decoder: DecoderName;
}

const PARSERS: Record<DecoderName, RecordParser> = {
  offsets: offsetsParser,
  'transaction-log': transactionLogParser,
  'cluster-metadata': clusterMetadataParser,
  string: stringParser,
};

export async function dumpFile(file: string, options: DumpOptions): Promise<FileDump> {
  const name = basename(file);
  const suffix = name.includes('.') ? name.slice(name.lastIndexOf('.')) : '';
  // Any decoder implies printing the data, and printing implies deep iteration.
  const printData = options.printDataLog || options.decoder !== 'string';
  switch (suffix) {
    case '.log':
    case '.checkpoint':
      return dumpLogFile(file, {
        deep: options.deepIteration || printData,
        parser: printData ? PARSERS[options.decoder] : null,
        skipRecordMetadata: options.skipRecordMetadata,
        maxBytes: options.maxBytes,
      });
    case '.index':
      return dumpOffsetIndex(file, options.indexSanityCheck, options.maxMessageSize);
    case '.timeindex':
      return dumpTimeIndex(file, options.indexSanityCheck);
    case '.snapshot':
      return dumpProducerSnapshot(file);
    case '.txnindex':
      return dumpTxnIndex(file);
    default:
      return { kind: 'unknown', file, abort: null };
  }
}
