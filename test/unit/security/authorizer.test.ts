// The ACL authorizer against Kafka's StandardAuthorizer (StandardAuthorizerData) and the
// authorizeByResourceType cases of Kafka's BaseAuthorizerTest.
import { describe, expect, it } from 'vitest';
import { Authorizer, type StandardAcl } from '../../../daemon/security/authorizer.js';
import { AclOperation as Op, AclPermissionType as Perm, PatternType as Pat, ResourceType as Res } from '../../../src/protocol/acls.js';

const alice = { principal: 'User:alice', host: '10.0.0.1' };
const bob = { principal: 'User:bob', host: '10.0.0.2' };
const admin = { principal: 'User:admin', host: '10.0.0.3' };

const acl = (overrides: Partial<StandardAcl> = {}): StandardAcl => ({
  resourceType: Res.TOPIC, resourceName: 'events', patternType: Pat.LITERAL, principal: 'User:alice', host: '*', operation: Op.READ, permissionType: Perm.ALLOW, ...overrides,
});
const authorizer = (acls: StandardAcl[], allowEveryoneIfNoAclFound = false) => new Authorizer({ superUsers: ['User:admin'], allowEveryoneIfNoAclFound }, acls);

describe('authorize', () => {
  it('lets DENY win over ALLOW, whichever comes first', () => {
    const deny = acl({ permissionType: Perm.DENY });
    expect(authorizer([acl(), deny]).authorize(alice, Op.READ, Res.TOPIC, 'events')).toBe(false);
    expect(authorizer([deny, acl()]).authorize(alice, Op.READ, Res.TOPIC, 'events')).toBe(false);
    expect(authorizer([acl()]).authorize(alice, Op.READ, Res.TOPIC, 'events')).toBe(true);
    expect(authorizer([acl({ principal: 'User:*', permissionType: Perm.DENY }), acl({ operation: Op.ALL })]).authorize(alice, Op.READ, Res.TOPIC, 'events')).toBe(false);
  });

  it('lets super users do anything, DENY or not', () => {
    const denyAll = acl({ principal: 'User:*', operation: Op.ALL, permissionType: Perm.DENY });
    expect(authorizer([denyAll]).authorize(admin, Op.ALTER, Res.CLUSTER, 'kafka-cluster')).toBe(true);
    expect(authorizer([denyAll]).authorize(admin, Op.WRITE, Res.TOPIC, 'events')).toBe(true);
  });

  it('allows everyone only where no ACL names the resource at all, with allow.everyone.if.no.acl.found', () => {
    const open = authorizer([acl()], true);
    expect(open.authorize(bob, Op.WRITE, Res.TOPIC, 'other')).toBe(true);
    // An ACL for alice on events closes events to bob, even for an operation it does not name.
    expect(open.authorize(bob, Op.WRITE, Res.TOPIC, 'events')).toBe(false);
    expect(open.authorize(alice, Op.WRITE, Res.TOPIC, 'events')).toBe(false);
    expect(authorizer([acl()]).authorize(bob, Op.WRITE, Res.TOPIC, 'other')).toBe(false);
    // A PREFIXED or wildcard ACL names every resource it covers.
    expect(authorizer([acl({ resourceName: 'ev', patternType: Pat.PREFIXED })], true).authorize(bob, Op.READ, Res.TOPIC, 'events')).toBe(false);
    expect(authorizer([acl({ resourceName: '*' })], true).authorize(bob, Op.READ, Res.TOPIC, 'anything')).toBe(false);
    expect(authorizer([acl({ resourceType: Res.GROUP, resourceName: '*' })], true).authorize(bob, Op.READ, Res.TOPIC, 'anything')).toBe(true);
  });

  it('matches LITERAL by name, LITERAL * everything, PREFIXED exactly its prefix', () => {
    const check = (a: StandardAcl, name: string) => authorizer([a]).authorize(alice, Op.READ, Res.TOPIC, name);
    expect(check(acl(), 'events')).toBe(true);
    expect(check(acl(), 'events2')).toBe(false);
    expect(check(acl(), 'event')).toBe(false);
    expect(check(acl({ resourceName: '*' }), 'anything')).toBe(true);
    const prefixed = acl({ resourceName: 'ev', patternType: Pat.PREFIXED });
    expect(check(prefixed, 'ev')).toBe(true);
    expect(check(prefixed, 'events')).toBe(true);
    expect(check(prefixed, 'e')).toBe(false);
    expect(check(prefixed, 'Events')).toBe(false);
    expect(check(acl({ resourceName: '*', patternType: Pat.PREFIXED }), 'events')).toBe(false);
    expect(authorizer([acl()]).authorize(alice, Op.READ, Res.GROUP, 'events')).toBe(false);
  });

  it('matches User:* for every principal and host * for every address, a named host only itself', () => {
    expect(authorizer([acl({ principal: 'User:*' })]).authorize(bob, Op.READ, Res.TOPIC, 'events')).toBe(true);
    expect(authorizer([acl({ principal: 'User:bob' })]).authorize(alice, Op.READ, Res.TOPIC, 'events')).toBe(false);
    expect(authorizer([acl({ host: '10.0.0.1' })]).authorize(alice, Op.READ, Res.TOPIC, 'events')).toBe(true);
    expect(authorizer([acl({ host: '10.0.0.9' })]).authorize(alice, Op.READ, Res.TOPIC, 'events')).toBe(false);
  });

  it('implies DESCRIBE and DESCRIBE_CONFIGS from ALLOW ACLs only', () => {
    for (const op of [Op.READ, Op.WRITE, Op.DELETE, Op.ALTER]) {
      expect(authorizer([acl({ operation: op })]).authorize(alice, Op.DESCRIBE, Res.TOPIC, 'events')).toBe(true);
    }
    expect(authorizer([acl({ operation: Op.CREATE })]).authorize(alice, Op.DESCRIBE, Res.TOPIC, 'events')).toBe(false);
    expect(authorizer([acl({ operation: Op.ALTER_CONFIGS })]).authorize(alice, Op.DESCRIBE_CONFIGS, Res.TOPIC, 'events')).toBe(true);
    expect(authorizer([acl({ operation: Op.ALTER_CONFIGS })]).authorize(alice, Op.DESCRIBE, Res.TOPIC, 'events')).toBe(false);
    // A DENY on READ does not deny DESCRIBE; it still names the resource, so nothing allows it either.
    expect(authorizer([acl({ permissionType: Perm.DENY }), acl({ operation: Op.DESCRIBE })]).authorize(alice, Op.DESCRIBE, Res.TOPIC, 'events')).toBe(true);
    expect(authorizer([acl({ permissionType: Perm.DENY })], true).authorize(alice, Op.DESCRIBE, Res.TOPIC, 'events')).toBe(false);
    expect(authorizer([acl({ operation: Op.ALL, permissionType: Perm.DENY }), acl({ operation: Op.DESCRIBE })]).authorize(alice, Op.DESCRIBE, Res.TOPIC, 'events')).toBe(false);
  });
});

describe('authorizeByResourceType (Kafka\'s BaseAuthorizerTest cases)', () => {
  const u1 = { principal: 'User:user1', host: '192.168.1.1' };
  const allow = (overrides: Partial<StandardAcl>) => acl({ principal: 'User:user1', host: '192.168.1.1', ...overrides });
  const deny = (overrides: Partial<StandardAcl>) => allow({ permissionType: Perm.DENY, ...overrides });
  const byType = (acls: StandardAcl[], op: Op = Op.READ, type: Res = Res.GROUP, who = u1) => authorizer(acls).authorizeByResourceType(who, op, type);
  type Op = (typeof Op)[keyof typeof Op];
  type Res = (typeof Res)[keyof typeof Res];

  it('allows with an ALLOW on some resource, until a DENY on the same one (MultipleAddAndRemove, DenyTakesPrecedence)', () => {
    expect(byType([], Op.READ, Res.TOPIC)).toBe(false);
    expect(byType([allow({ resourceName: 'sb1' })], Op.READ, Res.TOPIC)).toBe(true);
    expect(byType([allow({ resourceName: 'sb1' }), deny({ resourceName: 'sb1' })], Op.READ, Res.TOPIC)).toBe(false);
  });

  it('ignores a DENY on an unrelated resource, principal or host (IsolationUnrelatedDenyWontDominateAllow)', () => {
    expect(byType([allow({ resourceName: 'a' }), deny({ resourceName: 'b' })], Op.READ, Res.TOPIC)).toBe(true);
    expect(byType([allow({ resourceName: 'a' }), deny({ resourceName: 'a', principal: 'User:user2' })], Op.READ, Res.TOPIC)).toBe(true);
    expect(byType([allow({ resourceName: 'a' }), deny({ resourceName: 'a', host: '192.168.1.2' })], Op.READ, Res.TOPIC)).toBe(true);
    expect(byType([allow({ resourceName: 'a' }), deny({ resourceName: 'a' })], Op.READ, Res.TOPIC)).toBe(false);
  });

  it('lets a PREFIXED DENY dominate every ALLOW it is a prefix of (PrefixedResourceDenyDominate)', () => {
    const group = (name: string) => ({ resourceType: Res.GROUP, resourceName: name, patternType: Pat.PREFIXED });
    const steps = [allow(group('abcde'))];
    expect(byType(steps)).toBe(true);
    steps.push(deny(group('abcd')));
    expect(byType(steps)).toBe(false);
    steps.push(allow(group('abc')));
    expect(byType(steps)).toBe(true);
    steps.push(deny(group('a')));
    expect(byType(steps)).toBe(false);
    steps.push(allow(group('ab')));
    expect(byType(steps)).toBe(false);
  });

  it('lets a wildcard DENY dominate everything, a wildcard ALLOW before it included (WildcardResourceDenyDominate)', () => {
    const g = (name: string, patternType: Pat = Pat.LITERAL) => ({ resourceType: Res.GROUP, resourceName: name, patternType, operation: Op.WRITE });
    type Pat = (typeof Pat)[keyof typeof Pat];
    expect(byType([allow(g('hello', Pat.PREFIXED))], Op.WRITE)).toBe(true);
    expect(byType([allow(g('hello', Pat.PREFIXED)), deny(g('*'))], Op.WRITE)).toBe(false);
    expect(byType([allow(g('*')), allow(g('aloha')), deny(g('*'))], Op.WRITE)).toBe(false);
    expect(byType([allow(g('*'))], Op.WRITE)).toBe(true);
  });

  it('counts ALL operations, host * and User:* (WithAllOperationAce, WithAllHostAce, WithAllPrincipalAce)', () => {
    expect(byType([allow({ resourceType: Res.GROUP, operation: Op.ALL })], Op.WRITE)).toBe(true);
    expect(byType([allow({ resourceType: Res.GROUP }), deny({ resourceType: Res.GROUP, resourceName: 'x', operation: Op.ALL })])).toBe(true);
    expect(byType([allow({ resourceType: Res.GROUP, host: '*' })])).toBe(true);
    expect(byType([allow({ resourceType: Res.GROUP }), deny({ resourceType: Res.GROUP, host: '*' })])).toBe(false);
    expect(byType([allow({ resourceType: Res.GROUP, principal: 'User:*' })])).toBe(true);
    expect(byType([allow({ resourceType: Res.GROUP }), deny({ resourceType: Res.GROUP, principal: 'User:*' })])).toBe(false);
    expect(byType([allow({ resourceType: Res.GROUP, host: '192.168.1.2' })])).toBe(false);
  });

  it('lets super users through, and allow.everyone.if.no.acl.found when no ACL names a resource (SuperUserHasAccess, NoAclFoundOverride)', () => {
    expect(byType([deny({ resourceType: Res.GROUP, resourceName: '*' })], Op.READ, Res.GROUP, admin)).toBe(true);
    expect(authorizer([], true).authorizeByResourceType(u1, Op.READ, Res.TOPIC)).toBe(true);
    expect(authorizer([deny({ resourceName: '*' })], true).authorizeByResourceType(u1, Op.READ, Res.TOPIC)).toBe(false);
  });
});

describe('authorizedOperations', () => {
  it('sets the bit of each supported operation the principal may perform on the resource', () => {
    const bits = (ops: number[]) => ops.reduce((b, op) => b | (1 << op), 0);
    expect(authorizer([acl(), acl({ operation: Op.ALTER_CONFIGS })]).authorizedOperations(alice, Res.TOPIC, 'events')).toBe(bits([Op.READ, Op.DESCRIBE, Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS]));
    expect(authorizer([acl({ operation: Op.ALL })]).authorizedOperations(alice, Res.GROUP, 'events')).toBe(0);
    expect(authorizer([acl({ resourceType: Res.GROUP, operation: Op.ALL })]).authorizedOperations(alice, Res.GROUP, 'events')).toBe(bits([Op.READ, Op.DESCRIBE, Op.DELETE, Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS]));
    expect(authorizer([]).authorizedOperations(admin, Res.CLUSTER, 'kafka-cluster')).toBe(
      bits([Op.CREATE, Op.CLUSTER_ACTION, Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS, Op.IDEMPOTENT_WRITE, Op.ALTER, Op.DESCRIBE]),
    );
  });
});
