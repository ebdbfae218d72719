// The ACLs kafka-acls.sh's flags stand for, printed through Kafka's toString forms so each case
// reads like the tool's output.
import { describe, expect, it } from 'vitest';
import { filterAcls, patternAcls, resourceFilters } from '../../../src/cli/acls/expansion.js';
import { AclCommandError, AclsUsageError, type AclsFlags } from '../../../src/cli/acls/options.js';
import { entryText, patternText } from '../../../src/cli/acls/render.js';
import { PatternType } from '../../../src/protocol/acls.js';

const base: AclsFlags = {
  add: true,
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

/** resource → entries, as Kafka's toString prints them. */
function added(flags: Partial<AclsFlags>): [string, string[]][] {
  return patternAcls({ ...base, ...flags }).map((r) => [patternText(r.pattern), r.acls.map(entryText)]);
}

const topic = (name: string, pattern = 'LITERAL'): string => `ResourcePattern(resourceType=TOPIC, name=${name}, patternType=${pattern})`;
const acl = (principal: string, operation: string, permission = 'ALLOW', host = '*'): string => `(principal=${principal}, host=${host}, operation=${operation}, permissionType=${permission})`;
const CLUSTER = 'ResourcePattern(resourceType=CLUSTER, name=kafka-cluster, patternType=LITERAL)';

describe('--producer and --consumer expand to the ACLs AclCommand creates', () => {
  it('--producer: WRITE, DESCRIBE, CREATE on each topic', () => {
    expect(added({ producer: true, topic: ['t'], allowPrincipal: ['User:alice'] })).toEqual([
      [topic('t'), [acl('User:alice', 'WRITE'), acl('User:alice', 'DESCRIBE'), acl('User:alice', 'CREATE')]],
    ]);
  });

  it('--producer with --transactional-id: WRITE, DESCRIBE on it; --idempotent: IDEMPOTENT_WRITE on the literal cluster whatever the pattern type', () => {
    expect(added({ producer: true, idempotent: true, topic: ['orders-'], transactionalId: ['tx-'], resourcePatternType: 'prefixed', allowPrincipal: ['User:alice'] })).toEqual([
      [topic('orders-', 'PREFIXED'), [acl('User:alice', 'WRITE'), acl('User:alice', 'DESCRIBE'), acl('User:alice', 'CREATE')]],
      ['ResourcePattern(resourceType=TRANSACTIONAL_ID, name=tx-, patternType=PREFIXED)', [acl('User:alice', 'WRITE'), acl('User:alice', 'DESCRIBE')]],
      [CLUSTER, [acl('User:alice', 'IDEMPOTENT_WRITE')]],
    ]);
  });

  it('--producer ignores --group and --cluster (without --idempotent)', () => {
    expect(added({ producer: true, topic: ['t'], group: ['g'], cluster: true, allowPrincipal: ['User:a'] }).map(([r]) => r)).toEqual([topic('t')]);
  });

  it('--consumer: READ, DESCRIBE on each topic and READ on each group', () => {
    expect(added({ consumer: true, topic: ['t'], group: ['g'], allowPrincipal: ['User:bob'], allowHost: ['10.0.0.1'] })).toEqual([
      [topic('t'), [acl('User:bob', 'READ', 'ALLOW', '10.0.0.1'), acl('User:bob', 'DESCRIBE', 'ALLOW', '10.0.0.1')]],
      ['ResourcePattern(resourceType=GROUP, name=g, patternType=LITERAL)', [acl('User:bob', 'READ', 'ALLOW', '10.0.0.1')]],
    ]);
  });

  it('--producer --consumer: the topic gets both roles, the consumer entries first, DESCRIBE once', () => {
    expect(added({ producer: true, consumer: true, topic: ['t'], group: ['g'], allowPrincipal: ['User:a'] })).toEqual([
      [topic('t'), [acl('User:a', 'READ'), acl('User:a', 'DESCRIBE'), acl('User:a', 'WRITE'), acl('User:a', 'CREATE')]],
      ['ResourcePattern(resourceType=GROUP, name=g, patternType=LITERAL)', [acl('User:a', 'READ')]],
    ]);
  });
});

describe('plain --add', () => {
  it('every principal × operation × host, allow before deny; hosts default to * only for the side that has principals', () => {
    expect(
      added({ topic: ['t'], allowPrincipal: ['User:a', 'User:b'], operation: ['Read', 'Write'], denyPrincipal: ['User:c'], denyHost: ['h1', 'h2'] }),
    ).toEqual([
      [
        topic('t'),
        [
          acl('User:a', 'READ'),
          acl('User:a', 'WRITE'),
          acl('User:b', 'READ'),
          acl('User:b', 'WRITE'),
          acl('User:c', 'READ', 'DENY', 'h1'),
          acl('User:c', 'READ', 'DENY', 'h2'),
          acl('User:c', 'WRITE', 'DENY', 'h1'),
          acl('User:c', 'WRITE', 'DENY', 'h2'),
        ],
      ],
    ]);
  });

  it('resources in AclCommand order: topics, cluster, groups, transactional ids, delegation tokens, users; repeats once', () => {
    const resources = resourceFilters({ ...base, userPrincipal: ['u'], delegationToken: ['d'], transactionalId: [' x '], group: ['g'], cluster: true, topic: [' t ', 't'] }, PatternType.LITERAL, true);
    expect(resources.map(patternText)).toEqual([
      topic('t'),
      CLUSTER,
      'ResourcePattern(resourceType=GROUP, name=g, patternType=LITERAL)',
      // Kafka trims every name but transactional ids.
      'ResourcePattern(resourceType=TRANSACTIONAL_ID, name= x , patternType=LITERAL)',
      'ResourcePattern(resourceType=DELEGATION_TOKEN, name=d, patternType=LITERAL)',
      'ResourcePattern(resourceType=USER, name=u, patternType=LITERAL)',
    ]);
  });

  it('--cluster names nothing with a non-literal pattern type', () => {
    expect(() => added({ cluster: true, resourcePatternType: 'prefixed', allowPrincipal: ['User:a'] })).toThrow(
      new AclsUsageError('You must provide at least one resource: --topic <topic> or --cluster or --group <group> or --delegation-token <Delegation Token ID>'),
    );
  });

  it('refuses filter pattern types, a resource without principals, and operations the resource type lacks', () => {
    expect(() => added({ topic: ['t'], resourcePatternType: 'match' })).toThrow(new AclsUsageError("A '--resource-pattern-type' value of 'MATCH' is not valid when adding acls."));
    expect(() => added({ topic: ['t'] })).toThrow(new AclsUsageError('You must specify one of: --allow-principal, --deny-principal when trying to add ACLs.'));
    expect(() => added({ producer: true, topic: ['t'] })).toThrow(new AclsUsageError('You must specify one of: --allow-principal, --deny-principal when trying to add ACLs.'));
    expect(() => added({ group: ['g'], operation: ['Write'], allowPrincipal: ['User:a'] })).toThrow(
      new AclsUsageError('ResourceType GROUP only supports operations Read, Describe, Delete, DescribeConfigs, AlterConfigs, All'),
    );
    expect(() => added({ topic: ['t'], operation: ['Fly'], allowPrincipal: ['User:a'] })).toThrow(/^ResourceType TOPIC only supports operations Read, Write, Create,/);
  });

  it('--operation Any fails as AccessControlEntry refuses it, but only once an entry is built', () => {
    expect(() => added({ topic: ['t'], operation: ['any'], allowPrincipal: ['User:a'] })).toThrow(new AclCommandError('operation must not be ANY'));
    expect(() => added({ topic: ['t'], operation: ['any'] })).toThrow(AclsUsageError);
  });
});

describe('--remove', () => {
  it('without principals: no entries, meaning every ACL of each resource filter; filter pattern types allowed', () => {
    const resources = filterAcls({ ...base, add: false, remove: true, topic: ['t'], group: ['g'], resourcePatternType: 'match' });
    expect(resources.map((r) => [patternText(r.filter), r.acls.length])).toEqual([
      [topic('t', 'MATCH'), 0],
      ['ResourcePattern(resourceType=GROUP, name=g, patternType=MATCH)', 0],
    ]);
  });
});
