import { Flags } from '@oclif/core';
import { TkCommand } from '../src/cli/base-command.js';
import { clientFlags, clusterOptions, loadClientSettings } from '../src/cli/common-flags.js';

export class ClusterId extends TkCommand {
  static override summary = "Print the cluster's id (kafka-cluster.sh cluster-id).";
  static override description = 'Prints Cluster ID: ID, exactly as kafka-cluster.sh cluster-id does when stdout is not a terminal.';
  static override examples = ['<%= config.bin %> cluster-id --bootstrap-server localhost:9092'];
  static override flags = {
    ...clientFlags,
    'bootstrap-server': Flags.string({
      char: 'b',
      description: 'The Kafka server(s) to connect to, host:port[,host:port]. Default: $TK_BOOTSTRAP_SERVER, else localhost:9092.',
      helpValue: 'HOST:PORT',
    }),
    config: Flags.string({
      char: 'c',
      description: 'A properties file of client settings (as kafka-cluster.sh names it; the same as --command-config).',
      helpValue: 'FILE',
      exclusive: ['command-config'],
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ClusterId);
    const settings = await loadClientSettings({ 'bootstrap-server': flags['bootstrap-server'], 'command-config': flags.config ?? flags['command-config'] });
    const { Cluster } = await import('../src/client/cluster.js');
    const { Admin } = await import('../src/client/admin.js');
    const { KafkaProtocolError } = await import('../src/protocol/errors.js');
    const render = await import('../src/cli/render/cluster-id.js');
    const cluster = await Cluster.connect(settings.bootstrap, clusterOptions(settings, 'tk-cluster-id'));
    const admin = new Admin(cluster);
    try {
      const { clusterId } = await admin.describeCluster();
      process.stdout.write(flags.output === 'json' ? render.renderClusterIdJson(clusterId) : render.renderClusterIdText(clusterId));
    } catch (err) {
      if (!(err instanceof KafkaProtocolError)) throw err;
      // ClusterTool prints the exception's message alone.
      process.stderr.write(`${err.message.slice(err.errorName.length + 2)}\n`);
      process.exitCode = 1;
    } finally {
      admin.close();
    }
  }
}
