// The checks Kafka makes before a consumer group acts on a request: the shape of a
// ConsumerGroupHeartbeat, a member's epoch against the one the coordinator knows, and the member
// epoch an OffsetCommit or OffsetFetch names.
import type { ConsumerGroupHeartbeatRequest } from '../../src/protocol/generated/clients/consumer-group-heartbeat-request.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { GroupError, LEAVE_GROUP_MEMBER_EPOCH, LEAVE_GROUP_STATIC_MEMBER_EPOCH, type ConsumerGroup, type ConsumerMember } from './consumer-group.js';
import { SERVER_ASSIGNORS, type TopicPartitionMap } from './server-assignors.js';

function invalid(message: string): never {
  throw new GroupError(ErrorCode.INVALID_REQUEST, message);
}

export function validateHeartbeat(r: ConsumerGroupHeartbeatRequest): void {
  if (r.groupId === '') invalid("GroupId can't be empty.");
  if (r.instanceId === '') invalid("InstanceId can't be empty.");
  if (r.rackId === '') invalid("RackId can't be empty.");
  if (r.subscribedTopicRegex !== null) invalid('SubscribedTopicRegex is not supported yet.');
  if (r.memberEpoch > 0 || r.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH) {
    if (r.memberId === '') invalid("MemberId can't be empty.");
  } else if (r.memberEpoch === 0) {
    if (r.rebalanceTimeoutMs === -1) invalid('RebalanceTimeoutMs must be provided in first request.');
    if (r.topicPartitions === null || r.topicPartitions.length > 0) invalid('TopicPartitions must be empty when (re-)joining.');
    if (r.subscribedTopicNames === null || r.subscribedTopicNames.length === 0) invalid('SubscribedTopicNames must be set in first request.');
  } else if (r.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    if (r.memberId === '') invalid("MemberId can't be empty.");
    if (r.instanceId === null) invalid("InstanceId can't be null.");
  } else {
    invalid('MemberEpoch is invalid.');
  }
  if (r.serverAssignor !== null && !SERVER_ASSIGNORS.has(r.serverAssignor)) {
    throw new GroupError(ErrorCode.UNSUPPORTED_ASSIGNOR, `ServerAssignor ${r.serverAssignor} is not supported. Supported assignors: ${[...SERVER_ASSIGNORS.keys()].join(', ')}.`);
  }
}

/** Whether every partition the member reports is in `assigned` (a lost response is forgiven then). */
function isSubset(owned: ConsumerGroupHeartbeatRequest['topicPartitions'], assigned: TopicPartitionMap): boolean {
  if (owned === null) return false;
  return owned.every((t) => t.partitions.every((p) => assigned.get(t.topicId)?.has(p) ?? false));
}

export function validateMemberEpoch(member: ConsumerMember, received: number, owned: ConsumerGroupHeartbeatRequest['topicPartitions']): void {
  const fenced = (which: string): never => {
    throw new GroupError(
      ErrorCode.FENCED_MEMBER_EPOCH,
      `The consumer group member has a ${which} member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
    );
  };
  if (received > member.memberEpoch) fenced('greater');
  if (received < member.memberEpoch && (received !== member.previousMemberEpoch || !isSubset(owned, member.assignedPartitions))) fenced('smaller');
}

/** ConsumerGroup.validateOffsetCommit: NONE when the commit may go ahead. */
export function validateConsumerGroupCommit(group: ConsumerGroup, memberId: string, memberEpoch: number, apiVersion: number): number {
  // Epoch -1 on an empty group: the admin client, or a consumer assigning partitions itself.
  if (memberEpoch < 0 && group.members.size === 0) return ErrorCode.NONE;
  const member = group.members.get(memberId);
  if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
  if (apiVersion < 9) return ErrorCode.UNSUPPORTED_VERSION;
  return memberEpoch === member.memberEpoch ? ErrorCode.NONE : ErrorCode.STALE_MEMBER_EPOCH;
}

/** ConsumerGroup.validateOffsetFetch: NONE when the fetch may go ahead. */
export function validateConsumerGroupFetch(group: ConsumerGroup, memberId: string | null, memberEpoch: number): number {
  if (memberId === null && memberEpoch < 0) return ErrorCode.NONE;
  const member = memberId === null ? undefined : group.members.get(memberId);
  if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
  return memberEpoch === member.memberEpoch ? ErrorCode.NONE : ErrorCode.STALE_MEMBER_EPOCH;
}
