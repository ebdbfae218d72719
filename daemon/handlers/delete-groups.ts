// DeleteGroups v0-2: removes empty groups and their offsets, with tombstones in __consumer_offsets.
// A group with members answers NON_EMPTY_GROUP; one that does not exist, GROUP_ID_NOT_FOUND.
import { DeleteGroupsRequest } from '../../src/protocol/generated/clients/delete-groups-request.js';
import { DeleteGroupsResponse, type DeletableGroupResult } from '../../src/protocol/generated/clients/delete-groups-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { defineHandler } from './types.js';

export const deleteGroups = defineHandler({
  apiKey: ApiKey.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  request: DeleteGroupsRequest,
  response: DeleteGroupsResponse,
  async handle(ctx, request) {
    const coordinator = ctx.broker.groupCoordinator;
    const results = await Promise.all(
      request.groupsNames.map(async (groupId): Promise<DeletableGroupResult> => {
        const owner = groupId.length === 0 ? ErrorCode.INVALID_GROUP_ID : coordinator.ownership(groupId);
        if (owner !== ErrorCode.NONE) return { groupId, errorCode: owner };
        const group = coordinator.groups.get(groupId);
        if (!group || group.state === 'Dead') return { groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND };
        if (group.state !== 'Empty') return { groupId, errorCode: ErrorCode.NON_EMPTY_GROUP };
        return { groupId, errorCode: await coordinator.deleteGroup(group) };
      }),
    );
    return { throttleTimeMs: 0, results };
  },
});
