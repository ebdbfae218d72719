// DeleteRecords v0-2: moves a partition's log start offset; -1 means the high watermark.
// Authorization: DELETE on each topic.
import { DeleteRecordsRequest } from '../../src/protocol/generated/clients/delete-records-request.js';
import { DeleteRecordsResponse, type DeleteRecordsPartitionResult } from '../../src/protocol/generated/clients/delete-records-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { errorCodeOf } from '../replication/replica-manager.js';
import { authorizerFor } from './authorization.js';
import { defineHandler } from './types.js';

export const deleteRecords = defineHandler({
  apiKey: ApiKey.DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  request: DeleteRecordsRequest,
  response: DeleteRecordsResponse,
  async handle(ctx, request) {
    const mayDelete = authorizerFor(ctx, AclOperation.DELETE, ResourceType.TOPIC);
    const topics = await Promise.all(
      request.topics.map(async (topic) => ({
        name: topic.name,
        partitions: await Promise.all(
          topic.partitions.map(async (p): Promise<DeleteRecordsPartitionResult> => {
            const answer = (errorCode: number, lowWatermark = -1n) => ({ partitionIndex: p.partitionIndex, lowWatermark, errorCode });
            if (!mayDelete(topic.name)) return answer(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
            const partition = ctx.broker.replicas.getPartition(topic.name, p.partitionIndex);
            if (!partition) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            if (!partition.isLeader) return answer(ErrorCode.NOT_LEADER_OR_FOLLOWER);
            const offset = p.offset === -1n ? partition.highWatermark : p.offset;
            if (offset < 0n || offset > partition.highWatermark) return answer(ErrorCode.OFFSET_OUT_OF_RANGE);
            try {
              await partition.log.deleteRecordsBefore(offset);
              return answer(ErrorCode.NONE, partition.log.logStartOffset);
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
