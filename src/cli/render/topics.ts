// What `tk topics` prints: kafka-topics.sh's text byte for byte (TopicCommand), one JSON
// document with the same facts, or tables for a terminal. Pure functions over plain data, so they
// are tested table-driven.
import type { Terminal } from '../terminal.js';

/** A partition as the describe action sees it. */
export interface PartitionView {
  partition: number;
  /** null: no leader. */
  leader: number | null;
  replicas: readonly number[];
  isr: readonly number[];
  /** null when the broker does not report ELR (printed as N/A). */
  elr: readonly number[] | null;
  lastKnownElr: readonly number[] | null;
}

export interface TopicView {
  name: string;
  /** base64url; the all-zero id is not printed. */
  topicId: string;
  /** Sorted by partition. */
  partitions: readonly PartitionView[];
  /** Every config entry DescribeConfigs returned, with whether it is the default. */
  configs: readonly { name: string; value: string | null; isDefault: boolean }[];
}

export interface DescribeFilters {
  underReplicated: boolean;
  underMinIsr: boolean;
  atMinIsr: boolean;
  unavailable: boolean;
  topicsWithOverrides: boolean;
}

export const NO_DESCRIBE_FILTERS: DescribeFilters = { underReplicated: false, underMinIsr: false, atMinIsr: false, unavailable: false, topicsWithOverrides: false };

/** What describe prints of one topic: its summary line (or not) and the partitions that pass the filters. */
export interface TopicDescription {
  name: string;
  topicId: string;
  partitionCount: number;
  replicationFactor: number;
  /** The entries that are not defaults, in the broker's order. */
  configs: { name: string; value: string | null }[];
  /** Whether the summary line is printed. */
  summary: boolean;
  partitions: PartitionView[];
}

const ZERO_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

export const COLLISION_WARNING =
  "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.";

export const INTERNAL_TOPICS: ReadonlySet<string> = new Set(['__consumer_offsets', '__transaction_state', '__share_group_state']);

/**
 * Applies --under-replicated-partitions and the other filters as TopicCommand's DescribeOptions
 * does: any partition filter hides the summary lines; --topics-with-overrides hides partitions
 * and topics without a non-default config.
 */
export function selectDescription(topics: readonly TopicView[], filters: DescribeFilters, liveBrokers: ReadonlySet<number>): TopicDescription[] {
  const describeConfigs = !filters.unavailable && !filters.underReplicated && !filters.underMinIsr && !filters.atMinIsr;
  const describePartitions = !filters.topicsWithOverrides;
  return topics.map((topic) => {
    const configs = topic.configs.filter((c) => !c.isDefault).map((c) => ({ name: c.name, value: c.value }));
    const minIsrEntry = topic.configs.find((c) => c.name === 'min.insync.replicas');
    const minIsr = Number.parseInt(minIsrEntry?.value ?? '1', 10);
    const replicationFactor = topic.partitions[0]?.replicas.length ?? 0;
    const partitions = describePartitions
      ? topic.partitions.filter((p) => {
          const hasLeader = p.leader !== null;
          return (
            describeConfigs ||
            (filters.underReplicated && p.replicas.length - p.isr.length > 0) ||
            (filters.unavailable && (!hasLeader || !liveBrokers.has(p.leader!))) ||
            (filters.underMinIsr && (!hasLeader || p.isr.length < minIsr)) ||
            (filters.atMinIsr && p.isr.length === minIsr)
          );
        })
      : [];
    return {
      name: topic.name,
      topicId: topic.topicId,
      partitionCount: topic.partitions.length,
      replicationFactor,
      configs,
      summary: describeConfigs && (!filters.topicsWithOverrides || configs.length > 0),
      partitions,
    };
  });
}

const ids = (list: readonly number[]): string => list.join(',');

export function renderDescribeText(topics: readonly TopicDescription[]): string {
  let out = '';
  for (const t of topics) {
    if (t.summary) {
      out += `Topic: ${t.name}`;
      if (t.topicId !== ZERO_TOPIC_ID) out += `\tTopicId: ${t.topicId}`;
      out += `\tPartitionCount: ${t.partitionCount}\tReplicationFactor: ${t.replicationFactor}`;
      out += `\tConfigs: ${t.configs.map((c) => `${c.name}=${c.value}`).join(',')}\n`;
    }
    for (const p of t.partitions) {
      out += `\tTopic: ${t.name}\tPartition: ${p.partition}\tLeader: ${p.leader === null ? 'none' : p.leader}`;
      out += `\tReplicas: ${ids(p.replicas)}\tIsr: ${ids(p.isr)}`;
      out += `\tElr: ${p.elr === null ? 'N/A' : ids(p.elr)}\tLastKnownElr: ${p.lastKnownElr === null ? 'N/A' : ids(p.lastKnownElr)}\n`;
    }
  }
  return out;
}

/**
 * describe on a terminal: per topic a heading line (the summary when Kafka would print it) and a
 * table of its partitions. A partition without a leader is red, an ISR short of replicas yellow; the
 * ELR columns appear only when some partition has one.
 */
export function renderDescribeTables(topics: readonly TopicDescription[], term: Terminal): string {
  const { bad, warn, strong, faint } = term.colours;
  const blocks: string[] = [];
  for (const t of topics) {
    if (!t.summary && t.partitions.length === 0) continue;
    let heading = strong(t.name);
    if (t.summary) {
      const facts = [`PartitionCount: ${t.partitionCount}`, `ReplicationFactor: ${t.replicationFactor}`];
      if (t.topicId !== ZERO_TOPIC_ID) facts.unshift(`TopicId: ${t.topicId}`);
      facts.push(`Configs: ${t.configs.length === 0 ? faint('none') : t.configs.map((c) => `${c.name}=${c.value}`).join(',')}`);
      heading += `  ${facts.join('  ')}`;
    }
    let block = `${heading}\n`;
    if (t.partitions.length > 0) {
      const withElr = t.partitions.some((p) => (p.elr?.length ?? 0) > 0 || (p.lastKnownElr?.length ?? 0) > 0);
      const head = ['Partition', 'Leader', 'Replicas', 'Isr', ...(withElr ? ['Elr', 'LastKnownElr'] : [])];
      const rows = t.partitions.map((p) => {
        const row = [String(p.partition), p.leader === null ? 'none' : String(p.leader), ids(p.replicas), ids(p.isr)];
        if (withElr) row.push(p.elr === null ? 'N/A' : ids(p.elr), p.lastKnownElr === null ? 'N/A' : ids(p.lastKnownElr));
        if (p.leader === null) return row.map((cell) => bad(cell));
        if (p.isr.length < p.replicas.length) row[3] = warn(row[3]!);
        return row;
      });
      block += term.table(head, rows);
    }
    blocks.push(block);
  }
  return blocks.join('\n');
}

export function renderDescribeJson(topics: readonly TopicDescription[]): string {
  const doc = {
    topics: topics.map((t) => ({
      name: t.name,
      topicId: t.topicId === ZERO_TOPIC_ID ? null : t.topicId,
      partitionCount: t.partitionCount,
      replicationFactor: t.replicationFactor,
      configs: Object.fromEntries(t.configs.map((c) => [c.name, c.value])),
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        leader: p.leader,
        replicas: p.replicas,
        isr: p.isr,
        elr: p.elr,
        lastKnownElr: p.lastKnownElr,
      })),
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** TopicCommand prints the names joined by newlines with println: no topics is one empty line. */
export function renderListText(names: readonly string[]): string {
  return `${names.join('\n')}\n`;
}

/** list on a terminal: one table of names, internal topics faint. */
export function renderListTable(names: readonly string[], term: Terminal): string {
  if (names.length === 0) return `${term.colours.faint('No topics.')}\n`;
  return term.table(
    ['Topic'],
    names.map((name) => [INTERNAL_TOPICS.has(name) ? term.colours.faint(name) : name]),
  );
}

export function renderListJson(names: readonly string[]): string {
  return `${JSON.stringify({ topics: names }, null, 2)}\n`;
}

export function hasCollisionChars(topic: string): boolean {
  return topic.includes('.') || topic.includes('_');
}

/** The warning (for names with `.` or `_`) comes first, before the topic is created. */
export function renderCreateWarning(topic: string): string {
  return hasCollisionChars(topic) ? `${COLLISION_WARNING}\n` : '';
}

export function renderCreatedText(topic: string): string {
  return `Created topic ${topic}.\n`;
}

export type TopicsResult =
  | { action: 'create'; topic: string; created: boolean; warning: boolean }
  | { action: 'delete'; topics: string[] }
  | { action: 'alter'; topics: string[]; partitions: number };

export function renderResultJson(result: TopicsResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** The line TopicCommand prints on stdout when an action fails. */
export function renderCommandError(message: string): string {
  return `Error while executing topic command : ${message}\n`;
}
