// Metadata v0-12: brokers on the caller's listener, topics by name or id (v10+), auto-creation
// when the request allows it and auto.create.topics.enable is on. Authorization: DESCRIBE on each
// topic (a named one without it answers TOPIC_AUTHORIZATION_FAILED whether or not it exists; a
// list-all request leaves it out); auto-creation needs CREATE on the cluster or the topic.
import { MetadataRequest } from '../../src/protocol/generated/clients/metadata-request.js';
import { MetadataResponse, type MetadataResponseTopic } from '../../src/protocol/generated/clients/metadata-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ZERO_UUID } from '../../src/protocol/primitives.js';
import { AclOperation, CLUSTER_RESOURCE_NAME, ResourceType } from '../../src/protocol/acls.js';
import type { MetadataImage, TopicImage } from '../controller/metadata-image.js';
import { isInternalTopic, validateTopicName } from '../controller/topic-names.js';
import { authorizeCluster, authorizedOperations, authorizerFor } from './authorization.js';
import { describePartition } from './partition-description.js';
import { defineHandler } from './types.js';

const NOT_REQUESTED = -2147483648;
const AUTHORIZED_OPERATIONS_VERSION = 8;
const LAST_CLUSTER_OPERATIONS_VERSION = 10;

function describeTopic(topic: TopicImage): MetadataResponseTopic {
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: isInternalTopic(topic.name),
    partitions: [...topic.partitions.values()]
      .sort((a, b) => a.partitionId - b.partitionId)
      .map(describePartition),
    topicAuthorizedOperations: NOT_REQUESTED,
  };
}

function topicError(name: string | null, topicId: string, errorCode: number): MetadataResponseTopic {
  return { errorCode, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: NOT_REQUESTED };
}

export const metadata = defineHandler({
  apiKey: ApiKey.Metadata,
  minVersion: 0,
  maxVersion: 12,
  request: MetadataRequest,
  response: MetadataResponse,
  async handle(ctx, request) {
    const { broker, apiVersion } = ctx;
    // v0 asks for every topic with an empty list; later versions use null for that.
    const allTopics = request.topics === null || (apiVersion === 0 && request.topics.length === 0);
    let image: MetadataImage = broker.image;
    const mayDescribe = authorizerFor(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC);
    const missing = allTopics
      ? []
      : request.topics!.filter((t) => t.name !== null && mayDescribe(t.name) && !image.topicsByName.has(t.name) && validateTopicName(t.name) === null).map((t) => t.name!);
    // Topics it may not create answer TOPIC_AUTHORIZATION_FAILED rather than UNKNOWN_TOPIC_OR_PARTITION.
    const createDenied = new Set<string>();
    const autoCreate = missing.length > 0 && request.allowAutoTopicCreation && broker.config.autoCreateTopicsEnable;
    if (autoCreate && !authorizeCluster(ctx, AclOperation.CREATE)) {
      const mayCreate = authorizerFor(ctx, AclOperation.CREATE, ResourceType.TOPIC);
      for (const name of missing) if (!mayCreate(name)) createDenied.add(name);
    }
    const toCreate = missing.filter((name) => !createDenied.has(name));
    if (autoCreate && toCreate.length > 0) {
      await broker.controller.autoCreateTopics(toCreate);
      // Answer only once the new partitions are open here: an acks=0 producer that sent to a
      // leader still opening its log would never learn its records were dropped.
      await broker.awaitMetadataApplied();
      image = broker.image;
    }

    const topics: MetadataResponseTopic[] = [];
    if (allTopics) {
      for (const topic of [...image.topicsByName.values()].sort((a, b) => a.name.localeCompare(b.name))) {
        if (mayDescribe(topic.name)) topics.push(describeTopic(topic));
      }
    } else {
      for (const wanted of request.topics!) {
        if (wanted.name === null) {
          const topic = image.topicsById.get(wanted.topicId);
          // Topic ids are not secret: an undescribable one is named as refused, without its name.
          if (!topic) topics.push(topicError(null, wanted.topicId, ErrorCode.UNKNOWN_TOPIC_ID));
          else if (!mayDescribe(topic.name)) topics.push(topicError(null, wanted.topicId, ErrorCode.TOPIC_AUTHORIZATION_FAILED));
          else topics.push(describeTopic(topic));
          continue;
        }
        const topic = image.topicsByName.get(wanted.name);
        if (!mayDescribe(wanted.name) || createDenied.has(wanted.name)) topics.push(topicError(wanted.name, ZERO_UUID, ErrorCode.TOPIC_AUTHORIZATION_FAILED));
        else if (topic) topics.push(describeTopic(topic));
        else if (validateTopicName(wanted.name) !== null) topics.push(topicError(wanted.name, ZERO_UUID, ErrorCode.INVALID_TOPIC_EXCEPTION));
        else topics.push(topicError(wanted.name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
      }
    }

    if (apiVersion >= AUTHORIZED_OPERATIONS_VERSION && request.includeTopicAuthorizedOperations) {
      for (const topic of topics) {
        if (topic.errorCode !== ErrorCode.TOPIC_AUTHORIZATION_FAILED && topic.name !== null) {
          topic.topicAuthorizedOperations = authorizedOperations(ctx, ResourceType.TOPIC, topic.name);
        }
      }
    }
    let clusterAuthorizedOperations = NOT_REQUESTED;
    if (apiVersion >= AUTHORIZED_OPERATIONS_VERSION && apiVersion <= LAST_CLUSTER_OPERATIONS_VERSION && request.includeClusterAuthorizedOperations) {
      clusterAuthorizedOperations = authorizeCluster(ctx, AclOperation.DESCRIBE) ? authorizedOperations(ctx, ResourceType.CLUSTER, CLUSTER_RESOURCE_NAME) : 0;
    }

    const brokers = [...image.brokers.values()]
      .filter((b) => !b.fenced)
      .flatMap((b) => {
        const endpoint = b.endpoints.find((e) => e.listener === ctx.listenerName);
        return endpoint ? [{ nodeId: b.id, host: endpoint.host, port: endpoint.port, rack: b.rack }] : [];
      })
      .sort((a, b) => a.nodeId - b.nodeId);

    return {
      throttleTimeMs: 0,
      brokers,
      clusterId: broker.clusterId,
      // KRaft brokers give clients a live broker as "controller": clients cannot reach the quorum itself.
      controllerId: broker.nodeId,
      topics,
      clusterAuthorizedOperations,
      errorCode: ErrorCode.NONE,
    };
  },
});
