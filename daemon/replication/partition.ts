// One partition replica hosted by this broker: its log, its role, and the high watermark.
import type { PartitionLog } from '../log/partition-log.js';

export class Partition {
  highWatermark: bigint;
  leader: number;
  leaderEpoch: number;
  isr: readonly number[];
  replicas: readonly number[];
  /** Log end offsets that followers reported in their fetches, by broker id. */
  private readonly followerEndOffsets = new Map<number, bigint>();
  private readonly appendListeners = new Set<() => void>();

  constructor(
    readonly topic: string,
    readonly partitionId: number,
    readonly topicId: string,
    readonly log: PartitionLog,
    private readonly localBrokerId: number,
    state: { leader: number; leaderEpoch: number; isr: readonly number[]; replicas: readonly number[] },
    highWatermark: bigint,
  ) {
    this.leader = state.leader;
    this.leaderEpoch = state.leaderEpoch;
    this.isr = state.isr;
    this.replicas = state.replicas;
    // A checkpointed high watermark outside the log (it was truncated or trimmed) is clamped into it.
    const clamped = highWatermark < log.logStartOffset ? log.logStartOffset : highWatermark > log.logEndOffset ? log.logEndOffset : highWatermark;
    this.highWatermark = clamped;
    log.updateHighWatermark(clamped);
    this.maybeAdvanceHighWatermark();
  }

  get isLeader(): boolean {
    return this.leader === this.localBrokerId;
  }

  get name(): string {
    return `${this.topic}-${this.partitionId}`;
  }

  /** The high watermark is the smallest log end offset among the in-sync replicas. */
  maybeAdvanceHighWatermark(): void {
    let hw = this.log.logEndOffset;
    for (const id of this.isr) {
      if (id === this.localBrokerId) continue;
      const end = this.followerEndOffsets.get(id);
      if (end === undefined) return;
      if (end < hw) hw = end;
    }
    if (hw > this.highWatermark) {
      this.highWatermark = hw;
      // Retention, compaction and the replication-offset checkpoint are bounded by it.
      this.log.updateHighWatermark(hw);
      this.notifyAppend();
    }
  }

  /** Wakes fetches waiting for data on this partition. */
  onAppend(listener: () => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  private notifyAppend(): void {
    for (const listener of [...this.appendListeners]) listener();
  }
}
