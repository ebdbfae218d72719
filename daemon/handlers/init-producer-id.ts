// InitProducerId v0-5 for idempotent producers. Producer ids come from blocks the controller
// reserves in the metadata log, so none is handed out twice, even across restarts. A transactional
// id needs the transaction coordinator, which does not exist yet: it gets COORDINATOR_NOT_AVAILABLE,
// what Kafka answers while no coordinator is ready. Authorization: WRITE on the transactional id;
// without one, IDEMPOTENT_WRITE on the cluster or WRITE on some topic.
import { InitProducerIdRequest } from '../../src/protocol/generated/clients/init-producer-id-request.js';
import { InitProducerIdResponse } from '../../src/protocol/generated/clients/init-producer-id-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { authorize, authorizeByResourceType, authorizeCluster } from './authorization.js';
import { defineHandler } from './types.js';

export const initProducerId = defineHandler({
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  request: InitProducerIdRequest,
  response: InitProducerIdResponse,
  async handle(ctx, request) {
    const refuse = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 });
    if (request.transactionalId !== null) {
      if (!authorize(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.transactionalId)) return refuse(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
      return refuse(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
    if (!authorizeCluster(ctx, AclOperation.IDEMPOTENT_WRITE) && !authorizeByResourceType(ctx, AclOperation.WRITE, ResourceType.TOPIC)) {
      return refuse(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    }
    const producerId = await ctx.broker.producerIds.next();
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch: 0 };
  },
});
