// The KIP-848 protocol on a hand-moved clock: members join, the target moves, partitions change
// hands only after the holder revokes them, epochs move as Kafka's, sessions expire, members leave,
// and the records written replay into the same group.
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/protocol/errors.js';
import type { ConsumerGroupHeartbeatRequest } from '../../../src/protocol/generated/clients/consumer-group-heartbeat-request.js';
import type { ConsumerGroupHeartbeatResponse } from '../../../src/protocol/generated/clients/consumer-group-heartbeat-response.js';
import { EMPTY_IMAGE, type MetadataImage } from '../../../daemon/controller/metadata-image.js';
import { ConsumerGroup } from '../../../daemon/coordinator/consumer-group.js';
import { ConsumerGroupProtocol } from '../../../daemon/coordinator/consumer-group-protocol.js';
import { decodeCoordinatorRecord, encodeCoordinatorRecord, type CoordinatorRecord } from '../../../daemon/coordinator/coordinator-records.js';
import { ClassicGroup } from '../../../daemon/coordinator/classic-group.js';
import { CoordinatorTimers } from '../../../daemon/coordinator/timers.js';

const SESSION_MS = 45_000;
const TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';

function topicImage(partitions: number): MetadataImage {
  const topic = {
    name: 't',
    topicId: TOPIC_ID,
    partitions: new Map(Array.from({ length: partitions }, (_, i) => [i, { partitionId: i, replicas: [1], isr: [1], addingReplicas: [], removingReplicas: [], leader: 1, leaderEpoch: 0, partitionEpoch: 0 }])),
  };
  return { ...EMPTY_IMAGE, topicsByName: new Map([['t', topic]]), topicsById: new Map([[TOPIC_ID, topic]]) };
}

function setup(partitions = 6) {
  let now = 1_000_000;
  let image = topicImage(partitions);
  const clock = { now: () => now };
  const timers = new CoordinatorTimers(clock, false);
  const written: CoordinatorRecord[] = [];
  const groups = new Map<string, ConsumerGroup | ClassicGroup>();
  const coordinator = {
    groups,
    write: async (_groupId: string, records: CoordinatorRecord[]) => {
      // Through the real codecs, so what is applied is what a reload reads.
      for (const r of records) {
        const { key, value } = encodeCoordinatorRecord(r);
        written.push(decodeCoordinatorRecord(key, value)!);
      }
      return ErrorCode.NONE;
    },
    classic: { unload: () => {} },
  };
  const protocol = new ConsumerGroupProtocol({
    clock,
    timers,
    settings: { enabled: true, sessionTimeoutMs: SESSION_MS, heartbeatIntervalMs: 5000, maxSize: 3 },
    log: { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} } as never,
    image: () => image,
    coordinator: coordinator as never,
  });
  const owned = (r: ConsumerGroupHeartbeatResponse | undefined) => r?.assignment?.topicPartitions.map((t) => ({ topicId: t.topicId, partitions: t.partitions })) ?? [];
  const request = (overrides: Partial<ConsumerGroupHeartbeatRequest>): ConsumerGroupHeartbeatRequest => ({
    groupId: 'g',
    memberId: '',
    memberEpoch: 0,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: -1,
    subscribedTopicNames: null,
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: null,
    ...overrides,
  });
  const join = (memberId: string, extra: Partial<ConsumerGroupHeartbeatRequest> = {}) =>
    protocol.heartbeat(request({ memberId, memberEpoch: 0, rebalanceTimeoutMs: 30_000, subscribedTopicNames: ['t'], topicPartitions: [], ...extra }), 'client', '/127.0.0.1');
  const beat = (memberId: string, memberEpoch: number, ownedPartitions: { topicId: string; partitions: number[] }[] | null = null) =>
    protocol.heartbeat(request({ memberId, memberEpoch, topicPartitions: ownedPartitions }), 'client', '/127.0.0.1');
  const advance = async (ms: number) => {
    now += ms;
    timers.fireExpired();
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  const group = () => groups.get('g') as ConsumerGroup;
  return { protocol, join, beat, advance, group, owned, written, groups, setImage: (p: number) => (image = topicImage(p)), clock };
}

const partitionsOf = (r: ConsumerGroupHeartbeatResponse) => r.assignment?.topicPartitions.flatMap((t) => t.partitions).sort((a, b) => a - b);

describe('consumer group protocol', () => {
  it('moves partitions to a new member only after the holder revokes them, with Kafka epochs and states', async () => {
    const s = setup();
    const a1 = await s.join('a');
    expect(a1).toMatchObject({ errorCode: ErrorCode.NONE, memberId: 'a', memberEpoch: 1, heartbeatIntervalMs: 5000 });
    expect(partitionsOf(a1)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(s.group().state).toBe('Stable');

    const b1 = await s.join('b');
    // Everything b should get is still a's: b is at epoch 2 with nothing yet.
    expect(b1.memberEpoch).toBe(2);
    expect(partitionsOf(b1)).toEqual([]);
    expect(s.group().state).toBe('Reconciling');

    // a is asked to revoke three partitions and stays at epoch 1 until it has.
    const a2 = await s.beat('a', 1, s.owned(a1));
    expect(a2.memberEpoch).toBe(1);
    const kept = partitionsOf(a2)!;
    expect(kept).toHaveLength(3);
    const b2 = await s.beat('b', 2, []);
    expect(partitionsOf(b2) ?? []).toEqual([]);

    // a acknowledges: it moves to epoch 2, then b receives the released partitions.
    const a3 = await s.beat('a', 1, s.owned(a2));
    expect(a3.memberEpoch).toBe(2);
    const b3 = await s.beat('b', 2, []);
    const taken = partitionsOf(b3)!;
    expect(taken).toHaveLength(3);
    expect(taken.filter((p) => kept.includes(p))).toEqual([]);
    expect(s.group().state).toBe('Stable');
    expect(s.group().groupEpoch).toBe(2);
    expect(s.group().assignmentEpoch).toBe(2);
  });

  it('fences wrong epochs and unknown members as Kafka does', async () => {
    const s = setup();
    await s.join('a');
    expect(await s.beat('a', 5, [])).toMatchObject({ errorCode: ErrorCode.FENCED_MEMBER_EPOCH });
    expect(await s.beat('nobody', 1, [])).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, errorMessage: 'Member nobody is not a member of group g.' });
    expect(await s.join('x', { serverAssignor: 'sticky' })).toMatchObject({
      errorCode: ErrorCode.UNSUPPORTED_ASSIGNOR,
      errorMessage: 'ServerAssignor sticky is not supported. Supported assignors: uniform, range.',
    });
    expect(await s.join('x', { subscribedTopicNames: [] })).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'SubscribedTopicNames must be set in first request.' });
    expect(await s.beat('a', -3)).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'MemberEpoch is invalid.' });
  });

  it('expires a silent member after the session timeout and gives its partitions to the other', async () => {
    const s = setup();
    const a1 = await s.join('a');
    await s.join('b');
    const a2 = await s.beat('a', 1, s.owned(a1));
    await s.beat('a', 1, s.owned(a2));
    await s.advance(SESSION_MS - 1000);
    await s.beat('a', 2, null);
    await s.advance(2000);
    // b never heartbeat again: fenced, and the group epoch moves on.
    expect([...s.group().members.keys()]).toEqual(['a']);
    expect(s.group().groupEpoch).toBe(3);
    expect(s.group().state).toBe('Assigning');
    const a4 = await s.beat('a', 2, null);
    expect(a4.memberEpoch).toBe(3);
    expect(partitionsOf(a4)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('fences a member that does not revoke within its rebalance timeout, then gives its partitions away', async () => {
    const s = setup();
    const a1 = await s.join('a', { rebalanceTimeoutMs: 10_000 });
    await s.join('b');
    // a is told to revoke, then keeps heartbeating while still reporting every partition.
    await s.beat('a', 1, s.owned(a1));
    await s.advance(5000);
    expect((await s.beat('a', 1, s.owned(a1))).memberEpoch).toBe(1);
    await s.beat('b', 2, []);
    await s.advance(5001);
    expect([...s.group().members.keys()]).toEqual(['b']);
    expect(await s.beat('a', 1, s.owned(a1))).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID });
    const b = await s.beat('b', 2, []);
    expect(b.memberEpoch).toBe(3);
    expect(partitionsOf(b)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('lets a member leave with epoch -1 and a static member step out with -2', async () => {
    const s = setup();
    await s.join('a');
    await s.join('s', { instanceId: 'i1' });
    // While its holder is active, nobody else may join with the instance id.
    expect(await s.join('s3', { instanceId: 'i1' })).toMatchObject({ errorCode: ErrorCode.UNRELEASED_INSTANCE_ID });
    expect(await s.beat('a', -1)).toMatchObject({ errorCode: ErrorCode.NONE, memberId: 'a', memberEpoch: -1 });
    expect([...s.group().members.keys()]).toEqual(['s']);
    const left = await s.protocol.heartbeat(
      { groupId: 'g', memberId: 's', memberEpoch: -2, instanceId: 'i1', rackId: null, rebalanceTimeoutMs: -1, subscribedTopicNames: null, subscribedTopicRegex: null, serverAssignor: null, topicPartitions: null },
      'c',
      'h',
    );
    expect(left).toMatchObject({ errorCode: ErrorCode.NONE, memberEpoch: -2 });
    expect(s.group().members.get('s')?.memberEpoch).toBe(-2);
    // Its next incarnation takes the instance id over with the partitions it was assigned (and,
    // since a left meanwhile, a's as well).
    const target = s.group().targetAssignment.get('s')!.get(TOPIC_ID)!;
    expect(target.size).toBe(3);
    const other = await s.join('s2', { instanceId: 'i1' });
    expect(other.errorCode).toBe(ErrorCode.NONE);
    expect([...s.group().members.keys()]).toEqual(['s2']);
    expect([...s.group().targetAssignment.get('s2')!.get(TOPIC_ID)!].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('replaces a static member that stepped out without a new group epoch', async () => {
    const s = setup();
    await s.join('s', { instanceId: 'i1' });
    const leave = { groupId: 'g', memberId: 's', memberEpoch: -2, instanceId: 'i1', rackId: null, rebalanceTimeoutMs: -1, subscribedTopicNames: null, subscribedTopicRegex: null, serverAssignor: null, topicPartitions: null };
    await s.protocol.heartbeat(leave, 'c', 'h');
    const back = await s.join('s2', { instanceId: 'i1' });
    expect(back).toMatchObject({ errorCode: ErrorCode.NONE, memberId: 's2', memberEpoch: 1 });
    expect(partitionsOf(back)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(s.group().groupEpoch).toBe(1);
    expect([...s.group().members.keys()]).toEqual(['s2']);
    // The old incarnation is fenced by the new one.
    expect(await s.protocol.heartbeat({ ...leave, memberEpoch: 1 }, 'c', 'h')).toMatchObject({
      errorCode: ErrorCode.FENCED_INSTANCE_ID,
      errorMessage: 'Static member s with instance id i1 was fenced by member s2.',
    });
  });

  it('bumps the epoch when a subscribed topic gains partitions', async () => {
    const s = setup(2);
    const a1 = await s.join('a');
    expect(partitionsOf(a1)).toEqual([0, 1]);
    s.setImage(4);
    const a2 = await s.beat('a', 1, s.owned(a1));
    expect(a2.memberEpoch).toBe(2);
    expect(partitionsOf(a2)).toEqual([0, 1, 2, 3]);
  });

  it('refuses a consumer member on a classic group in use, and a full group', async () => {
    const s = setup();
    const classic = new ClassicGroup('g', 0);
    classic.transitionTo('Stable', 0);
    s.groups.set('g', classic);
    expect(await s.join('a')).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: 'Group g is not a consumer group' });
    s.groups.delete('g');
    for (const id of ['a', 'b', 'c']) await s.join(id);
    expect(await s.join('d')).toMatchObject({ errorCode: ErrorCode.GROUP_MAX_SIZE_REACHED });
  });

  it('writes records that replay into the same group', async () => {
    const s = setup();
    const a1 = await s.join('a');
    await s.join('b');
    await s.beat('a', 1, s.owned(a1));
    const reloaded = new ConsumerGroup('g', 0);
    for (const r of s.written) if (r.type === 'consumer') reloaded.replay(r.record, 0);
    const live = s.group();
    expect(reloaded.groupEpoch).toBe(live.groupEpoch);
    expect(reloaded.assignmentEpoch).toBe(live.assignmentEpoch);
    expect(reloaded.state).toBe(live.state);
    expect([...reloaded.members.values()]).toEqual([...live.members.values()]);
    expect(reloaded.targetAssignment).toEqual(live.targetAssignment);
  });
});
