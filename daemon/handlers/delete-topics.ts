// DeleteTopics v0-6: by name, and by topic id from v6. The logs are removed when the broker
// applies the RemoveTopicRecord.
import { DeleteTopicsRequest } from '../../src/protocol/generated/clients/delete-topics-request.js';
import { DeleteTopicsResponse } from '../../src/protocol/generated/clients/delete-topics-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { ZERO_UUID } from '../../src/protocol/primitives.js';
import { defineHandler } from './types.js';

export const deleteTopics = defineHandler({
  apiKey: ApiKey.DeleteTopics,
  minVersion: 0,
  maxVersion: 6,
  request: DeleteTopicsRequest,
  response: DeleteTopicsResponse,
  async handle(ctx, request) {
    const names = ctx.apiVersion >= 6 ? request.topics.filter((t) => t.name !== null).map((t) => t.name!) : request.topicNames;
    const ids = ctx.apiVersion >= 6 ? request.topics.filter((t) => t.name === null && t.topicId !== ZERO_UUID).map((t) => t.topicId) : [];
    const responses = await ctx.broker.controller.deleteTopics(names, ids);
    await ctx.broker.awaitMetadataApplied();
    return { throttleTimeMs: 0, responses };
  },
});
