// Reset plans as ConsumerGroupService.prepareOffsetsToReset makes them: the new offset of each
// partition for one scenario, clamped to the log as checkOffsetsRange clamps it, with Kafka's
// warnings. The log and the group's committed offsets come through LogFacts, so the planning is
// testable without a broker. Also Kafka's value formats: --to-datetime, --by-duration, the CSV.
import type { TopicPartition } from '../../client/cluster.js';
import { javaHashMapCapacity, javaHashOrder, javaStringHash, topicPartitionHash } from '../render/java.js';
import type { Chunk } from './render.js';
import { ConsumerGroupsUsageError, type ResetScenario } from './options.js';

export type PlannedOffset = TopicPartition & { offset: bigint };

/** What planning needs to know of the cluster; offsets a source cannot give are left out of its map. */
export interface LogFacts {
  earliest(partitions: readonly TopicPartition[]): Promise<Map<string, bigint>>;
  latest(partitions: readonly TopicPartition[]): Promise<Map<string, bigint>>;
  /** The first offset at or after `timestamp`, -1 when there is none. */
  forTimestamp(partitions: readonly TopicPartition[], timestamp: bigint): Promise<Map<string, bigint>>;
  committed(group: string): Promise<Map<string, bigint>>;
}

export interface ScenarioValue {
  scenario: ResetScenario;
  /** --to-offset / --shift-by */
  amount?: bigint;
  /** --to-datetime / --by-duration, resolved to epoch milliseconds */
  timestamp?: bigint;
  /** --from-file, parsed */
  plan?: Map<string, PlannedOffset[]>;
}

export const keyOf = (tp: TopicPartition): string => `${tp.topic}\0${tp.partition}`;
const name = (tp: TopicPartition): string => `${tp.topic}-${tp.partition}`;

/** A failure Kafka reports as `Error: Executing consumer group command failed due to …`. */
export class ResetFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResetFailure';
  }
}

/** log4j's line for the tools (tools-log4j.properties: `[%d] %p %m (%c)%n`). */
export function toolsLogLine(level: string, message: string, now = new Date()): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const stamp = `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())} ${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())},${p(now.getMilliseconds(), 3)}`;
  return `[${stamp}] ${level} ${message} (org.apache.kafka.tools.consumer.group.ConsumerGroupCommand)\n`;
}

/** The offsets a group's reset would commit, in the order Kafka prints them, and what Kafka says on the way. */
export async function planGroupReset(group: string, partitions: readonly TopicPartition[], value: ScenarioValue, log: LogFacts): Promise<{ offsets: PlannedOffset[]; notes: Chunk[] }> {
  const notes: Chunk[] = [];
  const unique = [...new Map(partitions.map((tp) => [keyOf(tp), { topic: tp.topic, partition: tp.partition }])).values()];

  const clamp = async (requested: PlannedOffset[]): Promise<PlannedOffset[]> => {
    const starts = await log.earliest(requested);
    const ends = await log.latest(requested);
    return requested.map((r) => {
      const end = ends.get(keyOf(r));
      const start = starts.get(keyOf(r));
      if (end !== undefined && r.offset > end) {
        notes.push({ stream: 'stderr', text: toolsLogLine('WARN', `New offset (${r.offset}) is higher than latest offset for topic partition ${name(r)}. Value will be set to ${end}`) });
        return { ...r, offset: end };
      }
      if (start !== undefined && r.offset < start) {
        notes.push({ stream: 'stderr', text: toolsLogLine('WARN', `New offset (${r.offset}) is lower than earliest offset for topic partition ${name(r)}. Value will be set to ${start}`) });
        return { ...r, offset: start };
      }
      return r;
    });
  };
  const fromLog = (found: Map<string, bigint>, what: string): PlannedOffset[] =>
    unique.map((tp) => {
      const offset = found.get(keyOf(tp));
      if (offset === undefined) throw new ConsumerGroupsUsageError(`Error getting ${what} of topic partition: ${name(tp)}`);
      return { ...tp, offset };
    });
  const byTimestamp = async (timestamp: bigint): Promise<PlannedOffset[]> => {
    const found = await log.forTimestamp(unique, timestamp);
    const empty = unique.filter((tp) => found.get(keyOf(tp)) === -1n);
    for (const tp of javaHashOrder(empty, topicPartitionHash, javaHashMapCapacity(empty.length))) {
      notes.push({ stream: 'stdout', text: `\nWarn: Partition ${tp.partition} from topic ${tp.topic} is empty. Falling back to latest known offset.\n` });
    }
    const ends = empty.length > 0 ? await log.latest(empty) : new Map<string, bigint>();
    for (const [k, v] of ends) found.set(k, v);
    for (const tp of empty) if (!ends.has(keyOf(tp))) found.delete(keyOf(tp));
    return fromLog(found, 'offset by timestamp');
  };

  let offsets: PlannedOffset[];
  switch (value.scenario) {
    case 'to-offset':
      offsets = await clamp(unique.map((tp) => ({ ...tp, offset: value.amount! })));
      break;
    case 'to-earliest':
      offsets = fromLog(await log.earliest(unique), 'starting offset');
      break;
    case 'to-latest':
      offsets = fromLog(await log.latest(unique), 'ending offset');
      break;
    case 'shift-by': {
      const committed = await log.committed(group);
      offsets = await clamp(
        unique.map((tp) => {
          const current = committed.get(keyOf(tp));
          if (current === undefined) throw new ConsumerGroupsUsageError(`Cannot shift offset for partition ${name(tp)} since there is no current committed offset`);
          return { ...tp, offset: current + value.amount! };
        }),
      );
      break;
    }
    case 'to-datetime':
    case 'by-duration':
      offsets = await byTimestamp(value.timestamp!);
      break;
    case 'from-file': {
      const planned = value.plan!.get(group);
      if (planned === undefined) {
        notes.push({ stream: 'stdout', text: `\nError: No reset plan for group ${group} found\n` });
        return { offsets: [], notes };
      }
      offsets = await clamp(planned);
      break;
    }
    case 'to-current': {
      const committed = await log.committed(group);
      const without = unique.filter((tp) => !committed.has(keyOf(tp)));
      const ends = without.length > 0 ? fromLogOf(without, await log.latest(without)) : [];
      offsets = [...unique.filter((tp) => committed.has(keyOf(tp))).map((tp) => ({ ...tp, offset: committed.get(keyOf(tp))! })), ...ends];
      break;
    }
  }
  return { offsets: javaHashOrder(offsets, topicPartitionHash, javaHashMapCapacity(offsets.length)), notes };
}

function fromLogOf(partitions: readonly TopicPartition[], found: Map<string, bigint>): PlannedOffset[] {
  return partitions.map((tp) => {
    const offset = found.get(keyOf(tp));
    if (offset === undefined) throw new ConsumerGroupsUsageError(`Error getting ending offset of topic partition: ${name(tp)}`);
    return { ...tp, offset };
  });
}

/** The order Kafka's result HashMap gives the groups of a reset in. */
export function groupOrder(groups: readonly string[]): string[] {
  const unique = [...new Set(groups)];
  return javaHashOrder(unique, javaStringHash, javaHashMapCapacity(unique.length));
}

/** Java's Duration.parse (PnDTnHnMn.nS) in milliseconds; Kafka's message when it cannot. */
export function parseDuration(text: string): bigint {
  const m = /^([-+]?)P(?:([-+]?\d+)D)?(T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{0,9}))?S)?)?$/i.exec(text);
  if (!m || m[3]?.toUpperCase() === 'T' || [m[2], m[4], m[5], m[6]].every((part) => part === undefined)) throw new ResetFailure('Text cannot be parsed to a Duration');
  const n = (s: string | undefined): bigint => (s === undefined ? 0n : BigInt(s));
  const fraction = m[7] === undefined || m[7] === '' ? 0n : BigInt(m[7].padEnd(3, '0').slice(0, 3));
  const seconds = n(m[6]) * 1000n + (m[6]?.startsWith('-') ? -fraction : fraction);
  const ms = n(m[2]) * 86_400_000n + n(m[4]) * 3_600_000n + n(m[5]) * 60_000n + seconds;
  return m[1] === '-' ? -ms : ms;
}

/**
 * Kafka's Utils.getDateTime: `yyyy-MM-ddTHH:mm:ss.SSS` with an optional zone (Z, ±hh, ±hhmm,
 * ±hh:mm), UTC when none is given; strict about field ranges.
 */
export function parseDateTime(text: string): bigint {
  const parts = text.split('T');
  if (parts.length < 2 || parts[1] === '') throw new ResetFailure("java.text.ParseException: Error parsing timestamp. It does not contain a 'T' according to ISO8601 format");
  const withZone = /[+\-Z]/.test(parts[1]!) ? text : `${text}Z`;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{1,3})(Z|[+-]\d{2}(?::?\d{2})?)$/.exec(withZone);
  const unparseable = new ResetFailure(`java.text.ParseException: Unparseable date: "${withZone}"`);
  if (!m) throw unparseable;
  const [year, month, day, hour, minute, second, millis] = m.slice(1, 8).map(Number) as [number, number, number, number, number, number, number];
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(local);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) throw unparseable;
  let offsetMinutes = 0;
  const zone = m[8]!;
  if (zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (hours > 23 || minutes > 59) throw unparseable;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  }
  return BigInt(local - offsetMinutes * 60_000);
}

/** Splits one CSV line as Jackson reads Kafka's export: fields separated by commas, "…" quoting with "" escapes. */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      while (i < line.length && !(line[i] === '"' && line[i + 1] !== '"')) {
        value += line[i];
        i += line[i] === '"' ? 2 : 1;
      }
      i++;
      fields.push(value);
    } else {
      const end = line.indexOf(',', i);
      fields.push(line.slice(i, end === -1 ? line.length : end));
      i = end === -1 ? line.length : end;
    }
    if (line[i] !== ',') break;
    i++;
  }
  return fields;
}

/**
 * parseResetPlan: `topic,partition,offset` lines for a single --group, else
 * `group,topic,partition,offset`. Lines are split on "\n" (Java's split drops trailing empty ones).
 */
export function parseResetCsv(text: string, groups: readonly string[]): Map<string, PlannedOffset[]> {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const isNoGroupLine = (line: string): boolean => {
    const f = csvFields(line);
    return f.length === 3 && /^[+-]?\d+$/.test(f[1]!) && /^[+-]?\d+$/.test(f[2]!);
  };
  const singleGroup = groups.length === 1 && lines.length > 0 && isNoGroupLine(lines[0]!);
  const plan = new Map<string, PlannedOffset[]>();
  for (const line of lines) {
    const f = csvFields(line);
    const expected = singleGroup ? 3 : 4;
    if (f.length !== expected || !/^[+-]?\d+$/.test(f[expected - 2]!) || !/^[+-]?\d+$/.test(f[expected - 1]!)) {
      throw new ResetFailure(`the reset plan line '${line}' is not ${singleGroup ? 'topic,partition,offset' : 'group,topic,partition,offset'}`);
    }
    const group = singleGroup ? groups[0]! : f[0]!;
    const [topic, partition, offset] = f.slice(expected - 3) as [string, string, string];
    const entries = plan.get(group) ?? [];
    const tp = { topic, partition: Number(partition) };
    const at = entries.findIndex((e) => keyOf(e) === keyOf(tp));
    if (at >= 0) entries[at] = { ...tp, offset: BigInt(offset) };
    else entries.push({ ...tp, offset: BigInt(offset) });
    plan.set(group, entries);
  }
  return plan;
}
