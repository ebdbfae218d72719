// Moves one member's current assignment toward its target, as Kafka's CurrentAssignmentBuilder:
// partitions leaving the member are revoked first (the member keeps its epoch until it reports,
// in a heartbeat, that it no longer owns them); partitions still held by another member are
// withheld until released. So no partition is ever owned by two members.
import { ErrorCode } from '../../src/protocol/errors.js';
import { GroupError, MemberState, type ConsumerMember } from './consumer-group.js';
import type { TopicPartitionMap } from './server-assignors.js';

/** What a member reports it owns; null when the heartbeat did not say. */
export type OwnedPartitions = readonly { topicId: string; partitions: readonly number[] }[] | null;

function ownsAnyOf(owned: OwnedPartitions, partitions: TopicPartitionMap): boolean {
  if (owned === null) return true;
  return owned.some((t) => t.partitions.some((p) => partitions.get(t.topicId)?.has(p) ?? false));
}

/**
 * The member after one reconciliation step toward `target` (epoch `targetEpoch`); the same object
 * when nothing changes. `partitionEpoch` names the epoch of the member currently holding a
 * partition, or -1 when it is free.
 */
export function reconcile(
  member: ConsumerMember,
  targetEpoch: number,
  target: TopicPartitionMap,
  partitionEpoch: (topicId: string, partition: number) => number,
  owned: OwnedPartitions,
): ConsumerMember {
  const next = (memberEpoch: number): ConsumerMember => nextAssignment(member, memberEpoch, targetEpoch, target, partitionEpoch, owned);
  switch (member.state) {
    case MemberState.STABLE:
      return member.memberEpoch !== targetEpoch ? next(member.memberEpoch) : member;
    case MemberState.UNREVOKED_PARTITIONS:
      // Still owns what it must give up: it stays where it is until it acknowledges.
      if (ownsAnyOf(owned, member.partitionsPendingRevocation)) return member;
      return next(member.memberEpoch + 1);
    case MemberState.UNRELEASED_PARTITIONS:
      return next(member.memberEpoch);
    default:
      if (owned === null || owned.length > 0) throw new GroupError(ErrorCode.FENCED_MEMBER_EPOCH, 'The consumer group member is in a unknown state. The member must abandon all its partitions and rejoin.');
      return next(targetEpoch);
  }
}

function nextAssignment(
  member: ConsumerMember,
  memberEpoch: number,
  targetEpoch: number,
  target: TopicPartitionMap,
  partitionEpoch: (topicId: string, partition: number) => number,
  owned: OwnedPartitions,
): ConsumerMember {
  let unreleased = false;
  const kept: TopicPartitionMap = new Map();
  const revoking: TopicPartitionMap = new Map();
  const incoming: TopicPartitionMap = new Map();
  for (const topicId of new Set([...target.keys(), ...member.assignedPartitions.keys()])) {
    const wanted = target.get(topicId) ?? new Set<number>();
    const current = member.assignedPartitions.get(topicId) ?? new Set<number>();
    const keep = new Set([...current].filter((p) => wanted.has(p)));
    const revoke = new Set([...current].filter((p) => !keep.has(p)));
    const add = new Set<number>();
    for (const p of wanted) {
      if (keep.has(p)) continue;
      if (partitionEpoch(topicId, p) !== -1) unreleased = true;
      else add.add(p);
    }
    if (keep.size > 0) kept.set(topicId, keep);
    if (revoke.size > 0) revoking.set(topicId, revoke);
    if (add.size > 0) incoming.set(topicId, add);
  }

  if (revoking.size > 0 && ownsAnyOf(owned, revoking)) {
    return { ...member, state: MemberState.UNREVOKED_PARTITIONS, ...epochs(member, memberEpoch), assignedPartitions: kept, partitionsPendingRevocation: revoking };
  }
  for (const [topicId, set] of incoming) kept.set(topicId, new Set([...(kept.get(topicId) ?? []), ...set]));
  const state = unreleased ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE;
  return { ...member, state, ...epochs(member, targetEpoch), assignedPartitions: kept, partitionsPendingRevocation: new Map() };
}

/** Kafka's updateMemberEpoch: the previous epoch is the one the member had before this step. */
function epochs(member: ConsumerMember, memberEpoch: number): { memberEpoch: number; previousMemberEpoch: number } {
  return { memberEpoch, previousMemberEpoch: member.memberEpoch };
}
