// Preferred and unclean leader elections (ElectLeaders) and the controller's preferred-leader
// balancing, against the rules of Kafka's ReplicationControlManager.electLeaders and
// PartitionChangeBuilder's PREFERRED and UNCLEAN elections.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EMPTY_IMAGE, replay, type MetadataImage, type MetadataRecord } from '../../../daemon/controller/metadata-image.js';
import { ElectionType, LeaderBalanceSchedule, planElectLeaders, planLeaderRebalance } from '../../../daemon/controller/leader-election.js';
import { ErrorCode, KafkaProtocolError } from '../../../src/protocol/errors.js';

function brokerRecord(id: number, fenced = false): MetadataRecord {
  return {
    type: 'RegisterBroker',
    version: 3,
    record: { brokerId: id, isMigratingZkBroker: false, incarnationId: `i${id}`, brokerEpoch: BigInt(id), endPoints: [], features: [], rack: null, fenced, inControlledShutdown: false, logDirs: [] },
  };
}

function partitionRecord(topicId: string, partitionId: number, replicas: number[], isr: number[], leader: number): MetadataRecord {
  return {
    type: 'Partition',
    version: 0,
    record: { partitionId, topicId, replicas, isr, removingReplicas: [], addingReplicas: [], leader, leaderRecoveryState: 0, leaderEpoch: 0, partitionEpoch: 0, directories: [], eligibleLeaderReplicas: null, lastKnownElr: null },
  };
}

const topicRecord = (name: string, topicId: string): MetadataRecord => ({ type: 'Topic', version: 0, record: { name, topicId } });

function imageWith(records: MetadataRecord[]): MetadataImage {
  return replay(EMPTY_IMAGE, records, BigInt(records.length));
}

/** Brokers 1-3 (those in `fenced` fenced) and topic t (id T) with the partitions given as [replicas, isr, leader]. */
function cluster(partitions: [number[], number[], number][], fenced: number[] = []): MetadataImage {
  return imageWith([
    ...[1, 2, 3].map((id) => brokerRecord(id, fenced.includes(id))),
    topicRecord('t', 'T'),
    ...partitions.map(([replicas, isr, leader], i) => partitionRecord('T', i, replicas, isr, leader)),
  ]);
}

const changes = (records: MetadataRecord[]) =>
  records.map((r) => {
    const c = r.record as { partitionId: number; leader: number; isr: number[] | null };
    return { partition: c.partitionId, leader: c.leader, isr: c.isr };
  });

const elect = (image: MetadataImage, electionType: number, topicPartitions: { topic: string; partitions: number[] }[] | null) => planElectLeaders(image, { electionType, topicPartitions });

describe('preferred leader election', () => {
  it('moves leadership to the first replica when it is in the ISR and active', () => {
    const image = cluster([[[1, 2, 3], [1, 2, 3], 2]]);
    const { records, response } = elect(image, ElectionType.PREFERRED, [{ topic: 't', partitions: [0] }]);
    expect(changes(records)).toEqual([{ partition: 0, leader: 1, isr: null }]);
    expect(response.replicaElectionResults).toEqual([{ topic: 't', partitionResult: [{ partitionId: 0, errorCode: ErrorCode.NONE, errorMessage: null }] }]);
  });

  it('answers ELECTION_NOT_NEEDED when the first replica already leads', () => {
    const { records, response } = elect(cluster([[[1, 2, 3], [1, 2, 3], 1]]), ElectionType.PREFERRED, [{ topic: 't', partitions: [0] }]);
    expect(records).toEqual([]);
    expect(response.replicaElectionResults[0]!.partitionResult).toEqual([{ partitionId: 0, errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: 'Leader election not needed for topic partition.' }]);
  });

  it('answers PREFERRED_LEADER_NOT_AVAILABLE when the first replica is out of the ISR or fenced', () => {
    for (const image of [cluster([[[1, 2, 3], [2, 3], 2]]), cluster([[[1, 2, 3], [1, 2, 3], 2]], [1])]) {
      const { records, response } = elect(image, ElectionType.PREFERRED, [{ topic: 't', partitions: [0] }]);
      expect(records).toEqual([]);
      expect(response.replicaElectionResults[0]!.partitionResult[0]).toMatchObject({ errorCode: ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, errorMessage: 'The preferred leader was not available.' });
    }
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION with Kafka messages for a topic or partition that does not exist', () => {
    const { response } = elect(cluster([[[1], [1], 1]]), ElectionType.PREFERRED, [
      { topic: 'nope', partitions: [0] },
      { topic: 't', partitions: [7] },
    ]);
    expect(response.replicaElectionResults.map((t) => t.partitionResult[0])).toEqual([
      { partitionId: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'No such topic as nope' },
      { partitionId: 7, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'No such partition as t-7' },
    ]);
  });

  it('with no partitions named, elects every partition and leaves out those already led by their first replica', () => {
    const image = cluster([
      [[1, 2], [1, 2], 1],
      [[2, 3], [2, 3], 3],
      [[3, 1], [1], 1],
    ]);
    const { records, response } = elect(image, ElectionType.PREFERRED, null);
    expect(changes(records)).toEqual([{ partition: 1, leader: 2, isr: null }]);
    expect(response.replicaElectionResults).toEqual([
      {
        topic: 't',
        partitionResult: [
          { partitionId: 1, errorCode: ErrorCode.NONE, errorMessage: null },
          { partitionId: 2, errorCode: ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, errorMessage: 'The preferred leader was not available.' },
        ],
      },
    ]);
  });

  it('refuses an unknown election type as a whole', () => {
    expect(() => elect(cluster([[[1], [1], 1]]), 2, null)).toThrow(new KafkaProtocolError(ErrorCode.INVALID_REQUEST, 'Unknown election type 2'));
  });
});

describe('unclean leader election', () => {
  it('answers ELECTION_NOT_NEEDED while the partition has a leader', () => {
    const { records, response } = elect(cluster([[[1, 2], [2], 2]]), ElectionType.UNCLEAN, [{ topic: 't', partitions: [0] }]);
    expect(records).toEqual([]);
    expect(response.replicaElectionResults[0]!.partitionResult[0]!.errorCode).toBe(ErrorCode.ELECTION_NOT_NEEDED);
  });

  it('prefers an active ISR member, keeping the ISR', () => {
    const image = cluster([[[1, 2, 3], [2, 3], -1]], [1]);
    expect(changes(elect(image, ElectionType.UNCLEAN, [{ topic: 't', partitions: [0] }]).records)).toEqual([{ partition: 0, leader: 2, isr: null }]);
  });

  it('otherwise takes the first active replica outside the ISR, which becomes the ISR alone', () => {
    const image = cluster([[[3, 1, 2], [3], -1]], [3]);
    const { records, response } = elect(image, ElectionType.UNCLEAN, [{ topic: 't', partitions: [0] }]);
    expect(changes(records)).toEqual([{ partition: 0, leader: 1, isr: [1] }]);
    expect(response.replicaElectionResults[0]!.partitionResult[0]!.errorCode).toBe(ErrorCode.NONE);
  });

  it('answers ELIGIBLE_LEADERS_NOT_AVAILABLE when every replica is fenced', () => {
    const image = cluster([[[3], [3], -1]], [3]);
    const { records, response } = elect(image, ElectionType.UNCLEAN, [{ topic: 't', partitions: [0] }]);
    expect(records).toEqual([]);
    expect(response.replicaElectionResults[0]!.partitionResult[0]).toMatchObject({ errorCode: ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE });
  });
});

describe('preferred leader balancing', () => {
  it('elects the first replica wherever it may lead, and nothing where it may not', () => {
    const image = cluster([
      [[1, 2, 3], [1, 2, 3], 2],
      [[2, 3, 1], [2, 3, 1], 2],
      [[3, 1, 2], [1, 2], 1],
      [[1, 2], [1, 2], 2],
    ]);
    expect(changes(planLeaderRebalance(image).records)).toEqual([
      { partition: 0, leader: 1, isr: null },
      { partition: 3, leader: 1, isr: null },
    ]);
  });

  it('stops at the cap and says more passes are needed', () => {
    const image = cluster([
      [[1, 2], [1, 2], 2],
      [[1, 2], [1, 2], 2],
      [[1, 2], [1, 2], 2],
    ]);
    const { records, more } = planLeaderRebalance(image, 2);
    expect(records).toHaveLength(2);
    expect(more).toBe(true);
  });
});

describe('LeaderBalanceSchedule', () => {
  afterEach(() => vi.useRealTimers());

  it('runs a pass one interval after an operation leaves a partition imbalanced, and not while balanced', async () => {
    vi.useFakeTimers();
    let image = cluster([[[1, 2], [1, 2], 1]]);
    let passes = 0;
    const schedule = new LeaderBalanceSchedule(1000, () => image, async () => {
      passes++;
      image = cluster([[[1, 2], [1, 2], 1]]);
      return false;
    });
    schedule.maybeSchedule();
    await vi.advanceTimersByTimeAsync(5000);
    expect(passes).toBe(0);
    image = cluster([[[1, 2], [1, 2], 2]]);
    schedule.maybeSchedule();
    await vi.advanceTimersByTimeAsync(999);
    expect(passes).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(passes).toBe(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(passes).toBe(1);
  });

  it('runs the next pass at once when the last one hit its cap, and none after cancel', async () => {
    vi.useFakeTimers();
    const image = cluster([[[1, 2], [1, 2], 2]]);
    let passes = 0;
    const schedule = new LeaderBalanceSchedule(1000, () => image, async () => ++passes < 3);
    schedule.maybeSchedule();
    await vi.advanceTimersByTimeAsync(1000);
    expect(passes).toBe(1);
    await vi.advanceTimersByTimeAsync(10);
    expect(passes).toBe(2);
    await vi.advanceTimersByTimeAsync(10);
    expect(passes).toBe(3);
    // The last pass did not hit its cap: the next waits a whole interval.
    await vi.advanceTimersByTimeAsync(999);
    expect(passes).toBe(3);
    schedule.cancel();
    await vi.advanceTimersByTimeAsync(5000);
    expect(passes).toBe(3);
  });
});
