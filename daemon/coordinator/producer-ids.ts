// Hands out producer ids from blocks the controller reserves, one block at a time.
import { PRODUCER_ID_BLOCK_SIZE } from '../controller/quorum-controller.js';

export class ProducerIdManager {
  private nextId = 0n;
  private blockEnd = 0n;
  private refill: Promise<void> | null = null;

  constructor(private readonly allocateBlock: () => Promise<bigint>) {}

  async next(): Promise<bigint> {
    while (this.nextId >= this.blockEnd) {
      this.refill ??= this.allocateBlock()
        .then((first) => {
          this.nextId = first;
          this.blockEnd = first + PRODUCER_ID_BLOCK_SIZE;
        })
        .finally(() => (this.refill = null));
      await this.refill;
    }
    return this.nextId++;
  }
}
