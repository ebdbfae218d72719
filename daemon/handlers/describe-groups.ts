// DescribeGroups v0-5: state, protocol and members of each group. A Stable group's members come
// with their metadata for the chosen protocol and their assignment; in other states without, as
// Kafka does. A group that does not exist is described as Dead. authorizedOperations (v3+) is left
// at its default, since there is no authorizer.
import { DescribeGroupsRequest } from '../../src/protocol/generated/clients/describe-groups-request.js';
import { DescribeGroupsResponse, type DescribedGroup } from '../../src/protocol/generated/clients/describe-groups-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import type { GroupCoordinator } from '../coordinator/group-coordinator.js';
import { defineHandler } from './types.js';

const OPERATIONS_NOT_REQUESTED = -2147483648;
const EMPTY = Buffer.alloc(0);

function describe(coordinator: GroupCoordinator, groupId: string): DescribedGroup {
  const described: DescribedGroup = { errorCode: ErrorCode.NONE, groupId, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: OPERATIONS_NOT_REQUESTED };
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
    return { throttleTimeMs: 0, groups: request.groups.map((g) => describe(ctx.broker.groupCoordinator, g)) };
  },
});
