// The group coordinator at the protocol level against a harness broker: each group member on its
// own connection, as consumers are, with tk's generated codecs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerConnection, api } from '../../src/client/connection.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { Writer, ZERO_UUID } from '../../src/protocol/primitives.js';
import { ConsumerProtocolSubscription } from '../../src/protocol/generated/clients/consumer-protocol-subscription.js';
import { DeleteGroupsRequest } from '../../src/protocol/generated/clients/delete-groups-request.js';
import { DeleteGroupsResponse } from '../../src/protocol/generated/clients/delete-groups-response.js';
import { DeleteTopicsRequest } from '../../src/protocol/generated/clients/delete-topics-request.js';
import { DeleteTopicsResponse } from '../../src/protocol/generated/clients/delete-topics-response.js';
import { DescribeGroupsRequest } from '../../src/protocol/generated/clients/describe-groups-request.js';
import { DescribeGroupsResponse } from '../../src/protocol/generated/clients/describe-groups-response.js';
import { FindCoordinatorRequest } from '../../src/protocol/generated/clients/find-coordinator-request.js';
import { FindCoordinatorResponse } from '../../src/protocol/generated/clients/find-coordinator-response.js';
import { HeartbeatRequest } from '../../src/protocol/generated/clients/heartbeat-request.js';
import { HeartbeatResponse } from '../../src/protocol/generated/clients/heartbeat-response.js';
import { JoinGroupRequest } from '../../src/protocol/generated/clients/join-group-request.js';
import { JoinGroupResponse } from '../../src/protocol/generated/clients/join-group-response.js';
import { LeaveGroupRequest } from '../../src/protocol/generated/clients/leave-group-request.js';
import { LeaveGroupResponse } from '../../src/protocol/generated/clients/leave-group-response.js';
import { ListGroupsRequest } from '../../src/protocol/generated/clients/list-groups-request.js';
import { ListGroupsResponse } from '../../src/protocol/generated/clients/list-groups-response.js';
import { MetadataRequest } from '../../src/protocol/generated/clients/metadata-request.js';
import { MetadataResponse } from '../../src/protocol/generated/clients/metadata-response.js';
import { OffsetCommitRequest } from '../../src/protocol/generated/clients/offset-commit-request.js';
import { OffsetCommitResponse } from '../../src/protocol/generated/clients/offset-commit-response.js';
import { OffsetDeleteRequest } from '../../src/protocol/generated/clients/offset-delete-request.js';
import { OffsetDeleteResponse } from '../../src/protocol/generated/clients/offset-delete-response.js';
import { OffsetFetchRequest } from '../../src/protocol/generated/clients/offset-fetch-request.js';
import { OffsetFetchResponse } from '../../src/protocol/generated/clients/offset-fetch-response.js';
import { SyncGroupRequest } from '../../src/protocol/generated/clients/sync-group-request.js';
import { SyncGroupResponse } from '../../src/protocol/generated/clients/sync-group-response.js';
import { startBroker, type RunningBroker } from '../harness/broker.js';
import { connectTo, eventually, mustCreateTopic, sleep, versionOf } from './raw-kafka.js';

const findCoordinatorApi = api(FindCoordinatorRequest, FindCoordinatorResponse);
const joinApi = api(JoinGroupRequest, JoinGroupResponse);
const syncApi = api(SyncGroupRequest, SyncGroupResponse);
const heartbeatApi = api(HeartbeatRequest, HeartbeatResponse);
const leaveApi = api(LeaveGroupRequest, LeaveGroupResponse);
const commitApi = api(OffsetCommitRequest, OffsetCommitResponse);
const fetchOffsetsApi = api(OffsetFetchRequest, OffsetFetchResponse);
const offsetDeleteApi = api(OffsetDeleteRequest, OffsetDeleteResponse);
const listGroupsApi = api(ListGroupsRequest, ListGroupsResponse);
const describeGroupsApi = api(DescribeGroupsRequest, DescribeGroupsResponse);
const deleteGroupsApi = api(DeleteGroupsRequest, DeleteGroupsResponse);
const metadataApi = api(MetadataRequest, MetadataResponse);
const deleteTopicsApi = api(DeleteTopicsRequest, DeleteTopicsResponse);

const SESSION_MS = 2000;
const COMMITTED_PARTITIONS = 6;
let broker: RunningBroker;
const connections: BrokerConnection[] = [];

beforeAll(async () => {
  broker = await startBroker({
    overrides: { 'offsets.topic.num.partitions': '5', 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '1000' },
  });
  // The topic the members commit to: offsets of topics or partitions that do not exist are refused.
  await mustCreateTopic(await connect(), 't', {}, COMMITTED_PARTITIONS);
});

afterAll(async () => {
  for (const c of connections) c.close();
  await broker.stop();
});

async function connect(clientId = 'group-test'): Promise<BrokerConnection> {
  const c = await connectTo(broker, clientId);
  connections.push(c);
  return c;
}

/** A consumer-protocol subscription (v0) to the topics, as the Java consumer sends it. */
function subscription(...topics: string[]): Buffer {
  const w = new Writer();
  w.int16(0);
  ConsumerProtocolSubscription.encode(w, { topics, userData: null, ownedPartitions: [], generationId: -1, rackId: null }, 0);
  return w.finish();
}

interface Member {
  connection: BrokerConnection;
  groupId: string;
  memberId: string;
  instanceId: string | null;
  topics: string[];
}

function joinRequest(m: Member): JoinGroupRequest {
  return {
    groupId: m.groupId,
    sessionTimeoutMs: SESSION_MS,
    rebalanceTimeoutMs: 10_000,
    memberId: m.memberId,
    groupInstanceId: m.instanceId,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription(...m.topics) }],
    reason: null,
  };
}

function join(m: Member, version?: number): Promise<JoinGroupResponse> {
  return m.connection.send(joinApi, version ?? versionOf(m.connection, JoinGroupRequest), joinRequest(m));
}

/** A new member: its id from MEMBER_ID_REQUIRED (or from the join itself for a static member), then the join. */
async function newMember(groupId: string, options: { instanceId?: string; topics?: string[] } = {}): Promise<{ member: Member; joined: Promise<JoinGroupResponse> }> {
  const member: Member = { connection: await connect(), groupId, memberId: '', instanceId: options.instanceId ?? null, topics: options.topics ?? ['t'] };
  // As a consumer does: find the coordinator first (this creates __consumer_offsets on first use).
  const found = await member.connection.send(findCoordinatorApi, 3, { key: groupId, keyType: 0, coordinatorKeys: [] });
  expect(found).toMatchObject({ errorCode: ErrorCode.NONE, nodeId: 1 });
  if (member.instanceId === null) {
    const first = await join(member);
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    member.memberId = first.memberId;
  }
  const joined = join(member).then((r) => {
    member.memberId = r.memberId;
    return r;
  });
  return { member, joined };
}

function sync(m: Member, generationId: number, assignments: { memberId: string; assignment: Buffer }[] = []): Promise<SyncGroupResponse> {
  return m.connection.send(syncApi, versionOf(m.connection, SyncGroupRequest), {
    groupId: m.groupId,
    generationId,
    memberId: m.memberId,
    groupInstanceId: m.instanceId,
    protocolType: 'consumer',
    protocolName: 'range',
    assignments,
  });
}

async function heartbeat(m: Member, generationId: number): Promise<number> {
  const r = await m.connection.send(heartbeatApi, versionOf(m.connection, HeartbeatRequest), { groupId: m.groupId, generationId, memberId: m.memberId, groupInstanceId: m.instanceId });
  return r.errorCode;
}

async function commit(c: BrokerConnection, groupId: string, generation: number, memberId: string, offsets: Record<string, number>, metadata = ''): Promise<number[]> {
  const r = await c.send(commitApi, versionOf(c, OffsetCommitRequest), {
    groupId,
    generationIdOrMemberEpoch: generation,
    memberId,
    groupInstanceId: null,
    retentionTimeMs: -1n,
    topics: [{ name: 't', partitions: Object.entries(offsets).map(([p, o]) => ({ partitionIndex: Number(p), committedOffset: BigInt(o), committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: metadata })) }],
  });
  return r.topics[0].partitions.map((p) => p.errorCode);
}

async function fetchCommitted(c: BrokerConnection, groupId: string, version = versionOf(c, OffsetFetchRequest)): Promise<Record<string, number>> {
  const r = await c.send(
    fetchOffsetsApi,
    version,
    version >= 8
      ? { groupId: '', topics: [], groups: [{ groupId, memberId: null, memberEpoch: -1, topics: null }], requireStable: true }
      : { groupId, topics: null, groups: [], requireStable: true },
  );
  const topics = version >= 8 ? r.groups[0].topics : r.topics;
  const out: Record<string, number> = {};
  for (const t of topics) for (const p of t.partitions) out[`${t.name}-${p.partitionIndex}`] = Number(p.committedOffset);
  return out;
}

async function listGroups(c: BrokerConnection, statesFilter: string[] = [], typesFilter: string[] = []) {
  const r = await c.send(listGroupsApi, versionOf(c, ListGroupsRequest), { statesFilter, typesFilter });
  return r.groups.map((g) => `${g.groupId}:${g.groupState}:${g.protocolType}:${g.groupType}`).sort();
}

/** Joins one member and completes its first generation with the given assignment. */
async function stableSingleMember(groupId: string, topics = ['t']): Promise<{ member: Member; generation: number }> {
  const { member, joined } = await newMember(groupId, { topics });
  const j = await joined;
  expect(j).toMatchObject({ errorCode: ErrorCode.NONE, leader: member.memberId });
  expect((await sync(member, j.generationId, [{ memberId: member.memberId, assignment: Buffer.from('a') }])).errorCode).toBe(ErrorCode.NONE);
  return { member, generation: j.generationId };
}

describe('group coordinator', () => {
  it('FindCoordinator creates __consumer_offsets (internal) and names this broker at every version', async () => {
    const c = await connect();
    const before = await c.send(metadataApi, 9, { topics: [{ topicId: ZERO_UUID, name: '__consumer_offsets' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
    expect(before.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    for (let v = 0; v <= versionOf(c, FindCoordinatorRequest); v++) {
      const r = await c.send(findCoordinatorApi, v, v < 4 ? { key: 'g-find', keyType: 0, coordinatorKeys: [] } : { key: '', keyType: 0, coordinatorKeys: ['g-find', 'other'] });
      if (v < 4) {
        expect(r).toMatchObject({ errorCode: ErrorCode.NONE, errorMessage: v === 0 ? '' : 'NONE', nodeId: 1, host: broker.host, port: broker.port });
      } else {
        expect(r.coordinators.map((x) => [x.key, x.errorCode, x.nodeId, x.host, x.port])).toEqual([
          ['g-find', 0, 1, broker.host, broker.port],
          ['other', 0, 1, broker.host, broker.port],
        ]);
      }
    }
    const txn = await c.send(findCoordinatorApi, 3, { key: 'tx', keyType: 1, coordinatorKeys: [] });
    expect(txn).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'The coordinator is not available.', nodeId: -1 });
    const meta = await c.send(metadataApi, 9, { topics: [{ topicId: ZERO_UUID, name: '__consumer_offsets' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
    expect(meta.topics[0]).toMatchObject({ errorCode: 0, isInternal: true });
    expect(meta.topics[0].partitions).toHaveLength(5);
  });

  it('joins, syncs, heartbeats and leaves; a second member triggers a rebalance', async () => {
    const { member: a, generation } = await stableSingleMember('g-basic');
    expect(await heartbeat(a, generation)).toBe(ErrorCode.NONE);
    expect(await heartbeat(a, generation + 7)).toBe(ErrorCode.ILLEGAL_GENERATION);

    const { member: b, joined: bJoined } = await newMember('g-basic');
    expect(await heartbeat(a, generation)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const [aj, bj] = await Promise.all([join(a), bJoined]);
    expect(aj).toMatchObject({ errorCode: 0, generationId: generation + 1, leader: a.memberId });
    expect(aj.members.map((m) => m.memberId).sort()).toEqual([a.memberId, b.memberId].sort());
    expect(bj).toMatchObject({ errorCode: 0, generationId: generation + 1, leader: a.memberId, members: [] });
    const [bs] = await Promise.all([
      sync(b, bj.generationId),
      sync(a, aj.generationId, [
        { memberId: a.memberId, assignment: Buffer.from('A') },
        { memberId: b.memberId, assignment: Buffer.from('B') },
      ]),
    ]);
    expect(bs).toMatchObject({ errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from('B') });

    const left = await b.connection.send(leaveApi, versionOf(b.connection, LeaveGroupRequest), { groupId: 'g-basic', memberId: '', members: [{ memberId: b.memberId, groupInstanceId: null, reason: 'done' }] });
    expect(left).toMatchObject({ errorCode: 0, members: [{ memberId: b.memberId, errorCode: 0 }] });
    expect(await heartbeat(a, aj.generationId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const v0 = await a.connection.send(leaveApi, 0, { groupId: 'g-basic', memberId: 'not-a-member', members: [] });
    expect(v0.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('expires a member that stops heartbeating within its session timeout', async () => {
    const { member: a } = await stableSingleMember('g-expiry');
    const { member: b, joined } = await newMember('g-expiry');
    const [aj] = await Promise.all([join(a), joined]);
    await Promise.all([sync(a, aj.generationId, []), sync(b, aj.generationId)]);
    // a keeps heartbeating; b goes silent and is removed after SESSION_MS.
    const started = Date.now();
    const rebalancing = await eventually('the silent member to be removed', 4 * SESSION_MS, async () => {
      const code = await heartbeat(a, aj.generationId);
      return code === ErrorCode.REBALANCE_IN_PROGRESS ? code : undefined;
    });
    expect(rebalancing).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(Date.now() - started).toBeGreaterThanOrEqual(SESSION_MS - 500);
    const again = await join(a);
    expect(again.members.map((m) => m.memberId)).toEqual([a.memberId]);
    expect(await heartbeat(b, aj.generationId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('keeps a static member across a rejoin and fences the instance it replaced', async () => {
    const { member: first, joined } = await newMember('g-static', { instanceId: 'instance-1' });
    const j = await joined;
    expect(j.memberId.startsWith('instance-1-')).toBe(true);
    await sync(first, j.generationId, [{ memberId: first.memberId, assignment: Buffer.from('mine') }]);
    const { member: second, joined: secondJoined } = await newMember('g-static', { instanceId: 'instance-1' });
    const sj = await secondJoined;
    expect(sj).toMatchObject({ errorCode: 0, generationId: j.generationId });
    expect(sj.memberId).not.toBe(j.memberId);
    expect(await heartbeat(first, j.generationId)).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(await heartbeat(second, j.generationId)).toBe(ErrorCode.NONE);
    expect((await sync(second, j.generationId)).assignment).toEqual(Buffer.from('mine'));
  });

  it('commits and fetches offsets with the generation checks of a group, and simple commits for an empty one', async () => {
    const { member, generation } = await stableSingleMember('g-commit');
    const c = member.connection;
    expect(await commit(c, 'g-commit', generation, member.memberId, { 0: 10, 1: 20 })).toEqual([0, 0]);
    expect(await commit(c, 'g-commit', generation + 1, member.memberId, { 0: 11 })).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(await commit(c, 'g-commit', generation, 'stranger', { 0: 11 })).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(await commit(c, 'g-commit', -1, '', { 0: 11 })).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(await commit(c, 'g-commit', generation, member.memberId, { 2: 5 }, 'x'.repeat(4097))).toEqual([ErrorCode.OFFSET_METADATA_TOO_LARGE]);
    expect(await fetchCommitted(c, 'g-commit')).toEqual({ 't-0': 10, 't-1': 20 });
    expect(await fetchCommitted(c, 'g-commit', 7)).toEqual({ 't-0': 10, 't-1': 20 });

    const simple = await connect();
    expect(await commit(simple, 'g-simple', -1, '', { 3: 33 })).toEqual([0]);
    // As Kafka's KafkaApis: a partition or topic that does not exist is answered UNKNOWN_TOPIC_OR_PARTITION, the rest committed.
    expect(await commit(simple, 'g-simple', -1, '', { 5: 55, [COMMITTED_PARTITIONS]: 1 })).toEqual([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0]);
    const unknownTopic = await simple.send(commitApi, versionOf(simple, OffsetCommitRequest), {
      groupId: 'g-simple',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [{ name: 'never-created', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: '' }] }],
    });
    expect(unknownTopic.topics).toEqual([{ name: 'never-created', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] }]);
    const asked = await simple.send(fetchOffsetsApi, 1, { groupId: 'g-simple', topics: [{ name: 't', partitionIndexes: [3, 4] }], groups: [], requireStable: false });
    expect(asked.topics[0].partitions.map((p) => [p.partitionIndex, Number(p.committedOffset), p.metadata, p.errorCode])).toEqual([
      [3, 33, '', 0],
      [4, -1, '', 0],
    ]);
  });

  it('lists groups by state and type, describes members, deletes empty groups and offsets not subscribed to', async () => {
    const c = await connect();
    const { member, generation } = await stableSingleMember('g-admin', ['t']);
    await commit(member.connection, 'g-admin', generation, member.memberId, { 0: 1 });
    await commit(c, 'g-admin-empty', -1, '', { 0: 5 });
    expect(await listGroups(c, ['stable'])).toContain('g-admin:Stable:consumer:classic');
    expect(await listGroups(c, ['Empty'])).toContain('g-admin-empty:Empty::classic');
    expect(await listGroups(c, [], ['consumer'])).toEqual([]);
    expect((await listGroups(c, [], ['Classic'])).length).toBeGreaterThanOrEqual(2);

    const described = await c.send(describeGroupsApi, versionOf(c, DescribeGroupsRequest), { groups: ['g-admin', 'g-none'], includeAuthorizedOperations: false });
    expect(described.groups[0]).toMatchObject({ errorCode: 0, groupId: 'g-admin', groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
    expect(described.groups[0].members).toEqual([
      { memberId: member.memberId, groupInstanceId: null, clientId: 'group-test', clientHost: '/127.0.0.1', memberMetadata: subscription('t'), memberAssignment: Buffer.from('a') },
    ]);
    expect(described.groups[1]).toMatchObject({ errorCode: 0, groupId: 'g-none', groupState: 'Dead', protocolType: '', members: [] });

    const deleteOffsets = (groupId: string) =>
      c.send(offsetDeleteApi, 0, { groupId, topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }] });
    expect((await deleteOffsets('g-admin')).topics[0].partitions[0].errorCode).toBe(ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);
    expect(await deleteOffsets('g-admin-empty')).toMatchObject({ errorCode: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }] }] });
    expect(await fetchCommitted(c, 'g-admin-empty')).toEqual({});
    expect((await deleteOffsets('g-missing')).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);

    const deleted = await c.send(deleteGroupsApi, versionOf(c, DeleteGroupsRequest), { groupsNames: ['g-admin', 'g-admin-empty', 'g-missing'] });
    expect(deleted.results.map((r) => [r.groupId, r.errorCode])).toEqual([
      ['g-admin', ErrorCode.NON_EMPTY_GROUP],
      ['g-admin-empty', 0],
      ['g-missing', ErrorCode.GROUP_ID_NOT_FOUND],
    ]);
    expect(await listGroups(c)).not.toContain('g-admin-empty:Empty::classic');
  });

  it('answers COORDINATOR_NOT_AVAILABLE while fewer brokers are alive than offsets.topic.replication.factor', async () => {
    const lonely = await startBroker({ overrides: { 'offsets.topic.replication.factor': '3' } });
    try {
      const c = await connectTo(lonely, 'rf-3');
      connections.push(c);
      expect(await c.send(findCoordinatorApi, 3, { key: 'g', keyType: 0, coordinatorKeys: [] })).toMatchObject({
        errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
        errorMessage: 'The coordinator is not available.',
        nodeId: -1,
        host: '',
        port: -1,
      });
      const batched = await c.send(findCoordinatorApi, versionOf(c, FindCoordinatorRequest), { key: '', keyType: 0, coordinatorKeys: ['g'] });
      expect(batched.coordinators).toEqual([{ key: 'g', nodeId: -1, host: '', port: -1, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: '' }]);
    } finally {
      await lonely.stop();
    }
  });

  it('creates __consumer_offsets on a first OffsetCommit from a client that skipped FindCoordinator', async () => {
    const fresh = await startBroker();
    try {
      const c = await connectTo(fresh, 'commit-first');
      connections.push(c);
      await mustCreateTopic(c, 't');
      const first = await commit(c, 'g-first', -1, '', { 0: 3 });
      expect([ErrorCode.NONE, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]).toContain(first[0]);
      await eventually('the commit to succeed', 10_000, async () => ((await commit(c, 'g-first', -1, '', { 0: 3 }))[0] === ErrorCode.NONE ? true : undefined));
      expect(await fetchCommitted(c, 'g-first')).toEqual({ 't-0': 3 });
    } finally {
      await fresh.stop();
    }
  });

  it('removes the committed offsets of a topic when the topic is deleted', async () => {
    const c = await connect();
    await mustCreateTopic(c, 'doomed');
    const { member, generation } = await stableSingleMember('g-doomed');
    expect(await commit(member.connection, 'g-doomed', generation, member.memberId, { 0: 4 })).toEqual([0]);
    const doomed = await member.connection.send(commitApi, versionOf(c, OffsetCommitRequest), {
      groupId: 'g-doomed',
      generationIdOrMemberEpoch: generation,
      memberId: member.memberId,
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [{ name: 'doomed', partitions: [{ partitionIndex: 0, committedOffset: 9n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: '' }] }],
    });
    expect(doomed.topics[0].partitions[0].errorCode).toBe(0);
    expect(await fetchCommitted(c, 'g-doomed')).toEqual({ 't-0': 4, 'doomed-0': 9 });
    const deleted = await c.send(deleteTopicsApi, 5, { topics: [], topicNames: ['doomed'], timeoutMs: 10_000 });
    expect(deleted.responses[0].errorCode).toBe(0);
    await eventually('the offsets of the deleted topic to go', 10_000, async () => {
      const offsets = await fetchCommitted(c, 'g-doomed');
      return 'doomed-0' in offsets ? undefined : offsets;
    });
    expect(await fetchCommitted(c, 'g-doomed')).toEqual({ 't-0': 4 });
  });

  it('keeps committed offsets and groups across a broker restart, and forgets deleted ones', async () => {
    const { member, generation } = await stableSingleMember('g-restart');
    expect(await commit(member.connection, 'g-restart', generation, member.memberId, { 0: 100, 5: 500 })).toEqual([0, 0]);
    const c = await connect();
    await commit(c, 'g-gone', -1, '', { 0: 1 });
    await c.send(deleteGroupsApi, versionOf(c, DeleteGroupsRequest), { groupsNames: ['g-gone'] });

    broker = await broker.restart();
    const after = await connect();
    const loaded = await eventually('the offsets to be loaded', 10_000, async () => {
      const offsets = await fetchCommitted(after, 'g-restart').catch(() => undefined);
      return offsets && Object.keys(offsets).length > 0 ? offsets : undefined;
    });
    expect(loaded).toEqual({ 't-0': 100, 't-5': 500 });
    expect(await fetchCommitted(after, 'g-gone')).toEqual({});
    // The group comes back Stable with its member, who must heartbeat within its session.
    expect(await listGroups(after, ['Stable'])).toContain('g-restart:Stable:consumer:classic');
    await sleep(SESSION_MS + 1000);
    expect(await listGroups(after, [], [])).toContain('g-restart:Empty:consumer:classic');
  });
});
