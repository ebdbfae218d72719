// The KIP-848 consumer group records of __consumer_offsets, in Kafka's formats: the key's int16
// version names the record type (3: group epoch, 4: subscription metadata, 5: member metadata,
// 6: target assignment epoch, 7: a member's target assignment, 8: a member's current assignment),
// every value is version 0, and a null value is a tombstone.
import type { MessageCodec } from '../../src/protocol/codec.js';
import { ConsumerGroupCurrentMemberAssignmentKey } from '../../src/protocol/generated/group-coordinator/consumer-group-current-member-assignment-key.js';
import { ConsumerGroupCurrentMemberAssignmentValue } from '../../src/protocol/generated/group-coordinator/consumer-group-current-member-assignment-value.js';
import { ConsumerGroupMemberMetadataKey } from '../../src/protocol/generated/group-coordinator/consumer-group-member-metadata-key.js';
import { ConsumerGroupMemberMetadataValue } from '../../src/protocol/generated/group-coordinator/consumer-group-member-metadata-value.js';
import { ConsumerGroupMetadataKey } from '../../src/protocol/generated/group-coordinator/consumer-group-metadata-key.js';
import { ConsumerGroupMetadataValue } from '../../src/protocol/generated/group-coordinator/consumer-group-metadata-value.js';
import { ConsumerGroupPartitionMetadataKey } from '../../src/protocol/generated/group-coordinator/consumer-group-partition-metadata-key.js';
import { ConsumerGroupPartitionMetadataValue } from '../../src/protocol/generated/group-coordinator/consumer-group-partition-metadata-value.js';
import { ConsumerGroupTargetAssignmentMemberKey } from '../../src/protocol/generated/group-coordinator/consumer-group-target-assignment-member-key.js';
import { ConsumerGroupTargetAssignmentMemberValue } from '../../src/protocol/generated/group-coordinator/consumer-group-target-assignment-member-value.js';
import { ConsumerGroupTargetAssignmentMetadataKey } from '../../src/protocol/generated/group-coordinator/consumer-group-target-assignment-metadata-key.js';
import { ConsumerGroupTargetAssignmentMetadataValue } from '../../src/protocol/generated/group-coordinator/consumer-group-target-assignment-metadata-value.js';
import { Reader, Writer } from '../../src/protocol/primitives.js';
import { fromPartitionMap, type ConsumerMember, type SubscribedTopic } from './consumer-group.js';

export type ConsumerGroupRecord =
  | { kind: 'groupEpoch'; value: ConsumerGroupMetadataValue | null }
  | { kind: 'subscriptionMetadata'; value: ConsumerGroupPartitionMetadataValue | null }
  | { kind: 'memberMetadata'; memberId: string; value: ConsumerGroupMemberMetadataValue | null }
  | { kind: 'targetAssignmentEpoch'; value: ConsumerGroupTargetAssignmentMetadataValue | null }
  | { kind: 'targetAssignment'; memberId: string; value: ConsumerGroupTargetAssignmentMemberValue | null }
  | { kind: 'currentAssignment'; memberId: string; value: ConsumerGroupCurrentMemberAssignmentValue | null };

const VALUE_VERSION = 0;

/** The key version (record type) of each kind; the key codecs accept exactly that version. */
const KEY_TYPES = {
  groupEpoch: 3,
  subscriptionMetadata: 4,
  memberMetadata: 5,
  targetAssignmentEpoch: 6,
  targetAssignment: 7,
  currentAssignment: 8,
} as const;

export function isConsumerGroupKeyType(keyVersion: number): boolean {
  return keyVersion >= KEY_TYPES.groupEpoch && keyVersion <= KEY_TYPES.currentAssignment;
}

function encode<T>(codec: MessageCodec<T>, version: number, message: T): Buffer {
  const w = new Writer();
  w.int16(version);
  codec.encode(w, message, version);
  return w.finish();
}

function decode<T>(codec: MessageCodec<T>, buf: Buffer): T {
  const r = new Reader(buf);
  const version = r.int16();
  if (version < codec.validVersions.min || version > codec.validVersions.max) throw new RangeError(`${codec.name} version ${version} is not known`);
  return codec.decode(r, version);
}

const encodeValue = <T>(codec: MessageCodec<T>, value: T | null): Buffer | null => (value === null ? null : encode(codec, VALUE_VERSION, value));

export function encodeConsumerGroupRecord(groupId: string, record: ConsumerGroupRecord): { key: Buffer; value: Buffer | null } {
  const type = KEY_TYPES[record.kind];
  switch (record.kind) {
    case 'groupEpoch':
      return { key: encode(ConsumerGroupMetadataKey, type, { groupId }), value: encodeValue(ConsumerGroupMetadataValue, record.value) };
    case 'subscriptionMetadata':
      return { key: encode(ConsumerGroupPartitionMetadataKey, type, { groupId }), value: encodeValue(ConsumerGroupPartitionMetadataValue, record.value) };
    case 'memberMetadata':
      return { key: encode(ConsumerGroupMemberMetadataKey, type, { groupId, memberId: record.memberId }), value: encodeValue(ConsumerGroupMemberMetadataValue, record.value) };
    case 'targetAssignmentEpoch':
      return { key: encode(ConsumerGroupTargetAssignmentMetadataKey, type, { groupId }), value: encodeValue(ConsumerGroupTargetAssignmentMetadataValue, record.value) };
    case 'targetAssignment':
      return {
        key: encode(ConsumerGroupTargetAssignmentMemberKey, type, { groupId, memberId: record.memberId }),
        value: encodeValue(ConsumerGroupTargetAssignmentMemberValue, record.value),
      };
    case 'currentAssignment':
      return {
        key: encode(ConsumerGroupCurrentMemberAssignmentKey, type, { groupId, memberId: record.memberId }),
        value: encodeValue(ConsumerGroupCurrentMemberAssignmentValue, record.value),
      };
  }
}

const decodeValue = <T>(codec: MessageCodec<T>, value: Buffer | null): T | null => (value === null ? null : decode(codec, value));

/** The group and record a consumer group key (types 3-8) and value hold. */
export function decodeConsumerGroupRecord(key: Buffer, value: Buffer | null): { group: string; record: ConsumerGroupRecord } {
  switch (key.readInt16BE(0)) {
    case KEY_TYPES.groupEpoch:
      return { group: decode(ConsumerGroupMetadataKey, key).groupId, record: { kind: 'groupEpoch', value: decodeValue(ConsumerGroupMetadataValue, value) } };
    case KEY_TYPES.subscriptionMetadata:
      return {
        group: decode(ConsumerGroupPartitionMetadataKey, key).groupId,
        record: { kind: 'subscriptionMetadata', value: decodeValue(ConsumerGroupPartitionMetadataValue, value) },
      };
    case KEY_TYPES.memberMetadata: {
      const k = decode(ConsumerGroupMemberMetadataKey, key);
      return { group: k.groupId, record: { kind: 'memberMetadata', memberId: k.memberId, value: decodeValue(ConsumerGroupMemberMetadataValue, value) } };
    }
    case KEY_TYPES.targetAssignmentEpoch:
      return {
        group: decode(ConsumerGroupTargetAssignmentMetadataKey, key).groupId,
        record: { kind: 'targetAssignmentEpoch', value: decodeValue(ConsumerGroupTargetAssignmentMetadataValue, value) },
      };
    case KEY_TYPES.targetAssignment: {
      const k = decode(ConsumerGroupTargetAssignmentMemberKey, key);
      return { group: k.groupId, record: { kind: 'targetAssignment', memberId: k.memberId, value: decodeValue(ConsumerGroupTargetAssignmentMemberValue, value) } };
    }
    case KEY_TYPES.currentAssignment: {
      const k = decode(ConsumerGroupCurrentMemberAssignmentKey, key);
      return { group: k.groupId, record: { kind: 'currentAssignment', memberId: k.memberId, value: decodeValue(ConsumerGroupCurrentMemberAssignmentValue, value) } };
    }
    default:
      throw new RangeError(`record type ${key.readInt16BE(0)} is not a consumer group record`);
  }
}

export const memberMetadataRecord = (m: ConsumerMember): ConsumerGroupRecord => ({
  kind: 'memberMetadata',
  memberId: m.memberId,
  value: {
    instanceId: m.instanceId,
    rackId: m.rackId,
    clientId: m.clientId,
    clientHost: m.clientHost,
    subscribedTopicNames: m.subscribedTopicNames,
    subscribedTopicRegex: m.subscribedTopicRegex,
    rebalanceTimeoutMs: m.rebalanceTimeoutMs,
    serverAssignor: m.serverAssignor,
    classicMemberMetadata: null,
  },
});

export const currentAssignmentRecord = (m: ConsumerMember): ConsumerGroupRecord => ({
  kind: 'currentAssignment',
  memberId: m.memberId,
  value: {
    memberEpoch: m.memberEpoch,
    previousMemberEpoch: m.previousMemberEpoch,
    state: m.state,
    assignedPartitions: fromPartitionMap(m.assignedPartitions),
    partitionsPendingRevocation: fromPartitionMap(m.partitionsPendingRevocation),
  },
});

/** Tombstones that remove a member: its current assignment, its target, then its metadata. */
export const memberTombstones = (memberId: string): ConsumerGroupRecord[] => [
  { kind: 'currentAssignment', memberId, value: null },
  { kind: 'targetAssignment', memberId, value: null },
  { kind: 'memberMetadata', memberId, value: null },
];

/** The subscribed topics a target assignment was computed from. */
export const subscriptionMetadataRecord = (subscription: ReadonlyMap<string, SubscribedTopic>): ConsumerGroupRecord => ({
  kind: 'subscriptionMetadata',
  value: { topics: [...subscription].map(([topicName, t]) => ({ topicId: t.topicId, topicName, numPartitions: t.numPartitions, partitionMetadata: [] })) },
});
