// The controller's side of AlterPartition (KIP-497, KIP-841, KIP-903): a partition leader asks to
// change its ISR. Checked as Kafka's ReplicationControlManager.alterPartition checks it (the
// requester's broker epoch, then per partition: leader and partition epochs, that the requester
// leads, a valid ISR holding the leader, every member registered and unfenced with the epoch it
// names); an accepted change becomes one PartitionChangeRecord, none when the ISR is unchanged.
// On a partition being reassigned the change may also complete the reassignment (reassignment.ts).
// Leader recovery (unclean elections) is not modelled: the recovery state is always RECOVERED.
import type { AlterPartitionRequest } from '../../src/protocol/generated/clients/alter-partition-request.js';
import type { AlterPartitionResponse, PartitionData as PartitionResult, TopicData as TopicResult } from '../../src/protocol/generated/clients/alter-partition-response.js';
import { ErrorCode, KafkaProtocolError } from '../../src/protocol/errors.js';
import { ZERO_UUID } from '../../src/protocol/primitives.js';
import { mergePartitionChange, type MetadataImage, type MetadataRecord, type PartitionImage } from './metadata-image.js';
import { NO_LEADER_CHANGE, partitionChange } from './placement.js';
import { isReassigning, reassigningIsrChange } from './reassignment.js';

const TOPIC_IDS_VERSION = 2;
const ISR_WITH_EPOCHS_VERSION = 3;
const RECOVERED = 0;
const RECOVERING = 1;
/** A broker epoch of -1 in the request skips the epoch check for that member. */
const ANY_BROKER_EPOCH = -1n;

export interface AlterPartitionPlan {
  records: MetadataRecord[];
  response: AlterPartitionResponse;
}

/**
 * Works out the records and the response for one AlterPartition request against the committed
 * image. A stale requester epoch fails the whole request (STALE_BROKER_EPOCH), as Kafka's
 * checkBrokerEpoch throws before looking at any partition.
 */
export function planAlterPartition(image: MetadataImage, request: AlterPartitionRequest, apiVersion: number): AlterPartitionPlan {
  const requester = image.brokers.get(request.brokerId);
  if (!requester) throw new KafkaProtocolError(ErrorCode.STALE_BROKER_EPOCH, `No broker registration found for broker id ${request.brokerId}`);
  if (requester.epoch !== request.brokerEpoch) {
    throw new KafkaProtocolError(ErrorCode.STALE_BROKER_EPOCH, `Expected broker epoch ${requester.epoch}, but got broker epoch ${request.brokerEpoch}`);
  }
  const records: MetadataRecord[] = [];
  const topics = request.topics.map((t): TopicResult => {
    const result: TopicResult = { topicName: t.topicName, topicId: t.topicId, partitions: [] };
    const topic = apiVersion >= TOPIC_IDS_VERSION ? (t.topicId === ZERO_UUID ? undefined : image.topicsById.get(t.topicId)) : image.topicsByName.get(t.topicName);
    for (const p of t.partitions) {
      const refused = (errorCode: number): PartitionResult => ({ partitionIndex: p.partitionIndex, errorCode, leaderId: -1, leaderEpoch: -1, isr: [], leaderRecoveryState: RECOVERED, partitionEpoch: -1 });
      if (!topic) {
        result.partitions.push(refused(apiVersion >= TOPIC_IDS_VERSION ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
        continue;
      }
      const members = apiVersion >= ISR_WITH_EPOCHS_VERSION ? p.newIsrWithEpochs : p.newIsr.map((brokerId) => ({ brokerId, brokerEpoch: ANY_BROKER_EPOCH }));
      const partition = topic.partitions.get(p.partitionIndex);
      const error = partition ? validate(image, request.brokerId, partition, p, members, apiVersion) : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      if (error !== ErrorCode.NONE || !partition) {
        result.partitions.push(refused(error));
        continue;
      }
      const newIsr = members.map((m) => m.brokerId);
      const change = isReassigning(partition)
        ? reassigningIsrChange(image, topic.topicId, partition, newIsr)
        : sameList(newIsr, partition.isr)
          ? null
          : partitionChange(topic.topicId, p.partitionIndex, NO_LEADER_CHANGE, newIsr);
      if (change !== null) records.push(change);
      const after = change?.type === 'PartitionChange' ? mergePartitionChange(partition, change.record) : partition;
      if (after.leader !== request.brokerId) {
        // The change completed a reassignment that moved the leadership away: the change stands,
        // and the requester learns it no longer leads (ReplicationControlManager.alterPartition).
        result.partitions.push(refused(apiVersion > 1 ? ErrorCode.NEW_LEADER_ELECTED : ErrorCode.FENCED_LEADER_EPOCH));
        continue;
      }
      result.partitions.push({
        partitionIndex: p.partitionIndex,
        errorCode: ErrorCode.NONE,
        leaderId: after.leader,
        leaderEpoch: after.leaderEpoch,
        isr: [...after.isr],
        leaderRecoveryState: RECOVERED,
        partitionEpoch: after.partitionEpoch,
      });
    }
    return result;
  });
  return { records, response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, topics } };
}

function validate(
  image: MetadataImage,
  requesterId: number,
  partition: PartitionImage,
  requested: AlterPartitionRequest['topics'][number]['partitions'][number],
  members: readonly { brokerId: number; brokerEpoch: bigint }[],
  apiVersion: number,
): number {
  // Epochs ahead of this controller's image: it is probably no longer the active controller.
  if (requested.leaderEpoch > partition.leaderEpoch || requested.partitionEpoch > partition.partitionEpoch) return ErrorCode.NOT_CONTROLLER;
  if (requested.leaderEpoch < partition.leaderEpoch) return ErrorCode.FENCED_LEADER_EPOCH;
  if (requesterId !== partition.leader) return ErrorCode.INVALID_REQUEST;
  if (requested.partitionEpoch < partition.partitionEpoch) return ErrorCode.INVALID_UPDATE_VERSION;
  const ids = members.map((m) => m.brokerId);
  const validIsr = ids.length > 0 && new Set(ids).size === ids.length && ids.every((id) => partition.replicas.includes(id));
  if (!validIsr || !ids.includes(partition.leader)) return ErrorCode.INVALID_REQUEST;
  if (requested.leaderRecoveryState === RECOVERING) return ErrorCode.INVALID_REQUEST;
  const ineligible = members.some(({ brokerId, brokerEpoch }) => {
    const broker = image.brokers.get(brokerId);
    return !broker || broker.fenced || (brokerEpoch !== ANY_BROKER_EPOCH && broker.epoch !== brokerEpoch);
  });
  if (ineligible) return apiVersion > 1 ? ErrorCode.INELIGIBLE_REPLICA : ErrorCode.OPERATION_NOT_ATTEMPTED;
  return ErrorCode.NONE;
}

/** Kafka compares the ISR as a list: the same members in another order is a change. */
function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, i) => b[i] === id);
}
