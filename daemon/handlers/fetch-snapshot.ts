// FetchSnapshot v0-1 (KIP-630), on the controller listener: a follower or observer of
// `__cluster_metadata-0` downloads, chunk by chunk, the snapshot the leader's Fetch answer
// named. Only the leader serves it. v1's node endpoints are not sent (a static quorum's members
// know the voters' addresses). Authorization: CLUSTER_ACTION on the cluster, as Kafka's ControllerApis.
import { FetchSnapshotRequest } from '../../src/protocol/generated/clients/fetch-snapshot-request.js';
import { FetchSnapshotResponse } from '../../src/protocol/generated/clients/fetch-snapshot-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { handleFetchSnapshot } from '../controller/raft/snapshot-requests.js';
import { authorizeCluster } from './authorization.js';
import { defineHandler } from './types.js';

export const fetchSnapshot = defineHandler({
  apiKey: ApiKey.FetchSnapshot,
  minVersion: 0,
  maxVersion: 1,
  request: FetchSnapshotRequest,
  response: FetchSnapshotResponse,
  handle(ctx, request) {
    if (!authorizeCluster(ctx, AclOperation.CLUSTER_ACTION)) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, topics: [], nodeEndpoints: [] };
    return handleFetchSnapshot(ctx.broker.raft, request);
  },
});
