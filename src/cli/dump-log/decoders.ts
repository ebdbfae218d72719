// What --offsets-decoder, --transaction-log-decoder and --cluster-metadata-decoder make of a
// record's key and value: the strings kafka-dump-log.sh prints after `key:` and `payload:`.
import type { MessageCodec } from '../../protocol/codec.js';
import { ConsumerProtocolAssignment } from '../../protocol/generated/clients/consumer-protocol-assignment.js';
import { ConsumerProtocolSubscription } from '../../protocol/generated/clients/consumer-protocol-subscription.js';
import { ConsumerGroupCurrentMemberAssignmentKey } from '../../protocol/generated/group-coordinator/consumer-group-current-member-assignment-key.js';
import { ConsumerGroupCurrentMemberAssignmentValue } from '../../protocol/generated/group-coordinator/consumer-group-current-member-assignment-value.js';
import { ConsumerGroupMemberMetadataKey } from '../../protocol/generated/group-coordinator/consumer-group-member-metadata-key.js';
import { ConsumerGroupMemberMetadataValue } from '../../protocol/generated/group-coordinator/consumer-group-member-metadata-value.js';
import { ConsumerGroupMetadataKey } from '../../protocol/generated/group-coordinator/consumer-group-metadata-key.js';
import { ConsumerGroupMetadataValue } from '../../protocol/generated/group-coordinator/consumer-group-metadata-value.js';
import { ConsumerGroupPartitionMetadataKey } from '../../protocol/generated/group-coordinator/consumer-group-partition-metadata-key.js';
import { ConsumerGroupPartitionMetadataValue } from '../../protocol/generated/group-coordinator/consumer-group-partition-metadata-value.js';
import { ConsumerGroupTargetAssignmentMemberKey } from '../../protocol/generated/group-coordinator/consumer-group-target-assignment-member-key.js';
import { ConsumerGroupTargetAssignmentMemberValue } from '../../protocol/generated/group-coordinator/consumer-group-target-assignment-member-value.js';
import { ConsumerGroupTargetAssignmentMetadataKey } from '../../protocol/generated/group-coordinator/consumer-group-target-assignment-metadata-key.js';
import { ConsumerGroupTargetAssignmentMetadataValue } from '../../protocol/generated/group-coordinator/consumer-group-target-assignment-metadata-value.js';
import { GroupMetadataKey } from '../../protocol/generated/group-coordinator/group-metadata-key.js';
import { GroupMetadataValue } from '../../protocol/generated/group-coordinator/group-metadata-value.js';
import { OffsetCommitKey } from '../../protocol/generated/group-coordinator/offset-commit-key.js';
import { OffsetCommitValue } from '../../protocol/generated/group-coordinator/offset-commit-value.js';
import { TransactionLogKey } from '../../protocol/generated/transaction-coordinator/transaction-log-key.js';
import { TransactionLogValue } from '../../protocol/generated/transaction-coordinator/transaction-log-value.js';
import { metadataRecordCodecs } from '../../protocol/generated/metadata-records.js';
import { decodeMetadataFrame } from '../../protocol/metadata-frame.js';
import { Reader } from '../../protocol/primitives.js';
import { messageJson, recordTypeName } from './kafka-json.js';

export interface RecordBytes {
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
}

/** What the parser printed: `key:` and `payload:` are left out when null. */
export interface ParsedRecord {
  key: string | null;
  payload: string | null;
}

export type RecordParser = (record: RecordBytes) => ParsedRecord;

/** An input no parser can skip: kafka-dump-log.sh stops with this exception. */
export class DumpAbort extends Error {
  constructor(
    readonly javaClass: string,
    message: string,
  ) {
    super(message);
    this.name = 'DumpAbort';
  }
}

const DELETE = '<DELETE>';
const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Kafka's default StringDecoder for keys and values. */
export const stringParser: RecordParser = (record) => ({
  key: record.key === null ? null : record.key.toString('utf8'),
  payload: record.value === null ? null : record.value.toString('utf8'),
});

// ---- __consumer_offsets (GroupCoordinatorRecordSerde: the key's version is the record type) ----

const GROUP_RECORDS: readonly [MessageCodec<unknown>, MessageCodec<unknown>][] = [
  [OffsetCommitKey, OffsetCommitValue],
  [GroupMetadataKey, GroupMetadataValue],
  [ConsumerGroupMetadataKey, ConsumerGroupMetadataValue],
  [ConsumerGroupPartitionMetadataKey, ConsumerGroupPartitionMetadataValue],
  [ConsumerGroupMemberMetadataKey, ConsumerGroupMemberMetadataValue],
  [ConsumerGroupTargetAssignmentMetadataKey, ConsumerGroupTargetAssignmentMetadataValue],
  [ConsumerGroupTargetAssignmentMemberKey, ConsumerGroupTargetAssignmentMemberValue],
  [ConsumerGroupCurrentMemberAssignmentKey, ConsumerGroupCurrentMemberAssignmentValue],
] as [MessageCodec<unknown>, MessageCodec<unknown>][];

class UnknownRecordType extends Error {
  constructor(readonly recordType: number) {
    super(`unknown record type ${recordType}`);
  }
}

function readVersion(buf: Buffer, name: string): number {
  if (buf.length < 2) throw new Error(`Could not read version from ${name}'s buffer.`);
  return buf.readInt16BE(0);
}

function readMessage(codec: MessageCodec<unknown>, buf: Buffer, version: number, name: string): unknown {
  try {
    return codec.decode(new Reader(buf, 2), version);
  } catch (e) {
    throw new Error(`Could not read record with version ${version} from ${name}'s buffer due to: ${errorMessage(e)}.`);
  }
}

/** The consumer protocol's subscription and assignment bytes, decoded when they parse (else kept as bytes). */
function consumerProtocolField(codec: MessageCodec<unknown>, value: unknown): string | undefined {
  if (!Buffer.isBuffer(value) || value.length < 2) return undefined;
  try {
    const version = value.readInt16BE(0);
    return messageJson(codec, codec.decode(new Reader(value, 2), version), version);
  } catch {
    return undefined;
  }
}

function groupValueJson(codec: MessageCodec<unknown>, message: unknown, version: number): string {
  const consumerProtocol = codec === GroupMetadataValue && (message as { protocolType: string }).protocolType === 'consumer';
  const json = messageJson(
    codec,
    message,
    version,
    consumerProtocol
      ? (struct, field, value) => {
          if (struct !== 'MemberMetadata') return undefined;
          if (field === 'subscription') return consumerProtocolField(ConsumerProtocolSubscription as MessageCodec<unknown>, value);
          if (field === 'assignment') return consumerProtocolField(ConsumerProtocolAssignment as MessageCodec<unknown>, value);
          return undefined;
        }
      : undefined,
  );
  return `{"version":${JSON.stringify(String(version))},"data":${json}}`;
}

export const offsetsParser: RecordParser = (record) => {
  if (record.key === null) {
    throw new DumpAbort(
      'java.lang.RuntimeException',
      `Failed to decode message at offset ${record.offset} using offset topic decoder (message had a missing key)`,
    );
  }
  try {
    const recordType = readVersion(record.key, 'key');
    const pair = GROUP_RECORDS.find(([key]) => recordType >= key.validVersions.min && recordType <= key.validVersions.max);
    if (!pair) throw new UnknownRecordType(recordType);
    const [keyCodec, valueCodec] = pair;
    const key = readMessage(keyCodec, record.key, recordType, 'key');
    const keyText = `{"type":${JSON.stringify(String(recordType))},"data":${messageJson(keyCodec, key, recordType)}}`;
    if (record.value === null) return { key: keyText, payload: DELETE };
    const valueVersion = readVersion(record.value, 'value');
    const value = readMessage(valueCodec, record.value, valueVersion, 'value');
    return { key: keyText, payload: groupValueJson(valueCodec, value, valueVersion) };
  } catch (e) {
    if (e instanceof UnknownRecordType) return { key: `Unknown record type ${e.recordType} at offset ${record.offset}, skipping.`, payload: null };
    return { key: `Error at offset ${record.offset}, skipping. ${errorMessage(e)}`, payload: null };
  }
};

// ---- __transaction_state (TransactionLog.formatRecordKeyAndValue) ----

const TRANSACTION_STATES = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence'];

export const transactionLogParser: RecordParser = (record) => {
  if (record.key === null || record.key.length < 2) throw new DumpAbort('java.nio.BufferUnderflowException', 'the record has no transaction log key');
  const keyVersion = record.key.readInt16BE(0);
  if (keyVersion < TransactionLogKey.validVersions.min || keyVersion > TransactionLogKey.validVersions.max) {
    return { key: `unknown::version=${keyVersion}`, payload: null };
  }
  const { transactionalId } = TransactionLogKey.decode(new Reader(record.key, 2), keyVersion);
  const key = `transaction_metadata::transactionalId=${transactionalId}`;
  if (record.value === null) return { key, payload: DELETE };
  const version = record.value.readInt16BE(0);
  if (version < TransactionLogValue.validVersions.min || version > TransactionLogValue.validVersions.max) {
    throw new DumpAbort('java.lang.IllegalStateException', `Unknown version ${version} from the transaction log message value`);
  }
  const value = TransactionLogValue.decode(new Reader(record.value, 2), version);
  const state = TRANSACTION_STATES[value.transactionStatus];
  if (state === undefined) {
    throw new DumpAbort('java.lang.IllegalStateException', `Unknown transaction state id ${value.transactionStatus} from the transaction status message`);
  }
  // Kafka keeps the partitions in a hash set; tk prints them in the order the record lists them.
  const partitions = state === 'Empty' ? [] : (value.transactionPartitions ?? []).flatMap((t) => t.partitionIds.map((p) => `${t.topic}-${p}`));
  const payload =
    `producerId:${value.producerId},producerEpoch:${value.producerEpoch},state=${state},partitions=[${partitions.join(',')}],` +
    `txnLastUpdateTimestamp=${value.transactionLastUpdateTimestampMs},txnTimeoutMs=${value.transactionTimeoutMs}`;
  return { key, payload };
};

// ---- __cluster_metadata (MetadataRecordSerde) ----

export const clusterMetadataParser: RecordParser = (record) => {
  let payload: string;
  try {
    if (record.value === null) throw new Error('the record has no value');
    const framed = decodeMetadataFrame(record.value);
    const codec = metadataRecordCodecs.get(framed.type)!;
    payload = `{"type":"${recordTypeName(codec.name)}","version":${framed.version},"data":${messageJson(codec, framed.message, framed.version)}}`;
  } catch (e) {
    payload = `Error at ${record.offset}, skipping. ${errorMessage(e)}`;
  }
  return { key: null, payload };
};
