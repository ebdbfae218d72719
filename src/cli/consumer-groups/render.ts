// What kafka-consumer-groups.sh prints (ConsumerGroupCommand's print* methods), as pure functions
// from gathered facts to text. Kafka writes notes about a group's state on stderr and the tables
// on stdout, interleaved per group, so renderers return chunks tagged with their stream.
// Row orders that come from Java hash maps are reproduced with ../render/java.ts.
import { javaHashMapCapacity, javaHashOrder, javaStringHash, topicPartitionHash } from '../render/java.js';

export interface Chunk {
  stream: 'stdout' | 'stderr';
  text: string;
}

export const MISSING = '-';

export interface OffsetRow {
  group: string;
  topic: string;
  partition: number;
  /** The committed offset; null when the group has none for the partition. */
  offset: bigint | null;
  /** null when ListOffsets gave no answer for the partition. */
  logEndOffset: bigint | null;
  consumerId: string | null;
  host: string | null;
  clientId: string | null;
}

export interface GroupOffsets {
  group: string;
  state: string;
  rows: OffsetRow[];
}

export interface MemberRow {
  group: string;
  consumerId: string;
  groupInstanceId: string | null;
  host: string;
  clientId: string;
  assignment: { topic: string; partition: number }[];
}

export interface GroupMembers {
  group: string;
  state: string;
  members: MemberRow[];
}

export interface GroupStateView {
  group: string;
  coordinator: { host: string; port: number; nodeId: number };
  assignmentStrategy: string;
  state: string;
  members: number;
}

export interface GroupListingView {
  groupId: string;
  type: string;
  state: string;
}

const REBALANCING = new Set(['PreparingRebalance', 'CompletingRebalance', 'Assigning', 'Reconciling']);

const pad = (value: string, width: number): string => value.padEnd(width);

/** LAG: LOG-END-OFFSET − CURRENT-OFFSET, when both are known. */
export function lagOf(row: { offset: bigint | null; logEndOffset: bigint | null }): bigint | null {
  return row.offset === null || row.offset === -1n || row.logEndOffset === null ? null : row.logEndOffset - row.offset;
}

/** Error lines Kafka's printError writes: on stdout, after a blank line. */
export function errorChunk(message: string): Chunk {
  return { stream: 'stdout', text: `\nError: ${message}\n` };
}

/**
 * shouldPrintMemberState: the note for the group's state (a Dead group "does not exist"), and
 * whether its rows are printed.
 */
export function stateNote(group: string, state: string, rowCount: number): { chunks: Chunk[]; print: boolean } {
  if (state === 'Dead') return { chunks: [errorChunk(`Consumer group '${group}' does not exist.`)], print: false };
  if (state === 'Empty') return { chunks: [{ stream: 'stderr', text: `\nConsumer group '${group}' has no active members.\n` }], print: rowCount > 0 };
  if (REBALANCING.has(state)) return { chunks: [{ stream: 'stderr', text: `\nWarning: Consumer group '${group}' is rebalancing.\n` }], print: rowCount > 0 };
  if (state === 'Stable') return { chunks: [], print: rowCount > 0 };
  return { chunks: [errorChunk(`Executing consumer group command failed due to Expected a valid consumer group state, but found '${state}'.`)], print: false };
}

/**
 * The offsets view's row order: members with the most partitions first, each member's partitions
 * (and then the partitions with a committed offset but no member) in the order of the HashMap
 * Kafka collects their log-end offsets into.
 */
export function orderOffsetRows(memberRows: readonly OffsetRow[][], unassigned: readonly OffsetRow[]): OffsetRow[] {
  const inHashOrder = (rows: readonly OffsetRow[]): OffsetRow[] => {
    const byPartition = [...rows].sort((a, b) => a.partition - b.partition);
    return javaHashOrder(byPartition, topicPartitionHash, javaHashMapCapacity(rows.length));
  };
  const members = memberRows.filter((rows) => rows.length > 0).sort((a, b) => b.length - a.length);
  return [...members.flatMap(inHashOrder), ...inHashOrder(unassigned)];
}

/** printOffsets, one group. */
export function renderOffsets(g: GroupOffsets): Chunk[] {
  const { chunks, print } = stateNote(g.group, g.state, g.rows.length);
  if (!print) return chunks;
  const width = (values: (string | null)[]): number => Math.max(15, ...values.map((v) => (v ?? MISSING).length));
  const gw = width(g.rows.map((r) => r.group));
  const tw = width(g.rows.map((r) => r.topic));
  const cw = width(g.rows.map((r) => r.consumerId));
  const hw = width(g.rows.map((r) => r.host));
  const line = (c: string[]): string =>
    `\n${pad(c[0]!, gw)} ${pad(c[1]!, tw)} ${pad(c[2]!, 10)} ${pad(c[3]!, 15)} ${pad(c[4]!, 15)} ${pad(c[5]!, 15)} ${pad(c[6]!, cw)} ${pad(c[7]!, hw)} ${c[8]!}`;
  const text = [line(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'])];
  for (const r of g.rows) {
    const lag = lagOf(r);
    text.push(
      line([
        r.group,
        r.topic,
        String(r.partition),
        r.offset === null ? MISSING : String(r.offset),
        r.logEndOffset === null ? MISSING : String(r.logEndOffset),
        lag === null ? MISSING : String(lag),
        r.consumerId ?? MISSING,
        r.host ?? MISSING,
        r.clientId ?? MISSING,
      ]),
    );
  }
  return [...chunks, { stream: 'stdout', text: `${text.join('')}\n` }];
}

/**
 * A member's ASSIGNMENT as the 3.9 line prints it: per topic its partitions (sorted as strings)
 * in parentheses, without the topic name, those entries sorted and joined by ", ".
 */
export function assignmentText(assignment: readonly { topic: string; partition: number }[]): string {
  if (assignment.length === 0) return MISSING;
  const byTopic = new Map<string, string[]>();
  for (const tp of assignment) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), String(tp.partition)]);
  return [...byTopic.values()]
    .map((ps) => `(${[...ps].sort().join(',')})`)
    .sort()
    .join(', ');
}

/** printMembers, one group: the header is printed even when the group's note says there is nothing to show. */
export function renderMembers(g: GroupMembers, verbose: boolean): Chunk[] {
  const { chunks, print } = stateNote(g.group, g.state, g.members.length);
  let gw = 15;
  let cw = 15;
  let iw = 17;
  let hw = 15;
  let lw = 15;
  let withInstanceId = false;
  if (print) {
    for (const m of g.members) {
      gw = Math.max(gw, m.group.length);
      cw = Math.max(cw, m.consumerId.length);
      iw = Math.max(iw, (m.groupInstanceId ?? '').length);
      hw = Math.max(hw, m.host.length);
      lw = Math.max(lw, m.clientId.length);
      withInstanceId ||= (m.groupInstanceId ?? '') !== '';
    }
  }
  const line = (group: string, consumerId: string, instanceId: string, host: string, clientId: string, partitions: string): string =>
    withInstanceId
      ? `${pad(group, gw)} ${pad(consumerId, cw)} ${pad(instanceId, iw)} ${pad(host, hw)} ${pad(clientId, lw)} ${pad(partitions, 15)} `
      : `${pad(group, gw)} ${pad(consumerId, cw)} ${pad(host, hw)} ${pad(clientId, lw)} ${pad(partitions, 15)} `;
  let text = `\n${line('GROUP', 'CONSUMER-ID', 'GROUP-INSTANCE-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS')}${verbose ? 'ASSIGNMENT' : ''}\n`;
  for (const m of g.members) {
    text += `${line(m.group, m.consumerId, m.groupInstanceId ?? '', m.host, m.clientId, String(m.assignment.length))}${verbose ? assignmentText(m.assignment) : ''}\n`;
  }
  return [...chunks, { stream: 'stdout', text }];
}

/** printStates, one group. Kafka separates the coordinator's address and id with two spaces. */
export function renderState(s: GroupStateView): Chunk[] {
  const { chunks, print } = stateNote(s.group, s.state, 1);
  if (!print) return chunks;
  const coordinator = `${s.coordinator.host}:${s.coordinator.port}  (${s.coordinator.nodeId})`;
  const w = Math.max(25, coordinator.length);
  const line = (c: string[]): string => `\n${pad(c[0]!, w)} ${pad(c[1]!, 25)} ${pad(c[2]!, 20)} ${pad(c[3]!, 15)} ${c[4]!}`;
  const text = line(['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS']) + line([s.group, coordinator, s.assignmentStrategy, s.state, String(s.members)]);
  return [...chunks, { stream: 'stdout', text: `${text}\n` }];
}

/** The order Kafka's Admin returns listed groups in: a HashMap keyed by group id. */
export function listingOrder<T extends { groupId: string }>(listings: readonly T[]): T[] {
  const unique = [...new Map(listings.map((l) => [l.groupId, l])).values()];
  return javaHashOrder(unique, (l) => javaStringHash(l.groupId), javaHashMapCapacity(unique.length));
}

export function renderListText(groupIds: readonly string[]): string {
  return groupIds.map((g) => `${g}\n`).join('');
}

/** printGroupInfo: --list with --state and/or --type. */
export function renderListWithColumns(listings: readonly GroupListingView[], withType: boolean, withState: boolean): string {
  const gw = Math.max(15, ...listings.map((l) => l.groupId.length)) + 10;
  const line = (group: string, type: string, state: string): string => {
    let text = pad(group, gw);
    if (withType) text += ` ${pad(type, 20)}`;
    if (withState) text += ` ${pad(state, 20)}`;
    return `${text}\n`;
  };
  return line('GROUP', 'TYPE', 'STATE') + listings.map((l) => line(l.groupId, l.type, l.state)).join('');
}

/** A group's planned offsets, in the order Kafka prints them. */
export interface ResetPlanView {
  group: string;
  offsets: { topic: string; partition: number; offset: bigint }[];
}

/** printOffsetsToReset. */
export function renderResetPlan(plans: readonly ResetPlanView[]): string {
  if (plans.length === 0) return '\n';
  const line = (c: string[]): string => `\n${pad(c[0]!, 30)} ${pad(c[1]!, 30)} ${pad(c[2]!, 10)} ${pad(c[3]!, 15)}`;
  let text = line(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET']);
  for (const p of plans) for (const o of p.offsets) text += line([p.group, o.topic, String(o.partition), String(o.offset)]);
  return `${text}\n`;
}

/** deleteGroups' report: the deleted and the failed groups each in their HashMap's order. */
export function renderDeleteGroups(results: readonly { group: string; error: string | null }[]): string {
  const succeeded = results.filter((r) => r.error === null).map((r) => r.group);
  const deleted = javaHashOrder(succeeded, javaStringHash, javaHashMapCapacity(succeeded.length));
  const errors = results.filter((r) => r.error !== null);
  const failed = javaHashOrder(errors, (r) => javaStringHash(r.group), javaHashMapCapacity(errors.length));
  if (failed.length === 0) return `Deletion of requested consumer groups ('${deleted.join(', ')}') was successful.\n`;
  let text = '\nError: Deletion of some consumer groups failed:\n';
  for (const f of failed) text += `* Group '${f.group}' could not be deleted due to: ${f.error}\n`;
  // Kafka joins the successful ids with a bare quote and closes with "', '".
  if (deleted.length > 0) text += `\nThese consumer groups were deleted successfully: '${deleted.join("'")}', '\n`;
  return text;
}

/** deleteOffsets' report after the top-level line. */
export function renderDeleteOffsetsTable(partitions: readonly { topic: string; partition: number; error: string | null }[]): string {
  const line = (c: string[]): string => `\n${pad(c[0]!, 30)} ${pad(c[1]!, 15)} ${pad(c[2]!, 15)}`;
  // Kafka sorts by topic + partition as one string.
  const sorted = [...partitions].sort((a, b) => {
    const ka = `${a.topic}${a.partition}`;
    const kb = `${b.topic}${b.partition}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  let text = line(['TOPIC', 'PARTITION', 'STATUS']);
  for (const p of sorted) text += line([p.topic, p.partition >= 0 ? String(p.partition) : 'Not Provided', p.error === null ? 'Successful' : `Error: :${p.error}`]);
  return `${text}\n`;
}

/** The line (or error) deleteOffsets prints for the request's top-level error name. */
export function deleteOffsetsHeadline(errorName: string, group: string, topics: readonly string[]): Chunk {
  switch (errorName) {
    case 'NONE':
      return { stream: 'stdout', text: `Request succeed for deleting offsets with topic ${topics.join(', ')} group ${group}\n` };
    case 'INVALID_GROUP_ID':
      return errorChunk(`'${group}' is not valid.`);
    case 'GROUP_ID_NOT_FOUND':
      return errorChunk(`'${group}' does not exist.`);
    case 'GROUP_AUTHORIZATION_FAILED':
      return errorChunk(`Access to '${group}' is not authorized.`);
    case 'NON_EMPTY_GROUP':
      return errorChunk(`Deleting offsets of a consumer group '${group}' is forbidden if the group is not empty.`);
    case 'GROUP_SUBSCRIBED_TO_TOPIC':
    case 'TOPIC_AUTHORIZATION_FAILED':
    case 'UNKNOWN_TOPIC_OR_PARTITION':
      return errorChunk('Encounter some partition level error, see the follow-up details:');
    default:
      return errorChunk(`Encounter some unknown error: ${errorName}`);
  }
}

/** Kafka's CsvUtils through Jackson: a field is quoted only when it holds a separator, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) || /[\x00-\x1f]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** exportOffsetsToCsv: `topic,partition,offset` for one --group, else `group,topic,partition,offset`. */
export function renderExportCsv(plans: readonly ResetPlanView[], singleGroup: boolean): string {
  return plans
    .flatMap((p) =>
      p.offsets.map((o) => `${singleGroup ? '' : `${csvField(p.group)},`}${csvField(o.topic)},${o.partition},${o.offset}\n`),
    )
    .join('');
}
