// Leader elections asked for by an admin (ElectLeaders v0-2, KIP-183 and KIP-460) and the
// controller's own preferred-leader balancing (auto.leader.rebalance.enable), as Kafka's
// ReplicationControlManager.electLeaders and maybeBalancePartitionLeaders decide them with
// PartitionChangeBuilder's PREFERRED and UNCLEAN elections. Not modelled: eligible leader replicas
// (KIP-966) and the RECOVERING leader recovery state an unclean election sets in Kafka (the new
// leader serves at once, as placement.ts's unclean elections do). leader.imbalance.per.broker.percentage
// is not consulted: Kafka's KRaft controller ignores it and balances every imbalanced partition.
import type { ElectLeadersRequest } from '../../src/protocol/generated/clients/elect-leaders-request.js';
import type { ElectLeadersResponse, PartitionResult, ReplicaElectionResult } from '../../src/protocol/generated/clients/elect-leaders-response.js';
import { ErrorCode, errorInfo, KafkaProtocolError } from '../../src/protocol/errors.js';
import type { MetadataImage, MetadataRecord, PartitionImage } from './metadata-image.js';
import { isActiveBroker, NO_LEADER, partitionChange } from './placement.js';

/** Kafka's ElectionType: what the ElectLeaders request's byte means. */
export const ElectionType = { PREFERRED: 0, UNCLEAN: 1 } as const;
export type ElectionType = (typeof ElectionType)[keyof typeof ElectionType];

/** ReplicationControlManager.MAX_ELECTIONS_PER_IMBALANCE: elections one balancing pass writes at most. */
export const MAX_ELECTIONS_PER_IMBALANCE = 1000;

export interface ElectLeadersPlan {
  records: MetadataRecord[];
  response: ElectLeadersResponse;
}

/** A partition's new leader and, for an unclean election, its new ISR; null when nothing changes. */
interface Election {
  leader: number;
  isr: number[] | null;
}

/**
 * ElectLeaders against the committed image: one PartitionChangeRecord per partition whose leader
 * moves. A null topic list means every partition, and then partitions already led as asked are
 * left out of the response; named partitions each get a result. An unknown election type fails
 * the whole request (INVALID_REQUEST), as Kafka's controller throws before looking at partitions.
 */
export function planElectLeaders(image: MetadataImage, request: Pick<ElectLeadersRequest, 'electionType' | 'topicPartitions'>): ElectLeadersPlan {
  const type = request.electionType;
  if (type !== ElectionType.PREFERRED && type !== ElectionType.UNCLEAN) throw new KafkaProtocolError(ErrorCode.INVALID_REQUEST, `Unknown election type ${type}`);
  const records: MetadataRecord[] = [];
  const results: ReplicaElectionResult[] = [];
  if (request.topicPartitions === null) {
    for (const topic of image.topicsByName.values()) {
      const partitionResult: PartitionResult[] = [];
      for (const partitionId of [...topic.partitions.keys()].sort((a, b) => a - b)) {
        const result = electLeader(image, topic.name, partitionId, type, records);
        if (result.errorCode !== ErrorCode.ELECTION_NOT_NEEDED) partitionResult.push(result);
      }
      results.push({ topic: topic.name, partitionResult });
    }
  } else {
    for (const { topic, partitions } of request.topicPartitions) {
      results.push({ topic, partitionResult: partitions.map((partitionId) => electLeader(image, topic, partitionId, type, records)) });
    }
  }
  return { records, response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults: results } };
}

/** ReplicationControlManager.electLeader: the outcome for one partition, its record (if any) pushed onto `records`. */
function electLeader(image: MetadataImage, topicName: string, partitionId: number, type: ElectionType, records: MetadataRecord[]): PartitionResult {
  const outcome = (errorCode: number, errorMessage: string | null = errorInfo(errorCode).message): PartitionResult => ({ partitionId, errorCode, errorMessage });
  const topic = image.topicsByName.get(topicName);
  if (topic === undefined) return outcome(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `No such topic as ${topicName}`);
  const partition = topic.partitions.get(partitionId);
  if (partition === undefined) return outcome(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `No such partition as ${topicName}-${partitionId}`);
  const alreadyElected = type === ElectionType.PREFERRED ? hasPreferredLeader(partition) : partition.leader !== NO_LEADER;
  if (alreadyElected) return outcome(ErrorCode.ELECTION_NOT_NEEDED);
  const election = type === ElectionType.PREFERRED ? preferredElection(image, partition) : uncleanElection(image, partition);
  if (election === null) return outcome(type === ElectionType.PREFERRED ? ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE : ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE);
  records.push(partitionChange(topic.topicId, partitionId, election.leader, election.isr));
  return outcome(ErrorCode.NONE, null);
}

function hasPreferredLeader(partition: PartitionImage): boolean {
  return partition.leader === partition.replicas[0];
}

/** An ISR member on an active broker: a leader a clean election may choose. */
function validLeader(image: MetadataImage, partition: PartitionImage, id: number): boolean {
  return partition.isr.includes(id) && isActiveBroker(image.brokers.get(id));
}

/**
 * PartitionChangeBuilder's PREFERRED election: the first replica if it may lead; else the current
 * leader stays if it may; else the next replica in order that may; else no leader.
 */
function preferredElection(image: MetadataImage, partition: PartitionImage): Election | null {
  const [preferred, ...others] = partition.replicas;
  let leader: number;
  if (preferred !== undefined && validLeader(image, partition, preferred)) leader = preferred;
  else if (validLeader(image, partition, partition.leader)) leader = partition.leader;
  else leader = others.find((id) => validLeader(image, partition, id)) ?? NO_LEADER;
  return leader === partition.leader ? null : { leader, isr: null };
}

/**
 * PartitionChangeBuilder's UNCLEAN election of a leaderless partition: the first ISR member that
 * may lead, else the first replica on an active broker, which becomes the ISR alone.
 */
function uncleanElection(image: MetadataImage, partition: PartitionImage): Election | null {
  const clean = partition.replicas.find((id) => validLeader(image, partition, id));
  if (clean !== undefined) return { leader: clean, isr: null };
  const unclean = partition.replicas.find((id) => isActiveBroker(image.brokers.get(id)));
  return unclean === undefined ? null : { leader: unclean, isr: [unclean] };
}

/** Partitions whose leader is not their first replica (ReplicationControlManager's imbalancedPartitions). */
export function hasImbalancedPartitions(image: MetadataImage): boolean {
  for (const topic of image.topicsByName.values()) {
    for (const partition of topic.partitions.values()) if (!hasPreferredLeader(partition)) return true;
  }
  return false;
}

/**
 * maybeBalancePartitionLeaders: a PREFERRED election on every imbalanced partition, at most
 * `maxElections` records. `more` says the cap was reached, so another pass should follow at once.
 */
export function planLeaderRebalance(image: MetadataImage, maxElections = MAX_ELECTIONS_PER_IMBALANCE): { records: MetadataRecord[]; more: boolean } {
  const records: MetadataRecord[] = [];
  for (const topic of image.topicsByName.values()) {
    for (const partition of topic.partitions.values()) {
      if (records.length >= maxElections) return { records, more: true };
      if (hasPreferredLeader(partition)) continue;
      const election = preferredElection(image, partition);
      if (election !== null) records.push(partitionChange(topic.topicId, partition.partitionId, election.leader, election.isr));
    }
  }
  return { records, more: records.length >= maxElections };
}

/**
 * When the active controller balances leaders (QuorumController.maybeScheduleNextBalancePartitionLeaders):
 * after each of its operations, if some partition is imbalanced and no pass is pending, a pass is
 * scheduled leader.imbalance.check.interval.seconds later, or 10 ms later when the previous pass
 * hit its cap.
 */
export class LeaderBalanceSchedule {
  private state: 'idle' | 'pending' = 'idle';
  private immediately = false;
  private timer: NodeJS.Timeout | null = null;
  private checkedImage: MetadataImage | null = null;
  /** Bumped by cancel, so a pass that was running then settles nothing. */
  private generation = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly image: () => MetadataImage,
    /** Runs one balancing pass as a controller operation; resolves with whether more passes are needed. */
    private readonly balance: () => Promise<boolean>,
  ) {}

  /** Called after every controller operation while active. */
  maybeSchedule(): void {
    if (this.state === 'pending') return;
    const image = this.image();
    // The image only changes when the metadata advances, so an unchanged one needs no second scan.
    if (image === this.checkedImage) return;
    this.checkedImage = image;
    if (!hasImbalancedPartitions(image)) return;
    this.state = 'pending';
    this.timer = setTimeout(() => this.run(), this.immediately ? 10 : this.intervalMs);
    this.timer.unref();
  }

  private run(): void {
    this.timer = null;
    const generation = this.generation;
    this.balance().then(
      (more) => this.settle(generation, more),
      () => this.settle(generation, false),
    );
  }

  private settle(generation: number, more: boolean): void {
    if (generation !== this.generation) return;
    this.state = 'idle';
    this.immediately = more;
    this.checkedImage = null;
    this.maybeSchedule();
  }

  /** Leadership of the quorum moved away (QuorumController.renounce). */
  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.generation++;
    this.state = 'idle';
    this.immediately = false;
    this.checkedImage = null;
  }
}
