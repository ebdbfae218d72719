// JoinGroup v0-9 for classic groups: v4+ makes a new member join again with the id it is given
// (MEMBER_ID_REQUIRED), v5+ carries group.instance.id (static membership), v9 lets a static
// leader that rejoins skip the assignment. The response waits until the join phase completes.
// Needs READ on the group, as in Kafka (GROUP_AUTHORIZATION_FAILED, with no member id).
import { JoinGroupRequest } from '../../src/protocol/generated/clients/join-group-request.js';
import { JoinGroupResponse } from '../../src/protocol/generated/clients/join-group-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { joinError } from '../coordinator/classic-rebalance.js';
import { authorize } from './authorization.js';
import { defineHandler, type RequestContext } from './types.js';

/** Before v7 the protocol name is not nullable. */
const NULLABLE_PROTOCOL_NAME_SINCE = 7;

export const joinGroup = defineHandler({
  apiKey: ApiKey.JoinGroup,
  minVersion: 0,
  maxVersion: 9,
  request: JoinGroupRequest,
  response: JoinGroupResponse,
  async handle(ctx, received) {
    // v0 has no rebalance timeout: the session timeout serves as both, as in Kafka.
    const request = ctx.apiVersion === 0 ? { ...received, rebalanceTimeoutMs: received.sessionTimeoutMs } : received;
    const response = authorize(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId)
      ? await join(ctx, request)
      : joinError('', ErrorCode.GROUP_AUTHORIZATION_FAILED);
    return ctx.apiVersion < NULLABLE_PROTOCOL_NAME_SINCE ? { ...response, protocolName: response.protocolName ?? '' } : response;
  },
});

async function join(ctx: RequestContext, request: JoinGroupRequest): Promise<JoinGroupResponse> {
  const coordinator = ctx.broker.groupCoordinator;
  let errorCode = request.groupId.length === 0 ? ErrorCode.INVALID_GROUP_ID : coordinator.ownership(request.groupId);
  if (errorCode === ErrorCode.NONE) errorCode = coordinator.classic.validateJoin(request);
  // A classic member cannot join a KIP-848 consumer group (no online migration between protocols).
  if (errorCode === ErrorCode.NONE && coordinator.groups.get(request.groupId)?.type === 'consumer') errorCode = ErrorCode.INCONSISTENT_GROUP_PROTOCOL;
  // Only a member without an id may create the group.
  const group = errorCode === ErrorCode.NONE ? coordinator.classicGroup(request.groupId, request.memberId.length === 0) : undefined;
  if (group) {
    return coordinator.classic.join(group, request, { apiVersion: ctx.apiVersion, clientId: ctx.header.clientId ?? '', clientHost: `/${hostOf(ctx.clientAddress)}` });
  }
  return joinError(request.memberId, errorCode !== ErrorCode.NONE ? errorCode : ErrorCode.UNKNOWN_MEMBER_ID);
}

/** The address without its port, as Kafka's InetAddress.toString() shows it after the '/'. */
function hostOf(address: string): string {
  const colon = address.lastIndexOf(':');
  return colon > 0 ? address.slice(0, colon) : address;
}
