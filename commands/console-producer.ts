import { Flags } from '@oclif/core';
import { TkCommand } from '../src/cli/base-command.js';
import { clientFlags } from '../src/cli/common-flags.js';
import type { LineParser } from '../src/cli/console-producer/line-reader.js';
import type { DeliveryTally } from '../src/cli/console-producer/report.js';
import type { DeliveryCallback, Producer, ProducerRecord } from '../src/client/producer.js';

/** The reader class names Kafka 3.9 and 4.x use for the default line reader; tk loads no Java classes. */
const LINE_READERS = new Set(['kafka.tools.ConsoleProducer$LineMessageReader', 'org.apache.kafka.tools.LineMessageReader']);

export class ConsoleProducer extends TkCommand {
  static override summary = 'Read lines from standard input and produce them to a topic (kafka-console-producer.sh).';
  static override description =
    'Each line is one record: [headers<headers.delimiter>][key<key.separator>]value, as set with --property (parse.key, key.separator, parse.headers, headers.delimiter, headers.separator, headers.key.separator, ignore.error, null.marker). On a terminal each line is prompted with ">". A record that fails is reported on stderr and the exit code is 1; a line that does not parse stops the tool.';
  static override examples = [
    'seq 1000 | <%= config.bin %> console-producer --topic numbers',
    "<%= config.bin %> console-producer --topic orders --property parse.key=true --property key.separator=: < orders.txt",
    '<%= config.bin %> console-producer --topic events --compression-codec zstd --request-required-acks 1 --output json < events.txt',
  ];
  static override flags = {
    'bootstrap-server': clientFlags['bootstrap-server'],
    output: clientFlags.output,
    topic: Flags.string({ description: 'The topic to produce messages to.', required: true, helpValue: 'TOPIC' }),
    'producer.config': Flags.string({ description: 'Producer config properties file; --producer-property takes precedence over it.', helpValue: 'FILE' }),
    'producer-property': Flags.string({ description: 'A producer property, key=value. Repeatable.', multiple: true, default: [], helpValue: 'KEY=VALUE' }),
    property: Flags.string({ description: 'A line reader property, key=value (parse.key, key.separator, ...). Repeatable.', multiple: true, default: [], helpValue: 'KEY=VALUE' }),
    'reader-config': Flags.string({ description: 'Line reader properties file; --property takes precedence over it.', helpValue: 'FILE' }),
    'line-reader': Flags.string({ description: 'The line reader class; only the default LineMessageReader is available.', helpValue: 'CLASS' }),
    'compression-codec': Flags.string({ description: "none, gzip, snappy, lz4 or zstd; given without a value it means gzip. Default: none.", helpValue: 'CODEC' }),
    'batch-size': Flags.string({ description: 'Bytes of records per partition batch (batch.size). Default: 16384.', helpValue: 'SIZE' }),
    'max-partition-memory-bytes': Flags.string({ description: 'batch.size as well; wins over --batch-size. Default: 16384.', helpValue: 'BYTES' }),
    'request-required-acks': Flags.string({ description: 'acks: 0, 1, -1 or all. Default: -1.', helpValue: 'ACKS' }),
    'request-timeout-ms': Flags.string({ description: 'request.timeout.ms. Default: 1500.', helpValue: 'MS' }),
    'message-send-max-retries': Flags.string({ description: 'retries. Default: 3.', helpValue: 'N' }),
    'retry-backoff-ms': Flags.string({ description: 'retry.backoff.ms. Default: 100.', helpValue: 'MS' }),
    timeout: Flags.string({ description: 'linger.ms: how long a batch waits for more records. Default: 1000.', helpValue: 'MS' }),
    'max-memory-bytes': Flags.string({ description: 'buffer.memory: bytes buffered before reading pauses. Default: 33554432.', helpValue: 'BYTES' }),
    sync: Flags.boolean({ description: 'Send each record and wait for its acknowledgement before reading the next line.' }),
  };

  async run(): Promise<void> {
    const { expandBareCompressionCodec, mergeProducerProperties, producerSettingsFrom, OptionError, ProducerConfigError } = await import('../src/cli/console-producer/options.js');
    const { flags } = await this.parse(ConsoleProducer, expandBareCompressionCodec(this.argv));
    const { readPropertiesFile, parseKeyValueFlags } = await import('../src/cli/common-flags.js');
    const { configureLineReader, LineParser, ReaderError } = await import('../src/cli/console-producer/line-reader.js');
    const report = await import('../src/cli/console-producer/report.js');

    const lineReader = flags['line-reader'];
    if (lineReader !== undefined && !LINE_READERS.has(lineReader)) {
      throw new Error(`--line-reader ${lineReader} is not available: tk reads lines with Kafka's LineMessageReader only`);
    }
    let topic: string;
    let parser: LineParser;
    let settings: ReturnType<typeof producerSettingsFrom>;
    try {
      // Kafka's order: reader properties (file, topic, then --property, so `--property topic=x`
      // wins as it does in Kafka), the reader, then the producer.
      const readerProps = flags['reader-config'] === undefined ? new Map<string, string>() : await readPropertiesFile(flags['reader-config'], 'reader-config');
      readerProps.set('topic', flags.topic);
      for (const [k, v] of parseKeyValueFlags(flags.property, 'property')) readerProps.set(k, v);
      topic = readerProps.get('topic')!;
      parser = new LineParser(topic, configureLineReader(readerProps));
      const fileProps = flags['producer.config'] === undefined ? new Map<string, string>() : await readPropertiesFile(flags['producer.config'], 'producer.config');
      const props = mergeProducerProperties(fileProps, parseKeyValueFlags(flags['producer-property'], 'producer-property'), {
        compressionCodec: flags['compression-codec'],
        batchSize: flags['batch-size'],
        maxPartitionMemoryBytes: flags['max-partition-memory-bytes'],
        requestRequiredAcks: flags['request-required-acks'],
        requestTimeoutMs: flags['request-timeout-ms'],
        messageSendMaxRetries: flags['message-send-max-retries'],
        retryBackoffMs: flags['retry-backoff-ms'],
        timeout: flags.timeout,
        maxMemoryBytes: flags['max-memory-bytes'],
      });
      settings = producerSettingsFrom(props, flags['bootstrap-server']);
    } catch (err) {
      if (err instanceof OptionError) return this.failWith(err.message);
      if (err instanceof ReaderError || err instanceof ProducerConfigError) return this.failWith(report.exceptionLine(report.javaExceptionOf(err)));
      throw err;
    }

    const { Producer } = await import('../src/client/producer.js');
    const producer = await Producer.connect(settings.bootstrap, settings.options);
    const tally = new report.DeliveryTally();
    let aborted: string | null = null;
    let interrupted: NodeJS.Signals | null = null;
    try {
      interrupted = await this.produceLines(producer, parser, topic, flags.sync, tally);
    } catch (err) {
      // Kafka closes the producer (sending what was read before) and then prints the exception.
      if (!(err instanceof ReaderError || err instanceof SyncSendError)) throw err;
      aborted = err instanceof SyncSendError ? `java.util.concurrent.ExecutionException: ${report.exceptionLine(err.cause)}` : report.exceptionLine(report.javaExceptionOf(err));
    } finally {
      await producer.close();
    }
    if (aborted !== null) return this.failWith(aborted);
    if (interrupted !== null) {
      const { constants } = await import('node:os');
      process.exitCode = 128 + constants.signals[interrupted];
      return;
    }
    if (flags.output === 'json') process.stdout.write(tally.toJson(topic));
    if (tally.failed > 0) process.exitCode = 1;
  }

  /** Reads stdin to its end and sends every line; returns the signal that stopped it early, if any. */
  private async produceLines(producer: Producer, parser: LineParser, topic: string, sync: boolean, tally: DeliveryTally): Promise<NodeJS.Signals | null> {
    const { LineSplitter } = await import('../src/cli/console-producer/line-reader.js');
    const { javaExceptionOf, sendFailureLine } = await import('../src/cli/console-producer/report.js');
    // Kafka prompts when System.console() exists: stdin and stdout both a terminal.
    const prompt = process.stdin.isTTY === true && process.stdout.isTTY === true;
    const splitter = new LineSplitter();
    let lineNumber = 0;

    // One callback for every record (no closure per line): a failure says which record it was.
    const onDelivery: DeliveryCallback = (err, metadata, failed) => {
      if (err === null) {
        tally.delivered(metadata!.partition, metadata!.offset);
        return;
      }
      tally.failed++;
      process.stderr.write(sendFailureLine(topic, failed?.keySize ?? -1, failed?.valueSize ?? -1, javaExceptionOf(err)));
    };

    const parse = (line: Buffer): ProducerRecord => parser.parse(line, ++lineNumber);
    /** Queues one line; false when the producer's buffer is full. */
    const sendAsync = (line: Buffer): boolean => {
      return producer.produce(parse(line), onDelivery);
    };
    const sendSync = async (line: Buffer): Promise<void> => {
      let failure: Error | null = null;
      producer.produce(parse(line), (err, metadata) => {
        if (err === null) tally.delivered(metadata!.partition, metadata!.offset);
        else failure = err;
      });
      // Kafka's --sync blocks on each send's future; flushing skips the linger wait before it.
      await producer.flush();
      if (failure !== null) throw new SyncSendError(javaExceptionOf(failure));
    };
    const send = async (line: Buffer): Promise<boolean> => {
      if (!sync) return sendAsync(line);
      await sendSync(line);
      return true;
    };

    // Kafka's shutdown hook closes the producer on Ctrl-C, so what was read is still sent: stop
    // reading, let the caller close, and leave with the signal's exit status.
    let interrupted: NodeJS.Signals | null = null;
    const onSignal = (signal: NodeJS.Signals): void => {
      interrupted = signal;
      process.stdin.destroy();
    };
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    if (prompt) process.stdout.write('>');
    try {
      for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
        let writable = true;
        const lines = splitter.push(chunk);
        if (!sync && !prompt) {
          // The hot path: no await per line.
          for (const line of lines) writable = sendAsync(line) && writable;
        } else {
          for (const line of lines) {
            writable = (await send(line)) && writable;
            if (prompt) process.stdout.write('>');
          }
        }
        if (!writable) await producer.whenWritable();
      }
    } catch (err) {
      if (interrupted === null) throw err;
    } finally {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    }
    if (interrupted !== null) return interrupted;
    const last = splitter.end();
    if (last !== null) {
      await send(last);
      if (prompt) process.stdout.write('>');
    }
    return null;
  }
}

/** A --sync send that failed: Kafka's future.get() throws it wrapped in an ExecutionException. */
class SyncSendError extends Error {
  constructor(override readonly cause: { javaClass: string; message: string }) {
    super(cause.message);
    this.name = 'SyncSendError';
  }
}
