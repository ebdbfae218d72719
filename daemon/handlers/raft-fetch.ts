// Fetch v0-17 on the controller listener: quorum members replicating `__cluster_metadata-0` from
// the leader (KIP-595). Only that partition is served; there are no fetch sessions. Clients'
// fetches go to the client listener's handler (fetch.ts). Authorization: CLUSTER_ACTION.
import { FetchRequest } from '../../src/protocol/generated/clients/fetch-request.js';
import { FetchResponse } from '../../src/protocol/generated/clients/fetch-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { handleRaftFetch } from '../controller/raft/raft-leader-requests.js';
import { fetchResponse } from '../controller/raft/raft-messages.js';
import { authorizeCluster } from './authorization.js';
import { defineHandler } from './types.js';

export const raftFetch = defineHandler({
  apiKey: ApiKey.Fetch,
  minVersion: 0,
  maxVersion: 17,
  request: FetchRequest,
  response: FetchResponse,
  handle(ctx, request) {
    if (!authorizeCluster(ctx, AclOperation.CLUSTER_ACTION)) return fetchResponse(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, null);
    return handleRaftFetch(ctx.broker.raft, request, ctx.apiVersion);
  },
});
