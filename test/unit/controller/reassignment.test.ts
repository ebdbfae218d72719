// Partition reassignment on the controller against Kafka's ReplicationControlManager,
// PartitionReassignmentReplicas and PartitionChangeBuilder: the stage-1 record, completion by
// the ISR change that brings in the last new replica, cancellation, errors and listing.
import { describe, expect, it } from 'vitest';
import { planAlterPartition } from '../../../daemon/controller/alter-partition.js';
import { EMPTY_IMAGE, replay, type MetadataImage, type MetadataRecord, type PartitionImage } from '../../../daemon/controller/metadata-image.js';
import { listReassignments, planReassignments } from '../../../daemon/controller/reassignment.js';
import type { AlterPartitionRequest } from '../../../src/protocol/generated/clients/alter-partition-request.js';
import { ErrorCode } from '../../../src/protocol/errors.js';

const TOPIC_ID = 'dG9waWMtaWQtZm9yLXRlc3Q';

function broker(brokerId: number, fenced = false): MetadataRecord {
  return {
    type: 'RegisterBroker',
    version: 3,
    record: { brokerId, isMigratingZkBroker: false, incarnationId: `inc-${brokerId}`, brokerEpoch: BigInt(10 * brokerId), endPoints: [], features: [], rack: null, fenced, inControlledShutdown: false, logDirs: [] },
  };
}

/** Brokers 1-5, topic `events` with partition 0 on 1,2,3 (ISR 1,2,3, leader 1) and partition 1 on 2,3,4. */
function cluster(options: { fenced?: number[]; isr?: number[]; leader?: number } = {}): MetadataImage {
  const records: MetadataRecord[] = [1, 2, 3, 4, 5].map((id) => broker(id, options.fenced?.includes(id)));
  records.push({ type: 'Topic', version: 0, record: { name: 'events', topicId: TOPIC_ID } });
  const partition = (partitionId: number, replicas: number[], isr: number[], leader: number): MetadataRecord => ({
    type: 'Partition',
    version: 0,
    record: { partitionId, topicId: TOPIC_ID, replicas, isr, removingReplicas: [], addingReplicas: [], leader, leaderRecoveryState: 0, leaderEpoch: 4, partitionEpoch: 7, directories: [], eligibleLeaderReplicas: null, lastKnownElr: null },
  });
  records.push(partition(0, [1, 2, 3], options.isr ?? [1, 2, 3], options.leader ?? 1), partition(1, [2, 3, 4], [2, 3, 4], 2));
  return replay(EMPTY_IMAGE, records, 10n);
}

const unclean = { on: () => true, off: () => false };

function reassign(image: MetadataImage, replicas: number[] | null, partitionIndex = 0, uncleanElection = unclean.off) {
  const plan = planReassignments(image, { timeoutMs: 60_000, topics: [{ name: 'events', partitions: [{ partitionIndex, replicas }] }] }, uncleanElection);
  return { plan, image: replay(image, plan.records, image.offset + 1n), outcome: plan.response.responses[0].partitions[0] };
}

const partitionOf = (image: MetadataImage, index = 0): PartitionImage => image.topicsById.get(TOPIC_ID)!.partitions.get(index)!;

/** The leader's AlterPartition asking for `isr`, planned and replayed. */
function alterIsr(image: MetadataImage, isr: number[], partitionIndex = 0) {
  const p = partitionOf(image, partitionIndex);
  const request: AlterPartitionRequest = {
    brokerId: p.leader,
    brokerEpoch: BigInt(10 * p.leader),
    topics: [
      {
        topicName: '',
        topicId: TOPIC_ID,
        partitions: [
          { partitionIndex, leaderEpoch: p.leaderEpoch, newIsr: [], newIsrWithEpochs: isr.map((brokerId) => ({ brokerId, brokerEpoch: BigInt(10 * brokerId) })), leaderRecoveryState: 0, partitionEpoch: p.partitionEpoch },
        ],
      },
    ],
  };
  const plan = planAlterPartition(image, request, 3);
  return { plan, image: replay(image, plan.records, image.offset + 1n), outcome: plan.response.topics[0].partitions[0] };
}

describe('AlterPartitionReassignments on the controller', () => {
  it('starts a move with replicas = target then the removed ones, adding and removing sorted, and no leader change', () => {
    const { plan, image, outcome } = reassign(cluster(), [4, 3, 2]);
    expect(outcome).toEqual({ partitionIndex: 0, errorCode: ErrorCode.NONE, errorMessage: null });
    expect(plan.records).toHaveLength(1);
    expect(plan.records[0].record).toMatchObject({ replicas: [4, 3, 2, 1], addingReplicas: [4], removingReplicas: [1], isr: null, leader: -2 });
    expect(partitionOf(image)).toMatchObject({ replicas: [4, 3, 2, 1], isr: [1, 2, 3], addingReplicas: [4], removingReplicas: [1], leader: 1, leaderEpoch: 4, partitionEpoch: 8 });
  });

  it('completes when the ISR change that adds the last new replica arrives: removed replica out, leader re-elected from the target', () => {
    const started = reassign(cluster(), [2, 3, 4]).image;
    const { plan, image, outcome } = alterIsr(started, [1, 2, 3, 4]);
    expect(plan.records).toHaveLength(1);
    expect(plan.records[0].record).toMatchObject({ replicas: [2, 3, 4], isr: [2, 3, 4], addingReplicas: [], removingReplicas: [], leader: 2 });
    expect(partitionOf(image)).toMatchObject({ replicas: [2, 3, 4], isr: [2, 3, 4], addingReplicas: [], removingReplicas: [], leader: 2, leaderEpoch: 5 });
    // The requester no longer leads: the change stands, and it is told so (v3: NEW_LEADER_ELECTED).
    expect(outcome.errorCode).toBe(ErrorCode.NEW_LEADER_ELECTED);
    expect(listReassignments(image, null)).toEqual([]);
  });

  it('keeps a leader that stays, bumping its epoch so the removed replica is fenced', () => {
    const started = reassign(cluster({ leader: 2 }), [2, 3, 4]).image;
    const { image, outcome } = alterIsr(started, [1, 2, 3, 4]);
    expect(partitionOf(image)).toMatchObject({ replicas: [2, 3, 4], isr: [2, 3, 4], leader: 2, leaderEpoch: 5 });
    expect(outcome).toMatchObject({ errorCode: ErrorCode.NONE, leaderId: 2, leaderEpoch: 5, isr: [2, 3, 4], partitionEpoch: 9 });
  });

  it('does not complete while a new replica is missing from the ISR', () => {
    const started = reassign(cluster(), [3, 4, 5]).image;
    const { image } = alterIsr(started, [1, 2, 3, 4]);
    expect(partitionOf(image)).toMatchObject({ replicas: [3, 4, 5, 1, 2], isr: [1, 2, 3, 4], addingReplicas: [4, 5], removingReplicas: [1, 2], leader: 1 });
  });

  it('completes at once what the ISR already satisfies: a reordering, a removal', () => {
    const reordered = reassign(cluster(), [3, 2, 1]);
    expect(reordered.plan.records[0].record).toMatchObject({ replicas: [3, 2, 1], addingReplicas: null, removingReplicas: null, leader: -2 });
    expect(partitionOf(reordered.image)).toMatchObject({ replicas: [3, 2, 1], leader: 1, leaderEpoch: 4 });
    const shrunk = reassign(cluster(), [2, 3]);
    expect(partitionOf(shrunk.image)).toMatchObject({ replicas: [2, 3], isr: [2, 3], addingReplicas: [], removingReplicas: [], leader: 2, leaderEpoch: 5 });
  });

  it('writes nothing for the assignment a partition already has', () => {
    expect(reassign(cluster(), [1, 2, 3]).plan.records).toEqual([]);
  });

  it('cancels by dropping the added replicas and keeping the removed ones', () => {
    const started = reassign(cluster(), [2, 3, 4]).image;
    const { image, outcome } = reassign(started, null);
    expect(outcome.errorCode).toBe(ErrorCode.NONE);
    // Kafka's originalReplicas: the reassignment's list without the added replicas.
    expect(partitionOf(image)).toMatchObject({ replicas: [2, 3, 1], isr: [1, 2, 3], addingReplicas: [], removingReplicas: [], leader: 1 });
    expect(listReassignments(image, null)).toEqual([]);
  });

  it('refuses a cancel that would need an unclean election unless the topic allows it', () => {
    // The ISR holds only the replica being added (the others shrank out of it).
    let image = reassign(cluster(), [4]).image;
    image = replay(image, [{ type: 'PartitionChange', version: 0, record: { ...change(), isr: [4], leader: 4 } }], image.offset + 1n);
    expect(reassign(image, null).outcome).toEqual({
      partitionIndex: 0,
      errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      errorMessage: 'Unable to revert partition assignment for events:0 because it would require an unclean leader election.',
    });
    const reverted = reassign(image, null, 0, unclean.on).image;
    expect(partitionOf(reverted)).toMatchObject({ replicas: [1, 2, 3], isr: [1], leader: 1 });
  });

  it("answers each partition's error with Kafka's message, and changes the others", () => {
    const image = cluster();
    const plan = planReassignments(
      image,
      {
        timeoutMs: 60_000,
        topics: [
          { name: 'nope', partitions: [{ partitionIndex: 0, replicas: [1] }] },
          {
            name: 'events',
            partitions: [
              { partitionIndex: 7, replicas: [1] },
              { partitionIndex: 0, replicas: null },
              { partitionIndex: 0, replicas: [] },
              { partitionIndex: 0, replicas: [9, 1, 6] },
              { partitionIndex: 0, replicas: [2, 1, 2] },
              { partitionIndex: 1, replicas: [5, 4, 3] },
            ],
          },
        ],
      },
      unclean.off,
    );
    expect(plan.response.errorCode).toBe(ErrorCode.NONE);
    expect(plan.response.responses.flatMap((t) => t.partitions.map((p) => [t.name, p.partitionIndex, p.errorCode, p.errorMessage]))).toEqual([
      ['nope', 0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'Unable to find a topic named nope.'],
      ['events', 7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'Unable to find partition events:7.'],
      ['events', 0, ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, 'No partition reassignment is in progress.'],
      ['events', 0, ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes an empty replica list.'],
      ['events', 0, ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes broker 6, but no such broker is registered.'],
      ['events', 0, ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes the broker 2 more than once.'],
      ['events', 1, ErrorCode.NONE, null],
    ]);
    expect(plan.records.map((r) => r.record)).toEqual([expect.objectContaining({ partitionId: 1, replicas: [5, 4, 3, 2], addingReplicas: [5], removingReplicas: [2] })]);
  });

  it('lists partitions being reassigned, all or those asked for, leaving out the rest', () => {
    let image = reassign(cluster(), [2, 3, 4]).image;
    image = reassign(image, [5, 3, 4], 1).image;
    const ongoing = (index: number) => {
      const p = partitionOf(image, index);
      return { partitionIndex: index, replicas: [...p.replicas], addingReplicas: [...p.addingReplicas], removingReplicas: [...p.removingReplicas] };
    };
    expect(listReassignments(image, null)).toEqual([{ name: 'events', partitions: [ongoing(0), ongoing(1)] }]);
    expect(listReassignments(image, [{ name: 'events', partitionIndexes: [1, 9] }, { name: 'nope', partitionIndexes: [0] }])).toEqual([{ name: 'events', partitions: [ongoing(1)] }]);
    expect(ongoing(1)).toEqual({ partitionIndex: 1, replicas: [5, 3, 4, 2], addingReplicas: [5], removingReplicas: [2] });
  });

  it('an AlterPartition outside any reassignment writes only the ISR, as before', () => {
    const { plan, outcome } = alterIsr(cluster(), [1, 2]);
    expect(plan.records[0].record).toMatchObject({ isr: [1, 2], leader: -2, replicas: null, addingReplicas: null, removingReplicas: null });
    expect(outcome).toMatchObject({ errorCode: ErrorCode.NONE, leaderId: 1, leaderEpoch: 4, isr: [1, 2], partitionEpoch: 8 });
  });
});

function change() {
  return { partitionId: 0, topicId: TOPIC_ID, isr: null, leader: -2, replicas: null, removingReplicas: null, addingReplicas: null, leaderRecoveryState: -1, directories: null, eligibleLeaderReplicas: null, lastKnownElr: null };
}
