// AllocateProducerIds v0 (KIP-730), on the controller listener: a broker's InitProducerId needs a
// new block of producer ids. Authorization: CLUSTER_ACTION on the cluster, as Kafka's ControllerApis.
import { AllocateProducerIdsRequest } from '../../src/protocol/generated/clients/allocate-producer-ids-request.js';
import { AllocateProducerIdsResponse } from '../../src/protocol/generated/clients/allocate-producer-ids-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation } from '../../src/protocol/acls.js';
import { ErrorCode, KafkaProtocolError } from '../../src/protocol/errors.js';
import { PRODUCER_ID_BLOCK_SIZE } from '../controller/quorum-controller.js';
import type { QuorumController } from '../controller/quorum-controller.js';
import { authorizeCluster } from './authorization.js';
import { defineHandler } from './types.js';

const refused = (errorCode: number): AllocateProducerIdsResponse => ({ throttleTimeMs: 0, errorCode, producerIdStart: -1n, producerIdLen: 0 });

/** The controller's answer, once the sender is authorized (also the in-process path of a node whose controller is active). */
export async function allocateBlock(controller: QuorumController, request: AllocateProducerIdsRequest): Promise<AllocateProducerIdsResponse> {
  try {
    const first = await controller.allocateProducerIds(request.brokerId, request.brokerEpoch);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerIdStart: first, producerIdLen: Number(PRODUCER_ID_BLOCK_SIZE) };
  } catch (err) {
    if (err instanceof KafkaProtocolError) return refused(err.code);
    throw err;
  }
}

export const allocateProducerIds = defineHandler({
  apiKey: ApiKey.AllocateProducerIds,
  minVersion: 0,
  maxVersion: 0,
  request: AllocateProducerIdsRequest,
  response: AllocateProducerIdsResponse,
  handle(ctx, request): Promise<AllocateProducerIdsResponse> | AllocateProducerIdsResponse {
    if (!authorizeCluster(ctx, AclOperation.CLUSTER_ACTION)) return refused(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    return allocateBlock(ctx.broker.controller, request);
  },
});
