// OffsetCommit v0-9 for classic groups and simple commits (generation -1 on a group without
// members). Commits are written to __consumer_offsets before the answer; v2-4's retention time
// becomes the commit's expire timestamp. The first commit creates __consumer_offsets if needed.
// Transactional commits (TxnOffsetCommit) are not served.
// As in Kafka, READ on the group is checked first (GROUP_AUTHORIZATION_FAILED for every
// partition), then READ on each topic (TOPIC_AUTHORIZATION_FAILED for its partitions); only what
// passes reaches the coordinator.
import { OffsetCommitRequest } from '../../src/protocol/generated/clients/offset-commit-request.js';
import { OffsetCommitResponse } from '../../src/protocol/generated/clients/offset-commit-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { CONSUMER_OFFSETS_TOPIC } from '../controller/topic-names.js';
import { commitOffsets } from '../coordinator/offset-commits.js';
import { authorize } from './authorization.js';
import { mergeTopicResults, screenOffsetTopics } from './group-authorization.js';
import { defineHandler } from './types.js';

export const offsetCommit = defineHandler({
  apiKey: ApiKey.OffsetCommit,
  minVersion: 0,
  maxVersion: 9,
  request: OffsetCommitRequest,
  response: OffsetCommitResponse,
  async handle(ctx, request) {
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId)) {
      const topics = request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED })),
      }));
      return { throttleTimeMs: 0, topics };
    }
    const { accepted, refused } = screenOffsetTopics(ctx, request.topics);
    if (accepted.length === 0) return { throttleTimeMs: 0, topics: refused };
    const coordinator = ctx.broker.groupCoordinator;
    // A commit may be the first use of groups (a client that skipped FindCoordinator): the topic
    // is created, and the commit answered with the retriable error of a partition still loading.
    if (!ctx.broker.image.topicsByName.has(CONSUMER_OFFSETS_TOPIC)) await coordinator.ensureOffsetsTopic();
    const committed = await commitOffsets(coordinator, { ...request, topics: accepted }, ctx.apiVersion);
    return { throttleTimeMs: 0, topics: mergeTopicResults(refused, committed) };
  },
});
