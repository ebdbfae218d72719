// The client-side assignors against vectors from Kafka's RangeAssignorTest, RoundRobinAssignorTest
// and CooperativeStickyAssignorTest (or worked out from the Java code where noted), and the
// properties every assignment must have: complete, disjoint, balanced, sticky.
import { describe, expect, it } from 'vitest';
import { assignorNamed, cooperativeStickyAssignor, rangeAssignor, rebalanceProtocolOf, roundRobinAssignor, type Assignor, type MemberSubscription } from '../../../src/client/assignors.js';
import type { TopicPartition } from '../../../src/client/cluster.js';

const member = (memberId: string, topics: string[], extra: Partial<MemberSubscription> = {}): MemberSubscription => ({ memberId, groupInstanceId: null, topics, ownedPartitions: [], generation: -1, ...extra });
const tps = (topic: string, ...partitions: number[]): TopicPartition[] => partitions.map((partition) => ({ topic, partition }));
const counts = (entries: Record<string, number>): Map<string, number> => new Map(Object.entries(entries));
const plain = (assignment: Map<string, TopicPartition[]>): Record<string, string[]> =>
  Object.fromEntries([...assignment].map(([m, list]) => [m, list.map((tp) => `${tp.topic}-${tp.partition}`)]));

describe('range assignor', () => {
  it('gives each member a consecutive range per topic, the first members one more', () => {
    const result = rangeAssignor.assign(counts({ t: 3 }), [member('consumer2', ['t']), member('consumer1', ['t'])]);
    expect(plain(result)).toEqual({ consumer1: ['t-0', 't-1'], consumer2: ['t-2'] });
  });

  it('assigns each topic on its own, so the first member gets the extra partition of every topic (testTwoConsumersTwoTopicsSixPartitions)', () => {
    const result = rangeAssignor.assign(counts({ t1: 3, t2: 3 }), [member('consumer1', ['t1', 't2']), member('consumer2', ['t1', 't2'])]);
    expect(plain(result)).toEqual({ consumer1: ['t1-0', 't1-1', 't2-0', 't2-1'], consumer2: ['t1-2', 't2-2'] });
  });

  it('orders static members by group.instance.id before dynamic ones', () => {
    const result = rangeAssignor.assign(counts({ t: 3 }), [
      member('a', ['t']),
      member('z', ['t'], { groupInstanceId: 'instance-1' }),
      member('y', ['t'], { groupInstanceId: 'instance-0' }),
    ]);
    expect(plain(result)).toEqual({ y: ['t-0'], z: ['t-1'], a: ['t-2'] });
  });

  it('leaves members without partitions when there are more members than partitions, and skips unknown topics', () => {
    const result = rangeAssignor.assign(counts({ t: 1 }), [member('b', ['t', 'missing']), member('a', ['t'])]);
    expect(plain(result)).toEqual({ a: ['t-0'], b: [] });
  });
});

describe('roundrobin assignor', () => {
  it('deals partitions of all topics in turn (testTwoConsumersTwoTopicsSixPartitions)', () => {
    const result = roundRobinAssignor.assign(counts({ t1: 3, t2: 3 }), [member('consumer1', ['t1', 't2']), member('consumer2', ['t1', 't2'])]);
    expect(plain(result)).toEqual({ consumer1: ['t1-0', 't1-2', 't2-1'], consumer2: ['t1-1', 't2-0', 't2-2'] });
  });

  it('skips members not subscribed to a partition\'s topic (testMultipleConsumersMixedTopics)', () => {
    const result = roundRobinAssignor.assign(counts({ topic1: 3, topic2: 2 }), [
      member('consumer1', ['topic1']),
      member('consumer2', ['topic1', 'topic2']),
      member('consumer3', ['topic1']),
    ]);
    expect(plain(result)).toEqual({ consumer1: ['topic1-0'], consumer2: ['topic1-1', 'topic2-0', 'topic2-1'], consumer3: ['topic1-2'] });
  });
});

/** Runs cooperative rebalances until the assignment settles, checking that no partition is ever handed to a member while another still owns it. */
function settle(assignor: Assignor, partitionsPerTopic: Map<string, number>, members: MemberSubscription[]): Map<string, TopicPartition[]> {
  let current = members;
  for (let round = 1; round <= 5; round++) {
    const result = assignor.assign(partitionsPerTopic, current);
    const ownerBefore = new Map<string, string>();
    for (const m of current) for (const tp of m.ownedPartitions) ownerBefore.set(`${tp.topic}-${tp.partition}`, m.memberId);
    for (const [m, list] of result) {
      for (const tp of list) {
        const owner = ownerBefore.get(`${tp.topic}-${tp.partition}`);
        expect(owner === undefined || owner === m, `${tp.topic}-${tp.partition} given to ${m} while ${owner} owns it`).toBe(true);
      }
    }
    const next = current.map((m) => ({ ...m, ownedPartitions: result.get(m.memberId)!, generation: round }));
    const changed = next.some((m, i) => m.ownedPartitions.length !== current[i].ownedPartitions.length || m.ownedPartitions.some((tp, j) => tp.partition !== current[i].ownedPartitions[j]?.partition || tp.topic !== current[i].ownedPartitions[j]?.topic));
    current = next;
    if (!changed) return result;
  }
  throw new Error('the assignment did not settle within five rebalances');
}

function expectCompleteAndDisjoint(assignment: Map<string, TopicPartition[]>, partitionsPerTopic: Map<string, number>): void {
  const seen = [...assignment.values()].flat().map((tp) => `${tp.topic}-${tp.partition}`);
  expect(new Set(seen).size).toBe(seen.length);
  const all = [...partitionsPerTopic].flatMap(([t, n]) => tps(t, ...Array.from({ length: n }, (_, i) => i)).map((tp) => `${tp.topic}-${tp.partition}`));
  expect(seen.sort()).toEqual(all.sort());
}

describe('cooperative-sticky assignor', () => {
  it('balances a first assignment round-robin over the sorted members', () => {
    const result = cooperativeStickyAssignor.assign(counts({ t: 6 }), [member('c', ['t']), member('a', ['t']), member('b', ['t'])]);
    expect(plain(result)).toEqual({ a: ['t-0', 't-3'], b: ['t-1', 't-4'], c: ['t-2', 't-5'] });
  });

  it('a joining member gets nothing until the owner has revoked, then the moved partitions (two rebalances, KIP-429)', () => {
    const partitions = counts({ t: 6 });
    const first = cooperativeStickyAssignor.assign(partitions, [member('a', ['t'], { ownedPartitions: tps('t', 0, 1, 2, 3, 4, 5), generation: 1 }), member('b', ['t'])]);
    // a keeps its lowest three (sorted by partition); 3, 4, 5 are revoked first and given to nobody this round.
    expect(plain(first)).toEqual({ a: ['t-0', 't-1', 't-2'], b: [] });
    const second = cooperativeStickyAssignor.assign(partitions, [member('a', ['t'], { ownedPartitions: tps('t', 0, 1, 2), generation: 2 }), member('b', ['t'], { generation: 2 })]);
    expect(plain(second)).toEqual({ a: ['t-0', 't-1', 't-2'], b: ['t-3', 't-4', 't-5'] });
  });

  it('when a member leaves, the others keep what they own and share its partitions', () => {
    const partitions = counts({ t: 6 });
    const result = cooperativeStickyAssignor.assign(partitions, [
      member('a', ['t'], { ownedPartitions: tps('t', 0, 3), generation: 4 }),
      member('c', ['t'], { ownedPartitions: tps('t', 2, 5), generation: 4 }),
    ]);
    expect(result.get('a')!.slice(0, 2)).toEqual(tps('t', 0, 3));
    expect(result.get('c')!.slice(0, 2)).toEqual(tps('t', 2, 5));
    expect(plain(result)).toEqual({ a: ['t-0', 't-3', 't-1'], c: ['t-2', 't-5', 't-4'] });
    expectCompleteAndDisjoint(result, partitions);
  });

  it('drops a partition two members claim in the same generation, and lets the newer generation keep one claimed in different ones', () => {
    const partitions = counts({ t: 2 });
    const same = cooperativeStickyAssignor.assign(partitions, [
      member('a', ['t'], { ownedPartitions: tps('t', 0), generation: 3 }),
      member('b', ['t'], { ownedPartitions: tps('t', 0), generation: 3 }),
    ]);
    // Both give t-0 back first: it is assigned to nobody this round.
    expect([...same.values()].flat()).toEqual(tps('t', 1));
    const newer = cooperativeStickyAssignor.assign(partitions, [
      member('a', ['t'], { ownedPartitions: tps('t', 0), generation: 2 }),
      member('b', ['t'], { ownedPartitions: tps('t', 0), generation: 3 }),
    ]);
    expect(plain(newer)).toEqual({ a: ['t-1'], b: ['t-0'] });
  });

  it('settles balanced, complete and disjoint through joins and departures, never handing out an owned partition', () => {
    const partitions = counts({ x: 5, y: 4 });
    let members = [member('m1', ['x', 'y'])];
    let result = settle(cooperativeStickyAssignor, partitions, members);
    expectCompleteAndDisjoint(result, partitions);
    members = [...members.map((m) => ({ ...m, ownedPartitions: result.get(m.memberId)! })), member('m2', ['x', 'y']), member('m3', ['x', 'y'])];
    result = settle(cooperativeStickyAssignor, partitions, members);
    expectCompleteAndDisjoint(result, partitions);
    expect([...result.values()].map((l) => l.length).sort()).toEqual([3, 3, 3]);
    const beforeLeave = new Map(result);
    members = members.filter((m) => m.memberId !== 'm2').map((m) => ({ ...m, ownedPartitions: beforeLeave.get(m.memberId)! }));
    result = settle(cooperativeStickyAssignor, partitions, members);
    expectCompleteAndDisjoint(result, partitions);
    expect([...result.values()].map((l) => l.length).sort()).toEqual([4, 5]);
    for (const m of ['m1', 'm3']) {
      for (const tp of beforeLeave.get(m)!) expect(result.get(m)).toContainEqual(tp);
    }
  });

  it('with different subscriptions, gives each partition only to subscribed members, balanced', () => {
    const partitions = counts({ x: 4, y: 2 });
    const result = settle(cooperativeStickyAssignor, partitions, [member('a', ['x']), member('b', ['x', 'y']), member('c', ['y'])]);
    expectCompleteAndDisjoint(result, partitions);
    for (const tp of result.get('a')!) expect(tp.topic).toBe('x');
    for (const tp of result.get('c')!) expect(tp.topic).toBe('y');
    expect([...result.values()].map((l) => l.length).sort()).toEqual([2, 2, 2]);
  });
});

describe('assignor names', () => {
  it('reads partition.assignment.strategy short names and Java class names', () => {
    expect(assignorNamed('org.apache.kafka.clients.consumer.RangeAssignor')).toBe(rangeAssignor);
    expect(assignorNamed(' roundrobin ')).toBe(roundRobinAssignor);
    expect(assignorNamed('org.apache.kafka.clients.consumer.CooperativeStickyAssignor')).toBe(cooperativeStickyAssignor);
    expect(assignorNamed('org.apache.kafka.clients.consumer.StickyAssignor')).toBeUndefined();
  });

  it('rebalances cooperatively only when every assignor supports it, as Kafka\'s default range + cooperative-sticky does not', () => {
    expect(rebalanceProtocolOf([rangeAssignor, cooperativeStickyAssignor])).toBe('eager');
    expect(rebalanceProtocolOf([cooperativeStickyAssignor])).toBe('cooperative');
  });
});
