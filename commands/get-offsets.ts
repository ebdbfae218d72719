import { Flags } from '@oclif/core';
import { TkCommand } from '../src/cli/base-command.js';
import { clientFlags, clusterOptions, loadClientSettings } from '../src/cli/common-flags.js';
import type { PartitionOffset, SkippedPartition } from '../src/cli/render/get-offsets.js';
import type { TopicPartition } from '../src/client/cluster.js';

export class GetOffsets extends TkCommand {
  static override summary = 'Print the offsets of topic partitions (kafka-get-offsets.sh).';
  static override description =
    'One line per partition, topic:partition:offset, sorted. --time picks the offset: -1 or latest (the default), -2 or earliest, -3 or max-timestamp, -4 or earliest-local, -5 or latest-tiered, or a timestamp in ms (the first offset at or after it). A partition with no such offset is left out. When stdout is not a terminal the text is exactly what kafka-get-offsets.sh prints.';
  static override examples = [
    '<%= config.bin %> get-offsets --topic events',
    '<%= config.bin %> get-offsets --topic "events.*" --partitions 0,1 --time earliest',
    "<%= config.bin %> get-offsets --topic-partitions 'events:0-2,audit' --time 1700000000000",
  ];
  static override flags = {
    ...clientFlags,
    'broker-list': Flags.string({ description: 'Deprecated: use --bootstrap-server (ignored when it is given).', helpValue: 'HOST:PORT', hidden: true }),
    topic: Flags.string({ description: 'The topics to get offsets for: a regular expression matched against whole names. Default: all topics.', helpValue: 'REGEX' }),
    partitions: Flags.string({ description: 'Comma-separated partition ids. Default: all partitions.', helpValue: '0,1,...' }),
    'topic-partitions': Flags.string({
      description: "Comma-separated rules topic-regex[:P | :FROM-TO | :FROM- | :-TO] (TO exclusive); a missing regex matches every topic. Not with --topic or --partitions.",
      helpValue: 't1:1,t2:0-3,t3',
    }),
    time: Flags.string({
      description: 'Which offset: -1/latest, -2/earliest, -3/max-timestamp, -4/earliest-local, -5/latest-tiered, or a timestamp in ms.',
      helpValue: 'TIME',
      default: 'latest',
    }),
    'exclude-internal-topics': Flags.boolean({ description: 'Leave out internal topics (__consumer_offsets, ...).' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(GetOffsets);
    const { checkGetOffsetsOptions, GetOffsetsError } = await import('../src/cli/get-offsets-options.js');
    let checked: ReturnType<typeof checkGetOffsetsOptions>;
    try {
      checked = checkGetOffsetsOptions({ topic: flags.topic, partitions: flags.partitions, topicPartitions: flags['topic-partitions'], time: flags.time });
    } catch (err) {
      if (!(err instanceof GetOffsetsError)) throw err;
      return this.failWith(`Error occurred: ${err.message}`);
    }

    const settings = await loadClientSettings({ 'bootstrap-server': flags['bootstrap-server'] ?? flags['broker-list'], 'command-config': flags['command-config'] });
    const { Cluster } = await import('../src/client/cluster.js');
    const { Admin } = await import('../src/client/admin.js');
    const { KafkaProtocolError } = await import('../src/protocol/errors.js');
    const { javaExceptionClass } = await import('../src/cli/render/java.js');
    // GetOffsetShell sets its client id over the one in --command-config.
    const cluster = await Cluster.connect(settings.bootstrap, { ...clusterOptions(settings, 'GetOffsetShell'), clientId: 'GetOffsetShell' });
    const admin = new Admin(cluster);
    const offsets: PartitionOffset[] = [];
    const skipped: SkippedPartition[] = [];
    try {
      const { filter, spec } = checked;
      const topics = (await admin.listTopics({ includeInternal: !flags['exclude-internal-topics'] })).filter((t) => filter.isTopicAllowed(t));
      const partitions: TopicPartition[] = (topics.length === 0 ? [] : await admin.describeTopics(topics)).flatMap((info) =>
        info.partitions.filter((p) => filter.isTopicPartitionAllowed(info.name, p.partition)).map((p) => ({ topic: info.name, partition: p.partition })),
      );
      if (partitions.length === 0) return this.failWith('Error occurred: Could not match any topic-partitions with the specified filters');
      for (const outcome of await admin.listOffsetsPerPartition(partitions, spec)) {
        if (outcome.error !== null) {
          const { errorName, message } = outcome.error;
          skipped.push({ topic: outcome.topic, partition: outcome.partition, javaClass: javaExceptionClass(errorName), message: message.slice(errorName.length + 2) });
        } else if (outcome.offset !== -1n) offsets.push({ topic: outcome.topic, partition: outcome.partition, offset: outcome.offset });
      }
    } catch (err) {
      if (!(err instanceof KafkaProtocolError)) throw err;
      return this.failWith(`Error occurred: ${javaExceptionClass(err.errorName)}: ${err.message.slice(err.errorName.length + 2)}`);
    } finally {
      admin.close();
    }
    const render = await import('../src/cli/render/get-offsets.js');
    if (flags.output === 'json') {
      process.stdout.write(render.renderOffsetsJson(offsets, skipped));
      return;
    }
    for (const s of skipped) process.stderr.write(render.renderSkippedLine(s));
    process.stdout.write(render.renderOffsetsText(offsets));
  }
}
