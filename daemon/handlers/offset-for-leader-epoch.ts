// OffsetForLeaderEpoch v0-4 (KIP-101, KIP-279): the end offset of a leader epoch in this
// leader's log, which a consumer uses to detect truncation and a follower to find where its log
// diverges from the leader's. Authorization: CLUSTER_ACTION on the cluster (followers), else
// DESCRIBE on each topic (consumers, KIP-320).
import { OffsetForLeaderEpochRequest } from '../../src/protocol/generated/clients/offset-for-leader-epoch-request.js';
import { OffsetForLeaderEpochResponse, type EpochEndOffset } from '../../src/protocol/generated/clients/offset-for-leader-epoch-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { authorizeCluster, authorizerFor } from './authorization.js';
import { defineHandler } from './types.js';

export const offsetForLeaderEpoch = defineHandler({
  apiKey: ApiKey.OffsetForLeaderEpoch,
  minVersion: 0,
  maxVersion: 4,
  request: OffsetForLeaderEpochRequest,
  response: OffsetForLeaderEpochResponse,
  handle(ctx, request) {
    const mayDescribe = authorizeCluster(ctx, AclOperation.CLUSTER_ACTION) ? () => true : authorizerFor(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC);
    const topics = request.topics.map((topic) => ({
      topic: topic.topic,
      partitions: topic.partitions.map((p): EpochEndOffset => {
        const answer = (errorCode: number, leaderEpoch = -1, endOffset = -1n) => ({ errorCode, partition: p.partition, leaderEpoch, endOffset });
        if (!mayDescribe(topic.topic)) return answer(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
        const partition = ctx.broker.replicas.getPartition(topic.topic, p.partition);
        if (!partition) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        if (!partition.isLeader) return answer(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch < partition.leaderEpoch) return answer(ErrorCode.FENCED_LEADER_EPOCH);
        if (p.currentLeaderEpoch > partition.leaderEpoch) return answer(ErrorCode.UNKNOWN_LEADER_EPOCH);
        const found = partition.log.endOffsetForEpoch(p.leaderEpoch);
        return answer(ErrorCode.NONE, found.epoch, found.endOffset);
      }),
    }));
    return { throttleTimeMs: 0, topics };
  },
});
