// Admin calls over a Cluster, as Kafka's Admin client makes them: topic management through the
// controller, offsets and record deletion through each partition's leader, log dirs and API
// versions per broker. Per-topic outcomes are returned with their Kafka error code and the
// broker's message so a command can print them as Kafka's tools do; a failure of the whole
// call is thrown as KafkaProtocolError.
import { ErrorCode, KafkaProtocolError } from '../protocol/errors.js';
import { CreatePartitionsRequest } from '../protocol/generated/clients/create-partitions-request.js';
import { CreatePartitionsResponse } from '../protocol/generated/clients/create-partitions-response.js';
import { CreateTopicsRequest } from '../protocol/generated/clients/create-topics-request.js';
import { CreateTopicsResponse, type CreatableTopicConfigs } from '../protocol/generated/clients/create-topics-response.js';
import { DeleteRecordsRequest } from '../protocol/generated/clients/delete-records-request.js';
import { DeleteRecordsResponse } from '../protocol/generated/clients/delete-records-response.js';
import { DeleteTopicsRequest } from '../protocol/generated/clients/delete-topics-request.js';
import { DeleteTopicsResponse } from '../protocol/generated/clients/delete-topics-response.js';
import { DescribeClusterRequest } from '../protocol/generated/clients/describe-cluster-request.js';
import { DescribeClusterResponse } from '../protocol/generated/clients/describe-cluster-response.js';
import { AlterConfigsRequest } from '../protocol/generated/clients/alter-configs-request.js';
import { AlterConfigsResponse } from '../protocol/generated/clients/alter-configs-response.js';
import { DescribeConfigsRequest } from '../protocol/generated/clients/describe-configs-request.js';
import { IncrementalAlterConfigsRequest } from '../protocol/generated/clients/incremental-alter-configs-request.js';
import { IncrementalAlterConfigsResponse } from '../protocol/generated/clients/incremental-alter-configs-response.js';
import { DescribeConfigsResponse, type DescribeConfigsResult } from '../protocol/generated/clients/describe-configs-response.js';
import { DescribeLogDirsRequest } from '../protocol/generated/clients/describe-log-dirs-request.js';
import { DescribeLogDirsResponse, type DescribeLogDirsResult } from '../protocol/generated/clients/describe-log-dirs-response.js';
import { ZERO_UUID } from '../protocol/primitives.js';
import { AlterUserScramCredentialsRequest } from '../protocol/generated/clients/alter-user-scram-credentials-request.js';
import { AlterUserScramCredentialsResponse } from '../protocol/generated/clients/alter-user-scram-credentials-response.js';
import { DescribeUserScramCredentialsRequest } from '../protocol/generated/clients/describe-user-scram-credentials-request.js';
import { DescribeUserScramCredentialsResponse } from '../protocol/generated/clients/describe-user-scram-credentials-response.js';
import { AlterClientQuotasRequest } from '../protocol/generated/clients/alter-client-quotas-request.js';
import { AlterClientQuotasResponse } from '../protocol/generated/clients/alter-client-quotas-response.js';
import { DescribeClientQuotasRequest } from '../protocol/generated/clients/describe-client-quotas-request.js';
import { DescribeClientQuotasResponse } from '../protocol/generated/clients/describe-client-quotas-response.js';
import { randomScramString, saltedPassword, SCRAM_MECHANISM_TYPES, scramMechanismOfType, type ScramMechanismName } from './scram.js';
import { ListOffsetsRequest } from '../protocol/generated/clients/list-offsets-request.js';
import { ListOffsetsResponse } from '../protocol/generated/clients/list-offsets-response.js';
import { REFRESH_METADATA_ERRORS, requireVersion, type BrokerInfo, type Cluster, type TopicInfo, type TopicPartition } from './cluster.js';
import { api, ConnectionError, type BrokerConnection } from './connection.js';

const CREATE_TOPICS = api(CreateTopicsRequest, CreateTopicsResponse);
const DESCRIBE_SCRAM = api(DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse);
const ALTER_SCRAM = api(AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse);
const DESCRIBE_QUOTAS = api(DescribeClientQuotasRequest, DescribeClientQuotasResponse);
const ALTER_QUOTAS = api(AlterClientQuotasRequest, AlterClientQuotasResponse);
const DELETE_TOPICS = api(DeleteTopicsRequest, DeleteTopicsResponse);
const CREATE_PARTITIONS = api(CreatePartitionsRequest, CreatePartitionsResponse);
const DELETE_RECORDS = api(DeleteRecordsRequest, DeleteRecordsResponse);
const DESCRIBE_LOG_DIRS = api(DescribeLogDirsRequest, DescribeLogDirsResponse);
const DESCRIBE_CLUSTER = api(DescribeClusterRequest, DescribeClusterResponse);
const LIST_OFFSETS = api(ListOffsetsRequest, ListOffsetsResponse);
const DESCRIBE_CONFIGS = api(DescribeConfigsRequest, DescribeConfigsResponse);
const ALTER_CONFIGS = api(AlterConfigsRequest, AlterConfigsResponse);
const INCREMENTAL_ALTER_CONFIGS = api(IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse);

/** IncrementalAlterConfigs operations (Kafka's AlterConfigOp.OpType). */
export const AlterConfigOpType = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

export interface AlterConfigOp {
  name: string;
  op: (typeof AlterConfigOpType)[keyof typeof AlterConfigOpType];
  /** Ignored by DELETE. */
  value: string | null;
}

/** The outcome for one resource of an alter call: error null when it was altered. */
export interface ConfigResourceOutcome {
  type: number;
  name: string;
  error: KafkaProtocolError | null;
}

/** DescribeConfigs resource types (Kafka's ConfigResource.Type). */
export const ConfigResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;

/** DescribeConfigs' ConfigSource names by id; v0 responses carry none (UNKNOWN). */
const CONFIG_SOURCES = ['UNKNOWN', 'DYNAMIC_TOPIC_CONFIG', 'DYNAMIC_BROKER_CONFIG', 'DYNAMIC_DEFAULT_BROKER_CONFIG', 'STATIC_BROKER_CONFIG', 'DEFAULT_CONFIG', 'DYNAMIC_BROKER_LOGGER_CONFIG', 'CLIENT_METRICS_CONFIG', 'GROUP_CONFIG'] as const;
export type ConfigSourceName = (typeof CONFIG_SOURCES)[number];

const sourceName = (id: number): ConfigSourceName => CONFIG_SOURCES[id] ?? 'UNKNOWN';

/** Config resources by the broker to ask: a broker's own configs go to that broker, the rest to any. */
function byConfigTarget(resources: readonly ConfigResource[]): Map<number | 'any', ConfigResource[]> {
  const byTarget = new Map<number | 'any', ConfigResource[]>();
  for (const r of resources) {
    const target = r.type === ConfigResourceType.BROKER && /^\d+$/.test(r.name) ? Number(r.name) : 'any';
    byTarget.set(target, [...(byTarget.get(target) ?? []), r]);
  }
  return byTarget;
}

export interface ConfigResource {
  type: number;
  name: string;
  /** Only these config names; all when absent. */
  configNames?: readonly string[];
}

export interface ConfigSynonymDescription {
  name: string;
  value: string | null;
  source: ConfigSourceName;
}

export interface ConfigEntryDescription {
  name: string;
  /** null for sensitive configs. */
  value: string | null;
  source: ConfigSourceName;
  /** The value is the default (Kafka's ConfigEntry.isDefault: source DEFAULT_CONFIG). */
  isDefault: boolean;
  readOnly: boolean;
  isSensitive: boolean;
  synonyms: ConfigSynonymDescription[];
}

export interface ConfigResourceDescription {
  type: number;
  name: string;
  errorCode: number;
  errorMessage: string | null;
  error: KafkaProtocolError | null;
  configs: ConfigEntryDescription[];
}

/**
 * Which offset ListOffsets returns: the log start, the log end (the high watermark, or the last
 * stable offset under read_committed), the record with the largest timestamp (KIP-734, v7), the
 * first offset still on local disk (KIP-405, v8), the last offset in tiered storage (KIP-1005,
 * v9), or the first offset whose timestamp is at or after the one given.
 */
export type OffsetSpec = 'earliest' | 'latest' | 'max-timestamp' | 'earliest-local' | 'latest-tiered' | bigint;

const SPEC_TIMESTAMP = { earliest: -2n, latest: -1n, 'max-timestamp': -3n, 'earliest-local': -4n, 'latest-tiered': -5n } as const;

/** The lowest ListOffsets version that carries each special timestamp; v1 is the floor Kafka 4 serves. */
const SPEC_MIN_VERSION = { earliest: 1, latest: 1, 'max-timestamp': 7, 'earliest-local': 8, 'latest-tiered': 9 } as const;

export interface ListedOffset {
  topic: string;
  partition: number;
  /** -1 when no record has a timestamp at or after the one asked for. */
  offset: bigint;
  timestamp: bigint;
  leaderEpoch: number;
}

/** A partition's ListOffsets answer, or its error (offset -1 then). */
export interface ListedOffsetOutcome extends ListedOffset {
  errorCode: number;
  error: KafkaProtocolError | null;
}

function listedOffsetFailure(tp: TopicPartition, errorCode: number, detail: string | null): ListedOffsetOutcome {
  return { topic: tp.topic, partition: tp.partition, offset: -1n, timestamp: -1n, leaderEpoch: -1, errorCode, error: new KafkaProtocolError(errorCode, detail) };
}

export interface AdminOptions {
  /** The timeout the broker is given for topic operations (Kafka's default.api.timeout.ms share). */
  operationTimeoutMs?: number;
}

export interface NewTopic {
  name: string;
  /** -1 (or absent): the broker's num.partitions. */
  numPartitions?: number;
  /** -1 (or absent): the broker's default.replication.factor. */
  replicationFactor?: number;
  /** Broker ids per partition, partition 0 first; replaces numPartitions and replicationFactor. */
  replicaAssignment?: readonly (readonly number[])[];
  configs?: Readonly<Record<string, string>>;
}

export interface TopicResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
  /** The error as an exception, null when errorCode is NONE. */
  error: KafkaProtocolError | null;
}

export interface CreateTopicResult extends TopicResult {
  topicId: string;
  numPartitions: number;
  replicationFactor: number;
  configs: CreatableTopicConfigs[] | null;
}

export interface NewPartitions {
  topic: string;
  /** The total partition count wanted. */
  count: number;
  /** Broker ids for each new partition. */
  assignments?: readonly (readonly number[])[];
}

export interface DeletedRecords {
  topic: string;
  partition: number;
  lowWatermark: bigint;
  errorCode: number;
  error: KafkaProtocolError | null;
}

export interface BrokerLogDirs {
  brokerId: number;
  errorCode: number;
  logDirs: DescribeLogDirsResult[];
}

export interface ClusterDescription {
  clusterId: string | null;
  controllerId: number;
  brokers: BrokerInfo[];
}

export interface BrokerApiVersions {
  broker: BrokerInfo;
  /** The broker's range per API key. */
  versions: Map<number, { min: number; max: number }>;
  /** Why the broker could not be asked; null when it answered. */
  error: Error | null;
}

function groupByTopic<T extends TopicPartition>(items: readonly T[]): [string, T[]][] {
  const topics = new Map<string, T[]>();
  for (const item of items) {
    const list = topics.get(item.topic);
    if (list) list.push(item);
    else topics.set(item.topic, [item]);
  }
  return [...topics];
}

function deletedRecords(tp: TopicPartition, lowWatermark: bigint, errorCode: number): DeletedRecords {
  return { topic: tp.topic, partition: tp.partition, lowWatermark, errorCode, error: errorCode === ErrorCode.NONE ? null : new KafkaProtocolError(errorCode, `${tp.topic}-${tp.partition}`) };
}

function result(name: string, errorCode: number, errorMessage: string | null): TopicResult {
  return { name, errorCode, errorMessage, error: errorCode === ErrorCode.NONE ? null : new KafkaProtocolError(errorCode, errorMessage) };
}

export interface UserScramCredentials {
  user: string;
  /** Why this user could not be described (RESOURCE_NOT_FOUND: no credentials). */
  error?: KafkaProtocolError;
  credentials: { mechanism: ScramMechanismName | `UNKNOWN(${number})`; iterations: number }[];
}

/** A client quota entity: entity type (user, client-id, ip) → name, null for the default. */
export type ClientQuotaEntity = ReadonlyMap<string, string | null>;

/** DescribeClientQuotas filter components: an exact name, the default (null), or any name ('any'). */
export interface ClientQuotaFilterComponent {
  entityType: string;
  match: string | null | 'any';
}

/** Set a user's password for a mechanism, or delete the user's credential for it. */
export type UserScramCredentialAlteration =
  | { user: string; mechanism: ScramMechanismName; delete: true }
  | { user: string; mechanism: ScramMechanismName; iterations: number; password: string };

export class Admin {
  private readonly timeoutMs: number;

  constructor(
    readonly cluster: Cluster,
    options: AdminOptions = {},
  ) {
    this.timeoutMs = options.operationTimeoutMs ?? 30_000;
  }

  /** Topic names, sorted; internal topics (__consumer_offsets, ...) only when asked for. */
  async listTopics(options: { includeInternal?: boolean } = {}): Promise<string[]> {
    const metadata = await this.cluster.refreshMetadata(null);
    return [...metadata.topics.values()]
      .filter((t) => options.includeInternal || !t.isInternal)
      .map((t) => t.name)
      .sort();
  }

  /** Partitions, leaders, replicas, ISR and topic ids from Metadata. A missing topic throws UNKNOWN_TOPIC_OR_PARTITION. */
  async describeTopics(names: readonly string[] | 'all'): Promise<TopicInfo[]> {
    const response = await this.cluster.fetchMetadata(names === 'all' ? null : names);
    const topics = this.cluster.metadata.topics;
    if (names === 'all') return [...topics.values()].sort((a, b) => a.name.localeCompare(b.name));
    return names.map((name) => {
      const raw = response.topics.find((t) => t.name === name);
      const info = topics.get(name);
      if (!raw || !info) throw new KafkaProtocolError(raw?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic '${name}' does not exist`);
      if (raw.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(raw.errorCode, `topic '${name}'`);
      return info;
    });
  }

  async createTopics(topics: readonly NewTopic[], options: { validateOnly?: boolean } = {}): Promise<CreateTopicResult[]> {
    return this.cluster.retrying(async () => {
      const connection = await this.cluster.controllerConnection();
      // v2 is the floor Kafka 4 serves; leaving partitions or replication factor to the broker (-1) needs v4 (KIP-464).
      const version = requireVersion(connection, CreateTopicsRequest, 2);
      const request: CreateTopicsRequest = {
        topics: topics.map((t) => {
          const assignment = t.replicaAssignment;
          return {
            name: t.name,
            numPartitions: assignment ? -1 : (t.numPartitions ?? -1),
            replicationFactor: assignment ? -1 : (t.replicationFactor ?? -1),
            assignments: (assignment ?? []).map((brokerIds, partitionIndex) => ({ partitionIndex, brokerIds: [...brokerIds] })),
            configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
          };
        }),
        timeoutMs: this.timeoutMs,
        validateOnly: options.validateOnly ?? false,
      };
      const response = await connection.send(CREATE_TOPICS, version, request);
      // The whole call goes to another controller when this one stepped down.
      if (response.topics.some((t) => t.errorCode === ErrorCode.NOT_CONTROLLER)) throw new KafkaProtocolError(ErrorCode.NOT_CONTROLLER);
      return response.topics.map((t) => ({
        ...result(t.name, t.errorCode, t.errorMessage),
        topicId: t.topicId,
        numPartitions: t.numPartitions,
        replicationFactor: t.replicationFactor,
        configs: t.configs,
      }));
    });
  }

  async deleteTopics(names: readonly string[]): Promise<TopicResult[]> {
    return this.cluster.retrying(async () => {
      const connection = await this.cluster.controllerConnection();
      const version = requireVersion(connection, DeleteTopicsRequest);
      // v6 names topics by name or id (KIP-516); earlier versions by name only.
      const request: DeleteTopicsRequest =
        version >= 6
          ? { topics: names.map((name) => ({ name, topicId: ZERO_UUID })), topicNames: [], timeoutMs: this.timeoutMs }
          : { topics: [], topicNames: [...names], timeoutMs: this.timeoutMs };
      const response = await connection.send(DELETE_TOPICS, version, request);
      if (response.responses.some((t) => t.errorCode === ErrorCode.NOT_CONTROLLER)) throw new KafkaProtocolError(ErrorCode.NOT_CONTROLLER);
      return response.responses.map((t) => result(t.name ?? '', t.errorCode, t.errorMessage));
    });
  }

  async createPartitions(changes: readonly NewPartitions[], options: { validateOnly?: boolean } = {}): Promise<TopicResult[]> {
    return this.cluster.retrying(async () => {
      const connection = await this.cluster.controllerConnection();
      const version = requireVersion(connection, CreatePartitionsRequest);
      const request: CreatePartitionsRequest = {
        topics: changes.map((c) => ({
          name: c.topic,
          count: c.count,
          assignments: c.assignments ? c.assignments.map((brokerIds) => ({ brokerIds: [...brokerIds] })) : null,
        })),
        timeoutMs: this.timeoutMs,
        validateOnly: options.validateOnly ?? false,
      };
      const response = await connection.send(CREATE_PARTITIONS, version, request);
      if (response.results.some((t) => t.errorCode === ErrorCode.NOT_CONTROLLER)) throw new KafkaProtocolError(ErrorCode.NOT_CONTROLLER);
      return response.results.map((t) => result(t.name, t.errorCode, t.errorMessage));
    });
  }

  /** One offset per partition, asked of each leader; see OffsetSpec. A partition's error is thrown. */
  async listOffsets(partitions: readonly TopicPartition[], spec: OffsetSpec, options: { isolationLevel?: 0 | 1 } = {}): Promise<ListedOffset[]> {
    const outcomes = await this.listOffsetsPerPartition(partitions, spec, options);
    const failed = outcomes.find((o) => o.error !== null);
    if (failed) throw failed.errorCode === ErrorCode.UNSUPPORTED_VERSION ? failed.error : new KafkaProtocolError(failed.errorCode, `${failed.topic}-${failed.partition}`);
    return outcomes.map(({ topic, partition, offset, timestamp, leaderEpoch }) => ({ topic, partition, offset, timestamp, leaderEpoch }));
  }

  /**
   * As listOffsets, but a partition's own error (a version the leader lacks, a storage error)
   * is its outcome, as Kafka's Admin reports it per partition. Stale routing is still retried.
   */
  async listOffsetsPerPartition(partitions: readonly TopicPartition[], spec: OffsetSpec, options: { isolationLevel?: 0 | 1 } = {}): Promise<ListedOffsetOutcome[]> {
    const timestamp = typeof spec === 'bigint' ? spec : SPEC_TIMESTAMP[spec];
    const isolationLevel = options.isolationLevel ?? 0;
    const found = await this.perLeader(partitions, async (connection, group) => {
      // Isolation levels start at v2.
      const floor = Math.max(typeof spec === 'bigint' ? 1 : SPEC_MIN_VERSION[spec], isolationLevel ? 2 : 1);
      let version: number;
      try {
        version = requireVersion(connection, ListOffsetsRequest, floor);
      } catch (err) {
        if (!(err instanceof KafkaProtocolError)) throw err;
        return group.map((p) => ({ errorCode: ErrorCode.NONE, value: listedOffsetFailure(p, err.code, err.message.slice(err.errorName.length + 2)) }));
      }
      const response = await connection.send(LIST_OFFSETS, version, {
        replicaId: -1,
        isolationLevel: version >= 2 ? isolationLevel : 0,
        topics: groupByTopic(group).map(([name, ps]) => ({
          name,
          partitions: ps.map((p) => ({ partitionIndex: p.partition, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 })),
        })),
        timeoutMs: version >= 10 ? this.timeoutMs : 0,
      });
      return response.topics.flatMap((t) =>
        t.partitions.map((p) => {
          const tp = { topic: t.name, partition: p.partitionIndex };
          if (REFRESH_METADATA_ERRORS.has(p.errorCode)) return { errorCode: p.errorCode, value: listedOffsetFailure(tp, p.errorCode, null) };
          if (p.errorCode !== ErrorCode.NONE) return { errorCode: ErrorCode.NONE, value: listedOffsetFailure(tp, p.errorCode, null) };
          return { errorCode: ErrorCode.NONE, value: { ...tp, offset: p.offset, timestamp: p.timestamp, leaderEpoch: p.leaderEpoch, errorCode: ErrorCode.NONE, error: null } };
        }),
      );
    });
    return partitions.map((p) => found.get(`${p.topic}\0${p.partition}`)!);
  }

  /**
   * Sends one request per leader for the partitions it leads and collects per-partition
   * answers. Partitions whose leader moved (or whose leader is unreachable) are routed again
   * after a metadata refresh, within the cluster's retry budget; any other error is thrown.
   */
  private async perLeader<T extends TopicPartition, R>(
    targets: readonly T[],
    call: (connection: BrokerConnection, group: T[]) => Promise<{ errorCode: number; value: R & TopicPartition }[]>,
  ): Promise<Map<string, R>> {
    const found = new Map<string, R>();
    let pending = [...targets];
    const topics = [...new Set(targets.map((t) => t.topic))];
    await this.cluster.retrying(async () => {
      const retry: T[] = [];
      let firstError: Error | null = null;
      const groups = await this.cluster.byLeader(pending);
      await Promise.all(
        [...groups].map(async ([leaderId, group]) => {
          let answers: { errorCode: number; value: R & TopicPartition }[];
          try {
            answers = await call(await this.cluster.connectionTo(leaderId), group);
          } catch (err) {
            if (!(err instanceof ConnectionError)) throw err;
            retry.push(...group);
            firstError ??= err;
            return;
          }
          for (const a of answers) {
            const key = `${a.value.topic}\0${a.value.partition}`;
            if (a.errorCode === ErrorCode.NONE) found.set(key, a.value);
            else if (REFRESH_METADATA_ERRORS.has(a.errorCode)) {
              retry.push(group.find((g) => g.topic === a.value.topic && g.partition === a.value.partition)!);
              firstError ??= new KafkaProtocolError(a.errorCode, `${a.value.topic}-${a.value.partition}`);
            } else throw new KafkaProtocolError(a.errorCode, `${a.value.topic}-${a.value.partition}`);
          }
        }),
      );
      pending = retry;
      if (firstError) throw firstError;
    }, topics);
    return found;
  }

  /**
   * Moves each partition's log start offset up to `offset` (-1: the high watermark), through its
   * leader. A partition the cluster does not have fails alone with UNKNOWN_TOPIC_OR_PARTITION
   * (Kafka's Admin waits for it to appear until its timeout; nothing would make it appear).
   */
  async deleteRecords(targets: readonly (TopicPartition & { offset: bigint })[]): Promise<DeletedRecords[]> {
    const metadata = await this.cluster.refreshMetadata([...new Set(targets.map((t) => t.topic))]);
    const known = targets.filter((t) => metadata.topics.get(t.topic)?.partitions.some((p) => p.partition === t.partition));
    const found =
      known.length === 0
        ? new Map<string, DeletedRecords>()
        : await this.perLeader(known, async (connection, group) => {
            const version = requireVersion(connection, DeleteRecordsRequest);
            const response = await connection.send(DELETE_RECORDS, version, {
              topics: groupByTopic(group).map(([name, ps]) => ({ name, partitions: ps.map((p) => ({ partitionIndex: p.partition, offset: p.offset })) })),
              timeoutMs: this.timeoutMs,
            });
            // Errors other than stale routing belong to the result, as kafka-delete-records.sh prints them per partition.
            return response.topics.flatMap((t) =>
              t.partitions.map((p) => ({
                errorCode: REFRESH_METADATA_ERRORS.has(p.errorCode) ? p.errorCode : ErrorCode.NONE,
                value: deletedRecords({ topic: t.name, partition: p.partitionIndex }, p.lowWatermark, p.errorCode),
              })),
            );
          });
    return targets.map((t) => found.get(`${t.topic}\0${t.partition}`) ?? deletedRecords(t, -1n, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
  }

  /** Log dirs of each broker (all brokers when none are named), for every partition or the ones given. */
  async describeLogDirs(brokerIds?: readonly number[], topics?: readonly TopicPartition[]): Promise<BrokerLogDirs[]> {
    const metadata = await this.cluster.refreshMetadata([]);
    const ids = brokerIds ?? [...metadata.brokers.keys()].sort((a, b) => a - b);
    let request: DescribeLogDirsRequest = { topics: null };
    if (topics) {
      const byTopic = new Map<string, number[]>();
      for (const t of topics) byTopic.set(t.topic, [...(byTopic.get(t.topic) ?? []), t.partition]);
      request = { topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) };
    }
    return Promise.all(
      ids.map(async (brokerId) => {
        const connection = await this.cluster.connectionTo(brokerId);
        const version = requireVersion(connection, DescribeLogDirsRequest);
        const response = await connection.send(DESCRIBE_LOG_DIRS, version, request);
        return { brokerId, errorCode: response.errorCode, logDirs: response.results };
      }),
    );
  }

  /** DescribeCluster where the broker has it (Kafka 2.8+), else the same facts from Metadata. */
  async describeCluster(): Promise<ClusterDescription> {
    const connection = await this.cluster.anyConnection();
    const version = connection.usableVersion(DescribeClusterRequest);
    if (version === null) {
      const metadata = await this.cluster.refreshMetadata([]);
      return { clusterId: metadata.clusterId, controllerId: metadata.controllerId, brokers: [...metadata.brokers.values()].sort((a, b) => a.nodeId - b.nodeId) };
    }
    const response = await connection.send(DESCRIBE_CLUSTER, version, { includeClusterAuthorizedOperations: false, endpointType: 1 });
    if (response.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(response.errorCode, response.errorMessage);
    return {
      clusterId: response.clusterId,
      controllerId: response.controllerId,
      brokers: response.brokers.map((b) => ({ nodeId: b.brokerId, host: b.host, port: b.port, rack: b.rack })).sort((a, b) => a.nodeId - b.nodeId),
    };
  }

  /**
   * Config entries of topics and brokers. A broker's own configs are asked of that broker, the
   * rest of any broker, as Kafka's Admin does. Per-resource errors are in the result.
   */
  async describeConfigs(resources: readonly ConfigResource[], options: { includeSynonyms?: boolean } = {}): Promise<ConfigResourceDescription[]> {
    const byTarget = byConfigTarget(resources);
    const answers = new Map<string, DescribeConfigsResult>();
    await Promise.all(
      [...byTarget].map(async ([target, group]) => {
        const connection = target === 'any' ? await this.cluster.anyConnection() : await this.cluster.connectionTo(target);
        const version = requireVersion(connection, DescribeConfigsRequest);
        const response = await connection.send(DESCRIBE_CONFIGS, version, {
          resources: group.map((r) => ({ resourceType: r.type, resourceName: r.name, configurationKeys: r.configNames ? [...r.configNames] : null })),
          includeSynonyms: version >= 1 ? (options.includeSynonyms ?? false) : false,
          includeDocumentation: false,
        });
        for (const result of response.results) answers.set(`${result.resourceType}\0${result.resourceName}`, result);
        if (version === 0) for (const result of response.results) for (const c of result.configs) c.configSource = c.isDefault ? 5 : -1;
      }),
    );
    return resources.map((r) => {
      const raw = answers.get(`${r.type}\0${r.name}`);
      if (!raw) throw new KafkaProtocolError(ErrorCode.UNKNOWN_SERVER_ERROR, `no DescribeConfigs result for resource ${r.name}`);
      return {
        type: r.type,
        name: r.name,
        errorCode: raw.errorCode,
        errorMessage: raw.errorMessage,
        error: raw.errorCode === ErrorCode.NONE ? null : new KafkaProtocolError(raw.errorCode, raw.errorMessage),
        configs: raw.configs.map((c) => ({
          name: c.name,
          value: c.value,
          source: sourceName(c.configSource),
          isDefault: c.configSource === 5,
          readOnly: c.readOnly,
          isSensitive: c.isSensitive,
          synonyms: c.synonyms.map((s) => ({ name: s.name, value: s.value, source: sourceName(s.source) })),
        })),
      };
    });
  }

  /**
   * Changes single configs of each resource (IncrementalAlterConfigs). A broker's own configs go
   * to that broker, the rest to any broker, as Kafka's Admin routes them.
   */
  async incrementalAlterConfigs(changes: readonly { resource: ConfigResource; ops: readonly AlterConfigOp[] }[], options: { validateOnly?: boolean } = {}): Promise<ConfigResourceOutcome[]> {
    return this.alterPerTarget(changes.map((c) => c.resource), async (connection, picked) => {
      const version = requireVersion(connection, IncrementalAlterConfigsRequest);
      const byKey = new Map(changes.map((c) => [`${c.resource.type}\0${c.resource.name}`, c.ops]));
      const response = await connection.send(INCREMENTAL_ALTER_CONFIGS, version, {
        resources: picked.map((r) => ({
          resourceType: r.type,
          resourceName: r.name,
          configs: byKey.get(`${r.type}\0${r.name}`)!.map((o) => ({ name: o.name, configOperation: o.op, value: o.op === AlterConfigOpType.DELETE ? null : o.value })),
        })),
        validateOnly: options.validateOnly ?? false,
      });
      return response.responses;
    });
  }

  /** Replaces each resource's whole set of dynamic configs (the legacy AlterConfigs). */
  async alterConfigs(changes: readonly { resource: ConfigResource; configs: ReadonlyMap<string, string> }[], options: { validateOnly?: boolean } = {}): Promise<ConfigResourceOutcome[]> {
    return this.alterPerTarget(changes.map((c) => c.resource), async (connection, picked) => {
      const version = requireVersion(connection, AlterConfigsRequest);
      const byKey = new Map(changes.map((c) => [`${c.resource.type}\0${c.resource.name}`, c.configs]));
      const response = await connection.send(ALTER_CONFIGS, version, {
        resources: picked.map((r) => ({ resourceType: r.type, resourceName: r.name, configs: [...byKey.get(`${r.type}\0${r.name}`)!].map(([name, value]) => ({ name, value })) })),
        validateOnly: options.validateOnly ?? false,
      });
      return response.responses;
    });
  }

  private async alterPerTarget(
    resources: readonly ConfigResource[],
    send: (connection: BrokerConnection, group: ConfigResource[]) => Promise<{ errorCode: number; errorMessage: string | null; resourceType: number; resourceName: string }[]>,
  ): Promise<ConfigResourceOutcome[]> {
    const byTarget = byConfigTarget(resources);
    const answers = new Map<string, { errorCode: number; errorMessage: string | null }>();
    await Promise.all(
      [...byTarget].map(async ([target, group]) => {
        const connection = target === 'any' ? await this.cluster.anyConnection() : await this.cluster.connectionTo(target);
        for (const result of await send(connection, group)) answers.set(`${result.resourceType}\0${result.resourceName}`, result);
      }),
    );
    return resources.map((r) => {
      const raw = answers.get(`${r.type}\0${r.name}`);
      if (!raw) throw new KafkaProtocolError(ErrorCode.UNKNOWN_SERVER_ERROR, `no alter result for resource ${r.name}`);
      return { type: r.type, name: r.name, error: raw.errorCode === ErrorCode.NONE ? null : new KafkaProtocolError(raw.errorCode, raw.errorMessage) };
    });
  }

  /**
   * Each broker's ApiVersions ranges, as `kafka-broker-api-versions.sh` prints them. A broker
   * that cannot be reached has no versions and the reason in `error`.
   */
  async apiVersionsByBroker(): Promise<BrokerApiVersions[]> {
    const metadata = await this.cluster.refreshMetadata([]);
    const brokers = [...metadata.brokers.values()].sort((a, b) => a.nodeId - b.nodeId);
    return Promise.all(
      brokers.map(async (broker) => {
        try {
          const connection = await this.cluster.connectionTo(broker.nodeId);
          return { broker, versions: new Map(connection.versions), error: null };
        } catch (err) {
          if (!(err instanceof ConnectionError || err instanceof KafkaProtocolError)) throw err;
          return { broker, versions: new Map(), error: err };
        }
      }),
    );
  }

  /** The SCRAM mechanisms and iterations of these users (null: every user that has one). */
  async describeUserScramCredentials(users: readonly string[] | null): Promise<UserScramCredentials[]> {
    const connection = await this.cluster.anyConnection();
    const response = await connection.send(DESCRIBE_SCRAM, requireVersion(connection, DescribeUserScramCredentialsRequest), {
      users: users === null ? null : users.map((name) => ({ name })),
    });
    if (response.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(response.errorCode, response.errorMessage);
    return response.results.map((r) => ({
      user: r.user,
      ...(r.errorCode !== ErrorCode.NONE ? { error: new KafkaProtocolError(r.errorCode, r.errorMessage) } : {}),
      credentials: r.credentialInfos.map((c) => ({ mechanism: scramMechanismOfType(c.mechanism) ?? (`UNKNOWN(${c.mechanism})` as const), iterations: c.iterations })),
    }));
  }

  /**
   * Sets or deletes SCRAM credentials. As Kafka's Admin, the password never leaves this process:
   * the request carries a fresh salt and the salted password. Per-user errors are in the result.
   */
  async alterUserScramCredentials(alterations: readonly UserScramCredentialAlteration[]): Promise<{ user: string; error?: KafkaProtocolError }[]> {
    const deletions = alterations.filter((a) => 'delete' in a).map((a) => ({ name: a.user, mechanism: SCRAM_MECHANISM_TYPES[a.mechanism] }));
    const upsertions = alterations.flatMap((a) => {
      if ('delete' in a) return [];
      const salt = Buffer.from(randomScramString(), 'utf8');
      return [{ name: a.user, mechanism: SCRAM_MECHANISM_TYPES[a.mechanism], iterations: a.iterations, salt, saltedPassword: saltedPassword(a.mechanism, a.password, salt, a.iterations) }];
    });
    const connection = await this.cluster.anyConnection();
    const response = await connection.send(ALTER_SCRAM, requireVersion(connection, AlterUserScramCredentialsRequest), { deletions, upsertions });
    return response.results.map((r) => ({ user: r.user, ...(r.errorCode !== ErrorCode.NONE ? { error: new KafkaProtocolError(r.errorCode, r.errorMessage) } : {}) }));
  }

  /**
   * The quotas of the entities matching every component; strict: entities with no other types.
   * A refused filter throws.
   */
  async describeClientQuotas(components: readonly ClientQuotaFilterComponent[], strict: boolean): Promise<{ entity: ClientQuotaEntity; values: Map<string, number> }[]> {
    const connection = await this.cluster.anyConnection();
    const response = await connection.send(DESCRIBE_QUOTAS, requireVersion(connection, DescribeClientQuotasRequest), {
      components: components.map((c) => (c.match === 'any' ? { entityType: c.entityType, matchType: 2, match: null } : { entityType: c.entityType, matchType: c.match === null ? 1 : 0, match: c.match })),
      strict,
    });
    if (response.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(response.errorCode, response.errorMessage);
    return (response.entries ?? []).map((e) => ({
      entity: new Map(e.entity.map((p) => [p.entityType, p.entityName])),
      values: new Map(e.values.map((v) => [v.key, v.value])),
    }));
  }

  /** Sets (a number) or removes (null) quota keys of one entity each; per-entity errors are in the result. */
  async alterClientQuotas(alterations: readonly { entity: ClientQuotaEntity; ops: ReadonlyMap<string, number | null> }[], options: { validateOnly?: boolean } = {}): Promise<{ error?: KafkaProtocolError }[]> {
    const connection = await this.cluster.anyConnection();
    const response = await connection.send(ALTER_QUOTAS, requireVersion(connection, AlterClientQuotasRequest), {
      entries: alterations.map((a) => ({
        entity: [...a.entity].map(([entityType, entityName]) => ({ entityType, entityName })),
        ops: [...a.ops].map(([key, value]) => ({ key, value: value ?? 0, remove: value === null })),
      })),
      validateOnly: options.validateOnly ?? false,
    });
    return response.entries.map((e) => (e.errorCode !== ErrorCode.NONE ? { error: new KafkaProtocolError(e.errorCode, e.errorMessage) } : {}));
  }

  close(): void {
    this.cluster.close();
  }
}
