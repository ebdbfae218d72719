import { Flags } from '@oclif/core';
import { TkCommand } from '../src/cli/base-command.js';
import { clientFlags } from '../src/cli/common-flags.js';
import type { ProducerPerfFlags, ProducerPerfPlan } from '../src/cli/perf/producer-options.js';
import type { ProducerSummary } from '../src/cli/perf/producer-stats.js';
import type { ProgressBar } from '../src/cli/perf/progress.js';

export class ProducerPerfTest extends TkCommand {
  static override summary = "Measure the producer's throughput and latency (kafka-producer-perf-test.sh).";
  static override description =
    'Sends --num-records records to --topic, each a fresh random payload of --record-size upper-case letters (the same bytes as Kafka\'s tool), a random entry of --payload-file, or the record\'s number (--payload-monotonic), at most --throughput records a second (-1: no limit). Every 5 s a line reports the window; the last line has the totals and latency percentiles (latency: from the send to its acknowledgement). Producer settings come from --producer.config then --producer-props (bootstrap.servers, acks, linger.ms, batch.size, compression.type, ...); --bootstrap-server wins over bootstrap.servers. tk\'s producer has no transactions or idempotence yet, so --transactional-id and --transaction-duration-ms are not offered. On a terminal a progress bar is drawn on stderr.';
  static override examples = [
    '<%= config.bin %> producer-perf-test --topic perf --num-records 1000000 --record-size 100 --throughput -1 --producer-props bootstrap.servers=localhost:9092 acks=1',
    '<%= config.bin %> producer-perf-test --topic perf --num-records 10000 --payload-file payloads.txt --payload-delimiter , --throughput 1000 --producer.config producer.properties',
  ];
  static override flags = {
    'bootstrap-server': clientFlags['bootstrap-server'],
    output: clientFlags.output,
    topic: Flags.string({ description: 'Produce messages to this topic.', helpValue: 'TOPIC' }),
    'num-records': Flags.string({ description: 'Number of messages to produce.', helpValue: 'NUM-RECORDS' }),
    'record-size': Flags.string({ description: 'Message size in bytes. Exactly one of --record-size, --payload-file or --payload-monotonic.', helpValue: 'RECORD-SIZE' }),
    'payload-file': Flags.string({ description: 'File to read the message payloads from (UTF-8 text); each record is a randomly chosen payload.', helpValue: 'PAYLOAD-FILE' }),
    'payload-delimiter': Flags.string({ description: 'The delimiter (a Java regular expression) between payloads in --payload-file. Default: \\n.', helpValue: 'PAYLOAD-DELIMITER', default: '\\n' }),
    'payload-monotonic': Flags.boolean({ description: 'Each payload is the record\'s number: 0, 1, 2, ...' }),
    throughput: Flags.string({ description: 'Throttle to approximately THROUGHPUT messages/sec; -1 for no limit.', helpValue: 'THROUGHPUT' }),
    'producer-props': Flags.string({ description: 'Producer properties PROP-NAME=PROP-VALUE (bootstrap.servers, acks, ...), one or more; they take precedence over --producer.config.', multiple: true, helpValue: 'PROP-NAME=PROP-VALUE' }),
    'producer.config': Flags.string({ description: 'Producer config properties file.', helpValue: 'CONFIG-FILE' }),
    // Kafka prints the producer's metrics; tk's producer keeps none, so the flag is refused.
    'print-metrics': Flags.boolean({ hidden: true }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ProducerPerfTest);
    const json = flags.output === 'json';
    const options = await import('../src/cli/perf/producer-options.js');
    if (flags['print-metrics']) return this.failWith("--print-metrics is not available: tk's producer keeps no metrics to print");
    let plan: ProducerPerfPlan;
    try {
      plan = await this.plan(flags, json);
    } catch (err) {
      if (err instanceof options.PerfUsageError) return this.failWith(`producer-performance: error: ${err.message}`);
      if (err instanceof options.PerfRunError) return this.failWith(`Exception in thread "main" ${err.javaClass}: ${err.message}`);
      throw err;
    }

    const { Producer } = await import('../src/client/producer.js');
    const { runProducerPerf } = await import('../src/cli/perf/producer-run.js');
    const { totalLine } = await import('../src/cli/perf/producer-stats.js');
    const { javaExceptionOf, exceptionLine } = await import('../src/cli/console-producer/report.js');
    const { isInteractive } = await import('../src/cli/terminal.js');
    const producer = await Producer.connect(plan.producer.bootstrap, plan.producer.options);
    let bar: ProgressBar | null = null;
    const { ProgressBar } = await import('../src/cli/perf/progress.js');
    const result = await runProducerPerf(producer, plan, {
      printWindow: (line) => {
        if (json) return;
        if (bar) bar.printAbove(line, process.stdout);
        else process.stdout.write(line);
      },
      // Kafka prints each failed send's stack trace; here its first line.
      onFailure: (err) => process.stderr.write(`${exceptionLine(javaExceptionOf(err))}\n`),
      onStart: (acknowledged) => {
        if (json || !isInteractive()) return;
        bar = new ProgressBar(process.stderr, plan.numRecords, 'records', acknowledged);
        bar.start();
      },
    }).finally(() => (bar as ProgressBar | null)?.stop());
    process.stdout.write(json ? jsonSummary(plan.topic, result.summary, result.failed) : totalLine(result.summary));
    if (result.failed > 0) process.exitCode = 1;
  }

  private async plan(flags: ProducerPerfFlags & { 'payload-delimiter': string }, json: boolean): Promise<ProducerPerfPlan> {
    const options = await import('../src/cli/perf/producer-options.js');
    const checked = options.checkProducerPerfArgs(flags, this.argv);
    let payload: ProducerPerfPlan['payload'];
    if (checked.recordSize !== null) payload = { kind: 'random', recordSize: checked.recordSize };
    else if (flags['payload-monotonic']) payload = { kind: 'monotonic' };
    else {
      const file = flags['payload-file']!;
      // Kafka's default is the two characters \n, read as a newline.
      const delimiter = flags['payload-delimiter'] === '\\n' ? '\n' : flags['payload-delimiter'];
      if (!json) process.stdout.write(`Reading payloads from: ${options.absolutePath(file)}\n`);
      const payloads = await options.readPayloadFile(file, delimiter);
      if (!json) process.stdout.write(`Number of messages read: ${payloads.length}\n`);
      if (payloads.length === 0) throw new options.PerfRunError('java.lang.IllegalArgumentException', 'no payload File Path or record Size or payload-monotonic option provided');
      payload = { kind: 'file', payloads };
    }
    const producer = await options.producerPerfSettings(flags);
    return { topic: flags.topic!, numRecords: checked.numRecords, throughput: checked.throughput, payload, producer };
  }
}

function jsonSummary(topic: string, s: ProducerSummary, failed: number): string {
  const percentiles = { p50: s.p50Ms, p95: s.p95Ms, p99: s.p99Ms, p999: s.p999Ms };
  // NaN (no record acknowledged) becomes null.
  const summary = { topic, records: s.records, failed, recordsPerSec: s.recordsPerSec, mbPerSec: s.mbPerSec, avgLatencyMs: s.avgLatencyMs, maxLatencyMs: s.maxLatencyMs, latencyPercentilesMs: percentiles };
  return `${JSON.stringify(summary)}\n`;
}
