import { Flags } from '@oclif/core';
import { TkCommand } from '../src/cli/base-command.js';
import { clientFlags } from '../src/cli/common-flags.js';
import type { ConsumerSummary } from '../src/cli/perf/consumer-report.js';
import type { ProgressBar } from '../src/cli/perf/progress.js';

export class ConsumerPerfTest extends TkCommand {
  static override summary = "Measure the consumer's throughput (kafka-consumer-perf-test.sh).";
  static override description =
    'Consumes --messages records of --topic as a member of --group (default perf-consumer-NNNNN), from the group\'s committed offsets, else the earliest (--from-latest: the latest), and prints one row of totals: MB and messages consumed and their rates, the time spent joining the group (rebalance.time.ms) and the rates over the rest (fetch.*). It stops early, with a WARNING, when no record came for --timeout ms. --show-detailed-stats prints a row per --reporting-interval instead. On a terminal a progress bar is drawn on stderr.';
  static override examples = [
    '<%= config.bin %> consumer-perf-test --bootstrap-server localhost:9092 --topic perf --messages 1000000',
    '<%= config.bin %> consumer-perf-test --topic perf --messages 100000 --show-detailed-stats --reporting-interval 1000 --hide-header',
  ];
  static override flags = {
    'bootstrap-server': clientFlags['bootstrap-server'],
    output: clientFlags.output,
    topic: Flags.string({ description: 'REQUIRED: The topic to consume from.', helpValue: 'TOPIC' }),
    messages: Flags.string({ description: 'REQUIRED: The number of messages to consume.', helpValue: 'COUNT' }),
    group: Flags.string({ description: 'The group id to consume on. Default: perf-consumer- and a random number.', helpValue: 'GID' }),
    'fetch-size': Flags.string({ description: 'The amount of data to fetch in a single request (max.partition.fetch.bytes). Default: 1048576.', helpValue: 'SIZE' }),
    'from-latest': Flags.boolean({ description: 'Without a committed offset, start with the latest message rather than the earliest.' }),
    'socket-buffer-size': Flags.string({ description: 'The size of the TCP receive buffer (receive.buffer.bytes; tk leaves it to the OS). Default: 2097152.', helpValue: 'SIZE' }),
    timeout: Flags.string({ description: 'The maximum allowed time in milliseconds between returned records. Default: 10000.', helpValue: 'MS' }),
    'reporting-interval': Flags.string({ description: 'Interval in milliseconds at which to print progress info (with --show-detailed-stats). Default: 5000.', helpValue: 'INTERVAL_MS' }),
    'show-detailed-stats': Flags.boolean({ description: 'Print a row per reporting interval instead of the totals.' }),
    'hide-header': Flags.boolean({ description: 'Skip printing the header for the stats.' }),
    'date-format': Flags.string({ description: 'The java.text.SimpleDateFormat pattern of the time fields.', default: 'yyyy-MM-dd HH:mm:ss:SSS', helpValue: 'PATTERN' }),
    'consumer.config': Flags.string({ description: 'Consumer config properties file.', helpValue: 'FILE' }),
    // Kafka 3.9's deprecated options: --broker-list stands in for --bootstrap-server, the others are ignored with a warning.
    'broker-list': Flags.string({ hidden: true }),
    threads: Flags.string({ hidden: true }),
    'num-fetch-threads': Flags.string({ hidden: true }),
    // Kafka prints the consumer's metrics; tk's consumer keeps none, so the flag is refused.
    'print-metrics': Flags.boolean({ hidden: true }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ConsumerPerfTest);
    const json = flags.output === 'json';
    const { consumerPerfSettings, ConsumerPerfUsageError } = await import('../src/cli/perf/consumer-options.js');
    if (flags['print-metrics']) return this.failWith("--print-metrics is not available: tk's consumer keeps no metrics to print");
    let settings: Awaited<ReturnType<typeof consumerPerfSettings>>;
    try {
      settings = await consumerPerfSettings(flags);
    } catch (err) {
      if (err instanceof ConsumerPerfUsageError) return this.failWith(err.message);
      throw err;
    }
    const report = await import('../src/cli/perf/consumer-report.js');
    const { javaDateFormatter, DatePatternError } = await import('../src/cli/perf/java-format.js');
    const text = (line: string): void => {
      if (!json) process.stdout.write(line);
    };
    if (settings.deprecationWarning !== null) text(`${settings.deprecationWarning}\n`);
    if (!settings.hideHeader) text(report.headerLine(settings.showDetailedStats));
    // Kafka checks these only when consuming starts, after the header.
    if (settings.reportingInterval <= 0) return this.failWith('Reporting interval must be greater than 0.');
    let formatDate: (ms: number) => string;
    try {
      formatDate = javaDateFormatter(settings.dateFormat);
    } catch (err) {
      if (err instanceof DatePatternError) return this.failWith(err.message);
      throw err;
    }

    const { Cluster } = await import('../src/client/cluster.js');
    const { GroupConsumer } = await import('../src/client/group-consumer.js');
    const { runConsumerPerf } = await import('../src/cli/perf/consumer-run.js');
    const { isInteractive } = await import('../src/cli/terminal.js');
    const { ProgressBar } = await import('../src/cli/perf/progress.js');
    const cluster = await Cluster.connect(settings.bootstrap, settings.consumer);
    const group = new GroupConsumer(cluster, settings.consumer);
    let consumed = 0;
    let bar: ProgressBar | null = null;
    if (!json && isInteractive()) {
      bar = new ProgressBar(process.stderr, settings.numMessages, 'messages', () => consumed);
      bar.start();
    }
    const print = (line: string): void => (bar ? bar.printAbove(line, process.stdout) : text(line));
    const startMs = Date.now();
    let result: Awaited<ReturnType<typeof runConsumerPerf>>;
    let endMs: number;
    try {
      const plan = {
        topic: settings.topic,
        numMessages: settings.numMessages,
        timeoutMs: settings.timeoutMs,
        reportingIntervalMs: settings.reportingInterval,
        maxPollRecords: settings.maxPollRecords,
        onInterval: settings.showDetailedStats && !json ? (p: Parameters<typeof report.detailedRow>[0]) => print(report.detailedRow(p, formatDate)) : null,
      };
      result = await runConsumerPerf(group, plan, startMs, (n) => (consumed = n));
      if (result.timedOut) print(report.timeoutWarning(settings.timeoutMs));
      endMs = Date.now();
    } finally {
      bar?.stop();
      await group.close();
      cluster.close();
    }
    const summary = report.summarize({ startMs, endMs, bytes: result.bytes, messages: result.messages, rebalanceMs: result.rebalanceMs });
    if (json) process.stdout.write(jsonSummary(settings.topic, settings.consumer.groupId, summary, result.timedOut, formatDate));
    else if (!settings.showDetailedStats) process.stdout.write(report.totalRow(summary, formatDate));
  }
}

function jsonSummary(topic: string, group: string, s: ConsumerSummary, timedOut: boolean, formatDate: (ms: number) => string): string {
  const { startMs, endMs, ...figures } = s;
  return `${JSON.stringify({ topic, group, startTime: formatDate(startMs), endTime: formatDate(endMs), ...figures, timedOut })}\n`;
}
