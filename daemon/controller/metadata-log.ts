// The metadata log, `__cluster_metadata-0`, replicated by the KRaft quorum of
// `controller.quorum.voters` (raft/raft-node.ts). What the rest of the node sees of it: the image
// of the committed records, rebuilt as each committed batch arrives; appends that resolve once
// committed; and leadership changes, so that the controller runs only on the quorum leader.
// Every node snapshots its committed image now and then (raft/snapshot-generator.ts) and trims
// the log behind its snapshots as the retention settings allow (raft/snapshot-retention.ts).
import { ErrorCode, KafkaProtocolError } from '../../src/protocol/errors.js';
import type { LogManager } from '../log/log-manager.js';
import type { Logger } from '../logger.js';
import { EMPTY_IMAGE, replay, type MetadataImage, type MetadataRecord } from './metadata-image.js';
import type { MetadataLogAppender } from './quorum-controller.js';
import { imageRecords } from './raft/image-records.js';
import { QuorumStateStore } from './raft/quorum-state-store.js';
import { RaftLog, type CommittedBatch } from './raft/raft-log.js';
import { NotLeaderError, RaftNode, type LeaderAndEpoch, type LoadedSnapshot } from './raft/raft-node.js';
import { SnapshotGenerator, type SnapshotPolicy } from './raft/snapshot-generator.js';
import { cleanSnapshots, type RetentionPolicy } from './raft/snapshot-retention.js';
import { describeSnapshot } from './raft/snapshots.js';
import { NetworkTransport, type VoterAddress } from './raft/transport.js';

export interface MetadataQuorumSettings {
  nodeId: number;
  clusterId: string;
  voters: readonly VoterAddress[];
  electionTimeoutMs: number;
  fetchTimeoutMs: number;
  electionBackoffMaxMs: number;
  requestTimeoutMs: number;
  retryBackoffMs: number;
  /** metadata.log.segment.bytes and metadata.log.segment.ms. */
  segmentBytes: number;
  segmentMs: number;
  /** metadata.log.max.record.bytes.between.snapshots and metadata.log.max.snapshot.interval.ms. */
  snapshots: SnapshotPolicy;
  /** metadata.max.retention.bytes and metadata.max.retention.ms. */
  retention: RetentionPolicy;
}

/** How long the leader parks a caught-up follower's fetch (Kafka's raft client asks for 500 ms). */
const FETCH_MAX_WAIT_MS = 500;
const FETCH_MAX_BYTES = 8 * 1024 * 1024;
/** How often retention looks at the snapshots besides after each new one (Kafka's cleaner manager). */
const CLEAN_INTERVAL_MS = 60_000;

export interface MetadataLogEvents {
  /** The committed image moved on: `records` are the metadata records of the batches just committed. */
  onImage(image: MetadataImage, records: readonly MetadataRecord[]): void;
  /** The quorum has a new leader (or none in a new epoch); `isLocal` when it is this node. */
  onLeaderChange(leader: LeaderAndEpoch, isLocal: boolean): void;
}

export class MetadataLog implements MetadataLogAppender {
  private image_: MetadataImage = EMPTY_IMAGE;
  /** The epoch and append time of the last batch in the image: a snapshot's id and header carry them. */
  private lastContained = { epoch: 0, timestamp: -1n };
  private readonly snapshotGenerator: SnapshotGenerator;
  private cleaner: NodeJS.Timeout | null = null;

  private constructor(
    readonly raft: RaftNode,
    private readonly retention: RetentionPolicy,
    snapshots: SnapshotPolicy,
    private readonly logger: Logger,
  ) {
    this.snapshotGenerator = new SnapshotGenerator(snapshots, (reason) => this.writeSnapshot(reason), logger);
  }

  static async open(logs: LogManager, settings: MetadataQuorumSettings, logger: Logger): Promise<MetadataLog> {
    const partitionLog = await logs.openMetadataLog();
    partitionLog.updateConfig({ ...partitionLog.config, segmentBytes: settings.segmentBytes, segmentMs: settings.segmentMs });
    const voterIds = settings.voters.map((v) => v.id);
    const transport = new NetworkTransport(new Map(settings.voters.map((v) => [v.id, v])), settings.nodeId, settings.requestTimeoutMs);
    const raft = new RaftNode(
      {
        nodeId: settings.nodeId,
        clusterId: settings.clusterId,
        voterIds,
        electionTimeoutMs: settings.electionTimeoutMs,
        fetchTimeoutMs: settings.fetchTimeoutMs,
        electionBackoffMaxMs: settings.electionBackoffMaxMs,
        retryBackoffMs: settings.retryBackoffMs,
        fetchMaxWaitMs: FETCH_MAX_WAIT_MS,
        fetchMaxBytes: FETCH_MAX_BYTES,
      },
      new RaftLog(partitionLog, logger),
      new QuorumStateStore(partitionLog.dir, voterIds),
      transport,
      logger,
    );
    return new MetadataLog(raft, settings.retention, settings.snapshots, logger);
  }

  /** The image of every committed record delivered so far. */
  get image(): MetadataImage {
    return this.image_;
  }

  /** Starts the quorum member; committed batches and leader changes reach `events` from then on. */
  async start(events: MetadataLogEvents): Promise<void> {
    const localId = this.raft.settings.nodeId;
    this.raft.register({
      handleCommit: (batches: readonly CommittedBatch[]) => {
        const records = batches.flatMap((b) => b.records);
        const last = batches[batches.length - 1];
        this.image_ = replay(this.image_, records, last.lastOffset);
        this.lastContained = { epoch: last.epoch, timestamp: last.maxTimestamp };
        events.onImage(this.image_, records);
        this.snapshotGenerator.onCommit(batches.reduce((n, b) => n + b.sizeInBytes, 0));
      },
      handleSnapshot: (snapshot: LoadedSnapshot) => {
        this.image_ = replay(EMPTY_IMAGE, snapshot.records, snapshot.id.endOffset - 1n);
        this.lastContained = { epoch: snapshot.id.epoch, timestamp: snapshot.lastContainedLogTimestamp };
        this.snapshotGenerator.onSnapshotLoaded();
        events.onImage(this.image_, snapshot.records);
      },
      handleLeaderChange: (leader) => events.onLeaderChange(leader, leader.leaderId === localId),
    });
    await this.raft.start();
    this.cleaner = setInterval(() => void this.clean(), CLEAN_INTERVAL_MS);
    this.cleaner.unref();
  }

  /** A snapshot of the committed image as it is now, then retention's look at the log. */
  private async writeSnapshot(reason: string): Promise<void> {
    const image = this.image_;
    if (image.offset < 0n) return;
    const id = { endOffset: image.offset + 1n, epoch: this.lastContained.epoch };
    const contents = { records: imageRecords(image), lastContainedLogTimestamp: this.lastContained.timestamp };
    if (!(await this.raft.createSnapshot(id, contents))) return;
    this.logger.info(`metadata log: wrote snapshot ${describeSnapshot(id)} (${contents.records.length} records) because ${reason}`);
    await this.clean();
  }

  private clean(): Promise<void> {
    return this.raft
      .exclusive(() => cleanSnapshots(this.raft.log, this.retention, Date.now()))
      .then(() => undefined)
      .catch((err) => this.logger.error('metadata log: retention failed', err));
  }

  /** Resolves once committed; NOT_CONTROLLER when this node does not lead, or stopped leading before the commit. */
  async append(records: readonly MetadataRecord[]): Promise<bigint> {
    try {
      return await this.raft.append(records);
    } catch (err) {
      if (err instanceof NotLeaderError) throw new KafkaProtocolError(ErrorCode.NOT_CONTROLLER, err.message);
      throw err;
    }
  }

  /** Resigns leadership (EndQuorumEpoch), stops replicating and finishes the snapshot being written. */
  async close(): Promise<void> {
    if (this.cleaner !== null) clearInterval(this.cleaner);
    await this.raft.close();
    await this.snapshotGenerator.close();
  }
}
