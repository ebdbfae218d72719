// The partitions this broker hosts (Kafka's ReplicaManager). Each new metadata image is applied
// here: logs are opened for partitions assigned to this broker and deleted for topics that are
// gone; each partition becomes leader or follower as the image says, and followed partitions are
// handed to one fetcher per leader. Produce appends through here (acks=all waits for the ISR),
// fetches wait here for data, and the leader's ISR changes go to the controller from here.
import { api } from '../../src/client/connection.js';
import { AlterPartitionRequest } from '../../src/protocol/generated/clients/alter-partition-request.js';
import { AlterPartitionResponse } from '../../src/protocol/generated/clients/alter-partition-response.js';
import { ErrorCode, KafkaProtocolError } from '../../src/protocol/errors.js';
import { EMPTY_IMAGE, type MetadataImage } from '../controller/metadata-image.js';
import type { LogConfig } from '../log/log-config.js';
import type { LogManager } from '../log/log-manager.js';
import type { Logger } from '../logger.js';
import { FollowerFetcher, type FetcherSettings } from './follower-fetcher.js';
import type { PendingIsrChange } from './isr.js';
import { Partition, type PartitionContext } from './partition.js';

export interface AppendResult {
  errorCode: number;
  errorMessage: string | null;
  baseOffset: bigint;
  logAppendTime: bigint;
  logStartOffset: bigint;
}

export const ALTER_PARTITION = api(AlterPartitionRequest, AlterPartitionResponse);

/** How this broker replicates: Kafka's replica.* settings and its line to the controller. */
export interface ReplicationSettings extends Omit<FetcherSettings, 'nodeId' | 'brokerEpoch'> {
  /** replica.lag.time.max.ms */
  replicaLagTimeMaxMs: number;
  /** The listener followers fetch from (inter.broker.listener.name). */
  interBrokerListener: string;
  /** Sends an AlterPartition to the active controller (retrying NOT_CONTROLLER) and returns its answer. */
  sendAlterPartition(request: AlterPartitionRequest): Promise<AlterPartitionResponse>;
}

/** Kafka's defaults for the replica.* settings a broker's properties leave out. */
const REPLICATION_DEFAULTS = {
  'replica.lag.time.max.ms': 30_000,
  'replica.fetch.wait.max.ms': 500,
  'replica.fetch.min.bytes': 1,
  'replica.fetch.response.max.bytes': 10 * 1024 * 1024,
  'replica.fetch.max.bytes': 1024 * 1024,
  'replica.fetch.backoff.ms': 1000,
};

/**
 * The replication settings from a broker's own properties (the resolved config has checked them):
 * the replica.* values, and the listener followers fetch from — inter.broker.listener.name, else
 * the first PLAINTEXT listener (security.inter.broker.protocol's default), else the first.
 */
export function replicationSettings(
  properties: ReadonlyMap<string, string>,
  listeners: readonly { name: string; securityProtocol: number }[],
  sendAlterPartition: ReplicationSettings['sendAlterPartition'],
): ReplicationSettings {
  const value = (name: keyof typeof REPLICATION_DEFAULTS): number => {
    const configured = properties.get(name);
    return configured === undefined ? REPLICATION_DEFAULTS[name] : Number(configured);
  };
  const named = properties.get('inter.broker.listener.name');
  const interBrokerListener = named ?? listeners.find((l) => l.securityProtocol === 0)?.name ?? listeners[0]?.name ?? 'PLAINTEXT';
  return {
    replicaLagTimeMaxMs: value('replica.lag.time.max.ms'),
    maxWaitMs: value('replica.fetch.wait.max.ms'),
    minBytes: value('replica.fetch.min.bytes'),
    maxBytes: value('replica.fetch.response.max.bytes'),
    partitionMaxBytes: value('replica.fetch.max.bytes'),
    backoffMs: value('replica.fetch.backoff.ms'),
    interBrokerListener,
    sendAlterPartition,
  };
}

/** The error code an exception from the log layer maps to. */
export function errorCodeOf(err: unknown): number | null {
  if (err instanceof KafkaProtocolError) return err.code;
  if (typeof err === 'object' && err !== null && 'errorCode' in err && typeof err.errorCode === 'number') return err.errorCode;
  return null;
}

export class ReplicaManager {
  private readonly partitions = new Map<string, Partition>();
  private readonly fetchers = new Map<number, FollowerFetcher>();
  private applying: Promise<void> = Promise.resolve();
  private image: MetadataImage = EMPTY_IMAGE;
  private replication: ReplicationSettings | null = null;
  private shrinkTimer: NodeJS.Timeout | null = null;
  private readonly context: PartitionContext;

  constructor(
    private readonly nodeId: number,
    private readonly logs: LogManager,
    private readonly logConfigFor: (topic: string) => LogConfig,
    private readonly log: Logger,
  ) {
    this.context = {
      now: () => Date.now(),
      replicaLagTimeMaxMs: () => this.replication?.replicaLagTimeMaxMs ?? 30_000,
      isEligible: (brokerId, fetchedEpoch) => {
        const broker = this.image.brokers.get(brokerId);
        return broker !== undefined && !broker.fenced && (fetchedEpoch === null || fetchedEpoch === -1n || fetchedEpoch === broker.epoch);
      },
      proposeIsr: (partition, change) => void this.sendIsrChange(partition, change),
    };
  }

  /**
   * Turns on replication between brokers: follower fetchers, and ISR changes through the
   * controller. Without it every hosted partition is led here (a broker on its own).
   */
  startReplication(settings: ReplicationSettings): void {
    this.replication = settings;
    // Kafka checks for lagging followers every replica.lag.time.max.ms / 2.
    this.shrinkTimer = setInterval(() => {
      for (const p of this.partitions.values()) p.maybeShrinkIsr();
    }, Math.max(1, Math.floor(settings.replicaLagTimeMaxMs / 2)));
    this.shrinkTimer.unref();
    // Partitions the images made followers before now start fetching.
    for (const p of this.partitions.values()) if (!p.isLeader) this.follow(p);
  }

  getPartition(topic: string, partitionId: number): Partition | undefined {
    return this.partitions.get(`${topic}-${partitionId}`);
  }

  allPartitions(): IterableIterator<Partition> {
    return this.partitions.values();
  }

  /** Applies images in order; resolves once the logs for this one are open and roles set. */
  applyImage(image: MetadataImage): Promise<void> {
    this.applying = this.applying.then(() => this.apply(image)).catch((err) => this.log.error('applying metadata to the hosted partitions', err));
    return this.applying;
  }

  private async apply(image: MetadataImage): Promise<void> {
    this.image = image;
    const wanted = new Set<string>();
    for (const topic of image.topicsByName.values()) {
      for (const p of topic.partitions.values()) {
        if (!p.replicas.includes(this.nodeId)) continue;
        const key = `${topic.name}-${p.partitionId}`;
        wanted.add(key);
        let partition = this.partitions.get(key);
        if (partition && partition.topicId === topic.topicId) {
          partition.log.updateConfig(this.logConfigFor(topic.name));
        } else {
          const partitionLog = await this.logs.getOrCreateLog(topic.name, p.partitionId, topic.topicId, this.logConfigFor(topic.name));
          const highWatermark = this.logs.checkpointedHighWatermark(topic.name, p.partitionId);
          partition = new Partition(topic.name, p.partitionId, topic.topicId, partitionLog, this.nodeId, this.context, highWatermark);
          this.partitions.set(key, partition);
        }
        const change = partition.applyState(p);
        if (change === 'leader') this.stopFollowing(partition);
        else if (change === 'follower') this.follow(partition);
      }
    }
    for (const [key, partition] of this.partitions) {
      if (wanted.has(key) && image.topicsByName.get(partition.topic)?.topicId === partition.topicId) continue;
      this.partitions.delete(key);
      this.stopFollowing(partition);
      partition.close();
      // Gone with its topic, or moved off this broker: either way this replica's log is deleted, as Kafka's.
      await this.logs.deleteLog(partition.topic, partition.partitionId);
    }
    // Fetchers left with nothing to follow, or whose leader left the cluster, stop.
    for (const [leaderId, fetcher] of this.fetchers) {
      if (fetcher.isEmpty || !image.brokers.has(leaderId)) {
        this.fetchers.delete(leaderId);
        void fetcher.shutdown();
      }
    }
  }

  private follow(partition: Partition): void {
    this.stopFollowing(partition);
    const replication = this.replication;
    if (replication === null || partition.leader < 0) return;
    let fetcher = this.fetchers.get(partition.leader);
    if (!fetcher) {
      const leaderId = partition.leader;
      const endpoint = (): { host: string; port: number } | null => {
        const endpoints = this.image.brokers.get(leaderId)?.endpoints ?? [];
        const chosen = endpoints.find((e) => e.listener === replication.interBrokerListener) ?? endpoints[0];
        return chosen ? { host: chosen.host, port: chosen.port } : null;
      };
      const settings: FetcherSettings = { ...replication, nodeId: this.nodeId, brokerEpoch: () => this.image.brokers.get(this.nodeId)?.epoch ?? -1n };
      fetcher = new FollowerFetcher(leaderId, endpoint, settings, this.log);
      this.fetchers.set(leaderId, fetcher);
    }
    fetcher.add(partition);
  }

  private stopFollowing(partition: Partition): void {
    for (const fetcher of this.fetchers.values()) fetcher.remove(partition.topic, partition.partitionId);
  }

  /** Sends a leader's ISR change; a refusal or silence leaves the committed ISR, and the next check tries again. */
  private async sendIsrChange(partition: Partition, change: PendingIsrChange): Promise<void> {
    const replication = this.replication;
    const brokerEpoch = this.image.brokers.get(this.nodeId)?.epoch ?? -1n;
    if (replication === null) {
      partition.abandonIsrChange(change);
      return;
    }
    this.log.info(`${partition.name}: asking the controller to change the ISR from [${partition.isr.join(',')}] to [${change.isr.join(',')}] (leader epoch ${partition.leaderEpoch}, partition epoch ${partition.partitionEpoch})`);
    try {
      const response = await replication.sendAlterPartition({
        brokerId: this.nodeId,
        brokerEpoch,
        topics: [
          {
            topicName: partition.topic,
            topicId: partition.topicId,
            partitions: [
              {
                partitionIndex: partition.partitionId,
                leaderEpoch: partition.leaderEpoch,
                // v3 (what tk's controllers speak) carries the members with their broker epochs only.
                newIsr: [],
                newIsrWithEpochs: change.isr.map((brokerId) => ({ brokerId, brokerEpoch: this.image.brokers.get(brokerId)?.epoch ?? -1n })),
                leaderRecoveryState: 0,
                partitionEpoch: partition.partitionEpoch,
              },
            ],
          },
        ],
      });
      const errorCode = response.errorCode !== ErrorCode.NONE ? response.errorCode : (response.topics[0]?.partitions[0]?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR);
      if (errorCode === ErrorCode.NONE) {
        // Accepted: the image carries the new ISR and settles the pending change. An accepted change
        // that wrote nothing (the ISR already was that list) brings no new image: settle it from this one.
        await this.applying;
        const committed = this.image.topicsById.get(partition.topicId)?.partitions.get(partition.partitionId);
        if (committed && committed.partitionEpoch >= (response.topics[0]?.partitions[0]?.partitionEpoch ?? 0)) partition.applyState(committed);
        return;
      }
      this.log.info(`${partition.name}: the controller refused the ISR change with error code ${errorCode}`);
    } catch (err) {
      this.log.info(`${partition.name}: ISR change not sent: ${err instanceof Error ? err.message : String(err)}`);
    }
    partition.abandonIsrChange(change);
  }

  /** Appends a produce request's records to a partition this broker leads; acks=all waits for the ISR up to `timeoutMs`. */
  async appendToLeader(topic: string, partitionId: number, records: Buffer, requiredAcks: number, minInsyncReplicas: number, timeoutMs: number): Promise<AppendResult> {
    const failed = (errorCode: number, errorMessage: string | null = null): AppendResult => ({ errorCode, errorMessage, baseOffset: -1n, logAppendTime: -1n, logStartOffset: -1n });
    const partition = this.getPartition(topic, partitionId);
    if (!partition) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    if (!partition.isLeader) return failed(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    const isrSize = partition.isr.length;
    if (requiredAcks === -1 && isrSize < minInsyncReplicas) {
      return failed(ErrorCode.NOT_ENOUGH_REPLICAS, `The size of the current ISR ${isrSize} is insufficient to satisfy the min.isr requirement of ${minInsyncReplicas} for partition ${partition.name}`);
    }
    const leaderEpoch = partition.leaderEpoch;
    let appended;
    try {
      appended = await partition.log.appendAsLeader(records, leaderEpoch);
    } catch (err) {
      const code = errorCodeOf(err);
      if (code === null || code === ErrorCode.KAFKA_STORAGE_ERROR) this.log.error(`appending to ${partition.name}`, err);
      return failed(code ?? ErrorCode.KAFKA_STORAGE_ERROR, err instanceof Error ? err.message : null);
    }
    partition.afterLeaderAppend();
    const result: AppendResult = { errorCode: ErrorCode.NONE, errorMessage: null, baseOffset: appended.baseOffset, logAppendTime: appended.logAppendTime, logStartOffset: appended.logStartOffset };
    if (requiredAcks !== -1 || appended.lastOffset < 0n) return result;
    const errorCode = await partition.delayedProduces.await(appended.lastOffset + 1n, minInsyncReplicas, timeoutMs);
    return errorCode === ErrorCode.NONE ? result : { ...result, errorCode, errorMessage: null };
  }

  /**
   * Resolves when any of the partitions gets new data or the time is up, whichever comes first
   * (the delayed fetch of a long poll).
   */
  waitForData(partitions: readonly Partition[], timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const unsubscribe: (() => void)[] = [];
      const done = (): void => {
        clearTimeout(timer);
        for (const u of unsubscribe) u();
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      for (const p of partitions) unsubscribe.push(p.onAppend(done));
    });
  }

  /** Stops the fetchers and the ISR checks (before the logs close). */
  async shutdown(): Promise<void> {
    if (this.shrinkTimer) clearInterval(this.shrinkTimer);
    const fetchers = [...this.fetchers.values()];
    this.fetchers.clear();
    await Promise.all(fetchers.map((f) => f.shutdown()));
    for (const p of this.partitions.values()) p.delayedProduces.failAll(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  }
}
