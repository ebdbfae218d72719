// One member of the KRaft quorum of `__cluster_metadata-0` (KIP-595, the static-voter line of
// Kafka 3.9). Voters are unattached, voted, candidate, leader, follower or resigned; a node that
// is not a voter observes (follows the leader without voting). Every change of epoch, vote or
// leader is written to `quorum-state` before the node acts on it. State changes run one at a time
// (`exclusive`); network calls are never awaited inside one. The leader's side of Fetch and
// DescribeQuorum is in raft-leader-requests.ts, of FetchSnapshot in snapshot-requests.ts. A
// follower told to load a snapshot downloads it, starts its log at its end and hands it to the
// listeners; at start-up the latest snapshot is handed over before the log after it.
import { ErrorCode } from '../../../src/protocol/errors.js';
import type { BeginQuorumEpochRequest } from '../../../src/protocol/generated/clients/begin-quorum-epoch-request.js';
import type { EndQuorumEpochRequest } from '../../../src/protocol/generated/clients/end-quorum-epoch-request.js';
import type { FetchResponse } from '../../../src/protocol/generated/clients/fetch-response.js';
import type { FetchSnapshotResponse } from '../../../src/protocol/generated/clients/fetch-snapshot-response.js';
import type { VoteRequest } from '../../../src/protocol/generated/clients/vote-request.js';
import type { VoteResponse } from '../../../src/protocol/generated/clients/vote-response.js';
import type { Logger } from '../../logger.js';
import type { MetadataRecord } from '../metadata-image.js';
import { LeaderState } from './leader-state.js';
import type { QuorumStateStore } from './quorum-state-store.js';
import * as msg from './raft-messages.js';
import { leaderChangeBatch, metadataBatch, type CommittedBatch, type RaftLog } from './raft-log.js';
import { decodeSnapshot, encodeSnapshot, type SnapshotContents } from './snapshot-format.js';
import { FETCH_SNAPSHOT, fetchSnapshotRequest } from './snapshot-requests.js';
import { describeSnapshot, sameSnapshot, type PartialSnapshot, type SnapshotId } from './snapshots.js';
import type { RaftTransport } from './transport.js';

export type RaftRole = 'unattached' | 'voted' | 'candidate' | 'leader' | 'follower' | 'resigned';

export interface RaftSettings {
  nodeId: number;
  clusterId: string;
  voterIds: readonly number[];
  electionTimeoutMs: number;
  fetchTimeoutMs: number;
  electionBackoffMaxMs: number;
  retryBackoffMs: number;
  /** How long the leader may park a fetch that finds nothing new. */
  fetchMaxWaitMs: number;
  fetchMaxBytes: number;
  /** [0, 1): the jitter of election timeouts; Math.random unless a test fixes it. */
  random?: () => number;
}

export interface LeaderAndEpoch {
  /** -1 when no leader is known. */
  leaderId: number;
  epoch: number;
}

/** A snapshot handed to the listeners: the committed state up to its end offset. */
export interface LoadedSnapshot extends SnapshotContents {
  id: SnapshotId;
}

/** What the layers above learn from the quorum (Kafka's RaftClient.Listener). */
export interface RaftListener {
  /** Committed batches, in log order, each delivered once. */
  handleCommit(batches: readonly CommittedBatch[]): void;
  /** Everything committed before the snapshot's end offset, replacing what was delivered; commits resume from there. */
  handleSnapshot(snapshot: LoadedSnapshot): void;
  handleLeaderChange(leader: LeaderAndEpoch): void;
}

/** The records were not (or may not have been) committed: this node is not, or no longer, the leader. */
export class NotLeaderError extends Error {
  override name = 'NotLeaderError';
  constructor(readonly leader: LeaderAndEpoch) {
    super(leader.leaderId >= 0 ? `node ${leader.leaderId} is the quorum leader in epoch ${leader.epoch}` : `no quorum leader is known in epoch ${leader.epoch}`);
  }
}

interface CommitWaiter {
  offset: bigint;
  resolve(): void;
  reject(err: Error): void;
}

const RESIGN_TIMEOUT_MS = 500;

export class RaftNode {
  role: RaftRole = 'unattached';
  epoch = 0;
  leaderId = -1;
  votedId = -1;
  /** Exclusive: every offset below it is committed. Null until known in this epoch. */
  highWatermark: bigint | null = null;
  /** The leader's view of the replicas; null on every other role. */
  leaderState: LeaderState | null = null;
  private delivered: bigint;
  private granted = new Set<number>();
  /** Incremented on every transition: loops and timers of an older state stop. */
  private generation = 0;
  private timer: NodeJS.Timeout | null = null;
  private leaderTicker: NodeJS.Timeout | null = null;
  private lock: Promise<unknown> = Promise.resolve();
  private delivery: Promise<unknown> = Promise.resolve();
  private readonly listeners: RaftListener[] = [];
  private commitWaiters: CommitWaiter[] = [];
  private readonly parkedFetches = new Set<() => void>();
  /** The snapshot a follower downloads (FetchSnapshot) instead of fetching the log, until it has it all. */
  private fetchingSnapshot: PartialSnapshot | null = null;
  private closed = false;
  private readonly random: () => number;

  constructor(
    readonly settings: RaftSettings,
    readonly log: RaftLog,
    private readonly store: QuorumStateStore,
    private readonly transport: RaftTransport,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.random = settings.random ?? Math.random;
    this.delivered = log.startOffset;
  }

  get isVoter(): boolean {
    return this.settings.voterIds.includes(this.settings.nodeId);
  }

  get leader(): LeaderAndEpoch {
    return { leaderId: this.leaderId, epoch: this.epoch };
  }

  register(listener: RaftListener): void {
    this.listeners.push(listener);
  }

  /** Loads the snapshots, resumes the persisted election state; a sole voter elects itself at once. */
  async start(): Promise<void> {
    await this.exclusive(async () => {
      await this.log.recover();
      this.delivered = this.log.startOffset;
      // Even a snapshot where the log starts: the listeners have nothing yet.
      const snapshot = this.log.snapshots.latest;
      if (snapshot !== null) this.deliver(() => this.deliverSnapshot(snapshot));
      const stored = await this.store.read();
      const local = this.settings.nodeId;
      if (stored === null) await this.become('unattached', 0, -1, -1);
      // A leader that restarts may not lead its old epoch again: it resigns and waits for a new election.
      else if (stored.leaderId === local) await this.become('resigned', stored.epoch, local, stored.votedId);
      else if (stored.leaderId >= 0) await this.become('follower', stored.epoch, stored.leaderId, stored.votedId);
      else if (stored.votedId >= 0) await this.become('voted', stored.epoch, -1, stored.votedId);
      else await this.become('unattached', stored.epoch, -1, -1);
      if (this.isVoter && this.settings.voterIds.length === 1) await this.becomeCandidate();
    });
  }

  // ---- the leader's side of appends ----

  /** Appends records as one batch; resolves with the last offset once committed and delivered. */
  append(records: readonly MetadataRecord[]): Promise<bigint> {
    return this.exclusive(async () => {
      if (this.role !== 'leader') throw new NotLeaderError(this.leader);
      const lastOffset = await this.log.appendAsLeader(metadataBatch(records, this.epoch, BigInt(this.now())), this.epoch);
      const committed = new Promise<void>((resolve, reject) => this.commitWaiters.push({ offset: lastOffset, resolve, reject }));
      this.afterLeaderAppend();
      return { lastOffset, committed };
    }).then(async ({ lastOffset, committed }) => {
      await committed;
      return lastOffset;
    });
  }

  /** Resolves once the LeaderChange record of this node's epoch is committed and delivered: everything before it is replayed. */
  async awaitLeaderCaughtUp(): Promise<void> {
    const state = this.leaderState;
    if (state === null) throw new NotLeaderError(this.leader);
    await new Promise<void>((resolve, reject) => {
      this.commitWaiters.push({ offset: state.epochStartOffset, resolve, reject });
      this.notifyCommitWaiters();
    });
  }

  // ---- requests from the other members ----

  handleVote(request: VoteRequest): Promise<VoteResponse> {
    return this.exclusive(async () => {
      const p = msg.onlyPartition(request.topics);
      if (request.clusterId !== null && request.clusterId !== this.settings.clusterId) return { ...msg.voteResponse(ErrorCode.NONE, -1, -1, false), errorCode: ErrorCode.INCONSISTENT_CLUSTER_ID };
      if (p === undefined) return { ...msg.voteResponse(ErrorCode.NONE, -1, -1, false), errorCode: ErrorCode.INVALID_REQUEST };
      if (!this.isVoter) return msg.voteResponse(ErrorCode.INCONSISTENT_VOTER_SET, this.leaderId, this.epoch, false);
      if (p.candidateEpoch < this.epoch) return msg.voteResponse(ErrorCode.FENCED_LEADER_EPOCH, this.leaderId, this.epoch, false);
      if (p.candidateEpoch > this.epoch) await this.become('unattached', p.candidateEpoch, -1, -1);
      const upToDate = p.lastOffsetEpoch > this.log.lastEpoch || (p.lastOffsetEpoch === this.log.lastEpoch && p.lastOffset >= this.log.endOffset);
      let granted = false;
      if (this.role === 'voted') granted = this.votedId === p.candidateId;
      else if (this.role === 'unattached') granted = upToDate;
      if (granted && this.role === 'unattached') await this.become('voted', this.epoch, -1, p.candidateId);
      this.logger.debug(`raft: ${granted ? 'granted' : 'refused'} vote to ${p.candidateId} in epoch ${p.candidateEpoch}`);
      return msg.voteResponse(ErrorCode.NONE, this.leaderId, this.epoch, granted);
    });
  }

  handleBeginQuorumEpoch(request: BeginQuorumEpochRequest): Promise<number> {
    return this.exclusive(async () => {
      const p = msg.onlyPartition(request.topics);
      if (request.clusterId !== null && request.clusterId !== this.settings.clusterId) return ErrorCode.INCONSISTENT_CLUSTER_ID;
      if (p === undefined) return ErrorCode.INVALID_REQUEST;
      if (p.leaderEpoch < this.epoch) return ErrorCode.FENCED_LEADER_EPOCH;
      if (p.leaderEpoch > this.epoch || (this.role !== 'follower' && this.role !== 'leader')) await this.become('follower', p.leaderEpoch, p.leaderId, this.votedId);
      return ErrorCode.NONE;
    });
  }

  handleEndQuorumEpoch(request: EndQuorumEpochRequest): Promise<number> {
    return this.exclusive(async () => {
      const p = msg.onlyPartition(request.topics);
      if (request.clusterId !== null && request.clusterId !== this.settings.clusterId) return ErrorCode.INCONSISTENT_CLUSTER_ID;
      if (p === undefined) return ErrorCode.INVALID_REQUEST;
      if (p.leaderEpoch < this.epoch) return ErrorCode.FENCED_LEADER_EPOCH;
      if (p.leaderEpoch > this.epoch) {
        await this.become('unattached', p.leaderEpoch, -1, -1);
      } else if (this.role === 'follower' && this.leaderId === p.leaderId && this.isVoter) {
        // The leader is stepping down: its preferred successors stand first, each after a short
        // backoff by rank, so the most up-to-date one usually wins without a split vote.
        const rank = p.preferredSuccessors.indexOf(this.settings.nodeId);
        const backoff = rank < 0 ? this.electionTimeout() : rank === 0 ? 0 : Math.min(this.settings.retryBackoffMs * 2 ** rank, this.settings.electionBackoffMaxMs);
        this.schedule(backoff, () => this.becomeCandidate());
      }
      return ErrorCode.NONE;
    });
  }

  // ---- transitions ----

  private async become(role: RaftRole, epoch: number, leaderId: number, votedId: number): Promise<void> {
    const leaderChanged = epoch !== this.epoch || leaderId !== this.leaderId;
    if (epoch !== this.epoch || leaderId !== this.leaderId || votedId !== this.votedId) await this.store.write({ epoch, leaderId, votedId });
    const wasLeader = this.role === 'leader';
    this.role = role;
    this.epoch = epoch;
    this.leaderId = leaderId;
    this.votedId = votedId;
    this.generation++;
    this.clearTimers();
    this.leaderState = null;
    this.granted = new Set();
    if (leaderChanged) this.highWatermark = null;
    await this.abandonSnapshotFetch();
    this.wakeFetches();
    // What a former leader appended may still commit under the next leader, or be truncated: its callers cannot know which.
    if (wasLeader) this.failCommitWaiters(new NotLeaderError(this.leader));
    this.logger.info(`raft: node ${this.settings.nodeId} is ${role} in epoch ${epoch}${leaderId >= 0 ? ` (leader ${leaderId})` : ''}`);
    if (this.closed) return;
    if (role === 'follower') {
      if (this.isVoter) this.schedule(this.settings.fetchTimeoutMs, () => this.becomeCandidate());
      else this.schedule(this.settings.fetchTimeoutMs, () => this.become('unattached', this.epoch, -1, -1));
      void this.fetchLoop(this.generation);
    } else if (this.isVoter && role !== 'leader') {
      this.schedule(this.electionTimeout(), () => this.becomeCandidate());
    } else if (!this.isVoter) {
      void this.fetchLoop(this.generation);
    }
    // A new leader is announced by becomeLeader, once its epoch has begun.
    if (leaderChanged && role !== 'leader') this.announceLeader();
  }

  private announceLeader(): void {
    for (const l of this.listeners) l.handleLeaderChange(this.leader);
  }

  private async becomeCandidate(): Promise<void> {
    if (this.closed || !this.isVoter) return;
    await this.become('candidate', this.epoch + 1, -1, this.settings.nodeId);
    this.granted.add(this.settings.nodeId);
    if (this.hasMajority(this.granted)) return this.becomeLeader();
    const generation = this.generation;
    const request = (voterId: number): VoteRequest => msg.voteRequest(this.settings.clusterId, this.settings.nodeId, this.epoch, this.log.lastEpoch, this.log.endOffset, voterId);
    for (const voterId of this.settings.voterIds) {
      if (voterId === this.settings.nodeId) continue;
      this.transport.send(voterId, msg.VOTE, request(voterId)).then(
        (response) => this.exclusive(() => this.onVoteResponse(generation, voterId, response)),
        (err: Error) => this.logger.debug(`raft: vote request to ${voterId} failed: ${err.message}`),
      );
    }
    // A lost or split election: back off for a random time, then stand again in a new epoch.
    this.schedule(this.electionTimeout(), () => {
      this.schedule(Math.floor(this.random() * this.settings.electionBackoffMaxMs), () => this.becomeCandidate());
    });
  }

  private async onVoteResponse(generation: number, voterId: number, response: VoteResponse): Promise<void> {
    const p = msg.onlyPartition(response.topics);
    if (response.errorCode === ErrorCode.INCONSISTENT_CLUSTER_ID) this.logger.warn(`raft: voter ${voterId} belongs to another cluster than ${this.settings.clusterId}`);
    if (p === undefined || response.errorCode !== ErrorCode.NONE) return;
    if (p.leaderEpoch > this.epoch) {
      await (p.leaderId >= 0 ? this.become('follower', p.leaderEpoch, p.leaderId, -1) : this.become('unattached', p.leaderEpoch, -1, -1));
      return;
    }
    if (generation !== this.generation || this.role !== 'candidate' || !p.voteGranted) return;
    this.granted.add(voterId);
    if (this.hasMajority(this.granted)) await this.becomeLeader();
  }

  private async becomeLeader(): Promise<void> {
    const granting = [...this.granted].sort((a, b) => a - b);
    await this.become('leader', this.epoch, this.settings.nodeId, this.votedId);
    const epochStart = this.log.endOffset;
    this.leaderState = new LeaderState(this.settings.nodeId, this.epoch, epochStart, this.settings.voterIds);
    await this.log.appendAsLeader(leaderChangeBatch(this.settings.nodeId, this.settings.voterIds, granting, this.epoch, BigInt(this.now())), this.epoch);
    this.afterLeaderAppend();
    this.announceLeader();
    const generation = this.generation;
    const tick = (): void => {
      void this.exclusive(async () => {
        if (generation !== this.generation || this.leaderState === null) return;
        // Check quorum: a leader cut off from a majority resigns instead of leading alone.
        if (!this.leaderState.majorityFetchedSince(this.now() - this.settings.fetchTimeoutMs * 1.5)) {
          this.logger.warn(`raft: no fetch from a majority of voters in ${this.settings.fetchTimeoutMs * 1.5} ms; resigning`);
          await this.become('resigned', this.epoch, this.settings.nodeId, this.votedId);
          return;
        }
        this.sendBeginQuorumEpoch(this.leaderState.unacknowledgedVoters());
      });
    };
    this.sendBeginQuorumEpoch(this.leaderState.unacknowledgedVoters());
    this.leaderTicker = setInterval(tick, Math.max(10, Math.floor(this.settings.fetchTimeoutMs / 2)));
    this.logger.info(`raft: node ${this.settings.nodeId} leads epoch ${this.epoch} from offset ${epochStart} (votes from ${granting.join(',')})`);
  }

  private sendBeginQuorumEpoch(voterIds: readonly number[]): void {
    for (const voterId of voterIds) {
      const request = msg.beginQuorumEpochRequest(this.settings.clusterId, this.settings.nodeId, this.epoch, voterId);
      this.transport.send(voterId, msg.BEGIN_QUORUM_EPOCH, request).catch((err: Error) => this.logger.debug(`raft: BeginQuorumEpoch to ${voterId} failed: ${err.message}`));
    }
  }

  /** Graceful shutdown: a leader tells the voters it steps down (EndQuorumEpoch), so they elect a successor at once. */
  async close(): Promise<void> {
    const ending = await this.exclusive(async () => {
      this.closed = true;
      const state = this.leaderState;
      if (this.role !== 'leader' || state === null) return null;
      const successors = state.successorsByProgress();
      await this.become('resigned', this.epoch, this.settings.nodeId, this.votedId);
      const request = msg.endQuorumEpochRequest(this.settings.clusterId, this.settings.nodeId, this.epoch, successors);
      return Promise.allSettled(successors.map((id) => this.transport.send(id, msg.END_QUORUM_EPOCH, request)));
    });
    if (ending !== null) await Promise.race([ending, new Promise((resolve) => setTimeout(resolve, RESIGN_TIMEOUT_MS))]);
    this.generation++;
    this.clearTimers();
    this.wakeFetches();
    this.failCommitWaiters(new NotLeaderError(this.leader));
    this.transport.close();
    await this.lock;
    await this.log.flush();
  }

  // ---- following ----

  private async fetchLoop(generation: number): Promise<void> {
    while (generation === this.generation && !this.closed) {
      const target = this.leaderId >= 0 ? this.leaderId : this.randomVoter();
      const snapshot = this.fetchingSnapshot;
      const retry = snapshot === null ? await this.fetchOnce(generation, target) : await this.fetchSnapshotOnce(generation, target, snapshot);
      if (retry) await new Promise((resolve) => setTimeout(resolve, this.settings.retryBackoffMs));
    }
  }

  /** One Fetch of the log; true when the next should wait a moment. */
  private async fetchOnce(generation: number, target: number): Promise<boolean> {
    const request = msg.fetchRequest(this.settings.clusterId, this.settings.nodeId, this.epoch, { fetchOffset: this.log.endOffset, lastFetchedEpoch: this.log.lastEpoch }, this.settings.fetchMaxWaitMs, this.settings.fetchMaxBytes);
    let response: FetchResponse | null = null;
    try {
      response = await this.transport.send(target, msg.RAFT_FETCH, request);
    } catch (err) {
      this.logger.debug(`raft: fetch from ${target} failed: ${(err as Error).message}`);
    }
    return this.exclusive(() => (response === null ? Promise.resolve(true) : this.onFetchResponse(generation, response)));
  }

  /** One FetchSnapshot of the next chunk of the snapshot being downloaded. */
  private async fetchSnapshotOnce(generation: number, target: number, snapshot: PartialSnapshot): Promise<boolean> {
    const request = fetchSnapshotRequest(this.settings.clusterId, this.settings.nodeId, this.epoch, snapshot.id, snapshot.size, this.settings.fetchMaxBytes);
    let response: FetchSnapshotResponse | null = null;
    try {
      response = await this.transport.send(target, FETCH_SNAPSHOT, request);
    } catch (err) {
      this.logger.debug(`raft: FetchSnapshot from ${target} failed: ${(err as Error).message}`);
    }
    return this.exclusive(() => (response === null ? Promise.resolve(true) : this.onFetchSnapshotResponse(generation, snapshot, response)));
  }

  /** Follows a newer leader (or epoch) a response names; true when this node changed state. */
  private async followLeaderHint(hint: { leaderId: number; leaderEpoch: number }): Promise<boolean> {
    if (!(hint.leaderEpoch > this.epoch || (hint.leaderEpoch === this.epoch && this.leaderId < 0 && hint.leaderId >= 0))) return false;
    await (hint.leaderId >= 0 ? this.become('follower', hint.leaderEpoch, hint.leaderId, hint.leaderEpoch === this.epoch ? this.votedId : -1) : this.become('unattached', hint.leaderEpoch, -1, -1));
    return true;
  }

  private resetFetchTimeout(): void {
    this.schedule(this.settings.fetchTimeoutMs, () => (this.isVoter ? this.becomeCandidate() : this.become('unattached', this.epoch, -1, -1)));
  }

  /** Applies one fetch response; true when the next fetch should wait a moment. */
  private async onFetchResponse(generation: number, response: FetchResponse): Promise<boolean> {
    if (generation !== this.generation) return false;
    const p = response.responses[0]?.partitions[0];
    if (response.errorCode !== ErrorCode.NONE || p === undefined) return true;
    if (await this.followLeaderHint(p.currentLeader)) return false;
    if (p.errorCode !== ErrorCode.NONE || this.role !== 'follower') return true;
    if (p.divergingEpoch.epoch >= 0) {
      const local = this.log.endOffsetForEpoch(p.divergingEpoch.epoch);
      const truncateTo = local.endOffset >= 0n && local.endOffset < p.divergingEpoch.endOffset ? local.endOffset : p.divergingEpoch.endOffset;
      if (this.highWatermark !== null && truncateTo < this.highWatermark) this.logger.error(`raft: leader ${this.leaderId} asks to truncate below the high watermark ${this.highWatermark} to ${truncateTo}`);
      this.logger.info(`raft: truncating the metadata log from ${this.log.endOffset} to ${truncateTo} (diverged at epoch ${p.divergingEpoch.epoch})`);
      await this.log.truncateTo(truncateTo);
    } else if (p.snapshotId.epoch >= 0 || p.snapshotId.endOffset >= 0) {
      if (p.snapshotId.epoch < 0 || p.snapshotId.endOffset < 0) {
        this.logger.error(`raft: leader ${this.leaderId} named an invalid snapshot (${p.snapshotId.endOffset}, ${p.snapshotId.epoch})`);
        return true;
      }
      await this.startSnapshotFetch({ endOffset: p.snapshotId.endOffset, epoch: p.snapshotId.epoch });
    } else if (p.records !== null && p.records.length > 0) {
      await this.log.appendAsFollower(p.records);
    }
    this.resetFetchTimeout();
    if (p.highWatermark >= 0n) {
      const hw = p.highWatermark < this.log.endOffset ? p.highWatermark : this.log.endOffset;
      if (this.highWatermark === null || hw > this.highWatermark) this.advanceHighWatermark(hw);
    }
    return false;
  }

  // ---- snapshots from the leader ----

  private async startSnapshotFetch(id: SnapshotId): Promise<void> {
    if (this.log.snapshots.has(id)) {
      // Downloaded before a crash that came ahead of the truncation.
      this.logger.info(`raft: leader ${this.leaderId} names snapshot ${describeSnapshot(id)}, which is already stored`);
      await this.startLogAtSnapshot(id);
      return;
    }
    this.logger.info(`raft: fetching snapshot ${describeSnapshot(id)} from leader ${this.leaderId} (the log ends at ${this.log.endOffset})`);
    this.fetchingSnapshot = await this.log.snapshots.startPartial(id);
  }

  private async onFetchSnapshotResponse(generation: number, snapshot: PartialSnapshot, response: FetchSnapshotResponse): Promise<boolean> {
    if (generation !== this.generation || this.fetchingSnapshot !== snapshot) return false;
    const p = response.topics[0]?.partitions[0];
    if (response.errorCode !== ErrorCode.NONE || p === undefined) return true;
    if (await this.followLeaderHint(p.currentLeader)) return false;
    if (p.errorCode === ErrorCode.SNAPSHOT_NOT_FOUND || (p.errorCode === ErrorCode.NONE && (p.snapshotId.endOffset < 0 || p.snapshotId.epoch < 0))) {
      // The leader deleted it before this node had it all: fetch again, to be told of its newer one.
      this.logger.info(`raft: leader ${this.leaderId} no longer has snapshot ${describeSnapshot(snapshot.id)}`);
      await this.abandonSnapshotFetch();
      this.resetFetchTimeout();
      return false;
    }
    if (p.errorCode !== ErrorCode.NONE || this.role !== 'follower') return true;
    if (!sameSnapshot(p.snapshotId, snapshot.id) || p.position !== snapshot.size || p.size < snapshot.size + BigInt(p.unalignedRecords.length)) {
      this.logger.warn(`raft: unexpected FetchSnapshot answer for ${describeSnapshot(snapshot.id)} at ${snapshot.size}: (${p.snapshotId.endOffset}, ${p.snapshotId.epoch}) at ${p.position} of ${p.size}; starting over`);
      await this.abandonSnapshotFetch();
      return true;
    }
    await snapshot.append(p.unalignedRecords);
    if (snapshot.size === p.size) {
      this.fetchingSnapshot = null;
      await this.log.snapshots.freeze(snapshot);
      await this.startLogAtSnapshot(snapshot.id);
    }
    this.resetFetchTimeout();
    return false;
  }

  /** The log starts again at a snapshot ahead of it, which the listeners load before any later commit. */
  private async startLogAtSnapshot(id: SnapshotId): Promise<void> {
    if (!(await this.log.truncateToLatestSnapshot())) {
      this.logger.error(`raft: snapshot ${describeSnapshot(id)} is not ahead of the log (end ${this.log.endOffset}, epoch ${this.log.lastEpoch}); not loading it`);
      return;
    }
    this.logger.info(`raft: the log starts at snapshot ${describeSnapshot(id)} from leader ${this.leaderId}`);
    this.deliver(() => this.deliverLatestSnapshot());
  }

  private async abandonSnapshotFetch(): Promise<void> {
    const snapshot = this.fetchingSnapshot;
    this.fetchingSnapshot = null;
    await snapshot?.discard();
  }

  /**
   * Writes a snapshot of the committed state at `id` (the listeners have everything before its
   * end offset); false when the log has one there already or starts after it.
   */
  async createSnapshot(id: SnapshotId, contents: SnapshotContents): Promise<boolean> {
    const snapshots = this.log.snapshots;
    if (id.endOffset > this.delivered || snapshots.has(id)) return false;
    const partial = await snapshots.startPartial(id);
    await partial.append(encodeSnapshot(id, contents, BigInt(this.now())));
    return this.exclusive(async () => {
      if (id.endOffset < this.log.startOffset || snapshots.has(id)) {
        await partial.discard();
        return false;
      }
      await snapshots.freeze(partial);
      return true;
    });
  }

  // ---- commits ----

  /** The leader wrote to its log: its progress may move the high watermark, and parked fetches have data. */
  afterLeaderAppend(): void {
    if (this.leaderState?.updateLocal(this.log.endOffset, this.now())) this.advanceHighWatermark(this.leaderState.highWatermark!);
    this.wakeFetches();
  }

  /** The high watermark moved (on the leader after a fetch or an append; on a follower after a fetch). */
  advanceHighWatermark(hw: bigint): void {
    this.highWatermark = hw;
    this.wakeFetches();
    this.deliver(() => this.deliverCommitted());
  }

  /** Deliveries to the listeners run one after another, in the order they were asked for. */
  private deliver(work: () => Promise<void>): void {
    this.delivery = this.delivery.then(work).catch((err) => this.logger.error('raft: delivering to the listeners', err));
  }

  /** Hands the latest snapshot to the listeners when it is ahead of what they have. */
  private async deliverLatestSnapshot(): Promise<void> {
    const id = this.log.snapshots.latest;
    if (id !== null && id.endOffset > this.delivered) await this.deliverSnapshot(id);
  }

  private async deliverSnapshot(id: SnapshotId): Promise<void> {
    const contents = decodeSnapshot(await this.log.snapshots.read(id), this.logger);
    this.delivered = id.endOffset;
    this.logger.info(`raft: loaded snapshot ${describeSnapshot(id)} (${contents.records.length} records)`);
    for (const l of this.listeners) l.handleSnapshot({ id, ...contents });
    this.notifyCommitWaiters();
  }

  private async deliverCommitted(): Promise<void> {
    // The log no longer holds what comes next: only the snapshot does.
    if (this.delivered < this.log.startOffset) await this.deliverLatestSnapshot();
    const hw = this.highWatermark;
    if (hw === null || hw <= this.delivered) return this.notifyCommitWaiters();
    const batches = await this.log.committedBatches(this.delivered, hw);
    if (batches.length > 0) {
      this.delivered = batches[batches.length - 1].lastOffset + 1n;
      for (const l of this.listeners) l.handleCommit(batches);
    }
    this.notifyCommitWaiters();
  }

  private notifyCommitWaiters(): void {
    const delivered = this.delivered;
    const waiting = this.commitWaiters;
    this.commitWaiters = waiting.filter((w) => w.offset >= delivered);
    for (const w of waiting) if (w.offset < delivered) w.resolve();
  }

  private failCommitWaiters(err: Error): void {
    const waiting = this.commitWaiters;
    this.commitWaiters = [];
    for (const w of waiting) w.reject(err);
  }

  // ---- long-poll fetches on the leader ----

  /** Parks a fetch until the log or the high watermark moves, the state changes, or `maxWaitMs` passes. */
  parkFetch(maxWaitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.parkedFetches.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, maxWaitMs);
      this.parkedFetches.add(wake);
    });
  }

  private wakeFetches(): void {
    for (const wake of [...this.parkedFetches]) wake();
  }

  // ---- helpers ----

  /** Runs `fn` after every state change queued before it. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.lock.then(fn);
    this.lock = next.catch(() => undefined);
    return next;
  }

  private hasMajority(votes: ReadonlySet<number>): boolean {
    return [...votes].filter((id) => this.settings.voterIds.includes(id)).length > this.settings.voterIds.length / 2;
  }

  /** The election timeout with Kafka's jitter: somewhere in [timeout, 2 × timeout). */
  private electionTimeout(): number {
    return this.settings.electionTimeoutMs + Math.floor(this.random() * this.settings.electionTimeoutMs);
  }

  private randomVoter(): number {
    const voters = this.settings.voterIds;
    return voters[Math.floor(this.random() * voters.length)];
  }

  private schedule(delayMs: number, action: () => Promise<void> | void): void {
    if (this.timer !== null) clearTimeout(this.timer);
    const generation = this.generation;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.exclusive(async () => {
        if (generation === this.generation && !this.closed) await action();
      }).catch((err) => this.logger.error('raft: timer action failed', err));
    }, delayMs);
  }

  private clearTimers(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.leaderTicker !== null) clearInterval(this.leaderTicker);
    this.timer = null;
    this.leaderTicker = null;
  }
}
