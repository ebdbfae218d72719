// The records the group coordinator keeps in __consumer_offsets, in Kafka's formats: a key is an
// int16 version that names the record type (0 and 1: an offset commit, 2: group metadata) followed
// by the key fields; a value is an int16 version followed by the value fields; a null value is a
// tombstone, which compaction eventually removes with everything before it under the same key.
import { GroupMetadataKey } from '../../src/protocol/generated/group-coordinator/group-metadata-key.js';
import { GroupMetadataValue } from '../../src/protocol/generated/group-coordinator/group-metadata-value.js';
import { OffsetCommitKey } from '../../src/protocol/generated/group-coordinator/offset-commit-key.js';
import { OffsetCommitValue } from '../../src/protocol/generated/group-coordinator/offset-commit-value.js';
import type { MessageCodec } from '../../src/protocol/codec.js';
import { decodeConsumerGroupRecord, encodeConsumerGroupRecord, isConsumerGroupKeyType, type ConsumerGroupRecord } from './consumer-group-records.js';
import { Reader, Writer } from '../../src/protocol/primitives.js';

/** What Kafka 3.x writes: offset commits as key v1 / value v3 (v1 when the commit expires), groups as key v2 / value v3. */
const OFFSET_COMMIT_KEY_VERSION = 1;
const OFFSET_COMMIT_VALUE_VERSION = 3;
const OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRY = 1;
const GROUP_METADATA_KEY_VERSION = 2;
const GROUP_METADATA_VALUE_VERSION = 3;

export interface CommittedOffset {
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: bigint;
  /** -1 when the commit follows offsets.retention.minutes instead of its own retention. */
  expireTimestamp: bigint;
}

export type CoordinatorRecord =
  | { type: 'offset'; group: string; topic: string; partition: number; value: CommittedOffset | null }
  | { type: 'group'; group: string; value: GroupMetadataValue | null }
  | { type: 'consumer'; group: string; record: ConsumerGroupRecord };

export interface EncodedRecord {
  key: Buffer;
  value: Buffer | null;
}

function versioned<T>(codec: MessageCodec<T>, version: number, message: T): Buffer {
  const w = new Writer();
  w.int16(version);
  codec.encode(w, message, version);
  return w.finish();
}

export function encodeCoordinatorRecord(record: CoordinatorRecord): EncodedRecord {
  if (record.type === 'consumer') return encodeConsumerGroupRecord(record.group, record.record);
  if (record.type === 'offset') {
    const key = versioned(OffsetCommitKey, OFFSET_COMMIT_KEY_VERSION, { group: record.group, topic: record.topic, partition: record.partition });
    if (record.value === null) return { key, value: null };
    const version = record.value.expireTimestamp >= 0n ? OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRY : OFFSET_COMMIT_VALUE_VERSION;
    return { key, value: versioned(OffsetCommitValue, version, { ...record.value }) };
  }
  const key = versioned(GroupMetadataKey, GROUP_METADATA_KEY_VERSION, { group: record.group });
  return { key, value: record.value === null ? null : versioned(GroupMetadataValue, GROUP_METADATA_VALUE_VERSION, record.value) };
}

function readVersioned<T>(codec: MessageCodec<T>, buf: Buffer): T {
  const r = new Reader(buf);
  const version = r.int16();
  if (version < codec.validVersions.min || version > codec.validVersions.max) {
    throw new RangeError(`${codec.name} version ${version} is not known`);
  }
  return codec.decode(r, version);
}

/**
 * The record a __consumer_offsets key and value hold, or null for a record type this coordinator
 * does not keep (share-group records, transaction markers' keyless records).
 */
export function decodeCoordinatorRecord(key: Buffer | null, value: Buffer | null): CoordinatorRecord | null {
  if (key === null || key.length < 2) return null;
  const keyVersion = key.readInt16BE(0);
  if (keyVersion === 0 || keyVersion === 1) {
    const k = readVersioned(OffsetCommitKey, key);
    if (value === null) return { type: 'offset', ...k, value: null };
    const v = readVersioned(OffsetCommitValue, value);
    return {
      type: 'offset',
      ...k,
      value: { offset: v.offset, leaderEpoch: v.leaderEpoch, metadata: v.metadata, commitTimestamp: v.commitTimestamp, expireTimestamp: v.expireTimestamp },
    };
  }
  if (keyVersion === GROUP_METADATA_KEY_VERSION) {
    const k = readVersioned(GroupMetadataKey, key);
    return { type: 'group', group: k.group, value: value === null ? null : readVersioned(GroupMetadataValue, value) };
  }
  if (isConsumerGroupKeyType(keyVersion)) return { type: 'consumer', ...decodeConsumerGroupRecord(key, value) };
  return null;
}
