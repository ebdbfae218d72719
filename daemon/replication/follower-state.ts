// A follower's side of one partition (Kafka's AbstractFetcherThread and PartitionFetchState):
// where it fetches from next, and where it truncates when the leader says its log diverged
// (a Fetch answer's divergingEpoch, KIP-595/KIP-320) or that its offset is out of range.
import type { PartitionLog } from '../log/partition-log.js';

/** What the fetcher needs of a partition it follows. */
export interface FollowedPartition {
  readonly topic: string;
  readonly partitionId: number;
  readonly topicId: string;
  readonly log: PartitionLog;
  /** The leader epoch this broker follows under, from the image. */
  readonly leaderEpoch: number;
  /** A fetch answered the leader's high watermark: the follower's is the lesser of it and its own end. */
  updateFollowerHighWatermark(leaderHighWatermark: bigint): void;
}

/** One followed partition inside a fetcher. */
export interface FollowerFetchState {
  readonly partition: FollowedPartition;
  /** The leader epoch this state was created under: a response for another epoch is stale. */
  readonly leaderEpoch: number;
  /** No fetch for this partition before this time (after an error). */
  retryAtMs: number;
}

export interface EpochEndOffset {
  epoch: number;
  endOffset: bigint;
}

/**
 * Where to truncate for the leader's end offset of an epoch (Kafka's getOffsetTruncationState):
 * unknown to the leader → keep up to our high watermark; an epoch we also have → the lesser of
 * both ends; an epoch we lack → our end of the largest epoch below it, and ask again.
 */
export function truncationFor(leader: EpochEndOffset, log: PartitionLog): { offset: bigint; completed: boolean } {
  const logEnd = log.logEndOffset;
  if (leader.endOffset < 0n) return { offset: log.highWatermark, completed: true };
  if (leader.epoch < 0) return { offset: min(leader.endOffset, logEnd), completed: true };
  const ours = log.endOffsetForEpoch(leader.epoch);
  if (ours.endOffset < 0n) return { offset: min(leader.endOffset, logEnd), completed: true };
  if (ours.epoch !== leader.epoch) return { offset: ours.endOffset, completed: false };
  return { offset: min(min(leader.endOffset, ours.endOffset), logEnd), completed: true };
}

/** The epoch of the last batch in the log, which a fetch names so the leader can spot divergence. */
export function lastFetchedEpoch(log: PartitionLog): number {
  return log.leaderEpochCache.latestEpoch();
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
