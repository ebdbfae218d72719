// DeleteTopics v0-6: by name, and by topic id from v6. The logs are removed when the broker
// applies the RemoveTopicRecord. Authorization (Kafka's ControllerApis): DELETE on the cluster or
// on each topic. A topic it may not describe answers TOPIC_AUTHORIZATION_FAILED whether or not it
// exists (by id: without its name); one it may describe but not delete answers the same once it is
// known to exist.
import { DeleteTopicsRequest } from '../../src/protocol/generated/clients/delete-topics-request.js';
import { DeleteTopicsResponse, type DeletableTopicResult } from '../../src/protocol/generated/clients/delete-topics-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ZERO_UUID } from '../../src/protocol/primitives.js';
import { authorizeCluster, authorizerFor, defaultMessage } from './authorization.js';
import { defineHandler } from './types.js';

const refused = (name: string | null, topicId: string): DeletableTopicResult => ({
  name,
  topicId,
  errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
  errorMessage: defaultMessage(ErrorCode.TOPIC_AUTHORIZATION_FAILED),
});

export const deleteTopics = defineHandler({
  apiKey: ApiKey.DeleteTopics,
  minVersion: 0,
  maxVersion: 6,
  request: DeleteTopicsRequest,
  response: DeleteTopicsResponse,
  async handle(ctx, request) {
    const image = ctx.broker.image;
    const clusterWide = authorizeCluster(ctx, AclOperation.DELETE);
    const mayDescribe = clusterWide ? () => true : authorizerFor(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC);
    const mayDelete = clusterWide ? () => true : authorizerFor(ctx, AclOperation.DELETE, ResourceType.TOPIC);
    const names = ctx.apiVersion >= 6 ? request.topics.filter((t) => t.name !== null).map((t) => t.name!) : request.topicNames;
    const ids = ctx.apiVersion >= 6 ? request.topics.filter((t) => t.name === null && t.topicId !== ZERO_UUID).map((t) => t.topicId) : [];
    const denied: DeletableTopicResult[] = [];
    const allowedNames = names.filter((name) => {
      const allowed = mayDescribe(name) && (!image.topicsByName.has(name) || mayDelete(name));
      if (!allowed) denied.push(refused(name, ZERO_UUID));
      return allowed;
    });
    const allowedIds = ids.filter((id) => {
      const name = image.topicsById.get(id)?.name;
      const allowed = name === undefined || mayDelete(name);
      if (!allowed) denied.push(refused(mayDescribe(name!) ? name! : null, id));
      return allowed;
    });
    const responses = await ctx.broker.controller.deleteTopics(allowedNames, allowedIds);
    await ctx.broker.awaitMetadataApplied();
    return { throttleTimeMs: 0, responses: [...responses, ...denied] };
  },
});
