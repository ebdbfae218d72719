// ConsumerGroupDescribe v0 (KIP-848): epochs, assignor, and each member's current and target
// assignment. A group that does not exist, or is a classic group, answers GROUP_ID_NOT_FOUND.
import { ConsumerGroupDescribeRequest } from '../../src/protocol/generated/clients/consumer-group-describe-request.js';
import { ConsumerGroupDescribeResponse } from '../../src/protocol/generated/clients/consumer-group-describe-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { defineHandler } from './types.js';

const OPERATIONS_NOT_REQUESTED = -2147483648;

export const consumerGroupDescribe = defineHandler({
  apiKey: ApiKey.ConsumerGroupDescribe,
  minVersion: 0,
  maxVersion: 0,
  request: ConsumerGroupDescribeRequest,
  response: ConsumerGroupDescribeResponse,
  handle(ctx, request) {
    const coordinator = ctx.broker.groupCoordinator;
    const groups = request.groupIds.map((groupId) => {
      const owner = groupId.length === 0 ? ErrorCode.INVALID_GROUP_ID : coordinator.ownership(groupId);
      if (owner === ErrorCode.NONE) return coordinator.consumer.describe(groupId);
      return { errorCode: owner, errorMessage: null, groupId, groupState: '', groupEpoch: 0, assignmentEpoch: 0, assignorName: '', members: [], authorizedOperations: OPERATIONS_NOT_REQUESTED };
    });
    return { throttleTimeMs: 0, groups };
  },
});
