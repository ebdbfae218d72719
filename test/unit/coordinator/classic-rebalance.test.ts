// The classic group state machine on a hand-moved clock: joins, the initial delay, leader
// election, protocol votes, syncs, heartbeats, session expiry, leaving and static members.
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/protocol/errors.js';
import type { JoinGroupRequest } from '../../../src/protocol/generated/clients/join-group-request.js';
import type { JoinGroupResponse } from '../../../src/protocol/generated/clients/join-group-response.js';
import { ClassicGroup } from '../../../daemon/coordinator/classic-group.js';
import { ClassicRebalance } from '../../../daemon/coordinator/classic-rebalance.js';
import { CoordinatorTimers } from '../../../daemon/coordinator/timers.js';

const SESSION_MS = 10_000;
const REBALANCE_MS = 30_000;
const INITIAL_DELAY_MS = 3_000;

function setup() {
  let now = 1_000_000;
  const clock = { now: () => now };
  const timers = new CoordinatorTimers(clock, false);
  const persisted: { generation: number; members: string[] }[] = [];
  const rebalance = new ClassicRebalance({
    clock,
    timers,
    settings: { initialRebalanceDelayMs: INITIAL_DELAY_MS, minSessionTimeoutMs: 6000, maxSessionTimeoutMs: 300_000, maxSize: 3 },
    log: { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} } as never,
    persistGroup: async (g) => {
      persisted.push({ generation: g.generationId, members: [...g.members.keys()] });
      return ErrorCode.NONE;
    },
  });
  const group = new ClassicGroup('g', now);
  /** Moves the clock and runs what fell due; lets settled promises' callbacks run. */
  const advance = async (ms: number): Promise<void> => {
    now += ms;
    timers.fireExpired();
    await new Promise((resolve) => setImmediate(resolve));
  };
  const join = (memberId: string, overrides: Partial<JoinGroupRequest> = {}, apiVersion = 5): Promise<JoinGroupResponse> =>
    rebalance.join(
      group,
      {
        groupId: 'g',
        sessionTimeoutMs: SESSION_MS,
        rebalanceTimeoutMs: REBALANCE_MS,
        memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: Buffer.from(memberId || 'new') }],
        reason: null,
        ...overrides,
      },
      { apiVersion, clientId: 'client', clientHost: '/127.0.0.1' },
    );
  const sync = (memberId: string, generationId: number, assignments: { memberId: string; assignment: Buffer }[] = []) =>
    rebalance.sync(group, { groupId: 'g', generationId, memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments });
  return { group, rebalance, persisted, advance, join, sync };
}

/**
 * Joins a fresh member (v4+: twice, the second time with the id it was given). The pending join
 * is wrapped, since awaiting a promise of a promise would wait for the join to complete.
 */
async function joinNew(t: ReturnType<typeof setup>, overrides: Partial<JoinGroupRequest> = {}): Promise<{ pending: Promise<JoinGroupResponse> }> {
  const first = await t.join('', overrides);
  expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  expect(first.memberId).toMatch(/^client-[0-9a-f-]{36}$/);
  return { pending: t.join(first.memberId, overrides) };
}

describe('classic group rebalance', { timeout: 5000 }, () => {
  it('asks a new member for its id, waits the initial delay, then elects it leader and completes on its sync', async () => {
    const t = setup();
    const { pending } = await joinNew(t);
    expect(t.group.state).toBe('PreparingRebalance');
    await t.advance(INITIAL_DELAY_MS - 1);
    expect(t.group.state).toBe('PreparingRebalance');
    await t.advance(1);
    const joined = await pending;
    expect(joined).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: joined.memberId });
    expect(joined.members).toEqual([{ memberId: joined.memberId, groupInstanceId: null, metadata: Buffer.from(joined.memberId) }]);
    expect(t.group.state).toBe('CompletingRebalance');

    const synced = await t.sync(joined.memberId, 1, [{ memberId: joined.memberId, assignment: Buffer.from('all') }]);
    expect(synced).toMatchObject({ errorCode: ErrorCode.NONE, assignment: Buffer.from('all') });
    expect(t.group.state).toBe('Stable');
    expect(t.persisted).toEqual([{ generation: 1, members: [joined.memberId] }]);
    expect(t.rebalance.heartbeat(t.group, joined.memberId, null, 1)).toBe(ErrorCode.NONE);
    expect(t.rebalance.heartbeat(t.group, joined.memberId, null, 0)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(t.rebalance.heartbeat(t.group, 'nobody', null, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('rebalances when a second member joins: the first hears REBALANCE_IN_PROGRESS and both get generation 2', async () => {
    const t = setup();
    const { pending: firstJoin } = await joinNew(t);
    await t.advance(INITIAL_DELAY_MS);
    const first = await firstJoin;
    await t.sync(first.memberId, 1, [{ memberId: first.memberId, assignment: Buffer.from('a') }]);

    const { pending: secondJoin } = await joinNew(t);
    expect(t.group.state).toBe('PreparingRebalance');
    expect(t.rebalance.heartbeat(t.group, first.memberId, null, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const firstAgain = t.join(first.memberId);
    const [a, b] = await Promise.all([firstAgain, secondJoin]);
    expect(a).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2, leader: first.memberId });
    expect(a.members.map((m) => m.memberId).sort()).toEqual([first.memberId, b.memberId].sort());
    expect(b).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2, leader: first.memberId, members: [] });

    // The follower's sync waits for the leader's assignment.
    const followerSync = t.sync(b.memberId, 2);
    await t.sync(a.memberId, 2, [
      { memberId: a.memberId, assignment: Buffer.from('p0') },
      { memberId: b.memberId, assignment: Buffer.from('p1') },
    ]);
    expect((await followerSync).assignment).toEqual(Buffer.from('p1'));
    expect(await t.sync(b.memberId, 1)).toMatchObject({ errorCode: ErrorCode.ILLEGAL_GENERATION });
  });

  it('removes a member whose session expires and rebalances the others without it', async () => {
    const t = setup();
    const { pending: aJoin } = await joinNew(t);
    const { pending: bJoin } = await joinNew(t);
    // A member joining during the initial delay buys the group one more delay.
    await t.advance(INITIAL_DELAY_MS);
    expect(t.group.state).toBe('PreparingRebalance');
    await t.advance(INITIAL_DELAY_MS);
    const [a, b] = await Promise.all([aJoin, bJoin]);
    const leader = a.leader;
    const follower = leader === a.memberId ? b.memberId : a.memberId;
    await Promise.all([t.sync(follower, 1), t.sync(leader, 1, [])]);
    expect(t.group.state).toBe('Stable');

    // The leader keeps heartbeating; the follower goes silent.
    await t.advance(SESSION_MS / 2);
    expect(t.rebalance.heartbeat(t.group, leader, null, 1)).toBe(ErrorCode.NONE);
    await t.advance(SESSION_MS / 2);
    expect(t.group.members.has(follower)).toBe(false);
    expect(t.group.state).toBe('PreparingRebalance');
    expect(t.rebalance.heartbeat(t.group, leader, null, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoined = await t.join(leader);
    expect(rejoined).toMatchObject({ generationId: 2, leader, members: [{ memberId: leader }] });
  });

  it('goes Empty with a new generation, written down, when the last member leaves', async () => {
    const t = setup();
    const { pending: join } = await joinNew(t);
    await t.advance(INITIAL_DELAY_MS);
    const joined = await join;
    await t.sync(joined.memberId, 1, []);
    expect(t.rebalance.leave(t.group, [{ memberId: joined.memberId, groupInstanceId: null, reason: null }])).toEqual([
      { memberId: joined.memberId, groupInstanceId: null, errorCode: ErrorCode.NONE },
    ]);
    await t.advance(0);
    expect(t.group.state).toBe('Empty');
    expect(t.group.generationId).toBe(2);
    expect(t.persisted.at(-1)).toEqual({ generation: 2, members: [] });
    expect(t.rebalance.leave(t.group, [{ memberId: 'gone', groupInstanceId: null, reason: null }])[0].errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('chooses the protocol most members prefer among those all support', async () => {
    const t = setup();
    const p = (name: string) => ({ name, metadata: Buffer.from(name) });
    const joins = [
      (await joinNew(t, { protocols: [p('range'), p('roundrobin')] })).pending,
      (await joinNew(t, { protocols: [p('roundrobin'), p('range')] })).pending,
      (await joinNew(t, { protocols: [p('sticky'), p('roundrobin'), p('range')] })).pending,
    ];
    await t.advance(2 * INITIAL_DELAY_MS);
    await t.advance(INITIAL_DELAY_MS);
    const answers = await Promise.all(joins);
    expect(new Set(answers.map((a) => a.protocolName))).toEqual(new Set(['roundrobin']));
  });

  it('refuses a protocol type or protocols the group does not share, and a fourth member of a group of at most 3', async () => {
    const t = setup();
    const { pending: join } = await joinNew(t);
    expect((await t.join('', { protocolType: 'connect' })).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await t.join('', { protocols: [{ name: 'other', metadata: Buffer.alloc(0) }] })).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    await joinNew(t);
    await joinNew(t);
    expect((await t.join('')).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    await t.advance(2 * INITIAL_DELAY_MS);
    await t.advance(INITIAL_DELAY_MS);
    expect((await join).errorCode).toBe(ErrorCode.NONE);
    expect(t.rebalance.validateJoin({ groupId: 'g', sessionTimeoutMs: 5999 } as JoinGroupRequest)).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect(t.rebalance.validateJoin({ groupId: '', sessionTimeoutMs: SESSION_MS } as JoinGroupRequest)).toBe(ErrorCode.INVALID_GROUP_ID);
  });

  it('lets a static member rejoin without a rebalance and fences the instance it replaced', async () => {
    const t = setup();
    const staticJoin = { groupInstanceId: 'instance-1' };
    const first = t.join('', staticJoin);
    await t.advance(INITIAL_DELAY_MS);
    const joined = await first;
    expect(joined.memberId).toMatch(/^instance-1-/);
    await t.sync(joined.memberId, 1, [{ memberId: joined.memberId, assignment: Buffer.from('mine') }]);

    const again = await t.join('', staticJoin);
    expect(again).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1 });
    expect(again.memberId).not.toBe(joined.memberId);
    expect(t.group.state).toBe('Stable');
    expect(t.rebalance.heartbeat(t.group, joined.memberId, 'instance-1', 1)).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(t.rebalance.heartbeat(t.group, again.memberId, 'instance-1', 1)).toBe(ErrorCode.NONE);
    expect((await t.sync(again.memberId, 1)).assignment).toEqual(Buffer.from('mine'));
    expect(t.persisted.at(-1)).toEqual({ generation: 1, members: [again.memberId] });
  });
});
