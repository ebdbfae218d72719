// The controller listener's table (controller.listener.names): the quorum's APIs, what brokers
// ask the active controller (registration, heartbeats, producer id blocks, forwarded requests in
// envelopes, CreateTopics for the topics brokers create themselves), the reassignment APIs
// (Kafka's controllers serve them to admin clients too), and DescribeCluster for
// the controllers (KIP-919: what `--bootstrap-controller` tools ask first).
// Its ApiVersions answers from this table, not the client listener's.
import { ApiVersionsRequest } from '../../src/protocol/generated/clients/api-versions-request.js';
import { ApiVersionsResponse } from '../../src/protocol/generated/clients/api-versions-response.js';
import { DescribeClusterRequest } from '../../src/protocol/generated/clients/describe-cluster-request.js';
import { DescribeClusterResponse } from '../../src/protocol/generated/clients/describe-cluster-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { authorizeCluster } from './authorization.js';
import { alterPartition } from './alter-partition.js';
import { alterPartitionReassignments } from './alter-partition-reassignments.js';
import { apiVersionsResponseFor } from './api-versions.js';
import { allocateProducerIds } from './allocate-producer-ids.js';
import { beginQuorumEpoch } from './begin-quorum-epoch.js';
import { brokerHeartbeat } from './broker-heartbeat.js';
import { brokerRegistration } from './broker-registration.js';
import { createTopics } from './create-topics.js';
import { describeQuorum } from './describe-quorum.js';
import { endQuorumEpoch } from './end-quorum-epoch.js';
import { envelope } from './envelope.js';
import { fetchSnapshot } from './fetch-snapshot.js';
import { listPartitionReassignments } from './list-partition-reassignments.js';
import { raftFetch } from './raft-fetch.js';
import { defineHandler, type ApiHandler } from './types.js';
import { vote } from './vote.js';

const ENDPOINT_TYPES = ['UNKNOWN', 'BROKER', 'CONTROLLER'];
const CONTROLLER_ENDPOINT = 2;

/**
 * DescribeCluster v1 on a controller, as Kafka's ControllerApis: ALTER on the cluster, the
 * CONTROLLER endpoint type only, the voters as nodes and the quorum leader as the controller.
 */
const controllerDescribeCluster = defineHandler({
  apiKey: ApiKey.DescribeCluster,
  minVersion: 0,
  maxVersion: 1,
  request: DescribeClusterRequest,
  response: DescribeClusterResponse,
  handle(ctx, request): DescribeClusterResponse {
    const base = { throttleTimeMs: 0, endpointType: CONTROLLER_ENDPOINT, clusterId: ctx.broker.clusterId, controllerId: -1, brokers: [], clusterAuthorizedOperations: -2147483648 };
    if (!authorizeCluster(ctx, AclOperation.ALTER)) return { ...base, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: null };
    const requested = request.endpointType;
    if (requested !== CONTROLLER_ENDPOINT) {
      const known = requested === 1;
      const code = ctx.apiVersion === 0 ? ErrorCode.INVALID_REQUEST : known ? ErrorCode.MISMATCHED_ENDPOINT_TYPE : ErrorCode.UNSUPPORTED_ENDPOINT_TYPE;
      const message = known ? `The request was sent to an endpoint of type CONTROLLER, but we wanted an endpoint of type ${ENDPOINT_TYPES[requested]}` : `Unsupported endpoint type ${requested}`;
      return { ...base, errorCode: code, errorMessage: message };
    }
    const voters = ctx.broker.config.quorum.voters;
    const leaderId = ctx.broker.raft.leaderId;
    return {
      ...base,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      controllerId: voters.some((v) => v.id === leaderId) ? leaderId : -1,
      brokers: voters.map((v) => ({ brokerId: v.id, host: v.host, port: v.port, rack: null })),
    };
  },
});

const quorumHandlers: ApiHandler[] = [
  raftFetch,
  fetchSnapshot,
  vote,
  beginQuorumEpoch,
  endQuorumEpoch,
  describeQuorum,
  controllerDescribeCluster,
  alterPartition,
  brokerRegistration,
  brokerHeartbeat,
  allocateProducerIds,
  envelope,
  createTopics,
  alterPartitionReassignments,
  listPartitionReassignments,
];
const API_VERSIONS_RANGE = { minVersion: 0, maxVersion: 4 };
const advertised: ApiVersionsResponse['apiKeys'] = [{ apiKey: ApiKey.ApiVersions, ...API_VERSIONS_RANGE }, ...quorumHandlers.map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }))].sort(
  (a, b) => a.apiKey - b.apiKey,
);

const controllerApiVersions: ApiHandler = defineHandler({
  apiKey: ApiKey.ApiVersions,
  ...API_VERSIONS_RANGE,
  request: ApiVersionsRequest,
  response: ApiVersionsResponse,
  handle: (ctx): ApiVersionsResponse => ({ ...apiVersionsResponseFor(ctx.broker), apiKeys: advertised }),
});

export const controllerHandlerTable: ReadonlyMap<number, ApiHandler> = new Map([controllerApiVersions, ...quorumHandlers].map((h) => [h.apiKey, h]));
