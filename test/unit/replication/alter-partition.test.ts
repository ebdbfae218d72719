// The controller's AlterPartition decisions against ReplicationControlManager.alterPartition:
// the order of its checks, the error each version answers, and the record an accepted change writes.
import { describe, expect, it } from 'vitest';
import { planAlterPartition } from '../../../daemon/controller/alter-partition.js';
import { EMPTY_IMAGE, replay, type MetadataImage, type MetadataRecord } from '../../../daemon/controller/metadata-image.js';
import type { AlterPartitionRequest, PartitionData } from '../../../src/protocol/generated/clients/alter-partition-request.js';
import { ErrorCode, KafkaProtocolError } from '../../../src/protocol/errors.js';
import { ZERO_UUID } from '../../../src/protocol/primitives.js';

const TOPIC_ID = 'dG9waWMtaWQtZm9yLXRlc3Q';

function broker(brokerId: number, brokerEpoch: bigint, fenced = false): MetadataRecord {
  return {
    type: 'RegisterBroker',
    version: 3,
    record: { brokerId, isMigratingZkBroker: false, incarnationId: `inc-${brokerId}`, brokerEpoch, endPoints: [], features: [], rack: null, fenced, inControlledShutdown: false, logDirs: [] },
  };
}

function image(options: { fenced?: number[] } = {}): MetadataImage {
  const records: MetadataRecord[] = [1, 2, 3].map((id) => broker(id, BigInt(10 * id), options.fenced?.includes(id)));
  records.push({ type: 'Topic', version: 0, record: { name: 'events', topicId: TOPIC_ID } });
  records.push({
    type: 'Partition',
    version: 0,
    record: { partitionId: 0, topicId: TOPIC_ID, replicas: [1, 2, 3], isr: [1, 2, 3], removingReplicas: [], addingReplicas: [], leader: 1, leaderRecoveryState: 0, leaderEpoch: 4, partitionEpoch: 7, directories: [], eligibleLeaderReplicas: null, lastKnownElr: null },
  });
  return replay(EMPTY_IMAGE, records, 5n);
}

function request(partition: Partial<PartitionData>, options: { brokerId?: number; brokerEpoch?: bigint; topicId?: string; topicName?: string } = {}): AlterPartitionRequest {
  return {
    brokerId: options.brokerId ?? 1,
    brokerEpoch: options.brokerEpoch ?? 10n,
    topics: [
      {
        topicName: options.topicName ?? '',
        topicId: options.topicId ?? TOPIC_ID,
        partitions: [{ partitionIndex: 0, leaderEpoch: 4, newIsr: [], newIsrWithEpochs: [], leaderRecoveryState: 0, partitionEpoch: 7, ...partition }],
      },
    ],
  };
}

const withEpochs = (...ids: number[]) => ids.map((brokerId) => ({ brokerId, brokerEpoch: BigInt(10 * brokerId) }));
const errorOf = (img: MetadataImage, req: AlterPartitionRequest, version = 3) => planAlterPartition(img, req, version).response.topics[0].partitions[0].errorCode;

describe('planAlterPartition', () => {
  it('shrinks the ISR with one PartitionChangeRecord and answers the new partition epoch', () => {
    const plan = planAlterPartition(image(), request({ newIsrWithEpochs: withEpochs(1, 3) }), 3);
    expect(plan.records).toEqual([
      {
        type: 'PartitionChange',
        version: 0,
        record: expect.objectContaining({ partitionId: 0, topicId: TOPIC_ID, isr: [1, 3], leader: -2, replicas: null }),
      },
    ]);
    expect(plan.response.topics[0].partitions[0]).toEqual({ partitionIndex: 0, errorCode: 0, leaderId: 1, leaderEpoch: 4, isr: [1, 3], leaderRecoveryState: 0, partitionEpoch: 8 });
    // Replayed, the image agrees with the answer: same leader epoch, partition epoch + 1.
    const after = replay(image(), plan.records, 6n).topicsById.get(TOPIC_ID)!.partitions.get(0)!;
    expect(after).toMatchObject({ isr: [1, 3], leader: 1, leaderEpoch: 4, partitionEpoch: 8 });
  });

  it('writes nothing when the ISR is the same list, and answers the current state', () => {
    const plan = planAlterPartition(image(), request({ newIsrWithEpochs: withEpochs(1, 2, 3) }), 3);
    expect(plan.records).toEqual([]);
    expect(plan.response.topics[0].partitions[0]).toMatchObject({ errorCode: 0, isr: [1, 2, 3], partitionEpoch: 7 });
  });

  it('reads newIsr before v3 and topic names before v2', () => {
    const v1 = planAlterPartition(image(), request({ newIsr: [1, 2] }, { topicId: ZERO_UUID, topicName: 'events' }), 1);
    expect(v1.response.topics[0].partitions[0]).toMatchObject({ errorCode: 0, isr: [1, 2] });
    expect(errorOf(image(), request({ newIsr: [1, 2] }, { topicId: ZERO_UUID, topicName: 'nope' }), 1)).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(errorOf(image(), request({ newIsrWithEpochs: withEpochs(1) }, { topicId: 'bm8tc3VjaC10b3BpYy1pZA' }))).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
  });

  it('fails the whole request for a stale or unknown requester epoch', () => {
    for (const req of [request({ newIsrWithEpochs: withEpochs(1) }, { brokerEpoch: 9n }), request({ newIsrWithEpochs: withEpochs(1) }, { brokerId: 7 })]) {
      let thrown: unknown;
      try {
        planAlterPartition(image(), req, 3);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(KafkaProtocolError);
      expect((thrown as KafkaProtocolError).code).toBe(ErrorCode.STALE_BROKER_EPOCH);
    }
  });

  it('checks the epochs and the requester in Kafka\'s order', () => {
    expect(errorOf(image(), request({ leaderEpoch: 5, newIsrWithEpochs: withEpochs(1) }))).toBe(ErrorCode.NOT_CONTROLLER);
    expect(errorOf(image(), request({ partitionEpoch: 8, newIsrWithEpochs: withEpochs(1) }))).toBe(ErrorCode.NOT_CONTROLLER);
    expect(errorOf(image(), request({ leaderEpoch: 3, newIsrWithEpochs: withEpochs(1) }))).toBe(ErrorCode.FENCED_LEADER_EPOCH);
    expect(errorOf(image(), request({ newIsrWithEpochs: withEpochs(2) }, { brokerId: 2, brokerEpoch: 20n }))).toBe(ErrorCode.INVALID_REQUEST);
    expect(errorOf(image(), request({ partitionEpoch: 6, newIsrWithEpochs: withEpochs(1) }))).toBe(ErrorCode.INVALID_UPDATE_VERSION);
    expect(errorOf(image(), request({ partitionIndex: 3, newIsrWithEpochs: withEpochs(1) }))).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('refuses an ISR outside the replicas, with duplicates, or without the leader', () => {
    expect(errorOf(image(), request({ newIsrWithEpochs: withEpochs(1, 4) }))).toBe(ErrorCode.INVALID_REQUEST);
    expect(errorOf(image(), request({ newIsrWithEpochs: withEpochs(1, 1) }))).toBe(ErrorCode.INVALID_REQUEST);
    expect(errorOf(image(), request({ newIsrWithEpochs: withEpochs(2, 3) }))).toBe(ErrorCode.INVALID_REQUEST);
    expect(errorOf(image(), request({ newIsrWithEpochs: withEpochs(1), leaderRecoveryState: 1 }))).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('refuses fenced members and stale member epochs: INELIGIBLE_REPLICA from v2, OPERATION_NOT_ATTEMPTED before', () => {
    expect(errorOf(image({ fenced: [3] }), request({ newIsrWithEpochs: withEpochs(1, 3) }))).toBe(ErrorCode.INELIGIBLE_REPLICA);
    expect(errorOf(image(), request({ newIsrWithEpochs: [{ brokerId: 1, brokerEpoch: 10n }, { brokerId: 2, brokerEpoch: 19n }] }))).toBe(ErrorCode.INELIGIBLE_REPLICA);
    expect(errorOf(image({ fenced: [3] }), request({ newIsr: [1, 3] }, { topicId: ZERO_UUID, topicName: 'events' }), 1)).toBe(ErrorCode.OPERATION_NOT_ATTEMPTED);
    // -1 skips the member's epoch check.
    expect(errorOf(image(), request({ newIsrWithEpochs: [{ brokerId: 1, brokerEpoch: -1n }, { brokerId: 2, brokerEpoch: -1n }] }))).toBe(ErrorCode.NONE);
  });
});
