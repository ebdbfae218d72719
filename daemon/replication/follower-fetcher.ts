// One fetcher per leader broker (Kafka's ReplicaFetcherThread): a loop that fetches every
// partition this broker follows from that leader as a replica (replica id = this broker, with its
// broker epoch), appends the leader's batches with their offsets and epochs, follows the leader's
// high watermark, and truncates where the leader says the logs diverged. A partition that fails
// is retried after replica.fetch.backoff.ms; a lost connection is reopened after the same pause.
import { api, BrokerConnection } from '../../src/client/connection.js';
import { FetchRequest, type FetchTopic } from '../../src/protocol/generated/clients/fetch-request.js';
import { FetchResponse, type PartitionData } from '../../src/protocol/generated/clients/fetch-response.js';
import { ListOffsetsRequest } from '../../src/protocol/generated/clients/list-offsets-request.js';
import { ListOffsetsResponse } from '../../src/protocol/generated/clients/list-offsets-response.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ZERO_UUID } from '../../src/protocol/primitives.js';
import { UnexpectedAppendOffsetError } from '../log/errors.js';
import type { Logger } from '../logger.js';
import { lastFetchedEpoch, truncationFor, type FollowedPartition, type FollowerFetchState } from './follower-state.js';

const FETCH = api(FetchRequest, FetchResponse);
const LIST_OFFSETS = api(ListOffsetsRequest, ListOffsetsResponse);
const TOPIC_IDS_VERSION = 13;
const REPLICA_STATE_VERSION = 15;
const SESSIONLESS_EPOCH = -1;
const LATEST = -1n;
const EARLIEST = -2n;
/** Kafka's replica.socket.timeout.ms: how long a fetch may take beyond its own wait. */
const SOCKET_TIMEOUT_MS = 30_000;

export interface FetcherSettings {
  nodeId: number;
  /** This broker's epoch from its registration, or -1 when it has none. */
  brokerEpoch(): bigint;
  /** replica.fetch.wait.max.ms, replica.fetch.min.bytes, replica.fetch.response.max.bytes, replica.fetch.max.bytes, replica.fetch.backoff.ms */
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  partitionMaxBytes: number;
  backoffMs: number;
}

export interface LeaderEndpoint {
  host: string;
  port: number;
}

function key(topic: string, partitionId: number): string {
  return `${topic}-${partitionId}`;
}

export class FollowerFetcher {
  private readonly partitions = new Map<string, FollowerFetchState>();
  private connection: BrokerConnection | null = null;
  private loop: Promise<void> | null = null;
  private stopped = false;
  private wakeUp: (() => void) | null = null;

  constructor(
    readonly leaderId: number,
    /** The leader's inter-broker endpoint from the current image; null while it has none. */
    private readonly endpoint: () => LeaderEndpoint | null,
    private readonly settings: FetcherSettings,
    private readonly log: Logger,
  ) {}

  get isEmpty(): boolean {
    return this.partitions.size === 0;
  }

  /** Starts following a partition under its current leader epoch, from its log end offset. */
  add(partition: FollowedPartition): void {
    this.partitions.set(key(partition.topic, partition.partitionId), { partition, leaderEpoch: partition.leaderEpoch, retryAtMs: 0 });
    if (this.loop === null && !this.stopped) this.loop = this.run().finally(() => (this.loop = null));
    this.wakeUp?.();
  }

  remove(topic: string, partitionId: number): void {
    this.partitions.delete(key(topic, partitionId));
  }

  /** Stops fetching; resolves once the loop has let go of the logs. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    this.partitions.clear();
    this.connection?.close();
    this.wakeUp?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped && this.partitions.size > 0) {
      const now = Date.now();
      const ready = [...this.partitions.values()].filter((s) => s.retryAtMs <= now);
      if (ready.length === 0) {
        await this.pause(Math.min(...[...this.partitions.values()].map((s) => s.retryAtMs)) - now);
        continue;
      }
      try {
        await this.fetchOnce(ready);
      } catch (err) {
        if (this.stopped) return;
        this.log.info(`fetcher for broker ${this.leaderId}: ${err instanceof Error ? err.message : String(err)}; retrying in ${this.settings.backoffMs} ms`);
        this.connection?.close();
        this.connection = null;
        await this.pause(this.settings.backoffMs);
      }
    }
  }

  /** Waits `ms`, or less if a partition is added or the fetcher stops. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.wakeUp === done) this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.wakeUp = done;
    });
  }

  private async connect(): Promise<BrokerConnection> {
    if (this.connection && !this.connection.isClosed) return this.connection;
    const endpoint = this.endpoint();
    if (endpoint === null) throw new Error(`broker ${this.leaderId} has no endpoint in the metadata`);
    this.connection = await BrokerConnection.connect(endpoint.host, endpoint.port, {
      clientId: `broker-${this.settings.nodeId}-fetcher-0`,
      requestTimeoutMs: this.settings.maxWaitMs + SOCKET_TIMEOUT_MS,
      sasl: null,
    });
    return this.connection;
  }

  private async fetchOnce(ready: readonly FollowerFetchState[]): Promise<void> {
    const connection = await this.connect();
    const version = connection.usableVersion(FetchRequest);
    if (version === null) throw new Error(`broker ${this.leaderId} offers no Fetch version tk can use`);
    const byId = version >= TOPIC_IDS_VERSION;
    const topics = new Map<string, FetchTopic>();
    for (const state of ready) {
      const p = state.partition;
      const topicKey = byId ? p.topicId : p.topic;
      let topic = topics.get(topicKey);
      if (!topic) topics.set(topicKey, (topic = { topic: byId ? '' : p.topic, topicId: byId ? p.topicId : ZERO_UUID, partitions: [] }));
      topic.partitions.push({
        partition: p.partitionId,
        currentLeaderEpoch: state.leaderEpoch,
        fetchOffset: p.log.logEndOffset,
        lastFetchedEpoch: lastFetchedEpoch(p.log),
        logStartOffset: p.log.logStartOffset,
        partitionMaxBytes: this.settings.partitionMaxBytes,
        replicaDirectoryId: ZERO_UUID,
      });
    }
    const brokerEpoch = this.settings.brokerEpoch();
    const response = await connection.send(FETCH, version, {
      clusterId: null,
      replicaId: version >= REPLICA_STATE_VERSION ? -1 : this.settings.nodeId,
      replicaState: version >= REPLICA_STATE_VERSION ? { replicaId: this.settings.nodeId, replicaEpoch: brokerEpoch } : { replicaId: -1, replicaEpoch: -1n },
      maxWaitMs: this.settings.maxWaitMs,
      minBytes: this.settings.minBytes,
      maxBytes: this.settings.maxBytes,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: SESSIONLESS_EPOCH,
      topics: [...topics.values()],
      forgottenTopicsData: [],
      rackId: '',
    });
    if (response.errorCode !== ErrorCode.NONE) throw new Error(`fetch failed with error code ${response.errorCode}`);
    for (const topic of response.responses) {
      for (const data of topic.partitions) {
        const state = ready.find((s) => (byId ? s.partition.topicId === topic.topicId : s.partition.topic === topic.topic) && s.partition.partitionId === data.partitionIndex);
        if (state) await this.apply(state, data, connection);
      }
    }
  }

  /** Whether this state still stands: the partition is followed here under the same leader epoch. */
  private isCurrent(state: FollowerFetchState): boolean {
    const p = state.partition;
    return !this.stopped && this.partitions.get(key(p.topic, p.partitionId)) === state && p.leaderEpoch === state.leaderEpoch;
  }

  private async apply(state: FollowerFetchState, data: PartitionData, connection: BrokerConnection): Promise<void> {
    if (!this.isCurrent(state)) return;
    const p = state.partition;
    const log = p.log;
    try {
      if (data.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) return await this.recoverFromOutOfRange(state, connection);
      if (data.errorCode !== ErrorCode.NONE) {
        this.log.debug(`${p.topic}-${p.partitionId}: fetch from broker ${this.leaderId} failed with error code ${data.errorCode}`);
        state.retryAtMs = Date.now() + this.settings.backoffMs;
        return;
      }
      if (data.divergingEpoch.epoch >= 0 || data.divergingEpoch.endOffset >= 0n) {
        const target = truncationFor(data.divergingEpoch, log);
        this.log.info(`${p.topic}-${p.partitionId}: truncating to offset ${target.offset} (log end ${log.logEndOffset}): the leader's epoch ${data.divergingEpoch.epoch} ends at ${data.divergingEpoch.endOffset}`);
        await log.truncateTo(target.offset);
        return;
      }
      if (data.records !== null && data.records.length > 0) await log.appendAsFollower(data.records);
      if (data.logStartOffset > log.logStartOffset && data.logStartOffset <= log.logEndOffset) await log.deleteRecordsBefore(data.logStartOffset);
      p.updateFollowerHighWatermark(data.highWatermark);
    } catch (err) {
      // An append that raced a truncation or another fetcher: the next fetch starts from the real end.
      if (err instanceof UnexpectedAppendOffsetError) return;
      this.log.error(`${p.topic}-${p.partitionId}: applying a fetch from broker ${this.leaderId}`, err);
      state.retryAtMs = Date.now() + this.settings.backoffMs;
    }
  }

  /**
   * The leader has no offset where this follower's log ends (Kafka's handleOutOfRangeError): a
   * log longer than the leader's is cut to its end; one that ends before the leader's start is
   * emptied and restarted there.
   */
  private async recoverFromOutOfRange(state: FollowerFetchState, connection: BrokerConnection): Promise<void> {
    const log = state.partition.log;
    const leaderEnd = await this.leaderOffset(state, connection, LATEST);
    if (leaderEnd === null) {
      state.retryAtMs = Date.now() + this.settings.backoffMs;
      return;
    }
    if (!this.isCurrent(state)) return;
    if (leaderEnd < log.logEndOffset) {
      this.log.info(`${log.name}: truncating to the leader's log end offset ${leaderEnd} (ours is ${log.logEndOffset})`);
      await log.truncateTo(leaderEnd);
      return;
    }
    const leaderStart = await this.leaderOffset(state, connection, EARLIEST);
    if (leaderStart !== null && leaderStart > log.logEndOffset && this.isCurrent(state)) {
      this.log.info(`${log.name}: the leader's log starts at ${leaderStart}, after ours ends (${log.logEndOffset}): starting again there`);
      await log.truncateFullyAndStartAt(leaderStart);
    }
  }

  private async leaderOffset(state: FollowerFetchState, connection: BrokerConnection, timestamp: bigint): Promise<bigint | null> {
    const version = connection.usableVersion(ListOffsetsRequest);
    if (version === null) return null;
    const p = state.partition;
    const response = await connection.send(LIST_OFFSETS, version, {
      replicaId: this.settings.nodeId,
      isolationLevel: 0,
      timeoutMs: 0,
      topics: [{ name: p.topic, partitions: [{ partitionIndex: p.partitionId, currentLeaderEpoch: state.leaderEpoch, timestamp, maxNumOffsets: 1 }] }],
    });
    const answer = response.topics[0]?.partitions[0];
    return answer && answer.errorCode === ErrorCode.NONE ? answer.offset : null;
  }
}
