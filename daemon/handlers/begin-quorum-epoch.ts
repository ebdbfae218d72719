// BeginQuorumEpoch v0-1 (KIP-595), on the controller listener: a new leader tells this voter of
// its epoch. Authorization: CLUSTER_ACTION on the cluster, as Kafka's ControllerApis.
import { BeginQuorumEpochRequest } from '../../src/protocol/generated/clients/begin-quorum-epoch-request.js';
import { BeginQuorumEpochResponse } from '../../src/protocol/generated/clients/begin-quorum-epoch-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { epochResponse } from '../controller/raft/raft-messages.js';
import { authorizeCluster } from './authorization.js';
import { defineHandler } from './types.js';

export const beginQuorumEpoch = defineHandler({
  apiKey: ApiKey.BeginQuorumEpoch,
  minVersion: 0,
  maxVersion: 1,
  request: BeginQuorumEpochRequest,
  response: BeginQuorumEpochResponse,
  async handle(ctx, request) {
    if (!authorizeCluster(ctx, AclOperation.CLUSTER_ACTION)) return { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, topics: [], nodeEndpoints: [] };
    const raft = ctx.broker.raft;
    const errorCode = await raft.handleBeginQuorumEpoch(request);
    return epochResponse(errorCode, raft.leaderId, raft.epoch);
  },
});
