// CreatePartitions v0-3: add partitions to a topic, with optional explicit assignments.
// Authorization (Kafka's ControllerApis): ALTER on each topic, else TOPIC_AUTHORIZATION_FAILED
// without a message.
import { CreatePartitionsRequest } from '../../src/protocol/generated/clients/create-partitions-request.js';
import { CreatePartitionsResponse } from '../../src/protocol/generated/clients/create-partitions-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { authorizerFor } from './authorization.js';
import { defineHandler } from './types.js';

export const createPartitions = defineHandler({
  apiKey: ApiKey.CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  request: CreatePartitionsRequest,
  response: CreatePartitionsResponse,
  async handle(ctx, request) {
    const mayAlter = authorizerFor(ctx, AclOperation.ALTER, ResourceType.TOPIC);
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    // A name given twice is answered as a duplicate, whoever asks.
    const allowed = request.topics.filter((t) => counts.get(t.name)! > 1 || mayAlter(t.name));
    const denied = request.topics.filter((t) => !allowed.includes(t)).map((t) => ({ name: t.name, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null }));
    const results = await ctx.broker.controller.createPartitions(allowed, request.validateOnly);
    await ctx.broker.awaitMetadataApplied();
    return { throttleTimeMs: 0, results: [...results, ...denied] };
  },
});
