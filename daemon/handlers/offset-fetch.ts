// OffsetFetch v0-9: one group (v0-7; v2+ may ask for all its partitions with null topics) or
// several (v8+). A partition without a commit answers offset -1. requireStable (v7+) has nothing
// to wait for while there are no transactional commits.
import { OffsetFetchRequest } from '../../src/protocol/generated/clients/offset-fetch-request.js';
import { OffsetFetchResponse } from '../../src/protocol/generated/clients/offset-fetch-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { fetchOffsets } from '../coordinator/offset-commits.js';
import { defineHandler } from './types.js';

const MULTI_GROUP_SINCE = 8;
/** v0-1 have no group-level error: each partition carries it. */
const GROUP_ERROR_SINCE = 2;

export const offsetFetch = defineHandler({
  apiKey: ApiKey.OffsetFetch,
  minVersion: 0,
  maxVersion: 9,
  request: OffsetFetchRequest,
  response: OffsetFetchResponse,
  handle(ctx, request) {
    const coordinator = ctx.broker.groupCoordinator;
    if (ctx.apiVersion >= MULTI_GROUP_SINCE) {
      const groups = request.groups.map((g) => ({ groupId: g.groupId, ...fetchOffsets(coordinator, g.groupId, g.topics, { memberId: g.memberId, memberEpoch: g.memberEpoch }) }));
      return { throttleTimeMs: 0, topics: [], errorCode: ErrorCode.NONE, groups };
    }
    const fetched = fetchOffsets(coordinator, request.groupId, request.topics);
    const errorCode = ctx.apiVersion >= GROUP_ERROR_SINCE ? fetched.errorCode : ErrorCode.NONE;
    return { throttleTimeMs: 0, topics: errorCode === ErrorCode.NONE ? fetched.topics : [], errorCode, groups: [] };
  },
});
