// ConsumerGroupDescribe v0 (KIP-848): epochs, assignor, and each member's current and target
// assignment. A group that does not exist, or is a classic group, answers GROUP_ID_NOT_FOUND.
// As in Kafka, each group needs DESCRIBE (else GROUP_AUTHORIZATION_FAILED); refused groups lead
// the answer. authorizedOperations, when asked for, is the principal's operations on a group
// described without error.
import { ConsumerGroupDescribeRequest } from '../../src/protocol/generated/clients/consumer-group-describe-request.js';
import { ConsumerGroupDescribeResponse, type DescribedGroup } from '../../src/protocol/generated/clients/consumer-group-describe-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { authorize, authorizedOperations } from './authorization.js';
import { undescribedGroup } from '../coordinator/consumer-group-protocol.js';
import { defineHandler } from './types.js';

export const consumerGroupDescribe = defineHandler({
  apiKey: ApiKey.ConsumerGroupDescribe,
  minVersion: 0,
  maxVersion: 0,
  request: ConsumerGroupDescribeRequest,
  response: ConsumerGroupDescribeResponse,
  handle(ctx, request) {
    const coordinator = ctx.broker.groupCoordinator;
    const refused: DescribedGroup[] = [];
    const described: DescribedGroup[] = [];
    for (const groupId of request.groupIds) {
      if (!authorize(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) {
        refused.push(undescribedGroup(groupId, ErrorCode.GROUP_AUTHORIZATION_FAILED));
        continue;
      }
      const owner = groupId.length === 0 ? ErrorCode.INVALID_GROUP_ID : coordinator.ownership(groupId);
      const group = owner === ErrorCode.NONE ? coordinator.consumer.describe(groupId) : undescribedGroup(groupId, owner);
      if (request.includeAuthorizedOperations && group.errorCode === ErrorCode.NONE) group.authorizedOperations = authorizedOperations(ctx, ResourceType.GROUP, groupId);
      described.push(group);
    }
    return { throttleTimeMs: 0, groups: [...refused, ...described] };
  },
});
