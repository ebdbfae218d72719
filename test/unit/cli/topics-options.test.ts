import { describe, expect, it } from 'vitest';
import {
  checkTopicsOptions,
  DELETE_CONFIG_HINT,
  parseIntegerOption,
  parseReplicaAssignment,
  parseTopicConfigs,
  parseTopicId,
  topicDoesNotExistMessage,
  topicFilter,
  TopicsUsageError,
  type TopicsOptions,
} from '../../../src/cli/topics-options.js';

const base: TopicsOptions = {
  create: false,
  list: false,
  describe: false,
  alter: false,
  delete: false,
  config: [],
  ifExists: false,
  ifNotExists: false,
  excludeInternal: false,
  underReplicatedPartitions: false,
  underMinIsrPartitions: false,
  atMinIsrPartitions: false,
  unavailablePartitions: false,
  topicsWithOverrides: false,
};
const opts = (o: Partial<TopicsOptions>): TopicsOptions => ({ ...base, ...o });

describe('kafka-topics.sh argument checks', () => {
  const refused: [string, Partial<TopicsOptions>, string][] = [
    ['no action', {}, 'Command must include exactly one action: --list, --describe, --create, --alter or --delete'],
    ['two actions', { list: true, create: true }, 'Command must include exactly one action: --list, --describe, --create, --alter or --delete'],
    ['create without --topic', { create: true }, 'Missing required argument "[topic]"'],
    ['delete without --topic', { delete: true }, 'Missing required argument "[topic]"'],
    ['alter without --partitions', { alter: true, topic: 't' }, 'Missing required argument "[partitions]"'],
    [
      'alter with --config',
      { alter: true, topic: 't', config: ['a=b'] },
      'Option combination "[[bootstrap-server], [config]]" can\'t be used with option "[alter]" (To alter topic configurations, the kafka-configs tool can be used.)',
    ],
    ['describe --if-exists without a topic', { describe: true, ifExists: true }, '--topic or --topic-id is required to describe a topic'],
    ['--partitions with --list', { list: true, partitions: '3' }, 'Option "[partitions]" can\'t be used with option "[list]"'],
    ['--replication-factor with --alter', { alter: true, topic: 't', partitions: '2', replicationFactor: '1' }, 'Option "[replication-factor]" can\'t be used with option "[alter]"'],
    ['--replica-assignment with --partitions on create', { create: true, topic: 't', replicaAssignment: '1', partitions: '1' }, 'Option "[replica-assignment]" can\'t be used with option "[partitions]"'],
    ['--if-exists with --create', { create: true, topic: 't', ifExists: true }, 'Option "[if-exists]" can\'t be used with option "[create]"'],
    ['--if-not-exists with --delete', { delete: true, topic: 't', ifNotExists: true }, 'Option "[if-not-exists]" can\'t be used with option "[delete]"'],
    ['--exclude-internal with --delete', { delete: true, topic: 't', excludeInternal: true }, 'Option "[exclude-internal]" can\'t be used with option "[delete]"'],
    ['a partition filter with --list', { list: true, underReplicatedPartitions: true }, 'Option "[under-replicated-partitions]" can\'t be used with option "[list]"'],
    [
      'a partition filter with --topics-with-overrides',
      { describe: true, atMinIsrPartitions: true, topicsWithOverrides: true },
      'Option "[at-min-isr-partitions]" can\'t be used with option "[topics-with-overrides]"',
    ],
  ];
  it.each(refused)('refuses %s', (_, o, message) => {
    expect(() => checkTopicsOptions(opts(o))).toThrow(message);
  });

  it.each([
    [{ list: true }, 'list'],
    [{ describe: true }, 'describe'],
    [{ create: true, topic: 't', partitions: '1', config: ['a=b'] }, 'create'],
    [{ alter: true, topic: 't', partitions: '2' }, 'alter'],
    [{ delete: true, topic: 't', ifExists: true }, 'delete'],
  ] as const)('accepts %j', (o, action) => {
    expect(checkTopicsOptions(opts(o)).action).toBe(action);
  });

  it('tells that --topic is ignored when --topic-id is given with --if-exists', () => {
    expect(checkTopicsOptions(opts({ describe: true, ifExists: true, topic: 'a', topicId: 'b' })).notices).toEqual([
      'Only topic id will be used when both --topic and --topic-id are specified and topicId is not Uuid.ZERO_UUID',
    ]);
  });
});

describe('values', () => {
  it.each([
    ['1:2,2:3', [[1, 2], [2, 3]]],
    [' 1 : 2 ', [[1, 2]]],
    ['1,2,', [[1], [2]]],
  ])('replica assignment %s', (raw, expected) => {
    expect(parseReplicaAssignment(raw)).toEqual(expected);
  });

  it.each([
    ['1:1', 'Partition replica lists may not contain duplicate entries: 1'],
    ['1:2,3', 'Partition 1 has different replication factor: [3]'],
    ['1:x', 'For input string: "x"'],
  ])('replica assignment %s is refused', (raw, message) => {
    expect(() => parseReplicaAssignment(raw)).toThrow(message);
  });

  it('configs split at = with spaces around it', () => {
    expect(parseTopicConfigs(['a=b', 'c = d'])).toEqual(new Map([['a', 'b'], ['c', 'd']]));
    expect(() => parseTopicConfigs(['a=b=c'])).toThrow('requirement failed: Invalid topic config: all configs to be added must be in the format "key=val".');
    expect(() => parseTopicConfigs(['a'])).toThrow('requirement failed');
  });

  it.each([
    ['events', 'events', true],
    ['events', 'events2', false],
    ['ev.*', 'events', true],
    ['a,b', 'b', true],
    ['"a.b"', 'axb', true],
    ['a\\.b', 'axb', false],
  ])('--topic %s matches %s: %s (whole names, commas are alternatives)', (raw, name, expected) => {
    expect(topicFilter(raw)(name)).toBe(expected);
  });

  it('an invalid regex is refused as TopicFilter says it', () => {
    expect(() => topicFilter('a(')).toThrow('a( is an invalid regex.');
  });

  it('integers as joptsimple converts them', () => {
    expect(parseIntegerOption('partitions', '3')).toBe(3);
    expect(() => parseIntegerOption('partitions', 'abc')).toThrow("Cannot parse argument 'abc' of option partitions");
    expect(() => parseIntegerOption('partitions', '9999999999')).toThrow("Cannot parse argument '9999999999' of option partitions");
  });

  it('topic ids as Uuid.fromString reads them', () => {
    expect(parseTopicId('HhPqDVmdTjqoSpTo4Yq9hg')).toBe('HhPqDVmdTjqoSpTo4Yq9hg');
    expect(() => parseTopicId('abc')).toThrow('Input string `abc` decoded as 2 bytes, which is not equal to the expected 16 bytes of a base64-encoded UUID');
    expect(() => parseTopicId('x'.repeat(30))).toThrow('is too long to be decoded as a base64 UUID');
  });

  it('a missing topic is named as Kafka formats its Optional', () => {
    expect(topicDoesNotExistMessage('t')).toBe("Topic 'Optional[t]' does not exist as expected");
  });
});

describe('--delete-config, as kafka-topics.sh 3.9 checks it', () => {
  const bootstrapRefusal = `Option "[delete-config]" can't be used with option "[bootstrap-server]"\n${DELETE_CONFIG_HINT}`;

  it.each([
    [{ list: true }, 'Option "[delete-config]" can\'t be used with option "[list]"'],
    [{ describe: true }, 'Option "[delete-config]" can\'t be used with option "[describe]"'],
    [{ create: true, topic: 't' }, 'Option "[delete-config]" can\'t be used with option "[create]"'],
    [{ delete: true, topic: 't' }, 'Option "[delete-config]" can\'t be used with option "[delete]"'],
  ] as const)('is refused with the action %j first', (o, message) => {
    expect(() => checkTopicsOptions(opts({ ...o, deleteConfig: ['retention.ms'] }))).toThrow(new TopicsUsageError(message));
  });

  it('with --alter, is refused because --bootstrap-server is always given, pointing at tk configs', () => {
    expect(() => checkTopicsOptions(opts({ alter: true, topic: 't', partitions: '2', deleteConfig: ['retention.ms'] }))).toThrow(new TopicsUsageError(bootstrapRefusal));
    expect(DELETE_CONFIG_HINT).toContain('tk configs');
  });

  it('comes after the required-argument checks and the --config check, before --partitions', () => {
    expect(() => checkTopicsOptions(opts({ alter: true, topic: 't', deleteConfig: ['a'] }))).toThrow('Missing required argument "[partitions]"');
    expect(() => checkTopicsOptions(opts({ list: true, config: ['a=b'], deleteConfig: ['a'] }))).toThrow('Option "[config]" can\'t be used with option "[list]"');
    expect(() => checkTopicsOptions(opts({ list: true, partitions: '1', deleteConfig: ['a'] }))).toThrow('Option "[delete-config]" can\'t be used with option "[list]"');
  });
});
