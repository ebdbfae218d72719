// Vote v0-1 (KIP-595), on the controller listener: a candidate asks this voter for its vote.
// Authorization: CLUSTER_ACTION on the cluster, as Kafka's ControllerApis.
import { VoteRequest } from '../../src/protocol/generated/clients/vote-request.js';
import { VoteResponse } from '../../src/protocol/generated/clients/vote-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { authorizeCluster } from './authorization.js';
import { defineHandler } from './types.js';

export const vote = defineHandler({
  apiKey: ApiKey.Vote,
  minVersion: 0,
  maxVersion: 1,
  request: VoteRequest,
  response: VoteResponse,
  handle(ctx, request) {
    if (!authorizeCluster(ctx, AclOperation.CLUSTER_ACTION)) return { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, topics: [], nodeEndpoints: [] };
    return ctx.broker.raft.handleVote(request);
  },
});
