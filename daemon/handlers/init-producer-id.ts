// InitProducerId v0-5 for idempotent producers. Producer ids come from blocks the controller
// reserves in the metadata log, so none is handed out twice, even across restarts. A transactional
// id needs the transaction coordinator, which does not exist yet: it gets COORDINATOR_NOT_AVAILABLE,
// what Kafka answers while no coordinator is ready.
import { InitProducerIdRequest } from '../../src/protocol/generated/clients/init-producer-id-request.js';
import { InitProducerIdResponse } from '../../src/protocol/generated/clients/init-producer-id-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { defineHandler } from './types.js';

export const initProducerId = defineHandler({
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  request: InitProducerIdRequest,
  response: InitProducerIdResponse,
  async handle(ctx, request) {
    if (request.transactionalId !== null) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, producerId: -1n, producerEpoch: -1 };
    }
    const producerId = await ctx.broker.producerIds.next();
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch: 0 };
  },
});
