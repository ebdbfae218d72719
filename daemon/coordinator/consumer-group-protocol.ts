// The KIP-848 consumer group protocol as Kafka's GroupMetadataManager runs it: a heartbeat creates
// or updates the member, bumps the group epoch when subscriptions or topic metadata change, then
// recomputes the target assignment with the server assignor and moves the member one step toward
// it. Every change is written as records first and applied by replaying them, one request at a time
// per group. Members that stop heartbeating are fenced after the session timeout; members that do
// not revoke within their rebalance timeout likewise.
import { randomBytes } from 'node:crypto';
import type { ConsumerGroupHeartbeatRequest } from '../../src/protocol/generated/clients/consumer-group-heartbeat-request.js';
import type { ConsumerGroupHeartbeatResponse } from '../../src/protocol/generated/clients/consumer-group-heartbeat-response.js';
import type { DescribedGroup } from '../../src/protocol/generated/clients/consumer-group-describe-response.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import type { MetadataImage } from '../controller/metadata-image.js';
import type { Clock } from '../log/clock.js';
import type { Logger } from '../logger.js';
import type { CoordinatorRecord } from './coordinator-records.js';
import {
  ConsumerGroup,
  GroupError,
  LEAVE_GROUP_MEMBER_EPOCH,
  LEAVE_GROUP_STATIC_MEMBER_EPOCH,
  MemberState,
  fromPartitionMap,
  newMember,
  samePartitions,
  type ConsumerMember,
  type SubscribedTopic,
} from './consumer-group.js';
import { validateHeartbeat, validateMemberEpoch } from './consumer-group-checks.js';
import { currentAssignmentRecord, memberMetadataRecord, memberTombstones, subscriptionMetadataRecord, type ConsumerGroupRecord } from './consumer-group-records.js';
import { reconcile } from './consumer-group-reconciliation.js';
import type { GroupCoordinator } from './group-coordinator.js';
import { DEFAULT_SERVER_ASSIGNOR, SERVER_ASSIGNORS, type TopicPartitionMap } from './server-assignors.js';
import type { CoordinatorTimers } from './timers.js';

export interface ConsumerGroupSettings {
  /** group.coordinator.rebalance.protocols contains `consumer`. */
  enabled: boolean;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxSize: number;
}

export interface ConsumerGroupHost {
  clock: Clock;
  timers: CoordinatorTimers;
  settings: ConsumerGroupSettings;
  log: Logger;
  image(): MetadataImage;
  coordinator: GroupCoordinator;
}

const OPERATIONS_NOT_REQUESTED = -2147483648;

/** A ConsumerGroupDescribe answer for a group that is not described: only its id and the error. */
export function undescribedGroup(groupId: string, errorCode: number): DescribedGroup {
  return {
    errorCode,
    errorMessage: null,
    groupId,
    groupState: '',
    groupEpoch: 0,
    assignmentEpoch: 0,
    assignorName: '',
    members: [],
    authorizedOperations: OPERATIONS_NOT_REQUESTED,
  };
}
const timerPrefix = (groupId: string): string => `\u0002consumer\u0000${groupId}\u0000`;

/** Kafka's Uuid.toString(): 16 random bytes, URL-safe base64 without padding. */
const randomMemberId = (): string => randomBytes(16).toString('base64url');

/** Every record that deletes the group, in Kafka's order. */
export function consumerGroupTombstones(group: ConsumerGroup): CoordinatorRecord[] {
  const records: ConsumerGroupRecord[] = [
    ...[...group.members.keys()].map((memberId): ConsumerGroupRecord => ({ kind: 'currentAssignment', memberId, value: null })),
    ...[...group.members.keys()].map((memberId): ConsumerGroupRecord => ({ kind: 'targetAssignment', memberId, value: null })),
    ...[...group.members.keys()].map((memberId): ConsumerGroupRecord => ({ kind: 'memberMetadata', memberId, value: null })),
    { kind: 'targetAssignmentEpoch', value: null },
    { kind: 'subscriptionMetadata', value: null },
    { kind: 'groupEpoch', value: null },
  ];
  return records.map((record) => ({ type: 'consumer', group: group.groupId, record }));
}

function sameSubscription(a: ReadonlyMap<string, SubscribedTopic>, b: ReadonlyMap<string, SubscribedTopic>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, t] of a) {
    const o = b.get(name);
    if (!o || o.topicId !== t.topicId || o.numPartitions !== t.numPartitions) return false;
  }
  return true;
}

export class ConsumerGroupProtocol {
  /** The tail of each group's queue: requests and timers of one group run one after another. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly host: ConsumerGroupHost) {}

  get enabled(): boolean {
    return this.host.settings.enabled;
  }

  private serialized<T>(groupId: string, task: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(groupId) ?? Promise.resolve()).then(task, task);
    const tail = run.catch(() => undefined);
    this.queues.set(groupId, tail);
    void tail.then(() => this.queues.get(groupId) === tail && this.queues.delete(groupId));
    return run;
  }

  heartbeat(request: ConsumerGroupHeartbeatRequest, clientId: string, clientHost: string): Promise<ConsumerGroupHeartbeatResponse> {
    return this.serialized(request.groupId, async () => {
      try {
        validateHeartbeat(request);
        if (request.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH || request.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) return await this.leave(request);
        return await this.joinOrHeartbeat(request, clientId, clientHost);
      } catch (err) {
        if (!(err instanceof GroupError)) throw err;
        return { throttleTimeMs: 0, errorCode: err.errorCode, errorMessage: err.message || null, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null };
      }
    });
  }

  /** Kafka words a missing group differently on the heartbeat path and on the leave path. */
  private existingGroup(groupId: string, path: 'heartbeat' | 'leave'): ConsumerGroup {
    const group = this.host.coordinator.groups.get(groupId);
    if (!group || group.state === 'Dead') {
      throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, path === 'heartbeat' ? `Consumer group ${groupId} not found.` : `Group ${groupId} not found.`);
    }
    if (group.type !== 'consumer') throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} is not a consumer group`);
    return group;
  }

  private async joinOrHeartbeat(request: ConsumerGroupHeartbeatRequest, clientId: string, clientHost: string): Promise<ConsumerGroupHeartbeatResponse> {
    const { groupId, instanceId } = request;
    const joining = request.memberEpoch === 0;
    const records: CoordinatorRecord[] = [];
    const existing = this.host.coordinator.groups.get(groupId);
    let group: ConsumerGroup;
    if (joining && (!existing || existing.state === 'Dead' || (existing.type === 'classic' && existing.state === 'Empty'))) {
      // An empty classic group gives way to the new consumer group, as in Kafka.
      if (existing?.type === 'classic') records.push({ type: 'group', group: groupId, value: null });
      group = existing?.type === 'consumer' && existing.state !== 'Dead' ? existing : new ConsumerGroup(groupId, this.host.clock.now());
    } else {
      group = this.existingGroup(groupId, 'heartbeat');
    }
    if (group.members.size >= this.host.settings.maxSize && (request.memberId === '' || !group.members.has(request.memberId))) {
      throw new GroupError(ErrorCode.GROUP_MAX_SIZE_REACHED, `The consumer group has reached its maximum capacity of ${this.host.settings.maxSize} members.`);
    }
    const memberId = request.memberId === '' ? randomMemberId() : request.memberId;
    const records848: ConsumerGroupRecord[] = [];
    const members = new Map(group.members);
    let member = group.members.get(memberId);
    let inheritedTarget: TopicPartitionMap | undefined;
    const staticHolder = instanceId === null ? undefined : group.staticMember(instanceId);
    if (instanceId !== null && !joining) {
      if (!staticHolder) throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${instanceId} is unknown.`);
      if (staticHolder.memberId !== memberId) throw new GroupError(ErrorCode.FENCED_INSTANCE_ID, `Static member ${memberId} with instance id ${instanceId} was fenced by member ${staticHolder.memberId}.`);
    }
    if (instanceId !== null && joining && staticHolder && staticHolder.memberId !== memberId) {
      if (staticHolder.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
        throw new GroupError(ErrorCode.UNRELEASED_INSTANCE_ID, `Static member ${memberId} with instance id ${instanceId} cannot join the group because the instance id is owned by ${staticHolder.memberId} member.`);
      }
      // The new incarnation of a static member takes over its predecessor: subscription, owned
      // partitions and target, starting from epoch 0.
      inheritedTarget = group.targetAssignment.get(staticHolder.memberId);
      records848.push(...memberTombstones(staticHolder.memberId));
      members.delete(staticHolder.memberId);
      member = { ...staticHolder, memberId, memberEpoch: 0, previousMemberEpoch: 0 };
    } else if (!member) {
      if (!joining) throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${memberId} is not a member of group ${groupId}.`);
      member = newMember(memberId);
    } else {
      validateMemberEpoch(member, request.memberEpoch, request.topicPartitions);
    }

    const updated: ConsumerMember = {
      ...member,
      instanceId: instanceId ?? member.instanceId,
      rackId: request.rackId ?? member.rackId,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs !== -1 ? request.rebalanceTimeoutMs : member.rebalanceTimeoutMs,
      serverAssignor: request.serverAssignor ?? member.serverAssignor,
      subscribedTopicNames: request.subscribedTopicNames ?? member.subscribedTopicNames,
      clientId,
      clientHost,
    };
    let bumpEpoch = false;
    const metadataChanged =
      !group.members.has(memberId) ||
      (['instanceId', 'rackId', 'rebalanceTimeoutMs', 'serverAssignor', 'clientId', 'clientHost'] as const).some((k) => updated[k] !== member[k]) ||
      updated.subscribedTopicNames.join('\u0000') !== member.subscribedTopicNames.join('\u0000');
    if (metadataChanged) {
      records848.push(memberMetadataRecord(updated));
      bumpEpoch = [...updated.subscribedTopicNames].sort().join('\u0000') !== [...member.subscribedTopicNames].sort().join('\u0000');
    }
    members.set(memberId, updated);

    // Topic metadata is read on every heartbeat, so new partitions of a subscribed topic bump the epoch too.
    const subscription = this.subscriptionMetadata(members.values());
    if (!sameSubscription(subscription, group.subscriptionMetadata)) {
      bumpEpoch = true;
      records848.push(subscriptionMetadataRecord(subscription));
    }
    const groupEpoch = bumpEpoch ? group.groupEpoch + 1 : group.groupEpoch;
    if (bumpEpoch) records848.push({ kind: 'groupEpoch', value: { epoch: groupEpoch } });

    let targetEpoch = group.assignmentEpoch;
    let target = inheritedTarget ?? group.targetAssignment.get(memberId) ?? new Map();
    if (groupEpoch > group.assignmentEpoch) {
      const previous = new Map(group.targetAssignment);
      if (inheritedTarget) previous.set(memberId, inheritedTarget);
      const targets = this.computeTarget(members, previous, subscription);
      for (const [id, assignment] of targets) {
        const before = previous.get(id);
        if (!before || !samePartitions(before, assignment) || (id === memberId && inheritedTarget)) {
          records848.push({ kind: 'targetAssignment', memberId: id, value: { topicPartitions: fromPartitionMap(assignment) } });
        }
      }
      records848.push({ kind: 'targetAssignmentEpoch', value: { assignmentEpoch: groupEpoch } });
      targetEpoch = groupEpoch;
      target = targets.get(memberId) ?? new Map();
    } else if (inheritedTarget) {
      records848.push({ kind: 'targetAssignment', memberId, value: { topicPartitions: fromPartitionMap(inheritedTarget) } });
    }

    const reconciled = reconcile(updated, targetEpoch, target, group.partitionEpochs(), request.topicPartitions);
    const changed =
      !group.members.has(memberId) ||
      reconciled.memberEpoch !== member.memberEpoch ||
      reconciled.previousMemberEpoch !== member.previousMemberEpoch ||
      reconciled.state !== member.state ||
      !samePartitions(reconciled.assignedPartitions, member.assignedPartitions) ||
      !samePartitions(reconciled.partitionsPendingRevocation, member.partitionsPendingRevocation);
    if (changed) records848.push(currentAssignmentRecord(reconciled));

    records.push(...records848.map((record): CoordinatorRecord => ({ type: 'consumer', group: groupId, record })));
    const written = await this.host.coordinator.write(groupId, records);
    if (written !== ErrorCode.NONE) throw new GroupError(written, '');
    if (this.host.coordinator.groups.get(groupId) !== group) {
      const replaced = this.host.coordinator.groups.get(groupId);
      if (replaced && replaced.type === 'classic') this.host.coordinator.classic.unload(replaced, ErrorCode.NOT_COORDINATOR);
      this.host.coordinator.groups.set(groupId, group);
    }
    this.apply(group, records848);
    if (staticHolder && staticHolder.memberId !== memberId) this.cancelMemberTimers(groupId, staticHolder.memberId);

    this.scheduleSessionTimeout(group, memberId);
    if (changed) {
      if (reconciled.state === MemberState.UNREVOKED_PARTITIONS) this.scheduleRebalanceTimeout(group, reconciled);
      else this.host.timers.cancel(`${timerPrefix(groupId)}${memberId}\u0000rebalance`);
    }
    const fullRequest = joining || (request.rebalanceTimeoutMs !== -1 && request.subscribedTopicNames !== null && request.topicPartitions !== null);
    const assignmentChanged = !samePartitions(reconciled.assignedPartitions, member.assignedPartitions);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId,
      memberEpoch: reconciled.memberEpoch,
      heartbeatIntervalMs: this.host.settings.heartbeatIntervalMs,
      assignment: fullRequest || assignmentChanged ? { topicPartitions: fromPartitionMap(reconciled.assignedPartitions) } : null,
    };
  }

  private async leave(request: ConsumerGroupHeartbeatRequest): Promise<ConsumerGroupHeartbeatResponse> {
    const group = this.existingGroup(request.groupId, 'leave');
    const answer = (memberId: string, memberEpoch: number): ConsumerGroupHeartbeatResponse => ({
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId,
      memberEpoch,
      heartbeatIntervalMs: 0,
      assignment: null,
    });
    let member: ConsumerMember | undefined;
    if (request.instanceId === null) {
      member = group.members.get(request.memberId);
      if (!member) throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${request.memberId} is not a member of group ${group.groupId}.`);
    } else {
      member = group.staticMember(request.instanceId);
      if (!member) throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${request.instanceId} is unknown.`);
      if (member.memberId !== request.memberId) {
        throw new GroupError(ErrorCode.FENCED_INSTANCE_ID, `Static member ${request.memberId} with instance id ${request.instanceId} was fenced by member ${member.memberId}.`);
      }
      if (request.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
        // Gone for a while: keeps its partitions until it comes back or its session expires.
        const leaving = { ...member, memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH, partitionsPendingRevocation: new Map() };
        const records = [currentAssignmentRecord(leaving)];
        const written = await this.host.coordinator.write(group.groupId, records.map((record) => ({ type: 'consumer' as const, group: group.groupId, record })));
        if (written !== ErrorCode.NONE) throw new GroupError(written, '');
        this.apply(group, records);
        return answer(member.memberId, LEAVE_GROUP_STATIC_MEMBER_EPOCH);
      }
    }
    await this.fence(group, member.memberId);
    return answer(request.memberId, request.memberEpoch);
  }

  /** Removes a member and bumps the group epoch so the others get its partitions. */
  private async fence(group: ConsumerGroup, memberId: string): Promise<void> {
    const records = memberTombstones(memberId);
    const remaining = [...group.members.values()].filter((m) => m.memberId !== memberId);
    const subscription = this.subscriptionMetadata(remaining);
    if (!sameSubscription(subscription, group.subscriptionMetadata)) {
      records.push(subscriptionMetadataRecord(subscription));
    }
    records.push({ kind: 'groupEpoch', value: { epoch: group.groupEpoch + 1 } });
    const written = await this.host.coordinator.write(group.groupId, records.map((record) => ({ type: 'consumer' as const, group: group.groupId, record })));
    if (written !== ErrorCode.NONE) throw new GroupError(written, '');
    this.apply(group, records);
    this.cancelMemberTimers(group.groupId, memberId);
  }

  private apply(group: ConsumerGroup, records: readonly ConsumerGroupRecord[]): void {
    const now = this.host.clock.now();
    for (const record of records) group.replay(record, now);
  }

  /** Subscribed topics that exist, with their ids and partition counts. */
  private subscriptionMetadata(members: Iterable<ConsumerMember>): Map<string, SubscribedTopic> {
    const image = this.host.image();
    const names = new Set<string>();
    for (const m of members) for (const name of m.subscribedTopicNames) names.add(name);
    const result = new Map<string, SubscribedTopic>();
    for (const name of [...names].sort()) {
      const topic = image.topicsByName.get(name);
      if (topic) result.set(name, { topicId: topic.topicId, numPartitions: topic.partitions.size });
    }
    return result;
  }

  /** Kafka's preferred assignor: the one most members ask for, else the default. */
  private preferredAssignor(members: Iterable<ConsumerMember>): string {
    const counts = new Map<string, number>();
    for (const m of members) if (m.serverAssignor !== null) counts.set(m.serverAssignor, (counts.get(m.serverAssignor) ?? 0) + 1);
    let best = DEFAULT_SERVER_ASSIGNOR;
    let bestCount = 0;
    for (const [name, count] of counts) if (count > bestCount) [best, bestCount] = [name, count];
    return best;
  }

  private computeTarget(members: ReadonlyMap<string, ConsumerMember>, previous: ReadonlyMap<string, TopicPartitionMap>, subscription: ReadonlyMap<string, SubscribedTopic>): Map<string, TopicPartitionMap> {
    const assignor = SERVER_ASSIGNORS.get(this.preferredAssignor(members.values()))!;
    return assignor({
      members: [...members.values()].map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
        subscribedTopicIds: m.subscribedTopicNames.flatMap((name) => (subscription.has(name) ? [subscription.get(name)!.topicId] : [])),
        previousTarget: previous.get(m.memberId) ?? new Map(),
      })),
      partitionCounts: new Map([...subscription.values()].map((t) => [t.topicId, t.numPartitions])),
    });
  }

  private scheduleSessionTimeout(group: ConsumerGroup, memberId: string): void {
    this.host.timers.schedule(`${timerPrefix(group.groupId)}${memberId}\u0000session`, this.host.settings.sessionTimeoutMs, () => {
      void this.fenceIfStill(group, memberId, null, 'its session expired');
    });
  }

  private scheduleRebalanceTimeout(group: ConsumerGroup, member: ConsumerMember): void {
    this.host.timers.schedule(`${timerPrefix(group.groupId)}${member.memberId}\u0000rebalance`, member.rebalanceTimeoutMs, () => {
      void this.fenceIfStill(group, member.memberId, member.memberEpoch, `it did not revoke partitions within ${member.rebalanceTimeoutMs} ms`);
    });
  }

  /** Fences a member from a timer unless it has left, or (`epoch` given) moved past that epoch. */
  private fenceIfStill(group: ConsumerGroup, memberId: string, epoch: number | null, reason: string): Promise<void> {
    return this.serialized(group.groupId, async () => {
      const member = group.members.get(memberId);
      if (this.host.coordinator.groups.get(group.groupId) !== group || !member || (epoch !== null && member.memberEpoch !== epoch)) return;
      this.host.log.info(`group ${group.groupId}: member ${memberId} fenced because ${reason}`);
      await this.fence(group, memberId);
    }).catch((err: unknown) => this.host.log.error(`fencing member ${memberId} of group ${group.groupId}`, err));
  }

  private cancelMemberTimers(groupId: string, memberId: string): void {
    this.host.timers.cancelPrefix(`${timerPrefix(groupId)}${memberId}\u0000`);
  }

  /** A group read back from the log: every member must heartbeat within its session, as after a failover in Kafka. */
  resumeLoaded(group: ConsumerGroup): void {
    for (const m of group.members.values()) {
      this.scheduleSessionTimeout(group, m.memberId);
      if (m.state === MemberState.UNREVOKED_PARTITIONS) this.scheduleRebalanceTimeout(group, m);
    }
  }

  unload(group: ConsumerGroup): void {
    this.host.timers.cancelPrefix(timerPrefix(group.groupId));
  }

  describe(groupId: string): DescribedGroup {
    const described = undescribedGroup(groupId, ErrorCode.NONE);
    const group = this.host.coordinator.groups.get(groupId);
    // Kafka sets no message here.
    if (!group || group.type !== 'consumer' || group.state === 'Dead') return { ...described, errorCode: ErrorCode.GROUP_ID_NOT_FOUND };
    const image = this.host.image();
    const named = (map: TopicPartitionMap) => ({
      topicPartitions: fromPartitionMap(map).map((t) => ({ topicId: t.topicId, topicName: image.topicsById.get(t.topicId)?.name ?? '', partitions: t.partitions })),
    });
    return {
      ...described,
      groupState: group.state,
      groupEpoch: group.groupEpoch,
      assignmentEpoch: group.assignmentEpoch,
      assignorName: this.preferredAssignor(group.members.values()),
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
        rackId: m.rackId,
        memberEpoch: m.memberEpoch,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: m.subscribedTopicNames,
        subscribedTopicRegex: m.subscribedTopicRegex,
        assignment: named(m.assignedPartitions),
        targetAssignment: named(group.targetAssignment.get(m.memberId) ?? new Map()),
      })),
    };
  }
}
