// ConsumerGroupService's gathering: what each action asks of the cluster, in Kafka's order, handed
// to the renderers. Failures Kafka reports as `Error: Executing consumer group command failed due
// to …` are thrown as ResetFailure; refusals of the arguments as ConsumerGroupsUsageError.
import type { Admin } from '../../client/admin.js';
import type { TopicPartition } from '../../client/cluster.js';
import { CONSUMER_PROTOCOL_TYPE, type GroupAdmin, type GroupDescription } from '../../client/group-admin.js';
import { ErrorCode, errorInfo, KafkaProtocolError } from '../../protocol/errors.js';
import { javaExceptionClass } from '../render/java.js';
import { ConsumerGroupsUsageError, splitTopicArgs, type ConsumerGroupsOptions } from './options.js';
import { orderOffsetRows, type Chunk, type GroupListingView, type GroupMembers, type GroupOffsets, type GroupStateView, type OffsetRow } from './render.js';
import { groupOrder, keyOf, planGroupReset, ResetFailure, type LogFacts, type PlannedOffset, type ScenarioValue } from './reset.js';

/** Exceptions Kafka's Errors enum names differently from the error name. */
const EXCEPTION_NAMES: Readonly<Record<string, string>> = { NON_EMPTY_GROUP: 'org.apache.kafka.common.errors.GroupNotEmptyException' };

/** `org.apache.kafka.common.errors.XException: message`, as a Kafka exception's toString reads. */
export function kafkaExceptionText(code: number): string {
  const info = errorInfo(code);
  return `${EXCEPTION_NAMES[info.name] ?? javaExceptionClass(info.name)}: ${info.message}`;
}

/** The ExecutionException Kafka's Admin futures fail with, as its toString reads. */
export const executionFailure = (code: number): string => `java.util.concurrent.ExecutionException: ${kafkaExceptionText(code)}`;

/** A protocol error from src/client as the failure line Kafka prints for it. */
export function failureOf(err: unknown): ResetFailure | null {
  if (err instanceof KafkaProtocolError) return new ResetFailure(executionFailure(err.code));
  return null;
}

export class ConsumerGroupService {
  constructor(
    private readonly groups: GroupAdmin,
    private readonly admin: Admin,
    private readonly o: ConsumerGroupsOptions,
  ) {}

  /** listConsumerGroups: consumer groups and groups that only hold offsets, in the Admin's HashMap order. */
  async listings(filters: { states?: string[]; types?: string[] } = {}): Promise<GroupListingView[]> {
    const { listingOrder } = await import('./render.js');
    const listed = await this.groups.listGroups({ states: filters.states, types: filters.types?.map((t) => t.toLowerCase()) });
    const consumer = listed.filter((g) => g.protocolType === CONSUMER_PROTOCOL_TYPE || g.protocolType === '');
    return listingOrder(consumer).map((g) => ({
      groupId: g.groupId,
      state: g.state === '' ? 'Unknown' : g.state,
      type: g.type === '' ? 'Unknown' : g.type.charAt(0).toUpperCase() + g.type.slice(1).toLowerCase(),
    }));
  }

  async groupIds(): Promise<string[]> {
    return this.o.allGroups ? (await this.listings()).map((l) => l.groupId) : [...this.o.group];
  }

  /** describeConsumerGroups: an unknown group reads as Dead, as Kafka's Admin reads it. */
  async describe(groupIds: readonly string[]): Promise<GroupDescription[]> {
    const described = await this.groups.describeGroups(groupIds);
    for (const d of described) {
      if (d.errorCode === ErrorCode.GROUP_ID_NOT_FOUND) {
        d.state = 'Dead';
        d.errorCode = ErrorCode.NONE;
      }
      if (d.errorCode !== ErrorCode.NONE) throw new ResetFailure(executionFailure(d.errorCode));
      if (d.protocolType !== CONSUMER_PROTOCOL_TYPE && d.protocolType !== '') {
        throw new ResetFailure(`java.lang.IllegalArgumentException: GroupId ${d.groupId} is not a consumer group (${d.protocolType}).`);
      }
    }
    return described;
  }

  async committed(group: string): Promise<Map<string, bigint>> {
    const offsets = await this.groups.fetchOffsets(group);
    return new Map(offsets.map((o) => [keyOf(o), o.offset]));
  }

  /** Offsets ListOffsets answered; a partition it could not answer for is left out (Kafka's Unknown). */
  async logOffsets(partitions: readonly TopicPartition[], spec: 'earliest' | 'latest' | bigint): Promise<Map<string, bigint>> {
    if (partitions.length === 0) return new Map();
    const outcomes = await this.admin.listOffsetsPerPartition(partitions, spec);
    return new Map(outcomes.filter((o) => o.error === null).map((o) => [keyOf(o), o.offset]));
  }

  /** collectGroupsOffsets, groups sorted by id (Kafka's TreeMap). */
  async offsets(groupIds: readonly string[]): Promise<GroupOffsets[]> {
    const described = await this.describe(groupIds);
    const result: GroupOffsets[] = [];
    for (const d of sortedById(described)) {
      const committed = await this.groups.fetchOffsets(d.groupId);
      const committedByKey = new Map(committed.map((c) => [keyOf(c), c.offset]));
      const assigned = new Set<string>();
      const memberRows: OffsetRow[][] = d.members.map((m) =>
        m.assignment.map((tp) => {
          assigned.add(keyOf(tp));
          return { group: d.groupId, ...tp, offset: committedByKey.get(keyOf(tp)) ?? null, logEndOffset: null, consumerId: m.memberId, host: m.clientHost, clientId: m.clientId };
        }),
      );
      const unassigned: OffsetRow[] = committed
        .filter((c) => !assigned.has(keyOf(c)))
        .map((c) => ({ group: d.groupId, topic: c.topic, partition: c.partition, offset: c.offset, logEndOffset: null, consumerId: null, host: null, clientId: null }));
      const rows = orderOffsetRows(memberRows, unassigned);
      const ends = await this.logOffsets(rows, 'latest');
      for (const row of rows) row.logEndOffset = ends.get(keyOf(row)) ?? null;
      result.push({ group: d.groupId, state: d.state, rows });
    }
    return result;
  }

  async members(groupIds: readonly string[]): Promise<GroupMembers[]> {
    const described = await this.describe(groupIds);
    return sortedById(described).map((d) => ({
      group: d.groupId,
      state: d.state,
      members: d.members.map((m) => ({ group: d.groupId, consumerId: m.memberId, groupInstanceId: m.groupInstanceId, host: m.clientHost, clientId: m.clientId, assignment: m.assignment })),
    }));
  }

  async states(groupIds: readonly string[]): Promise<GroupStateView[]> {
    const described = await this.describe(groupIds);
    return sortedById(described).map((d) => ({
      group: d.groupId,
      coordinator: { host: d.coordinator.host, port: d.coordinator.port, nodeId: d.coordinator.nodeId },
      assignmentStrategy: d.assignor,
      state: d.state,
      members: d.members.length,
    }));
  }

  /** The partitions --topic names: `t:0,1` as given, a bare topic as all its partitions. */
  async topicPartitions(args: readonly string[]): Promise<{ partitions: TopicPartition[]; unknownTopics: string[] }> {
    const { partitions, topics } = splitTopicArgs(args);
    const unknownTopics: string[] = [];
    if (topics.length > 0) {
      const metadata = await this.admin.cluster.refreshMetadata([...new Set(topics)]);
      for (const topic of new Set(topics)) {
        const info = metadata.topics.get(topic);
        if (!info || info.errorCode !== ErrorCode.NONE) unknownTopics.push(topic);
        else partitions.push(...info.partitions.map((p) => ({ topic, partition: p.partition })));
      }
    }
    return { partitions, unknownTopics };
  }

  logFacts(): LogFacts {
    return {
      earliest: (ps) => this.logOffsets(ps, 'earliest'),
      latest: (ps) => this.logOffsets(ps, 'latest'),
      forTimestamp: (ps, ts) => this.logOffsets(ps, ts),
      committed: (group) => this.committed(group),
    };
  }

  /**
   * resetOffsets: groups without active members get a plan (committed with --execute); others
   * are refused with Kafka's error and an empty plan.
   */
  async resetOffsets(value: ScenarioValue, execute: boolean): Promise<{ group: string; offsets: PlannedOffset[]; refused: string | null; notes: Chunk[] }[]> {
    const ids = await this.groupIds();
    const described = new Map((await this.describe(ids)).map((d) => [d.groupId, d]));
    const results = [];
    for (const group of groupOrder(ids)) {
      const state = described.get(group)!.state;
      if (state !== 'Empty' && state !== 'Dead') {
        results.push({ group, offsets: [], notes: [], refused: `Assignments can only be reset if the group '${group}' is inactive, but the current state is ${state}.` });
        continue;
      }
      const partitions = await this.partitionsToReset(group, value);
      const { offsets, notes } = await planGroupReset(group, partitions, value, this.logFacts());
      if (execute && offsets.length > 0) {
        const committed = await this.groups.commitOffsets(group, offsets);
        const failed = committed.find((c) => c.errorCode !== ErrorCode.NONE);
        if (failed) throw new ResetFailure(executionFailure(failed.errorCode));
      }
      results.push({ group, offsets, notes, refused: null });
    }
    return results;
  }

  private async partitionsToReset(group: string, value: ScenarioValue): Promise<TopicPartition[]> {
    if (this.o.allTopics) return (await this.groups.fetchOffsets(group)).map((c) => ({ topic: c.topic, partition: c.partition }));
    if (this.o.topic.length > 0) {
      const { partitions, unknownTopics } = await this.topicPartitions(this.o.topic);
      if (unknownTopics.length > 0) throw new ResetFailure(executionFailure(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
      return partitions;
    }
    if (value.scenario !== 'from-file') throw new ConsumerGroupsUsageError('One of the reset scopes should be defined: --all-topics, --topic.');
    return [];
  }

  /** deleteGroups: the error text per group, null when deleted. */
  async deleteGroups(): Promise<{ group: string; error: string | null }[]> {
    const ids = await this.groupIds();
    const results = await this.groups.deleteGroups(ids);
    return [...new Set(ids)].map((group) => {
      const code = results.get(group) ?? ErrorCode.NONE;
      return { group, error: code === ErrorCode.NONE ? null : executionFailure(code) };
    });
  }

  /** deleteOffsets: the top-level error name and each partition's outcome (topics that do not exist as partition -1). */
  async deleteOffsets(): Promise<{ errorName: string; partitions: { topic: string; partition: number; error: string | null }[] }> {
    const group = this.o.group[0]!;
    const { partitions, unknownTopics } = await this.topicPartitions(this.o.topic);
    const outcomes: { topic: string; partition: number; error: string | null }[] = unknownTopics.map((topic) => ({
      topic,
      partition: -1,
      error: kafkaExceptionText(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION),
    }));
    const unique = [...new Map(partitions.map((p) => [keyOf(p), p])).values()];
    if (unique.length === 0) return { errorName: 'NONE', partitions: outcomes };
    const result = await this.groups.deleteOffsets(group, unique);
    const byKey = new Map(result.partitions.map((p) => [keyOf(p), p.errorCode]));
    for (const p of unique) {
      const code = result.errorCode !== ErrorCode.NONE ? result.errorCode : (byKey.get(keyOf(p)) ?? ErrorCode.NONE);
      outcomes.push({ topic: p.topic, partition: p.partition, error: code === ErrorCode.NONE ? null : kafkaExceptionText(code) });
    }
    const partitionError = result.partitions.find((p) => p.errorCode !== ErrorCode.NONE);
    const top = result.errorCode !== ErrorCode.NONE ? result.errorCode : (partitionError?.errorCode ?? ErrorCode.NONE);
    return { errorName: errorInfo(top).name, partitions: outcomes };
  }
}

function sortedById(described: readonly GroupDescription[]): GroupDescription[] {
  const unique = [...new Map(described.map((d) => [d.groupId, d])).values()];
  return unique.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
}
