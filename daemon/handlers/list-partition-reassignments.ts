// ListPartitionReassignments v0 (KIP-455): the partitions being reassigned, all of them (null
// topics) or among those asked for, with their replicas, adding and removing replicas. A broker
// forwards it to the active controller, which answers from its committed image. Authorization
// (Kafka's ControllerApis): DESCRIBE on the cluster, else CLUSTER_AUTHORIZATION_FAILED.
import { AclOperation } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { ListPartitionReassignmentsRequest } from '../../src/protocol/generated/clients/list-partition-reassignments-request.js';
import { ListPartitionReassignmentsResponse } from '../../src/protocol/generated/clients/list-partition-reassignments-response.js';
import { authorizeCluster, defaultMessage } from './authorization.js';
import { defineHandler } from './types.js';

export const listPartitionReassignments = defineHandler({
  apiKey: ApiKey.ListPartitionReassignments,
  minVersion: 0,
  maxVersion: 0,
  request: ListPartitionReassignmentsRequest,
  response: ListPartitionReassignmentsResponse,
  async handle(ctx, request): Promise<ListPartitionReassignmentsResponse> {
    if (!authorizeCluster(ctx, AclOperation.DESCRIBE)) {
      const errorCode = ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
      return { throttleTimeMs: 0, errorCode, errorMessage: defaultMessage(errorCode), topics: [] };
    }
    const topics = await ctx.broker.controller.listPartitionReassignments(request.topics);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, topics };
  },
});
