// The partitions this broker hosts. Each new metadata image is applied here: logs are opened
// for partitions assigned to this broker and deleted for topics that are gone. Produce appends
// through here, and fetches wait here for data.
import { ErrorCode, KafkaProtocolError } from '../../src/protocol/errors.js';
import type { MetadataImage } from '../controller/metadata-image.js';
import type { LogConfig } from '../log/log-config.js';
import type { LogManager } from '../log/log-manager.js';
import type { Logger } from '../logger.js';
import { Partition } from './partition.js';

export interface AppendResult {
  errorCode: number;
  errorMessage: string | null;
  baseOffset: bigint;
  logAppendTime: bigint;
  logStartOffset: bigint;
}

/** The Kafka error code an exception from the log layer maps to. */
export function errorCodeOf(err: unknown): number | null {
  if (err instanceof KafkaProtocolError) return err.code;
  if (typeof err === 'object' && err !== null && 'errorCode' in err && typeof err.errorCode === 'number') return err.errorCode;
  return null;
}

export class ReplicaManager {
  private readonly partitions = new Map<string, Partition>();
  private applying: Promise<void> = Promise.resolve();

  constructor(
    private readonly nodeId: number,
    private readonly logs: LogManager,
    private readonly logConfigFor: (topic: string) => LogConfig,
    private readonly log: Logger,
  ) {}

  getPartition(topic: string, partitionId: number): Partition | undefined {
    return this.partitions.get(`${topic}-${partitionId}`);
  }

  allPartitions(): IterableIterator<Partition> {
    return this.partitions.values();
  }

  /** Applies images in order; resolves once the logs for this one are open. */
  applyImage(image: MetadataImage): Promise<void> {
    this.applying = this.applying.then(() => this.apply(image)).catch((err) => this.log.error('applying metadata to the hosted partitions', err));
    return this.applying;
  }

  private async apply(image: MetadataImage): Promise<void> {
    const wanted = new Set<string>();
    for (const topic of image.topicsByName.values()) {
      for (const p of topic.partitions.values()) {
        if (!p.replicas.includes(this.nodeId)) continue;
        const key = `${topic.name}-${p.partitionId}`;
        wanted.add(key);
        const existing = this.partitions.get(key);
        if (existing && existing.topicId === topic.topicId) {
          existing.leader = p.leader;
          existing.leaderEpoch = p.leaderEpoch;
          existing.isr = p.isr;
          existing.replicas = p.replicas;
          existing.log.updateConfig(this.logConfigFor(topic.name));
          existing.maybeAdvanceHighWatermark();
          continue;
        }
        const partitionLog = await this.logs.getOrCreateLog(topic.name, p.partitionId, topic.topicId, this.logConfigFor(topic.name));
        const highWatermark = this.logs.checkpointedHighWatermark(topic.name, p.partitionId);
        const partition = new Partition(topic.name, p.partitionId, topic.topicId, partitionLog, this.nodeId, p, highWatermark);
        this.partitions.set(key, partition);
      }
    }
    for (const [key, partition] of this.partitions) {
      if (wanted.has(key) && image.topicsByName.get(partition.topic)?.topicId === partition.topicId) continue;
      this.partitions.delete(key);
      await this.logs.deleteLog(partition.topic, partition.partitionId);
    }
  }

  /** Appends a produce request's records to a partition this broker leads. */
  async appendToLeader(topic: string, partitionId: number, records: Buffer, requiredAcks: number, minInsyncReplicas: number): Promise<AppendResult> {
    const failed = (errorCode: number, errorMessage: string | null = null): AppendResult => ({ errorCode, errorMessage, baseOffset: -1n, logAppendTime: -1n, logStartOffset: -1n });
    const partition = this.getPartition(topic, partitionId);
    if (!partition) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    if (!partition.isLeader) return failed(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    if (requiredAcks === -1 && partition.isr.length < minInsyncReplicas) {
      return failed(ErrorCode.NOT_ENOUGH_REPLICAS, `The size of the current ISR ${partition.isr.length} is insufficient to satisfy the min.isr requirement of ${minInsyncReplicas}`);
    }
    try {
      const appended = await partition.log.appendAsLeader(records, partition.leaderEpoch);
      partition.maybeAdvanceHighWatermark();
      return { errorCode: ErrorCode.NONE, errorMessage: null, baseOffset: appended.baseOffset, logAppendTime: appended.logAppendTime, logStartOffset: appended.logStartOffset };
    } catch (err) {
      const code = errorCodeOf(err);
      if (code === null || code === ErrorCode.KAFKA_STORAGE_ERROR) this.log.error(`appending to ${partition.name}`, err);
      return failed(code ?? ErrorCode.KAFKA_STORAGE_ERROR, err instanceof Error ? err.message : null);
    }
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
}
