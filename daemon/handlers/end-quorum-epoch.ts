// EndQuorumEpoch v0-1 (KIP-595), on the controller listener: the leader resigns (it is shutting
// down) and names its preferred successors. Authorization: CLUSTER_ACTION on the cluster.
import { EndQuorumEpochRequest } from '../../src/protocol/generated/clients/end-quorum-epoch-request.js';
import { EndQuorumEpochResponse } from '../../src/protocol/generated/clients/end-quorum-epoch-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { epochResponse } from '../controller/raft/raft-messages.js';
import { authorizeCluster } from './authorization.js';
import { defineHandler } from './types.js';

export const endQuorumEpoch = defineHandler({
  apiKey: ApiKey.EndQuorumEpoch,
  minVersion: 0,
  maxVersion: 1,
  request: EndQuorumEpochRequest,
  response: EndQuorumEpochResponse,
  async handle(ctx, request) {
    if (!authorizeCluster(ctx, AclOperation.CLUSTER_ACTION)) return { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, topics: [], nodeEndpoints: [] };
    const raft = ctx.broker.raft;
    const errorCode = await raft.handleEndQuorumEpoch(request);
    return epochResponse(errorCode, raft.leaderId, raft.epoch);
  },
});
