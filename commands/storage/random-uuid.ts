import { TkCommand } from '../../src/cli/base-command.js';
import { outputFlag } from '../../src/cli/common-flags.js';

export class StorageRandomUuid extends TkCommand {
  static override summary = 'Print a new random cluster id (kafka-storage.sh random-uuid).';
  static override flags = { ...outputFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(StorageRandomUuid);
    const { randomUuid } = await import('../../daemon/storage.js');
    const uuid = randomUuid();
    this.log(flags.output === 'json' ? JSON.stringify({ uuid }) : uuid);
  }
}
