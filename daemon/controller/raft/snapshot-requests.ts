// FetchSnapshot (KIP-630) for `__cluster_metadata-0`: a follower whose fetch position the
// leader's log no longer has (the Fetch response named a snapshot instead) downloads that
// snapshot in chunks from the leader, then starts its log at the snapshot's end. The leader's
// answer is here, as Kafka's handleFetchSnapshotRequest; the follower's side is in raft-node.ts.
import { api } from '../../../src/client/connection.js';
import { ErrorCode } from '../../../src/protocol/errors.js';
import { FetchSnapshotRequest } from '../../../src/protocol/generated/clients/fetch-snapshot-request.js';
import { FetchSnapshotResponse, type PartitionSnapshot } from '../../../src/protocol/generated/clients/fetch-snapshot-response.js';
import { ZERO_UUID } from '../../../src/protocol/primitives.js';
import { METADATA_TOPIC } from './raft-messages.js';
import type { RaftNode } from './raft-node.js';
import type { SnapshotId } from './snapshots.js';

export const FETCH_SNAPSHOT = api(FetchSnapshotRequest, FetchSnapshotResponse);

/** Kafka's POSITION_OUT_OF_RANGE (99), which the error table tk generates from does not list. */
export const POSITION_OUT_OF_RANGE = 99;

export function fetchSnapshotRequest(clusterId: string, replicaId: number, epoch: number, id: SnapshotId, position: bigint, maxBytes: number): FetchSnapshotRequest {
  return {
    clusterId,
    replicaId,
    maxBytes,
    topics: [{ name: METADATA_TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: epoch, snapshotId: { endOffset: id.endOffset, epoch: id.epoch }, position, replicaDirectoryId: ZERO_UUID }] }],
  };
}

function snapshotResponse(errorCode: number, partition: PartitionSnapshot | null, topic = METADATA_TOPIC): FetchSnapshotResponse {
  return { throttleTimeMs: 0, errorCode, topics: partition === null ? [] : [{ name: topic, partitions: [partition] }], nodeEndpoints: [] };
}

function partitionResponse(node: RaftNode, errorCode: number, index = 0): PartitionSnapshot {
  return { index, errorCode, snapshotId: { endOffset: -1n, epoch: -1 }, currentLeader: { leaderId: node.leaderId, leaderEpoch: node.epoch }, size: -1n, position: -1n, unalignedRecords: Buffer.alloc(0) };
}

/** The leader's answer: a slice of the snapshot's file from the position asked, at most maxBytes. */
export async function handleFetchSnapshot(node: RaftNode, request: FetchSnapshotRequest): Promise<FetchSnapshotResponse> {
  if (request.clusterId !== null && request.clusterId !== node.settings.clusterId) return snapshotResponse(ErrorCode.INCONSISTENT_CLUSTER_ID, null);
  const topic = request.topics[0];
  const p = topic?.partitions[0];
  if (request.topics.length !== 1 || topic.partitions.length !== 1 || p === undefined) return snapshotResponse(ErrorCode.INVALID_REQUEST, null);
  if (topic.name !== METADATA_TOPIC || p.partition !== 0) return snapshotResponse(ErrorCode.NONE, partitionResponse(node, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, p.partition), topic.name);
  const error = (code: number): FetchSnapshotResponse => snapshotResponse(ErrorCode.NONE, partitionResponse(node, code));

  if (p.currentLeaderEpoch < node.epoch) return error(ErrorCode.FENCED_LEADER_EPOCH);
  if (p.currentLeaderEpoch > node.epoch) return error(ErrorCode.UNKNOWN_LEADER_EPOCH);
  if (node.role !== 'leader' || node.leaderState === null) return error(ErrorCode.NOT_LEADER_OR_FOLLOWER);

  const snapshots = node.log.snapshots;
  const id: SnapshotId = { endOffset: p.snapshotId.endOffset, epoch: p.snapshotId.epoch };
  if (!snapshots.has(id)) return error(ErrorCode.SNAPSHOT_NOT_FOUND);
  let size: bigint;
  let records: Buffer;
  try {
    size = await snapshots.size(id);
    if (p.position < 0n || p.position >= size) return error(POSITION_OUT_OF_RANGE);
    records = await snapshots.slice(id, p.position, Math.min(request.maxBytes, Number(size - p.position)));
  } catch {
    // Deleted by retention while this request waited for the file.
    return error(ErrorCode.SNAPSHOT_NOT_FOUND);
  }
  node.leaderState.updateCheckQuorum(request.replicaId, Date.now());
  const partition = partitionResponse(node, ErrorCode.NONE);
  partition.snapshotId = { endOffset: id.endOffset, epoch: id.epoch };
  partition.size = size;
  partition.position = p.position;
  partition.unalignedRecords = records;
  return snapshotResponse(ErrorCode.NONE, partition);
}
