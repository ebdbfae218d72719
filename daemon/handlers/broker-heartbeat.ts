// BrokerHeartbeat v0-1 (KIP-631), on the controller listener: renews a broker's session, unfences
// it once caught up, and carries its controlled shutdown (QuorumController.brokerHeartbeat).
// Authorization: CLUSTER_ACTION on the cluster. Not done: offline log directories are ignored.
import { BrokerHeartbeatRequest } from '../../src/protocol/generated/clients/broker-heartbeat-request.js';
import { BrokerHeartbeatResponse } from '../../src/protocol/generated/clients/broker-heartbeat-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation } from '../../src/protocol/acls.js';
import { ErrorCode, KafkaProtocolError } from '../../src/protocol/errors.js';
import { authorizeCluster } from './authorization.js';
import { defineHandler } from './types.js';

export const brokerHeartbeat = defineHandler({
  apiKey: ApiKey.BrokerHeartbeat,
  minVersion: 0,
  maxVersion: 1,
  request: BrokerHeartbeatRequest,
  response: BrokerHeartbeatResponse,
  async handle(ctx, request): Promise<BrokerHeartbeatResponse> {
    const refused = (errorCode: number): BrokerHeartbeatResponse => ({ throttleTimeMs: 0, errorCode, isCaughtUp: false, isFenced: true, shouldShutDown: false });
    if (!authorizeCluster(ctx, AclOperation.CLUSTER_ACTION)) return refused(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    try {
      return { throttleTimeMs: 0, ...(await ctx.broker.controller.brokerHeartbeat(request)) };
    } catch (err) {
      if (err instanceof KafkaProtocolError) return refused(err.code);
      throw err;
    }
  },
});
