// DescribeTopicPartitions v0 (KIP-966): topics and their partitions in pages bounded by
// responsePartitionLimit, resumed from a cursor. ELR fields are empty: eligible leader replicas
// are not tracked. Authorization: DESCRIBE on each topic; named topics without it answer
// TOPIC_AUTHORIZATION_FAILED (after the page), a request for all topics leaves them out.
import { DescribeTopicPartitionsRequest } from '../../src/protocol/generated/clients/describe-topic-partitions-request.js';
import {
  DescribeTopicPartitionsResponse,
  type Cursor,
  type DescribeTopicPartitionsResponseTopic,
} from '../../src/protocol/generated/clients/describe-topic-partitions-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ZERO_UUID } from '../../src/protocol/primitives.js';
import { isInternalTopic } from '../controller/topic-names.js';
import { authorizedOperations, authorizerFor } from './authorization.js';
import { describePartition } from './partition-description.js';
import { defineHandler } from './types.js';

const NOT_REQUESTED = -2147483648;

export const describeTopicPartitions = defineHandler({
  apiKey: ApiKey.DescribeTopicPartitions,
  minVersion: 0,
  maxVersion: 0,
  request: DescribeTopicPartitionsRequest,
  response: DescribeTopicPartitionsResponse,
  handle(ctx, request) {
    const image = ctx.broker.image;
    const mayDescribe = authorizerFor(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC);
    const all = request.topics.length === 0;
    const candidates = [...new Set(all ? image.topicsByName.keys() : request.topics.map((t) => t.name))]
      .filter((n) => request.cursor === null || n >= request.cursor.topicName)
      .sort();
    const names = candidates.filter(mayDescribe);
    const refused: DescribeTopicPartitionsResponseTopic[] = all
      ? []
      : candidates.filter((n) => !mayDescribe(n)).map((name) => ({ errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, name, topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: NOT_REQUESTED }));
    let budget = Math.max(1, request.responsePartitionLimit);
    let nextCursor: Cursor | null = null;
    const topics: DescribeTopicPartitionsResponseTopic[] = [];
    for (const name of names) {
      const topic = image.topicsByName.get(name);
      if (!topic) {
        topics.push({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: authorizedOperations(ctx, ResourceType.TOPIC, name) });
        continue;
      }
      if (budget === 0) {
        nextCursor = { topicName: name, partitionIndex: 0 };
        break;
      }
      const first = request.cursor !== null && request.cursor.topicName === name ? request.cursor.partitionIndex : 0;
      const all = [...topic.partitions.values()].filter((p) => p.partitionId >= first).sort((a, b) => a.partitionId - b.partitionId);
      const page = all.slice(0, budget);
      budget -= page.length;
      if (page.length < all.length) nextCursor = { topicName: name, partitionIndex: all[page.length].partitionId };
      topics.push({
        errorCode: ErrorCode.NONE,
        name,
        topicId: topic.topicId,
        isInternal: isInternalTopic(name),
        partitions: page.map((p) => ({ ...describePartition(p), eligibleLeaderReplicas: [], lastKnownElr: [] })),
        topicAuthorizedOperations: authorizedOperations(ctx, ResourceType.TOPIC, name),
      });
      if (nextCursor !== null) break;
    }
    return { throttleTimeMs: 0, topics: [...topics, ...refused], nextCursor };
  },
});
