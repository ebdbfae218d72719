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
import type { BrokerHeartbeatRequest } from '../../src/protocol/generated/clients/broker-heartbeat-request.js';
import { ErrorCode, KafkaProtocolError } from '../../src/protocol/errors.js';
import { ZERO_UUID } from '../../src/protocol/primitives.js';
import { BrokerSessions } from './broker-registry.js';
import { isActiveBroker, leadershipChanges, placeReplicas, PlacementError, type LeadershipChange } from './placement.js';
import {
  ConfigResourceType,
  FencingChange,
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
import { LeaderBalanceSchedule, planElectLeaders, planLeaderRebalance } from './leader-election.js';
import type { ElectLeadersRequest } from '../../src/protocol/generated/clients/elect-leaders-request.js';
import type { ElectLeadersResponse } from '../../src/protocol/generated/clients/elect-leaders-response.js';
import { listReassignments, planReassignments } from './reassignment.js';
import type { AlterPartitionReassignmentsRequest } from '../../src/protocol/generated/clients/alter-partition-reassignments-request.js';
import type { AlterPartitionReassignmentsResponse } from '../../src/protocol/generated/clients/alter-partition-reassignments-response.js';
import type { ListPartitionReassignmentsTopics } from '../../src/protocol/generated/clients/list-partition-reassignments-request.js';
import type { OngoingTopicReassignment } from '../../src/protocol/generated/clients/list-partition-reassignments-response.js';

export interface ControllerResult<T> {
  records: MetadataRecord[];
  response: T;
  /** Told the offset of the last record once the records committed. */
  committed?(offset: bigint): void;
}

/** Where the controller's records go: the Raft leader's log. */
export interface MetadataLogAppender {
  /** Appends the records as one batch and resolves with the offset of the last one once committed. */
  append(records: readonly MetadataRecord[]): Promise<bigint>;
}

export interface ControllerSettings {
  nodeId: number;
  clusterId: string;
  numPartitions: number;
  defaultReplicationFactor: number;
  deleteTopicEnable: boolean;
  /** broker.session.timeout.ms: a broker silent this long is fenced. */
  brokerSessionTimeoutMs: number;
  /** Returns an error message for a topic config that is not valid, or null. */
  validateTopicConfig(name: string, value: string | null): string | null;
  /** unclean.leader.election.enable for a topic, its override over the broker's setting. */
  uncleanLeaderElection(image: MetadataImage, topic: string): boolean;
  /**
   * Where a node whose controller is not active sends the topics clients ask for by name
   * (Kafka's AutoTopicCreationManager: CreateTopics to the active controller).
   */
  createTopicsRemotely(topics: readonly TopicToCreate[]): Promise<CreatableTopicResult[]>;
  /** leader.imbalance.check.interval.seconds in ms; null when auto.leader.rebalance.enable is false. */
  leaderImbalanceCheckIntervalMs: number | null;
}

/** What a broker asks for in BrokerRegistration. */
export interface BrokerRegistration {
  brokerId: number;
  clusterId: string;
  incarnationId: string;
  endpoints: readonly BrokerEndpointImage[];
  rack: string | null;
}

/** BrokerHeartbeat, as the controller answers it. */
export interface HeartbeatOutcome {
  errorCode: number;
  isCaughtUp: boolean;
  isFenced: boolean;
  shouldShutDown: boolean;
}

const SESSION_CHECK_INTERVAL_MS = 100;

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
  private readonly sessions: BrokerSessions;
  private sessionTimer: NodeJS.Timeout | null = null;
  private readonly leaderBalance: LeaderBalanceSchedule | null;

  constructor(
    private readonly settings: ControllerSettings,
    private readonly log: MetadataLogAppender,
    /** The image of the committed records: the append of an operation resolves once its records are in it. */
    private readonly committedImage: () => MetadataImage,
    now: () => number = Date.now,
  ) {
    this.sessions = new BrokerSessions(settings.brokerSessionTimeoutMs, now);
    const interval = settings.leaderImbalanceCheckIntervalMs;
    this.leaderBalance = interval === null ? null : new LeaderBalanceSchedule(interval, committedImage, () => this.balanceLeaders());
  }

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
      const { records, response, committed } = operation(this.committedImage());
      if (records.length > 0) {
        const offset = await this.log.append(records);
        committed?.(offset);
      }
      this.leaderBalance?.maybeSchedule();
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
    this.sessions.reset(this.committedImage(), this.settings.nodeId);
    this.sessionTimer = setInterval(() => this.fenceExpiredBrokers(), Math.min(SESSION_CHECK_INTERVAL_MS, this.settings.brokerSessionTimeoutMs));
    this.sessionTimer.unref();
    await this.run((image) => ({
      records: image.features.has('metadata.version') ? [] : [{ type: 'FeatureLevel', version: 0, record: { name: 'metadata.version', featureLevel: METADATA_VERSION_LEVEL } }],
      response: undefined,
    }));
  }

  /** Leadership moved away: operations not yet committed fail, later ones are refused. */
  deactivate(): void {
    this.active = false;
    if (this.sessionTimer !== null) clearInterval(this.sessionTimer);
    this.sessionTimer = null;
    this.leaderBalance?.cancel();
  }

  private leaving(image: MetadataImage, change: Omit<LeadershipChange, 'uncleanElection'>): MetadataRecord[] {
    return leadershipChanges(image, { ...change, uncleanElection: (topic) => this.settings.uncleanLeaderElection(image, topic) });
  }

  /**
   * BrokerRegistration (ClusterControlManager.registerBroker): the broker is registered fenced
   * under a new epoch; it is unfenced by a heartbeat once it has replayed its registration. A
   * broker that comes back under a new incarnation had stopped without a controlled shutdown:
   * it leaves every ISR and leadership until it catches up (Kafka's unclean-shutdown handling).
   */
  registerBroker(request: BrokerRegistration): Promise<{ errorCode: number; brokerEpoch: bigint }> {
    return this.run((image): ControllerResult<{ errorCode: number; brokerEpoch: bigint }> => {
      if (request.clusterId !== this.settings.clusterId) return { records: [], response: { errorCode: ErrorCode.INCONSISTENT_CLUSTER_ID, brokerEpoch: -1n } };
      const existing = image.brokers.get(request.brokerId);
      if (existing !== undefined && existing.incarnationId !== request.incarnationId && !existing.fenced && this.sessions.hasValidSession(request.brokerId)) {
        return { records: [], response: { errorCode: ErrorCode.DUPLICATE_BROKER_REGISTRATION, brokerEpoch: -1n } };
      }
      const records: MetadataRecord[] = [];
      if (!image.features.has('metadata.version')) {
        records.push({ type: 'FeatureLevel', version: 0, record: { name: 'metadata.version', featureLevel: METADATA_VERSION_LEVEL } });
      }
      if (existing !== undefined) records.push(...this.leaving(image, { remove: request.brokerId }));
      const brokerEpoch = image.offset + 1n;
      records.push({
        type: 'RegisterBroker',
        version: 3,
        record: {
          brokerId: request.brokerId,
          isMigratingZkBroker: false,
          incarnationId: request.incarnationId,
          brokerEpoch,
          endPoints: request.endpoints.map((e) => ({ name: e.listener, host: e.host, port: e.port, securityProtocol: e.securityProtocol })),
          features: [{ name: 'metadata.version', minSupportedVersion: 1, maxSupportedVersion: METADATA_VERSION_LEVEL }],
          rack: request.rack,
          fenced: true,
          inControlledShutdown: false,
          logDirs: [],
        },
      });
      return {
        records,
        response: { errorCode: ErrorCode.NONE, brokerEpoch },
        committed: (offset) => this.sessions.registered(request.brokerId, offset),
      };
    });
  }

  /**
   * BrokerHeartbeat (BrokerHeartbeatManager + ReplicationControlManager.processBrokerHeartbeat):
   * renews the session; unfences a caught-up broker (electing it where partitions had no leader);
   * on wantShutDown moves its leaderships away and out of ISRs first, and answers shouldShutDown
   * (fencing it) once the broker has replayed that move.
   */
  brokerHeartbeat(request: BrokerHeartbeatRequest): Promise<HeartbeatOutcome> {
    return this.run((image): ControllerResult<HeartbeatOutcome> => {
      const id = request.brokerId;
      const broker = image.brokers.get(id);
      const outcome: HeartbeatOutcome = { errorCode: ErrorCode.NONE, isCaughtUp: false, isFenced: true, shouldShutDown: false };
      if (broker === undefined || broker.epoch !== request.brokerEpoch) return { records: [], response: { ...outcome, errorCode: ErrorCode.STALE_BROKER_EPOCH } };
      const session = this.sessions.touch(id);
      outcome.isCaughtUp = request.currentMetadataOffset >= session.caughtUpOffset;
      outcome.isFenced = broker.fenced;
      const change = (fenced: number, inControlledShutdown: number): MetadataRecord => ({
        type: 'BrokerRegistrationChange',
        version: 1,
        record: { brokerId: id, brokerEpoch: broker.epoch, fenced, inControlledShutdown, logDirs: [] },
      });
      if (request.wantShutDown) {
        if (broker.fenced) return { records: [], response: { ...outcome, shouldShutDown: true } };
        if (session.controlledShutdownOffset === null) {
          if (broker.inControlledShutdown) session.controlledShutdownOffset = image.offset;
          else {
            const records = [...this.leaving(image, { remove: id }), change(FencingChange.None, 1)];
            return { records, response: outcome, committed: (offset) => (session.controlledShutdownOffset = offset) };
          }
        }
        if (request.currentMetadataOffset < session.controlledShutdownOffset) return { records: [], response: outcome };
        this.sessions.forget(id);
        return { records: [change(FencingChange.Fence, 0)], response: { ...outcome, isFenced: true, shouldShutDown: true } };
      }
      if (broker.fenced && outcome.isCaughtUp && !request.wantFence) {
        const records = [change(FencingChange.Unfence, 0), ...this.leaving(image, { add: id })];
        return { records, response: { ...outcome, isFenced: false } };
      }
      return { records: [], response: outcome };
    });
  }

  /** Brokers silent for broker.session.timeout.ms are fenced, their leaderships moved (handleBrokerFenced). */
  private fenceExpiredBrokers(): void {
    if (!this.active) return;
    const image = this.committedImage();
    for (const id of this.sessions.expired(image)) {
      this.run((current) => {
        const broker = current.brokers.get(id);
        if (broker === undefined || broker.fenced || this.sessions.hasValidSession(id)) return { records: [], response: undefined };
        const fence: MetadataRecord = {
          type: 'BrokerRegistrationChange',
          version: 1,
          record: { brokerId: id, brokerEpoch: broker.epoch, fenced: FencingChange.Fence, inControlledShutdown: 0, logDirs: [] },
        };
        return { records: [...this.leaving(current, { remove: id }), fence], response: undefined };
      }).catch(() => undefined);
    }
  }

  createTopics(topics: readonly TopicToCreate[], validateOnly: boolean): Promise<CreatableTopicResult[]> {
    return this.run((image) => {
      const records: MetadataRecord[] = [];
      const results: CreatableTopicResult[] = [];
      const seen = new Set<string>();
      const duplicates = new Set(topics.filter((t) => seen.has(t.name) || !seen.add(t.name)).map((t) => t.name));
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
        const placement = this.placeReplicas(topic, image);
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
        placement.forEach((replicas, partitionId) => records.push(partitionRecord(image, topicId, partitionId, replicas)));
      }
      return { records, response: results };
    });
  }

  /** Topics that clients asked for by name, created with the broker's defaults (auto.create.topics.enable). */
  autoCreateTopics(names: readonly string[]): Promise<CreatableTopicResult[]> {
    const topics = names.filter((n) => !isInternalTopic(n)).map((name) => ({ name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] }));
    return this.active ? this.createTopics(topics, false) : this.settings.createTopicsRemotely(topics);
  }

  /** Replica lists per partition, or why the request cannot be placed (ReplicationControlManager.createTopic). */
  private placeReplicas(topic: TopicToCreate | CreatableTopic, image: MetadataImage): number[][] | PlacementError {
    if (topic.assignments.length > 0) {
      if (topic.replicationFactor !== -1) return new PlacementError(ErrorCode.INVALID_REQUEST, 'A manual partition assignment was specified, but replication factor was not set to -1.');
      if (topic.numPartitions !== -1) return new PlacementError(ErrorCode.INVALID_REQUEST, 'A manual partition assignment was specified, but numPartitions was not set to -1.');
      const byIndex = new Map<number, number[]>();
      for (const a of topic.assignments) {
        if (byIndex.has(a.partitionIndex)) return new PlacementError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Found multiple manual partition assignments for partition ${a.partitionIndex}`);
        const problem = manualAssignmentProblem(image, a.partitionIndex, a.brokerIds, byIndex.values().next().value?.length);
        if (problem !== null) return problem;
        byIndex.set(a.partitionIndex, a.brokerIds);
      }
      for (let i = 0; i < byIndex.size; i++) {
        if (!byIndex.has(i)) return new PlacementError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'partitions should be a consecutive 0-based integer sequence');
      }
      return [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i)!);
    }
    if (topic.replicationFactor < -1 || topic.replicationFactor === 0) {
      return new PlacementError(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.');
    }
    if (topic.numPartitions < -1 || topic.numPartitions === 0) return new PlacementError(ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.');
    const numPartitions = topic.numPartitions === -1 ? this.settings.numPartitions : topic.numPartitions;
    const replicationFactor = topic.replicationFactor === -1 ? this.settings.defaultReplicationFactor : topic.replicationFactor;
    return placeOrRefuse(image, numPartitions, replicationFactor, 0);
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
        let placement: number[][] | PlacementError;
        if (t.assignments !== null) {
          if (t.assignments.length !== t.count - current) {
            return { ...result, errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: `Attempted to add ${t.count - current} additional partition(s), but only ${t.assignments.length} assignment(s) were specified.` };
          }
          const problem = t.assignments.map((a, i) => manualAssignmentProblem(image, current + i, a.brokerIds, replicationFactor)).find((p) => p !== null);
          placement = problem ?? t.assignments.map((a) => a.brokerIds);
        } else {
          placement = placeOrRefuse(image, t.count - current, replicationFactor, current);
        }
        if (!Array.isArray(placement)) return { ...result, errorCode: placement.code, errorMessage: placement.message };
        if (!validateOnly) placement.forEach((replicas, i) => records.push(partitionRecord(image, topic.topicId, current + i, replicas)));
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

  /** AlterPartitionReassignments: start, change or cancel reassignments (reassignment.ts). */
  alterPartitionReassignments(request: AlterPartitionReassignmentsRequest): Promise<AlterPartitionReassignmentsResponse> {
    return this.run((image) => planReassignments(image, request, (topic) => this.settings.uncleanLeaderElection(image, topic)));
  }

  /** ListPartitionReassignments, from the image every earlier operation has committed to. */
  listPartitionReassignments(topics: readonly ListPartitionReassignmentsTopics[] | null): Promise<OngoingTopicReassignment[]> {
    return this.run((image) => ({ records: [], response: listReassignments(image, topics) }));
  }

  /** ElectLeaders: PREFERRED or UNCLEAN elections of the partitions named, or of all (leader-election.ts). */
  electLeaders(request: ElectLeadersRequest): Promise<ElectLeadersResponse> {
    return this.run((image) => planElectLeaders(image, request));
  }

  /** One pass of auto.leader.rebalance.enable; resolves with whether another should follow at once. */
  private balanceLeaders(): Promise<boolean> {
    return this.run((image) => {
      const { records, more } = planLeaderRebalance(image);
      return { records, response: more };
    });
  }

  /** Reserves a block of producer ids for InitProducerId; returns the first id of the block. */
  allocateProducerIds(brokerId: number, brokerEpoch: bigint): Promise<bigint> {
    return this.run((image) => {
      const first = image.nextProducerId;
      const record: MetadataRecord = {
        type: 'ProducerIds',
        version: 0,
        record: { brokerId, brokerEpoch, nextProducerId: first + PRODUCER_ID_BLOCK_SIZE },
      };
      return { records: [record], response: first };
    });
  }
}

/** Kafka's placer, its refusals as INVALID_REPLICATION_FACTOR with ReplicationControlManager's prefix. */
function placeOrRefuse(image: MetadataImage, numPartitions: number, replicationFactor: number, firstPartition: number): number[][] | PlacementError {
  try {
    return placeReplicas(image, numPartitions, replicationFactor, firstPartition);
  } catch (err) {
    if (!(err instanceof PlacementError)) throw err;
    return new PlacementError(ErrorCode.INVALID_REPLICATION_FACTOR, `Unable to replicate the partition ${replicationFactor} time(s): ${err.message}`);
  }
}

/** ReplicationControlManager.validateManualPartitionAssignment, and its check that someone can lead. */
function manualAssignmentProblem(image: MetadataImage, partitionIndex: number, brokerIds: readonly number[], replicationFactor: number | undefined): PlacementError | null {
  const bad = (message: string): PlacementError => new PlacementError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, message);
  if (brokerIds.length === 0) return bad('The manual partition assignment includes an empty replica list.');
  const unknown = brokerIds.find((id) => !image.brokers.has(id));
  if (unknown !== undefined) return bad(`The manual partition assignment includes broker ${unknown}, but no such broker is registered.`);
  if (new Set(brokerIds).size !== brokerIds.length) return bad(`The manual partition assignment includes the broker ${brokerIds.find((id, i) => brokerIds.indexOf(id) !== i)} more than once.`);
  if (replicationFactor !== undefined && brokerIds.length !== replicationFactor) {
    return bad(`The manual partition assignment includes a partition with ${brokerIds.length} replica(s), but this is not consistent with previous partitions, which have ${replicationFactor} replica(s).`);
  }
  if (!brokerIds.some((id) => isActiveBroker(image.brokers.get(id)))) {
    return bad(`All brokers specified in the manual partition assignment for partition ${partitionIndex} are fenced or in controlled shutdown.`);
  }
  return null;
}

/** A new partition: its ISR is the replicas that are active, led by the first of them. */
function partitionRecord(image: MetadataImage, topicId: string, partitionId: number, replicas: number[]): MetadataRecord {
  const isr = replicas.filter((id) => isActiveBroker(image.brokers.get(id)));
  return {
    type: 'Partition',
    version: 0,
    record: {
      partitionId,
      topicId,
      replicas,
      isr,
      removingReplicas: [],
      addingReplicas: [],
      leader: isr[0],
      leaderRecoveryState: 0,
      leaderEpoch: 0,
      partitionEpoch: 0,
      directories: [],
      eligibleLeaderReplicas: null,
      lastKnownElr: null,
    },
  };
}
