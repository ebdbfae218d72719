// The one table of APIs this broker serves. ApiVersions answers from it, so what is advertised
// is exactly what is dispatched.
import { apiVersions } from './api-versions.js';
import { createPartitions } from './create-partitions.js';
import { createTopics } from './create-topics.js';
import { deleteRecords } from './delete-records.js';
import { deleteTopics } from './delete-topics.js';
import { describeCluster } from './describe-cluster.js';
import { describeConfigs } from './describe-configs.js';
import { describeLogDirs } from './describe-log-dirs.js';
import { describeTopicPartitions } from './describe-topic-partitions.js';
import { fetch } from './fetch.js';
import { initProducerId } from './init-producer-id.js';
import { listOffsets } from './list-offsets.js';
import { metadata } from './metadata.js';
import { offsetForLeaderEpoch } from './offset-for-leader-epoch.js';
import { produce } from './produce.js';
import type { ApiHandler } from './types.js';

const handlers: ApiHandler[] = [
  produce,
  fetch,
  listOffsets,
  metadata,
  apiVersions,
  createTopics,
  deleteTopics,
  deleteRecords,
  initProducerId,
  createPartitions,
  describeConfigs,
  offsetForLeaderEpoch,
  describeLogDirs,
  describeCluster,
  describeTopicPartitions,
];

export const handlerTable: ReadonlyMap<number, ApiHandler> = new Map(handlers.map((h) => [h.apiKey, h]));
