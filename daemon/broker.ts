// The broker: what a handler can reach, and the order in which it all starts and stops.
import { statfs } from 'node:fs/promises';
import { api } from '../src/client/connection.js';
import { AllocateProducerIdsRequest } from '../src/protocol/generated/clients/allocate-producer-ids-request.js';
import { AllocateProducerIdsResponse } from '../src/protocol/generated/clients/allocate-producer-ids-response.js';
import type { AlterPartitionRequest } from '../src/protocol/generated/clients/alter-partition-request.js';
import { CreateTopicsRequest } from '../src/protocol/generated/clients/create-topics-request.js';
import { CreateTopicsResponse, type CreatableTopicResult } from '../src/protocol/generated/clients/create-topics-response.js';
import { ErrorCode, KafkaProtocolError } from '../src/protocol/errors.js';
import type { CreatableTopicConfig } from '../src/protocol/generated/clients/create-topics-request.js';
import type { CreatableTopicConfigs } from '../src/protocol/generated/clients/create-topics-response.js';
import type { TopicConfigEntry } from '../src/config/topic-configs.js';
import { BrokerLifecycle } from './controller/broker-lifecycle.js';
import { ControllerChannel } from './controller/controller-channel.js';
import { MetadataLog, type MetadataQuorumSettings } from './controller/metadata-log.js';
import { ConfigResourceType, EMPTY_IMAGE, resourceConfigs, topicConfigs, type MetadataImage } from './controller/metadata-image.js';
import type { RaftNode } from './controller/raft/raft-node.js';
import { CONSUMER_OFFSETS_TOPIC } from './controller/topic-names.js';
import { QuorumController, type TopicToCreate } from './controller/quorum-controller.js';
import { GroupCoordinator, type GroupCoordinatorSettings } from './coordinator/group-coordinator.js';
import { ProducerIdManager } from './coordinator/producer-ids.js';
import { ApiKey } from '../src/protocol/api-keys.js';
import { controllerHandlerTable } from './handlers/controller-index.js';
import { allocateBlock } from './handlers/allocate-producer-ids.js';
import { heartbeat } from './handlers/broker-heartbeat.js';
import { registerBroker } from './handlers/broker-registration.js';
import { FORWARDED_APIS, withForwarding } from './handlers/forwarding.js';
import { handlerTable } from './handlers/index.js';
import type { ApiHandler } from './handlers/types.js';
import type { Clock } from './log/clock.js';
import type { LogConfig } from './log/log-config.js';
import { LogManager, type LogManagerOptions } from './log/log-manager.js';
import type { Logger } from './logger.js';
import { SocketServer, type BoundListener, type ListenerSpec } from './network/socket-server.js';
import { FetchSessionCache } from './replication/fetch-session.js';
import { ALTER_PARTITION, ReplicaManager, replicationSettings } from './replication/replica-manager.js';
import { ByteRateThrottle } from './quotas/byte-rate-throttle.js';
import { CONSUMER_BYTE_RATE, PRODUCER_BYTE_RATE } from './quotas/client-quota-entities.js';
import { Authorizer, type AuthorizerSettings } from './security/authorizer.js';

export interface ListenerSettings {
  name: string;
  host: string;
  port: number;
  /** Kafka's SecurityProtocol id: 0 PLAINTEXT, 1 SSL, 2 SASL_PLAINTEXT, 3 SASL_SSL. */
  securityProtocol: number;
}

/** Dynamic broker configs from the metadata log: this broker's own, and the cluster-wide defaults. */
export interface DynamicBrokerConfigs {
  perBroker: ReadonlyMap<string, string>;
  clusterDefault: ReadonlyMap<string, string>;
}

export interface TopicSettings {
  log: LogConfig;
  minInsyncReplicas: number;
}

/** What the broker needs from its configuration, already parsed and validated. */
export interface BrokerSettings {
  nodeId: number;
  clusterId: string;
  /** `broker`, `controller`, or both (combined mode). */
  processRoles: readonly ('broker' | 'controller')[];
  /** Client listeners (the controller listener is not served to clients). */
  listeners: ListenerSettings[];
  /** The listeners of controller.listener.names this node binds, served the quorum's own handler table. */
  controllerListeners: ListenerSpec[];
  /** controller.quorum.voters and the quorum's timeouts; `listenerName` is the controller listener the voters are reached on. */
  quorum: Omit<MetadataQuorumSettings, 'nodeId' | 'clusterId'> & { listenerName: string };
  /** What Metadata tells clients to connect to, per listener name. */
  advertisedListeners: ListenerSettings[];
  logDirs: string[];
  rack: string | null;
  numPartitions: number;
  defaultReplicationFactor: number;
  autoCreateTopicsEnable: boolean;
  deleteTopicEnable: boolean;
  uncleanLeaderElectionEnable: boolean;
  /** leader.imbalance.check.interval.seconds in ms; null when auto.leader.rebalance.enable is false. */
  leaderImbalanceCheckIntervalMs: number | null;
  brokerHeartbeatIntervalMs: number;
  brokerSessionTimeoutMs: number;
  socketRequestMaxBytes: number;
  connectionsMaxIdleMs: number;
  queuedMaxRequests: number;
  retentionCheckIntervalMs: number;
  /** How often the log manager cleans, flushes and checkpoints. */
  logManager: LogManagerOptions;
  /** Effective settings of a topic given its dynamic overrides; throws on an invalid override. */
  topicSettings(overrides: ReadonlyMap<string, string>, dynamic?: DynamicBrokerConfigs): TopicSettings;
  /** The error for one topic config in a create request, or null when it is valid. */
  validateTopicConfig(name: string, value: string | null): string | null;
  /** The first error in a topic's whole set of overrides (an alter request), or null. */
  validateTopicConfigs(configs: ReadonlyMap<string, string>, dynamic: DynamicBrokerConfigs): string | null;
  /** The effective configs of a topic with these overrides (CreateTopics v5+, DescribeConfigs). */
  describeTopicConfigs(overrides: ReadonlyMap<string, string>, dynamic?: DynamicBrokerConfigs): CreatableTopicConfigs[];
  /** Each topic config's value, source and synonyms (DescribeConfigs); throws on an invalid override. */
  topicConfigEntries(overrides: ReadonlyMap<string, string>, dynamic: DynamicBrokerConfigs): TopicConfigEntry[];
  /** The broker's own properties (server.properties and --override). */
  staticBrokerConfigs: ReadonlyMap<string, string>;
  groupCoordinator: GroupCoordinatorSettings;
  /** The ACL authorizer's settings; null when none is configured and every request is allowed. */
  authorizer: AuthorizerSettings | null;
}

const SHUTDOWN_GRACE_MS = 5_000;
const MAX_FETCH_SESSIONS = 1000;
/** How long a stopping broker waits for the controller to move its leaderships away. */
const CONTROLLED_SHUTDOWN_TIMEOUT_MS = 10_000;
const CREATE_TOPICS = api(CreateTopicsRequest, CreateTopicsResponse);
const ALLOCATE_PRODUCER_IDS = api(AllocateProducerIdsRequest, AllocateProducerIdsResponse);

/** What a broker asks its own controller in-process when that controller is active. */
const LOCAL_CONTROLLER_CALLS = new Map<number, (controller: QuorumController, request: never) => Promise<unknown>>([
  [ApiKey.BrokerRegistration, registerBroker],
  [ApiKey.BrokerHeartbeat, heartbeat],
  [ApiKey.AllocateProducerIds, allocateBlock],
  [
    ApiKey.AlterPartition,
    (controller, request: AlterPartitionRequest) =>
      controller.alterPartition(request, ALTER_PARTITION.request.validVersions.max).catch((err: unknown) => {
        if (err instanceof KafkaProtocolError) return { throttleTimeMs: 0, errorCode: err.code, topics: [] };
        throw err;
      }),
  ],
]);

/** The client table, with the requests that change metadata forwarded when this node's controller is not active. */
function clientHandlers(consumerGroups: boolean): ReadonlyMap<number, ApiHandler> {
  const table = new Map<number, ApiHandler>();
  for (const [apiKey, handler] of handlerTable) {
    if (!consumerGroups && (apiKey === ApiKey.ConsumerGroupHeartbeat || apiKey === ApiKey.ConsumerGroupDescribe)) continue;
    table.set(apiKey, FORWARDED_APIS.has(apiKey) ? withForwarding(handler) : handler);
  }
  return table;
}

export class Broker {
  /** Byte-rate quotas on what producers append and what consumers are sent, per quota entity. */
  readonly produceQuotas = new ByteRateThrottle(PRODUCER_BYTE_RATE);
  readonly fetchQuotas = new ByteRateThrottle(CONSUMER_BYTE_RATE);
  readonly handlers: ReadonlyMap<number, ApiHandler>;
  readonly fetchSessions: FetchSessionCache;
  readonly producerIds: ProducerIdManager;
  readonly replicas: ReplicaManager;
  readonly controller: QuorumController;
  /** Requests to the active controller, wherever it runs (registration, heartbeats, forwarding). */
  readonly controllerChannel: ControllerChannel;
  readonly lifecycle: BrokerLifecycle;
  readonly groupCoordinator: GroupCoordinator;
  image: MetadataImage = EMPTY_IMAGE;
  private authorizerCache: { acls: MetadataImage['acls']; authorizer: Authorizer } | null = null;
  private applied: Promise<void> = Promise.resolve();
  private readonly imageWaiters = new Set<() => void>();
  private readonly server: SocketServer;
  private readonly controllerServer: SocketServer;
  boundListeners: BoundListener[] = [];
  controllerBoundListeners: BoundListener[] = [];
  /** Resolves once this node's controller accepts operations (set each time it becomes the quorum leader). */
  private activation: Promise<void> | null = null;

  private constructor(
    readonly config: BrokerSettings,
    private readonly logs: LogManager,
    private readonly metadataLog: MetadataLog,
    readonly log: Logger,
    clock: Clock,
  ) {
    // Without `consumer` in group.coordinator.rebalance.protocols the KIP-848 APIs are not
    // served, so ApiVersions (computed from this table) does not offer them, as Kafka.
    this.handlers = !this.isBroker ? controllerHandlerTable : clientHandlers(config.groupCoordinator.consumer?.enabled !== false);
    this.controllerChannel = new ControllerChannel({
      nodeId: config.nodeId,
      voters: config.quorum.voters,
      currentLeader: () => this.raft.leaderId,
      requestTimeoutMs: config.quorum.requestTimeoutMs,
      retryBackoffMs: config.quorum.retryBackoffMs,
      local: (apiKey, request) => {
        const call = LOCAL_CONTROLLER_CALLS.get(apiKey);
        return call !== undefined && this.controller.isActive ? call(this.controller, request as never) : null;
      },
    });
    this.lifecycle = new BrokerLifecycle(
      { nodeId: config.nodeId, clusterId: config.clusterId, heartbeatIntervalMs: config.brokerHeartbeatIntervalMs, metadataOffset: () => this.image.offset },
      this.controllerChannel,
      log,
    );
    this.fetchSessions = new FetchSessionCache(MAX_FETCH_SESSIONS, () => clock.now());
    this.replicas = new ReplicaManager(config.nodeId, logs, (topic) => this.topicConfig(topic).log, log);
    this.controller = new QuorumController(
      {
        nodeId: config.nodeId,
        clusterId: config.clusterId,
        numPartitions: config.numPartitions,
        defaultReplicationFactor: config.defaultReplicationFactor,
        deleteTopicEnable: config.deleteTopicEnable,
        brokerSessionTimeoutMs: config.brokerSessionTimeoutMs,
        validateTopicConfig: (name, value) => config.validateTopicConfig(name, value),
        uncleanLeaderElection: (image, topic) => {
          const override = topicConfigs(image, topic).get('unclean.leader.election.enable');
          return override === undefined ? config.uncleanLeaderElectionEnable : override === 'true';
        },
        createTopicsRemotely: (topics) => this.createTopicsRemotely(topics),
        leaderImbalanceCheckIntervalMs: config.leaderImbalanceCheckIntervalMs,
      },
      metadataLog,
      () => metadataLog.image,
    );
    this.groupCoordinator = new GroupCoordinator(
      {
        nodeId: config.nodeId,
        currentImage: () => this.image,
        createTopic: async (topic) => (await (this.controller.isActive ? this.controller.createTopics([topic], false) : this.createTopicsRemotely([topic])))[0],
        awaitMetadataApplied: () => this.awaitMetadataApplied(),
        partition: (topic, partitionId) => this.replicas.getPartition(topic, partitionId),
        appendToLeader: (topic, partitionId, records, timeoutMs) =>
          this.replicas.appendToLeader(topic, partitionId, records, -1, this.topicConfig(CONSUMER_OFFSETS_TOPIC).minInsyncReplicas, timeoutMs),
      },
      config.groupCoordinator,
      clock,
      log,
    );
    this.producerIds = new ProducerIdManager(() => this.allocateProducerIds());
    const limits = { maxRequestBytes: config.socketRequestMaxBytes, maxInFlightRequests: config.queuedMaxRequests, idleTimeoutMs: config.connectionsMaxIdleMs };
    this.server = new SocketServer(this.handlers, limits, log);
    this.controllerServer = new SocketServer(controllerHandlerTable, limits, log);
  }

  get isBroker(): boolean {
    return this.config.processRoles.includes('broker');
  }

  get isController(): boolean {
    return this.config.processRoles.includes('controller');
  }

  /** This node's member of the metadata quorum (a voter, or an observer on a broker-only node). */
  get raft(): RaftNode {
    return this.metadataLog.raft;
  }

  get nodeId(): number {
    return this.config.nodeId;
  }

  get clusterId(): string {
    return this.config.clusterId;
  }

  /**
   * Opens the logs, joins the metadata quorum and serves the controller listener; a broker then
   * waits for its controller to lead with everything committed replayed, listens, and registers.
   */
  static async start(config: BrokerSettings, log: Logger, clock: Clock): Promise<Broker> {
    const logs = await LogManager.open(config.logDirs, config.topicSettings(new Map()).log, clock, log, config.logManager);
    const metadataLog = await MetadataLog.open(logs, { nodeId: config.nodeId, clusterId: config.clusterId, ...config.quorum }, log);
    const broker = new Broker(config, logs, metadataLog, log, clock);
    await metadataLog.start({
      onImage: (image) => broker.publish(image),
      onLeaderChange: (_leader, isLocal) => broker.onLeaderChange(isLocal),
    });
    if (broker.isController) {
      for (const listener of config.controllerListeners) broker.controllerBoundListeners.push(await broker.controllerServer.listen(listener, broker));
    }
    if (!broker.isBroker) return broker;
    // A node that is the whole quorum leads as soon as it has replayed the log: register once it does.
    if (config.quorum.voters.length === 1 && config.quorum.voters[0].id === config.nodeId) {
      if (broker.activation === null) throw new Error('the metadata quorum elected no leader at start');
      await broker.activation;
    }

    // Clients are served only once this broker is unfenced with the metadata replayed; before, a
    // restarted broker's image is empty and would tell producers their topics are gone.
    let enableRequests = (): void => {};
    broker.server.holdRequestsUntil(new Promise<void>((resolve) => (enableRequests = resolve)));
    broker.boundListeners = [];
    for (const listener of config.listeners) broker.boundListeners.push(await broker.server.listen(listener, broker));
    broker.replicas.startReplication(
      replicationSettings(config.staticBrokerConfigs, config.listeners, (request) => broker.controllerChannel.send(ALTER_PARTITION, request)),
    );
    const advertised = config.advertisedListeners.map((a) => {
      const bound = broker.boundListeners.find((b) => b.name === a.name);
      // An advertised port of 0 (tests binding a random port) means the port actually bound.
      return { listener: a.name, host: a.host, port: a.port === 0 && bound ? bound.boundPort : a.port, securityProtocol: a.securityProtocol };
    });
    await broker.lifecycle.register(advertised, config.rack);
    await broker.lifecycle.awaitUnfenced();
    // Ready once this node's own image lists it, so its Metadata answers name it.
    await broker.awaitImage((image) => image.brokers.get(config.nodeId)?.fenced === false);
    await broker.awaitMetadataApplied();
    enableRequests();
    logs.startRetention(config.retentionCheckIntervalMs);
    return broker;
  }

  /** The authorizer over the current image's ACLs, or null when no authorizer is configured. */
  authorizer(): Authorizer | null {
    const settings = this.config.authorizer;
    if (settings === null) return null;
    const acls = this.image.acls;
    if (this.authorizerCache?.acls !== acls) this.authorizerCache = { acls, authorizer: new Authorizer(settings, acls.values()) };
    return this.authorizerCache.authorizer;
  }

  /** Settings of a topic: the broker's defaults under the topic's dynamic overrides. */
  topicConfig(topic: string): TopicSettings {
    return this.config.topicSettings(topicConfigs(this.image, topic), this.dynamicBrokerConfigs());
  }

  /** The dynamic broker configs in the current image; the same maps until they change. */
  dynamicBrokerConfigs(): DynamicBrokerConfigs {
    const image = this.image;
    return {
      perBroker: resourceConfigs(image, ConfigResourceType.Broker, String(this.config.nodeId)),
      clusterDefault: resourceConfigs(image, ConfigResourceType.Broker, ''),
    };
  }

  describeTopicConfigsForCreate(topic: string, requested: readonly CreatableTopicConfig[]): CreatableTopicConfigs[] {
    const overrides = new Map<string, string>();
    for (const c of requested) if (c.value !== null) overrides.set(c.name, c.value);
    return this.config.describeTopicConfigs(overrides.size > 0 ? overrides : topicConfigs(this.image, topic), this.dynamicBrokerConfigs());
  }

  async diskSpace(dir: string): Promise<{ totalBytes: bigint; usableBytes: bigint }> {
    try {
      const s = await statfs(dir, { bigint: true });
      return { totalBytes: s.blocks * s.bsize, usableBytes: s.bavail * s.bsize };
    } catch {
      return { totalBytes: -1n, usableBytes: -1n };
    }
  }

  /** Resolves once an image satisfying `ready` has been published. */
  awaitImage(ready: (image: MetadataImage) => boolean): Promise<void> {
    if (ready(this.image)) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (!ready(this.image)) return;
        this.imageWaiters.delete(check);
        resolve();
      };
      this.imageWaiters.add(check);
    });
  }

  /** CreateTopics sent to the active controller (auto-created and internal topics on a node that is not it). */
  private async createTopicsRemotely(topics: readonly TopicToCreate[]): Promise<CreatableTopicResult[]> {
    const response = await this.controllerChannel.send(CREATE_TOPICS, {
      topics: topics.map((t) => ({ ...t, assignments: t.assignments.map((a) => ({ ...a })), configs: t.configs.map((c) => ({ ...c })) })),
      timeoutMs: this.config.quorum.requestTimeoutMs,
      validateOnly: false,
    });
    return response.topics;
  }

  /** A block of producer ids from the active controller (AllocateProducerIds). */
  private async allocateProducerIds(): Promise<bigint> {
    const response = await this.controllerChannel.send(ALLOCATE_PRODUCER_IDS, { brokerId: this.nodeId, brokerEpoch: this.lifecycle.brokerEpoch });
    if (response.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(response.errorCode, 'the controller allocated no producer ids');
    return response.producerIdStart;
  }

  /** Resolves once the hosted partitions reflect every image published so far. */
  awaitMetadataApplied(): Promise<void> {
    return this.applied;
  }

  /** Only the quorum leader runs the controller, once it has replayed everything committed before its epoch. */
  private onLeaderChange(isLocal: boolean): void {
    this.controller.deactivate();
    this.activation = null;
    if (!isLocal) return;
    const activation = this.raft.awaitLeaderCaughtUp().then(() => this.controller.activate());
    activation.catch((err: Error) => this.log.info(`controller not activated: ${err.message}`));
    this.activation = activation;
  }

  private publish(image: MetadataImage): void {
    this.image = image;
    this.applied = this.replicas.applyImage(image);
    this.groupCoordinator.onMetadata(image);
    for (const waiter of [...this.imageWaiters]) waiter();
  }

  /** Controlled shutdown: stop accepting, let in-flight requests finish, flush and checkpoint. */
  async shutdown(): Promise<void> {
    // Requests parked in a rebalance are answered first, so they do not hold up the drain.
    this.groupCoordinator.shutdown();
    // Leaderships move to other brokers while this one still serves, so clients follow them.
    if (this.isBroker) await this.lifecycle.controlledShutdown(Math.min(CONTROLLED_SHUTDOWN_TIMEOUT_MS, this.config.brokerSessionTimeoutMs));
    // Fetchers stop, and produces waiting for the ISR are answered, before the connections drain.
    await this.replicas.shutdown();
    await this.server.shutdown(SHUTDOWN_GRACE_MS);
    // A leader resigns while its controller listener still answers, so the others elect a successor at once.
    this.controllerChannel.close();
    await this.metadataLog.close();
    await this.controllerServer.shutdown(SHUTDOWN_GRACE_MS);
    await this.applied;
    const highWatermarks = new Map<string, bigint>();
    for (const p of this.replicas.allPartitions()) highWatermarks.set(`${p.topic}-${p.partitionId}`, p.highWatermark);
    await this.logs.close(highWatermarks);
  }
}
