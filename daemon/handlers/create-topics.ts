// CreateTopics v0-7: validate-only, configs, explicit replica assignments. The controller
// validates against the metadata image and commits the topic's records. Authorization (Kafka's
// ControllerApis): CREATE on the cluster or on each topic; the new topic's configs are returned
// only with DESCRIBE_CONFIGS on it, else its config error is TOPIC_AUTHORIZATION_FAILED.
import { CreateTopicsRequest } from '../../src/protocol/generated/clients/create-topics-request.js';
import { CreateTopicsResponse, type CreatableTopicResult } from '../../src/protocol/generated/clients/create-topics-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ZERO_UUID } from '../../src/protocol/primitives.js';
import { authorizeCluster, authorizerFor } from './authorization.js';
import { defineHandler } from './types.js';

function refused(name: string): CreatableTopicResult {
  return {
    name,
    topicId: ZERO_UUID,
    errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
    errorMessage: 'Authorization failed.',
    topicConfigErrorCode: ErrorCode.NONE,
    numPartitions: -1,
    replicationFactor: -1,
    configs: null,
  };
}

export const createTopics = defineHandler({
  apiKey: ApiKey.CreateTopics,
  minVersion: 0,
  maxVersion: 7,
  request: CreateTopicsRequest,
  response: CreateTopicsResponse,
  async handle(ctx, request) {
    const mayCreate = authorizeCluster(ctx, AclOperation.CREATE) ? () => true : authorizerFor(ctx, AclOperation.CREATE, ResourceType.TOPIC);
    const mayDescribeConfigs = authorizerFor(ctx, AclOperation.DESCRIBE_CONFIGS, ResourceType.TOPIC);
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    // A name given twice is the controller's to refuse as a duplicate, whoever asks.
    const allowed = (name: string) => counts.get(name)! > 1 || mayCreate(name);
    const results = await ctx.broker.controller.createTopics(request.topics.filter((t) => allowed(t.name)), request.validateOnly);
    await ctx.broker.awaitMetadataApplied();
    const denied = request.topics.filter((t) => !allowed(t.name)).map((t) => refused(t.name));
    for (const result of results) {
      if (result.errorCode !== ErrorCode.NONE) continue;
      if (!mayDescribeConfigs(result.name)) result.topicConfigErrorCode = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
      else result.configs = ctx.broker.describeTopicConfigsForCreate(result.name, request.topics.find((t) => t.name === result.name)!.configs);
    }
    const topics = [...results, ...denied];
    // Only v5+ responses carry configs (and their error code).
    if (ctx.apiVersion < 5) for (const t of topics) Object.assign(t, { configs: [], topicConfigErrorCode: ErrorCode.NONE });
    return { throttleTimeMs: 0, topics };
  },
});
