// SyncGroup v0-5 for classic groups: the leader's assignment is written to __consumer_offsets
// with the generation, then every member gets its part. v5+ checks the protocol type and name.
import { SyncGroupRequest } from '../../src/protocol/generated/clients/sync-group-request.js';
import { SyncGroupResponse } from '../../src/protocol/generated/clients/sync-group-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { syncError } from '../coordinator/classic-rebalance.js';
import { defineHandler } from './types.js';

export const syncGroup = defineHandler({
  apiKey: ApiKey.SyncGroup,
  minVersion: 0,
  maxVersion: 5,
  request: SyncGroupRequest,
  response: SyncGroupResponse,
  async handle(ctx, request) {
    const coordinator = ctx.broker.groupCoordinator;
    if (request.groupId.length === 0) return syncError(ErrorCode.INVALID_GROUP_ID);
    const owner = coordinator.ownership(request.groupId);
    if (owner !== ErrorCode.NONE) return syncError(owner);
    const group = coordinator.classicGroup(request.groupId, false);
    if (!group) return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    return coordinator.classic.sync(group, request);
  },
});
