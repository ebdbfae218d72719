// AlterPartition v0-3 on the CONTROLLER listener: a partition leader's ISR change, decided by the
// active controller (controller/alter-partition.ts). Elsewhere NOT_CONTROLLER, so the leader
// looks for the active one. Authorization: CLUSTER_ACTION on the cluster, as Kafka's ControllerApis.
import { AlterPartitionRequest } from '../../src/protocol/generated/clients/alter-partition-request.js';
import { AlterPartitionResponse } from '../../src/protocol/generated/clients/alter-partition-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation } from '../../src/protocol/acls.js';
import { ErrorCode, KafkaProtocolError } from '../../src/protocol/errors.js';
import { authorizeCluster } from './authorization.js';
import { defineHandler } from './types.js';

export const alterPartition = defineHandler({
  apiKey: ApiKey.AlterPartition,
  minVersion: 0,
  maxVersion: 3,
  request: AlterPartitionRequest,
  response: AlterPartitionResponse,
  async handle(ctx, request): Promise<AlterPartitionResponse> {
    const failed = (errorCode: number): AlterPartitionResponse => ({ throttleTimeMs: 0, errorCode, topics: [] });
    if (!authorizeCluster(ctx, AclOperation.CLUSTER_ACTION)) return failed(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    try {
      return await ctx.broker.controller.alterPartition(request, ctx.apiVersion);
    } catch (err) {
      if (err instanceof KafkaProtocolError) return failed(err.code);
      throw err;
    }
  },
});
