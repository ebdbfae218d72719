// OffsetDelete v0: removes a group's committed offsets with tombstones. A group with members
// keeps the offsets of topics its consumers subscribe to (GROUP_SUBSCRIBED_TO_TOPIC); a non-empty
// group of another protocol type keeps all (NON_EMPTY_GROUP).
import { OffsetDeleteRequest } from '../../src/protocol/generated/clients/offset-delete-request.js';
import { OffsetDeleteResponse } from '../../src/protocol/generated/clients/offset-delete-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { deleteOffsets } from '../coordinator/offset-commits.js';
import { defineHandler } from './types.js';

export const offsetDelete = defineHandler({
  apiKey: ApiKey.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  request: OffsetDeleteRequest,
  response: OffsetDeleteResponse,
  handle(ctx, request) {
    return deleteOffsets(ctx.broker.groupCoordinator, request);
  },
});
