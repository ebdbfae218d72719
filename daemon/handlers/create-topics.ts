// CreateTopics v0-7: validate-only, configs, explicit replica assignments. The controller
// validates against the metadata image and commits the topic's records.
import { CreateTopicsRequest } from '../../src/protocol/generated/clients/create-topics-request.js';
import { CreateTopicsResponse } from '../../src/protocol/generated/clients/create-topics-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { defineHandler } from './types.js';

export const createTopics = defineHandler({
  apiKey: ApiKey.CreateTopics,
  minVersion: 0,
  maxVersion: 7,
  request: CreateTopicsRequest,
  response: CreateTopicsResponse,
  async handle(ctx, request) {
    const results = await ctx.broker.controller.createTopics(request.topics, request.validateOnly);
    await ctx.broker.awaitMetadataApplied();
    for (const result of results) {
      // Only v5+ responses carry the new topic's effective configs.
      if (ctx.apiVersion < 5) result.configs = [];
      else if (result.errorCode === 0) result.configs = ctx.broker.describeTopicConfigsForCreate(result.name, request.topics.find((t) => t.name === result.name)!.configs);
    }
    return { throttleTimeMs: 0, topics: results };
  },
});
