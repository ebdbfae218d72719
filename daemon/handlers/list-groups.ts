// ListGroups v0-5: the groups this broker coordinates, filtered by state (v4+) and type (v5+),
// both compared case-insensitively as Kafka does. While a partition is loading the answer says
// COORDINATOR_LOAD_IN_PROGRESS with the groups already loaded.
// As in Kafka, DESCRIBE on the cluster lists every group; without it, only the groups the
// principal may DESCRIBE.
import { ListGroupsRequest } from '../../src/protocol/generated/clients/list-groups-request.js';
import { ListGroupsResponse, type ListedGroup } from '../../src/protocol/generated/clients/list-groups-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, CLUSTER_RESOURCE_NAME, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { authorize } from './authorization.js';
import { defineHandler } from './types.js';

export const listGroups = defineHandler({
  apiKey: ApiKey.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  request: ListGroupsRequest,
  response: ListGroupsResponse,
  handle(ctx, request) {
    const coordinator = ctx.broker.groupCoordinator;
    const states = new Set(request.statesFilter.map((s) => s.toLowerCase()));
    const types = new Set(request.typesFilter.map((t) => t.toLowerCase()));
    const seesAll = authorize(ctx, AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_RESOURCE_NAME);
    const groups: ListedGroup[] = [];
    for (const group of coordinator.groups.values()) {
      if (group.state === 'Dead' || coordinator.ownership(group.groupId) !== ErrorCode.NONE) continue;
      if (states.size > 0 && !states.has(group.state.toLowerCase())) continue;
      if (types.size > 0 && !types.has(group.type)) continue;
      if (!seesAll && !authorize(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, group.groupId)) continue;
      groups.push({ groupId: group.groupId, protocolType: group.protocolType ?? '', groupState: group.state, groupType: group.type });
    }
    return { throttleTimeMs: 0, errorCode: coordinator.isLoading() ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NONE, groups };
  },
});
