// What each kafka-reassign-partitions.sh action asks the cluster, as ReassignPartitionsCommand
// asks it: current assignments from Metadata, brokers from DescribeCluster, reassignments through
// Alter/ListPartitionReassignments, throttles cleared with IncrementalAlterConfigs. Failures come
// back as UserError worded as the tool prints them ("Error: " and the Java exception where Kafka
// prints a stack trace, the bare message for its TerseExceptions).
import { AlterConfigOpType, ConfigResourceType, type Admin } from '../../client/admin.js';
import type { Cluster, TopicPartition } from '../../client/cluster.js';
import { alterPartitionReassignments, listPartitionReassignments, type PartitionReassignment } from '../../client/reassignment-admin.js';
import { ErrorCode, errorInfo, KafkaProtocolError } from '../../protocol/errors.js';
import { UserError } from '../base-command.js';
import { integerHash, javaExceptionClass, javaHashMapCapacity, javaHashOrder } from '../render/java.js';
import { assignReplicasToBrokers, type BrokerRack } from './generate.js';
import type { TargetAssignment } from './options.js';
import { cancelFailureText, executeFailureText, throttleTargets, type CancelResult, type GenerateResult, type PartitionState, type VerifyResult } from './render.js';

const BROKER_THROTTLES = ['leader.replication.throttled.rate', 'follower.replication.throttled.rate', 'replica.alter.log.dirs.io.max.bytes.per.second'];
const TOPIC_THROTTLES = ['leader.replication.throttled.replicas', 'follower.replication.throttled.replicas'];

const EXISTING_REASSIGNMENT =
  'Cannot execute because there is an existing partition assignment.  Use --additional to override this and create a new partition assignment in addition to the existing one. The --additional flag can also be used to change the throttle by resubmitting the current reassignment.';

const key = (tp: TopicPartition): string => `${tp.topic}\0${tp.partition}`;

/** A Kafka error as the tool prints an exception: its Java class, then its message. */
function exceptionText(code: number, message: string): string {
  return `${javaExceptionClass(errorInfo(code).name)}: ${message}`;
}

export class ReassignService {
  constructor(
    private readonly cluster: Cluster,
    private readonly admin: Admin,
  ) {}

  /** The replicas of every partition of these topics (describeTopics; a missing topic is Kafka's "Topic X not found."). */
  private async currentAssignments(topics: readonly string[]): Promise<TargetAssignment[]> {
    const result: TargetAssignment[] = [];
    for (const topic of new Set(topics)) {
      let info;
      try {
        [info] = await this.admin.describeTopics([topic]);
      } catch (err) {
        if (err instanceof KafkaProtocolError && err.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
          throw new UserError(`Error: ${exceptionText(err.code, `Topic ${topic} not found.`)}`);
        }
        throw err;
      }
      for (const p of info!.partitions) result.push({ topic, partition: p.partition, replicas: [...p.replicas] });
    }
    return result;
  }

  async generate(topics: readonly string[], brokerIds: readonly number[], rackAware: boolean): Promise<GenerateResult> {
    const current = await this.currentAssignments(topics);
    const wanted = new Set(brokerIds);
    const brokers: BrokerRack[] = (await this.admin.describeCluster()).brokers.filter((b) => wanted.has(b.nodeId)).map((b) => ({ id: b.nodeId, rack: rackAware ? b.rack : null }));
    const rackless = brokers.filter((b) => b.rack === null).length;
    if (rackAware && rackless !== 0 && rackless !== brokers.length) {
      throw new UserError('Error: Not all brokers have rack information. Add --disable-rack-aware in command line to make replica assignment without rack information.');
    }
    const proposed: TargetAssignment[] = [];
    for (const topic of new Set(current.map((a) => a.topic))) {
      const partitions = current.filter((a) => a.topic === topic);
      const replicationFactor = partitions.find((p) => p.partition === 0)?.replicas.length ?? partitions[0]!.replicas.length;
      assignReplicasToBrokers(brokers, partitions.length, replicationFactor).forEach((replicas, partition) => proposed.push({ topic, partition, replicas }));
    }
    return { current, proposed };
  }

  /**
   * --execute up to the request: refuses while other reassignments run (unless --additional),
   * checks the brokers exist, and returns the partitions' current replicas (the rollback file).
   */
  async prepareExecute(targets: readonly TargetAssignment[], additional: boolean): Promise<TargetAssignment[]> {
    if (!additional && (await listPartitionReassignments(this.cluster)).length > 0) throw new UserError(EXISTING_REASSIGNMENT);
    const known = new Set((await this.admin.describeCluster()).brokers.map((b) => b.nodeId));
    const brokers = [...new Set(targets.flatMap((t) => t.replicas))];
    const unknown = javaHashOrder(brokers, integerHash, javaHashMapCapacity(brokers.length)).find((id) => !known.has(id));
    if (unknown !== undefined) throw new UserError(`Error: Unknown broker id ${unknown}`);
    const wanted = new Set(targets.map(key));
    const current = (await this.currentAssignments(targets.map((t) => t.topic))).filter((a) => wanted.has(key(a)));
    const found = new Set(current.map(key));
    const missing = targets.filter((t) => !found.has(key(t)));
    if (missing.length > 0) {
      throw new UserError(`Error: ${exceptionText(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unable to find partition: ${missing.map((m) => `${m.topic}-${m.partition}`).join(', ')}`)}`);
    }
    return current;
  }

  /** Starts the reassignments; Kafka's TerseException listing the refused partitions if any. */
  async execute(targets: readonly TargetAssignment[]): Promise<TopicPartition[]> {
    const outcomes = await alterPartitionReassignments(this.cluster, targets);
    const failures = outcomes.filter((o) => o.errorCode !== ErrorCode.NONE).map((o) => ({ ...o, message: o.errorMessage ?? errorInfo(o.errorCode).message }));
    if (failures.length > 0) throw new UserError(executeFailureText(failures));
    return targets.map(({ topic, partition }) => ({ topic, partition }));
  }

  async verify(targets: readonly TargetAssignment[], preserveThrottles: boolean): Promise<VerifyResult> {
    const ongoing = await listPartitionReassignments(this.cluster);
    const running = new Map(ongoing.map((r) => [key(r), r]));
    const states: PartitionState[] = [];
    const described = new Map<string, Map<number, number[]> | null>();
    for (const t of targets) {
      const active = running.get(key(t));
      if (active !== undefined) {
        states.push({ topic: t.topic, partition: t.partition, currentReplicas: active.replicas, targetReplicas: t.replicas, done: false });
        continue;
      }
      if (!described.has(t.topic)) described.set(t.topic, await this.replicasByPartition(t.topic));
      const currentReplicas = described.get(t.topic)?.get(t.partition) ?? [];
      states.push({ topic: t.topic, partition: t.partition, currentReplicas, targetReplicas: t.replicas, done: true });
    }
    const cleared = ongoing.length === 0 && !preserveThrottles ? await this.clearThrottles(targets) : null;
    return { states, ongoing: ongoing.length > 0, cleared };
  }

  /** A topic's replicas by partition, null when the topic does not exist. */
  private async replicasByPartition(topic: string): Promise<Map<number, number[]> | null> {
    try {
      const [info] = await this.admin.describeTopics([topic]);
      return new Map(info!.partitions.map((p) => [p.partition, [...p.replicas]]));
    } catch (err) {
      if (err instanceof KafkaProtocolError && err.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) return null;
      throw err;
    }
  }

  async cancel(targets: readonly TargetAssignment[], preserveThrottles: boolean): Promise<CancelResult> {
    const listed = await listPartitionReassignments(this.cluster, targets);
    // Kafka's condition, kept as it is: a reassignment that only adds replicas is not cancelled.
    const cancellable = listed.filter((r) => r.addingReplicas.length === 0 || r.removingReplicas.length > 0);
    if (cancellable.length > 0) {
      const outcomes = await alterPartitionReassignments(
        this.cluster,
        cancellable.map(({ topic, partition }) => ({ topic, partition, replicas: null })),
      );
      const failures = outcomes.filter((o) => o.errorCode !== ErrorCode.NONE).map((o) => ({ ...o, message: o.errorMessage ?? errorInfo(o.errorCode).message }));
      if (failures.length > 0) throw new UserError(cancelFailureText(failures));
    }
    const cleared = preserveThrottles ? null : await this.clearThrottles(targets);
    return { cancelled: cancellable.map(({ topic, partition }) => ({ topic, partition })), cleared };
  }

  list(): Promise<PartitionReassignment[]> {
    return listPartitionReassignments(this.cluster);
  }

  /** clearAllThrottles: deletes the throttle configs of every broker and of the file's topics. */
  private async clearThrottles(targets: readonly TargetAssignment[]): Promise<{ brokers: number[]; topics: string[] }> {
    const clusterBrokers = (await this.admin.describeCluster()).brokers.map((b) => b.nodeId);
    const cleared = throttleTargets(clusterBrokers, targets);
    const deletions = (names: readonly string[]) => names.map((name) => ({ name, op: AlterConfigOpType.DELETE, value: null }));
    const changes = [
      ...cleared.brokers.map((id) => ({ resource: { type: ConfigResourceType.BROKER, name: String(id) }, ops: deletions(BROKER_THROTTLES) })),
      ...cleared.topics.map((topic) => ({ resource: { type: ConfigResourceType.TOPIC, name: topic }, ops: deletions(TOPIC_THROTTLES) })),
    ];
    const outcomes = changes.length === 0 ? [] : await this.admin.incrementalAlterConfigs(changes);
    const failed = outcomes.find((o) => o.error !== null)?.error;
    if (failed) throw new UserError(`Error: ${exceptionText(failed.code, failed.message.slice(failed.errorName.length + 2))}`);
    return cleared;
  }
}
