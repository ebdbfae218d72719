// The server-side assignors of KIP-848 consumer groups: `uniform` (Kafka's default: balanced,
// sticky to the previous target) and `range` (contiguous ranges per topic, co-partitioned when
// every member subscribes to the same topics). Partitions are named by topic id.

/** Partitions per topic id. */
export type TopicPartitionMap = Map<string, Set<number>>;

export interface AssignorMember {
  memberId: string;
  instanceId: string | null;
  subscribedTopicIds: readonly string[];
  /** The member's partitions in the previous target assignment, for stickiness. */
  previousTarget: TopicPartitionMap;
}

export interface AssignorInput {
  members: readonly AssignorMember[];
  /** Partition counts of the topics the group subscribes to that exist. */
  partitionCounts: ReadonlyMap<string, number>;
}

export type ServerAssignor = (input: AssignorInput) => Map<string, TopicPartitionMap>;

/** Kafka's order for range: static members by instance id first, then the others by member id. */
function sortedMembers(members: readonly AssignorMember[]): AssignorMember[] {
  return [...members].sort((a, b) => {
    if (a.instanceId !== null && b.instanceId !== null) return compare(a.instanceId, b.instanceId);
    if (a.instanceId !== null) return -1;
    if (b.instanceId !== null) return 1;
    return compare(a.memberId, b.memberId);
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function add(map: TopicPartitionMap, topicId: string, partition: number): void {
  let set = map.get(topicId);
  if (!set) map.set(topicId, (set = new Set()));
  set.add(partition);
}

export function countPartitions(map: TopicPartitionMap): number {
  let n = 0;
  for (const set of map.values()) n += set.size;
  return n;
}

/**
 * Each topic is split among its subscribers in sorted order: the first `count % members` get one
 * partition more. With identical subscriptions and partition counts, member i gets the same
 * partition numbers of every topic.
 */
export const rangeAssignor: ServerAssignor = ({ members, partitionCounts }) => {
  const sorted = sortedMembers(members);
  const result = new Map<string, TopicPartitionMap>(sorted.map((m) => [m.memberId, new Map()]));
  const topicIds = [...new Set(sorted.flatMap((m) => m.subscribedTopicIds))].filter((t) => partitionCounts.has(t));
  for (const topicId of topicIds) {
    const subscribers = sorted.filter((m) => m.subscribedTopicIds.includes(topicId));
    const count = partitionCounts.get(topicId)!;
    const quota = Math.floor(count / subscribers.length);
    let extra = count % subscribers.length;
    let next = 0;
    for (const member of subscribers) {
      const size = quota + (extra-- > 0 ? 1 : 0);
      for (let p = next; p < next + size; p++) add(result.get(member.memberId)!, topicId, p);
      next += size;
    }
  }
  return result;
};

/**
 * Members keep the partitions of their previous target that they still subscribe to; partitions
 * nobody holds go to the least loaded subscriber; then partitions move one at a time from a member
 * holding at least two more than a subscriber of that topic, until no such move is left. The
 * outcome is balanced within one partition wherever subscriptions allow, with the fewest moves.
 */
export const uniformAssignor: ServerAssignor = ({ members, partitionCounts }) => {
  const sorted = sortedMembers(members);
  const result = new Map<string, TopicPartitionMap>(sorted.map((m) => [m.memberId, new Map()]));
  const load = new Map<string, number>(sorted.map((m) => [m.memberId, 0]));
  const subscribers = new Map<string, AssignorMember[]>();
  for (const m of sorted) {
    for (const topicId of m.subscribedTopicIds) {
      if (!partitionCounts.has(topicId)) continue;
      let list = subscribers.get(topicId);
      if (!list) subscribers.set(topicId, (list = []));
      if (!list.includes(m)) list.push(m);
    }
  }
  const owner = new Map<string, string>();
  const key = (topicId: string, p: number): string => `${topicId}:${p}`;
  const give = (memberId: string, topicId: string, p: number): void => {
    add(result.get(memberId)!, topicId, p);
    load.set(memberId, load.get(memberId)! + 1);
    owner.set(key(topicId, p), memberId);
  };

  for (const m of sorted) {
    for (const [topicId, partitions] of m.previousTarget) {
      const count = partitionCounts.get(topicId);
      if (count === undefined || !m.subscribedTopicIds.includes(topicId)) continue;
      for (const p of [...partitions].sort((a, b) => a - b)) if (p < count && !owner.has(key(topicId, p))) give(m.memberId, topicId, p);
    }
  }

  const leastLoaded = (candidates: readonly AssignorMember[]): AssignorMember =>
    candidates.reduce((best, m) => (load.get(m.memberId)! < load.get(best.memberId)! ? m : best));
  for (const [topicId, subs] of subscribers) {
    const count = partitionCounts.get(topicId)!;
    for (let p = 0; p < count; p++) if (!owner.has(key(topicId, p))) give(leastLoaded(subs).memberId, topicId, p);
  }

  // Moves from the most loaded member first; each move lowers the spread, so this ends.
  for (;;) {
    let moved = false;
    for (const from of [...sorted].sort((a, b) => load.get(b.memberId)! - load.get(a.memberId)!)) {
      const held = result.get(from.memberId)!;
      for (const [topicId, partitions] of held) {
        const target = leastLoaded(subscribers.get(topicId)!);
        if (load.get(target.memberId)! + 1 >= load.get(from.memberId)!) continue;
        const p = Math.max(...partitions);
        partitions.delete(p);
        if (partitions.size === 0) held.delete(topicId);
        load.set(from.memberId, load.get(from.memberId)! - 1);
        give(target.memberId, topicId, p);
        moved = true;
        break;
      }
      if (moved) break;
    }
    if (!moved) return result;
  }
};

export const DEFAULT_SERVER_ASSIGNOR = 'uniform';

/** The assignors this coordinator offers, by the name a member asks for in serverAssignor. */
export const SERVER_ASSIGNORS: ReadonlyMap<string, ServerAssignor> = new Map([
  ['uniform', uniformAssignor],
  ['range', rangeAssignor],
]);
