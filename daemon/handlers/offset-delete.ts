// OffsetDelete v0: removes a group's committed offsets with tombstones. A group with members
// keeps the offsets of topics its consumers subscribe to (GROUP_SUBSCRIBED_TO_TOPIC); a non-empty
// group of another protocol type keeps all (NON_EMPTY_GROUP).
// As in Kafka, DELETE on the group is checked first (GROUP_AUTHORIZATION_FAILED for the whole
// request), then READ on each topic (TOPIC_AUTHORIZATION_FAILED per partition); a group-level
// error from the coordinator replaces the per-topic refusals.
import { OffsetDeleteRequest } from '../../src/protocol/generated/clients/offset-delete-request.js';
import { OffsetDeleteResponse } from '../../src/protocol/generated/clients/offset-delete-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { deleteOffsets } from '../coordinator/offset-commits.js';
import { authorize } from './authorization.js';
import { mergeTopicResults, screenOffsetTopics } from './group-authorization.js';
import { defineHandler } from './types.js';

export const offsetDelete = defineHandler({
  apiKey: ApiKey.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  request: OffsetDeleteRequest,
  response: OffsetDeleteResponse,
  async handle(ctx, request): Promise<OffsetDeleteResponse> {
    if (!authorize(ctx, AclOperation.DELETE, ResourceType.GROUP, request.groupId)) {
      return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, throttleTimeMs: 0, topics: [] };
    }
    const { accepted, refused } = screenOffsetTopics(ctx, request.topics);
    const deleted = await deleteOffsets(ctx.broker.groupCoordinator, { ...request, topics: accepted });
    if (deleted.errorCode !== ErrorCode.NONE) return deleted;
    return { ...deleted, topics: mergeTopicResults(refused, deleted.topics) };
  },
});
