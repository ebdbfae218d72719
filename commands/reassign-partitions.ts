import { Flags } from '@oclif/core';
import { TkCommand, UserError } from '../src/cli/base-command.js';
import { clientSettingsFrom, clusterOptions, outputFlag, readPropertiesFile, resolveBootstrap } from '../src/cli/common-flags.js';

export class ReassignPartitions extends TkCommand {
  static override summary = 'Move partitions between brokers (kafka-reassign-partitions.sh).';
  static override description =
    'Exactly one action: --generate proposes an assignment of the topics in --topics-to-move-json-file over --broker-list (deterministic: Kafka starts at a random broker, tk at the first); --execute starts the reassignment in --reassignment-json-file and prints the current assignment to roll back to; --verify reports each partition and, once nothing is moving, clears replication throttles; --cancel reverts reassignments in progress; --list shows them. The new replicas copy the data and join the ISR before the old ones are dropped. Throttles and log-dir moves are not supported (refused). When stdout is not a terminal the text is exactly what kafka-reassign-partitions.sh prints.';
  static override examples = [
    '<%= config.bin %> reassign-partitions --generate --topics-to-move-json-file topics.json --broker-list 2,3,4',
    '<%= config.bin %> reassign-partitions --execute --reassignment-json-file plan.json',
    '<%= config.bin %> reassign-partitions --verify --reassignment-json-file plan.json',
    '<%= config.bin %> reassign-partitions --list',
  ];
  static override flags = {
    'bootstrap-server': Flags.string({
      description: 'The server(s) to use for bootstrapping, host:port[,host:port]. Default: $TK_BOOTSTRAP_SERVER, else localhost:9092.',
      helpValue: 'HOST:PORT',
    }),
    'command-config': Flags.string({ description: 'A properties file of admin client settings (client.id, request.timeout.ms, security.protocol, ...).', helpValue: 'FILE' }),
    generate: Flags.boolean({ description: 'Generate a candidate partition reassignment configuration (does not execute it).', default: false }),
    execute: Flags.boolean({ description: 'Start the reassignment in --reassignment-json-file.', default: false }),
    verify: Flags.boolean({ description: 'Verify whether the reassignment in --reassignment-json-file completed; then clear throttles.', default: false }),
    cancel: Flags.boolean({ description: 'Cancel the active reassignments of the partitions in --reassignment-json-file.', default: false }),
    list: Flags.boolean({ description: 'List all active partition reassignments.', default: false }),
    'reassignment-json-file': Flags.string({
      description: 'The reassignment: {"partitions": [{"topic": "foo", "partition": 1, "replicas": [1,2,3]}], "version": 1} ("log_dirs", if given, must all be "any").',
      helpValue: 'FILE',
    }),
    'topics-to-move-json-file': Flags.string({ description: 'With --generate: the topics to move, {"topics": [{"topic": "foo"}], "version": 1}.', helpValue: 'FILE' }),
    'broker-list': Flags.string({ description: 'With --generate: the brokers to move the partitions to, "0,1,2".', helpValue: 'IDS' }),
    'disable-rack-aware': Flags.boolean({ description: 'With --generate: assign replicas without rack information.', default: false }),
    throttle: Flags.string({ description: 'Not supported (refused): tk brokers do not throttle replication.', helpValue: 'BYTES/S' }),
    'replica-alter-log-dirs-throttle': Flags.string({ description: 'Not supported (refused): tk brokers do not move replicas between log dirs.', helpValue: 'BYTES/S' }),
    timeout: Flags.string({ description: 'Accepted for Kafka compatibility: the wait for log-dir moves to start, which tk never makes.', helpValue: 'MS' }),
    additional: Flags.boolean({ description: 'With --execute: start this reassignment in addition to the ones in progress.', default: false }),
    'preserve-throttles': Flags.boolean({ description: 'With --verify or --cancel: do not clear broker or topic throttles.', default: false }),
    ...outputFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ReassignPartitions);
    const options = await import('../src/cli/reassign-partitions/options.js');
    const json = flags.output === 'json';
    let action;
    try {
      action = options.chooseAction(options.givenOptions(this.argv));
      if (action === 'execute') options.refuseThrottles(flags);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      return this.failWith(err.message);
    }
    const configFile = flags['command-config'];
    const props = configFile === undefined ? new Map<string, string>() : await readPropertiesFile(configFile, 'command-config');
    const settings = clientSettingsFrom(props, resolveBootstrap(flags['bootstrap-server']));
    const { Cluster } = await import('../src/client/cluster.js');
    const { Admin } = await import('../src/client/admin.js');
    const { ReassignService } = await import('../src/cli/reassign-partitions/service.js');
    const render = await import('../src/cli/reassign-partitions/render.js');
    const print = (text: string): boolean => process.stdout.write(text);
    let cluster;
    try {
      const readJson = async (file: string): Promise<string> => {
        const { readFile } = await import('node:fs/promises');
        try {
          return await readFile(file, 'utf8');
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`Error: java.nio.file.NoSuchFileException: ${file}`);
          throw new UserError(`Error: cannot read ${file}: ${(err as Error).message}`);
        }
      };
      const targets = action === 'generate' || action === 'list' ? [] : options.parseReassignmentJson(await readJson(flags['reassignment-json-file']!));
      if (action === 'execute') options.checkExecuteAssignment(targets);
      cluster = await Cluster.connect(settings.bootstrap, clusterOptions(settings, 'reassign-partitions-tool'));
      const service = new ReassignService(cluster, new Admin(cluster));
      switch (action) {
        case 'generate': {
          const topics = options.parseTopicsToMove(await readJson(flags['topics-to-move-json-file']!));
          const brokers = options.parseGenerateArgs(flags['broker-list']!, topics);
          const result = await service.generate(topics, brokers, !flags['disable-rack-aware']);
          print(json ? render.renderGenerateJson(result) : render.renderGenerateText(result));
          break;
        }
        case 'execute': {
          const current = await service.prepareExecute(targets, flags.additional);
          if (!json) print(render.renderRollbackText(current));
          const started = await service.execute(targets);
          print(json ? render.renderExecuteJson({ current, started }) : render.renderStartedText(started));
          break;
        }
        case 'verify': {
          const result = await service.verify(targets, flags['preserve-throttles']);
          print(json ? render.renderVerifyJson(result) : render.renderVerifyText(result));
          break;
        }
        case 'cancel': {
          const result = await service.cancel(targets, flags['preserve-throttles']);
          print(json ? render.renderCancelJson(result) : render.renderCancelText(result));
          break;
        }
        case 'list': {
          const reassignments = await service.list();
          print(json ? render.renderListJson(reassignments) : render.renderListText(reassignments));
          break;
        }
      }
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      // Kafka prints its failures on stdout; tk also gives stderr the first line.
      if (!json) print(`${err.message}\n`);
      return this.failWith(err.message.split('\n')[0]!);
    } finally {
      cluster?.close();
    }
  }
}
