// BrokerRegistration v0-4 (KIP-631), on the controller listener: a broker joins the cluster and
// gets its epoch (QuorumController.registerBroker). Authorization: CLUSTER_ACTION on the cluster,
// as Kafka's ControllerApis. Not done: log directories (KIP-858) and the feature ranges are not
// checked; previousBrokerEpoch is not used (every re-registration counts as after an unclean stop).
import { BrokerRegistrationRequest } from '../../src/protocol/generated/clients/broker-registration-request.js';
import { BrokerRegistrationResponse } from '../../src/protocol/generated/clients/broker-registration-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation } from '../../src/protocol/acls.js';
import { ErrorCode, KafkaProtocolError } from '../../src/protocol/errors.js';
import type { QuorumController } from '../controller/quorum-controller.js';
import { authorizeCluster } from './authorization.js';
import { defineHandler } from './types.js';

const answer = (errorCode: number, brokerEpoch = -1n): BrokerRegistrationResponse => ({ throttleTimeMs: 0, errorCode, brokerEpoch });

/** The controller's answer, once the sender is authorized (also the in-process path of a node whose controller is active). */
export async function registerBroker(controller: QuorumController, request: BrokerRegistrationRequest): Promise<BrokerRegistrationResponse> {
  try {
    const { errorCode, brokerEpoch } = await controller.registerBroker({
      brokerId: request.brokerId,
      clusterId: request.clusterId,
      incarnationId: request.incarnationId,
      endpoints: request.listeners.map((l) => ({ listener: l.name, host: l.host, port: l.port, securityProtocol: l.securityProtocol })),
      rack: request.rack,
    });
    return answer(errorCode, brokerEpoch);
  } catch (err) {
    if (err instanceof KafkaProtocolError) return answer(err.code);
    throw err;
  }
}

export const brokerRegistration = defineHandler({
  apiKey: ApiKey.BrokerRegistration,
  minVersion: 0,
  maxVersion: 4,
  request: BrokerRegistrationRequest,
  response: BrokerRegistrationResponse,
  handle(ctx, request): Promise<BrokerRegistrationResponse> | BrokerRegistrationResponse {
    if (!authorizeCluster(ctx, AclOperation.CLUSTER_ACTION)) return answer(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    return registerBroker(ctx.broker.controller, request);
  },
});
