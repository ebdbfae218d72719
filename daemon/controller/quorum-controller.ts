// The active controller: turns admin requests into metadata records and appends them to the
// metadata log; the committed records reach the image through the log's listener, not from here.
// Each operation computes its records and response from the committed image synchronously, then
// awaits the commit: operations run one at a time, so no two of them validate against the same image.
import { randomBytes } from 'node:crypto';
import type { CreatableTopic } from '../../src/protocol/generated/clients/create-topics-request.js';
import type { CreatableTopicResult } from '../../src/protocol/generated/clients/create-topics-response.js';
import type { CreatePartitionsTopic } from '../../src/protocol/generated/clients/create-partitions-request.js';
import type { CreatePartitionsTopicResult } from '../../src/protocol/generated/clients/create-partitions-response.js';
import type { DeletableTopicResult } from '../../src/protocol/generated/clients/delete-topics-response.js';
import { ErrorCode, KafkaProtocolError } from '../../src/protocol/errors.js';
import { ZERO_UUID } from '../../src/protocol/primitives.js';
import {
  ConfigResourceType,
  type BrokerEndpointImage,
  type MetadataImage,
  type MetadataRecord,
} from './metadata-image.js';
import { collidingName, isInternalTopic, validateTopicName } from './topic-names.js';
import { scramMechanismOfType, serverKey, storedKey } from '../../src/client/scram.js';
import { scramCredentialKey } from '../security/scram.js';
import { entityProblem, quotaEntityKey, valueProblem, type QuotaEntityPart } from '../quotas/client-quota-entities.js';
import type { StandardAcl } from '../security/authorizer.js';
import { planAlterPartition } from './alter-partition.js';
import type { AlterPartitionRequest } from '../../src/protocol/generated/clients/alter-partition-request.js';
import type { AlterPartitionResponse } from '../../src/protocol/generated/clients/alter-partition-response.js';
import { planAclCreation, planAclDeletion, type AclDeletion, type AclError, type AclFilter } from './acl-control.js';

export interface ControllerResult<T> {
  records: MetadataRecord[];
  response: T;
}

/** Where the controller's records go: the Raft leader's log. */
export interface MetadataLogAppender {
  /** Appends the records as one batch and resolves with the offset of the last one once committed. */
  append(records: readonly MetadataRecord[]): Promise<bigint>;
}

export interface ControllerSettings {
  nodeId: number;
  numPartitions: number;
  defaultReplicationFactor: number;
  deleteTopicEnable: boolean;
  /** Returns an error message for a topic config that is not valid, or null. */
  validateTopicConfig(name: string, value: string | null): string | null;
}

export interface TopicToCreate {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: { partitionIndex: number; brokerIds: number[] }[];
  configs: { name: string; value: string | null }[];
}

const METADATA_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';
/** Why a config alteration was refused, as AlterConfigs responses carry it. */
export interface ConfigAlterationError {
  errorCode: number;
  errorMessage: string;
}

/** A change to the dynamic configs of one resource, worked out against the image it applies to. */
/** One AlterClientQuotas entry: a null value removes that key. */
export interface ClientQuotaAlteration {
  readonly entity: readonly QuotaEntityPart[];
  readonly ops: readonly { key: string; value: number | null }[];
}

export interface ConfigAlteration {
  resourceType: number;
  resourceName: string;
  /** The new value of each config that changes (null deletes it), or why the change is refused. */
  plan(image: MetadataImage): ReadonlyMap<string, string | null> | ConfigAlterationError;
}

export interface ScramDeletion {
  name: string;
  mechanism: number;
}

export interface ScramUpsertion extends ScramDeletion {
  iterations: number;
  salt: Buffer;
  saltedPassword: Buffer;
}

export const PRODUCER_ID_BLOCK_SIZE = 1000n;
/** metadata.version 3.9-IV0: what Kafka 3.9 clients expect a KRaft cluster to report. */
export const METADATA_VERSION_LEVEL = 21;

/** A random topic id, never the reserved ones, and never starting with '-' (it would read as a flag). */
export function randomTopicId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (id !== ZERO_UUID && id !== METADATA_TOPIC_ID && !id.startsWith('-')) return id;
  }
}

export class QuorumController {
  private tail: Promise<unknown> = Promise.resolve();
  /** Set while this node leads the quorum and has replayed everything committed before its epoch. */
  private active = false;

  constructor(
    private readonly settings: ControllerSettings,
    private readonly log: MetadataLogAppender,
    /** The image of the committed records: the append of an operation resolves once its records are in it. */
    private readonly committedImage: () => MetadataImage,
  ) {}

  get isActive(): boolean {
    return this.active;
  }

  /**
   * Runs one operation after the previous one has committed. Operations run only on the active
   * controller; elsewhere they fail with NOT_CONTROLLER, as Kafka's QuorumController.
   */
  private run<T>(operation: (image: MetadataImage) => ControllerResult<T>): Promise<T> {
    const next = this.tail.then(async () => {
      if (!this.active) throw new KafkaProtocolError(ErrorCode.NOT_CONTROLLER, 'this node is not the active controller');
      const { records, response } = operation(this.committedImage());
      if (records.length > 0) await this.log.append(records);
      return response;
    });
    this.tail = next.catch(() => undefined);
    return next;
  }

  /**
   * This node leads the quorum and its image holds every record committed before its epoch:
   * accept operations, and write the bootstrap records (metadata.version) on a new cluster.
   */
  async activate(): Promise<void> {
    this.active = true;
    await this.run((image) => ({
      records: image.features.has('metadata.version') ? [] : [{ type: 'FeatureLevel', version: 0, record: { name: 'metadata.version', featureLevel: METADATA_VERSION_LEVEL } }],
      response: undefined,
    }));
  }

  /** Leadership moved away: operations not yet committed fail, later ones are refused. */
  deactivate(): void {
    this.active = false;
  }

  registerBroker(endpoints: readonly BrokerEndpointImage[], rack: string | null, incarnationId: string): Promise<bigint> {
    return this.run((image) => {
      const records: MetadataRecord[] = [];
      if (!image.features.has('metadata.version')) {
        records.push({ type: 'FeatureLevel', version: 0, record: { name: 'metadata.version', featureLevel: METADATA_VERSION_LEVEL } });
      }
      const brokerEpoch = image.offset + 1n;
      records.push({
        type: 'RegisterBroker',
        version: 3,
        record: {
          brokerId: this.settings.nodeId,
          isMigratingZkBroker: false,
          incarnationId,
          brokerEpoch,
          endPoints: endpoints.map((e) => ({ name: e.listener, host: e.host, port: e.port, securityProtocol: e.securityProtocol })),
          features: [{ name: 'metadata.version', minSupportedVersion: 1, maxSupportedVersion: METADATA_VERSION_LEVEL }],
          rack,
          fenced: false,
          inControlledShutdown: false,
          logDirs: [],
        },
      });
      return { records, response: brokerEpoch };
    });
  }

  createTopics(topics: readonly TopicToCreate[], validateOnly: boolean): Promise<CreatableTopicResult[]> {
    return this.run((image) => {
      const records: MetadataRecord[] = [];
      const results: CreatableTopicResult[] = [];
      const seen = new Set<string>();
      const duplicates = new Set(topics.filter((t) => seen.has(t.name) || !seen.add(t.name)).map((t) => t.name));
      const liveBrokers = [...image.brokers.values()].filter((b) => !b.fenced).map((b) => b.id).sort((a, b) => a - b);
      const pendingNames = new Set<string>();

      for (const topic of topics) {
        const result: CreatableTopicResult = {
          name: topic.name,
          topicId: ZERO_UUID,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          topicConfigErrorCode: ErrorCode.NONE,
          numPartitions: -1,
          replicationFactor: -1,
          configs: [],
        };
        results.push(result);
        const fail = (code: number, message: string): void => {
          result.errorCode = code;
          result.errorMessage = message;
          result.configs = null;
        };
        if (duplicates.has(topic.name)) {
          fail(ErrorCode.INVALID_REQUEST, 'Duplicate topic name.');
          continue;
        }
        const invalidName = validateTopicName(topic.name);
        if (invalidName !== null) {
          fail(ErrorCode.INVALID_TOPIC_EXCEPTION, invalidName);
          continue;
        }
        if (image.topicsByName.has(topic.name)) {
          fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${topic.name}' already exists.`);
          continue;
        }
        const collision = [...image.topicsByName.keys(), ...pendingNames].find((n) => n !== topic.name && collidingName(n) === collidingName(topic.name));
        if (collision !== undefined) {
          fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${topic.name}' collides with existing topic: ${collision}`);
          continue;
        }
        const placement = this.placeReplicas(topic, liveBrokers);
        if (!Array.isArray(placement)) {
          fail(placement.code, placement.message);
          continue;
        }
        const configError = topic.configs.map((c) => this.settings.validateTopicConfig(c.name, c.value)).find((e) => e !== null);
        if (configError) {
          fail(ErrorCode.INVALID_CONFIG, configError);
          continue;
        }
        const topicId = randomTopicId();
        result.topicId = topicId;
        result.numPartitions = placement.length;
        result.replicationFactor = placement[0].length;
        pendingNames.add(topic.name);
        if (validateOnly) continue;
        records.push({ type: 'Topic', version: 0, record: { name: topic.name, topicId } });
        for (const c of topic.configs) {
          records.push({ type: 'Config', version: 0, record: { resourceType: ConfigResourceType.Topic, resourceName: topic.name, name: c.name, value: c.value } });
        }
        placement.forEach((replicas, partitionId) => records.push(partitionRecord(topicId, partitionId, replicas)));
      }
      return { records, response: results };
    });
  }

  /** Topics that clients asked for by name, created with the broker's defaults (auto.create.topics.enable). */
  autoCreateTopics(names: readonly string[]): Promise<CreatableTopicResult[]> {
    return this.createTopics(
      names.filter((n) => !isInternalTopic(n)).map((name) => ({ name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] })),
      false,
    );
  }

  /** Replica lists per partition, or why the request cannot be placed. */
  private placeReplicas(topic: TopicToCreate | CreatableTopic, liveBrokers: number[]): number[][] | PlacementError {
    if (topic.assignments.length > 0) {
      if (topic.numPartitions !== -1 || topic.replicationFactor !== -1) {
        return invalid(ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
      }
      const sorted = [...topic.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
      const bad = (message: string): PlacementError => invalid(ErrorCode.INVALID_REPLICA_ASSIGNMENT, message);
      if (sorted.some((a, i) => a.partitionIndex !== i)) return bad('Partitions should be a consecutive 0-based integer sequence.');
      for (const a of sorted) {
        if (a.brokerIds.length === 0) return bad(`Partition ${a.partitionIndex} has no replicas.`);
        if (new Set(a.brokerIds).size !== a.brokerIds.length) return bad(`Duplicate brokers in the assignment of partition ${a.partitionIndex}.`);
        const unknown = a.brokerIds.find((id) => !liveBrokers.includes(id));
        if (unknown !== undefined) return bad(`The manual partition assignment includes broker ${unknown}, but no such broker is registered.`);
      }
      return sorted.map((a) => a.brokerIds);
    }
    const numPartitions = topic.numPartitions === -1 ? this.settings.numPartitions : topic.numPartitions;
    const replicationFactor = topic.replicationFactor === -1 ? this.settings.defaultReplicationFactor : topic.replicationFactor;
    if (numPartitions <= 0) return invalid(ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.');
    if (replicationFactor <= 0) return invalid(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0.');
    if (replicationFactor > liveBrokers.length) {
      return invalid(ErrorCode.INVALID_REPLICATION_FACTOR, `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only ${liveBrokers.length} broker(s) are registered.`);
    }
    return spreadReplicas(numPartitions, replicationFactor, liveBrokers, 0);
  }

  deleteTopics(byName: readonly string[], byId: readonly string[]): Promise<DeletableTopicResult[]> {
    return this.run((image) => {
      const records: MetadataRecord[] = [];
      const results: DeletableTopicResult[] = [];
      const removed = new Set<string>();
      const remove = (name: string | null, topicId: string): void => {
        const topic = name !== null ? image.topicsByName.get(name) : image.topicsById.get(topicId);
        const result: DeletableTopicResult = { name, topicId, errorCode: ErrorCode.NONE, errorMessage: null };
        results.push(result);
        if (!topic) {
          result.errorCode = name !== null ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.UNKNOWN_TOPIC_ID;
          result.errorMessage = name !== null ? 'This server does not host this topic-partition.' : 'This server does not host this topic ID.';
          return;
        }
        if (!this.settings.deleteTopicEnable) {
          result.errorCode = ErrorCode.TOPIC_DELETION_DISABLED;
          result.errorMessage = 'Topic deletion is disabled.';
          return;
        }
        result.name = topic.name;
        result.topicId = topic.topicId;
        if (removed.has(topic.topicId)) return;
        removed.add(topic.topicId);
        records.push({ type: 'RemoveTopic', version: 0, record: { topicId: topic.topicId } });
      };
      for (const name of byName) remove(name, ZERO_UUID);
      for (const id of byId) remove(null, id);
      return { records, response: results };
    });
  }

  createPartitions(topics: readonly CreatePartitionsTopic[], validateOnly: boolean): Promise<CreatePartitionsTopicResult[]> {
    return this.run((image) => {
      const records: MetadataRecord[] = [];
      const liveBrokers = [...image.brokers.values()].filter((b) => !b.fenced).map((b) => b.id).sort((a, b) => a - b);
      const results = topics.map((t): CreatePartitionsTopicResult => {
        const result = { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null as string | null };
        const topic = image.topicsByName.get(t.name);
        if (!topic) return { ...result, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic '${t.name}' does not exist.` };
        const current = topic.partitions.size;
        if (t.count < current) {
          return { ...result, errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `Topic currently has ${current} partitions, which is higher than the requested ${t.count}.` };
        }
        if (t.count === current) {
          return { ...result, errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `Topic already has ${current} partitions.` };
        }
        const replicationFactor = topic.partitions.get(0)?.replicas.length ?? 1;
        let placement: number[][];
        if (t.assignments !== null) {
          if (t.assignments.length !== t.count - current) {
            return { ...result, errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: `Attempted to add ${t.count - current} additional partition(s), but only ${t.assignments.length} assignment(s) were specified.` };
          }
          const unknown = t.assignments.flatMap((a) => a.brokerIds).find((id) => !liveBrokers.includes(id));
          if (unknown !== undefined) {
            return { ...result, errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: `The manual partition assignment includes broker ${unknown}, but no such broker is registered.` };
          }
          placement = t.assignments.map((a) => a.brokerIds);
        } else {
          if (replicationFactor > liveBrokers.length) {
            return { ...result, errorCode: ErrorCode.INVALID_REPLICATION_FACTOR, errorMessage: `Unable to replicate the partition ${replicationFactor} time(s): only ${liveBrokers.length} broker(s) are registered.` };
          }
          placement = spreadReplicas(t.count - current, replicationFactor, liveBrokers, current);
        }
        if (!validateOnly) placement.forEach((replicas, i) => records.push(partitionRecord(topic.topicId, current + i, replicas)));
        return result;
      });
      return { records, response: results };
    });
  }

  /**
   * AlterConfigs and IncrementalAlterConfigs: each accepted alteration becomes one ConfigRecord
   * per changed config. Each resource succeeds or fails on its own; null means it succeeded.
   */
  alterConfigs(alterations: readonly ConfigAlteration[], validateOnly: boolean): Promise<(ConfigAlterationError | null)[]> {
    return this.run((image) => {
      const records: MetadataRecord[] = [];
      const response = alterations.map((alteration) => {
        const planned = alteration.plan(image);
        if (!(planned instanceof Map)) return planned as ConfigAlterationError;
        if (validateOnly) return null;
        for (const [name, value] of planned) {
          records.push({ type: 'Config', version: 0, record: { resourceType: alteration.resourceType, resourceName: alteration.resourceName, name, value } });
        }
        return null;
      });
      return { records, response };
    });
  }

  /**
   * AlterUserScramCredentials, once the handler has refused what is wrong on its face: a deletion
   * of a credential that does not exist is refused here; the rest commit together. The salted
   * password becomes StoredKey and ServerKey, as Kafka's ScramControlManager keeps them.
   */
  alterUserScramCredentials(deletions: readonly ScramDeletion[], upsertions: readonly ScramUpsertion[]): Promise<Map<string, ConfigAlterationError | null>> {
    return this.run((image) => {
      const records: MetadataRecord[] = [];
      const outcomes = new Map<string, ConfigAlterationError | null>();
      for (const { name, mechanism } of deletions) {
        if (!image.scramCredentials.has(scramCredentialKey(scramMechanismOfType(mechanism)!, name))) {
          outcomes.set(name, { errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: 'Attempt to delete a user credential that does not exist' });
        } else {
          records.push({ type: 'RemoveUserScramCredential', version: 0, record: { name, mechanism } });
          outcomes.set(name, null);
        }
      }
      for (const u of upsertions) {
        const mechanism = scramMechanismOfType(u.mechanism)!;
        const credential = { salt: u.salt, storedKey: storedKey(mechanism, u.saltedPassword), serverKey: serverKey(mechanism, u.saltedPassword), iterations: u.iterations };
        records.push({ type: 'UserScramCredential', version: 0, record: { name: u.name, mechanism: u.mechanism, ...credential } });
        outcomes.set(u.name, null);
      }
      return { records, response: outcomes };
    });
  }

  /**
   * AlterClientQuotas: each entry is checked as Kafka's ClientQuotaControlManager does (entity,
   * then each key and value; a null value removes the key) and, unless validateOnly, its changed
   * values are written as ClientQuotaRecords. Answers one outcome per entry, in order.
   */
  alterClientQuotas(entries: readonly ClientQuotaAlteration[], validateOnly: boolean): Promise<(ConfigAlterationError | null)[]> {
    return this.run((image) => {
      const records: MetadataRecord[] = [];
      const outcomes = entries.map(({ entity, ops }) => {
        const invalid = (errorMessage: string): ConfigAlterationError => ({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage });
        const entityError = entityProblem(entity);
        if (entityError !== null) return invalid(entityError);
        const current = image.clientQuotas.get(quotaEntityKey(entity))?.values;
        const changes: MetadataRecord[] = [];
        for (const { key, value } of ops) {
          const recordEntity = entity.map(({ entityType, entityName }) => ({ entityType, entityName }));
          if (value === null) {
            if (current?.has(key)) changes.push({ type: 'ClientQuota', version: 0, record: { entity: recordEntity, key, value: 0, remove: true } });
            continue;
          }
          const problem = valueProblem(entity, key, value);
          if (problem !== null) return invalid(problem);
          if (current?.get(key) !== value) changes.push({ type: 'ClientQuota', version: 0, record: { entity: recordEntity, key, value, remove: false } });
        }
        if (!validateOnly) records.push(...changes);
        return null;
      });
      return { records, response: outcomes };
    });
  }

  /** CreateAcls: new ACLs become AccessControlEntryRecords under fresh random ids (acl-control.ts). */
  createAcls(acls: readonly StandardAcl[]): Promise<(AclError | null)[]> {
    return this.run((image) => planAclCreation(image, acls, randomTopicId));
  }

  /** DeleteAcls: the ACLs each filter matches become RemoveAccessControlEntryRecords (acl-control.ts). */
  deleteAcls(filters: readonly AclFilter[]): Promise<AclDeletion[]> {
    return this.run((image) => planAclDeletion(image, filters));
  }

  /** AlterPartition: a leader's ISR change, checked and recorded as alter-partition.ts decides. */
  alterPartition(request: AlterPartitionRequest, apiVersion: number): Promise<AlterPartitionResponse> {
    return this.run((image) => planAlterPartition(image, request, apiVersion));
  }

  /** Reserves a block of producer ids for InitProducerId; returns the first id of the block. */
  allocateProducerIds(brokerEpoch: bigint): Promise<bigint> {
    return this.run((image) => {
      const first = image.nextProducerId;
      const record: MetadataRecord = {
        type: 'ProducerIds',
        version: 0,
        record: { brokerId: this.settings.nodeId, brokerEpoch, nextProducerId: first + PRODUCER_ID_BLOCK_SIZE },
      };
      return { records: [record], response: first };
    });
  }
}

interface PlacementError {
  code: number;
  message: string;
}

function invalid(code: number, message: string): PlacementError {
  return { code, message };
}

function partitionRecord(topicId: string, partitionId: number, replicas: number[]): MetadataRecord {
  return {
    type: 'Partition',
    version: 0,
    record: {
      partitionId,
      topicId,
      replicas,
      isr: replicas,
      removingReplicas: [],
      addingReplicas: [],
      leader: replicas[0],
      leaderRecoveryState: 0,
      leaderEpoch: 0,
      partitionEpoch: 0,
      directories: [],
      eligibleLeaderReplicas: null,
      lastKnownElr: null,
    },
  };
}

/** Round-robin placement: partition p starts at broker (start + p), so leaders spread evenly. */
function spreadReplicas(numPartitions: number, replicationFactor: number, brokers: number[], firstPartition: number): number[][] {
  const placement: number[][] = [];
  for (let p = 0; p < numPartitions; p++) {
    const replicas: number[] = [];
    for (let r = 0; r < replicationFactor; r++) replicas.push(brokers[(firstPartition + p + r) % brokers.length]);
    placement.push(replicas);
  }
  return placement;
}
