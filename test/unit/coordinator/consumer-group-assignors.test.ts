// The server assignors of KIP-848 groups: uniform balances within one partition and keeps what it
// can of the previous target; range hands out contiguous ranges per topic in member order.
import { describe, expect, it } from 'vitest';
import { countPartitions, rangeAssignor, uniformAssignor, type AssignorMember, type TopicPartitionMap } from '../../../daemon/coordinator/server-assignors.js';

const member = (memberId: string, topics: string[], previous: Record<string, number[]> = {}, instanceId: string | null = null): AssignorMember => ({
  memberId,
  instanceId,
  subscribedTopicIds: topics,
  previousTarget: new Map(Object.entries(previous).map(([t, ps]) => [t, new Set(ps)])),
});

const plain = (m: TopicPartitionMap): Record<string, number[]> => Object.fromEntries([...m].map(([t, s]) => [t, [...s].sort((a, b) => a - b)]));

function everyPartitionOnce(result: Map<string, TopicPartitionMap>, counts: Record<string, number>): void {
  const seen = new Set<string>();
  for (const assignment of result.values()) {
    for (const [t, ps] of assignment) {
      for (const p of ps) {
        expect(seen.has(`${t}:${p}`)).toBe(false);
        seen.add(`${t}:${p}`);
      }
    }
  }
  expect(seen.size).toBe(Object.values(counts).reduce((a, b) => a + b, 0));
}

describe('uniform assignor', () => {
  it('gives one member everything, then splits 6 partitions 3/3 moving only three of them', () => {
    const counts = new Map([['t', 6]]);
    const alone = uniformAssignor({ members: [member('a', ['t'])], partitionCounts: counts });
    expect(plain(alone.get('a')!)).toEqual({ t: [0, 1, 2, 3, 4, 5] });

    const two = uniformAssignor({ members: [member('a', ['t'], { t: [0, 1, 2, 3, 4, 5] }), member('b', ['t'])], partitionCounts: counts });
    everyPartitionOnce(two, { t: 6 });
    expect(countPartitions(two.get('a')!)).toBe(3);
    expect(countPartitions(two.get('b')!)).toBe(3);
    // Sticky: a keeps three of its own partitions, b only gets partitions a gave up.
    expect([...two.get('a')!.get('t')!].every((p) => p < 6)).toBe(true);
  });

  it('keeps each member within one partition of the others and sticks to the previous target when a third joins', () => {
    const counts = new Map([['t', 7], ['u', 3]]);
    const previous = uniformAssignor({ members: [member('a', ['t', 'u']), member('b', ['t', 'u'])], partitionCounts: counts });
    const three = uniformAssignor({
      members: [member('a', ['t', 'u'], plain(previous.get('a')!)), member('b', ['t', 'u'], plain(previous.get('b')!)), member('c', ['t', 'u'])],
      partitionCounts: counts,
    });
    everyPartitionOnce(three, { t: 7, u: 3 });
    const sizes = [...three.values()].map(countPartitions).sort();
    expect(sizes).toEqual([3, 3, 4]);
    // Only what c receives moved: a and b hold nothing they did not hold before.
    for (const id of ['a', 'b']) {
      for (const [t, ps] of three.get(id)!) for (const p of ps) expect(previous.get(id)!.get(t)?.has(p)).toBe(true);
    }
  });

  it('assigns a topic only to its subscribers and drops partitions that no longer exist', () => {
    const result = uniformAssignor({
      members: [member('a', ['t'], { t: [0, 1, 2, 3] }), member('b', ['u'])],
      partitionCounts: new Map([['t', 2], ['u', 2]]),
    });
    expect(plain(result.get('a')!)).toEqual({ t: [0, 1] });
    expect(plain(result.get('b')!)).toEqual({ u: [0, 1] });
  });
});

describe('range assignor', () => {
  it('splits each topic into contiguous ranges in member id order, the first members taking the remainder', () => {
    const result = rangeAssignor({ members: [member('m1', ['t1', 't2']), member('m0', ['t1', 't2'])], partitionCounts: new Map([['t1', 3], ['t2', 3]]) });
    expect(plain(result.get('m0')!)).toEqual({ t1: [0, 1], t2: [0, 1] });
    expect(plain(result.get('m1')!)).toEqual({ t1: [2], t2: [2] });
  });

  it('orders static members by instance id ahead of dynamic ones, and splits each topic among its own subscribers', () => {
    const result = rangeAssignor({
      members: [member('a', ['t']), member('z', ['t', 'u'], {}, 'i0')],
      partitionCounts: new Map([['t', 4], ['u', 2]]),
    });
    expect(plain(result.get('z')!)).toEqual({ t: [0, 1], u: [0, 1] });
    expect(plain(result.get('a')!)).toEqual({ t: [2, 3] });
  });
});
