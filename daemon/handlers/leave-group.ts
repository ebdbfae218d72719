// LeaveGroup v0-5 for classic groups: v0-2 name one member, v3+ a batch (by member id or
// group.instance.id), each with its own result. The group rebalances without them.
// Needs READ on the group, as in Kafka (GROUP_AUTHORIZATION_FAILED for the whole request).
import { LeaveGroupRequest } from '../../src/protocol/generated/clients/leave-group-request.js';
import { LeaveGroupResponse } from '../../src/protocol/generated/clients/leave-group-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { authorize } from './authorization.js';
import { defineHandler } from './types.js';

const BATCHED_SINCE = 3;

export const leaveGroup = defineHandler({
  apiKey: ApiKey.LeaveGroup,
  minVersion: 0,
  maxVersion: 5,
  request: LeaveGroupRequest,
  response: LeaveGroupResponse,
  handle(ctx, request) {
    const coordinator = ctx.broker.groupCoordinator;
    const batched = ctx.apiVersion >= BATCHED_SINCE;
    const failed = (errorCode: number): LeaveGroupResponse => ({ throttleTimeMs: 0, errorCode, members: [] });
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId)) return failed(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    if (request.groupId.length === 0) return failed(ErrorCode.INVALID_GROUP_ID);
    const owner = coordinator.ownership(request.groupId);
    if (owner !== ErrorCode.NONE) return failed(owner);
    const group = coordinator.classicGroup(request.groupId, false);
    if (!group) return failed(ErrorCode.UNKNOWN_MEMBER_ID);
    const identities = batched ? request.members : [{ memberId: request.memberId, groupInstanceId: null, reason: null }];
    const members = coordinator.classic.leave(group, identities);
    if (batched) return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, members };
    return failed(members[0].errorCode);
  },
});
