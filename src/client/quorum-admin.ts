// The metadata quorum as Kafka's Admin describes it for kafka-metadata-quorum.sh: DescribeQuorum
// of `__cluster_metadata-0` and the cluster id from DescribeCluster. With `--bootstrap-controller`
// the addresses are controller listeners (KIP-919): DescribeCluster asks for the CONTROLLER
// endpoint type, and DescribeQuorum goes to each address in turn until the leader answers (a
// follower says NOT_LEADER_OR_FOLLOWER). Through a broker, the broker answers for its controller.
import { ErrorCode, KafkaProtocolError } from '../protocol/errors.js';
import { DescribeClusterRequest } from '../protocol/generated/clients/describe-cluster-request.js';
import { DescribeClusterResponse } from '../protocol/generated/clients/describe-cluster-response.js';
import { DescribeQuorumRequest } from '../protocol/generated/clients/describe-quorum-request.js';
import { DescribeQuorumResponse, type ReplicaState } from '../protocol/generated/clients/describe-quorum-response.js';
import { parseBootstrap } from './cluster.js';
import { api, BrokerConnection, ConnectionError, type ConnectionOptions } from './connection.js';

const DESCRIBE_QUORUM = api(DescribeQuorumRequest, DescribeQuorumResponse);
const DESCRIBE_CLUSTER = api(DescribeClusterRequest, DescribeClusterResponse);
const METADATA_TOPIC = '__cluster_metadata';
const BROKER_ENDPOINT = 1;
const CONTROLLER_ENDPOINT = 2;

export interface QuorumReplica {
  replicaId: number;
  /** Uuid in Kafka's base64 text; all zeros (AAAAAAAAAAAAAAAAAAAAAA) in a static quorum. */
  directoryId: string;
  logEndOffset: bigint;
  /** Null when the leader has not heard from the replica (-1 on the wire). */
  lastFetchTimestamp: bigint | null;
  lastCaughtUpTimestamp: bigint | null;
}

export interface QuorumEndpoint {
  name: string;
  host: string;
  port: number;
}

export interface QuorumInfo {
  leaderId: number;
  leaderEpoch: number;
  highWatermark: bigint;
  voters: QuorumReplica[];
  observers: QuorumReplica[];
  /** Each voter's endpoints (DescribeQuorum v2), by node id. */
  endpoints: Map<number, QuorumEndpoint[]>;
}

function replica(r: ReplicaState): QuorumReplica {
  return {
    replicaId: r.replicaId,
    directoryId: r.replicaDirectoryId,
    logEndOffset: r.logEndOffset,
    lastFetchTimestamp: r.lastFetchTimestamp === -1n ? null : r.lastFetchTimestamp,
    lastCaughtUpTimestamp: r.lastCaughtUpTimestamp === -1n ? null : r.lastCaughtUpTimestamp,
  };
}

export class QuorumAdmin {
  private readonly connections = new Map<string, Promise<BrokerConnection>>();

  constructor(
    bootstrap: string,
    /** True when the addresses are controller listeners (--bootstrap-controller). */
    private readonly toControllers: boolean,
    private readonly options: ConnectionOptions,
    private readonly servers = parseBootstrap(bootstrap),
  ) {}

  async describeQuorum(): Promise<QuorumInfo> {
    let lastError: Error | null = null;
    for (const server of this.servers) {
      let response: DescribeQuorumResponse;
      try {
        const connection = await this.connection(server);
        const version = connection.usableVersion(DescribeQuorumRequest);
        if (version === null) throw new KafkaProtocolError(ErrorCode.UNSUPPORTED_VERSION, `${connection.address} does not support DescribeQuorum`);
        response = await connection.send(DESCRIBE_QUORUM, version, { topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0 }] }] });
      } catch (err) {
        if (!(err instanceof ConnectionError)) throw err;
        lastError = err;
        continue;
      }
      if (response.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(response.errorCode, response.errorMessage);
      const partition = response.topics[0]?.partitions[0];
      if (partition === undefined || response.topics[0].topicName !== METADATA_TOPIC) {
        throw new KafkaProtocolError(ErrorCode.UNKNOWN_SERVER_ERROR, `DescribeMetadataQuorum received ${response.topics.length} topics when 1 was expected`);
      }
      if (partition.errorCode !== ErrorCode.NONE) {
        lastError = new KafkaProtocolError(partition.errorCode, partition.errorMessage);
        // Only the leader describes the quorum: another controller may be it.
        if (partition.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER && this.toControllers) continue;
        throw lastError;
      }
      return {
        leaderId: partition.leaderId,
        leaderEpoch: partition.leaderEpoch,
        highWatermark: partition.highWatermark,
        voters: partition.currentVoters.map(replica),
        observers: partition.observers.map(replica),
        endpoints: new Map(response.nodes.map((n) => [n.nodeId, n.listeners.map((l) => ({ name: l.name, host: l.host, port: l.port }))])),
      };
    }
    throw lastError ?? new Error('no server to ask');
  }

  /** The cluster id, from DescribeCluster (the CONTROLLER endpoint type on controller listeners). */
  async clusterId(): Promise<string> {
    const connection = await this.firstConnection();
    const version = connection.usableVersion(DescribeClusterRequest);
    if (version === null) throw new KafkaProtocolError(ErrorCode.UNSUPPORTED_VERSION, `${connection.address} does not support DescribeCluster`);
    const response = await connection.send(DESCRIBE_CLUSTER, version, { includeClusterAuthorizedOperations: false, endpointType: this.toControllers ? CONTROLLER_ENDPOINT : BROKER_ENDPOINT });
    if (response.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(response.errorCode, response.errorMessage);
    return response.clusterId;
  }

  close(): void {
    for (const pending of this.connections.values()) pending.then((c) => c.close(), () => undefined);
    this.connections.clear();
  }

  private async firstConnection(): Promise<BrokerConnection> {
    const failures: string[] = [];
    for (const server of this.servers) {
      try {
        return await this.connection(server);
      } catch (err) {
        if (!(err instanceof ConnectionError)) throw err;
        failures.push(err.message);
      }
    }
    const addresses = this.servers.map((s) => `${s.host}:${s.port}`).join(', ');
    throw new ConnectionError(`no ${this.toControllers ? 'controller' : 'broker'} is reachable at ${addresses} (${failures.join('; ')})`, addresses);
  }

  private connection(server: { host: string; port: number }): Promise<BrokerConnection> {
    const key = `${server.host}:${server.port}`;
    let pending = this.connections.get(key);
    if (pending === undefined) {
      pending = BrokerConnection.connect(server.host, server.port, this.options);
      this.connections.set(key, pending);
      pending.catch(() => this.connections.delete(key));
    }
    return pending;
  }
}
