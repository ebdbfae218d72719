// What the leader knows of every replica in its epoch: each voter's and observer's log end
// offset, when it last fetched and when it was last caught up (DescribeQuorum), and the high
// watermark those offsets allow (KIP-595: the largest offset a majority of voters has, once an
// entry of this epoch is among them).

export interface ReplicaProgress {
  readonly id: number;
  /** -1 until the replica has fetched in this epoch. */
  endOffset: bigint;
  lastFetchTimestamp: number;
  lastCaughtUpTimestamp: number;
  /** The leader's end offset when this replica last fetched: a later fetch from there means it had caught up then. */
  lastFetchLeaderEndOffset: bigint;
}

/**
 * The high watermark a set of voter end offsets allows: the end offset a majority has reached,
 * provided it covers the epoch's first entry (an earlier epoch's entries commit only through one
 * of this epoch's); never lower than `current`. Null when nothing can be committed yet.
 */
export function majorityHighWatermark(voterEndOffsets: readonly bigint[], epochStartOffset: bigint, current: bigint | null): bigint | null {
  const sorted = [...voterEndOffsets].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  const replicatedOnMajority = sorted[Math.floor(sorted.length / 2)];
  if (replicatedOnMajority === undefined || replicatedOnMajority <= epochStartOffset) return current;
  return current !== null && current >= replicatedOnMajority ? current : replicatedOnMajority;
}

function freshProgress(id: number): ReplicaProgress {
  return { id, endOffset: -1n, lastFetchTimestamp: -1, lastCaughtUpTimestamp: -1, lastFetchLeaderEndOffset: -1n };
}

export class LeaderState {
  private readonly voters = new Map<number, ReplicaProgress>();
  private readonly observers = new Map<number, ReplicaProgress>();
  /** Voters that have fetched in this epoch: they no longer need a BeginQuorumEpoch. */
  private readonly acknowledged = new Set<number>();
  highWatermark: bigint | null = null;

  constructor(
    readonly localId: number,
    readonly epoch: number,
    /** The offset of this epoch's LeaderChange record. */
    readonly epochStartOffset: bigint,
    voterIds: readonly number[],
  ) {
    for (const id of voterIds) this.voters.set(id, freshProgress(id));
    this.acknowledged.add(localId);
  }

  isVoter(id: number): boolean {
    return this.voters.has(id);
  }

  /** Voters that have not fetched in this epoch yet. */
  unacknowledgedVoters(): number[] {
    return [...this.voters.keys()].filter((id) => !this.acknowledged.has(id));
  }

  /** The leader's own log grew; true when the high watermark moved. */
  updateLocal(endOffset: bigint, now: number): boolean {
    const self = this.voters.get(this.localId) ?? this.observerProgress(this.localId);
    self.endOffset = endOffset;
    self.lastFetchTimestamp = now;
    self.lastCaughtUpTimestamp = now;
    self.lastFetchLeaderEndOffset = endOffset;
    return this.recompute();
  }

  /** A replica fetched from `fetchOffset`; true when the high watermark moved. */
  updateReplica(id: number, fetchOffset: bigint, leaderEndOffset: bigint, now: number): boolean {
    const voter = this.voters.get(id);
    const progress = voter ?? this.observerProgress(id);
    if (voter !== undefined) this.acknowledged.add(id);
    if (fetchOffset >= leaderEndOffset) progress.lastCaughtUpTimestamp = Math.max(progress.lastCaughtUpTimestamp, now);
    else if (progress.lastFetchLeaderEndOffset >= 0n && fetchOffset >= progress.lastFetchLeaderEndOffset) {
      progress.lastCaughtUpTimestamp = Math.max(progress.lastCaughtUpTimestamp, progress.lastFetchTimestamp);
    }
    progress.endOffset = fetchOffset;
    progress.lastFetchLeaderEndOffset = leaderEndOffset;
    progress.lastFetchTimestamp = now;
    return voter !== undefined && this.recompute();
  }

  /** A voter downloading a snapshot (FetchSnapshot) follows this leader: it counts for check-quorum. */
  updateCheckQuorum(id: number, now: number): void {
    const voter = this.voters.get(id);
    if (voter === undefined) return;
    this.acknowledged.add(id);
    voter.lastFetchTimestamp = now;
  }

  /** True when a majority of voters (this one included) has fetched since `since`. */
  majorityFetchedSince(since: number): boolean {
    let count = 0;
    for (const v of this.voters.values()) if (v.id === this.localId || v.lastFetchTimestamp >= since) count++;
    return count > this.voters.size / 2;
  }

  /** Voters other than this one, the furthest along first (the order of EndQuorumEpoch's preferred successors). */
  successorsByProgress(): number[] {
    return [...this.voters.values()]
      .filter((v) => v.id !== this.localId)
      .sort((a, b) => (a.endOffset > b.endOffset ? -1 : a.endOffset < b.endOffset ? 1 : a.id - b.id))
      .map((v) => v.id);
  }

  describeVoters(): ReplicaProgress[] {
    return [...this.voters.values()];
  }

  describeObservers(): ReplicaProgress[] {
    return [...this.observers.values()];
  }

  private observerProgress(id: number): ReplicaProgress {
    let progress = this.observers.get(id);
    if (progress === undefined) this.observers.set(id, (progress = freshProgress(id)));
    return progress;
  }

  private recompute(): boolean {
    const offsets = [...this.voters.values()].map((v) => v.endOffset);
    const next = majorityHighWatermark(offsets, this.epochStartOffset, this.highWatermark);
    if (next === this.highWatermark) return false;
    this.highWatermark = next;
    return true;
  }
}
