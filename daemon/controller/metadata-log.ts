// The metadata log, `__cluster_metadata-0`, replicated by the KRaft quorum of
// `controller.quorum.voters` (raft/raft-node.ts). What the rest of the node sees of it: the image
// of the committed records, rebuilt as each committed batch arrives; appends that resolve once
// committed; and leadership changes, so that the controller runs only on the quorum leader.
import { ErrorCode, KafkaProtocolError } from '../../src/protocol/errors.js';
import type { LogManager } from '../log/log-manager.js';
import type { Logger } from '../logger.js';
import { EMPTY_IMAGE, replay, type MetadataImage, type MetadataRecord } from './metadata-image.js';
import type { MetadataLogAppender } from './quorum-controller.js';
import { QuorumStateStore } from './raft/quorum-state-store.js';
import { RaftLog, type CommittedBatch } from './raft/raft-log.js';
import { NotLeaderError, RaftNode, type LeaderAndEpoch } from './raft/raft-node.js';
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
}

/** How long the leader parks a caught-up follower's fetch (Kafka's raft client asks for 500 ms). */
const FETCH_MAX_WAIT_MS = 500;
const FETCH_MAX_BYTES = 8 * 1024 * 1024;

export interface MetadataLogEvents {
  /** The committed image moved on: `records` are the metadata records of the batches just committed. */
  onImage(image: MetadataImage, records: readonly MetadataRecord[]): void;
  /** The quorum has a new leader (or none in a new epoch); `isLocal` when it is this node. */
  onLeaderChange(leader: LeaderAndEpoch, isLocal: boolean): void;
}

export class MetadataLog implements MetadataLogAppender {
  private image_: MetadataImage = EMPTY_IMAGE;

  private constructor(readonly raft: RaftNode) {}

  static async open(logs: LogManager, settings: MetadataQuorumSettings, logger: Logger): Promise<MetadataLog> {
    const partitionLog = await logs.openMetadataLog();
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
    return new MetadataLog(raft);
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
        this.image_ = replay(this.image_, records, batches[batches.length - 1].lastOffset);
        events.onImage(this.image_, records);
      },
      handleLeaderChange: (leader) => events.onLeaderChange(leader, leader.leaderId === localId),
    });
    await this.raft.start();
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

  /** Resigns leadership (EndQuorumEpoch) and stops replicating. */
  close(): Promise<void> {
    return this.raft.close();
  }
}
