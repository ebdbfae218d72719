// Partition reassignment on the controller (KIP-455), as Kafka's ReplicationControlManager,
// PartitionReassignmentReplicas, PartitionReassignmentRevert and PartitionChangeBuilder decide it.
// A reassignment from current to target replicas goes through three stages:
//   1. one PartitionChangeRecord: replicas = target then the replicas being removed, with
//      addingReplicas (target - current) and removingReplicas (current - target), both sorted;
//   2. the leader adds the new replicas to the ISR as they catch up (AlterPartition);
//   3. once the ISR holds every target replica, the ISR change that got it there also completes
//      the reassignment: replicas = target, the removed ones leave the ISR, the leader moves to
//      the first target replica in the ISR if it was removed, adding/removing are cleared.
// A reassignment the ISR already satisfies (a reordering, a pure removal) completes at once.
// Cancelling (null replicas) reverts: the added replicas are dropped, the removed ones kept.
import type { AlterPartitionReassignmentsRequest } from '../../src/protocol/generated/clients/alter-partition-reassignments-request.js';
import type { AlterPartitionReassignmentsResponse, ReassignablePartitionResponse } from '../../src/protocol/generated/clients/alter-partition-reassignments-response.js';
import type { ListPartitionReassignmentsTopics } from '../../src/protocol/generated/clients/list-partition-reassignments-request.js';
import type { OngoingTopicReassignment } from '../../src/protocol/generated/clients/list-partition-reassignments-response.js';
import { ErrorCode, errorInfo } from '../../src/protocol/errors.js';
import type { MetadataImage, MetadataRecord, PartitionImage, TopicImage } from './metadata-image.js';
import { isActiveBroker, NO_LEADER, NO_LEADER_CHANGE, partitionChangeRecord } from './placement.js';

export function isReassigning(partition: PartitionImage): boolean {
  return partition.addingReplicas.length > 0 || partition.removingReplicas.length > 0;
}

/** What a partition should become; the builder fills in the rest from the partition itself. */
interface PartitionTarget {
  isr: readonly number[];
  replicas: readonly number[];
  adding: readonly number[];
  removing: readonly number[];
}

/**
 * PartitionChangeBuilder.build for the changes a reassignment makes: complete the reassignment if
 * the target ISR allows it, keep the leader if it stays in the ISR and may lead, else elect the
 * first replica of the target list that is in the ISR and may lead (with `unclean`, any replica
 * that may lead, alone in the ISR), bump the leader epoch when replicas leave, and record only
 * what differs. Null when nothing changes.
 */
function buildChange(image: MetadataImage, topicId: string, partition: PartitionImage, target: PartitionTarget, unclean = false): MetadataRecord | null {
  let { isr, replicas, adding, removing } = target;
  const completed = completion(replicas, adding, removing, isr);
  if (completed !== null) {
    ({ replicas, isr } = completed);
    adding = [];
    removing = [];
  }
  const mayLead = (id: number): boolean => isActiveBroker(image.brokers.get(id));
  const validLeader = (id: number): boolean => isr.includes(id) && mayLead(id);
  let leader = validLeader(partition.leader) ? partition.leader : (replicas.find(validLeader) ?? NO_LEADER);
  let uncleanLeader = false;
  if (leader === NO_LEADER && unclean) {
    leader = replicas.find(mayLead) ?? NO_LEADER;
    uncleanLeader = leader !== NO_LEADER;
  }
  const record = partitionChangeRecord(topicId, partition.partitionId, leader !== partition.leader ? leader : NO_LEADER_CHANGE, uncleanLeader ? [leader] : null);
  // Replicas leaving: a new leader epoch fences them (triggerLeaderEpochBumpForReplicaReassignmentIfNeeded).
  if (record.leader === NO_LEADER_CHANGE && !partition.replicas.every((id) => replicas.includes(id))) record.leader = partition.leader;
  if (record.isr === null && isr.length > 0 && !sameList(isr, partition.isr)) record.isr = [...isr];
  if (replicas.length > 0 && !sameList(replicas, partition.replicas)) record.replicas = [...replicas];
  if (!sameList(removing, partition.removingReplicas)) record.removingReplicas = [...removing];
  if (!sameList(adding, partition.addingReplicas)) record.addingReplicas = [...adding];
  const noOp = record.isr === null && record.leader === NO_LEADER_CHANGE && record.replicas === null && record.removingReplicas === null && record.addingReplicas === null;
  return noOp ? null : { type: 'PartitionChange', version: 0, record };
}

/**
 * PartitionReassignmentReplicas.maybeCompleteReassignment: the replicas and ISR once the removed
 * replicas are gone, when that ISR holds every remaining replica and neither list is empty.
 */
function completion(replicas: readonly number[], adding: readonly number[], removing: readonly number[], isr: readonly number[]): { replicas: number[]; isr: number[] } | null {
  if (adding.length === 0 && removing.length === 0) return null;
  const newIsr = isr.filter((id) => !removing.includes(id));
  const newReplicas = replicas.filter((id) => !removing.includes(id));
  if (newIsr.length === 0 || newReplicas.length === 0) return null;
  return newReplicas.every((id) => newIsr.includes(id)) ? { replicas: newReplicas, isr: newIsr } : null;
}

/**
 * The record for a leader's ISR change on a partition being reassigned (AlterPartition): the
 * new ISR, and the completion of the reassignment when that ISR allows it.
 */
export function reassigningIsrChange(image: MetadataImage, topicId: string, partition: PartitionImage, newIsr: readonly number[]): MetadataRecord | null {
  return buildChange(image, topicId, partition, { isr: newIsr, replicas: partition.replicas, adding: partition.addingReplicas, removing: partition.removingReplicas });
}

class ReassignmentError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * AlterPartitionReassignments: a record per partition that changes; each partition succeeds or
 * fails on its own with Kafka's error and message. `uncleanElection` is the topic's
 * unclean.leader.election.enable, which a cancel needs when only added replicas are in the ISR.
 */
export function planReassignments(
  image: MetadataImage,
  request: AlterPartitionReassignmentsRequest,
  uncleanElection: (topic: string) => boolean,
): { records: MetadataRecord[]; response: AlterPartitionReassignmentsResponse } {
  const records: MetadataRecord[] = [];
  const responses = request.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p): ReassignablePartitionResponse => {
      try {
        const record = reassign(image, t.name, p.partitionIndex, p.replicas, uncleanElection);
        if (record !== null) records.push(record);
        return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null };
      } catch (err) {
        if (!(err instanceof ReassignmentError)) throw err;
        return { partitionIndex: p.partitionIndex, errorCode: err.code, errorMessage: err.message };
      }
    }),
  }));
  return { records, response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, responses } };
}

function reassign(image: MetadataImage, topicName: string, partitionIndex: number, target: number[] | null, uncleanElection: (topic: string) => boolean): MetadataRecord | null {
  const topic = image.topicsByName.get(topicName);
  if (!topic) throw new ReassignmentError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unable to find a topic named ${topicName}.`);
  const partition = topic.partitions.get(partitionIndex);
  if (!partition) throw new ReassignmentError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unable to find partition ${topicName}:${partitionIndex}.`);
  return target === null ? cancel(image, topic, partition, uncleanElection(topicName)) : change(image, topic, partition, target);
}

/** ReplicationControlManager.changePartitionReassignment: stage 1, or straight to stage 3. */
function change(image: MetadataImage, topic: TopicImage, partition: PartitionImage, target: readonly number[]): MetadataRecord | null {
  validateAssignment(image, target);
  const current = partition.replicas;
  const removing = [...current].filter((id) => !target.includes(id)).sort((a, b) => a - b);
  const adding = [...target].filter((id) => !current.includes(id)).sort((a, b) => a - b);
  return buildChange(image, topic.topicId, partition, {
    isr: partition.isr,
    replicas: [...target, ...removing],
    // Lists left empty keep what an ongoing reassignment had, as Kafka's builder does.
    adding: adding.length > 0 ? adding : partition.addingReplicas,
    removing: removing.length > 0 ? removing : partition.removingReplicas,
  });
}

/** PartitionReassignmentRevert: back to the original replicas (the removed ones kept, the added ones dropped). */
function cancel(image: MetadataImage, topic: TopicImage, partition: PartitionImage, unclean: boolean): MetadataRecord | null {
  if (!isReassigning(partition)) throw new ReassignmentError(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, errorInfo(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS).message);
  const replicas = partition.replicas.filter((id) => !partition.addingReplicas.includes(id));
  let isr = partition.isr.filter((id) => !partition.addingReplicas.includes(id));
  if (isr.length === 0) {
    if (replicas.length === 0) throw new ReassignmentError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Invalid replica assignment: addingReplicas contains all replicas.');
    if (!unclean) {
      throw new ReassignmentError(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Unable to revert partition assignment for ${topic.name}:${partition.partitionId} because it would require an unclean leader election.`,
      );
    }
    isr = [replicas[0]];
  }
  return buildChange(image, topic.topicId, partition, { isr, replicas, adding: [], removing: [] }, unclean);
}

/** ReplicationControlManager.validateManualPartitionAssignment (brokers checked in id order). */
function validateAssignment(image: MetadataImage, replicas: readonly number[]): void {
  const invalid = (message: string): ReassignmentError => new ReassignmentError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, message);
  if (replicas.length === 0) throw invalid('The manual partition assignment includes an empty replica list.');
  const sorted = [...replicas].sort((a, b) => a - b);
  sorted.forEach((id, i) => {
    if (!image.brokers.has(id)) throw invalid(`The manual partition assignment includes broker ${id}, but no such broker is registered.`);
    if (i > 0 && sorted[i - 1] === id) throw invalid(`The manual partition assignment includes the broker ${id} more than once.`);
  });
}

/**
 * ListPartitionReassignments: every partition being reassigned (topics null), or those asked
 * for that are; topics and partitions that do not exist or are not moving are left out.
 */
export function listReassignments(image: MetadataImage, topics: readonly ListPartitionReassignmentsTopics[] | null): OngoingTopicReassignment[] {
  const asked = topics ?? [...image.topicsByName.values()].map((t) => ({ name: t.name, partitionIndexes: [...t.partitions.keys()].sort((a, b) => a - b) }));
  const result: OngoingTopicReassignment[] = [];
  for (const { name, partitionIndexes } of asked) {
    const topic = image.topicsByName.get(name);
    if (!topic) continue;
    const partitions = partitionIndexes
      .map((index) => topic.partitions.get(index))
      .filter((p): p is PartitionImage => p !== undefined && isReassigning(p))
      .map((p) => ({ partitionIndex: p.partitionId, replicas: [...p.replicas], addingReplicas: [...p.addingReplicas], removingReplicas: [...p.removingReplicas] }));
    if (partitions.length > 0) result.push({ name, partitions });
  }
  return result;
}

/** Kafka compares replica lists and ISRs as lists: the same members in another order differ. */
function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, i) => b[i] === id);
}
