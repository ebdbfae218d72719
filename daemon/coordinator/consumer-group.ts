// One KIP-848 consumer group: group epoch, target assignment and its epoch, the members with their
// epochs and current assignments, and the subscription metadata the target was computed from.
// Its state changes only by replaying records (consumer-group-records.ts), the same way whether
// they were just written or are being loaded from __consumer_offsets.
import type { ConsumerGroupRecord } from './consumer-group-records.js';
import { CONSUMER_PROTOCOL_TYPE } from './classic-group.js';
import type { TopicPartitionMap } from './server-assignors.js';

export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable' | 'Dead';

/** A member's reconciliation state, with Kafka's byte values (kept in the current assignment record). */
export const MemberState = {
  STABLE: 0,
  UNREVOKED_PARTITIONS: 1,
  UNRELEASED_PARTITIONS: 2,
  UNKNOWN: 127,
} as const;

/** Epoch a member sends to leave; -2 for a static member leaving for a while. */
export const LEAVE_GROUP_MEMBER_EPOCH = -1;
export const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2;

/** A request refused with a Kafka error code and the message Kafka gives. */
export class GroupError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ConsumerMember {
  memberId: string;
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  rebalanceTimeoutMs: number;
  serverAssignor: string | null;
  memberEpoch: number;
  previousMemberEpoch: number;
  state: number;
  assignedPartitions: TopicPartitionMap;
  partitionsPendingRevocation: TopicPartitionMap;
}

export interface SubscribedTopic {
  topicId: string;
  numPartitions: number;
}

export function newMember(memberId: string): ConsumerMember {
  return {
    memberId,
    instanceId: null,
    rackId: null,
    clientId: '',
    clientHost: '',
    subscribedTopicNames: [],
    subscribedTopicRegex: null,
    rebalanceTimeoutMs: -1,
    serverAssignor: null,
    memberEpoch: 0,
    previousMemberEpoch: 0,
    state: MemberState.STABLE,
    assignedPartitions: new Map(),
    partitionsPendingRevocation: new Map(),
  };
}

export function toPartitionMap(list: readonly { topicId: string; partitions: readonly number[] }[]): TopicPartitionMap {
  return new Map(list.filter((t) => t.partitions.length > 0).map((t) => [t.topicId, new Set(t.partitions)]));
}

export function fromPartitionMap(map: TopicPartitionMap): { topicId: string; partitions: number[] }[] {
  return [...map].map(([topicId, set]) => ({ topicId, partitions: [...set].sort((a, b) => a - b) }));
}

export function samePartitions(a: TopicPartitionMap, b: TopicPartitionMap): boolean {
  if (a.size !== b.size) return false;
  for (const [topicId, set] of a) {
    const other = b.get(topicId);
    if (!other || other.size !== set.size) return false;
    for (const p of set) if (!other.has(p)) return false;
  }
  return true;
}

export class ConsumerGroup {
  readonly type = 'consumer';
  /** What ListGroups shows as the protocol type of a consumer group. */
  readonly protocolType = CONSUMER_PROTOCOL_TYPE;
  groupEpoch = 0;
  assignmentEpoch = 0;
  readonly members = new Map<string, ConsumerMember>();
  readonly targetAssignment = new Map<string, TopicPartitionMap>();
  /** Subscribed topic name → its id and partition count when the target was last computed. */
  subscriptionMetadata = new Map<string, SubscribedTopic>();
  private dead = false;
  private lastState: ConsumerGroupState = 'Empty';
  /** When the group last changed state. */
  currentStateTimestamp: number;

  constructor(
    readonly groupId: string,
    now: number,
  ) {
    this.currentStateTimestamp = now;
  }

  get state(): ConsumerGroupState {
    if (this.dead) return 'Dead';
    if (this.members.size === 0) return 'Empty';
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning';
    for (const m of this.members.values()) if (m.memberEpoch !== this.assignmentEpoch || m.state !== MemberState.STABLE) return 'Reconciling';
    return 'Stable';
  }

  /** Only Dead can be set: every other state follows from epochs and members. */
  transitionTo(state: 'Dead', now: number): void {
    this.dead = state === 'Dead';
    this.noteState(now);
  }

  staticMember(instanceId: string): ConsumerMember | undefined {
    for (const m of this.members.values()) if (m.instanceId === instanceId) return m;
    return undefined;
  }

  isSubscribedToTopic(topic: string): boolean {
    for (const m of this.members.values()) if (m.subscribedTopicNames.includes(topic)) return true;
    return false;
  }

  /** The epoch of the member that holds a partition (assigned or pending revocation), or -1. */
  partitionEpochs(): (topicId: string, partition: number) => number {
    const epochs = new Map<string, number>();
    for (const m of this.members.values()) {
      for (const map of [m.assignedPartitions, m.partitionsPendingRevocation]) {
        for (const [topicId, set] of map) for (const p of set) epochs.set(`${topicId}:${p}`, m.memberEpoch);
      }
    }
    return (topicId, partition) => epochs.get(`${topicId}:${partition}`) ?? -1;
  }

  replay(record: ConsumerGroupRecord, now: number): void {
    switch (record.kind) {
      case 'groupEpoch':
        // A deleted group's id may be used again: a later epoch record starts it over.
        this.dead = record.value === null;
        if (record.value !== null) this.groupEpoch = record.value.epoch;
        break;
      case 'subscriptionMetadata':
        this.subscriptionMetadata = new Map(
          (record.value?.topics ?? []).map((t) => [t.topicName, { topicId: t.topicId, numPartitions: t.numPartitions }]),
        );
        break;
      case 'targetAssignmentEpoch':
        this.assignmentEpoch = record.value?.assignmentEpoch ?? 0;
        break;
      case 'targetAssignment':
        if (record.value === null) this.targetAssignment.delete(record.memberId);
        else this.targetAssignment.set(record.memberId, toPartitionMap(record.value.topicPartitions));
        break;
      case 'memberMetadata': {
        if (record.value === null) {
          this.members.delete(record.memberId);
          break;
        }
        // A new object each time: callers may still hold the member as it was.
        const member = { ...(this.members.get(record.memberId) ?? newMember(record.memberId)) };
        const v = record.value;
        Object.assign(member, {
          instanceId: v.instanceId,
          rackId: v.rackId,
          clientId: v.clientId,
          clientHost: v.clientHost,
          subscribedTopicNames: [...v.subscribedTopicNames],
          subscribedTopicRegex: v.subscribedTopicRegex,
          rebalanceTimeoutMs: v.rebalanceTimeoutMs,
          serverAssignor: v.serverAssignor,
        });
        this.members.set(record.memberId, member);
        break;
      }
      case 'currentAssignment': {
        const member = { ...(this.members.get(record.memberId) ?? newMember(record.memberId)) };
        const v = record.value;
        member.memberEpoch = v?.memberEpoch ?? LEAVE_GROUP_MEMBER_EPOCH;
        member.previousMemberEpoch = v?.previousMemberEpoch ?? LEAVE_GROUP_MEMBER_EPOCH;
        member.state = v?.state ?? MemberState.STABLE;
        member.assignedPartitions = toPartitionMap(v?.assignedPartitions ?? []);
        member.partitionsPendingRevocation = toPartitionMap(v?.partitionsPendingRevocation ?? []);
        this.members.set(record.memberId, member);
        break;
      }
    }
    this.noteState(now);
  }

  private noteState(now: number): void {
    const state = this.state;
    if (state !== this.lastState) {
      this.lastState = state;
      this.currentStateTimestamp = now;
    }
  }
}
