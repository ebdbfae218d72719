import { Args, Flags } from '@oclif/core';
import { TkCommand, UserError } from '../src/cli/base-command.js';
import { clientSettingsFrom, outputFlag, readPropertiesFile, resolveBootstrap } from '../src/cli/common-flags.js';

export class MetadataQuorum extends TkCommand {
  static override summary = 'Describe the KRaft metadata quorum (kafka-metadata-quorum.sh).';
  static override description =
    'describe --status prints the leader, epoch, high watermark, follower lag and the voters; describe --replication a table of each replica of __cluster_metadata-0. Exactly as kafka-metadata-quorum.sh prints them when stdout is not a terminal.';
  static override examples = [
    '<%= config.bin %> metadata-quorum --bootstrap-server localhost:9092 describe --status',
    '<%= config.bin %> metadata-quorum --bootstrap-controller localhost:9093 describe --replication --human-readable',
  ];
  static override args = {
    command: Args.string({ description: 'The sub-command: describe.', required: true, options: ['describe', 'add-controller', 'remove-controller'] }),
  };
  static override flags = {
    'bootstrap-server': Flags.string({
      description: 'A broker to connect to, host:port[,host:port]. Default: $TK_BOOTSTRAP_SERVER, else localhost:9092.',
      helpValue: 'HOST:PORT',
      exclusive: ['bootstrap-controller'],
    }),
    'bootstrap-controller': Flags.string({ description: 'A controller listener to connect to, host:port[,host:port].', helpValue: 'HOST:PORT', exclusive: ['bootstrap-server'] }),
    'command-config': Flags.string({ description: 'A properties file of client settings (client.id, request.timeout.ms, security.protocol, ...).', helpValue: 'FILE' }),
    status: Flags.boolean({ description: 'A short summary of the quorum status.', default: false }),
    replication: Flags.boolean({ description: 'Detailed information about the status of replication.', default: false }),
    'human-readable': Flags.boolean({ description: 'Timestamps as "N ms ago" (with --replication).', default: false }),
    ...outputFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(MetadataQuorum);
    const { describeView } = await import('../src/cli/metadata-quorum/options.js');
    let view;
    try {
      view = describeView({ command: args.command, status: flags.status, replication: flags.replication, humanReadable: flags['human-readable'] });
    } catch (err) {
      // Kafka's TerseException: the message alone on stderr.
      if (!(err instanceof UserError)) throw err;
      return this.failWith(err.message);
    }
    const configFile = flags['command-config'];
    const props = configFile === undefined ? new Map<string, string>() : await readPropertiesFile(configFile, 'command-config');
    const toControllers = flags['bootstrap-controller'] !== undefined;
    const settings = clientSettingsFrom(props, flags['bootstrap-controller'] ?? resolveBootstrap(flags['bootstrap-server']));
    const { QuorumAdmin } = await import('../src/client/quorum-admin.js');
    const render = await import('../src/cli/metadata-quorum/render.js');
    const admin = new QuorumAdmin(settings.bootstrap, toControllers, {
      clientId: settings.clientId ?? 'tk-metadata-quorum',
      requestTimeoutMs: settings.requestTimeoutMs,
      sasl: settings.sasl ?? null,
      tls: settings.tls ?? null,
    });
    try {
      const json = flags.output === 'json';
      if (view === 'status') {
        const clusterId = await admin.clusterId();
        const status = render.quorumStatus(clusterId, await admin.describeQuorum());
        process.stdout.write(json ? render.renderStatusJson(status) : render.renderStatusText(status));
      } else {
        const rows = render.replicationRows(await admin.describeQuorum());
        process.stdout.write(json ? render.renderReplicationJson(rows) : render.renderReplicationText(rows, flags['human-readable']));
      }
    } finally {
      admin.close();
    }
  }
}
