// One partition replica hosted by this broker (Kafka's Partition): its log, its role as the image
// says it, and the high watermark. As leader it tracks its followers (isr.ts), moves the high
// watermark to what the ISR has, asks the controller to grow or shrink the ISR, and answers the
// acks=all produces waiting for replication (delayed-produce.ts). As follower it only takes what
// its leader's fetcher appends, and follows the leader's high watermark.
import { ErrorCode } from '../../src/protocol/errors.js';
import type { PartitionImage } from '../controller/metadata-image.js';
import type { PartitionLog } from '../log/partition-log.js';
import { DelayedProduces } from './delayed-produce.js';
import type { FollowedPartition } from './follower-state.js';
import { LeaderIsr, type PendingIsrChange, type ReplicaEligibility } from './isr.js';

/** What a partition needs from the broker around it. */
export interface PartitionContext {
  now(): number;
  /** replica.lag.time.max.ms */
  replicaLagTimeMaxMs(): number;
  isEligible: ReplicaEligibility;
  /** Sends an ISR change to the controller; the partition learns the outcome from the image, or from abandon(). */
  proposeIsr(partition: Partition, change: PendingIsrChange): void;
}

export class Partition implements FollowedPartition {
  highWatermark: bigint;
  leader: number;
  leaderEpoch: number;
  partitionEpoch: number;
  isr: readonly number[];
  replicas: readonly number[];
  /** Set while this broker leads the partition. */
  private leaderIsr: LeaderIsr | null = null;
  readonly delayedProduces: DelayedProduces;
  private readonly appendListeners = new Set<() => void>();

  constructor(
    readonly topic: string,
    readonly partitionId: number,
    readonly topicId: string,
    readonly log: PartitionLog,
    private readonly localBrokerId: number,
    private readonly context: PartitionContext,
    highWatermark: bigint,
  ) {
    this.leader = -1;
    this.leaderEpoch = -1;
    this.partitionEpoch = -1;
    this.isr = [];
    this.replicas = [];
    // A checkpointed high watermark outside the log (it was truncated or trimmed) is clamped into it.
    const clamped = highWatermark < log.logStartOffset ? log.logStartOffset : highWatermark > log.logEndOffset ? log.logEndOffset : highWatermark;
    this.highWatermark = clamped;
    log.updateHighWatermark(clamped);
    this.delayedProduces = new DelayedProduces((offset, minIsr) => this.checkEnoughReplicasReachOffset(offset, minIsr));
  }

  get isLeader(): boolean {
    return this.leader === this.localBrokerId && this.leaderIsr !== null;
  }

  get name(): string {
    return `${this.topic}-${this.partitionId}`;
  }

  /** The ISR as acks=all must count it while a change is in flight. */
  get maximalIsr(): readonly number[] {
    return this.leaderIsr?.maximalIsr ?? this.isr;
  }

  /** Applies the image's state for this partition: become or stay leader, or follow. */
  applyState(state: PartitionImage): 'leader' | 'follower' | 'unchanged' {
    if (state.partitionEpoch < this.partitionEpoch) return 'unchanged';
    const becomesLeader = state.leader === this.localBrokerId;
    const newEpoch = state.leaderEpoch > this.leaderEpoch;
    const wasLeader = this.isLeader;
    this.partitionEpoch = state.partitionEpoch;
    this.replicas = state.replicas;
    this.isr = state.isr;
    this.leader = state.leader;
    if (becomesLeader) {
      if (newEpoch || !wasLeader) {
        // The first offset this leader writes under its epoch: followers truncate to it when they diverge.
        const startOffset = this.log.logEndOffset;
        this.log.leaderEpochCache.assign(state.leaderEpoch, startOffset);
        this.leaderIsr = new LeaderIsr(this.localBrokerId, state.replicas, state.isr, startOffset, this.context.now(), wasLeader ? this.leaderIsr : null);
      } else {
        // Same epoch, maybe other replicas: a reassignment adds its new replicas so.
        this.leaderIsr!.applyCommittedReplicas(state.replicas);
        this.leaderIsr!.applyCommittedIsr(state.isr);
      }
      this.leaderEpoch = state.leaderEpoch;
      this.maybeAdvanceHighWatermark();
      this.delayedProduces.checkAll();
      return newEpoch || !wasLeader ? 'leader' : 'unchanged';
    }
    this.leaderIsr = null;
    this.leaderEpoch = state.leaderEpoch;
    this.delayedProduces.failAll(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    // Waiting fetches wake up to answer NOT_LEADER_OR_FOLLOWER.
    this.notifyAppend();
    return newEpoch || wasLeader ? 'follower' : 'unchanged';
  }

  /** The partition is no longer hosted here. */
  close(): void {
    this.leaderIsr = null;
    this.delayedProduces.failAll(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    this.notifyAppend();
  }

  /** The leader appended: wake follower fetches waiting at the old end, and maybe the high watermark moves (ISR of one). */
  afterLeaderAppend(): void {
    this.notifyAppend();
    this.maybeAdvanceHighWatermark();
  }

  /**
   * A follower fetched from `fetchOffset` (its log end offset): record its progress, add it to
   * the ISR once it has caught up, and move the high watermark. False when this broker does not
   * lead, or the fetcher is not a replica.
   */
  recordFollowerFetch(followerId: number, fetchOffset: bigint, brokerEpoch: bigint | null): boolean {
    const leaderIsr = this.leaderIsr;
    if (!leaderIsr) return false;
    const before = leaderIsr.followers.get(followerId)?.logEndOffset;
    if (!leaderIsr.recordFetch(followerId, fetchOffset, this.log.logEndOffset, this.context.now(), brokerEpoch)) return false;
    const expanded = leaderIsr.expansionFor(followerId, this.highWatermark, this.context.isEligible);
    if (expanded !== null) this.context.proposeIsr(this, leaderIsr.propose(expanded));
    if (before !== fetchOffset) this.maybeAdvanceHighWatermark();
    return true;
  }

  /** The periodic check (every replica.lag.time.max.ms / 2): followers lagging too long leave the ISR. */
  maybeShrinkIsr(): void {
    const leaderIsr = this.leaderIsr;
    if (!leaderIsr) return;
    const lagging = leaderIsr.outOfSync(this.log.logEndOffset, this.context.now(), this.context.replicaLagTimeMaxMs());
    if (lagging.length === 0) return;
    this.context.proposeIsr(this, leaderIsr.propose(leaderIsr.isr.filter((id) => !lagging.includes(id))));
  }

  /** The controller refused an ISR change or could not be reached: the committed ISR stands. */
  abandonIsrChange(change: PendingIsrChange): void {
    this.leaderIsr?.abandon(change);
    this.delayedProduces.checkAll();
  }

  /** The smallest log end offset of the ISR (and of followers about to join it). */
  maybeAdvanceHighWatermark(): void {
    const leaderIsr = this.leaderIsr;
    if (!leaderIsr) return;
    const hw = leaderIsr.highWatermark(this.log.logEndOffset, this.context.now(), this.context.replicaLagTimeMaxMs(), this.context.isEligible);
    if (hw <= this.highWatermark) return;
    this.highWatermark = hw;
    // Retention, compaction and the replication-offset checkpoint are bounded by it.
    this.log.updateHighWatermark(hw);
    this.notifyAppend();
    this.delayedProduces.checkAll();
  }

  /** A follower's high watermark: the leader's, but never past its own log end. */
  updateFollowerHighWatermark(leaderHighWatermark: bigint): void {
    const end = this.log.logEndOffset;
    const hw = leaderHighWatermark < end ? leaderHighWatermark : end;
    this.highWatermark = hw;
    this.log.updateHighWatermark(hw);
  }

  /**
   * Whether an acks=all produce ending at `requiredOffset` (exclusive) may be answered, as Kafka's
   * checkEnoughReplicasReachOffset: once the high watermark passed it, with
   * NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR has meanwhile dropped below min.insync.replicas.
   */
  checkEnoughReplicasReachOffset(requiredOffset: bigint, minInsyncReplicas: number): { done: boolean; errorCode: number } {
    if (!this.isLeader) return { done: true, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
    if (this.highWatermark < requiredOffset) return { done: false, errorCode: ErrorCode.NONE };
    const enough = this.maximalIsr.length >= minInsyncReplicas;
    return { done: true, errorCode: enough ? ErrorCode.NONE : ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND };
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
