// OffsetFetch v0-9: one group (v0-7; v2+ may ask for all its partitions with null topics) or
// several (v8+). A partition without a commit answers offset -1. requireStable (v7+) has nothing
// to wait for while there are no transactional commits.
// As in Kafka, each group needs DESCRIBE (else GROUP_AUTHORIZATION_FAILED for that group alone),
// and offsets are shown only for topics the principal may DESCRIBE: a fetch of all leaves the
// others out, a named one answers TOPIC_AUTHORIZATION_FAILED for each of its partitions.
import { OffsetFetchRequest } from '../../src/protocol/generated/clients/offset-fetch-request.js';
import { OffsetFetchResponse } from '../../src/protocol/generated/clients/offset-fetch-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { fetchOffsets, type FetchedGroupOffsets } from '../coordinator/offset-commits.js';
import { authorize } from './authorization.js';
import { defineHandler, type RequestContext } from './types.js';

const MULTI_GROUP_SINCE = 8;
/** v0-1 have no group-level error: each partition carries it. */
const GROUP_ERROR_SINCE = 2;

interface Member {
  memberId: string | null;
  memberEpoch: number;
}

function fetchGroup(ctx: RequestContext, groupId: string, topics: { name: string; partitionIndexes: number[] }[] | null, member?: Member): FetchedGroupOffsets {
  if (!authorize(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, topics: [] };
  const coordinator = ctx.broker.groupCoordinator;
  const describable = (name: string): boolean => authorize(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, name);
  if (topics === null) {
    const fetched = fetchOffsets(coordinator, groupId, null, member);
    if (fetched.errorCode !== ErrorCode.NONE) return fetched;
    return { errorCode: ErrorCode.NONE, topics: fetched.topics.filter((t) => describable(t.name)) };
  }
  const fetched = fetchOffsets(coordinator, groupId, topics.filter((t) => describable(t.name)), member);
  if (fetched.errorCode !== ErrorCode.NONE) return fetched;
  const refused = topics
    .filter((t) => !describable(t.name))
    .map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED })),
    }));
  return { errorCode: ErrorCode.NONE, topics: [...fetched.topics, ...refused] };
}

export const offsetFetch = defineHandler({
  apiKey: ApiKey.OffsetFetch,
  minVersion: 0,
  maxVersion: 9,
  request: OffsetFetchRequest,
  response: OffsetFetchResponse,
  handle(ctx, request) {
    if (ctx.apiVersion >= MULTI_GROUP_SINCE) {
      const groups = request.groups.map((g) => ({ groupId: g.groupId, ...fetchGroup(ctx, g.groupId, g.topics, { memberId: g.memberId, memberEpoch: g.memberEpoch }) }));
      return { throttleTimeMs: 0, topics: [], errorCode: ErrorCode.NONE, groups };
    }
    const fetched = fetchGroup(ctx, request.groupId, request.topics);
    const errorCode = ctx.apiVersion >= GROUP_ERROR_SINCE ? fetched.errorCode : ErrorCode.NONE;
    return { throttleTimeMs: 0, topics: errorCode === ErrorCode.NONE ? fetched.topics : [], errorCode, groups: [] };
  },
});
