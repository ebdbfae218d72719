import { describe, expect, it } from 'vitest';
import {
  AclCommandError,
  AclsUsageError,
  checkAclsArgs,
  javaTrim,
  operationDisplayName,
  operationsOf,
  parseOperation,
  parsePatternType,
  principalsOf,
  type AclsFlags,
} from '../../../src/cli/acls/options.js';
import { AclOperation, PatternType } from '../../../src/protocol/acls.js';

const NO_FLAGS: AclsFlags = {
  add: false,
  remove: false,
  list: false,
  topic: [],
  group: [],
  cluster: false,
  transactionalId: [],
  delegationToken: [],
  userPrincipal: [],
  allowPrincipal: [],
  denyPrincipal: [],
  allowHost: [],
  denyHost: [],
  principal: [],
  operation: [],
  producer: false,
  consumer: false,
  idempotent: false,
  force: false,
};

const usage = (flags: Partial<AclsFlags>): string => {
  try {
    checkAclsArgs({ ...NO_FLAGS, ...flags });
  } catch (err) {
    expect(err).toBeInstanceOf(AclsUsageError);
    return (err as Error).message;
  }
  throw new Error('expected a usage error');
};

describe('checkAclsArgs: AclCommandOptions.checkArgs messages, in its order', () => {
  it.each([
    [{}, 'Command must include exactly one action: --list, --add, --remove. '],
    [{ add: true, list: true }, 'Command must include exactly one action: --list, --add, --remove. '],
    [{ list: true, producer: true, consumer: true }, 'Option "[list]" can\'t be used with option "[producer]"'],
    [{ list: true, denyPrincipal: ['User:a'], allowHost: ['h'] }, 'Option "[list]" can\'t be used with option "[allow-host]"'],
    [{ list: true, denyPrincipal: ['User:a'] }, 'Option "[list]" can\'t be used with option "[deny-principal]"'],
    [{ add: true, producer: true, operation: ['Read'], topic: ['t'] }, 'Option "[producer]" can\'t be used with option "[operation]"'],
    [{ add: true, producer: true, denyHost: ['h'], topic: ['t'] }, 'Option "[producer]" can\'t be used with option "[deny-host]"'],
    [{ add: true, consumer: true, denyPrincipal: ['User:a'] }, 'Option "[consumer]" can\'t be used with option "[deny-principal]"'],
    [{ add: true, principal: ['User:a'] }, 'The --principal option is only available if --list is set'],
    [{ add: true, producer: true }, 'With --producer you must specify a --topic'],
    [{ list: true, idempotent: true }, 'The --idempotent option is only available if --producer is set'],
    [{ add: true, consumer: true, topic: ['t'] }, 'With --consumer you must specify a --topic and a --group and no --cluster or --transactional-id option should be specified.'],
    [{ add: true, consumer: true, group: ['g'] }, 'With --consumer you must specify a --topic and a --group and no --cluster or --transactional-id option should be specified.'],
    [{ add: true, consumer: true, topic: ['t'], group: ['g'], cluster: true }, 'With --consumer you must specify a --topic and a --group and no --cluster or --transactional-id option should be specified.'],
    [{ add: true, consumer: true, topic: ['t'], group: ['g'], transactionalId: ['x'] }, 'With --consumer you must specify a --topic and a --group and no --cluster or --transactional-id option should be specified.'],
  ] as [Partial<AclsFlags>, string][])('%j', (flags, message) => {
    expect(usage(flags)).toBe(message);
  });

  it('accepts each action alone, and --consumer with --cluster or --transactional-id when --producer is given too', () => {
    expect(checkAclsArgs({ ...NO_FLAGS, list: true, operation: ['Read'] })).toBe('list');
    expect(checkAclsArgs({ ...NO_FLAGS, remove: true })).toBe('remove');
    expect(checkAclsArgs({ ...NO_FLAGS, add: true, producer: true, consumer: true, topic: ['t'], group: ['g'], transactionalId: ['x'], cluster: true })).toBe('add');
  });
});

describe('values read as Kafka reads them', () => {
  it('pattern types: joptsimple enum names in any case, literal by default, UNKNOWN and others refused', () => {
    expect(parsePatternType(undefined)).toBe(PatternType.LITERAL);
    expect(parsePatternType('Prefixed')).toBe(PatternType.PREFIXED);
    expect(parsePatternType('match')).toBe(PatternType.MATCH);
    expect(parsePatternType('ANY')).toBe(PatternType.ANY);
    for (const bad of ['unknown', 'wildcard', '']) {
      expect(() => parsePatternType(bad)).toThrow(new AclCommandError(`Cannot parse argument '${bad}' of option resource-pattern-type`));
    }
  });

  it('operations: the Pascal-case name in any case, else UNKNOWN; All by default', () => {
    expect(parseOperation('ClusterAction')).toBe(AclOperation.CLUSTER_ACTION);
    expect(parseOperation('clusteraction')).toBe(AclOperation.CLUSTER_ACTION);
    expect(parseOperation('IDEMPOTENTWRITE')).toBe(AclOperation.IDEMPOTENT_WRITE);
    expect(parseOperation('CLUSTER_ACTION')).toBe(AclOperation.UNKNOWN);
    expect(parseOperation('Any')).toBe(AclOperation.ANY);
    expect(operationsOf({ ...NO_FLAGS })).toEqual([AclOperation.ALL]);
    expect(operationsOf({ ...NO_FLAGS, operation: [' read ', 'Read', 'write'] })).toEqual([AclOperation.READ, AclOperation.WRITE]);
    expect(operationDisplayName(AclOperation.DESCRIBE_CONFIGS)).toBe('DescribeConfigs');
  });

  it('principals: Type:name split at the first colon, trimmed, once each', () => {
    expect(principalsOf([' User:alice ', 'User:alice', 'User:CN=a,O=b:c'])).toEqual(['User:alice', 'User:CN=a,O=b:c']);
    expect(() => principalsOf(['alice'])).toThrow(new AclCommandError('expected a string in format principalType:principalName but got alice'));
    expect(() => principalsOf(['  '])).toThrow(new AclCommandError('expected a string in format principalType:principalName but got '));
  });

  it("trims as java.lang.String.trim: control characters and spaces, not a no-break space", () => {
    expect(javaTrim('\t\u0001 t \n')).toBe('t');
    expect(javaTrim('\u00a0t')).toBe('\u00a0t');
  });
});
