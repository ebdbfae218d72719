// A KIP-848 consumer group driven at the protocol level with tk's connection and generated codecs
// against a harness broker: two members share a 6-partition topic, partitions change hands only
// after the holder revokes them (checked after every response), a member leaves, the group is
// described and listed, commits are checked against member epochs, and the group, its members and
// its offsets survive a restart until the member's session runs out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type BrokerConnection } from '../../src/client/connection.js';
import { ApiKey } from '../../src/protocol/api-keys.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ConsumerGroupDescribeRequest } from '../../src/protocol/generated/clients/consumer-group-describe-request.js';
import { ConsumerGroupDescribeResponse, type DescribedGroup } from '../../src/protocol/generated/clients/consumer-group-describe-response.js';
import { ConsumerGroupHeartbeatRequest } from '../../src/protocol/generated/clients/consumer-group-heartbeat-request.js';
import { ConsumerGroupHeartbeatResponse } from '../../src/protocol/generated/clients/consumer-group-heartbeat-response.js';
import { DeleteGroupsRequest } from '../../src/protocol/generated/clients/delete-groups-request.js';
import { DeleteGroupsResponse } from '../../src/protocol/generated/clients/delete-groups-response.js';
import { DescribeGroupsRequest } from '../../src/protocol/generated/clients/describe-groups-request.js';
import { DescribeGroupsResponse } from '../../src/protocol/generated/clients/describe-groups-response.js';
import { JoinGroupRequest } from '../../src/protocol/generated/clients/join-group-request.js';
import { JoinGroupResponse } from '../../src/protocol/generated/clients/join-group-response.js';
import { FindCoordinatorRequest } from '../../src/protocol/generated/clients/find-coordinator-request.js';
import { FindCoordinatorResponse } from '../../src/protocol/generated/clients/find-coordinator-response.js';
import { ListGroupsRequest } from '../../src/protocol/generated/clients/list-groups-request.js';
import { ListGroupsResponse } from '../../src/protocol/generated/clients/list-groups-response.js';
import { OffsetCommitRequest } from '../../src/protocol/generated/clients/offset-commit-request.js';
import { OffsetCommitResponse } from '../../src/protocol/generated/clients/offset-commit-response.js';
import { OffsetDeleteRequest } from '../../src/protocol/generated/clients/offset-delete-request.js';
import { OffsetDeleteResponse } from '../../src/protocol/generated/clients/offset-delete-response.js';
import { OffsetFetchRequest } from '../../src/protocol/generated/clients/offset-fetch-request.js';
import { OffsetFetchResponse } from '../../src/protocol/generated/clients/offset-fetch-response.js';
import { startBroker, type RunningBroker } from '../harness/broker.js';
import { connectTo, eventually, mustCreateTopic } from './raw-kafka.js';

const heartbeatApi = api(ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse);
const describeApi = api(ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse);
const findCoordinatorApi = api(FindCoordinatorRequest, FindCoordinatorResponse);
const listGroupsApi = api(ListGroupsRequest, ListGroupsResponse);
const describeGroupsApi = api(DescribeGroupsRequest, DescribeGroupsResponse);
const deleteGroupsApi = api(DeleteGroupsRequest, DeleteGroupsResponse);
const commitApi = api(OffsetCommitRequest, OffsetCommitResponse);
const fetchOffsetsApi = api(OffsetFetchRequest, OffsetFetchResponse);
const offsetDeleteApi = api(OffsetDeleteRequest, OffsetDeleteResponse);

const GROUP = 'kip848';
const TOPIC = 'six';
const SESSION_MS = 3000;
let broker: RunningBroker;
let connection: BrokerConnection;
let topicId: string;

beforeAll(async () => {
  broker = await startBroker({
    overrides: {
      'offsets.topic.num.partitions': '3',
      'group.consumer.min.session.timeout.ms': '1000',
      'group.consumer.session.timeout.ms': String(SESSION_MS),
      'group.consumer.min.heartbeat.interval.ms': '500',
      'group.consumer.heartbeat.interval.ms': '1000',
    },
  });
  connection = await connectTo(broker, 'kip848-test');
  topicId = await mustCreateTopic(connection, TOPIC, {}, 6);
  const found = await connection.send(findCoordinatorApi, 3, { key: GROUP, keyType: 0, coordinatorKeys: [] });
  expect(found).toMatchObject({ errorCode: ErrorCode.NONE, nodeId: 1 });
});

afterAll(async () => {
  connection?.close();
  await broker?.stop();
});

interface Member {
  memberId: string;
  epoch: number;
  /** What the member owns: the last assignment the coordinator gave it. */
  owned: number[];
}

const members: Member[] = [];

/** No partition is owned by two members, checked after every response. */
function assertDisjoint(): void {
  const seen = new Map<number, string>();
  for (const m of members) {
    for (const p of m.owned) {
      expect(seen.get(p), `partition ${p} owned by ${seen.get(p)} and ${m.memberId}`).toBeUndefined();
      seen.set(p, m.memberId);
    }
  }
}

/** One heartbeat reporting what the member owns; retried while the coordinator is loading. */
async function heartbeat(m: Member, overrides: Partial<ConsumerGroupHeartbeatRequest> = {}) {
  const request: ConsumerGroupHeartbeatRequest = {
    groupId: GROUP,
    memberId: m.memberId,
    memberEpoch: m.epoch,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: m.epoch === 0 ? 30_000 : -1,
    subscribedTopicNames: m.epoch === 0 ? [TOPIC] : null,
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: [{ topicId, partitions: m.owned }],
    ...overrides,
  };
  const response = await eventually('a heartbeat answered', 15_000, async () => {
    const r = await connection.send(heartbeatApi, 0, request);
    return r.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS || r.errorCode === ErrorCode.NOT_COORDINATOR ? undefined : r;
  });
  if (response.errorCode === ErrorCode.NONE && request.memberEpoch >= 0) {
    m.memberId = response.memberId!;
    m.epoch = response.memberEpoch;
    if (response.assignment) {
      expect(response.assignment.topicPartitions.every((t) => t.topicId === topicId)).toBe(true);
      m.owned = response.assignment.topicPartitions.flatMap((t) => t.partitions).sort((a, b) => a - b);
    }
  }
  assertDisjoint();
  return response;
}

async function describeGroup(): Promise<DescribedGroup> {
  const r = await connection.send(describeApi, 0, { groupIds: [GROUP], includeAuthorizedOperations: false });
  return r.groups[0];
}

async function listed(): Promise<string[]> {
  const r = await connection.send(listGroupsApi, 5, { statesFilter: [], typesFilter: ['consumer'] });
  return r.groups.map((g) => `${g.groupId}:${g.groupState}:${g.protocolType}:${g.groupType}`);
}

describe('KIP-848 consumer group over the wire', () => {
  it('is advertised in ApiVersions: ConsumerGroupHeartbeat v0, ConsumerGroupDescribe v0', () => {
    expect(connection.usableVersion(ConsumerGroupHeartbeatRequest)).toBe(0);
    expect(connection.usableVersion(ConsumerGroupDescribeRequest)).toBe(0);
  });

  it('hands partitions over only after revocation, and back when a member leaves', async () => {
    const a: Member = { memberId: '', epoch: 0, owned: [] };
    members.push(a);
    const joinedA = await heartbeat(a, { topicPartitions: [] });
    expect(joinedA).toMatchObject({ errorCode: ErrorCode.NONE, memberEpoch: 1, heartbeatIntervalMs: 1000 });
    expect(a.memberId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a.owned).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await listed()).toEqual([`${GROUP}:Stable:consumer:consumer`]);

    const b: Member = { memberId: '', epoch: 0, owned: [] };
    members.push(b);
    const joinedB = await heartbeat(b, { topicPartitions: [] });
    expect(joinedB.memberEpoch).toBe(2);
    expect(b.owned).toEqual([]);
    expect(await listed()).toEqual([`${GROUP}:Reconciling:consumer:consumer`]);

    // a is told to give up three partitions and keeps epoch 1 until it says it has.
    const revoking = await heartbeat(a);
    expect(revoking.memberEpoch).toBe(1);
    expect(a.owned).toHaveLength(3);
    await heartbeat(b);
    expect(b.owned).toEqual([]);

    await heartbeat(a);
    expect(a.epoch).toBe(2);
    await heartbeat(b);
    expect(b.epoch).toBe(2);
    expect(b.owned).toHaveLength(3);
    expect([...a.owned, ...b.owned].sort()).toEqual([0, 1, 2, 3, 4, 5]);

    const described = await describeGroup();
    expect(described).toMatchObject({ errorCode: ErrorCode.NONE, groupState: 'Stable', groupEpoch: 2, assignmentEpoch: 2, assignorName: 'uniform' });
    expect(
      described.members
        .map((m) => ({ id: m.memberId, epoch: m.memberEpoch, topics: m.subscribedTopicNames, owned: m.assignment.topicPartitions.flatMap((t) => t.partitions).sort(), name: m.assignment.topicPartitions[0]?.topicName }))
        .sort((x, y) => (x.id < y.id ? -1 : 1)),
    ).toEqual(
      [a, b]
        .map((m) => ({ id: m.memberId, epoch: 2, topics: [TOPIC], owned: m.owned, name: TOPIC }))
        .sort((x, y) => (x.id < y.id ? -1 : 1)),
    );
    // DescribeGroups is for classic groups: a consumer group is not one, which Kafka answers as Dead.
    const classicView = await connection.send(describeGroupsApi, 5, { groups: [GROUP], includeAuthorizedOperations: false });
    expect(classicView.groups[0]).toMatchObject({ errorCode: ErrorCode.NONE, groupState: 'Dead', members: [] });

    // Commits carry the member epoch: the current one is accepted, an old one is stale.
    const commit = (epoch: number) =>
      connection.send(commitApi, 9, {
        groupId: GROUP,
        generationIdOrMemberEpoch: epoch,
        memberId: a.memberId,
        groupInstanceId: null,
        retentionTimeMs: -1n,
        topics: [{ name: TOPIC, partitions: [{ partitionIndex: a.owned[0], committedOffset: 42n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null }] }],
      });
    expect((await commit(2)).topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
    expect((await commit(1)).topics[0].partitions[0].errorCode).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    const fetched = (memberEpoch: number) =>
      connection.send(fetchOffsetsApi, 9, { groupId: '', topics: [], requireStable: false, groups: [{ groupId: GROUP, memberId: a.memberId, memberEpoch, topics: null }] });
    expect((await fetched(1)).groups[0].errorCode).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect((await fetched(2)).groups[0].topics[0].partitions[0]).toMatchObject({ partitionIndex: a.owned[0], committedOffset: 42n });

    // Offsets of a topic the group subscribes to are in use.
    const deleted = await connection.send(offsetDeleteApi, 0, { groupId: GROUP, topics: [{ name: TOPIC, partitions: [{ partitionIndex: a.owned[0] }] }] });
    expect(deleted).toMatchObject({ errorCode: ErrorCode.NONE, topics: [{ name: TOPIC, partitions: [{ partitionIndex: a.owned[0], errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC }] }] });

    // b leaves: the group epoch moves to 3 and a gets b's partitions (nobody holds them any more).
    const left = await heartbeat(b, { memberEpoch: -1 });
    expect(left).toMatchObject({ errorCode: ErrorCode.NONE, memberId: b.memberId, memberEpoch: -1 });
    b.owned = [];
    members.splice(members.indexOf(b), 1);
    expect(await listed()).toEqual([`${GROUP}:Assigning:consumer:consumer`]);
    await heartbeat(a);
    expect(a.epoch).toBe(3);
    expect(a.owned).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await listed()).toEqual([`${GROUP}:Stable:consumer:consumer`]);
  });

  it('refuses a classic JoinGroup for the consumer group id with INCONSISTENT_GROUP_PROTOCOL', async () => {
    const joined = await connection.send(api(JoinGroupRequest, JoinGroupResponse), 9, {
      groupId: GROUP,
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
      reason: null,
    });
    expect(joined.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('keeps the group, its member and offsets across a restart; the member then expires with its session', async () => {
    const [a] = members;
    broker = await broker.restart();
    connection.close();
    connection = await connectTo(broker, 'kip848-test');
    // The member carries on where it was, as a Kafka consumer does after a coordinator failover.
    const resumed = await heartbeat(a);
    expect(resumed).toMatchObject({ errorCode: ErrorCode.NONE, memberEpoch: 3 });
    const described = await describeGroup();
    expect(described).toMatchObject({ groupState: 'Stable', groupEpoch: 3, assignmentEpoch: 3 });
    expect(described.members.map((m) => m.memberId)).toEqual([a.memberId]);
    const committed = await connection.send(fetchOffsetsApi, 9, { groupId: '', topics: [], requireStable: false, groups: [{ groupId: GROUP, memberId: null, memberEpoch: -1, topics: null }] });
    expect(committed.groups[0].topics[0].partitions.map((p) => p.committedOffset)).toEqual([42n]);

    // A group with a member cannot be deleted; once the session runs out it is empty and can.
    const deleteGroup = () => connection.send(deleteGroupsApi, 2, { groupsNames: [GROUP] });
    expect((await deleteGroup()).results[0].errorCode).toBe(ErrorCode.NON_EMPTY_GROUP);
    await eventually('the silent member expired', SESSION_MS * 4, async () => ((await listed())[0] === `${GROUP}:Empty:consumer:consumer` ? true : undefined));
    const fenced = await heartbeat(a);
    expect(fenced).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, errorMessage: `Member ${a.memberId} is not a member of group ${GROUP}.` });
    expect((await deleteGroup()).results[0].errorCode).toBe(ErrorCode.NONE);
    expect(await describeGroup()).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: null });
  });
});

describe('a broker whose group.coordinator.rebalance.protocols lacks consumer', () => {
  it('does not offer ConsumerGroupHeartbeat or ConsumerGroupDescribe in ApiVersions', async () => {
    const classicOnly = await startBroker({ overrides: { 'group.coordinator.rebalance.protocols': 'classic' } });
    const c = await connectTo(classicOnly, 'kip848-disabled');
    try {
      expect(c.versions.has(ApiKey.ConsumerGroupHeartbeat)).toBe(false);
      expect(c.versions.has(ApiKey.ConsumerGroupDescribe)).toBe(false);
      expect(c.versions.has(ApiKey.JoinGroup)).toBe(true);
    } finally {
      c.close();
      await classicOnly.stop();
    }
  });
});
