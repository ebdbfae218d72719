// Admin.electLeaders as Kafka's KafkaAdminClient makes it for kafka-leader-election.sh: one
// ElectLeaders request to the controller Metadata names (a KRaft broker forwards it to the active
// controller), retried elsewhere when that controller stepped down. v0 knows only preferred
// elections (KIP-460 added the type in v1). A refusal of the whole request is thrown; each
// partition's outcome is returned with its error code and the controller's message.
import { ErrorCode, KafkaProtocolError } from '../protocol/errors.js';
import { ElectLeadersRequest } from '../protocol/generated/clients/elect-leaders-request.js';
import { ElectLeadersResponse } from '../protocol/generated/clients/elect-leaders-response.js';
import { requireVersion, type Cluster, type TopicPartition } from './cluster.js';
import { api } from './connection.js';

const ELECT_LEADERS = api(ElectLeadersRequest, ElectLeadersResponse);
const ELECTION_TYPE_VERSION = 1;

/** Kafka's ElectionType, by the byte the request carries. */
export const ElectionType = { PREFERRED: 0, UNCLEAN: 1 } as const;
export type ElectionTypeName = keyof typeof ElectionType;

export interface ElectionOutcome extends TopicPartition {
  /** NONE when the leader was elected; ELECTION_NOT_NEEDED when the wanted leader already leads. */
  errorCode: number;
  errorMessage: string | null;
}

/**
 * Elects leaders of the partitions given, or of every partition when `partitions` is null (the
 * controller then leaves out those already led as asked). Outcomes in the controller's order.
 */
export async function electLeaders(cluster: Cluster, type: ElectionTypeName, partitions: readonly TopicPartition[] | null, timeoutMs = 30_000): Promise<ElectionOutcome[]> {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions ?? []) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
  return cluster.retrying(async () => {
    const connection = await cluster.controllerConnection();
    const version = requireVersion(connection, ElectLeadersRequest, type === 'PREFERRED' ? 0 : ELECTION_TYPE_VERSION);
    const response = await connection.send(ELECT_LEADERS, version, {
      electionType: ElectionType[type],
      topicPartitions: partitions === null ? null : [...byTopic].map(([topic, ids]) => ({ topic, partitions: ids })),
      timeoutMs,
    });
    if (response.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(response.errorCode);
    const outcomes = response.replicaElectionResults.flatMap((t) =>
      t.partitionResult.map((p) => ({ topic: t.topic, partition: p.partitionId, errorCode: p.errorCode, errorMessage: p.errorMessage })),
    );
    // v0 carries no top-level error: a controller that stepped down answers it on every partition.
    if (outcomes.length > 0 && outcomes.every((o) => o.errorCode === ErrorCode.NOT_CONTROLLER)) throw new KafkaProtocolError(ErrorCode.NOT_CONTROLLER);
    return outcomes;
  });
}
