// --generate's proposal: Kafka's AdminUtils.assignReplicasToBrokers (rack-unaware, or rack-aware
// over the rack-alternated broker list), per topic with its partition count and replication
// factor. Kafka starts at a random broker and a random replica shift, so two runs differ; tk
// starts both at 0, so the same cluster and arguments always give the same proposal.
import { UserError } from '../base-command.js';

export interface BrokerRack {
  id: number;
  rack: string | null;
}

const START_INDEX = 0;
const REPLICA_SHIFT = 0;

function replicaIndex(firstReplicaIndex: number, secondReplicaShift: number, index: number, brokerCount: number): number {
  const shift = 1 + ((secondReplicaShift + index) % (brokerCount - 1));
  return (firstReplicaIndex + shift) % brokerCount;
}

/** Brokers alternating over racks (sorted), each rack's brokers by id (AdminUtils.getRackAlternatedBrokerList). */
function rackAlternated(brokers: readonly BrokerRack[]): { ids: number[]; rackOf: Map<number, string> } {
  const rackOf = new Map(brokers.map((b) => [b.id, b.rack!]));
  const byRack = new Map<string, number[]>();
  for (const b of brokers) byRack.set(b.rack!, [...(byRack.get(b.rack!) ?? []), b.id]);
  const racks = [...byRack.keys()].sort();
  const queues = racks.map((r) => byRack.get(r)!.sort((a, b) => a - b));
  const ids: number[] = [];
  for (let i = 0; ids.length < brokers.length; i = (i + 1) % queues.length) {
    const next = queues[i]!.shift();
    if (next !== undefined) ids.push(next);
  }
  return { ids, rackOf };
}

/** Replica lists for partitions 0..count-1 over `brokers` (in the order given), or Kafka's refusal. */
export function assignReplicasToBrokers(brokers: readonly BrokerRack[], partitionCount: number, replicationFactor: number): number[][] {
  if (partitionCount <= 0) throw new UserError('Error: Number of partitions must be larger than 0.');
  if (replicationFactor <= 0) throw new UserError('Error: Replication factor must be larger than 0.');
  if (replicationFactor > brokers.length) throw new UserError(`Error: Replication factor: ${replicationFactor} larger than available brokers: ${brokers.length}.`);
  const rackAware = brokers.some((b) => b.rack !== null);
  if (rackAware && brokers.some((b) => b.rack === null)) throw new UserError('Error: Not all brokers have rack information for replica rack aware assignment.');
  const { ids, rackOf } = rackAware ? rackAlternated(brokers) : { ids: brokers.map((b) => b.id), rackOf: new Map<number, string>() };
  const rackCount = new Set(rackOf.values()).size;
  const assignment: number[][] = [];
  let shift = REPLICA_SHIFT;
  for (let partition = 0; partition < partitionCount; partition++) {
    if (partition > 0 && partition % ids.length === 0) shift += 1;
    const first = (partition + START_INDEX) % ids.length;
    const replicas = [ids[first]!];
    if (!rackAware) {
      for (let j = 0; j < replicationFactor - 1; j++) replicas.push(ids[replicaIndex(first, shift, j, ids.length)]!);
    } else {
      // Skip a broker whose rack already has a replica while some rack has none, or that has one while some broker has none.
      const racksUsed = new Set([rackOf.get(ids[first]!)]);
      let k = 0;
      while (replicas.length < replicationFactor) {
        const broker = ids[replicaIndex(first, shift * rackCount, k++, ids.length)]!;
        const rack = rackOf.get(broker);
        if ((!racksUsed.has(rack) || racksUsed.size === rackCount) && (!replicas.includes(broker) || replicas.length === ids.length)) {
          replicas.push(broker);
          racksUsed.add(rack);
        }
      }
    }
    assignment.push(replicas);
  }
  return assignment;
}
