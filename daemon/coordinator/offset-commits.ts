// OffsetCommit, OffsetFetch and OffsetDelete against a group's committed offsets: the checks Kafka
// makes against the group, the records written (commits with their retention, tombstones) and
// the answers per partition.
import type { OffsetCommitRequest } from '../../src/protocol/generated/clients/offset-commit-request.js';
import type { OffsetCommitResponseTopic } from '../../src/protocol/generated/clients/offset-commit-response.js';
import type { OffsetDeleteRequest } from '../../src/protocol/generated/clients/offset-delete-request.js';
import type { OffsetDeleteResponse } from '../../src/protocol/generated/clients/offset-delete-response.js';
import type { OffsetFetchResponsePartitions } from '../../src/protocol/generated/clients/offset-fetch-response.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { CONSUMER_PROTOCOL_TYPE, type ClassicGroup } from './classic-group.js';
import type { CommittedOffset, CoordinatorRecord } from './coordinator-records.js';
import { validateConsumerGroupCommit, validateConsumerGroupFetch } from './consumer-group-checks.js';
import type { GroupCoordinator } from './group-coordinator.js';

/** OffsetCommit v9+ names a missing group GROUP_ID_NOT_FOUND; before, ILLEGAL_GENERATION. */
const GROUP_NOT_FOUND_SINCE = 9;
/** retentionTimeMs of -1: the broker's offsets.retention.minutes applies. */
const DEFAULT_RETENTION = -1n;

/** ClassicGroup.validateOffsetCommit: NONE when the commit may go ahead. */
function validateClassicCommit(group: ClassicGroup, memberId: string, groupInstanceId: string | null, generationId: number): number {
  if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  // Generation -1 on an empty group: the admin client or a consumer assigning partitions itself.
  if (generationId < 0 && group.state === 'Empty') return ErrorCode.NONE;
  if (generationId >= 0 || memberId.length > 0 || groupInstanceId !== null) {
    if (groupInstanceId !== null) {
      const current = group.staticMemberId(groupInstanceId);
      if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (current !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    }
    if (!group.members.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
  } else if (group.state !== 'Empty') {
    return ErrorCode.UNKNOWN_MEMBER_ID;
  }
  if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
  return ErrorCode.NONE;
}

export async function commitOffsets(coordinator: GroupCoordinator, request: OffsetCommitRequest, apiVersion: number): Promise<OffsetCommitResponseTopic[]> {
  const answerAll = (errorCode: number): OffsetCommitResponseTopic[] =>
    request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) }));
  if (request.groupId.length === 0) return answerAll(ErrorCode.INVALID_GROUP_ID);
  const owner = coordinator.ownership(request.groupId);
  if (owner !== ErrorCode.NONE) return answerAll(owner);
  const existing = coordinator.groups.get(request.groupId);
  if (existing?.type === 'consumer') {
    const invalid = validateConsumerGroupCommit(existing, request.memberId, request.generationIdOrMemberEpoch, apiVersion);
    if (invalid !== ErrorCode.NONE) return answerAll(invalid);
  } else {
    const group = coordinator.classicGroup(request.groupId, request.generationIdOrMemberEpoch < 0);
    if (!group) return answerAll(apiVersion >= GROUP_NOT_FOUND_SINCE ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION);
    const invalid = validateClassicCommit(group, request.memberId, request.groupInstanceId, request.generationIdOrMemberEpoch);
    if (invalid !== ErrorCode.NONE) return answerAll(invalid);
  }

  const now = coordinator.clock.now();
  const expireTimestamp = request.retentionTimeMs === DEFAULT_RETENTION ? -1n : BigInt(now) + request.retentionTimeMs;
  const records: (CoordinatorRecord & { type: 'offset' })[] = [];
  const response = request.topics.map((t): OffsetCommitResponseTopic => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      const metadata = p.committedMetadata ?? '';
      if (metadata.length > coordinator.settings.offsetMetadataMaxBytes) return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE };
      const value: CommittedOffset = { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata, commitTimestamp: BigInt(now), expireTimestamp };
      records.push({ type: 'offset', group: request.groupId, topic: t.name, partition: p.partitionIndex, value });
      return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE };
    }),
  }));
  const written = await coordinator.write(request.groupId, records);
  if (written !== ErrorCode.NONE) {
    for (const t of response) for (const p of t.partitions) if (p.errorCode === ErrorCode.NONE) p.errorCode = written;
    return response;
  }
  for (const r of records) if (r.value !== null) coordinator.offsets.put(r.group, r.topic, r.partition, r.value);
  return response;
}

export interface FetchedGroupOffsets {
  errorCode: number;
  topics: { name: string; partitions: OffsetFetchResponsePartitions[] }[];
}

const noOffset = (partitionIndex: number, errorCode: number = ErrorCode.NONE): OffsetFetchResponsePartitions => ({
  partitionIndex,
  committedOffset: -1n,
  committedLeaderEpoch: -1,
  metadata: '',
  errorCode,
});

/**
 * A group's offsets for the partitions asked for, or all it has when `topics` is null. A member of
 * a consumer group (OffsetFetch v9+) must name its current epoch.
 */
export function fetchOffsets(
  coordinator: GroupCoordinator,
  groupId: string,
  topics: { name: string; partitionIndexes: number[] }[] | null,
  member: { memberId: string | null; memberEpoch: number } = { memberId: null, memberEpoch: -1 },
): FetchedGroupOffsets {
  const owner = groupId.length === 0 ? ErrorCode.INVALID_GROUP_ID : coordinator.ownership(groupId);
  if (owner !== ErrorCode.NONE) {
    return { errorCode: owner, topics: (topics ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => noOffset(p, owner)) })) };
  }
  const group = coordinator.groups.get(groupId);
  if (group?.type === 'consumer') {
    const invalid = validateConsumerGroupFetch(group, member.memberId, member.memberEpoch);
    if (invalid !== ErrorCode.NONE) return { errorCode: invalid, topics: [] };
  }
  if (topics === null) {
    const byTopic = new Map<string, OffsetFetchResponsePartitions[]>();
    for (const { topic, partition, offset } of coordinator.offsets.all(groupId)) {
      let list = byTopic.get(topic);
      if (!list) byTopic.set(topic, (list = []));
      list.push({ partitionIndex: partition, committedOffset: offset.offset, committedLeaderEpoch: offset.leaderEpoch, metadata: offset.metadata, errorCode: ErrorCode.NONE });
    }
    return { errorCode: ErrorCode.NONE, topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })) };
  }
  return {
    errorCode: ErrorCode.NONE,
    topics: topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((p) => {
        const offset = coordinator.offsets.get(groupId, t.name, p);
        if (!offset) return noOffset(p);
        return { partitionIndex: p, committedOffset: offset.offset, committedLeaderEpoch: offset.leaderEpoch, metadata: offset.metadata, errorCode: ErrorCode.NONE };
      }),
    })),
  };
}

export async function deleteOffsets(coordinator: GroupCoordinator, request: OffsetDeleteRequest): Promise<OffsetDeleteResponse> {
  const failed = (errorCode: number): OffsetDeleteResponse => ({ errorCode, throttleTimeMs: 0, topics: [] });
  if (request.groupId.length === 0) return failed(ErrorCode.INVALID_GROUP_ID);
  const owner = coordinator.ownership(request.groupId);
  if (owner !== ErrorCode.NONE) return failed(owner);
  const group = coordinator.groups.get(request.groupId);
  if (!group || group.state === 'Dead') return failed(ErrorCode.GROUP_ID_NOT_FOUND);
  const inUse = group.state !== 'Empty';
  // Only a consumer group's subscriptions say which offsets are in use; any other group keeps all.
  if (inUse && group.protocolType !== CONSUMER_PROTOCOL_TYPE) return failed(ErrorCode.NON_EMPTY_GROUP);
  const records: (CoordinatorRecord & { type: 'offset' })[] = [];
  const topics = request.topics.map((t) => {
    const subscribed = inUse && group.isSubscribedToTopic(t.name);
    return {
      name: t.name,
      partitions: t.partitions.map((p) => {
        if (subscribed) return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC };
        if (coordinator.offsets.get(request.groupId, t.name, p.partitionIndex)) {
          records.push({ type: 'offset', group: request.groupId, topic: t.name, partition: p.partitionIndex, value: null });
        }
        return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE };
      }),
    };
  });
  const written = await coordinator.write(request.groupId, records);
  if (written !== ErrorCode.NONE) return failed(written);
  for (const r of records) coordinator.offsets.delete(r.group, r.topic, r.partition);
  return { errorCode: ErrorCode.NONE, throttleTimeMs: 0, topics };
}
