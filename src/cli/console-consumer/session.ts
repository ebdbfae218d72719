// The consume loop of tk console-consumer, as Kafka's ConsoleConsumer runs it: poll, format a
// whole batch into one buffer, write it (waiting for stdout to take it), and stop on
// --max-messages, on --timeout-ms without a message, on SIGINT/SIGTERM, or when stdout closes;
// then `Processed a total of N messages` on stderr. With a group the topics are subscribed
// through it, and closing commits the positions of what was printed and leaves the group.
import { Cluster, type TopicInfo } from '../../client/cluster.js';
import { Consumer, type Assignment, type ConsumerRecord } from '../../client/consumer.js';
import type { GroupConsumer } from '../../client/group-consumer.js';
import { KafkaProtocolError } from '../../protocol/errors.js';
import { isValueOnly, OutputBuffer, valueWriter, writeJson, writeTextBatch } from './formatter.js';
import { clusterOptions } from '../common-flags.js';
import type { ConsoleConsumerSettings } from './options.js';

const LOGGER = 'org.apache.kafka.tools.consumer.ConsoleConsumer';
/** How often a topic that does not exist yet (or an --include that matches nothing) is looked for again. */
const TOPIC_RECHECK_MS = 1_000;
/** Records handed out per poll: one formatted buffer and one write each. */
const MAX_POLL_RECORDS = 50_000;

type Ending = { kind: 'done' } | { kind: 'timeout' } | { kind: 'signal'; signal: NodeJS.Signals } | { kind: 'stdout-closed' } | { kind: 'failed'; error: Error };

/** log4j's `[%d] %p %m (%c)` line, as Kafka's tools-log4j.properties lays it out. */
export function log4jLine(level: 'WARN' | 'ERROR', message: string, logger: string, now = new Date()): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const time = `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())} ${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())},${p(now.getMilliseconds(), 3)}`;
  return `[${time}] ${level} ${message} (${logger})\n`;
}

/** A failure Kafka's consumer reports with this Java exception. */
class JavaException extends Error {
  constructor(
    readonly javaClass: string,
    message: string,
  ) {
    super(message);
    this.name = 'JavaException';
  }
}

/** The Java exception line Kafka's log prints under an error. */
function javaExceptionLine(err: Error): string {
  if (err instanceof JavaException) return `${err.javaClass}: ${err.message}`;
  if (err.name === 'NoOffsetForPartitionError') return `org.apache.kafka.clients.consumer.NoOffsetForPartitionException: ${err.message}`;
  if (err.name === 'CommitFailedError') return `org.apache.kafka.clients.consumer.CommitFailedException: ${err.message}`;
  if (err instanceof KafkaProtocolError) {
    const simple = err.errorName.toLowerCase().replace(/(^|_)([a-z])/g, (_, __: string, c: string) => c.toUpperCase());
    return `org.apache.kafka.common.errors.${simple}Exception: ${err.message}`;
  }
  return `org.apache.kafka.common.KafkaException: ${err.message}`;
}

export class ConsoleConsumerSession {
  private ending: Ending | null = null;
  private consumer: Consumer | null = null;
  private group: GroupConsumer | null = null;
  private wakeSleep: (() => void) | null = null;
  private processed = 0;
  private readonly out = new OutputBuffer();

  constructor(private readonly settings: ConsoleConsumerSettings) {}

  /** Runs until one of the endings and returns the exit code. */
  async run(): Promise<number> {
    const stop = (signal: NodeJS.Signals): void => this.end({ kind: 'signal', signal });
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // EPIPE and friends arrive here as well as in the write callback; the callback decides.
    process.stdout.on('error', () => {});
    const s = this.settings;
    const cluster = await Cluster.connect(s.client.bootstrap, clusterOptions(s.client, 'console-consumer'));
    try {
      if (s.group) {
        const { GroupConsumer } = await import('../../client/group-consumer.js');
        this.group = new GroupConsumer(cluster, groupConsumerOptions(s));
        await this.consumeAsMember(this.group);
      } else {
        this.consumer = new Consumer(cluster, s.consumer);
        await this.consume(cluster, this.consumer);
      }
    } catch (err) {
      this.end({ kind: 'failed', error: err as Error });
    } finally {
      this.consumer?.close();
      // Commits the positions of what was printed (with auto commit) and leaves the group, as Kafka's cleanup does.
      await this.group?.close().catch(() => {});
      cluster.close();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    return this.finish();
  }

  private end(ending: Ending): void {
    if (this.ending) return;
    this.ending = ending;
    this.consumer?.close();
    this.group?.wakeup();
    this.wakeSleep?.();
  }

  private async consume(cluster: Cluster, consumer: Consumer): Promise<void> {
    const s = this.settings;
    let lastMessageAt = Date.now();
    const timedOut = (): boolean => s.timeoutMs !== null && Date.now() - lastMessageAt >= s.timeoutMs;
    const assignments = await this.awaitAssignments(cluster, timedOut);
    if (this.ending) return;
    if (assignments === null) return this.end({ kind: 'timeout' });
    await consumer.assign(assignments);
    if (s.output === 'text' && isValueOnly(s.formatter)) {
      // The default output: values go from the fetched batches to the output buffer directly.
      const sink = valueWriter(this.out, s.formatter);
      await this.pollLoop((wait, left) => consumer.pollValues(wait, left, sink));
    } else {
      await this.pollLoop(this.formatting(consumer));
    }
  }

  /** Polls records and formats them into the output buffer; resolves with how many. */
  private formatting(consumer: { poll(timeoutMs: number, maxRecords: number): Promise<ConsumerRecord[]> }): (wait: number, left: number) => Promise<number> {
    const s = this.settings;
    return async (wait, left) => {
      const records = await consumer.poll(wait, left);
      if (s.output === 'json') for (const r of records) writeJson(this.out, r);
      else writeTextBatch(this.out, records, s.formatter);
      return records.length;
    };
  }

  /** Subscribes through the group; topics that do not exist yet are picked up by a rebalance when they appear. */
  private async consumeAsMember(group: GroupConsumer): Promise<void> {
    const source = this.settings.source;
    group.subscribe(source.kind === 'topic' ? [source.topic] : source.pattern);
    await this.pollLoop(this.formatting(group));
  }

  /** Polls and prints until --max-messages, --timeout-ms without a record, or another ending. */
  private async pollLoop(pollInto: (wait: number, left: number) => Promise<number>): Promise<void> {
    const s = this.settings;
    let lastMessageAt = Date.now();
    const timedOut = (): boolean => s.timeoutMs !== null && Date.now() - lastMessageAt >= s.timeoutMs;
    while (!this.ending) {
      const wait = s.timeoutMs === null ? 1_000 : Math.max(0, lastMessageAt + s.timeoutMs - Date.now());
      const left = s.maxMessages === null ? MAX_POLL_RECORDS : Math.min(MAX_POLL_RECORDS, s.maxMessages - this.processed);
      if (left <= 0) return this.end({ kind: 'done' });
      let count: number;
      try {
        count = await pollInto(wait, left);
      } catch (err) {
        if (this.ending) return;
        throw err;
      }
      if (this.ending) return;
      if (count === 0) {
        if (timedOut()) this.end({ kind: 'timeout' });
        continue;
      }
      lastMessageAt = Date.now();
      await this.write(count);
      if (s.maxMessages !== null && this.processed >= s.maxMessages) this.end({ kind: 'done' });
    }
  }

  /**
   * The partitions to read and where each starts. A topic that does not exist yet (and an
   * --include that matches nothing yet) is looked for again every second, as Kafka's consumer
   * keeps waiting for it; null when --timeout-ms passes first.
   */
  private async awaitAssignments(cluster: Cluster, timedOut: () => boolean): Promise<Assignment[] | null> {
    const s = this.settings;
    let warned = false;
    for (;;) {
      const found = await this.findPartitions(cluster);
      if (found.length > 0) {
        if (s.start === 'none') {
          const names = found.map((p) => `${p.topic}-${p.partition}`).join(', ');
          throw new JavaException('org.apache.kafka.clients.consumer.NoOffsetForPartitionException', `Undefined offset with no reset policy for partitions: [${names}]`);
        }
        const start = s.start;
        return found.map((p) => ({ ...p, offset: start }));
      }
      if (s.source.kind === 'topic' && !warned) {
        warned = true;
        const what = s.source.partition === null ? s.source.topic : `${s.source.topic}-${s.source.partition}`;
        process.stderr.write(log4jLine('WARN', `[Consumer clientId=${s.client.clientId}] Error while fetching metadata : {${what}=UNKNOWN_TOPIC_OR_PARTITION}`, 'org.apache.kafka.clients.NetworkClient'));
      }
      if (timedOut()) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, TOPIC_RECHECK_MS);
        this.wakeSleep = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeSleep = null;
      if (this.ending) return null;
    }
  }

  private async findPartitions(cluster: Cluster): Promise<{ topic: string; partition: number }[]> {
    const source = this.settings.source;
    if (source.kind === 'topic') {
      await cluster.refreshMetadata([source.topic], this.settings.allowAutoTopicCreation);
      const info = cluster.metadata.topics.get(source.topic);
      const partitions = usablePartitions(info);
      return source.partition === null ? partitions : partitions.filter((p) => p.partition === source.partition);
    }
    // exclude.internal.topics=true, Kafka's default: a pattern never matches __consumer_offsets.
    const metadata = await cluster.refreshMetadata(null);
    return [...metadata.topics.values()].filter((t) => !t.isInternal && source.pattern.test(t.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).flatMap(usablePartitions);
  }

  /** Writes the `count` records formatted into the buffer and waits until stdout has taken them. */
  private async write(count: number): Promise<void> {
    this.processed += count;
    const chunk = this.out.take();
    const failed = await new Promise<Error | null | undefined>((resolve) => process.stdout.write(chunk, resolve));
    if (failed) this.end({ kind: 'stdout-closed' });
  }

  /** Kafka's last words on stderr, then the exit code: 0, or 128 + the signal as the JVM exits after its shutdown hook. */
  private async finish(): Promise<number> {
    const ending = this.ending ?? { kind: 'done' };
    let text = '';
    if (ending.kind === 'timeout') {
      text += log4jLine('ERROR', 'Error processing message, terminating consumer process: ', LOGGER) + 'org.apache.kafka.common.errors.TimeoutException\n';
    } else if (ending.kind === 'failed') {
      if (ending.error.name === 'ConnectionError') throw ending.error;
      text += log4jLine('ERROR', 'Error processing message, terminating consumer process: ', LOGGER) + `${javaExceptionLine(ending.error)}\n`;
    } else if (ending.kind === 'stdout-closed') {
      text += 'Unable to write to standard out, closing consumer.\n';
    }
    text += `Processed a total of ${this.processed} messages\n`;
    await new Promise((resolve) => process.stderr.write(text, resolve));
    if (ending.kind === 'signal') return ending.signal === 'SIGINT' ? 130 : 143;
    return 0;
  }
}

function groupConsumerOptions(s: ConsoleConsumerSettings): ConstructorParameters<typeof GroupConsumer>[1] {
  const g = s.group!;
  return {
    ...s.consumer,
    groupId: g.groupId,
    groupInstanceId: g.groupInstanceId,
    sessionTimeoutMs: g.sessionTimeoutMs,
    rebalanceTimeoutMs: g.maxPollIntervalMs,
    heartbeatIntervalMs: g.heartbeatIntervalMs,
    assignors: g.assignors,
    autoCommit: g.autoCommit,
    autoCommitIntervalMs: g.autoCommitIntervalMs,
    metadataMaxAgeMs: g.metadataMaxAgeMs,
    allowAutoTopicCreation: s.allowAutoTopicCreation,
  };
}

function usablePartitions(info: TopicInfo | undefined): { topic: string; partition: number }[] {
  return (info?.partitions ?? []).map((p) => ({ topic: p.topic, partition: p.partition }));
}
