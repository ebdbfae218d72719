// BrokerHeartbeat v0-1 (KIP-631), on the controller listener: renews a broker's session, unfences
// it once caught up, and carries its controlled shutdown (QuorumController.brokerHeartbeat).
// Authorization: CLUSTER_ACTION on the cluster. Not done: offline log directories are ignored.
import { BrokerHeartbeatRequest } from '../../src/protocol/generated/clients/broker-heartbeat-request.js';
import { BrokerHeartbeatResponse } from '../../src/protocol/generated/clients/broker-heartbeat-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation } from '../../src/protocol/acls.js';
import { ErrorCode, KafkaProtocolError } from '../../src/protocol/errors.js';
import type { QuorumController } from '../controller/quorum-controller.js';
import { authorizeCluster } from './authorization.js';
import { defineHandler } from './types.js';

const refused = (errorCode: number): BrokerHeartbeatResponse => ({ throttleTimeMs: 0, errorCode, isCaughtUp: false, isFenced: true, shouldShutDown: false });

/** The controller's answer, once the sender is authorized (also the in-process path of a node whose controller is active). */
export async function heartbeat(controller: QuorumController, request: BrokerHeartbeatRequest): Promise<BrokerHeartbeatResponse> {
  try {
    return { throttleTimeMs: 0, ...(await controller.brokerHeartbeat(request)) };
  } catch (err) {
    if (err instanceof KafkaProtocolError) return refused(err.code);
    throw err;
  }
}

export const brokerHeartbeat = defineHandler({
  apiKey: ApiKey.BrokerHeartbeat,
  minVersion: 0,
  maxVersion: 1,
  request: BrokerHeartbeatRequest,
  response: BrokerHeartbeatResponse,
  handle(ctx, request): Promise<BrokerHeartbeatResponse> | BrokerHeartbeatResponse {
    if (!authorizeCluster(ctx, AclOperation.CLUSTER_ACTION)) return refused(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    return heartbeat(ctx.broker.controller, request);
  },
});
