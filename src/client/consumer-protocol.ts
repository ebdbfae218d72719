// The consumer protocol's bytes inside JoinGroup/SyncGroup/DescribeGroups: a member's
// subscription and its assignment, each an int16 version then the body at that version (a newer
// version than ours is read as ours, as Kafka's ConsumerProtocol does).
import { ConsumerProtocolAssignment } from '../protocol/generated/clients/consumer-protocol-assignment.js';
import { ConsumerProtocolSubscription } from '../protocol/generated/clients/consumer-protocol-subscription.js';
import { Reader, Writer } from '../protocol/primitives.js';
import type { MemberSubscription } from './assignors.js';
import type { TopicPartition } from './cluster.js';

/** The consumer protocol's own version, written before the subscription and assignment structs. */
const CONSUMER_PROTOCOL_VERSION = 3;

function encodeVersioned<T>(codec: { encode(w: Writer, m: T, version: number): void }, message: T): Buffer {
  const w = new Writer(64);
  w.int16(CONSUMER_PROTOCOL_VERSION);
  codec.encode(w, message, CONSUMER_PROTOCOL_VERSION);
  return w.finish();
}

function byTopic(partitions: readonly TopicPartition[]): { topic: string; partitions: number[] }[] {
  const grouped = new Map<string, number[]>();
  for (const p of partitions) grouped.set(p.topic, [...(grouped.get(p.topic) ?? []), p.partition]);
  return [...grouped].map(([topic, list]) => ({ topic, partitions: list }));
}

/** The subscription, plain and with the generation in userData as CooperativeStickyAssignor also writes it. */
export function encodeSubscription(topics: readonly string[], owned: readonly TopicPartition[], generationId: number): { plain: Buffer; withGeneration: Buffer } {
  const base = { topics: [...topics].sort(), userData: null, ownedPartitions: byTopic(owned), generationId, rackId: null };
  const userData = Buffer.alloc(4);
  userData.writeInt32BE(generationId);
  return { plain: encodeVersioned(ConsumerProtocolSubscription, base), withGeneration: encodeVersioned(ConsumerProtocolSubscription, { ...base, userData }) };
}

/** A member's subscription; a newer version than ours is read as ours (Kafka's forward compatibility). */
export function decodeSubscription(bytes: Buffer): Omit<MemberSubscription, 'memberId' | 'groupInstanceId'> {
  const r = new Reader(bytes);
  const version = Math.min(r.int16(), CONSUMER_PROTOCOL_VERSION);
  const s = ConsumerProtocolSubscription.decode(r, version);
  // Before v2 the generation travels only in the cooperative-sticky userData.
  const generation = version >= 2 ? s.generationId : s.userData && s.userData.length >= 4 ? s.userData.readInt32BE(0) : -1;
  return { topics: s.topics, ownedPartitions: s.ownedPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition }))), generation };
}

export function encodeAssignment(partitions: readonly TopicPartition[]): Buffer {
  return encodeVersioned(ConsumerProtocolAssignment, { assignedPartitions: byTopic(partitions), userData: null });
}

export function decodeAssignment(bytes: Buffer): TopicPartition[] {
  if (bytes.length === 0) return [];
  const r = new Reader(bytes);
  const version = Math.min(r.int16(), CONSUMER_PROTOCOL_VERSION);
  return ConsumerProtocolAssignment.decode(r, version).assignedPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
}
