// DescribeGroups v0-5: state, protocol and members of each group. A Stable group's members come
// with their metadata for the chosen protocol and their assignment; in other states without, as
// Kafka does. A group that does not exist is described as Dead.
// As in Kafka, each group needs DESCRIBE (else GROUP_AUTHORIZATION_FAILED); refused groups lead
// the answer. authorizedOperations (v3+, when asked for) is the principal's operations on a group
// described without error.
import { DescribeGroupsRequest } from '../../src/protocol/generated/clients/describe-groups-request.js';
import { DescribeGroupsResponse, type DescribedGroup } from '../../src/protocol/generated/clients/describe-groups-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import type { GroupCoordinator } from '../coordinator/group-coordinator.js';
import { authorize, authorizedOperations } from './authorization.js';
import { defineHandler } from './types.js';

const OPERATIONS_NOT_REQUESTED = -2147483648;
const EMPTY = Buffer.alloc(0);
const AUTHORIZED_OPERATIONS_SINCE = 3;

function groupError(groupId: string, errorCode: number): DescribedGroup {
  return { errorCode, groupId, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: OPERATIONS_NOT_REQUESTED };
}

function describe(coordinator: GroupCoordinator, groupId: string): DescribedGroup {
  const described = groupError(groupId, ErrorCode.NONE);
  const owner = coordinator.ownership(groupId);
  if (owner !== ErrorCode.NONE) return { ...described, errorCode: owner };
  const group = coordinator.classicGroup(groupId, false);
  if (!group) return { ...described, groupState: 'Dead' };
  const stable = group.state === 'Stable';
  return {
    ...described,
    groupState: group.state,
    protocolType: group.protocolType ?? '',
    protocolData: stable ? (group.protocolName ?? '') : '',
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: stable ? group.memberMetadata(m) : EMPTY,
      memberAssignment: stable ? m.assignment : EMPTY,
    })),
  };
}

export const describeGroups = defineHandler({
  apiKey: ApiKey.DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  request: DescribeGroupsRequest,
  response: DescribeGroupsResponse,
  handle(ctx, request) {
    const refused: DescribedGroup[] = [];
    const described: DescribedGroup[] = [];
    const withOperations = request.includeAuthorizedOperations && ctx.apiVersion >= AUTHORIZED_OPERATIONS_SINCE;
    for (const groupId of request.groups) {
      if (!authorize(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) {
        refused.push(groupError(groupId, ErrorCode.GROUP_AUTHORIZATION_FAILED));
        continue;
      }
      const group = describe(ctx.broker.groupCoordinator, groupId);
      if (withOperations && group.errorCode === ErrorCode.NONE) group.authorizedOperations = authorizedOperations(ctx, ResourceType.GROUP, groupId);
      described.push(group);
    }
    return { throttleTimeMs: 0, groups: [...refused, ...described] };
  },
});
