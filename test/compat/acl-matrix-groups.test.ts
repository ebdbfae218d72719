// Authorization of the group APIs, as Kafka's KafkaApis checks it, against one broker with the
// ACL authorizer on: real group consumers (kafka-python, confluent-kafka, kcat -G) succeed with
// READ on their group and topic and surface the broker's refusal without; every group API answers
// Kafka's exact error codes, in Kafka's places, through tk's own connection and codecs. ACLs are
// made with CreateAcls as the super user admin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerConnection, api } from '../../src/client/connection.js';
import { AclOperation, AclPermissionType, PatternType, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ConsumerGroupDescribeRequest } from '../../src/protocol/generated/clients/consumer-group-describe-request.js';
import { ConsumerGroupDescribeResponse } from '../../src/protocol/generated/clients/consumer-group-describe-response.js';
import { ConsumerGroupHeartbeatRequest } from '../../src/protocol/generated/clients/consumer-group-heartbeat-request.js';
import { ConsumerGroupHeartbeatResponse } from '../../src/protocol/generated/clients/consumer-group-heartbeat-response.js';
import { CreateAclsRequest } from '../../src/protocol/generated/clients/create-acls-request.js';
import { CreateAclsResponse } from '../../src/protocol/generated/clients/create-acls-response.js';
import { DeleteGroupsRequest } from '../../src/protocol/generated/clients/delete-groups-request.js';
import { DeleteGroupsResponse } from '../../src/protocol/generated/clients/delete-groups-response.js';
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
import { OffsetCommitRequest } from '../../src/protocol/generated/clients/offset-commit-request.js';
import { OffsetCommitResponse } from '../../src/protocol/generated/clients/offset-commit-response.js';
import { OffsetDeleteRequest } from '../../src/protocol/generated/clients/offset-delete-request.js';
import { OffsetDeleteResponse } from '../../src/protocol/generated/clients/offset-delete-response.js';
import { OffsetFetchRequest } from '../../src/protocol/generated/clients/offset-fetch-request.js';
import { OffsetFetchResponse } from '../../src/protocol/generated/clients/offset-fetch-response.js';
import { SyncGroupRequest } from '../../src/protocol/generated/clients/sync-group-request.js';
import { SyncGroupResponse } from '../../src/protocol/generated/clients/sync-group-response.js';
import { startAclBroker, type AclBroker, type AclUser } from '../harness/acl-broker.js';
import { runPython, runTool } from '../harness/broker.js';
import { mustCreateTopic, mustProduce, textBatch } from '../integration/raw-kafka.js';

const createAclsApi = api(CreateAclsRequest, CreateAclsResponse);
const findCoordinatorApi = api(FindCoordinatorRequest, FindCoordinatorResponse);
const joinApi = api(JoinGroupRequest, JoinGroupResponse);
const syncApi = api(SyncGroupRequest, SyncGroupResponse);
const heartbeatApi = api(HeartbeatRequest, HeartbeatResponse);
const leaveApi = api(LeaveGroupRequest, LeaveGroupResponse);
const commitApi = api(OffsetCommitRequest, OffsetCommitResponse);
const fetchOffsetsApi = api(OffsetFetchRequest, OffsetFetchResponse);
const offsetDeleteApi = api(OffsetDeleteRequest, OffsetDeleteResponse);
const describeGroupsApi = api(DescribeGroupsRequest, DescribeGroupsResponse);
const listGroupsApi = api(ListGroupsRequest, ListGroupsResponse);
const deleteGroupsApi = api(DeleteGroupsRequest, DeleteGroupsResponse);
const cgHeartbeatApi = api(ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse);
const cgDescribeApi = api(ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse);

const { GROUP_AUTHORIZATION_FAILED: GROUP_DENIED, TOPIC_AUTHORIZATION_FAILED: TOPIC_DENIED, NONE } = ErrorCode;
const NOT_REQUESTED = -2147483648;
const bits = (...operations: AclOperation[]): number => operations.reduce<number>((sum, op) => sum | (1 << op), 0);
/** A super user's operations on a group: every one Kafka lists for the resource type. */
const ALL_GROUP_OPERATIONS = bits(AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS);

let acl: AclBroker;
const connections = new Map<AclUser | 'anonymous', BrokerConnection>();

function as(user: AclUser | 'anonymous'): BrokerConnection {
  const connection = connections.get(user);
  if (!connection) throw new Error(`no connection for ${user}`);
  return connection;
}

/** CreateAcls as admin: one ALLOW or DENY for a principal from any host. */
async function grant(user: AclUser, resourceType: ResourceType, resourceName: string, operation: AclOperation, options: { prefixed?: boolean; deny?: boolean } = {}): Promise<void> {
  const response = await as('admin').send(createAclsApi, 3, {
    creations: [
      {
        resourceType,
        resourceName,
        resourcePatternType: options.prefixed ? PatternType.PREFIXED : PatternType.LITERAL,
        principal: `User:${user}`,
        host: '*',
        operation,
        permissionType: options.deny ? AclPermissionType.DENY : AclPermissionType.ALLOW,
      },
    ],
  });
  expect(response.results).toEqual([{ errorCode: NONE, errorMessage: '' }]);
}

/** A simple commit (generation -1, as the admin client's) of partition 0 of each topic. */
function commit(user: AclUser, groupId: string, topics: string[], offset = 1n): Promise<OffsetCommitResponse> {
  return as(user).send(commitApi, 9, {
    ...OffsetCommitRequest.defaults(),
    groupId,
    topics: topics.map((name) => ({ name, partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: '' }] })),
  });
}

const partitionCodes = (response: OffsetCommitResponse | OffsetDeleteResponse): [string, number][] =>
  response.topics.flatMap((t) => t.partitions.map((p): [string, number] => [`${t.name}-${p.partitionIndex}`, p.errorCode]));

function fetchOffsets(user: AclUser | 'anonymous', groups: { groupId: string; topics: string[] | null }[]): Promise<OffsetFetchResponse> {
  return as(user).send(fetchOffsetsApi, 8, {
    ...OffsetFetchRequest.defaults(),
    groups: groups.map((g) => ({ groupId: g.groupId, memberId: null, memberEpoch: -1, topics: g.topics === null ? null : g.topics.map((name) => ({ name, partitionIndexes: [0] })) })),
  });
}

async function listGroups(user: AclUser | 'anonymous'): Promise<string[]> {
  const response = await as(user).send(listGroupsApi, 5, ListGroupsRequest.defaults());
  expect(response.errorCode).toBe(NONE);
  return response.groups.map((g) => g.groupId).sort();
}

function pythonSettings(user: AclUser, library: 'kafka-python' | 'confluent'): string[] {
  const settings = library === 'kafka-python' ? acl.kafkaPythonConfig(user) : acl.confluentConfig(user);
  return Object.entries(settings).map(([k, v]) => `${k}=${v}`);
}

const SCRIPTS = { 'kafka-python': 'acl_groups_kafka_python.py', confluent: 'acl_groups_confluent.py' } as const;

interface Consumed {
  values: string[];
  committed: number | null;
  error: string | null;
}
interface Committed {
  commit_error: string | null;
  fetch_error: string | null;
  committed: number | null;
}

const consumeWith = (library: keyof typeof SCRIPTS, user: AclUser, group: string, topic: string, count: number): Promise<Consumed> =>
  runPython<Consumed>(SCRIPTS[library], ['consume', group, topic, count, ...pythonSettings(user, library)], 30_000);
const commitWith = (library: keyof typeof SCRIPTS, user: AclUser, group: string, topic: string, offset: number): Promise<Committed> =>
  runPython<Committed>(SCRIPTS[library], ['commit', group, topic, offset, ...pythonSettings(user, library)], 30_000);

const ORDERS = ['o-0', 'o-1', 'o-2'];

beforeAll(async () => {
  acl = await startAclBroker({ overrides: { 'offsets.topic.num.partitions': '1', 'group.initial.rebalance.delay.ms': '0' } });
  const [host, port] = acl.saslBootstrap.split(':');
  for (const user of ['admin', 'alice', 'bob', 'carol'] as const) {
    connections.set(user, await BrokerConnection.connect(host, Number(port), { clientId: `acl-${user}`, requestTimeoutMs: 15_000, sasl: { mechanism: 'PLAIN', username: user, password: `${user}-secret` } }));
  }
  connections.set('anonymous', await BrokerConnection.connect(acl.broker.host, acl.broker.port, { clientId: 'acl-anonymous', requestTimeoutMs: 15_000 }));
  for (const topic of ['orders', 'ledger']) {
    await mustCreateTopic(as('admin'), topic);
    await mustProduce(as('admin'), topic, 0, textBatch(ORDERS));
  }
  for (const group of ['g1', 'g2', 'g3']) await grant('alice', ResourceType.GROUP, group, AclOperation.READ);
  await grant('alice', ResourceType.TOPIC, 'orders', AclOperation.READ);
  await grant('bob', ResourceType.TOPIC, 'orders', AclOperation.READ);
  await grant('carol', ResourceType.GROUP, 'g-carol', AclOperation.READ);
  await grant('carol', ResourceType.TOPIC, 'ledger', AclOperation.DESCRIBE);
}, 60_000);

afterAll(async () => {
  for (const connection of connections.values()) connection.close();
  await acl?.stop();
});

describe('group authorization, with real group consumers', () => {
  it('alice, with READ on her group and the topic, consumes and commits with kafka-python, confluent-kafka and kcat -G', async () => {
    expect(await consumeWith('kafka-python', 'alice', 'g1', 'orders', 3)).toEqual({ values: ORDERS, committed: 3, error: null });
    expect(await consumeWith('confluent', 'alice', 'g2', 'orders', 3)).toEqual({ values: ORDERS, committed: 3, error: null });
    const kcat = await runTool('kcat', [...acl.kcatArgs('alice'), '-G', 'g3', '-o', 'beginning', '-e', '-f', '%s\\n', 'orders'], { timeoutMs: 30_000 });
    expect(kcat.stdout).toBe(ORDERS.map((v) => `${v}\n`).join(''));
    const fetched = await fetchOffsets('admin', [{ groupId: 'g3', topics: ['orders'] }]);
    expect(fetched.groups[0].topics[0].partitions[0]).toMatchObject({ committedOffset: 3n, errorCode: NONE });
  }, 60_000);

  it('bob, without an ACL on the group, gets GROUP_AUTHORIZATION_FAILED in every client', async () => {
    expect(await consumeWith('kafka-python', 'bob', 'g-bob', 'orders', 3)).toEqual({ values: [], committed: null, error: 'GroupAuthorizationFailedError' });
    expect(await consumeWith('confluent', 'bob', 'g-bob', 'orders', 3)).toEqual({ values: [], committed: null, error: 'GROUP_AUTHORIZATION_FAILED' });
    const kcat = await runTool('kcat', [...acl.kcatArgs('bob'), '-G', 'g-bob', '-e', 'orders'], { timeoutMs: 30_000 });
    expect(kcat.code).not.toBe(0);
    expect(kcat.stderr).toContain('Group authorization failed');
  }, 60_000);

  it('carol, with READ on the group but only DESCRIBE on the topic, gets TOPIC_AUTHORIZATION_FAILED on commit', async () => {
    expect(await commitWith('kafka-python', 'carol', 'g-carol', 'ledger', 2)).toEqual({ commit_error: 'TopicAuthorizationFailedError', fetch_error: null, committed: null });
    expect(await commitWith('confluent', 'carol', 'g-carol', 'ledger', 2)).toEqual({ commit_error: 'TOPIC_AUTHORIZATION_FAILED', fetch_error: null, committed: -1001 });
  }, 60_000);
});

describe('group authorization, API by API with exact codes', () => {
  it('FindCoordinator: DESCRIBE on the group or transactional id, per key from v4', async () => {
    const v3 = await as('bob').send(findCoordinatorApi, 3, { ...FindCoordinatorRequest.defaults(), key: 'g1' });
    expect(v3).toEqual({ throttleTimeMs: 0, errorCode: GROUP_DENIED, errorMessage: 'Group authorization failed.', nodeId: -1, host: '', port: -1, coordinators: [] });
    const batched = await as('alice').send(findCoordinatorApi, 4, { ...FindCoordinatorRequest.defaults(), coordinatorKeys: ['g1', 'g-bob'] });
    expect(batched.coordinators.map((c) => [c.key, c.errorCode, c.port])).toEqual([
      ['g1', NONE, acl.broker.listenerPorts.SASL_PLAINTEXT],
      ['g-bob', GROUP_DENIED, -1],
    ]);
    const txn = await as('alice').send(findCoordinatorApi, 4, { key: '', keyType: 1, coordinatorKeys: ['txn-1'] });
    expect(txn.coordinators.map((c) => c.errorCode)).toEqual([ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED]);
  });

  it('JoinGroup, SyncGroup, Heartbeat, LeaveGroup: READ on the group, checked before anything else', async () => {
    const join = await as('bob').send(joinApi, 9, {
      ...JoinGroupRequest.defaults(),
      groupId: 'g1',
      sessionTimeoutMs: 10_000,
      memberId: 'stale-member',
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
    });
    expect(join).toMatchObject({ errorCode: GROUP_DENIED, memberId: '', generationId: -1, leader: '', protocolName: null, members: [] });
    const joinV6 = await as('bob').send(joinApi, 6, { ...JoinGroupRequest.defaults(), groupId: 'g1', sessionTimeoutMs: 10_000, protocolType: 'consumer', protocols: [] });
    expect(joinV6).toMatchObject({ errorCode: GROUP_DENIED, protocolName: '' });
    const sync = await as('bob').send(syncApi, 5, { ...SyncGroupRequest.defaults(), groupId: 'g1', memberId: 'm', protocolType: 'consumer', protocolName: 'range' });
    expect(sync.errorCode).toBe(GROUP_DENIED);
    // v5 without a protocol type is refused before authorization, as in Kafka.
    const syncNoType = await as('bob').send(syncApi, 5, { ...SyncGroupRequest.defaults(), groupId: 'g1', memberId: 'm' });
    expect(syncNoType.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await as('bob').send(heartbeatApi, 4, { ...HeartbeatRequest.defaults(), groupId: 'g1', memberId: 'm' })).errorCode).toBe(GROUP_DENIED);
    const leave = await as('bob').send(leaveApi, 5, { ...LeaveGroupRequest.defaults(), groupId: 'g1', members: [{ memberId: 'm', groupInstanceId: null, reason: null }] });
    expect(leave).toMatchObject({ errorCode: GROUP_DENIED, members: [] });
    // alice may read g1: past authorization the coordinator answers (an unknown member).
    expect((await as('alice').send(heartbeatApi, 4, { ...HeartbeatRequest.defaults(), groupId: 'g1', memberId: 'm' })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('OffsetCommit: READ on the group for the whole request, then READ per topic; refusals come first', async () => {
    expect(partitionCodes(await commit('bob', 'g-bob', ['orders', 'ledger']))).toEqual([['orders-0', GROUP_DENIED], ['ledger-0', GROUP_DENIED]]);
    // alice reads orders only; `missing` is refused for READ before anyone asks whether it exists.
    expect(partitionCodes(await commit('alice', 'g1', ['orders', 'ledger', 'missing'], 3n))).toEqual([['ledger-0', TOPIC_DENIED], ['missing-0', TOPIC_DENIED], ['orders-0', NONE]]);
    expect(partitionCodes(await commit('admin', 'g1', ['ledger']))).toEqual([['ledger-0', NONE]]);
  });

  it('OffsetFetch: DESCRIBE per group; topics not describable are left out of a fetch of all and refused when named', async () => {
    const fetched = await fetchOffsets('alice', [{ groupId: 'g1', topics: null }, { groupId: 'g1', topics: ['ledger', 'orders'] }, { groupId: 'g-bob', topics: null }]);
    expect(fetched.groups).toEqual([
      { groupId: 'g1', errorCode: NONE, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 3n, committedLeaderEpoch: -1, metadata: '', errorCode: NONE }] }] },
      {
        groupId: 'g1',
        errorCode: NONE,
        topics: [
          { name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 3n, committedLeaderEpoch: -1, metadata: '', errorCode: NONE }] },
          { name: 'ledger', partitions: [{ partitionIndex: 0, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: TOPIC_DENIED }] },
        ],
      },
      { groupId: 'g-bob', errorCode: GROUP_DENIED, topics: [] },
    ]);
    // The super user sees every topic the group committed; v1 has no group error, so a refused group answers nothing.
    const all = await fetchOffsets('admin', [{ groupId: 'g1', topics: null }]);
    expect(all.groups[0].topics.map((t) => t.name).sort()).toEqual(['ledger', 'orders']);
    const v1 = await as('bob').send(fetchOffsetsApi, 1, { ...OffsetFetchRequest.defaults(), groupId: 'g1', topics: [{ name: 'orders', partitionIndexes: [0] }] });
    expect(v1.topics).toEqual([]);
  });

  it('a PREFIXED group ACL team- covers team-a, but neither team nor xteam-a', async () => {
    await grant('carol', ResourceType.GROUP, 'team-', AclOperation.READ, { prefixed: true });
    await grant('carol', ResourceType.GROUP, 'team-', AclOperation.DELETE, { prefixed: true });
    for (const group of ['team-a', 'team', 'xteam-a']) expect(partitionCodes(await commit('admin', group, ['orders']))).toEqual([['orders-0', NONE]]);

    const described = await as('carol').send(describeGroupsApi, 5, { groups: ['team', 'team-a', 'xteam-a'], includeAuthorizedOperations: true });
    expect(described.groups.map((g) => [g.groupId, g.errorCode, g.groupState, g.authorizedOperations])).toEqual([
      ['team', GROUP_DENIED, '', NOT_REQUESTED],
      ['xteam-a', GROUP_DENIED, '', NOT_REQUESTED],
      ['team-a', NONE, 'Empty', bits(AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE)],
    ]);
    expect(await listGroups('carol')).toEqual(['team-a']);
    expect(await listGroups('alice')).toEqual(['g1', 'g2', 'g3']);
    expect(await listGroups('admin')).toEqual(['g1', 'g2', 'g3', 'team', 'team-a', 'xteam-a']);
    expect(await listGroups('anonymous')).toEqual([]);

    // carol may not describe orders: a fetch of all shows nothing of it, naming it is refused.
    const fetched = await fetchOffsets('carol', [{ groupId: 'team-a', topics: null }, { groupId: 'team-a', topics: ['orders'] }, { groupId: 'team', topics: null }]);
    expect(fetched.groups.map((g) => [g.groupId, g.errorCode, g.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}:${p.errorCode}`))])).toEqual([
      ['team-a', NONE, []],
      ['team-a', NONE, [`orders-0:${TOPIC_DENIED}`]],
      ['team', GROUP_DENIED, []],
    ]);

    const deletedOffsets = await as('carol').send(offsetDeleteApi, 0, { groupId: 'team-a', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }] });
    expect(deletedOffsets).toEqual({ errorCode: NONE, throttleTimeMs: 0, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: TOPIC_DENIED }] }] });
    const refusedGroup = await as('carol').send(offsetDeleteApi, 0, { groupId: 'team', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }] });
    expect(refusedGroup).toEqual({ errorCode: GROUP_DENIED, throttleTimeMs: 0, topics: [] });

    const deleted = await as('carol').send(deleteGroupsApi, 2, { groupsNames: ['team', 'team-a', 'xteam-a', 'team-a'] });
    expect(deleted.results.map((r) => [r.groupId, r.errorCode])).toEqual([
      ['team-a', NONE],
      ['team', GROUP_DENIED],
      ['xteam-a', GROUP_DENIED],
    ]);
    expect(await listGroups('admin')).toEqual(['g1', 'g2', 'g3', 'team', 'xteam-a']);
  });

  it('a DENY overrides an ALLOW: alice may not join or commit in denied-g, in kafka-python or on the wire', async () => {
    await grant('alice', ResourceType.GROUP, 'denied-g', AclOperation.READ);
    await grant('alice', ResourceType.GROUP, 'denied-g', AclOperation.READ, { deny: true });
    expect(await consumeWith('kafka-python', 'alice', 'denied-g', 'orders', 3)).toEqual({ values: [], committed: null, error: 'GroupAuthorizationFailedError' });
    expect(partitionCodes(await commit('alice', 'denied-g', ['orders']))).toEqual([['orders-0', GROUP_DENIED]]);
    // ALLOW READ implies DESCRIBE and a DENY on READ does not deny DESCRIBE, as in Kafka: the
    // coordinator may be found, the group described, but not joined.
    const found = await as('alice').send(findCoordinatorApi, 4, { ...FindCoordinatorRequest.defaults(), coordinatorKeys: ['denied-g'] });
    expect(found.coordinators[0].errorCode).toBe(NONE);
    const described = await as('alice').send(describeGroupsApi, 5, { groups: ['denied-g'], includeAuthorizedOperations: true });
    expect(described.groups.map((g) => [g.errorCode, g.groupState, g.authorizedOperations])).toEqual([[NONE, 'Dead', bits(AclOperation.DESCRIBE)]]);
  }, 30_000);

  it('KIP-848: ConsumerGroupHeartbeat needs READ on the group and DESCRIBE on each subscribed topic; ConsumerGroupDescribe DESCRIBE', async () => {
    await grant('alice', ResourceType.GROUP, 'g848', AclOperation.READ);
    const heartbeat = (user: AclUser, groupId: string, topics: string[]): Promise<ConsumerGroupHeartbeatResponse> =>
      as(user).send(cgHeartbeatApi, 0, { ...ConsumerGroupHeartbeatRequest.defaults(), groupId, rebalanceTimeoutMs: 10_000, subscribedTopicNames: topics, topicPartitions: [] });
    expect((await heartbeat('bob', 'g848', ['orders'])).errorCode).toBe(GROUP_DENIED);
    expect((await heartbeat('alice', 'g848', ['orders', 'ledger'])).errorCode).toBe(TOPIC_DENIED);
    const joined = await heartbeat('alice', 'g848', ['orders']);
    expect(joined).toMatchObject({ errorCode: NONE, memberEpoch: 1 });

    const described = await as('alice').send(cgDescribeApi, 0, { groupIds: ['g-bob', 'g848'], includeAuthorizedOperations: true });
    expect(described.groups.map((g) => [g.groupId, g.errorCode, g.authorizedOperations])).toEqual([
      ['g-bob', GROUP_DENIED, NOT_REQUESTED],
      ['g848', NONE, bits(AclOperation.READ, AclOperation.DESCRIBE)],
    ]);
    const left = await as('alice').send(cgHeartbeatApi, 0, { ...ConsumerGroupHeartbeatRequest.defaults(), groupId: 'g848', memberId: joined.memberId ?? '', memberEpoch: -1 });
    expect(left.errorCode).toBe(NONE);
  });

  it('the super user admin does all of it without any ACL on the groups', async () => {
    const found = await as('admin').send(findCoordinatorApi, 4, { ...FindCoordinatorRequest.defaults(), coordinatorKeys: ['xteam-a'] });
    expect(found.coordinators[0].errorCode).toBe(NONE);
    const described = await as('admin').send(describeGroupsApi, 5, { groups: ['xteam-a'], includeAuthorizedOperations: true });
    expect(described.groups.map((g) => [g.errorCode, g.groupState, g.authorizedOperations])).toEqual([[NONE, 'Empty', ALL_GROUP_OPERATIONS]]);
    const fetched = await fetchOffsets('admin', [{ groupId: 'xteam-a', topics: null }]);
    expect(fetched.groups[0].topics.map((t) => [t.name, t.partitions[0].committedOffset])).toEqual([['orders', 1n]]);
    const deletedOffsets = await as('admin').send(offsetDeleteApi, 0, { groupId: 'xteam-a', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }] });
    expect(partitionCodes(deletedOffsets)).toEqual([['orders-0', NONE]]);
    const deleted = await as('admin').send(deleteGroupsApi, 2, { groupsNames: ['team', 'xteam-a'] });
    expect(deleted.results.map((r) => [r.groupId, r.errorCode])).toEqual([['team', NONE], ['xteam-a', NONE]]);
    // The PLAINTEXT listener's User:ANONYMOUS has no ACL and no fallback (allow.everyone.if.no.acl.found=false).
    const anonymous = await as('anonymous').send(describeGroupsApi, 5, { groups: ['g1'], includeAuthorizedOperations: false });
    expect(anonymous.groups.map((g) => g.errorCode)).toEqual([GROUP_DENIED]);
  });
});
