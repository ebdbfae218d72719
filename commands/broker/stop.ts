import { Flags } from '@oclif/core';
import { TkCommand, UserError } from '../../src/cli/base-command.js';
import { outputFlag } from '../../src/cli/common-flags.js';

export class BrokerStop extends TkCommand {
  static override summary = 'Stop brokers started by tk broker start (kafka-server-stop.sh).';
  static override description = 'Sends SIGTERM to each running broker found through its pid file, or only to the one with --node-id, and waits for it to finish its controlled shutdown.';
  static override flags = {
    'node-id': Flags.integer({ description: 'Stop only the broker with this node id.' }),
    timeout: Flags.integer({ description: 'How long to wait for each broker to exit, in ms.', default: 30_000 }),
    ...outputFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(BrokerStop);
    const { stopBrokers } = await import('../../daemon/detach.js');
    const stopped = await stopBrokers(flags['node-id'], flags.timeout);
    if (stopped.length === 0) {
      throw new UserError(flags['node-id'] === undefined ? 'No tk broker to stop.' : `No tk broker with node id ${flags['node-id']} is running.`);
    }
    if (flags.output === 'json') process.stdout.write(`${JSON.stringify({ stopped })}\n`);
  }
}
