// The cluster as a client sees it: a bootstrap list, the metadata it learns from any broker,
// one connection per broker id, and routing of a request to a partition's leader with the
// metadata refreshed when leadership has moved. Versions are always negotiated per broker
// (usableVersion), so the same code drives the tk daemon and an Apache Kafka cluster.
import { ErrorCode, KafkaProtocolError } from '../protocol/errors.js';
import { MetadataRequest } from '../protocol/generated/clients/metadata-request.js';
import { MetadataResponse } from '../protocol/generated/clients/metadata-response.js';
import { ZERO_UUID } from '../protocol/primitives.js';
import { BrokerConnection, ConnectionError, api, type Api } from './connection.js';
import type { SaslCredentials } from './sasl.js';
import type { TlsSettings } from './tls.js';

export const METADATA = api(MetadataRequest, MetadataResponse);

export interface ClusterOptions {
  clientId?: string;
  requestTimeoutMs?: number;
  /** How often a request is retried after a retriable error (Kafka's `retries` for metadata-routed calls). */
  retries?: number;
  /** First backoff; doubles per attempt up to retryBackoffMaxMs, as Kafka's `retry.backoff.ms` (KIP-580). */
  retryBackoffMs?: number;
  retryBackoffMaxMs?: number;
  /** SASL identity every connection authenticates with (security.protocol=SASL_PLAINTEXT); null for PLAINTEXT. */
  sasl?: SaslCredentials | null;
  /** TLS every connection is made with (security.protocol=SSL or SASL_SSL); null for plain TCP. */
  tls?: TlsSettings | null;
}

export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface PartitionInfo {
  topic: string;
  partition: number;
  errorCode: number;
  /** -1 when the partition has no leader. */
  leaderId: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

export interface TopicInfo {
  name: string;
  /** base64url, ZERO_UUID when the broker predates topic ids. */
  topicId: string;
  errorCode: number;
  isInternal: boolean;
  /** Sorted by partition index. */
  partitions: PartitionInfo[];
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface ClusterMetadata {
  clusterId: string | null;
  controllerId: number;
  brokers: Map<number, BrokerInfo>;
  topics: Map<string, TopicInfo>;
}

/** Errors that mean our metadata is stale: refresh it and try again. */
export const REFRESH_METADATA_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.NOT_CONTROLLER,
]);

export function parseBootstrap(bootstrap: string | readonly string[]): { host: string; port: number }[] {
  const list = (typeof bootstrap === 'string' ? bootstrap.split(',') : bootstrap).map((s) => s.trim()).filter((s) => s.length > 0);
  if (list.length === 0) throw new Error('the bootstrap server list is empty');
  return list.map((address) => {
    // IPv6 literals come bracketed ([::1]:9092), as Kafka writes them.
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
    if (!m) throw new Error(`bootstrap server "${address}" is not host:port`);
    return { host: m[1], port: Number(m[2]) };
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class Cluster {
  private readonly connections = new Map<number, Promise<BrokerConnection>>();
  private current: ClusterMetadata;
  private closed = false;
  readonly options: Required<ClusterOptions>;

  private constructor(
    private bootstrapConnection: BrokerConnection,
    private readonly bootstrap: { host: string; port: number }[],
    options: Required<ClusterOptions>,
  ) {
    this.options = options;
    this.current = { clusterId: null, controllerId: -1, brokers: new Map(), topics: new Map() };
  }

  /**
   * Connects to the first reachable bootstrap server and loads the broker list. When none
   * answers, the ConnectionError names every address tried.
   */
  static async connect(bootstrap: string | readonly string[], options: ClusterOptions = {}): Promise<Cluster> {
    const opts: Required<ClusterOptions> = {
      clientId: options.clientId ?? 'tk',
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      retries: options.retries ?? 5,
      retryBackoffMs: options.retryBackoffMs ?? 100,
      retryBackoffMaxMs: options.retryBackoffMaxMs ?? 1_000,
      sasl: options.sasl ?? null,
      tls: options.tls ?? null,
    };
    const servers = parseBootstrap(bootstrap);
    const connection = await connectToFirst(servers, opts);
    const cluster = new Cluster(connection, servers, opts);
    await cluster.refreshMetadata([]);
    return cluster;
  }

  /** The last metadata fetched; topics accumulate across refreshes of different topic sets. */
  get metadata(): ClusterMetadata {
    return this.current;
  }

  /** A connection for requests any broker can answer (Metadata, ApiVersions, ...). */
  async anyConnection(): Promise<BrokerConnection> {
    this.ensureOpen();
    if (!this.bootstrapConnection.isClosed) return this.bootstrapConnection;
    // The bootstrap broker went away: any broker we know, then the bootstrap list again.
    const known = [...this.current.brokers.values()].map((b) => ({ host: b.host, port: b.port }));
    this.bootstrapConnection = await connectToFirst([...known, ...this.bootstrap], this.options);
    return this.bootstrapConnection;
  }

  /** The raw Metadata response for `topics` (null: every topic), merged into `metadata`. */
  async fetchMetadata(topics: readonly string[] | null, allowAutoTopicCreation = false): Promise<MetadataResponse> {
    const connection = await this.anyConnection();
    const version = requireVersion(connection, MetadataRequest, 1);
    const request: MetadataRequest = {
      topics: topics === null ? null : topics.map((name) => ({ topicId: ZERO_UUID, name })),
      // Below v4 the field does not exist and the broker's own setting decides.
      allowAutoTopicCreation: version >= 4 ? allowAutoTopicCreation : true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    };
    const response = await connection.send(METADATA, version, request);
    this.merge(response, topics === null);
    return response;
  }

  /** Refreshes metadata for `topics` (null: every topic) and returns the new snapshot. */
  async refreshMetadata(topics: readonly string[] | null = null, allowAutoTopicCreation = false): Promise<ClusterMetadata> {
    await this.fetchMetadata(topics, allowAutoTopicCreation);
    return this.current;
  }

  private merge(response: MetadataResponse, complete: boolean): void {
    const brokers = new Map<number, BrokerInfo>();
    for (const b of response.brokers) brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack });
    const topics = complete ? new Map<string, TopicInfo>() : new Map(this.current.topics);
    for (const t of response.topics) {
      if (t.name === null) continue;
      if (t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
        topics.delete(t.name);
        continue;
      }
      const name = t.name;
      const partitions = t.partitions
        .map<PartitionInfo>((p) => ({
          topic: name,
          partition: p.partitionIndex,
          errorCode: p.errorCode,
          leaderId: p.leaderId,
          leaderEpoch: p.leaderEpoch,
          replicas: p.replicaNodes,
          isr: p.isrNodes,
          offlineReplicas: p.offlineReplicas,
        }))
        .sort((a, b) => a.partition - b.partition);
      topics.set(name, { name, topicId: t.topicId, errorCode: t.errorCode, isInternal: t.isInternal, partitions });
    }
    this.current = { clusterId: response.clusterId, controllerId: response.controllerId, brokers, topics };
    // A broker that left the cluster keeps no connection.
    for (const [id, pending] of this.connections) {
      if (!brokers.has(id)) {
        this.connections.delete(id);
        pending.then((c) => c.close(), () => {});
      }
    }
  }

  /** The connection to broker `nodeId`, opened on first use and reopened after it closes. */
  async connectionTo(nodeId: number): Promise<BrokerConnection> {
    this.ensureOpen();
    const existing = this.connections.get(nodeId);
    if (existing) {
      const connection = await existing.catch(() => null);
      if (connection && !connection.isClosed) return connection;
      if (this.connections.get(nodeId) === existing) this.connections.delete(nodeId);
    }
    const broker = this.current.brokers.get(nodeId);
    if (!broker) throw new ConnectionError(`broker ${nodeId} is not in the cluster metadata`, `broker ${nodeId}`);
    const pending = BrokerConnection.connect(broker.host, broker.port, this.options);
    this.connections.set(nodeId, pending);
    pending.catch(() => {
      if (this.connections.get(nodeId) === pending) this.connections.delete(nodeId);
    });
    return pending;
  }

  /** The controller Metadata names (in KRaft, a broker that forwards to the active controller), else any broker. */
  async controllerConnection(): Promise<BrokerConnection> {
    const id = this.current.controllerId;
    if (id >= 0 && this.current.brokers.has(id)) return this.connectionTo(id);
    return this.anyConnection();
  }

  /** The topic's partitions, fetching metadata when we have none for it. Throws UNKNOWN_TOPIC_OR_PARTITION. */
  async topic(name: string, allowAutoTopicCreation = false): Promise<TopicInfo> {
    let info = this.current.topics.get(name);
    if (!info || info.partitions.length === 0) {
      await this.fetchMetadata([name], allowAutoTopicCreation);
      info = this.current.topics.get(name);
    }
    if (!info) throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${name} does not exist`);
    if (info.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(info.errorCode, `metadata for topic ${name}`);
    return info;
  }

  /** The leader's broker id, from metadata (refreshed when unknown). Throws LEADER_NOT_AVAILABLE. */
  async leaderFor(topic: string, partition: number): Promise<number> {
    const info = await this.topic(topic);
    const p = info.partitions[partition]?.partition === partition ? info.partitions[partition] : info.partitions.find((x) => x.partition === partition);
    if (!p) throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${topic}-${partition} does not exist`);
    if (p.leaderId < 0 || !this.current.brokers.has(p.leaderId)) {
      throw new KafkaProtocolError(ErrorCode.LEADER_NOT_AVAILABLE, `${topic}-${partition} has no leader`);
    }
    return p.leaderId;
  }

  /** Groups partitions by their leader's broker id. Throws when a leader is unknown (retry after a refresh). */
  async byLeader<T extends TopicPartition>(items: readonly T[]): Promise<Map<number, T[]>> {
    const groups = new Map<number, T[]>();
    for (const item of items) {
      const leaderId = await this.leaderFor(item.topic, item.partition);
      const group = groups.get(leaderId);
      if (group) group.push(item);
      else groups.set(leaderId, [item]);
    }
    return groups;
  }

  /** Runs `fn` against the partition's leader, refreshing metadata and retrying on stale routing. */
  async withLeader<T>(topic: string, partition: number, fn: (connection: BrokerConnection, leaderId: number) => Promise<T>): Promise<T> {
    return this.retrying(async () => {
      const leaderId = await this.leaderFor(topic, partition);
      return fn(await this.connectionTo(leaderId), leaderId);
    }, [topic]);
  }

  /**
   * Retries `fn` after errors that a metadata refresh may cure (stale leadership, a broker that
   * went away), with exponential backoff, at most `retries` times.
   */
  async retrying<T>(fn: (attempt: number) => Promise<T>, topics: readonly string[] | null = null): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn(attempt);
      } catch (err) {
        if (attempt >= this.options.retries || !this.shouldRefresh(err)) throw err;
        await sleep(this.backoff(attempt));
        await this.refreshMetadata(topics).catch(() => {});
      }
    }
  }

  shouldRefresh(err: unknown): boolean {
    if (this.closed) return false;
    if (err instanceof ConnectionError) return true;
    return err instanceof KafkaProtocolError && (REFRESH_METADATA_ERRORS.has(err.code) || err.retriable);
  }

  backoff(attempt: number): number {
    const base = Math.min(this.options.retryBackoffMs * 2 ** attempt, this.options.retryBackoffMaxMs);
    // ±20% jitter, as Kafka does, so clients that failed together do not retry together.
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private ensureOpen(): void {
    if (this.closed) throw new ConnectionError('the client is closed', 'cluster');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.bootstrapConnection.close();
    for (const pending of this.connections.values()) pending.then((c) => c.close(), () => {});
    this.connections.clear();
  }
}

/** The highest version both sides speak, or an UNSUPPORTED_VERSION error naming the API and broker. */
export function requireVersion(connection: BrokerConnection, codec: Api<unknown, unknown>['request'], min = codec.validVersions.min, max?: number): number {
  const version = connection.usableVersion(codec, max);
  if (version === null || version < min) {
    throw new KafkaProtocolError(ErrorCode.UNSUPPORTED_VERSION, `broker ${connection.address} does not support ${codec.name.replace(/Request$/, '')} at a version tk speaks`);
  }
  return version;
}

async function connectToFirst(servers: readonly { host: string; port: number }[], options: Required<ClusterOptions>): Promise<BrokerConnection> {
  const failures: string[] = [];
  const tried = new Set<string>();
  for (const { host, port } of servers) {
    const address = `${host}:${port}`;
    if (tried.has(address)) continue;
    tried.add(address);
    try {
      return await BrokerConnection.connect(host, port, options);
    } catch (err) {
      if (!(err instanceof ConnectionError)) throw err;
      failures.push(err.message);
    }
  }
  const addresses = [...tried].join(', ');
  throw new ConnectionError(`no broker is reachable at ${addresses} (${failures.join('; ')})`, addresses);
}
