import { describe, expect, it } from 'vitest';
import {
  checkConsumerGroupsOptions,
  ConsumerGroupsUsageError,
  NO_EXECUTE_WARNING,
  parseLongOption,
  parseStates,
  parseTopicWithPartitions,
  parseTypes,
  withOptionalValues,
  type ConsumerGroupsOptions,
} from '../../../src/cli/consumer-groups/options.js';

const base: ConsumerGroupsOptions = {
  list: false,
  describe: false,
  delete: false,
  resetOffsets: false,
  deleteOffsets: false,
  group: [],
  allGroups: false,
  topic: [],
  allTopics: false,
  members: false,
  verbose: false,
  offsets: false,
  dryRun: false,
  execute: false,
  export: false,
  toEarliest: false,
  toLatest: false,
  toCurrent: false,
};

const refusal = (o: Partial<ConsumerGroupsOptions>): string => {
  try {
    checkConsumerGroupsOptions({ ...base, ...o });
  } catch (err) {
    expect(err).toBeInstanceOf(ConsumerGroupsUsageError);
    return (err as Error).message;
  }
  throw new Error('accepted');
};

describe('kafka-consumer-groups.sh argument rules', () => {
  it.each<[string, Partial<ConsumerGroupsOptions>, string]>([
    ['--members without --describe', { list: true, members: true }, 'Option(s) [members] are unavailable given other options on the command line'],
    ['--verbose and --offsets without --describe', { list: true, verbose: true, offsets: true }, 'Option(s) [verbose, offsets] are unavailable given other options on the command line'],
    ['--state without --describe or --list', { delete: true, group: ['g'], state: '' }, 'Option(s) [state] are unavailable given other options on the command line'],
    ['--type without --list', { describe: true, group: ['g'], type: '' }, 'Option(s) [type] are unavailable given other options on the command line'],
    ['--describe without a group', { describe: true }, 'Option [describe] takes one of these options: [all-groups], [group]'],
    ['two describe views', { describe: true, group: ['g'], members: true, state: '' }, 'Option [describe] takes at most one of these options: [members], [offsets], [state]'],
    ['--describe --state with a value', { describe: true, group: ['g'], state: 'Stable' }, 'Option [describe] does not take a value for [state]'],
    ['--delete without a group', { delete: true }, 'Option [delete] takes one of these options: [all-groups], [group]'],
    ['--delete with --topic', { delete: true, group: ['g'], topic: ['t'] }, 'The consumer does not support topic-specific offset deletion from a consumer group.'],
    ['--delete-offsets without --topic', { deleteOffsets: true, group: ['g'] }, 'Option [delete-offsets] takes the following options: [topic], [group]'],
    ['--dry-run with --execute', { resetOffsets: true, group: ['g'], dryRun: true, execute: true }, 'Option [reset-offsets] only accepts one of [execute] and [dry-run]'],
    ['--reset-offsets without a group', { resetOffsets: true, dryRun: true }, 'Option [reset-offsets] takes one of these options: [all-groups], [group]'],
    ['two scenarios (Kafka checks --to-offset first)', { resetOffsets: true, group: ['g'], dryRun: true, toOffset: '1', shiftBy: '2' }, 'Option "[to-offset]" can\'t be used with option "[shift-by]"'],
    ['--to-earliest with --to-current', { resetOffsets: true, group: ['g'], dryRun: true, toEarliest: true, toCurrent: true }, 'Option "[to-earliest]" can\'t be used with option "[to-current]"'],
    ['--to-latest with --from-file', { resetOffsets: true, group: ['g'], dryRun: true, toLatest: true, fromFile: 'f' }, 'Option "[to-latest]" can\'t be used with option "[from-file]"'],
    ['--group with --all-groups', { describe: true, group: ['g'], allGroups: true }, 'Option "[group]" can\'t be used with option "[all-groups]"'],
    ['--group with --list', { list: true, group: ['g'] }, 'Option "[group]" can\'t be used with option "[list]"'],
    ['--topic with --describe', { describe: true, group: ['g'], topic: ['t'] }, 'Option "[topic]" can\'t be used with option "[describe]"'],
    ['--topic with --list', { list: true, topic: ['t'] }, 'Option "[topic]" can\'t be used with option "[list]"'],
    ['no action', {}, 'Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets'],
    ['two actions', { list: true, delete: true, allGroups: true }, 'Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets'],
  ])('refuses %s with Kafka\'s message', (_, o, message) => {
    expect(refusal(o)).toBe(message);
  });

  it('accepts each action and warns when --reset-offsets has neither --dry-run nor --execute', () => {
    expect(checkConsumerGroupsOptions({ ...base, list: true, state: '' })).toEqual({ action: 'list', warnings: [] });
    expect(checkConsumerGroupsOptions({ ...base, describe: true, allGroups: true, members: true, verbose: true }).action).toBe('describe');
    expect(checkConsumerGroupsOptions({ ...base, deleteOffsets: true, group: ['g'], topic: ['t'] }).action).toBe('delete-offsets');
    expect(checkConsumerGroupsOptions({ ...base, resetOffsets: true, group: ['g'], toEarliest: true })).toEqual({ action: 'reset-offsets', warnings: [NO_EXECUTE_WARNING] });
    expect(NO_EXECUTE_WARNING.startsWith('WARN: No action will be performed as the --execute option is missing.In a future major release,')).toBe(true);
  });
});

describe('kafka-consumer-groups.sh values', () => {
  it('reads states case-insensitively and names every valid state otherwise', () => {
    expect(parseStates('stable, EMPTY')).toEqual(['Stable', 'Empty']);
    expect(() => parseStates('stable,bogus')).toThrow(
      "Invalid state list 'stable,bogus'. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty, Assigning, Reconciling",
    );
  });

  it('reads types case-insensitively', () => {
    expect(parseTypes('Classic,consumer')).toEqual(['Classic', 'Consumer']);
    expect(() => parseTypes('share')).toThrow("Invalid types list 'share'. Valid types are: Consumer, Classic");
  });

  it('reads topic:partitions as Kafka does, with its messages', () => {
    expect(parseTopicWithPartitions('orders:0,2')).toEqual([
      { topic: 'orders', partition: 0 },
      { topic: 'orders', partition: 2 },
    ]);
    expect(() => parseTopicWithPartitions('orders:')).toThrow("Invalid topic arg 'orders:', expected topic name and partitions");
    expect(() => parseTopicWithPartitions('a:1:2')).toThrow("Invalid topic arg 'a:1:2', expected topic name and partitions");
    expect(() => parseTopicWithPartitions('orders:x')).toThrow("Invalid partition 'x' specified in topic arg 'orders:x''");
  });

  it('reads long values as Java does', () => {
    expect(parseLongOption('shift-by', '-5')).toBe(-5n);
    expect(() => parseLongOption('timeout', '1.5')).toThrow("Cannot parse argument '1.5' of option timeout");
    expect(() => parseLongOption('to-offset', '9223372036854775808')).toThrow("Cannot parse argument '9223372036854775808' of option to-offset");
  });

  it('gives a bare --state or --type an empty value so oclif parses it', () => {
    expect(withOptionalValues(['--list', '--state'], ['state', 'type'])).toEqual(['--list', '--state=']);
    expect(withOptionalValues(['--list', '--type', '--state', 'stable'], ['state', 'type'])).toEqual(['--list', '--type=', '--state', 'stable']);
  });
});
