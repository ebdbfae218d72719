// kafka-consumer-groups.sh's argument rules (ConsumerGroupCommandOptions.checkArgs, then the
// one-action check of ConsumerGroupCommand.main) and its value parsing, with Kafka's messages in
// Kafka's order. Where Kafka names options from a java.util.HashSet, the lists below are in that
// set's iteration order (checked against Java 17).
import type { TopicPartition } from '../../client/cluster.js';

export type ConsumerGroupsAction = 'list' | 'describe' | 'delete' | 'reset-offsets' | 'delete-offsets';
export type DescribeView = 'offsets' | 'members' | 'state';
export type ResetScenario = 'to-offset' | 'to-current' | 'to-datetime' | 'from-file' | 'by-duration' | 'to-earliest' | 'to-latest' | 'shift-by';

/** The options as given: present or not, with their raw values (a flag given without a value is ''). */
export interface ConsumerGroupsOptions {
  list: boolean;
  describe: boolean;
  delete: boolean;
  resetOffsets: boolean;
  deleteOffsets: boolean;
  group: readonly string[];
  allGroups: boolean;
  topic: readonly string[];
  allTopics: boolean;
  members: boolean;
  verbose: boolean;
  offsets: boolean;
  state?: string;
  type?: string;
  dryRun: boolean;
  execute: boolean;
  export: boolean;
  toOffset?: string;
  toDatetime?: string;
  byDuration?: string;
  toEarliest: boolean;
  toLatest: boolean;
  toCurrent: boolean;
  shiftBy?: string;
  fromFile?: string;
  timeout?: string;
}

/** A refusal of the command line: Kafka prints the message (and its option table) on stderr, exit 1. */
export class ConsumerGroupsUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConsumerGroupsUsageError';
  }
}

export interface CheckedOptions {
  action: ConsumerGroupsAction;
  /** Lines Kafka prints on stderr and goes on. */
  warnings: string[];
}

/** Kafka's allResetOffsetScenarioOpts in HashSet order; its toString is `[[to-offset], ...]`. */
export const RESET_SCENARIOS: readonly ResetScenario[] = ['to-offset', 'to-current', 'to-datetime', 'from-file', 'by-duration', 'to-earliest', 'to-latest', 'shift-by'];
/** The order checkArgs checks the scenarios for conflicts in. */
const SCENARIO_CHECK_ORDER: readonly ResetScenario[] = ['to-offset', 'to-datetime', 'by-duration', 'to-earliest', 'to-latest', 'to-current', 'shift-by', 'from-file'];
const GROUP_SCOPE = '[all-groups], [group]';

export const NO_EXECUTE_WARNING =
  'WARN: No action will be performed as the --execute option is missing.In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.';

export function scenariosGiven(o: ConsumerGroupsOptions): ResetScenario[] {
  const given: Record<ResetScenario, boolean> = {
    'to-offset': o.toOffset !== undefined,
    'to-current': o.toCurrent,
    'to-datetime': o.toDatetime !== undefined,
    'from-file': o.fromFile !== undefined,
    'by-duration': o.byDuration !== undefined,
    'to-earliest': o.toEarliest,
    'to-latest': o.toLatest,
    'shift-by': o.shiftBy !== undefined,
  };
  return RESET_SCENARIOS.filter((s) => given[s]);
}

const cantBeUsedWith = (used: string, other: string): ConsumerGroupsUsageError => new ConsumerGroupsUsageError(`Option "[${used}]" can't be used with option "[${other}]"`);

/** checkArgs and the one-action check, in Kafka's order; throws ConsumerGroupsUsageError. */
export function checkConsumerGroupsOptions(o: ConsumerGroupsOptions): CheckedOptions {
  // jopt-simple's availableIf, checked while parsing, before everything else.
  const unavailable = [
    o.members && !o.describe ? 'members' : null,
    o.verbose && !o.describe ? 'verbose' : null,
    o.offsets && !o.describe ? 'offsets' : null,
    o.state !== undefined && !o.describe && !o.list ? 'state' : null,
    o.type !== undefined && !o.list ? 'type' : null,
  ].filter((name): name is string => name !== null);
  if (unavailable.length > 0) throw new ConsumerGroupsUsageError(`Option(s) [${unavailable.join(', ')}] are unavailable given other options on the command line`);

  const hasGroupScope = o.group.length > 0 || o.allGroups;
  const warnings: string[] = [];
  if (o.describe) {
    if (!hasGroupScope) throw new ConsumerGroupsUsageError(`Option [describe] takes one of these options: ${GROUP_SCOPE}`);
    if ([o.members, o.offsets, o.state !== undefined].filter(Boolean).length > 1) {
      throw new ConsumerGroupsUsageError('Option [describe] takes at most one of these options: [members], [offsets], [state]');
    }
    if (o.state !== undefined && o.state !== '') throw new ConsumerGroupsUsageError('Option [describe] does not take a value for [state]');
  }
  if (o.delete) {
    if (!hasGroupScope) throw new ConsumerGroupsUsageError(`Option [delete] takes one of these options: ${GROUP_SCOPE}`);
    if (o.topic.length > 0) throw new ConsumerGroupsUsageError('The consumer does not support topic-specific offset deletion from a consumer group.');
  }
  if (o.deleteOffsets && (o.group.length === 0 || o.topic.length === 0)) {
    throw new ConsumerGroupsUsageError('Option [delete-offsets] takes the following options: [topic], [group]');
  }
  if (o.resetOffsets) {
    if (o.dryRun && o.execute) throw new ConsumerGroupsUsageError('Option [reset-offsets] only accepts one of [execute] and [dry-run]');
    if (!o.dryRun && !o.execute) warnings.push(NO_EXECUTE_WARNING);
    if (!hasGroupScope) throw new ConsumerGroupsUsageError(`Option [reset-offsets] takes one of these options: ${GROUP_SCOPE}`);
    const given = scenariosGiven(o);
    for (const used of SCENARIO_CHECK_ORDER) {
      if (!given.includes(used)) continue;
      const other = RESET_SCENARIOS.find((s) => s !== used && given.includes(s));
      if (other) throw cantBeUsedWith(used, other);
    }
  }
  if (o.group.length > 0 && o.allGroups) throw cantBeUsedWith('group', 'all-groups');
  if (o.group.length > 0 && o.list) throw cantBeUsedWith('group', 'list');
  if (o.topic.length > 0 && o.describe) throw cantBeUsedWith('topic', 'describe');
  if (o.topic.length > 0 && o.list) throw cantBeUsedWith('topic', 'list');

  const actions: ConsumerGroupsAction[] = [];
  if (o.list) actions.push('list');
  if (o.describe) actions.push('describe');
  if (o.delete) actions.push('delete');
  if (o.resetOffsets) actions.push('reset-offsets');
  if (o.deleteOffsets) actions.push('delete-offsets');
  if (actions.length !== 1) throw new ConsumerGroupsUsageError('Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets');
  return { action: actions[0]!, warnings };
}

export function describeView(o: ConsumerGroupsOptions): DescribeView {
  if (o.members) return 'members';
  if (o.state !== undefined) return 'state';
  return 'offsets';
}

/** A --timeout, --to-offset or --shift-by value as Java's Long.valueOf reads it. */
export function parseLongOption(name: string, value: string): bigint {
  if (!/^[+-]?\d+$/.test(value)) throw new ConsumerGroupsUsageError(`Cannot parse argument '${value}' of option ${name}`);
  const n = BigInt(value);
  if (n > 9223372036854775807n || n < -9223372036854775808n) throw new ConsumerGroupsUsageError(`Cannot parse argument '${value}' of option ${name}`);
  return n;
}

/** ConsumerGroupState's names in declaration order (UNKNOWN left out), as Kafka lists valid states. */
export const GROUP_STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty', 'Assigning', 'Reconciling'] as const;
/** GroupType's names in the 3.9 line (UNKNOWN left out). */
export const GROUP_TYPES = ['Consumer', 'Classic'] as const;

/** --state's comma list, matched case-insensitively; Kafka's message names every valid state. */
export function parseStates(input: string): string[] {
  const parsed = input.split(',').map((s) => GROUP_STATES.find((state) => state.toUpperCase() === s.trim().toUpperCase()));
  if (parsed.some((s) => s === undefined)) throw new ConsumerGroupsUsageError(`Invalid state list '${input}'. Valid states are: ${GROUP_STATES.join(', ')}`);
  return [...new Set(parsed as string[])];
}

/** --type's comma list (classic, consumer), matched case-insensitively. */
export function parseTypes(input: string): string[] {
  const parsed = input
    .toLowerCase()
    .split(',')
    .map((s) => GROUP_TYPES.find((type) => type.toLowerCase() === s.trim()));
  if (parsed.some((t) => t === undefined)) throw new ConsumerGroupsUsageError(`Invalid types list '${input}'. Valid types are: ${GROUP_TYPES.join(', ')}`);
  return [...new Set(parsed as string[])];
}

/** `topic:0,1,2` as parseTopicsWithPartitions reads it (Integer.parseInt per partition). */
export function parseTopicWithPartitions(arg: string): TopicPartition[] {
  const parts = arg.split(':');
  // Java's split drops trailing empty strings: `t:` is one part.
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length !== 2) throw new ConsumerGroupsUsageError(`Invalid topic arg '${arg}', expected topic name and partitions`);
  const [topic, partitions] = parts as [string, string];
  return partitions
    .split(',')
    .filter((p, i, all) => !(p === '' && all.slice(i).every((rest) => rest === '')))
    .map((p) => {
      if (!/^[+-]?\d+$/.test(p) || Number(p) > 2147483647 || Number(p) < -2147483648) {
        throw new ConsumerGroupsUsageError(`Invalid partition '${p}' specified in topic arg '${arg}''`);
      }
      return { topic, partition: Number(p) };
    });
}

/** --topic values split as Kafka splits them: with partitions named, and whole topics. */
export function splitTopicArgs(args: readonly string[]): { partitions: TopicPartition[]; topics: string[] } {
  const partitions = args.filter((a) => a.includes(':')).flatMap(parseTopicWithPartitions);
  const topics = args.filter((a) => !a.includes(':'));
  return { partitions, topics };
}

/**
 * --state and --type take an optional value in Kafka; oclif string flags need one. Rewrites a
 * bare `--state` (last, or followed by another option) to `--state=` so it parses as ''.
 */
export function withOptionalValues(argv: readonly string[], names: readonly string[]): string[] {
  return argv.map((arg, i) => {
    const next = argv[i + 1];
    return names.some((n) => arg === `--${n}`) && (next === undefined || next.startsWith('--')) ? `${arg}=` : arg;
  });
}
