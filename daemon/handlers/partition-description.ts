// A partition as Metadata and DescribeTopicPartitions describe it. No replica is reported
// offline: a broker that is gone is fenced and leaves the ISR instead.
import { ErrorCode } from '../../src/protocol/errors.js';
import type { PartitionImage } from '../controller/metadata-image.js';

export function describePartition(p: PartitionImage) {
  return {
    errorCode: p.leader < 0 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
    partitionIndex: p.partitionId,
    leaderId: p.leader,
    leaderEpoch: p.leaderEpoch,
    replicaNodes: [...p.replicas],
    isrNodes: [...p.isr],
    offlineReplicas: [] as number[],
  };
}
