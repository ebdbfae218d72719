// ElectLeaders v0-2 (KIP-183; election types from v1, KIP-460): preferred or unclean leader
// elections, decided by the active controller (controller/leader-election.ts); a broker whose
// controller is not active forwards it there (forwarding.ts). Authorization: ALTER on the cluster,
// as Kafka's ControllerApis. A refusal of the whole request (no authorization, no active
// controller, an unknown election type) is answered as Kafka's getErrorResponse: the top-level
// error (v1+) and the same error on every partition named.
import { ElectLeadersRequest } from '../../src/protocol/generated/clients/elect-leaders-request.js';
import { ElectLeadersResponse } from '../../src/protocol/generated/clients/elect-leaders-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation } from '../../src/protocol/acls.js';
import { ErrorCode, KafkaProtocolError } from '../../src/protocol/errors.js';
import { authorizeCluster, defaultMessage } from './authorization.js';
import { defineHandler } from './types.js';

const TOP_LEVEL_ERROR_VERSION = 1;

export const electLeaders = defineHandler({
  apiKey: ApiKey.ElectLeaders,
  minVersion: 0,
  maxVersion: 2,
  request: ElectLeadersRequest,
  response: ElectLeadersResponse,
  async handle(ctx, request): Promise<ElectLeadersResponse> {
    const refused = (errorCode: number, errorMessage: string): ElectLeadersResponse => ({
      throttleTimeMs: 0,
      errorCode: ctx.apiVersion >= TOP_LEVEL_ERROR_VERSION ? errorCode : ErrorCode.NONE,
      replicaElectionResults: (request.topicPartitions ?? []).map(({ topic, partitions }) => ({
        topic,
        partitionResult: partitions.map((partitionId) => ({ partitionId, errorCode, errorMessage })),
      })),
    });
    if (!authorizeCluster(ctx, AclOperation.ALTER)) return refused(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, defaultMessage(ErrorCode.CLUSTER_AUTHORIZATION_FAILED));
    // An empty list (unlike null, every partition) asks for nothing.
    if (request.topicPartitions !== null && request.topicPartitions.length === 0) return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults: [] };
    try {
      const response = await ctx.broker.controller.electLeaders(request);
      await ctx.broker.awaitMetadataApplied();
      return response;
    } catch (err) {
      if (!(err instanceof KafkaProtocolError)) throw err;
      return refused(err.code, err.message.slice(err.errorName.length + 2));
    }
  },
});
