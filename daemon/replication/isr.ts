// A partition leader's view of its followers (Kafka's Partition and Replica on the leader): each
// follower's log end offset and when it last caught up, the high watermark they allow, and which
// followers should join or leave the ISR. Pure state over a clock passed in; the Partition sends
// the AlterPartition requests these rules ask for, one at a time.

/** What the leader knows of one follower, from the fetches it sent (Kafka's ReplicaState). */
export interface FollowerProgress {
  /** -1 until the follower's first fetch under this leader. */
  logEndOffset: bigint;
  /** The leader's log end offset when that follower last fetched. */
  lastFetchLeaderLogEndOffset: bigint;
  lastFetchTimeMs: number;
  /** When the follower last had everything the leader had: it leaves the ISR when this is too old. */
  lastCaughtUpTimeMs: number;
  /** The broker epoch the follower fetched with, -1 when it did not say. */
  brokerEpoch: bigint | null;
}

/** An ISR change sent to the controller and not yet seen in the image. */
export interface PendingIsrChange {
  readonly isr: readonly number[];
  /** The ISR the leader must assume meanwhile: the larger of the committed and the proposed. */
  readonly maximalIsr: readonly number[];
}

/** Tells the rules which followers may be in the ISR: registered, unfenced, with a current broker epoch. */
export type ReplicaEligibility = (brokerId: number, fetchedBrokerEpoch: bigint | null) => boolean;

export class LeaderIsr {
  readonly followers = new Map<number, FollowerProgress>();
  private committedIsr: readonly number[];
  pending: PendingIsrChange | null = null;

  /**
   * Starts (or restarts, with a new leader epoch) leading. A follower in the ISR counts as caught
   * up now, one outside as never, so neither holds the high watermark back needlessly; a broker
   * that was already leader keeps what it knew of its followers' offsets.
   */
  constructor(
    private readonly localId: number,
    replicas: readonly number[],
    isr: readonly number[],
    readonly leaderEpochStartOffset: bigint,
    nowMs: number,
    previous: LeaderIsr | null,
  ) {
    this.committedIsr = isr;
    for (const id of replicas) {
      if (id === localId) continue;
      const inSync = isr.includes(id);
      const known = previous?.followers.get(id);
      this.followers.set(id, {
        logEndOffset: known?.logEndOffset ?? -1n,
        lastFetchLeaderLogEndOffset: known ? leaderEpochStartOffset : -1n,
        lastFetchTimeMs: known && inSync ? nowMs : 0,
        lastCaughtUpTimeMs: inSync ? nowMs : 0,
        brokerEpoch: known?.brokerEpoch ?? null,
      });
    }
  }

  get isr(): readonly number[] {
    return this.committedIsr;
  }

  /** The ISR to count on while a change is in flight: acks=all waits for every member of it. */
  get maximalIsr(): readonly number[] {
    return this.pending?.maximalIsr ?? this.committedIsr;
  }

  /**
   * The image committed a replica set under the same leader epoch (a reassignment adding
   * replicas): new followers are tracked from nothing, as never caught up; gone ones forgotten.
   */
  applyCommittedReplicas(replicas: readonly number[]): void {
    for (const id of replicas) {
      if (id === this.localId || this.followers.has(id)) continue;
      this.followers.set(id, { logEndOffset: -1n, lastFetchLeaderLogEndOffset: -1n, lastFetchTimeMs: 0, lastCaughtUpTimeMs: 0, brokerEpoch: null });
    }
    for (const id of this.followers.keys()) if (!replicas.includes(id)) this.followers.delete(id);
  }

  /** The image committed an ISR (ours or not): whatever was pending is settled. */
  applyCommittedIsr(isr: readonly number[]): void {
    this.committedIsr = isr;
    this.pending = null;
  }

  /** Records a follower's fetch at `fetchOffset` (its log end offset). False for a broker that is not a replica. */
  recordFetch(followerId: number, fetchOffset: bigint, leaderEndOffset: bigint, nowMs: number, brokerEpoch: bigint | null): boolean {
    const state = this.followers.get(followerId);
    if (!state) return false;
    if (fetchOffset >= leaderEndOffset) state.lastCaughtUpTimeMs = Math.max(state.lastCaughtUpTimeMs, nowMs);
    else if (fetchOffset >= state.lastFetchLeaderLogEndOffset) state.lastCaughtUpTimeMs = Math.max(state.lastCaughtUpTimeMs, state.lastFetchTimeMs);
    state.logEndOffset = fetchOffset;
    state.lastFetchLeaderLogEndOffset = leaderEndOffset > state.lastFetchLeaderLogEndOffset ? leaderEndOffset : state.lastFetchLeaderLogEndOffset;
    state.lastFetchTimeMs = nowMs;
    state.brokerEpoch = brokerEpoch;
    return true;
  }

  private isCaughtUp(state: FollowerProgress, leaderEndOffset: bigint, nowMs: number, maxLagMs: number): boolean {
    return state.logEndOffset === leaderEndOffset || nowMs - state.lastCaughtUpTimeMs <= maxLagMs;
  }

  /**
   * The high watermark the followers allow: the smallest log end offset among the ISR (as the
   * leader must assume it) and the followers caught up enough to be about to join it.
   */
  highWatermark(leaderEndOffset: bigint, nowMs: number, maxLagMs: number, eligible: ReplicaEligibility): bigint {
    let hw = leaderEndOffset;
    const counted = this.maximalIsr;
    for (const [id, state] of this.followers) {
      if (state.logEndOffset >= hw) continue;
      const joining = this.isCaughtUp(state, leaderEndOffset, nowMs, maxLagMs) && eligible(id, state.brokerEpoch);
      if (counted.includes(id) || joining) hw = state.logEndOffset < 0n ? 0n : state.logEndOffset;
    }
    return hw;
  }

  /**
   * The ISR with this follower added, when it has reached the high watermark and this leader's
   * first offset; null when it should not join (already in, ineligible, or a change in flight).
   */
  expansionFor(followerId: number, highWatermark: bigint, eligible: ReplicaEligibility): readonly number[] | null {
    if (this.pending !== null || this.committedIsr.includes(followerId)) return null;
    const state = this.followers.get(followerId);
    if (!state || !eligible(followerId, state.brokerEpoch)) return null;
    if (state.logEndOffset < highWatermark || state.logEndOffset < this.leaderEpochStartOffset) return null;
    return [...this.committedIsr, followerId];
  }

  /** The ISR members other than the leader that have not caught up within `maxLagMs`. */
  outOfSync(leaderEndOffset: bigint, nowMs: number, maxLagMs: number): number[] {
    if (this.pending !== null) return [];
    return this.committedIsr.filter((id) => {
      if (id === this.localId) return false;
      const state = this.followers.get(id);
      return !state || !this.isCaughtUp(state, leaderEndOffset, nowMs, maxLagMs);
    });
  }

  /** Marks a change as sent; until it settles no other is proposed. */
  propose(isr: readonly number[]): PendingIsrChange {
    const maximalIsr = [...new Set([...this.committedIsr, ...isr])];
    this.pending = { isr, maximalIsr };
    return this.pending;
  }

  /** The controller refused or did not answer: the committed ISR stands and a new change may be tried. */
  abandon(change: PendingIsrChange): void {
    if (this.pending === change) this.pending = null;
  }
}
