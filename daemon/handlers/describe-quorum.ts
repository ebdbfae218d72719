// DescribeQuorum v0-2 (KIP-595, KIP-836 timestamps in v1): the leader's view of every voter and
// observer of `__cluster_metadata-0`. Served on the controller listener, and on the client
// listener too, where Kafka's brokers forward it to the controller: here the node answers from
// its own quorum member (NOT_LEADER_OR_FOLLOWER unless it leads). v2 lists the voters' endpoints
// from controller.quorum.voters, as a static quorum's leader does. Authorization: DESCRIBE on the cluster.
import { DescribeQuorumRequest } from '../../src/protocol/generated/clients/describe-quorum-request.js';
import { DescribeQuorumResponse } from '../../src/protocol/generated/clients/describe-quorum-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { describeQuorum as describeRaftQuorum } from '../controller/raft/raft-leader-requests.js';
import { METADATA_TOPIC } from '../controller/raft/raft-messages.js';
import { authorizeCluster } from './authorization.js';
import { defineHandler } from './types.js';

export const describeQuorum = defineHandler({
  apiKey: ApiKey.DescribeQuorum,
  minVersion: 0,
  maxVersion: 2,
  request: DescribeQuorumRequest,
  response: DescribeQuorumResponse,
  handle(ctx, request) {
    if (!authorizeCluster(ctx, AclOperation.DESCRIBE)) return { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: null, topics: [], nodes: [] };
    const asksForMetadata = request.topics.length === 1 && request.topics[0].topicName === METADATA_TOPIC && request.topics[0].partitions.length === 1 && request.topics[0].partitions[0].partitionIndex === 0;
    if (!asksForMetadata) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'DescribeQuorum describes __cluster_metadata-0 only', topics: [], nodes: [] };
    const quorum = ctx.broker.config.quorum;
    const nodes = quorum.voters.map((v) => ({ nodeId: v.id, listeners: [{ name: quorum.listenerName, host: v.host, port: v.port }] }));
    return describeRaftQuorum(ctx.broker.raft, ctx.apiVersion >= 2 ? nodes : []);
  },
});
