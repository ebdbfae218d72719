import { Flags } from '@oclif/core';
import { TkCommand, UserError } from '../src/cli/base-command.js';
import { OUTPUT_FORMATS } from '../src/cli/common-flags.js';
import type { DecoderName } from '../src/cli/dump-log/dump.js';
import type { FileDump } from '../src/cli/dump-log/render.js';

const INT32_MAX = 2147483647;

function parseSize(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.trim());
  if (!/^[+-]?\d+$/.test(value.trim()) || n < -2147483648 || n > INT32_MAX) throw new UserError(`Invalid value '${value}' for --${flag}: expected a 32-bit integer`);
  return n;
}

export class DumpLog extends TkCommand {
  static override summary = 'Print the contents of log segments, indexes and snapshots (kafka-dump-log.sh).';
  static override description =
    'Reads the files directly, no broker needed. The kind of file comes from its suffix: .log and .checkpoint (record batches), .index, .timeindex, .snapshot (producer state), .txnindex. When stdout is not a terminal the text is exactly what kafka-dump-log.sh prints.';
  static override examples = [
    '<%= config.bin %> dump-log --files /tmp/kraft-combined-logs/events-0/00000000000000000000.log --print-data-log',
    '<%= config.bin %> dump-log --files 00000000000000000000.index,00000000000000000000.timeindex --verify-index-only',
    '<%= config.bin %> dump-log --cluster-metadata-decoder --files /tmp/kraft-combined-logs/__cluster_metadata-0/00000000000000000000.log',
  ];
  static override flags = {
    files: Flags.string({ description: 'REQUIRED: The comma separated list of data and index log files to be dumped.', helpValue: 'FILE[,FILE]', required: true }),
    'print-data-log': Flags.boolean({ description: 'Print the records\' keys and values too. Implied by every decoder option.' }),
    'deep-iteration': Flags.boolean({ description: 'Print every record, not only the batches. Implied by --print-data-log.' }),
    'verify-index-only': Flags.boolean({ description: 'Check index entries against the log without printing them.' }),
    'index-sanity-check': Flags.boolean({ description: 'Only run the sanity check a broker runs on an index at startup.' }),
    'max-bytes': Flags.string({ description: 'Read at most this many bytes of each .log file. Default: 2147483647.', helpValue: 'SIZE' }),
    'max-message-size': Flags.string({ description: 'Size of the largest batch when checking an index. Default: 5242880.', helpValue: 'SIZE' }),
    'offsets-decoder': Flags.boolean({ description: 'Decode records as __consumer_offsets keys and values.' }),
    'transaction-log-decoder': Flags.boolean({ description: 'Decode records as __transaction_state keys and values.' }),
    'cluster-metadata-decoder': Flags.boolean({ description: 'Decode records as KRaft cluster metadata records.' }),
    'skip-record-metadata': Flags.boolean({ description: 'Print only the keys and values of records, not their offsets, sizes and headers.' }),
    output: Flags.string({ description: 'Output format: text (as kafka-dump-log.sh prints it) or json.', options: [...OUTPUT_FORMATS], default: 'text' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(DumpLog);
    const files = flags.files.split(',');
    if (flags.files.trim() === '') throw new UserError('--files needs at least one file');
    // Kafka's precedence when several decoders are given.
    let decoder: DecoderName = 'string';
    if (flags['offsets-decoder']) decoder = 'offsets';
    else if (flags['transaction-log-decoder']) decoder = 'transaction-log';
    else if (flags['cluster-metadata-decoder']) decoder = 'cluster-metadata';
    const options = {
      printDataLog: flags['print-data-log'],
      deepIteration: flags['deep-iteration'],
      verifyIndexOnly: flags['verify-index-only'],
      indexSanityCheck: flags['index-sanity-check'],
      skipRecordMetadata: flags['skip-record-metadata'],
      maxBytes: parseSize(flags['max-bytes'], 'max-bytes', INT32_MAX),
      maxMessageSize: parseSize(flags['max-message-size'], 'max-message-size', 5 * 1024 * 1024),
      decoder,
    };
    const { dumpFile } = await import('../src/cli/dump-log/dump.js');
    const render = await import('../src/cli/dump-log/render.js');
    const { resolve } = await import('node:path');
    const json = flags.output === 'json';
    const dumps: FileDump[] = [];
    for (const file of files) {
      const dump = await dumpFile(file, options);
      dumps.push(dump);
      if (!json) {
        const text = render.renderFileText(dump, { skipRecordMetadata: options.skipRecordMetadata, verifyOnly: options.verifyIndexOnly });
        process.stdout.write(text.stdout);
        if (text.stderr !== '') process.stderr.write(text.stderr);
      }
      // As Kafka's tool: an exception ends the run, with no summary of the files before it.
      if (dump.abort !== null) break;
    }
    const abort = dumps[dumps.length - 1]?.abort ?? null;
    if (json) process.stdout.write(render.renderJson(dumps));
    else if (abort === null) process.stderr.write(render.renderSummaryText(dumps, (file) => resolve(file)));
    if (abort !== null) throw new UserError(render.abortLine(abort));
  }
}
