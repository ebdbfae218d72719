// ConsumerGroupHeartbeat v0 (KIP-848; v1 is still unstable in Kafka): joins, heartbeats and leaves of consumer-protocol group
// members; the coordinator answers with the member's epoch and assignment. Served only when
// group.coordinator.rebalance.protocols contains `consumer`.
// Needs READ on the group (GROUP_AUTHORIZATION_FAILED) and, as Kafka 4.0 checks (3.9 does not),
// DESCRIBE on every topic of a subscription by names (TOPIC_AUTHORIZATION_FAILED).
import { ConsumerGroupHeartbeatRequest } from '../../src/protocol/generated/clients/consumer-group-heartbeat-request.js';
import { ConsumerGroupHeartbeatResponse } from '../../src/protocol/generated/clients/consumer-group-heartbeat-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { authorize } from './authorization.js';
import { defineHandler } from './types.js';

export const consumerGroupHeartbeat = defineHandler({
  apiKey: ApiKey.ConsumerGroupHeartbeat,
  minVersion: 0,
  maxVersion: 0,
  request: ConsumerGroupHeartbeatRequest,
  response: ConsumerGroupHeartbeatResponse,
  async handle(ctx, request) {
    const coordinator = ctx.broker.groupCoordinator;
    const fail = (errorCode: number): ConsumerGroupHeartbeatResponse => ({
      throttleTimeMs: 0,
      errorCode,
      errorMessage: null,
      memberId: null,
      memberEpoch: 0,
      heartbeatIntervalMs: 0,
      assignment: null,
    });
    if (!coordinator.consumer.enabled) return fail(ErrorCode.UNSUPPORTED_VERSION);
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId)) return fail(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    if (request.subscribedTopicNames?.some((topic) => !authorize(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, topic))) {
      return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    }
    if (request.groupId.length > 0) {
      const owner = coordinator.ownership(request.groupId);
      if (owner !== ErrorCode.NONE) return fail(owner);
    }
    return coordinator.consumer.heartbeat(request, ctx.header.clientId ?? '', `/${hostOf(ctx.clientAddress)}`);
  },
});

/** The address without its port, as Kafka's InetAddress.toString() shows it after the '/'. */
function hostOf(address: string): string {
  const colon = address.lastIndexOf(':');
  return colon > 0 ? address.slice(0, colon) : address;
}
