// What the offset APIs check about the topics they name before the coordinator sees them, as
// Kafka's KafkaApis does for OffsetCommit and OffsetDelete: READ on each topic, else
// TOPIC_AUTHORIZATION_FAILED for all its partitions; then that the topic and each partition
// exist, else UNKNOWN_TOPIC_OR_PARTITION. The refusals lead the answer and the coordinator's
// results follow.
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { authorize } from './authorization.js';
import type { RequestContext } from './types.js';

export interface TopicResult {
  name: string;
  partitions: { partitionIndex: number; errorCode: number }[];
}

export interface ScreenedTopics<T> {
  /** The topics the principal may READ, for the coordinator. */
  accepted: T[];
  /** The others, each partition answered TOPIC_AUTHORIZATION_FAILED or UNKNOWN_TOPIC_OR_PARTITION, in request order. */
  refused: TopicResult[];
}

/** Splits an offset request's topics into those the coordinator may handle and those refused here. */
export function screenOffsetTopics<T extends { name: string; partitions: { partitionIndex: number }[] }>(ctx: RequestContext, topics: readonly T[]): ScreenedTopics<T> {
  const accepted: T[] = [];
  const refused: TopicResult[] = [];
  const refuse = (topic: T, partitions: readonly { partitionIndex: number }[], errorCode: number): void => {
    refused.push({ name: topic.name, partitions: partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) });
  };
  for (const topic of topics) {
    if (!authorize(ctx, AclOperation.READ, ResourceType.TOPIC, topic.name)) {
      refuse(topic, topic.partitions, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
      continue;
    }
    const known = ctx.broker.image.topicsByName.get(topic.name)?.partitions;
    const existing = topic.partitions.filter((p) => known?.has(p.partitionIndex));
    const missing = topic.partitions.filter((p) => !known?.has(p.partitionIndex));
    if (missing.length > 0) refuse(topic, missing, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    if (existing.length > 0) accepted.push(existing.length === topic.partitions.length ? topic : { ...topic, partitions: existing });
  }
  return { accepted, refused };
}

/** The refusals followed by the coordinator's results; a topic in both gets one entry, refusals first. */
export function mergeTopicResults(refused: readonly TopicResult[], results: readonly TopicResult[]): TopicResult[] {
  const merged = refused.map((t) => ({ name: t.name, partitions: [...t.partitions] }));
  const byName = new Map(merged.map((t) => [t.name, t]));
  for (const topic of results) {
    const existing = byName.get(topic.name);
    if (existing) existing.partitions.push(...topic.partitions);
    else merged.push({ name: topic.name, partitions: [...topic.partitions] });
  }
  return merged;
}
