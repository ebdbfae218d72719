// AlterPartitionReassignments v0 (KIP-455): start, change or cancel (null replicas) partition
// reassignments; the controller decides each partition (controller/reassignment.ts). A broker
// forwards it to the active controller. Authorization (Kafka's ControllerApis): ALTER on the
// cluster, else CLUSTER_AUTHORIZATION_FAILED at the top and for every partition. The request's
// timeoutMs is not used: the answer comes once the records are committed.
import { AclOperation } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AlterPartitionReassignmentsRequest } from '../../src/protocol/generated/clients/alter-partition-reassignments-request.js';
import { AlterPartitionReassignmentsResponse } from '../../src/protocol/generated/clients/alter-partition-reassignments-response.js';
import { authorizeCluster, defaultMessage } from './authorization.js';
import { defineHandler } from './types.js';

export const alterPartitionReassignments = defineHandler({
  apiKey: ApiKey.AlterPartitionReassignments,
  minVersion: 0,
  maxVersion: 0,
  request: AlterPartitionReassignmentsRequest,
  response: AlterPartitionReassignmentsResponse,
  async handle(ctx, request): Promise<AlterPartitionReassignmentsResponse> {
    if (!authorizeCluster(ctx, AclOperation.ALTER)) {
      const errorCode = ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
      const errorMessage = defaultMessage(errorCode);
      const responses = request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode, errorMessage })) }));
      return { throttleTimeMs: 0, errorCode, errorMessage, responses };
    }
    const response = await ctx.broker.controller.alterPartitionReassignments(request);
    await ctx.broker.awaitMetadataApplied();
    return response;
  },
});
