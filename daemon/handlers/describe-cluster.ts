// DescribeCluster v0-1 (KIP-700): the brokers on the caller's listener. Endpoint type 2
// (controllers, KIP-919) is refused: clients reach the quorum through brokers. As in Kafka, no
// ACL is needed to ask; the cluster's authorized operations are 0 without DESCRIBE on it.
import { DescribeClusterRequest } from '../../src/protocol/generated/clients/describe-cluster-request.js';
import { DescribeClusterResponse } from '../../src/protocol/generated/clients/describe-cluster-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, CLUSTER_RESOURCE_NAME, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { authorizeCluster, authorizedOperations } from './authorization.js';
import { defineHandler } from './types.js';

const BROKER_ENDPOINTS = 1;
const NOT_REQUESTED = -2147483648;

export const describeCluster = defineHandler({
  apiKey: ApiKey.DescribeCluster,
  minVersion: 0,
  maxVersion: 1,
  request: DescribeClusterRequest,
  response: DescribeClusterResponse,
  handle(ctx, request) {
    const { broker } = ctx;
    const base = { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, endpointType: request.endpointType, clusterId: broker.clusterId, controllerId: broker.nodeId, brokers: [], clusterAuthorizedOperations: NOT_REQUESTED };
    if (request.endpointType !== BROKER_ENDPOINTS) {
      return { ...base, errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: 'Only broker endpoints can be described.' };
    }
    const brokers = [...broker.image.brokers.values()]
      .filter((b) => !b.fenced)
      .flatMap((b) => b.endpoints.filter((e) => e.listener === ctx.listenerName).map((e) => ({ brokerId: b.id, host: e.host, port: e.port, rack: b.rack })));
    let clusterAuthorizedOperations = NOT_REQUESTED;
    if (request.includeClusterAuthorizedOperations) {
      clusterAuthorizedOperations = authorizeCluster(ctx, AclOperation.DESCRIBE) ? authorizedOperations(ctx, ResourceType.CLUSTER, CLUSTER_RESOURCE_NAME) : 0;
    }
    return { ...base, brokers, clusterAuthorizedOperations };
  },
});
