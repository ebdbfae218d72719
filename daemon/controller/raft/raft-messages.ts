// The quorum's requests and responses for `__cluster_metadata-0`, built and read in one place so
// the state machine deals in plain values. Every quorum API nests one topic with one partition.
import { api } from '../../../src/client/connection.js';
import { ErrorCode } from '../../../src/protocol/errors.js';
import { BeginQuorumEpochRequest } from '../../../src/protocol/generated/clients/begin-quorum-epoch-request.js';
import { BeginQuorumEpochResponse } from '../../../src/protocol/generated/clients/begin-quorum-epoch-response.js';
import { EndQuorumEpochRequest } from '../../../src/protocol/generated/clients/end-quorum-epoch-request.js';
import { EndQuorumEpochResponse } from '../../../src/protocol/generated/clients/end-quorum-epoch-response.js';
import { FetchRequest } from '../../../src/protocol/generated/clients/fetch-request.js';
import { FetchResponse, type PartitionData as FetchPartitionResponse } from '../../../src/protocol/generated/clients/fetch-response.js';
import { VoteRequest } from '../../../src/protocol/generated/clients/vote-request.js';
import { VoteResponse } from '../../../src/protocol/generated/clients/vote-response.js';
import { ZERO_UUID } from '../../../src/protocol/primitives.js';

export const METADATA_TOPIC = '__cluster_metadata';
export const METADATA_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';

export const VOTE = api(VoteRequest, VoteResponse);
export const BEGIN_QUORUM_EPOCH = api(BeginQuorumEpochRequest, BeginQuorumEpochResponse);
export const END_QUORUM_EPOCH = api(EndQuorumEpochRequest, EndQuorumEpochResponse);
export const RAFT_FETCH = api(FetchRequest, FetchResponse);

export interface FetchPosition {
  fetchOffset: bigint;
  lastFetchedEpoch: number;
}

export function voteRequest(clusterId: string, candidateId: number, epoch: number, lastEpoch: number, endOffset: bigint, voterId: number): VoteRequest {
  return {
    clusterId,
    voterId,
    topics: [
      {
        topicName: METADATA_TOPIC,
        partitions: [{ partitionIndex: 0, candidateEpoch: epoch, candidateId, candidateDirectoryId: ZERO_UUID, voterDirectoryId: ZERO_UUID, lastOffsetEpoch: lastEpoch, lastOffset: endOffset }],
      },
    ],
  };
}

export function voteResponse(errorCode: number, leaderId: number, epoch: number, voteGranted: boolean): VoteResponse {
  return { errorCode: ErrorCode.NONE, topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0, errorCode, leaderId, leaderEpoch: epoch, voteGranted }] }], nodeEndpoints: [] };
}

export function beginQuorumEpochRequest(clusterId: string, leaderId: number, epoch: number, voterId: number): BeginQuorumEpochRequest {
  return { clusterId, voterId, topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0, voterDirectoryId: ZERO_UUID, leaderId, leaderEpoch: epoch }] }], leaderEndpoints: [] };
}

export function endQuorumEpochRequest(clusterId: string, leaderId: number, epoch: number, preferredSuccessors: readonly number[]): EndQuorumEpochRequest {
  return {
    clusterId,
    topics: [
      {
        topicName: METADATA_TOPIC,
        partitions: [{ partitionIndex: 0, leaderId, leaderEpoch: epoch, preferredSuccessors: [...preferredSuccessors], preferredCandidates: preferredSuccessors.map((candidateId) => ({ candidateId, candidateDirectoryId: ZERO_UUID })) }],
      },
    ],
    leaderEndpoints: [],
  };
}

/** BeginQuorumEpoch and EndQuorumEpoch answer the same shape: a top-level and a partition error code. */
export function epochResponse(errorCode: number, leaderId: number, epoch: number): BeginQuorumEpochResponse & EndQuorumEpochResponse {
  return { errorCode: ErrorCode.NONE, topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0, errorCode, leaderId, leaderEpoch: epoch }] }], nodeEndpoints: [] };
}

/** A quorum member's fetch names itself in ReplicaState (v15+, the versions every tk controller speaks), as Kafka's raft client does. */
export function fetchRequest(clusterId: string, replicaId: number, epoch: number, position: FetchPosition, maxWaitMs: number, maxBytes: number): FetchRequest {
  return {
    clusterId,
    replicaId: -1,
    replicaState: { replicaId, replicaEpoch: -1n },
    maxWaitMs,
    minBytes: 0,
    maxBytes,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: METADATA_TOPIC,
        topicId: METADATA_TOPIC_ID,
        partitions: [
          { partition: 0, currentLeaderEpoch: epoch, fetchOffset: position.fetchOffset, lastFetchedEpoch: position.lastFetchedEpoch, logStartOffset: -1n, partitionMaxBytes: maxBytes, replicaDirectoryId: ZERO_UUID },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  };
}

export function fetchPartitionResponse(errorCode: number, leaderId: number, epoch: number): FetchPartitionResponse {
  return {
    partitionIndex: 0,
    errorCode,
    highWatermark: -1n,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    divergingEpoch: { epoch: -1, endOffset: -1n },
    currentLeader: { leaderId, leaderEpoch: epoch },
    snapshotId: { endOffset: -1n, epoch: -1 },
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: null,
  };
}

export function fetchResponse(errorCode: number, partition: FetchPartitionResponse | null): FetchResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    sessionId: 0,
    responses: partition === null ? [] : [{ topic: METADATA_TOPIC, topicId: METADATA_TOPIC_ID, partitions: [partition] }],
    nodeEndpoints: [],
  };
}

/** The one partition of a quorum request or response, whatever the API; undefined when it is not there. */
export function onlyPartition<P>(topics: readonly { partitions: readonly P[] }[]): P | undefined {
  return topics[0]?.partitions[0];
}
