import { Flags } from '@oclif/core';
import { TkCommand } from '../../src/cli/base-command.js';
import { outputFlag } from '../../src/cli/common-flags.js';

export class ClusterDown extends TkCommand {
  static override summary = 'Stop the local cluster started by tk cluster up.';
  static override description =
    'Sends SIGTERM to every running node (a controlled shutdown): brokers first, then combined nodes, then dedicated controllers, each group waited for; a node still running after --timeout gets SIGKILL. Prints one line per node stopped. --delete also removes the data dir.';
  static override examples = ['<%= config.bin %> cluster down', '<%= config.bin %> cluster down --delete'];
  static override flags = {
    'data-dir': Flags.string({ description: 'The cluster\'s directory. Default: $TK_DATA_DIR/cluster, else ~/.tk/cluster.', helpValue: 'DIR' }),
    delete: Flags.boolean({ description: 'Remove the data dir (configuration and data) once the nodes have stopped.', default: false }),
    timeout: Flags.integer({ description: 'How long to wait for a node to exit after SIGTERM before SIGKILL, in ms.', default: 30_000, min: 0 }),
    ...outputFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ClusterDown);
    const { resolve } = await import('node:path');
    const { defaultClusterDir } = await import('../../src/cli/cluster/layout.js');
    const { clusterDown } = await import('../../src/cli/cluster/lifecycle.js');
    const render = await import('../../src/cli/cluster/render.js');
    const result = await clusterDown(resolve(flags['data-dir'] ?? defaultClusterDir()), flags.timeout, flags.delete);
    process.stdout.write(flags.output === 'json' ? render.renderDownJson(result) : render.renderDownText(result));
  }
}
