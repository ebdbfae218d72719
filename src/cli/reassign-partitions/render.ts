// What kafka-reassign-partitions.sh prints, byte for byte (ReassignPartitionsCommand's format
// strings and Jackson's compact JSON), and tk's --output json for each action.
import type { TopicPartition } from '../../client/cluster.js';
import type { PartitionReassignment } from '../../client/reassignment-admin.js';
import { integerHash, javaHashMapCapacity, javaHashOrder, javaStringHash } from '../render/java.js';
import type { TargetAssignment } from './options.js';

/** ReassignPartitionsCommand.compareTopicPartitions: by topic (String.compareTo), then partition. */
export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  return a.partition - b.partition;
}

const sorted = <T extends TopicPartition>(items: readonly T[]): T[] => [...items].sort(compareTopicPartitions);
const name = (tp: TopicPartition): string => `${tp.topic}-${tp.partition}`;

/** formatAsReassignmentJson: {"version":1,"partitions":[...]} sorted, every log dir "any". */
export function reassignmentJson(assignments: readonly TargetAssignment[]): string {
  const partitions = sorted(assignments).map((a) => ({ topic: a.topic, partition: a.partition, replicas: a.replicas, log_dirs: a.replicas.map(() => 'any') }));
  return JSON.stringify({ version: 1, partitions });
}

export interface GenerateResult {
  current: TargetAssignment[];
  proposed: TargetAssignment[];
}

export function renderGenerateText(result: GenerateResult): string {
  return `Current partition replica assignment\n${reassignmentJson(result.current)}\n\nProposed partition reassignment configuration\n${reassignmentJson(result.proposed)}\n`;
}

export interface ExecuteResult {
  /** The current replicas of the partitions being reassigned: the rollback file. */
  current: TargetAssignment[];
  started: TopicPartition[];
}

/** currentPartitionReplicaAssignmentToString, printed before the request is sent. */
export function renderRollbackText(current: readonly TargetAssignment[]): string {
  return `Current partition replica assignment\n\n${reassignmentJson(current)}\n\nSave this to use as the --reassignment-json-file option during rollback\n`;
}

export function renderStartedText(started: readonly TopicPartition[]): string {
  return `Successfully started partition reassignment${started.length === 1 ? '' : 's'} for ${sorted(started).map(name).join(',')}\n`;
}

/** The TerseException --execute ends with when the controller refused some partitions. */
export function executeFailureText(failures: readonly (TopicPartition & { message: string })[]): string {
  return `Error reassigning partition(s):\n${sorted(failures).map((f) => `${name(f)}: ${f.message}`).join('\n')}`;
}

/** PartitionReassignmentState: the current replicas, the target, and whether no reassignment is running. */
export interface PartitionState extends TopicPartition {
  currentReplicas: number[];
  targetReplicas: number[];
  done: boolean;
}

export interface VerifyResult {
  states: PartitionState[];
  /** Some reassignment, listed in the file or not, is still running. */
  ongoing: boolean;
  /** Where throttles were cleared (nothing running and no --preserve-throttles); null otherwise. */
  cleared: { brokers: number[]; topics: string[] } | null;
}

/** partitionReassignmentStatesToString, the (empty) log-dir move states, and the throttle clearing lines. */
export function renderVerifyText(result: VerifyResult): string {
  const lines = ['Status of partition reassignment:'];
  for (const s of sorted(result.states)) {
    if (!s.done) lines.push(`Reassignment of partition ${name(s)} is still in progress.`);
    else if (s.currentReplicas.join(',') === s.targetReplicas.join(',')) lines.push(`Reassignment of partition ${name(s)} is completed.`);
    else lines.push(`There is no active reassignment of partition ${name(s)}, but replica set is ${s.currentReplicas.join(',')} rather than ${s.targetReplicas.join(',')}.`);
  }
  return `${lines.join('\n')}\n\n${clearingText(result.cleared)}`;
}

/** clearAllThrottles' two lines, when it ran. */
function clearingText(cleared: { brokers: number[]; topics: string[] } | null): string {
  if (cleared === null) return '';
  const { brokers, topics } = cleared;
  return (
    `Clearing broker-level throttles on broker${brokers.length === 1 ? '' : 's'} ${brokers.join(',')}\n` +
    `Clearing topic-level throttles on topic${topics.length === 1 ? '' : 's'} ${topics.join(',')}\n`
  );
}

/**
 * The brokers and topics whose throttles --verify clears, in the order Kafka's HashSets print
 * them: the cluster's brokers and the file's replicas, the file's topics.
 */
export function throttleTargets(clusterBrokers: readonly number[], targets: readonly TargetAssignment[]): { brokers: number[]; topics: string[] } {
  const brokerIds = [...new Set([...clusterBrokers, ...targets.flatMap((t) => t.replicas)])];
  const topicNames = [...new Set(targets.map((t) => t.topic))];
  return {
    brokers: javaHashOrder(brokerIds, integerHash, javaHashMapCapacity(brokerIds.length)),
    topics: javaHashOrder(topicNames, javaStringHash, javaHashMapCapacity(topicNames.length)),
  };
}

/** curReassignmentsToString. */
export function renderListText(reassignments: readonly PartitionReassignment[]): string {
  if (reassignments.length === 0) return 'No partition reassignments found.\n';
  const lines = sorted(reassignments).map((r) => {
    const adding = r.addingReplicas.length === 0 ? '' : ` adding: ${r.addingReplicas.join(',')}.`;
    const removing = r.removingReplicas.length === 0 ? '' : ` removing: ${r.removingReplicas.join(',')}.`;
    return `${name(r)}: replicas: ${r.replicas.join(',')}.${adding}${removing}`;
  });
  return `Current partition reassignments:\n${lines.join('\n')}\n`;
}

export interface CancelResult {
  cancelled: TopicPartition[];
  /** Throttles cleared (no --preserve-throttles); the same targets --verify clears. */
  cleared: { brokers: number[]; topics: string[] } | null;
}

/**
 * cancelAssignment's lines. Kafka prints the log-dir line with System.out.print, so the throttle
 * clearing that follows starts on the same line, and without it the output ends unterminated.
 */
export function renderCancelText(result: CancelResult): string {
  const head =
    result.cancelled.length === 0
      ? 'None of the specified partition reassignments are active.\n'
      : `Successfully cancelled partition reassignment${result.cancelled.length === 1 ? '' : 's'} for: ${sorted(result.cancelled).map(name).join(',')}\n`;
  return `${head}None of the specified partition moves are active.${clearingText(result.cleared)}`;
}

/** The TerseException --cancel ends with when the controller refused some partitions. */
export function cancelFailureText(failures: readonly (TopicPartition & { message: string })[]): string {
  return `Error cancelling partition reassignment${failures.length === 1 ? '' : 's'} for:\n${sorted(failures).map((f) => `${name(f)}: ${f.message}`).join('\n')}`;
}

// ---- --output json ----

const assignmentJson = (assignments: readonly TargetAssignment[]) => sorted(assignments).map((a) => ({ topic: a.topic, partition: a.partition, replicas: a.replicas }));

export function renderGenerateJson(result: GenerateResult): string {
  return `${JSON.stringify({ current: assignmentJson(result.current), proposed: assignmentJson(result.proposed) })}\n`;
}

export function renderExecuteJson(result: ExecuteResult): string {
  return `${JSON.stringify({ rollback: assignmentJson(result.current), started: sorted(result.started).map((p) => ({ topic: p.topic, partition: p.partition })) })}\n`;
}

export function renderVerifyJson(result: VerifyResult): string {
  const partitions = sorted(result.states).map((s) => ({
    topic: s.topic,
    partition: s.partition,
    state: !s.done ? 'in-progress' : s.currentReplicas.join(',') === s.targetReplicas.join(',') ? 'completed' : 'not-as-requested',
    currentReplicas: s.currentReplicas,
    targetReplicas: s.targetReplicas,
  }));
  return `${JSON.stringify({ partitions, ongoing: result.ongoing, throttlesCleared: result.cleared })}\n`;
}

export function renderListJson(reassignments: readonly PartitionReassignment[]): string {
  return `${JSON.stringify({ reassignments: sorted(reassignments) })}\n`;
}

export function renderCancelJson(result: CancelResult): string {
  return `${JSON.stringify({ cancelled: sorted(result.cancelled).map((p) => ({ topic: p.topic, partition: p.partition })), throttlesCleared: result.cleared })}\n`;
}
