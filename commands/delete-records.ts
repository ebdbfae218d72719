import { Flags } from '@oclif/core';
import { TkCommand } from '../src/cli/base-command.js';
import { clientFlags, clusterOptions, loadClientSettings } from '../src/cli/common-flags.js';
import type { RecordsToDelete } from '../src/cli/delete-records-options.js';

export class DeleteRecords extends TkCommand {
  static override summary = 'Delete the records of partitions below given offsets (kafka-delete-records.sh).';
  static override description =
    'The file names each partition and the offset its log should start at: {"partitions":[{"topic":"events","partition":0,"offset":10}],"version":1}. Offset -1 means the high watermark (every record). When stdout is not a terminal the text is exactly what kafka-delete-records.sh prints.';
  static override examples = ['<%= config.bin %> delete-records --offset-json-file delete.json'];
  static override flags = {
    ...clientFlags,
    'offset-json-file': Flags.string({
      description: 'REQUIRED: the JSON file with the offset per partition: {"partitions":[{"topic":"foo","partition":1,"offset":1}],"version":1}.',
      helpValue: 'FILE',
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(DeleteRecords);
    const file = flags['offset-json-file'];
    if (file === undefined) return this.failWith('Missing required argument "[offset-json-file]"');
    const settings = await loadClientSettings(flags);
    const { readFile } = await import('node:fs/promises');
    const { parseOffsetJson, DeleteRecordsError } = await import('../src/cli/delete-records-options.js');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      // A missing file reads as the first line of the stack trace Kafka prints for it.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return this.failWith(`java.nio.file.NoSuchFileException: ${file}`);
      return this.failWith(`cannot read --offset-json-file ${file}: ${(err as Error).message}`);
    }
    let targets: RecordsToDelete[];
    try {
      targets = parseOffsetJson(text);
    } catch (err) {
      if (!(err instanceof DeleteRecordsError)) throw err;
      return this.failWith(err.message);
    }

    const { Cluster } = await import('../src/client/cluster.js');
    const { Admin } = await import('../src/client/admin.js');
    const { errorInfo, KafkaProtocolError } = await import('../src/protocol/errors.js');
    const render = await import('../src/cli/render/delete-records.js');
    const { javaExceptionClass } = await import('../src/cli/render/java.js');
    const cluster = await Cluster.connect(settings.bootstrap, clusterOptions(settings, 'tk-delete-records'));
    const admin = new Admin(cluster);
    const asText = flags.output !== 'json';
    if (asText) process.stdout.write(render.EXECUTING_LINE);
    try {
      const results = await admin.deleteRecords(targets);
      const outcomes = render.deleteRecordsResultOrder(results).map((r) => {
        const info = errorInfo(r.errorCode);
        return {
          topic: r.topic,
          partition: r.partition,
          lowWatermark: r.error === null ? r.lowWatermark : null,
          error: r.error === null ? null : `${javaExceptionClass(info.name)}: ${info.message}`,
        };
      });
      process.stdout.write(asText ? render.renderDeleteRecordsText(outcomes) : render.renderDeleteRecordsJson(outcomes));
    } catch (err) {
      if (!(err instanceof KafkaProtocolError)) throw err;
      return this.failWith(`${javaExceptionClass(err.errorName)}: ${err.message.slice(err.errorName.length + 2)}`);
    } finally {
      admin.close();
    }
  }
}
