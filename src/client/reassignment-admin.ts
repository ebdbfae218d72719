// Admin.alterPartitionReassignments and Admin.listPartitionReassignments as Kafka's
// KafkaAdminClient makes them for kafka-reassign-partitions.sh (KIP-455): one request to the
// controller Metadata names (a KRaft broker forwards it to the active controller), retried
// elsewhere when that controller stepped down. A refusal of the whole request is thrown; each
// partition's outcome is returned with its error code and the controller's message.
import { ErrorCode, KafkaProtocolError } from '../protocol/errors.js';
import { AlterPartitionReassignmentsRequest } from '../protocol/generated/clients/alter-partition-reassignments-request.js';
import { AlterPartitionReassignmentsResponse } from '../protocol/generated/clients/alter-partition-reassignments-response.js';
import { ListPartitionReassignmentsRequest } from '../protocol/generated/clients/list-partition-reassignments-request.js';
import { ListPartitionReassignmentsResponse } from '../protocol/generated/clients/list-partition-reassignments-response.js';
import { requireVersion, type Cluster, type TopicPartition } from './cluster.js';
import { api } from './connection.js';

const ALTER_REASSIGNMENTS = api(AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse);
const LIST_REASSIGNMENTS = api(ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse);

/** A reassignment to start (the target replicas) or to cancel (null). */
export interface ReassignmentChange extends TopicPartition {
  replicas: readonly number[] | null;
}

export interface ReassignmentOutcome extends TopicPartition {
  errorCode: number;
  errorMessage: string | null;
}

/** An ongoing reassignment (Kafka's PartitionReassignment): all replicas, those being added and removed. */
export interface PartitionReassignment extends TopicPartition {
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

function byTopic<T extends TopicPartition>(items: readonly T[]): Map<string, T[]> {
  const grouped = new Map<string, T[]>();
  for (const item of items) grouped.set(item.topic, [...(grouped.get(item.topic) ?? []), item]);
  return grouped;
}

/** Starts or cancels reassignments; one outcome per partition, in the controller's order. */
export async function alterPartitionReassignments(cluster: Cluster, changes: readonly ReassignmentChange[], timeoutMs = 30_000): Promise<ReassignmentOutcome[]> {
  return cluster.retrying(async () => {
    const connection = await cluster.controllerConnection();
    const version = requireVersion(connection, AlterPartitionReassignmentsRequest);
    const response = await connection.send(ALTER_REASSIGNMENTS, version, {
      timeoutMs,
      topics: [...byTopic(changes)].map(([name, parts]) => ({ name, partitions: parts.map((p) => ({ partitionIndex: p.partition, replicas: p.replicas === null ? null : [...p.replicas] })) })),
    });
    if (response.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(response.errorCode, response.errorMessage ?? undefined);
    return response.responses.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, errorCode: p.errorCode, errorMessage: p.errorMessage })));
  });
}

/** The ongoing reassignments, of every partition (null) or of those given. */
export async function listPartitionReassignments(cluster: Cluster, partitions: readonly TopicPartition[] | null = null, timeoutMs = 30_000): Promise<PartitionReassignment[]> {
  return cluster.retrying(async () => {
    const connection = await cluster.controllerConnection();
    const version = requireVersion(connection, ListPartitionReassignmentsRequest);
    const topics = partitions === null ? null : [...byTopic(partitions)].map(([name, parts]) => ({ name, partitionIndexes: parts.map((p) => p.partition) }));
    const response = await connection.send(LIST_REASSIGNMENTS, version, { timeoutMs, topics });
    if (response.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(response.errorCode, response.errorMessage ?? undefined);
    return response.topics.flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, replicas: p.replicas, addingReplicas: p.addingReplicas, removingReplicas: p.removingReplicas })),
    );
  });
}
