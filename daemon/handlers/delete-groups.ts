// DeleteGroups v0-2: removes empty groups and their offsets, with tombstones in __consumer_offsets.
// A group with members answers NON_EMPTY_GROUP; one that does not exist, GROUP_ID_NOT_FOUND.
// As in Kafka, a group named twice is handled once, and each needs DELETE: the refused ones
// (GROUP_AUTHORIZATION_FAILED) follow the coordinator's results.
import { DeleteGroupsRequest } from '../../src/protocol/generated/clients/delete-groups-request.js';
import { DeleteGroupsResponse, type DeletableGroupResult } from '../../src/protocol/generated/clients/delete-groups-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { authorize } from './authorization.js';
import { defineHandler } from './types.js';

export const deleteGroups = defineHandler({
  apiKey: ApiKey.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  request: DeleteGroupsRequest,
  response: DeleteGroupsResponse,
  async handle(ctx, request) {
    const coordinator = ctx.broker.groupCoordinator;
    const groupIds = [...new Set(request.groupsNames)];
    const allowed = groupIds.filter((groupId) => authorize(ctx, AclOperation.DELETE, ResourceType.GROUP, groupId));
    const refused = groupIds.filter((groupId) => !allowed.includes(groupId)).map((groupId) => ({ groupId, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED }));
    const results = await Promise.all(
      allowed.map(async (groupId): Promise<DeletableGroupResult> => {
        const owner = groupId.length === 0 ? ErrorCode.INVALID_GROUP_ID : coordinator.ownership(groupId);
        if (owner !== ErrorCode.NONE) return { groupId, errorCode: owner };
        const group = coordinator.groups.get(groupId);
        if (!group || group.state === 'Dead') return { groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND };
        if (group.state !== 'Empty') return { groupId, errorCode: ErrorCode.NON_EMPTY_GROUP };
        return { groupId, errorCode: await coordinator.deleteGroup(group) };
      }),
    );
    return { throttleTimeMs: 0, results: [...results, ...refused] };
  },
});
