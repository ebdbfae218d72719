import { TkCommand } from '../../src/cli/base-command.js';

export class StorageRandomUuid extends TkCommand {
  static override summary = 'Print a new random cluster id (kafka-storage.sh random-uuid).';

  async run(): Promise<void> {
    await this.parse(StorageRandomUuid);
    const { randomUuid } = await import('../../daemon/storage.js');
    this.log(randomUuid());
  }
}
