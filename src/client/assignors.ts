// Client-side partition assignors of the classic group protocol, assigning as Kafka's Java
// consumer does (RangeAssignor, RoundRobinAssignor, CooperativeStickyAssignor), so a group that
// mixes tk and Java-based members gets the same assignment whichever member leads. Rack-aware
// placement is not done: tk members send no rack id.
import type { TopicPartition } from './cluster.js';

export type RebalanceProtocol = 'eager' | 'cooperative';

/** One member's subscription as the leader reads it from JoinGroup. */
export interface MemberSubscription {
  memberId: string;
  groupInstanceId: string | null;
  topics: string[];
  /** The partitions the member owns now (ConsumerProtocolSubscription v1+). */
  ownedPartitions: TopicPartition[];
  /** The generation those partitions were assigned in; -1 when unknown. */
  generation: number;
}

export interface Assignor {
  /** The protocol name in JoinGroup. */
  readonly name: string;
  /** Rebalance protocols the assignor supports, preferred first. */
  readonly protocols: readonly RebalanceProtocol[];
  /** Assigns the partitions of subscribed topics (topic → partition count, unknown topics absent); every member gets a list. */
  assign(partitionsPerTopic: ReadonlyMap<string, number>, members: readonly MemberSubscription[]): Map<string, TopicPartition[]>;
}

/** Java's String.compareTo: UTF-16 code units, as JavaScript's relational operators compare. */
const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** AbstractPartitionAssignor.MemberInfo order: static members by instance id first, then dynamic ones by member id. */
function compareMembers(a: MemberSubscription, b: MemberSubscription): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null) return compareStrings(a.groupInstanceId, b.groupInstanceId);
  if (a.groupInstanceId !== null) return -1;
  if (b.groupInstanceId !== null) return 1;
  return compareStrings(a.memberId, b.memberId);
}

const emptyAssignment = (members: readonly MemberSubscription[]): Map<string, TopicPartition[]> => new Map(members.map((m) => [m.memberId, []]));

const sortedTopics = (partitionsPerTopic: ReadonlyMap<string, number>): string[] => [...partitionsPerTopic.keys()].sort(compareStrings);

/** Per topic, consecutive ranges to the subscribed members in member order; the first `count % members` get one more. */
export const rangeAssignor: Assignor = {
  name: 'range',
  protocols: ['eager'],
  assign(partitionsPerTopic, members) {
    const assignment = emptyAssignment(members);
    for (const topic of sortedTopics(partitionsPerTopic)) {
      const count = partitionsPerTopic.get(topic)!;
      const consumers = members.filter((m) => m.topics.includes(topic)).sort(compareMembers);
      if (count === 0 || consumers.length === 0) continue;
      const perConsumer = Math.floor(count / consumers.length);
      const extra = count % consumers.length;
      let next = 0;
      consumers.forEach((member, i) => {
        const take = perConsumer + (i < extra ? 1 : 0);
        for (let p = next; p < next + take; p++) assignment.get(member.memberId)!.push({ topic, partition: p });
        next += take;
      });
    }
    return assignment;
  },
};

/** Every partition of every subscribed topic, in topic then partition order, dealt to the sorted members in turn, skipping members not subscribed to its topic. */
export const roundRobinAssignor: Assignor = {
  name: 'roundrobin',
  protocols: ['eager'],
  assign(partitionsPerTopic, members) {
    const assignment = emptyAssignment(members);
    const circle = [...members].sort(compareMembers);
    if (circle.length === 0) return assignment;
    const topics = [...new Set(members.flatMap((m) => m.topics))].filter((t) => partitionsPerTopic.has(t)).sort(compareStrings);
    let at = 0;
    for (const topic of topics) {
      for (let partition = 0; partition < partitionsPerTopic.get(topic)!; partition++) {
        while (!circle[at].topics.includes(topic)) at = (at + 1) % circle.length;
        assignment.get(circle[at].memberId)!.push({ topic, partition });
        at = (at + 1) % circle.length;
      }
    }
    return assignment;
  },
};

// ---- cooperative-sticky ----

const tpKey = (tp: TopicPartition): string => `${tp.topic}\0${tp.partition}`;

/** java.lang.String.hashCode. */
function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The iteration order of a java.util.HashMap<String, _> filled in this order: by bucket of the
 * spread hash, then by insertion. The sticky assignor's outcome depends on the order in which
 * members claim their owned partitions, and Kafka walks them in this order.
 */
function javaHashMapOrder(keys: readonly string[]): string[] {
  let capacity = 16;
  while (keys.length > capacity * 0.75) capacity *= 2;
  const bucket = (k: string): number => {
    const h = javaStringHash(k);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return keys.map((k, i) => ({ k, i, b: bucket(k) })).sort((x, y) => x.b - y.b || x.i - y.i).map((e) => e.k);
}

interface OwnedState {
  /** Members in the order Kafka walks its HashMap of them. */
  order: string[];
  owned: Map<string, TopicPartition[]>;
  /** Partitions claimed by two members of the same generation: nobody keeps them. */
  multiplyOwned: Set<string>;
}

/** AbstractStickyAssignor.allSubscriptionsEqual's ownership bookkeeping: the newer generation keeps a doubly claimed partition. */
function currentOwnership(partitionsPerTopic: ReadonlyMap<string, number>, members: readonly MemberSubscription[]): OwnedState {
  const byId = new Map(members.map((m) => [m.memberId, m]));
  const order = javaHashMapOrder(members.map((m) => m.memberId));
  const owned = new Map<string, TopicPartition[]>();
  const multiplyOwned = new Set<string>();
  const ownerOf = new Map<string, string>();
  for (const memberId of order) {
    const member = byId.get(memberId)!;
    const mine: TopicPartition[] = [];
    owned.set(memberId, mine);
    for (const tp of member.ownedPartitions) {
      if (!partitionsPerTopic.has(tp.topic)) continue;
      const other = ownerOf.get(tpKey(tp));
      if (other === undefined) {
        mine.push(tp);
        ownerOf.set(tpKey(tp), memberId);
        continue;
      }
      const otherGeneration = byId.get(other)!.generation;
      const dropFromOther = (): void => {
        const list = owned.get(other)!;
        const i = list.findIndex((x) => tpKey(x) === tpKey(tp));
        if (i >= 0) list.splice(i, 1);
      };
      if (member.generation === otherGeneration) {
        multiplyOwned.add(tpKey(tp));
        dropFromOther();
        ownerOf.set(tpKey(tp), memberId);
      } else if (member.generation > otherGeneration) {
        mine.push(tp);
        dropFromOther();
        ownerOf.set(tpKey(tp), memberId);
      }
    }
  }
  return { order, owned, multiplyOwned };
}

/**
 * Kafka's ConstrainedAssignmentBuilder (every member subscribed to the same topics): members
 * keep up to their quota of what they own, the rest is dealt round-robin to members under quota.
 * Returns the assignment and the partitions that move from one owner to another.
 */
function constrainedAssign(partitionsPerTopic: ReadonlyMap<string, number>, state: OwnedState): { assignment: Map<string, TopicPartition[]>; transferring: Set<string> } {
  const total = [...partitionsPerTopic.values()].reduce((a, b) => a + b, 0);
  const memberCount = state.order.length;
  const minQuota = Math.floor(total / memberCount);
  const maxQuota = Math.ceil(total / memberCount);
  const expectedOverMin = total % memberCount;
  let currentOverMin = 0;
  const assignment = new Map<string, TopicPartition[]>(state.order.map((m) => [m, []]));
  const assigned = new Set<string>();
  const maybeRevoked = new Map<string, string>();
  const transferring = new Set<string>();
  let underMin: string[] = [];
  let exactlyMin: string[] = [];

  for (const member of state.order) {
    const owned = [...state.owned.get(member)!]
      .sort((a, b) => a.partition - b.partition || compareStrings(a.topic, b.topic))
      .filter((tp) => !state.multiplyOwned.has(tpKey(tp)));
    const mine = assignment.get(member)!;
    const keep = (list: TopicPartition[]): void => {
      mine.push(...list);
      for (const tp of list) assigned.add(tpKey(tp));
    };
    if (owned.length < minQuota) {
      keep(owned);
      underMin.push(member);
    } else if (owned.length >= maxQuota && currentOverMin < expectedOverMin) {
      currentOverMin++;
      if (currentOverMin === expectedOverMin) exactlyMin = [];
      keep(owned.slice(0, maxQuota));
      for (const tp of owned.slice(maxQuota)) maybeRevoked.set(tpKey(tp), member);
    } else {
      keep(owned.slice(0, minQuota));
      for (const tp of owned.slice(minQuota)) maybeRevoked.set(tpKey(tp), member);
      if (currentOverMin < expectedOverMin) exactlyMin.push(member);
    }
  }

  const unassigned: TopicPartition[] = [];
  for (const topic of sortedTopics(partitionsPerTopic)) {
    for (let partition = 0; partition < partitionsPerTopic.get(topic)!; partition++) {
      if (!assigned.has(tpKey({ topic, partition }))) unassigned.push({ topic, partition });
    }
  }
  underMin = underMin.sort(compareStrings);
  exactlyMin = exactlyMin.sort(compareStrings);

  const assignNew = (tp: TopicPartition, member: string): number => {
    const list = assignment.get(member)!;
    list.push(tp);
    const previous = maybeRevoked.get(tpKey(tp));
    if ((previous !== undefined && previous !== member) || state.multiplyOwned.has(tpKey(tp))) transferring.add(tpKey(tp));
    return list.length;
  };
  // A cursor over underMin that, like Java's list iterator, can remove the member it last gave out.
  let cursor = 0;
  for (const tp of unassigned) {
    let member: string;
    let fromUnderMin = true;
    if (cursor < underMin.length) {
      member = underMin[cursor++];
    } else if (underMin.length === 0 && exactlyMin.length === 0) {
      throw new Error('cooperative-sticky: no member left to take the remaining partitions');
    } else if (underMin.length === 0) {
      member = exactlyMin.shift()!;
      fromUnderMin = false;
    } else {
      cursor = 0;
      member = underMin[cursor++];
    }
    const count = assignNew(tp, member);
    if (count === minQuota && fromUnderMin) {
      underMin.splice(--cursor, 1);
      exactlyMin.push(member);
    } else if (count === maxQuota) {
      currentOverMin++;
    }
  }
  return { assignment, transferring };
}

/**
 * Members subscribed to different topics (Kafka's GeneralAssignmentBuilder): tk keeps each
 * member's still-subscribed owned partitions, gives each other partition to the eligible member
 * with the fewest, then moves partitions from the fullest to eligible members two or more
 * behind until no such move is left. Balanced and sticky, though not move-for-move Kafka's.
 */
function generalAssign(partitionsPerTopic: ReadonlyMap<string, number>, members: readonly MemberSubscription[], state: OwnedState): Map<string, TopicPartition[]> {
  const byId = new Map(members.map((m) => [m.memberId, m]));
  const assignment = new Map<string, TopicPartition[]>(members.map((m) => [m.memberId, []]));
  const taken = new Set<string>();
  for (const [memberId, owned] of state.owned) {
    for (const tp of owned) {
      if (state.multiplyOwned.has(tpKey(tp)) || !byId.get(memberId)!.topics.includes(tp.topic)) continue;
      assignment.get(memberId)!.push(tp);
      taken.add(tpKey(tp));
    }
  }
  const eligible = (topic: string): string[] => members.filter((m) => m.topics.includes(topic)).map((m) => m.memberId);
  const fewest = (candidates: string[]): string => candidates.reduce((best, m) => {
    const d = assignment.get(m)!.length - assignment.get(best)!.length;
    return d < 0 || (d === 0 && compareStrings(m, best) < 0) ? m : best;
  });
  for (const topic of sortedTopics(partitionsPerTopic)) {
    const candidates = eligible(topic);
    if (candidates.length === 0) continue;
    for (let partition = 0; partition < partitionsPerTopic.get(topic)!; partition++) {
      if (!taken.has(tpKey({ topic, partition }))) assignment.get(fewest(candidates))!.push({ topic, partition });
    }
  }
  for (let moved = true; moved; ) {
    moved = false;
    const fullestFirst = [...assignment.keys()].sort((a, b) => assignment.get(b)!.length - assignment.get(a)!.length || compareStrings(a, b));
    for (const from of fullestFirst) {
      const list = assignment.get(from)!;
      const index = list.findIndex((tp) => {
        const to = fewest(eligible(tp.topic));
        return assignment.get(to)!.length + 1 < list.length;
      });
      if (index < 0) continue;
      const [tp] = list.splice(index, 1);
      assignment.get(fewest(eligible(tp.topic)))!.push(tp);
      moved = true;
      break;
    }
  }
  return assignment;
}

/** Partitions assigned to a member other than the one that owns them now (CooperativeStickyAssignor.computePartitionsTransferringOwnership). */
function movedPartitions(assignment: ReadonlyMap<string, TopicPartition[]>, state: OwnedState): Set<string> {
  const owner = new Map<string, string>();
  for (const [member, owned] of state.owned) for (const tp of owned) owner.set(tpKey(tp), member);
  const moved = new Set<string>();
  for (const [member, list] of assignment) {
    for (const tp of list) {
      const previous = owner.get(tpKey(tp));
      if (previous !== undefined && previous !== member) moved.add(tpKey(tp));
    }
  }
  return moved;
}

/**
 * Sticky, balanced assignment for the cooperative protocol (KIP-429): a partition that changes
 * owner is left out of this round, so its owner revokes it first and the next rebalance, which
 * the revoking member asks for, hands it to its new owner.
 */
export const cooperativeStickyAssignor: Assignor = {
  name: 'cooperative-sticky',
  protocols: ['cooperative', 'eager'],
  assign(partitionsPerTopic, members) {
    if (members.length === 0) return new Map();
    const state = currentOwnership(partitionsPerTopic, members);
    const first = new Set(members[0].topics);
    const allEqual = members.every((m) => m.topics.length === first.size && m.topics.every((t) => first.has(t)));
    let assignment: Map<string, TopicPartition[]>;
    let transferring: Set<string>;
    if (allEqual) {
      ({ assignment, transferring } = constrainedAssign(partitionsPerTopic, state));
    } else {
      assignment = generalAssign(partitionsPerTopic, members, state);
      transferring = movedPartitions(assignment, state);
    }
    for (const [member, list] of assignment) assignment.set(member, list.filter((tp) => !transferring.has(tpKey(tp))));
    return assignment;
  },
};

export const ASSIGNORS: readonly Assignor[] = [rangeAssignor, roundRobinAssignor, cooperativeStickyAssignor];

/** Java class names of partition.assignment.strategy, and the short names, to our assignors. */
export function assignorNamed(name: string): Assignor | undefined {
  const short = name.trim().replace(/^org\.apache\.kafka\.clients\.consumer\./, '');
  const byClass: Record<string, string> = { RangeAssignor: 'range', RoundRobinAssignor: 'roundrobin', CooperativeStickyAssignor: 'cooperative-sticky' };
  const wanted = byClass[short] ?? short;
  return ASSIGNORS.find((a) => a.name === wanted);
}

/** The rebalance protocol of a set of assignors: cooperative only when every one supports it (ConsumerCoordinator). */
export function rebalanceProtocolOf(assignors: readonly Assignor[]): RebalanceProtocol {
  return assignors.every((a) => a.protocols.includes('cooperative')) ? 'cooperative' : 'eager';
}
