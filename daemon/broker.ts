// The broker: what a handler can reach, and the order in which it all starts and stops.
import { randomBytes } from 'node:crypto';
import { statfs } from 'node:fs/promises';
import type { CreatableTopicConfig } from '../src/protocol/generated/clients/create-topics-request.js';
import type { CreatableTopicConfigs } from '../src/protocol/generated/clients/create-topics-response.js';
import type { TopicConfigEntry } from '../src/config/topic-configs.js';
import { MetadataLog } from './controller/metadata-log.js';
import { ConfigResourceType, EMPTY_IMAGE, resourceConfigs, topicConfigs, type MetadataImage } from './controller/metadata-image.js';
import { CONSUMER_OFFSETS_TOPIC } from './controller/topic-names.js';
import { QuorumController } from './controller/quorum-controller.js';
import { GroupCoordinator, type GroupCoordinatorSettings } from './coordinator/group-coordinator.js';
import { ProducerIdManager } from './coordinator/producer-ids.js';
import { ApiKey } from '../src/protocol/api-keys.js';
import { handlerTable } from './handlers/index.js';
import type { ApiHandler } from './handlers/types.js';
import type { Clock } from './log/clock.js';
import type { LogConfig } from './log/log-config.js';
import { LogManager, type LogManagerOptions } from './log/log-manager.js';
import type { Logger } from './logger.js';
import { SocketServer, type BoundListener } from './network/socket-server.js';
import { FetchSessionCache } from './replication/fetch-session.js';
import { ReplicaManager } from './replication/replica-manager.js';
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
  /** Client listeners (the controller listener is not served to clients). */
  listeners: ListenerSettings[];
  /** What Metadata tells clients to connect to, per listener name. */
  advertisedListeners: ListenerSettings[];
  logDirs: string[];
  rack: string | null;
  numPartitions: number;
  defaultReplicationFactor: number;
  autoCreateTopicsEnable: boolean;
  deleteTopicEnable: boolean;
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

export class Broker {
  /** Byte-rate quotas on what producers append and what consumers are sent, per quota entity. */
  readonly produceQuotas = new ByteRateThrottle(PRODUCER_BYTE_RATE);
  readonly fetchQuotas = new ByteRateThrottle(CONSUMER_BYTE_RATE);
  readonly handlers: ReadonlyMap<number, ApiHandler>;
  readonly fetchSessions: FetchSessionCache;
  readonly producerIds: ProducerIdManager;
  readonly replicas: ReplicaManager;
  readonly controller: QuorumController;
  readonly groupCoordinator: GroupCoordinator;
  image: MetadataImage = EMPTY_IMAGE;
  private authorizerCache: { acls: MetadataImage['acls']; authorizer: Authorizer } | null = null;
  private applied: Promise<void> = Promise.resolve();
  private readonly server: SocketServer;
  boundListeners: BoundListener[] = [];

  private constructor(
    readonly config: BrokerSettings,
    private readonly logs: LogManager,
    private readonly metadataLog: MetadataLog,
    readonly log: Logger,
    clock: Clock,
  ) {
    // Without `consumer` in group.coordinator.rebalance.protocols the KIP-848 APIs are not
    // served, so ApiVersions (computed from this table) does not offer them, as Kafka.
    this.handlers =
      config.groupCoordinator.consumer?.enabled === false
        ? new Map([...handlerTable].filter(([apiKey]) => apiKey !== ApiKey.ConsumerGroupHeartbeat && apiKey !== ApiKey.ConsumerGroupDescribe))
        : handlerTable;
    this.fetchSessions = new FetchSessionCache(MAX_FETCH_SESSIONS, () => clock.now());
    this.replicas = new ReplicaManager(config.nodeId, logs, (topic) => this.topicConfig(topic).log, log);
    this.controller = new QuorumController(
      {
        nodeId: config.nodeId,
        numPartitions: config.numPartitions,
        defaultReplicationFactor: config.defaultReplicationFactor,
        deleteTopicEnable: config.deleteTopicEnable,
        validateTopicConfig: (name, value) => config.validateTopicConfig(name, value),
      },
      metadataLog,
      EMPTY_IMAGE,
      (image) => this.publish(image),
    );
    this.groupCoordinator = new GroupCoordinator(
      {
        nodeId: config.nodeId,
        currentImage: () => this.image,
        createTopic: async (topic) => (await this.controller.createTopics([topic], false))[0],
        awaitMetadataApplied: () => this.awaitMetadataApplied(),
        partition: (topic, partitionId) => this.replicas.getPartition(topic, partitionId),
        appendToLeader: (topic, partitionId, records) =>
          this.replicas.appendToLeader(topic, partitionId, records, -1, this.topicConfig(CONSUMER_OFFSETS_TOPIC).minInsyncReplicas),
      },
      config.groupCoordinator,
      clock,
      log,
    );
    this.producerIds = new ProducerIdManager(() => this.controller.allocateProducerIds(-1n));
    this.server = new SocketServer(
      this.handlers,
      { maxRequestBytes: config.socketRequestMaxBytes, maxInFlightRequests: config.queuedMaxRequests, idleTimeoutMs: config.connectionsMaxIdleMs },
      log,
    );
  }

  get nodeId(): number {
    return this.config.nodeId;
  }

  get clusterId(): string {
    return this.config.clusterId;
  }

  /** Opens the logs, replays the metadata log, registers, and starts listening. */
  static async start(config: BrokerSettings, log: Logger, clock: Clock): Promise<Broker> {
    const logs = await LogManager.open(config.logDirs, config.topicSettings(new Map()).log, clock, log, config.logManager);
    const metadataLog = await MetadataLog.open(logs, config.clusterId, config.nodeId, log);
    const broker = new Broker(config, logs, metadataLog, log, clock);
    const replayed = await metadataLog.replayAll();
    broker.controller.load(replayed.records, replayed.lastOffset);
    broker.publish(broker.controller.currentImage);

    broker.boundListeners = [];
    for (const listener of config.listeners) broker.boundListeners.push(await broker.server.listen(listener, broker));
    const advertised = config.advertisedListeners.map((a) => {
      const bound = broker.boundListeners.find((b) => b.name === a.name);
      // An advertised port of 0 (tests binding a random port) means the port actually bound.
      return { listener: a.name, host: a.host, port: a.port === 0 && bound ? bound.boundPort : a.port, securityProtocol: a.securityProtocol };
    });
    await broker.controller.registerBroker(advertised, config.rack, randomBytes(16).toString('base64url'));
    await broker.awaitMetadataApplied();
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

  /** Resolves once the hosted partitions reflect every image published so far. */
  awaitMetadataApplied(): Promise<void> {
    return this.applied;
  }

  private publish(image: MetadataImage): void {
    this.image = image;
    this.applied = this.replicas.applyImage(image);
    this.groupCoordinator.onMetadata(image);
  }

  /** Controlled shutdown: stop accepting, let in-flight requests finish, flush and checkpoint. */
  async shutdown(): Promise<void> {
    // Requests parked in a rebalance are answered first, so they do not hold up the drain.
    this.groupCoordinator.shutdown();
    await this.server.shutdown(SHUTDOWN_GRACE_MS);
    await this.applied;
    await this.metadataLog.close();
    const highWatermarks = new Map<string, bigint>();
    for (const p of this.replicas.allPartitions()) highWatermarks.set(`${p.topic}-${p.partitionId}`, p.highWatermark);
    await this.logs.close(highWatermarks);
  }
}
