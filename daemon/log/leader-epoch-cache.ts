// The leader epoch cache (KIP-101, KIP-279): the offset at which each leader epoch began, kept in
// `leader-epoch-checkpoint`. It answers OffsetForLeaderEpoch, so a follower that was leader in
// an older epoch truncates exactly where its log diverged from the new leader's.
import { join } from 'node:path';
import { readCheckpointFile, writeCheckpointFile } from './checkpoint.js';
import { LEADER_EPOCH_CHECKPOINT } from './files.js';

export interface EpochEntry {
  epoch: number;
  startOffset: bigint;
}

export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1n;

export class LeaderEpochCache {
  private epochs: EpochEntry[];
  private writing: Promise<void> | null = null;
  private dirty = false;
  private failure: unknown = null;

  private constructor(
    private readonly path: string,
    entries: EpochEntry[],
  ) {
    this.epochs = entries;
  }

  /** Loads `leader-epoch-checkpoint` from the partition directory (absent: empty). */
  static async load(dir: string): Promise<LeaderEpochCache> {
    const path = join(dir, LEADER_EPOCH_CHECKPOINT);
    const lines = await readCheckpointFile(path, 2);
    const entries = (lines ?? []).map(([epoch, offset]) => ({ epoch: Number(epoch), startOffset: BigInt(offset) }));
    return new LeaderEpochCache(path, entries);
  }

  entries(): readonly EpochEntry[] {
    return this.epochs;
  }

  latestEpoch(): number {
    return this.epochs.length === 0 ? UNDEFINED_EPOCH : this.epochs[this.epochs.length - 1].epoch;
  }

  earliestEntry(): EpochEntry | null {
    return this.epochs[0] ?? null;
  }

  /**
   * Records that `epoch` begins at `startOffset`. Entries that the new one contradicts (a later
   * epoch, or a start offset not below it) are removed first, as after a truncation.
   */
  assign(epoch: number, startOffset: bigint): void {
    if (epoch < 0 || startOffset < 0n) return;
    const latest = this.epochs[this.epochs.length - 1];
    if (latest && latest.epoch === epoch && startOffset >= latest.startOffset) return;
    while (this.epochs.length > 0) {
      const last = this.epochs[this.epochs.length - 1];
      if (last.epoch < epoch && last.startOffset < startOffset) break;
      this.epochs.pop();
    }
    this.epochs.push({ epoch, startOffset });
    this.persist();
  }

  /**
   * OffsetForLeaderEpoch: the largest epoch at or below `requested` and the offset where the
   * epoch after it begins (the log end offset for the latest epoch). (-1, -1) when unknown.
   */
  endOffsetFor(requested: number, logEndOffset: bigint): { epoch: number; endOffset: bigint } {
    if (requested === UNDEFINED_EPOCH || this.epochs.length === 0) return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    if (requested === this.latestEpoch()) return { epoch: requested, endOffset: logEndOffset };
    const higher = this.epochs.findIndex((e) => e.epoch > requested);
    if (higher < 0) return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    // Below every known epoch: Kafka answers with the requested epoch and where the first begins.
    if (higher === 0) return { epoch: requested, endOffset: this.epochs[0].startOffset };
    return { epoch: this.epochs[higher - 1].epoch, endOffset: this.epochs[higher].startOffset };
  }

  /** The epoch that `offset` was written in, or -1 when the cache does not go back that far. */
  epochForOffset(offset: bigint): number {
    let epoch = UNDEFINED_EPOCH;
    for (const entry of this.epochs) {
      if (entry.startOffset > offset) break;
      epoch = entry.epoch;
    }
    return epoch;
  }

  /** Drops the epochs that start at or after `endOffset` (the log was truncated there). */
  truncateFromEnd(endOffset: bigint): void {
    const before = this.epochs.length;
    while (this.epochs.length > 0 && this.epochs[this.epochs.length - 1].startOffset >= endOffset) this.epochs.pop();
    if (this.epochs.length !== before) this.persist();
  }

  /** The log now starts at `startOffset`: the epoch in force there is moved to begin at it. */
  truncateFromStart(startOffset: bigint): void {
    // Nothing begins before the log start (the usual case at load): no change, so no write.
    if (this.epochs.length === 0 || this.epochs[0].startOffset >= startOffset) return;
    let removed = this.epochs.shift()!;
    while (this.epochs.length > 0 && this.epochs[0].startOffset <= startOffset) removed = this.epochs.shift()!;
    this.epochs.unshift({ epoch: removed.epoch, startOffset });
    this.persist();
  }

  clear(): void {
    if (this.epochs.length === 0) return;
    this.epochs = [];
    this.persist();
  }

  /** Resolves once the file holds the cache as it is now; rejects with a write's storage error. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.failure !== null) {
      const failure = this.failure;
      this.failure = null;
      throw failure;
    }
  }

  /** Changes are written in the background, one write at a time, the last one winning. */
  private persist(): void {
    this.dirty = true;
    if (this.writing) return;
    this.writing = (async () => {
      while (this.dirty) {
        this.dirty = false;
        try {
          await writeCheckpointFile(this.path, this.epochs.map((e) => `${e.epoch} ${e.startOffset}`));
        } catch (err) {
          this.failure = err;
        }
      }
      this.writing = null;
    })();
  }
}
