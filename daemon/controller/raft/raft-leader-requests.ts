// The leader's answers to Fetch and DescribeQuorum for `__cluster_metadata-0`. A fetch from an
// empty log, or from a position the log no longer holds, gets `snapshotId` (the follower loads
// that snapshot with FetchSnapshot); one whose position diverges from the leader's log gets
// `divergingEpoch` (the follower truncates to it); one that is caught up is parked until the
// log or the high watermark moves, at most its max wait.
import { ErrorCode } from '../../../src/protocol/errors.js';
import type { DescribeQuorumResponse, ReplicaState } from '../../../src/protocol/generated/clients/describe-quorum-response.js';
import type { FetchRequest } from '../../../src/protocol/generated/clients/fetch-request.js';
import type { FetchResponse, PartitionData } from '../../../src/protocol/generated/clients/fetch-response.js';
import { ZERO_UUID } from '../../../src/protocol/primitives.js';
import type { ReplicaProgress } from './leader-state.js';
import { fetchPartitionResponse, fetchResponse, METADATA_TOPIC, METADATA_TOPIC_ID } from './raft-messages.js';
import type { RaftNode } from './raft-node.js';

/** The fetched partition must be `__cluster_metadata-0`, by name (v0-12) or by id (v13+). */
function metadataPartition(request: FetchRequest): FetchRequest['topics'][number]['partitions'][number] | undefined {
  const topic = request.topics.find((t) => t.topic === METADATA_TOPIC || t.topicId === METADATA_TOPIC_ID);
  return topic?.partitions.find((p) => p.partition === 0);
}

export async function handleRaftFetch(node: RaftNode, request: FetchRequest, apiVersion: number): Promise<FetchResponse> {
  if (request.clusterId !== null && request.clusterId !== node.settings.clusterId) return fetchResponse(ErrorCode.INCONSISTENT_CLUSTER_ID, null);
  const p = metadataPartition(request);
  if (p === undefined || request.topics.length !== 1) return fetchResponse(ErrorCode.INVALID_REQUEST, null);
  const replicaId = apiVersion >= 15 ? request.replicaState.replicaId : request.replicaId;
  const answer = (partition: PartitionData): FetchResponse => fetchResponse(ErrorCode.NONE, partition);
  const error = (code: number): FetchResponse => answer(fetchPartitionResponse(code, node.leaderId, node.epoch));

  if (p.currentLeaderEpoch < node.epoch) return error(ErrorCode.FENCED_LEADER_EPOCH);
  if (p.currentLeaderEpoch > node.epoch) return error(ErrorCode.UNKNOWN_LEADER_EPOCH);
  if (node.role !== 'leader' || node.leaderState === null || replicaId < 0) return error(ErrorCode.NOT_LEADER_OR_FOLLOWER);

  const log = node.log;
  const snapshot = log.snapshotToFetch(p.fetchOffset, p.lastFetchedEpoch);
  if (snapshot !== null) {
    const partition = fetchPartitionResponse(ErrorCode.NONE, node.leaderId, node.epoch);
    partition.snapshotId = { endOffset: snapshot.endOffset, epoch: snapshot.epoch };
    partition.highWatermark = node.highWatermark ?? -1n;
    partition.logStartOffset = log.startOffset;
    return answer(partition);
  }
  const diverging = divergence(node, p.fetchOffset, p.lastFetchedEpoch);
  if (diverging !== null) {
    const partition = fetchPartitionResponse(ErrorCode.NONE, node.leaderId, node.epoch);
    partition.divergingEpoch = diverging;
    partition.highWatermark = node.highWatermark ?? -1n;
    partition.logStartOffset = log.startOffset;
    return answer(partition);
  }
  const state = node.leaderState;
  if (state.updateReplica(replicaId, p.fetchOffset, log.endOffset, Date.now())) node.advanceHighWatermark(state.highWatermark!);
  if (p.fetchOffset >= log.endOffset && request.maxWaitMs > 0) await node.parkFetch(request.maxWaitMs);
  // The state may have changed while the fetch was parked: answer with what is true now.
  if (node.role !== 'leader' || node.epoch !== p.currentLeaderEpoch) return error(node.epoch > p.currentLeaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.NOT_LEADER_OR_FOLLOWER);
  const partition = fetchPartitionResponse(ErrorCode.NONE, node.leaderId, node.epoch);
  partition.records = await log.read(p.fetchOffset, Math.min(p.partitionMaxBytes, request.maxBytes));
  partition.highWatermark = node.highWatermark ?? -1n;
  partition.logStartOffset = log.startOffset;
  return answer(partition);
}

/** Where a follower's log leaves the leader's, as Kafka's validateOffsetAndEpoch; null when it does not. */
function divergence(node: RaftNode, fetchOffset: bigint, lastFetchedEpoch: number): { epoch: number; endOffset: bigint } | null {
  const log = node.log;
  if (fetchOffset === 0n && lastFetchedEpoch === 0) return null;
  if (fetchOffset > log.endOffset || lastFetchedEpoch > node.epoch) return log.endOffsetForEpoch(Math.min(lastFetchedEpoch, node.epoch));
  const end = log.endOffsetForEpoch(lastFetchedEpoch);
  if (end.epoch !== lastFetchedEpoch || end.endOffset < fetchOffset) return end.epoch < 0 ? { epoch: 0, endOffset: 0n } : end;
  return null;
}

function replicaState(p: ReplicaProgress): ReplicaState {
  return { replicaId: p.id, replicaDirectoryId: ZERO_UUID, logEndOffset: p.endOffset, lastFetchTimestamp: BigInt(p.lastFetchTimestamp), lastCaughtUpTimestamp: BigInt(p.lastCaughtUpTimestamp) };
}

/** DescribeQuorum: only the leader knows the replicas' progress; any other node says NOT_LEADER_OR_FOLLOWER. `nodes` (v2) are the voters' endpoints. */
export function describeQuorum(node: RaftNode, nodes: DescribeQuorumResponse['nodes'] = []): DescribeQuorumResponse {
  const state = node.leaderState;
  if (node.role !== 'leader' || state === null) {
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, errorMessage: null, leaderId: node.leaderId, leaderEpoch: node.epoch, highWatermark: -1n, currentVoters: [], observers: [] }] }],
      nodes: [],
    };
  }
  if (state.updateLocal(node.log.endOffset, Date.now())) node.advanceHighWatermark(state.highWatermark!);
  return {
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    topics: [
      {
        topicName: METADATA_TOPIC,
        partitions: [
          {
            partitionIndex: 0,
            errorCode: ErrorCode.NONE,
            errorMessage: null,
            leaderId: node.leaderId,
            leaderEpoch: node.epoch,
            highWatermark: node.highWatermark ?? -1n,
            currentVoters: state.describeVoters().map(replicaState),
            observers: state.describeObservers().map(replicaState),
          },
        ],
      },
    ],
    nodes,
  };
}
