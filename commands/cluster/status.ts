import { Flags } from '@oclif/core';
import { TkCommand } from '../../src/cli/base-command.js';
import { outputFlag } from '../../src/cli/common-flags.js';

export class ClusterStatus extends TkCommand {
  static override summary = 'Show the nodes of the local cluster and its quorum.';
  static override description =
    'Each node of the cluster in the data dir (id, roles, listener, pid, running or not) and the metadata quorum\'s leader and epoch as the running controllers describe it (tk metadata-quorum describe --status). A table on a terminal; plain text in a pipe.';
  static override examples = ['<%= config.bin %> cluster status', '<%= config.bin %> cluster status --output json'];
  static override flags = {
    'data-dir': Flags.string({ description: 'The cluster\'s directory. Default: $TK_DATA_DIR/cluster, else ~/.tk/cluster.', helpValue: 'DIR' }),
    ...outputFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ClusterStatus);
    const { resolve } = await import('node:path');
    const { defaultClusterDir } = await import('../../src/cli/cluster/layout.js');
    const { clusterStatus } = await import('../../src/cli/cluster/lifecycle.js');
    const render = await import('../../src/cli/cluster/render.js');
    const { isInteractive, loadTerminal } = await import('../../src/cli/terminal.js');
    const status = await clusterStatus(resolve(flags['data-dir'] ?? defaultClusterDir()));
    if (flags.output === 'json') process.stdout.write(render.renderStatusJson(status));
    else if (isInteractive()) process.stdout.write(render.renderStatusTable(status, await loadTerminal()));
    else process.stdout.write(render.renderStatusText(status));
  }
}
