import { Flags } from '@oclif/core';
import { TkCommand } from '../../src/cli/base-command.js';
import { outputFlag } from '../../src/cli/common-flags.js';

const DEFAULT_BROKERS = 1;

export class ClusterUp extends TkCommand {
  static override summary = 'Start a local multi-node cluster in the background.';
  static override description = [
    'Without --controllers, N combined nodes (process.roles=broker,controller, node ids 1..N); with more than 3 brokers only the first 3 are controllers (the quorum voters) and the rest are brokers only. With --controllers M, M dedicated controllers (node ids 3000..) and N broker-only nodes (ids 1..N).',
    'Brokers listen on localhost from --base-port up; the controller listeners take the ports after them (one node: 9092 and 9093). Each node has a directory under --data-dir with its server.properties, which can be edited between runs, and its data, pid file and log (tk-broker.log). The nodes are formatted with one cluster id and started as `tk broker start FILE --daemon` starts them.',
    'Prints the bootstrap servers once every node is ready. Run again on a stopped cluster, or on one with nodes down (killed, crashed), it starts the nodes that are not running as their server.properties describe them. Refuses when a port is taken or every node already runs.',
  ].join('\n\n');
  static override examples = ['<%= config.bin %> cluster up --brokers 3', '<%= config.bin %> cluster up --brokers 3 --controllers 3 --base-port 19092', 'export TK_BOOTSTRAP_SERVER=$(<%= config.bin %> cluster up)'];
  static override flags = {
    brokers: Flags.integer({ description: `How many nodes with the broker role. Default: ${DEFAULT_BROKERS}.`, min: 1 }),
    controllers: Flags.integer({ description: 'How many dedicated controllers; without it the first brokers (up to 3) are also the controllers.', min: 1 }),
    'data-dir': Flags.string({ description: 'Where the nodes keep their configuration and data. Default: $TK_DATA_DIR/cluster, else ~/.tk/cluster.', helpValue: 'DIR' }),
    'base-port': Flags.integer({ description: 'The first broker port; the others and the controllers follow it. Default: 9092.', min: 1, max: 65535 }),
    ...outputFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ClusterUp);
    const { resolve } = await import('node:path');
    const { defaultClusterDir, DEFAULT_BASE_PORT } = await import('../../src/cli/cluster/layout.js');
    const { clusterUp } = await import('../../src/cli/cluster/lifecycle.js');
    const render = await import('../../src/cli/cluster/render.js');
    const layoutGiven = flags.brokers !== undefined || flags.controllers !== undefined || flags['base-port'] !== undefined;
    const result = await clusterUp(
      this.config.root,
      {
        brokers: flags.brokers ?? DEFAULT_BROKERS,
        controllers: flags.controllers ?? 0,
        basePort: flags['base-port'] ?? DEFAULT_BASE_PORT,
        dataDir: resolve(flags['data-dir'] ?? defaultClusterDir()),
      },
      layoutGiven,
    );
    process.stdout.write(flags.output === 'json' ? render.renderUpJson(result) : render.renderUpText(result));
  }
}
