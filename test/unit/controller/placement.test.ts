// Replica placement over the brokers and the leader/ISR changes when a broker leaves or returns,
// against the rules of Kafka's StripedReplicaPlacer, ReplicationControlManager and PartitionChangeBuilder.
import { describe, expect, it } from 'vitest';
import { EMPTY_IMAGE, replay, type MetadataImage, type MetadataRecord } from '../../../daemon/controller/metadata-image.js';
import { leadershipChanges, placeReplicas, PlacementError } from '../../../daemon/controller/placement.js';

function brokerRecord(id: number, rack: string | null = null, fenced = false): MetadataRecord {
  return {
    type: 'RegisterBroker',
    version: 3,
    record: { brokerId: id, isMigratingZkBroker: false, incarnationId: `i${id}`, brokerEpoch: BigInt(id), endPoints: [], features: [], rack, fenced, inControlledShutdown: false, logDirs: [] },
  };
}

function imageWith(records: MetadataRecord[]): MetadataImage {
  return replay(EMPTY_IMAGE, records, BigInt(records.length));
}

function partitionRecord(partitionId: number, replicas: number[], isr: number[], leader: number): MetadataRecord {
  return {
    type: 'Partition',
    version: 0,
    record: { partitionId, topicId: 'T', replicas, isr, removingReplicas: [], addingReplicas: [], leader, leaderRecoveryState: 0, leaderEpoch: 0, partitionEpoch: 0, directories: [], eligibleLeaderReplicas: null, lastKnownElr: null },
  };
}

const TOPIC: MetadataRecord = { type: 'Topic', version: 0, record: { name: 't', topicId: 'T' } };
const changes = (image: MetadataImage, change: { remove?: number; add?: number }, unclean = false) =>
  leadershipChanges(image, { ...change, uncleanElection: () => unclean }).map((r) => {
    const c = r.record as { partitionId: number; leader: number; isr: number[] | null };
    return { partition: c.partitionId, leader: c.leader, isr: c.isr };
  });

describe('placeReplicas', () => {
  it('stripes replicas so that every broker leads as many partitions', () => {
    const image = imageWith([brokerRecord(1), brokerRecord(2), brokerRecord(3)]);
    expect(placeReplicas(image, 6, 3, 0)).toEqual([
      [1, 2, 3],
      [2, 3, 1],
      [3, 1, 2],
      [1, 2, 3],
      [2, 3, 1],
      [3, 1, 2],
    ]);
  });

  it('puts each partition on as many racks as there are', () => {
    const image = imageWith([brokerRecord(1, 'a'), brokerRecord(2, 'a'), brokerRecord(3, 'b'), brokerRecord(4, 'b')]);
    const racks = new Map([[1, 'a'], [2, 'a'], [3, 'b'], [4, 'b']]);
    for (const replicas of placeReplicas(image, 8, 2, 0)) expect(new Set(replicas.map((id) => racks.get(id))).size).toBe(2);
  });

  it('continues the stripe for partitions added later', () => {
    const image = imageWith([brokerRecord(1), brokerRecord(2), brokerRecord(3)]);
    expect(placeReplicas(image, 2, 1, 4)).toEqual([[2], [3]]);
  });

  it('uses fenced brokers only to reach the replication factor, never as the first replica', () => {
    const image = imageWith([brokerRecord(1), brokerRecord(2, null, true)]);
    expect(placeReplicas(image, 2, 2, 0)).toEqual([
      [1, 2],
      [1, 2],
    ]);
  });

  it("refuses with Kafka's messages", () => {
    const two = imageWith([brokerRecord(1), brokerRecord(2)]);
    expect(() => placeReplicas(two, 1, 3, 0)).toThrow(new PlacementError(0, 'The target replication factor of 3 cannot be reached because only 2 broker(s) are registered.'));
    expect(() => placeReplicas(imageWith([brokerRecord(1, null, true)]), 1, 1, 0)).toThrow('All brokers are currently fenced.');
  });
});

describe('leadershipChanges', () => {
  const image = imageWith([
    brokerRecord(1),
    brokerRecord(2),
    brokerRecord(3),
    TOPIC,
    partitionRecord(0, [1, 2, 3], [1, 2, 3], 1),
    partitionRecord(1, [2, 1, 3], [2, 1], 2),
    partitionRecord(2, [1], [1], 1),
    partitionRecord(3, [1, 3], [1], 1),
  ]);

  it('removes a leaving broker from every ISR and elects the first remaining ISR replica where it led', () => {
    expect(changes(image, { remove: 1 })).toEqual([
      { partition: 0, leader: 2, isr: [2, 3] },
      { partition: 1, leader: -2, isr: [2] },
      // The last ISR member stays in the ISR; the partition is left without a leader.
      { partition: 2, leader: -1, isr: null },
      { partition: 3, leader: -1, isr: null },
    ]);
  });

  it('with unclean election, elects an out-of-sync replica and makes it the whole ISR', () => {
    expect(changes(image, { remove: 1 }, true).find((c) => c.partition === 3)).toEqual({ partition: 3, leader: 3, isr: [3] });
  });

  it('elects a returning broker where a partition has no leader and it is in the ISR', () => {
    const leaderless = replay(image, leadershipChanges(image, { remove: 1, uncleanElection: () => false }), 100n);
    expect(changes(leaderless, { add: 1 })).toEqual([
      { partition: 2, leader: 1, isr: null },
      { partition: 3, leader: 1, isr: null },
    ]);
  });
});
