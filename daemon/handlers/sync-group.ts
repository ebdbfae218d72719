// SyncGroup v0-5 for classic groups: the leader's assignment is written to __consumer_offsets
// with the generation, then every member gets its part. v5+ checks the protocol type and name.
// As in Kafka, v5+ must name both (else INCONSISTENT_GROUP_PROTOCOL) before READ on the group is
// checked (GROUP_AUTHORIZATION_FAILED).
import { SyncGroupRequest } from '../../src/protocol/generated/clients/sync-group-request.js';
import { SyncGroupResponse } from '../../src/protocol/generated/clients/sync-group-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { syncError } from '../coordinator/classic-rebalance.js';
import { authorize } from './authorization.js';
import { defineHandler } from './types.js';

const PROTOCOL_REQUIRED_SINCE = 5;

export const syncGroup = defineHandler({
  apiKey: ApiKey.SyncGroup,
  minVersion: 0,
  maxVersion: 5,
  request: SyncGroupRequest,
  response: SyncGroupResponse,
  async handle(ctx, request) {
    const coordinator = ctx.broker.groupCoordinator;
    if (ctx.apiVersion >= PROTOCOL_REQUIRED_SINCE && (request.protocolType === null || request.protocolName === null)) {
      return syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId)) return syncError(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    if (request.groupId.length === 0) return syncError(ErrorCode.INVALID_GROUP_ID);
    const owner = coordinator.ownership(request.groupId);
    if (owner !== ErrorCode.NONE) return syncError(owner);
    const group = coordinator.classicGroup(request.groupId, false);
    if (!group) return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    return coordinator.classic.sync(group, request);
  },
});
