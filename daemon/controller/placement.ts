// Where replicas go and who leads, as Kafka's controller decides it: new partitions spread over
// the brokers (rack-aware), and the leader and ISR changes when a broker is fenced, shuts down or
// comes back (ReplicationControlManager.generateLeaderAndIsrUpdates with PartitionChangeBuilder).
import type { BrokerImage, MetadataImage, MetadataRecord, PartitionImage } from './metadata-image.js';
import type { PartitionChangeRecord } from '../../src/protocol/generated/metadata/partition-change-record.js';

/** The leader field of a PartitionChangeRecord: -1 no leader, -2 unchanged. */
export const NO_LEADER = -1;
export const NO_LEADER_CHANGE = -2;

export class PlacementError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** A broker that may lead and join ISRs: registered, unfenced, not shutting down (Kafka's isActive). */
export function isActiveBroker(broker: BrokerImage | undefined): boolean {
  return broker !== undefined && !broker.fenced && !broker.inControlledShutdown;
}

/**
 * Brokers in an order that alternates racks (rack a's first, rack b's first, …, rack a's second,
 * …), each rack's brokers by id; brokers without a rack count as one rack. Taking consecutive
 * entries of this list puts a partition's replicas on as many racks as there are.
 */
function rackAlternated(brokers: readonly BrokerImage[]): number[] {
  const byRack = new Map<string, number[]>();
  for (const b of [...brokers].sort((x, y) => x.id - y.id)) {
    const rack = b.rack ?? '';
    byRack.set(rack, [...(byRack.get(rack) ?? []), b.id]);
  }
  const racks = [...byRack.keys()].sort().map((r) => byRack.get(r)!);
  const ordered: number[] = [];
  for (let i = 0; ordered.length < brokers.length; i++) for (const rack of racks) if (i < rack.length) ordered.push(rack[i]);
  return ordered;
}

/**
 * Replica lists for `numPartitions` new partitions numbered from `firstPartition`. Partition p
 * starts at position p of the rack-alternated list, so leaders (first replicas) rotate over the
 * brokers. Unfenced brokers come first; fenced ones fill in only when there are too few (as
 * Kafka's StripedReplicaPlacer); brokers in controlled shutdown are never chosen.
 * Throws PlacementError with Kafka's message (without the "Unable to replicate" prefix).
 */
export function placeReplicas(image: MetadataImage, numPartitions: number, replicationFactor: number, firstPartition: number): number[][] {
  const usable = [...image.brokers.values()].filter((b) => !b.inControlledShutdown);
  const unfenced = rackAlternated(usable.filter((b) => !b.fenced));
  const fenced = rackAlternated(usable.filter((b) => b.fenced));
  if (replicationFactor <= 0) throw new PlacementError(0, `Invalid replication factor ${replicationFactor}: the replication factor must be positive.`);
  if (unfenced.length === 0) throw new PlacementError(0, 'All brokers are currently fenced.');
  if (replicationFactor > usable.length) {
    throw new PlacementError(0, `The target replication factor of ${replicationFactor} cannot be reached because only ${usable.length} broker(s) are registered.`);
  }
  const placement: number[][] = [];
  for (let p = firstPartition; p < firstPartition + numPartitions; p++) {
    const replicas: number[] = [];
    for (let r = 0; r < Math.min(replicationFactor, unfenced.length); r++) replicas.push(unfenced[(p + r) % unfenced.length]);
    for (let r = 0; replicas.length < replicationFactor; r++) replicas.push(fenced[(p + r) % fenced.length]);
    placement.push(replicas);
  }
  return placement;
}

export interface LeadershipChange {
  /** A broker that leaves: never a leader, dropped from ISRs (fenced, or in controlled shutdown). */
  remove?: number;
  /** A broker being unfenced: an acceptable leader although the image still shows it fenced. */
  add?: number;
  /** unclean.leader.election.enable in effect for a topic. */
  uncleanElection(topic: string): boolean;
}

/**
 * PartitionChangeRecords for the partitions a broker change touches: with `remove`, every
 * partition whose ISR holds it; with `add`, every partition without a leader. The ISR loses the
 * removed broker unless it is the last member (the ISR never becomes empty; the partition is then
 * left without a leader); the leader stays if still acceptable, else the first replica in the new
 * ISR that is acceptable, else (unclean election on) the first acceptable replica, whose ISR
 * becomes itself alone.
 */
export function leadershipChanges(image: MetadataImage, change: LeadershipChange): MetadataRecord[] {
  const acceptable = (id: number): boolean => id !== change.remove && (id === change.add || isActiveBroker(image.brokers.get(id)));
  const records: MetadataRecord[] = [];
  for (const topic of image.topicsByName.values()) {
    for (const partition of topic.partitions.values()) {
      const touched = change.remove !== undefined ? partition.isr.includes(change.remove) : partition.leader === NO_LEADER;
      if (!touched) continue;
      const update = electedLeaderAndIsr(partition, acceptable, change.remove, change.uncleanElection(topic.name));
      if (update !== null) records.push(partitionChange(topic.topicId, partition.partitionId, update.leader, update.isr));
    }
  }
  return records;
}

function electedLeaderAndIsr(
  partition: PartitionImage,
  acceptable: (id: number) => boolean,
  removed: number | undefined,
  unclean: boolean,
): { leader: number; isr: number[] | null } | null {
  const shrunk = partition.isr.filter((id) => id !== removed);
  const targetIsr = shrunk.length > 0 ? shrunk : [...partition.isr];
  let leader = partition.leader;
  let isr: number[] | null = sameMembers(targetIsr, partition.isr) ? null : targetIsr;
  if (!(targetIsr.includes(leader) && acceptable(leader))) {
    const clean = partition.replicas.find((id) => targetIsr.includes(id) && acceptable(id));
    const uncleanLeader = unclean ? partition.replicas.find(acceptable) : undefined;
    if (clean !== undefined) leader = clean;
    else if (uncleanLeader !== undefined) {
      leader = uncleanLeader;
      isr = [uncleanLeader];
    } else leader = NO_LEADER;
  }
  const leaderChanged = leader !== partition.leader;
  if (!leaderChanged && isr === null) return null;
  return { leader: leaderChanged ? leader : NO_LEADER_CHANGE, isr };
}

function sameMembers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}

/** A PartitionChangeRecord of a leader and ISR change; every other field unchanged (null). */
export function partitionChangeRecord(topicId: string, partitionId: number, leader: number, isr: number[] | null): PartitionChangeRecord {
  return {
    partitionId,
    topicId,
    isr,
    leader,
    replicas: null,
    removingReplicas: null,
    addingReplicas: null,
    leaderRecoveryState: -1,
    directories: null,
    eligibleLeaderReplicas: null,
    lastKnownElr: null,
  };
}

export function partitionChange(topicId: string, partitionId: number, leader: number, isr: number[] | null): MetadataRecord {
  return { type: 'PartitionChange', version: 0, record: partitionChangeRecord(topicId, partitionId, leader, isr) };
}
