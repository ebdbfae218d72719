// CreatePartitions v0-3: add partitions to a topic, with optional explicit assignments.
import { CreatePartitionsRequest } from '../../src/protocol/generated/clients/create-partitions-request.js';
import { CreatePartitionsResponse } from '../../src/protocol/generated/clients/create-partitions-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { defineHandler } from './types.js';

export const createPartitions = defineHandler({
  apiKey: ApiKey.CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  request: CreatePartitionsRequest,
  response: CreatePartitionsResponse,
  async handle(ctx, request) {
    const results = await ctx.broker.controller.createPartitions(request.topics, request.validateOnly);
    await ctx.broker.awaitMetadataApplied();
    return { throttleTimeMs: 0, results };
  },
});
