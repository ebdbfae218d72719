// Metadata v0-12: brokers on the caller's listener, topics by name or id (v10+), auto-creation
// when the request allows it and auto.create.topics.enable is on. Authorized operations are not
// computed until the authorizer exists: they stay at Kafka's "not requested" value.
import { MetadataRequest } from '../../src/protocol/generated/clients/metadata-request.js';
import { MetadataResponse, type MetadataResponseTopic } from '../../src/protocol/generated/clients/metadata-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ZERO_UUID } from '../../src/protocol/primitives.js';
import type { MetadataImage, TopicImage } from '../controller/metadata-image.js';
import { isInternalTopic, validateTopicName } from '../controller/topic-names.js';
import { describePartition } from './partition-description.js';
import { defineHandler } from './types.js';

const NOT_REQUESTED = -2147483648;

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
    const missing = allTopics
      ? []
      : request.topics!.filter((t) => t.name !== null && !image.topicsByName.has(t.name) && validateTopicName(t.name) === null).map((t) => t.name!);
    if (missing.length > 0 && request.allowAutoTopicCreation && broker.config.autoCreateTopicsEnable) {
      await broker.controller.autoCreateTopics(missing);
      // Answer only once the new partitions are open here: an acks=0 producer that sent to a
      // leader still opening its log would never learn its records were dropped.
      await broker.awaitMetadataApplied();
      image = broker.image;
    }

    const topics: MetadataResponseTopic[] = [];
    if (allTopics) {
      for (const topic of [...image.topicsByName.values()].sort((a, b) => a.name.localeCompare(b.name))) topics.push(describeTopic(topic));
    } else {
      for (const wanted of request.topics!) {
        if (wanted.name === null) {
          const topic = image.topicsById.get(wanted.topicId);
          topics.push(topic ? describeTopic(topic) : topicError(null, wanted.topicId, ErrorCode.UNKNOWN_TOPIC_ID));
          continue;
        }
        const topic = image.topicsByName.get(wanted.name);
        if (topic) topics.push(describeTopic(topic));
        else if (validateTopicName(wanted.name) !== null) topics.push(topicError(wanted.name, ZERO_UUID, ErrorCode.INVALID_TOPIC_EXCEPTION));
        else topics.push(topicError(wanted.name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
      }
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
      clusterAuthorizedOperations: NOT_REQUESTED,
      errorCode: ErrorCode.NONE,
    };
  },
});
