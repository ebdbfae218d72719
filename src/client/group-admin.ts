// Admin calls on consumer groups, as Kafka's Admin makes them for kafka-consumer-groups.sh: find
// each group's coordinator (batched FindCoordinator from v4), then ask it (DescribeGroups,
// OffsetFetch, OffsetCommit, DeleteGroups, OffsetDelete); ListGroups goes to every broker.
// Classic groups are described with DescribeGroups; KIP-848 groups (ConsumerGroupDescribe) are
// a later addition behind describeGroups().
import { ErrorCode, KafkaProtocolError } from '../protocol/errors.js';
import { DeleteGroupsRequest } from '../protocol/generated/clients/delete-groups-request.js';
import { DeleteGroupsResponse } from '../protocol/generated/clients/delete-groups-response.js';
import { DescribeGroupsRequest } from '../protocol/generated/clients/describe-groups-request.js';
import { DescribeGroupsResponse } from '../protocol/generated/clients/describe-groups-response.js';
import { FindCoordinatorRequest } from '../protocol/generated/clients/find-coordinator-request.js';
import { FindCoordinatorResponse } from '../protocol/generated/clients/find-coordinator-response.js';
import { ListGroupsRequest } from '../protocol/generated/clients/list-groups-request.js';
import { ListGroupsResponse } from '../protocol/generated/clients/list-groups-response.js';
import { OffsetCommitRequest } from '../protocol/generated/clients/offset-commit-request.js';
import { OffsetCommitResponse } from '../protocol/generated/clients/offset-commit-response.js';
import { OffsetDeleteRequest } from '../protocol/generated/clients/offset-delete-request.js';
import { OffsetDeleteResponse } from '../protocol/generated/clients/offset-delete-response.js';
import { OffsetFetchRequest } from '../protocol/generated/clients/offset-fetch-request.js';
import { OffsetFetchResponse } from '../protocol/generated/clients/offset-fetch-response.js';
import { requireVersion, type BrokerInfo, type Cluster, type TopicPartition } from './cluster.js';
import { api, type BrokerConnection } from './connection.js';
import { decodeAssignment } from './consumer-protocol.js';

const FIND_COORDINATOR = api(FindCoordinatorRequest, FindCoordinatorResponse);
const LIST_GROUPS = api(ListGroupsRequest, ListGroupsResponse);
const DESCRIBE_GROUPS = api(DescribeGroupsRequest, DescribeGroupsResponse);
const OFFSET_FETCH = api(OffsetFetchRequest, OffsetFetchResponse);
const OFFSET_COMMIT = api(OffsetCommitRequest, OffsetCommitResponse);
const DELETE_GROUPS = api(DeleteGroupsRequest, DeleteGroupsResponse);
const OFFSET_DELETE = api(OffsetDeleteRequest, OffsetDeleteResponse);

/** Errors after which the group's coordinator is looked up again. */
const REFIND_COORDINATOR: ReadonlySet<number> = new Set([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE]);
/** Errors that pass with time alone. */
const WAIT_AND_RETRY: ReadonlySet<number> = new Set([ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]);

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

export interface GroupListing {
  groupId: string;
  /** '' for a group that only stores offsets (committed by an admin, never joined). */
  protocolType: string;
  /** '' when the broker does not report it (ListGroups below v4). */
  state: string;
  /** '' when the broker does not report it (ListGroups below v5). */
  type: string;
}

export interface GroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** The partitions the group leader assigned to this member, from its ConsumerProtocol assignment. */
  assignment: TopicPartition[];
}

export interface GroupDescription {
  groupId: string;
  errorCode: number;
  /** Kafka's state names: Stable, Empty, PreparingRebalance, CompletingRebalance, Dead, ... */
  state: string;
  protocolType: string;
  /** The partition assignor the group chose ('' when none). */
  assignor: string;
  members: GroupMember[];
  coordinator: BrokerInfo;
}

export interface CommittedOffset extends TopicPartition {
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
}

export interface PartitionResult extends TopicPartition {
  errorCode: number;
}

export interface OffsetDeleteResult {
  errorCode: number;
  partitions: PartitionResult[];
}

export interface GroupAdminOptions {
  /** How long a call may keep retrying a coordinator that is loading or moving (Kafka's --timeout). */
  timeoutMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A member's assignment; none when its bytes are not the consumer protocol's (another protocol type, or garbage). */
function assignmentOf(bytes: Buffer): TopicPartition[] {
  try {
    return decodeAssignment(bytes);
  } catch {
    return [];
  }
}

function byTopic<T extends TopicPartition>(items: readonly T[]): Map<string, T[]> {
  const topics = new Map<string, T[]>();
  for (const item of items) {
    const list = topics.get(item.topic);
    if (list) list.push(item);
    else topics.set(item.topic, [item]);
  }
  return topics;
}

export class GroupAdmin {
  private readonly timeoutMs: number;
  private readonly coordinators = new Map<string, BrokerInfo>();

  constructor(
    readonly cluster: Cluster,
    options: GroupAdminOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** The coordinator of each group, asked in one FindCoordinator where the broker speaks v4+. */
  async findCoordinators(groupIds: readonly string[]): Promise<Map<string, BrokerInfo>> {
    const missing = [...new Set(groupIds)].filter((g) => !this.coordinators.has(g));
    if (missing.length > 0) {
      await this.withDeadline(async () => {
        const connection = await this.cluster.anyConnection();
        const version = requireVersion(connection, FindCoordinatorRequest, 0);
        const found: { key: string; nodeId: number; host: string; port: number; errorCode: number }[] = [];
        if (version >= 4) {
          const response = await connection.send(FIND_COORDINATOR, version, { key: '', keyType: 0, coordinatorKeys: missing });
          found.push(...response.coordinators);
        } else {
          for (const key of missing) {
            const r = await connection.send(FIND_COORDINATOR, version, { key, keyType: 0, coordinatorKeys: [] });
            found.push({ key, nodeId: r.nodeId, host: r.host, port: r.port, errorCode: r.errorCode });
          }
        }
        const failed = found.find((c) => c.errorCode !== ErrorCode.NONE);
        for (const c of found) {
          if (c.errorCode === ErrorCode.NONE) this.coordinators.set(c.key, { nodeId: c.nodeId, host: c.host, port: c.port, rack: null });
        }
        if (failed) throw new KafkaProtocolError(failed.errorCode, `coordinator of group ${failed.key}`);
      });
    }
    return new Map(groupIds.map((g) => [g, this.coordinators.get(g)!]));
  }

  /** Every group on every broker; `states` and `types` filter on the brokers (ListGroups v4 / v5). */
  async listGroups(filters: { states?: readonly string[]; types?: readonly string[] } = {}): Promise<GroupListing[]> {
    const states = filters.states ?? [];
    const types = filters.types ?? [];
    const metadata = await this.cluster.refreshMetadata([]);
    const perBroker = await Promise.all(
      [...metadata.brokers.keys()].map(async (nodeId) => {
        const connection = await this.cluster.connectionTo(nodeId);
        const version = requireVersion(connection, ListGroupsRequest, types.length > 0 ? 5 : states.length > 0 ? 4 : 0);
        const response = await connection.send(LIST_GROUPS, version, { statesFilter: [...states], typesFilter: [...types] });
        if (response.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(response.errorCode, `listing groups on broker ${nodeId}`);
        return response.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, state: g.groupState, type: g.groupType }));
      }),
    );
    return perBroker.flat();
  }

  /** DescribeGroups at each group's coordinator; a group the coordinator does not know comes back Dead. */
  async describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]> {
    const described = new Map<string, GroupDescription>();
    await this.perCoordinator(groupIds, async (connection, coordinator, groups) => {
      const version = requireVersion(connection, DescribeGroupsRequest, 0);
      const response = await connection.send(DESCRIBE_GROUPS, version, { groups, includeAuthorizedOperations: false });
      const retry: { groupId: string; errorCode: number }[] = [];
      for (const g of response.groups) {
        if (REFIND_COORDINATOR.has(g.errorCode) || WAIT_AND_RETRY.has(g.errorCode)) {
          retry.push({ groupId: g.groupId, errorCode: g.errorCode });
          continue;
        }
        described.set(g.groupId, {
          groupId: g.groupId,
          errorCode: g.errorCode,
          state: g.groupState,
          protocolType: g.protocolType,
          assignor: g.protocolData,
          coordinator,
          members: g.members.map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            clientId: m.clientId,
            clientHost: m.clientHost,
            assignment: g.protocolType === CONSUMER_PROTOCOL_TYPE ? assignmentOf(m.memberAssignment) : [],
          })),
        });
      }
      return retry;
    });
    return groupIds.map((g) => described.get(g)!);
  }

  /** The group's committed offsets (every partition it has one for); partitions without one are left out. */
  async fetchOffsets(groupId: string): Promise<CommittedOffset[]> {
    let offsets: CommittedOffset[] = [];
    await this.perCoordinator([groupId], async (connection) => {
      const version = requireVersion(connection, OffsetFetchRequest, 2);
      const request = {
        groupId: version <= 7 ? groupId : '',
        // null asks for every partition; from v8 the groups array carries that instead.
        topics: version <= 7 ? null : [],
        groups: version >= 8 ? [{ groupId, memberId: null, memberEpoch: -1, topics: null }] : [],
        requireStable: false,
      };
      const response = await connection.send(OFFSET_FETCH, version, request);
      const group = version >= 8 ? response.groups[0]! : { errorCode: response.errorCode, topics: response.topics };
      if (REFIND_COORDINATOR.has(group.errorCode) || WAIT_AND_RETRY.has(group.errorCode)) return [{ groupId, errorCode: group.errorCode }];
      if (group.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(group.errorCode, `fetching the offsets of group ${groupId}`);
      offsets = group.topics.flatMap((t) =>
        t.partitions
          .filter((p) => p.committedOffset >= 0n)
          .map((p) => {
            if (p.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(p.errorCode, `${t.name}-${p.partitionIndex}`);
            return { topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.metadata };
          }),
      );
      return [];
    });
    return offsets;
  }

  /** Commits offsets as an admin does: no member, generation -1 (the group must have no active members). */
  async commitOffsets(groupId: string, offsets: readonly (TopicPartition & { offset: bigint })[]): Promise<PartitionResult[]> {
    let results: PartitionResult[] = [];
    await this.perCoordinator([groupId], async (connection) => {
      const version = requireVersion(connection, OffsetCommitRequest, 2);
      const response = await connection.send(OFFSET_COMMIT, version, {
        groupId,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: -1n,
        topics: [...byTopic(offsets)].map(([name, ps]) => ({
          name,
          partitions: ps.map((p) => ({ partitionIndex: p.partition, committedOffset: p.offset, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: '' })),
        })),
      });
      results = response.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, errorCode: p.errorCode })));
      const moved = results.find((r) => REFIND_COORDINATOR.has(r.errorCode) || WAIT_AND_RETRY.has(r.errorCode));
      return moved ? [{ groupId, errorCode: moved.errorCode }] : [];
    });
    return results;
  }

  /** Deletes each group at its coordinator; the error code per group (NONE when deleted). */
  async deleteGroups(groupIds: readonly string[]): Promise<Map<string, number>> {
    const results = new Map<string, number>();
    await this.perCoordinator(groupIds, async (connection, _coordinator, groups) => {
      const version = requireVersion(connection, DeleteGroupsRequest, 0);
      const response = await connection.send(DELETE_GROUPS, version, { groupsNames: groups });
      const retry: { groupId: string; errorCode: number }[] = [];
      for (const r of response.results) {
        if (REFIND_COORDINATOR.has(r.errorCode) || WAIT_AND_RETRY.has(r.errorCode)) retry.push({ groupId: r.groupId, errorCode: r.errorCode });
        else results.set(r.groupId, r.errorCode);
      }
      return retry;
    });
    return results;
  }

  /** Deletes the group's committed offsets of these partitions (OffsetDelete). */
  async deleteOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<OffsetDeleteResult> {
    let result: OffsetDeleteResult = { errorCode: ErrorCode.NONE, partitions: [] };
    await this.perCoordinator([groupId], async (connection) => {
      const version = requireVersion(connection, OffsetDeleteRequest, 0);
      const response = await connection.send(OFFSET_DELETE, version, {
        groupId,
        topics: [...byTopic(partitions)].map(([name, ps]) => ({ name, partitions: ps.map((p) => ({ partitionIndex: p.partition })) })),
      });
      if (REFIND_COORDINATOR.has(response.errorCode) || WAIT_AND_RETRY.has(response.errorCode)) return [{ groupId, errorCode: response.errorCode }];
      result = {
        errorCode: response.errorCode,
        partitions: response.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, errorCode: p.errorCode }))),
      };
      return [];
    });
    return result;
  }

  close(): void {
    this.cluster.close();
  }

  /**
   * Sends `call` to each group's coordinator with the groups it coordinates. Groups the call
   * hands back (coordinator moved or loading) are routed again after a backoff until --timeout.
   */
  private async perCoordinator(
    groupIds: readonly string[],
    call: (connection: BrokerConnection, coordinator: BrokerInfo, groups: string[]) => Promise<{ groupId: string; errorCode: number }[]>,
  ): Promise<void> {
    let pending = [...new Set(groupIds)];
    await this.withDeadline(async () => {
      const coordinators = await this.findCoordinators(pending);
      const byNode = new Map<number, { broker: BrokerInfo; groups: string[] }>();
      for (const g of pending) {
        const broker = coordinators.get(g)!;
        const entry = byNode.get(broker.nodeId) ?? { broker, groups: [] };
        entry.groups.push(g);
        byNode.set(broker.nodeId, entry);
      }
      const again: { groupId: string; errorCode: number }[] = [];
      await Promise.all(
        [...byNode.values()].map(async ({ broker, groups }) => {
          const connection = await this.cluster.connectionTo(broker.nodeId);
          again.push(...(await call(connection, broker, groups)));
        }),
      );
      for (const { groupId, errorCode } of again) if (REFIND_COORDINATOR.has(errorCode)) this.coordinators.delete(groupId);
      pending = again.map((a) => a.groupId);
      if (again.length > 0) throw new KafkaProtocolError(again[0]!.errorCode, `group ${again[0]!.groupId}`);
    });
  }

  /** Runs `fn` again after retriable errors (a coordinator loading, moving, unreachable) until the timeout. */
  private async withDeadline(fn: () => Promise<void>): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const retriable = this.cluster.shouldRefresh(err) || (err instanceof KafkaProtocolError && (REFIND_COORDINATOR.has(err.code) || WAIT_AND_RETRY.has(err.code)));
        const wait = this.cluster.backoff(attempt);
        if (!retriable || Date.now() + wait >= deadline) throw err;
        await sleep(wait);
      }
    }
  }
}
