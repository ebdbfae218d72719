import { Flags } from '@oclif/core';
import { TkCommand } from '../src/cli/base-command.js';
import { clientFlags, clusterOptions, loadClientSettings } from '../src/cli/common-flags.js';
import type { BrokerLogDirsView } from '../src/cli/render/log-dirs.js';

export class LogDirs extends TkCommand {
  static override summary = 'Describe the log directories of brokers and the partitions in them (kafka-log-dirs.sh).';
  static override description =
    'Prints, per broker, each log directory with the size and offset lag of every partition replica it holds, as one JSON line. When stdout is not a terminal the text is exactly what kafka-log-dirs.sh prints.';
  static override examples = ['<%= config.bin %> log-dirs --describe', '<%= config.bin %> log-dirs --describe --broker-list 1 --topic-list events,audit'];
  static override flags = {
    ...clientFlags,
    describe: Flags.boolean({ description: 'REQUIRED: describe the log directories on the brokers.' }),
    'broker-list': Flags.string({ description: 'The brokers to query, "0,1,2". Default: every broker in the cluster.', helpValue: 'IDS' }),
    'topic-list': Flags.string({ description: 'The topics to show, "topic1,topic2". Default: all topics.', helpValue: 'TOPICS' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(LogDirs);
    if (!flags.describe) return this.failWith('Missing required argument "[describe]"');
    const { brokersToQuery, LogDirsError, parseBrokerList, parseTopicList } = await import('../src/cli/log-dirs-options.js');
    const topics = parseTopicList(flags['topic-list']);
    let requested: number[];
    try {
      requested = parseBrokerList(flags['broker-list']);
    } catch (err) {
      if (!(err instanceof LogDirsError)) throw err;
      return this.failWith(err.message);
    }

    const settings = await loadClientSettings(flags);
    const { Cluster } = await import('../src/client/cluster.js');
    const { Admin } = await import('../src/client/admin.js');
    const { errorInfo, ErrorCode, KafkaProtocolError } = await import('../src/protocol/errors.js');
    const { javaExceptionClass } = await import('../src/cli/render/java.js');
    const render = await import('../src/cli/render/log-dirs.js');
    const cluster = await Cluster.connect(settings.bootstrap, clusterOptions(settings, 'log-dirs-tool'));
    const admin = new Admin(cluster);
    const asText = flags.output !== 'json';
    try {
      const clusterBrokers = (await admin.describeCluster()).brokers.map((b) => b.nodeId);
      let queried: number[];
      try {
        queried = brokersToQuery(requested, clusterBrokers);
      } catch (err) {
        if (!(err instanceof LogDirsError)) throw err;
        return this.failWith(err.message);
      }
      if (asText) process.stdout.write(render.QUERYING_LINE);
      const answers = await admin.describeLogDirs(queried);
      // Kafka's Admin fails the whole call when a broker refuses it.
      const refused = answers.find((a) => a.errorCode !== ErrorCode.NONE);
      if (refused) throw new KafkaProtocolError(refused.errorCode);
      const views: BrokerLogDirsView[] = answers.map((a) => ({
        broker: a.brokerId,
        logDirs: a.logDirs.map((d) => ({
          logDir: d.logDir,
          error: d.errorCode === ErrorCode.NONE ? null : javaExceptionClass(errorInfo(d.errorCode).name),
          replicas: d.topics.flatMap((t) =>
            t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, size: p.partitionSize, offsetLag: p.offsetLag, isFuture: p.isFutureKey })),
          ),
        })),
      }));
      process.stdout.write(asText ? render.renderLogDirsText(queried, views, topics) : render.renderLogDirsJson(views, topics));
    } catch (err) {
      if (!(err instanceof KafkaProtocolError)) throw err;
      return this.failWith(`${javaExceptionClass(err.errorName)}: ${err.message.slice(err.errorName.length + 2)}`);
    } finally {
      admin.close();
    }
  }
}
