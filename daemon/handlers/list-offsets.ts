// ListOffsets v1-9: earliest (-2), latest (-1), max timestamp (-3, v7+), earliest local (-4),
// latest tiered (-5: no offset, since nothing is tiered) and
// by timestamp through the time index. read_committed answers the last stable offset, which is
// the high watermark until transactions exist. v0 (several offsets per partition) is not offered.
// Authorization: DESCRIBE on each topic.
import { ListOffsetsRequest } from '../../src/protocol/generated/clients/list-offsets-request.js';
import { ListOffsetsResponse, type ListOffsetsPartitionResponse } from '../../src/protocol/generated/clients/list-offsets-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { errorCodeOf } from '../replication/replica-manager.js';
import { authorizerFor } from './authorization.js';
import { defineHandler } from './types.js';

const LATEST = -1n;
const EARLIEST = -2n;
const MAX_TIMESTAMP = -3n;
const EARLIEST_LOCAL = -4n;
const LATEST_TIERED = -5n;
const CONSUMER_REPLICA_ID = -1;

export const listOffsets = defineHandler({
  apiKey: ApiKey.ListOffsets,
  minVersion: 1,
  maxVersion: 9,
  request: ListOffsetsRequest,
  response: ListOffsetsResponse,
  async handle(ctx, request) {
    const mayDescribe = authorizerFor(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC);
    const topics = await Promise.all(
      request.topics.map(async (topic) => ({
        name: topic.name,
        partitions: await Promise.all(
          topic.partitions.map(async (p): Promise<ListOffsetsPartitionResponse> => {
            const answer = (errorCode: number, offset = -1n, timestamp = -1n, leaderEpoch = -1): ListOffsetsPartitionResponse => ({
              partitionIndex: p.partitionIndex,
              errorCode,
              oldStyleOffsets: [],
              timestamp,
              offset,
              // Before v4 the field does not exist, and a non-default value cannot be written.
              leaderEpoch: ctx.apiVersion >= 4 ? leaderEpoch : -1,
            });
            if (!mayDescribe(topic.name)) return answer(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
            const partition = ctx.broker.replicas.getPartition(topic.name, p.partitionIndex);
            if (!partition) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            if (!partition.isLeader) return answer(ErrorCode.NOT_LEADER_OR_FOLLOWER);
            if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch < partition.leaderEpoch) return answer(ErrorCode.FENCED_LEADER_EPOCH);
            if (p.currentLeaderEpoch > partition.leaderEpoch) return answer(ErrorCode.UNKNOWN_LEADER_EPOCH);
            const log = partition.log;
            // Consumers only see offsets below the high watermark; replicas see the whole log.
            const upperBound = request.replicaId === CONSUMER_REPLICA_ID ? partition.highWatermark : log.logEndOffset;
            try {
              if (p.timestamp === LATEST) return answer(ErrorCode.NONE, upperBound, -1n, partition.leaderEpoch);
              if (p.timestamp === EARLIEST || p.timestamp === EARLIEST_LOCAL) return answer(ErrorCode.NONE, log.logStartOffset, -1n, partition.leaderEpoch);
              // Nothing is tiered: Kafka answers "no offset" rather than treating -5 as a timestamp.
              if (p.timestamp === LATEST_TIERED) return answer(ErrorCode.NONE);
              const found = p.timestamp === MAX_TIMESTAMP ? await log.maxTimestampOffset() : await log.offsetForTimestamp(p.timestamp);
              if (found === null || found.offset >= upperBound) return answer(ErrorCode.NONE, -1n, -1n, -1);
              return answer(ErrorCode.NONE, found.offset, found.timestamp, found.leaderEpoch ?? partition.leaderEpoch);
            } catch (err) {
              return answer(errorCodeOf(err) ?? ErrorCode.KAFKA_STORAGE_ERROR);
            }
          }),
        ),
      })),
    );
    return { throttleTimeMs: 0, topics };
  },
});
