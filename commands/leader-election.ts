import { Flags } from '@oclif/core';
import { TkCommand, UserError } from '../src/cli/base-command.js';
import { clientSettingsFrom, clusterOptions, outputFlag, readPropertiesFile, resolveBootstrap } from '../src/cli/common-flags.js';

export class LeaderElection extends TkCommand {
  static override summary = 'Elect preferred or unclean leaders for partitions (kafka-leader-election.sh).';
  static override description =
    'PREFERRED moves leadership back to the first replica when it is in sync; UNCLEAN gives a partition without a leader any live replica, at the cost of the records it lacks. Name the partitions with --topic and --partition, --path-to-json-file, or --all-topic-partitions. When stdout is not a terminal the text is exactly what kafka-leader-election.sh prints.';
  static override examples = [
    '<%= config.bin %> leader-election --election-type PREFERRED --all-topic-partitions',
    '<%= config.bin %> leader-election --election-type UNCLEAN --topic events --partition 0',
    '<%= config.bin %> leader-election --election-type preferred --path-to-json-file partitions.json',
  ];
  static override flags = {
    'bootstrap-server': Flags.string({
      description: 'The Kafka server(s) to connect to, host:port[,host:port]. Default: $TK_BOOTSTRAP_SERVER, else localhost:9092.',
      helpValue: 'HOST:PORT',
    }),
    'admin.config': Flags.string({ description: 'A properties file of admin client settings (client.id, request.timeout.ms, security.protocol, ...).', helpValue: 'FILE' }),
    'election-type': Flags.string({ description: 'REQUIRED: PREFERRED or UNCLEAN (any case).', helpValue: 'TYPE' }),
    'all-topic-partitions': Flags.boolean({ description: 'Every partition of every topic (not with --topic or --path-to-json-file).', default: false }),
    topic: Flags.string({ description: 'The topic of the one partition to elect a leader for (with --partition).', helpValue: 'TOPIC' }),
    partition: Flags.string({ description: 'The partition id (REQUIRED with --topic).', helpValue: 'ID' }),
    'path-to-json-file': Flags.string({
      description: 'A JSON file of the partitions: {"partitions": [{"topic": "foo", "partition": 1}]} (not with --topic or --all-topic-partitions).',
      helpValue: 'FILE',
    }),
    ...outputFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(LeaderElection);
    const { electionTarget, parseElectionJson } = await import('../src/cli/leader-election/options.js');
    let target;
    let partitions;
    try {
      target = electionTarget(flags);
      if (target.jsonFile !== undefined) {
        const { readFile } = await import('node:fs/promises');
        let text: string;
        try {
          text = await readFile(target.jsonFile, 'utf8');
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`java.nio.file.NoSuchFileException: ${target.jsonFile}`);
          throw new UserError(`cannot read --path-to-json-file ${target.jsonFile}: ${(err as Error).message}`);
        }
        partitions = parseElectionJson(text);
      } else partitions = target.single !== undefined ? [target.single] : null;
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      return this.failWith(err.message);
    }
    const configFile = flags['admin.config'];
    const props = configFile === undefined ? new Map<string, string>() : await readPropertiesFile(configFile, 'admin.config');
    const settings = clientSettingsFrom(props, resolveBootstrap(flags['bootstrap-server']));

    const { Cluster } = await import('../src/client/cluster.js');
    const { electLeaders } = await import('../src/client/election-admin.js');
    const { errorInfo, KafkaProtocolError } = await import('../src/protocol/errors.js');
    const { javaExceptionClass } = await import('../src/cli/render/java.js');
    const render = await import('../src/cli/leader-election/render.js');
    const cluster = await Cluster.connect(settings.bootstrap, clusterOptions(settings, 'tk-leader-election'));
    try {
      const report = render.electionReport(target.electionType, await electLeaders(cluster, target.electionType, partitions));
      process.stdout.write(flags.output === 'json' ? render.renderElectionJson(report) : render.renderElectionText(report));
      const failure = render.failureLine(report);
      if (failure !== null) this.failWith(failure);
    } catch (err) {
      if (!(err instanceof KafkaProtocolError)) throw err;
      const known = render.requestFailureLine(err.code);
      if (known !== null) {
        if (flags.output !== 'json') process.stdout.write(`${known}\n`);
        return this.failWith(known);
      }
      const info = errorInfo(err.code);
      return this.failWith(`java.util.concurrent.ExecutionException: ${javaExceptionClass(info.name)}: ${err.message.slice(err.errorName.length + 2)}`);
    } finally {
      cluster.close();
    }
  }
}
