// Heartbeat v0-4 for classic groups: keeps a member's session alive, and tells it when the group
// is rebalancing (REBALANCE_IN_PROGRESS), has moved on (ILLEGAL_GENERATION) or no longer has it.
// While the group's partition loads the answer is NONE, as in Kafka.
// Needs READ on the group, as in Kafka (GROUP_AUTHORIZATION_FAILED).
import { HeartbeatRequest } from '../../src/protocol/generated/clients/heartbeat-request.js';
import { HeartbeatResponse } from '../../src/protocol/generated/clients/heartbeat-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { authorize } from './authorization.js';
import { defineHandler } from './types.js';

export const heartbeat = defineHandler({
  apiKey: ApiKey.Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  request: HeartbeatRequest,
  response: HeartbeatResponse,
  handle(ctx, request) {
    const coordinator = ctx.broker.groupCoordinator;
    const answer = (errorCode: number): HeartbeatResponse => ({ throttleTimeMs: 0, errorCode });
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId)) return answer(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    if (request.groupId.length === 0) return answer(ErrorCode.INVALID_GROUP_ID);
    const owner = coordinator.ownership(request.groupId);
    // As Kafka's coordinators: a group still loading is answered blindly, its members keep their sessions.
    if (owner === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) return answer(ErrorCode.NONE);
    if (owner !== ErrorCode.NONE) return answer(owner);
    const group = coordinator.classicGroup(request.groupId, false);
    if (!group) return answer(ErrorCode.UNKNOWN_MEMBER_ID);
    return answer(coordinator.classic.heartbeat(group, request.memberId, request.groupInstanceId, request.generationId));
  },
});
