import { Flags } from '@oclif/core';
import { TkCommand } from '../src/cli/base-command.js';
import { clientFlags } from '../src/cli/common-flags.js';

export class ConsoleConsumer extends TkCommand {
  static override summary = 'Read records from a topic and print them (kafka-console-consumer.sh).';
  static override description =
    'Without --group, reads every partition of --topic (or of each topic whose whole name matches --include when tk starts), or the one --partition, and commits nothing. With --group (or group.id in --consumer-property/--consumer.config) the topics are shared with the other members of the group, reading starts at the group\'s committed offsets (auto.offset.reset, or --from-beginning, where there are none), and offsets are committed every auto.commit.interval.ms and at exit, so the next run of the group continues where this one stopped. Records print as Kafka\'s DefaultMessageFormatter prints them (--property print.key=true, ...), values as their raw bytes. At exit `Processed a total of N messages` goes to stderr.';
  static override examples = [
    '<%= config.bin %> console-consumer --topic events --from-beginning',
    '<%= config.bin %> console-consumer --topic events --partition 0 --offset 42 --max-messages 10',
    '<%= config.bin %> console-consumer --include "events|audit.*" --property print.key=true --property print.timestamp=true',
    '<%= config.bin %> console-consumer --topic events --from-time 2024-05-01T12:00:00Z --timeout-ms 5000',
    '<%= config.bin %> console-consumer --topic events --group billing --from-beginning',
  ];
  static override flags = {
    'bootstrap-server': clientFlags['bootstrap-server'],
    output: clientFlags.output,
    topic: Flags.string({ description: 'The topic to consume on.', helpValue: 'TOPIC' }),
    include: Flags.string({ description: 'Regular expression specifying list of topics to include for consumption (matched against whole names, at start).', helpValue: 'REGEX' }),
    partition: Flags.string({ description: "The partition to consume from. Consumption starts from the end of the partition unless '--offset' is specified.", helpValue: 'N' }),
    offset: Flags.string({ description: "The offset to consume from (a non-negative number), or 'earliest' which means from beginning, or 'latest' which means from end. Needs --partition.", helpValue: 'OFFSET' }),
    'from-beginning': Flags.boolean({ description: 'Start with the earliest message present in the log rather than the latest message.' }),
    'from-time': Flags.string({ description: 'Start every partition at the first record whose timestamp is at or after this time (ISO-8601, or epoch ms); partitions without one start at the end.', helpValue: 'TIME' }),
    group: Flags.string({ description: 'The consumer group id of the consumer.', helpValue: 'GROUP' }),
    'max-messages': Flags.string({ description: 'The maximum number of messages to consume before exiting. If not set, consumption is continual.', helpValue: 'N' }),
    'timeout-ms': Flags.string({ description: 'If specified, exit if no message is available for consumption for the specified interval.', helpValue: 'MS' }),
    'isolation-level': Flags.string({ description: 'read_committed to skip transactional records that were not committed; read_uncommitted (default) to read them all.', helpValue: 'LEVEL' }),
    'skip-message-on-error': Flags.boolean({ description: 'If there is an error when processing a message, skip it instead of halt (tk formats raw bytes, which cannot fail).' }),
    property: Flags.string({
      description: 'A formatter property k=v (repeatable): print.timestamp, print.partition, print.offset, print.delivery, print.epoch, print.headers, print.key, print.value (true|false), key.separator, line.separator, headers.separator, null.literal.',
      multiple: true,
      default: [],
      helpValue: 'PROP',
    }),
    'formatter-config': Flags.string({ description: 'A properties file of formatter properties; --property takes precedence.', helpValue: 'FILE' }),
    'consumer-property': Flags.string({ description: 'A consumer property k=v (repeatable): fetch.min.bytes, fetch.max.wait.ms, fetch.max.bytes, max.partition.fetch.bytes, isolation.level, auto.offset.reset, client.id, request.timeout.ms; with a group also group.id, group.instance.id, enable.auto.commit, auto.commit.interval.ms, session.timeout.ms, heartbeat.interval.ms, max.poll.interval.ms, partition.assignment.strategy (range, roundrobin, cooperative-sticky or their Java class names), metadata.max.age.ms.', multiple: true, default: [], helpValue: 'PROP' }),
    'consumer.config': Flags.string({ description: 'A consumer properties file; --consumer-property takes precedence.', helpValue: 'FILE' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ConsoleConsumer);
    const { consoleConsumerSettings, ConsoleConsumerUsageError } = await import('../src/cli/console-consumer/options.js');
    let settings;
    try {
      settings = await consoleConsumerSettings(flags);
    } catch (err) {
      // As Kafka's tools: the reason on stderr, exit 1 (the option table is left to --help).
      if (!(err instanceof ConsoleConsumerUsageError)) throw err;
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    const { ConsoleConsumerSession } = await import('../src/cli/console-consumer/session.js');
    const code = await new ConsoleConsumerSession(settings).run();
    // Sockets and timers of the client may linger a moment after close; stdout and stderr are already flushed.
    process.exit(code);
  }
}
