// ACL creation, deletion and filtering against Kafka's AclControlManager, AclApis and
// AclBindingFilter: the refusals and their messages, duplicates, and which ACLs a filter matches.
import { describe, expect, it } from 'vitest';
import {
  brokerCreationError,
  compareAcls,
  describeAcls,
  filterError,
  filterMatches,
  isConstructible,
  newAclError,
  planAclCreation,
  planAclDeletion,
  toStandardAcl,
  type AclFilter,
} from '../../../daemon/controller/acl-control.js';
import { EMPTY_IMAGE, replay, type MetadataImage, type MetadataRecord } from '../../../daemon/controller/metadata-image.js';
import type { StandardAcl } from '../../../daemon/security/authorizer.js';
import { AclOperation as Op, AclPermissionType as Perm, PatternType as Pat, ResourceType as Res } from '../../../src/protocol/acls.js';
import { ErrorCode } from '../../../src/protocol/errors.js';

const acl = (overrides: Partial<StandardAcl> = {}): StandardAcl => ({
  resourceType: Res.TOPIC, resourceName: 'events', patternType: Pat.LITERAL, principal: 'User:alice', host: '*', operation: Op.READ, permissionType: Perm.ALLOW, ...overrides,
});
const ANY_FILTER: AclFilter = { resourceTypeFilter: Res.ANY, resourceNameFilter: null, patternTypeFilter: Pat.ANY, principalFilter: null, hostFilter: null, operation: Op.ANY, permissionType: Perm.ANY };
const filter = (overrides: Partial<AclFilter>): AclFilter => ({ ...ANY_FILTER, ...overrides });

let nextId = 0;
const sequentialIds = () => `id-${nextId++}`;

function imageWith(...acls: StandardAcl[]): MetadataImage {
  const { records } = planAclCreation(EMPTY_IMAGE, acls, sequentialIds);
  return replay(EMPTY_IMAGE, records, 0n);
}

describe('creation', () => {
  it('refuses with AclControlManager.validateNewAcl\'s messages', () => {
    const invalid = (message: string) => ({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: message });
    expect(newAclError(acl({ resourceType: Res.UNKNOWN }))).toEqual(invalid('Invalid resourceType UNKNOWN'));
    expect(newAclError(acl({ resourceType: Res.ANY }))).toEqual(invalid('Invalid resourceType ANY'));
    expect(newAclError(acl({ patternType: Pat.MATCH }))).toEqual(invalid('Invalid patternType MATCH'));
    expect(newAclError(acl({ operation: Op.ANY }))).toEqual(invalid('Invalid operation ANY'));
    expect(newAclError(acl({ permissionType: Perm.UNKNOWN }))).toEqual(invalid('Invalid permissionType UNKNOWN'));
    expect(newAclError(acl({ resourceName: '' }))).toEqual(invalid('Resource name should not be empty'));
    expect(newAclError(acl({ patternType: Pat.PREFIXED, operation: Op.ALL, permissionType: Perm.DENY }))).toBeNull();
  });

  it('refuses on the broker a CLUSTER ACL not named kafka-cluster, then an empty name', () => {
    expect(brokerCreationError(acl({ resourceType: Res.CLUSTER, resourceName: '' }))?.errorMessage).toBe('The only valid name for the CLUSTER resource is kafka-cluster');
    expect(brokerCreationError(acl({ resourceName: '' }))?.errorMessage).toBe('Invalid empty resource name');
    expect(brokerCreationError(acl({ resourceType: Res.CLUSTER, resourceName: 'kafka-cluster' }))).toBeNull();
  });

  it('reads codes outside the enums as UNKNOWN, and ANY or MATCH as a request AclBinding cannot hold', () => {
    const wire = { resourceType: 42, resourceName: 'x', resourcePatternType: 9, principal: 'User:a', host: '*', operation: 77, permissionType: 5 };
    expect(toStandardAcl(wire)).toEqual({ resourceType: 0, resourceName: 'x', patternType: 0, principal: 'User:a', host: '*', operation: 0, permissionType: 0 });
    expect(isConstructible(wire)).toBe(true);
    for (const bad of [{ resourceType: Res.ANY }, { resourcePatternType: Pat.ANY }, { resourcePatternType: Pat.MATCH }, { operation: Op.ANY }, { permissionType: Perm.ANY }]) {
      expect(isConstructible({ ...wire, ...bad })).toBe(false);
    }
  });

  it('writes one record per new ACL under a fresh id; one already present, or repeated, succeeds without one', () => {
    const image = imageWith(acl());
    const taken = [...image.acls.keys()][0];
    const ids = [taken, 'fresh-1', 'fresh-2'];
    const { records, response } = planAclCreation(image, [acl(), acl({ operation: Op.WRITE }), acl({ operation: Op.WRITE }), acl({ operation: Op.ANY })], () => ids.shift()!);
    expect(response).toEqual([null, null, null, { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Invalid operation ANY' }]);
    expect(records).toEqual([{ type: 'AccessControlEntry', version: 0, record: { id: 'fresh-1', ...acl({ operation: Op.WRITE }) } }]);
  });
});

describe('filters (AclBindingFilter.matches)', () => {
  const literal = acl();
  const wildcard = acl({ resourceName: '*' });
  const prefixed = acl({ resourceName: 'ev', patternType: Pat.PREFIXED });
  const otherPrefix = acl({ resourceName: 'x', patternType: Pat.PREFIXED });
  const all = [literal, wildcard, prefixed, otherPrefix];
  const matching = (f: AclFilter) => all.filter((a) => filterMatches(f, a));

  it('MATCH takes the literal name, the literal * and every prefix of the name', () => {
    expect(matching(filter({ resourceNameFilter: 'events', patternTypeFilter: Pat.MATCH }))).toEqual([literal, wildcard, prefixed]);
    expect(matching(filter({ resourceNameFilter: 'e', patternTypeFilter: Pat.MATCH }))).toEqual([wildcard]);
  });

  it('ANY and a concrete pattern type compare the name exactly', () => {
    expect(matching(filter({ resourceNameFilter: 'ev' }))).toEqual([prefixed]);
    expect(matching(filter({ resourceNameFilter: '*', patternTypeFilter: Pat.LITERAL }))).toEqual([wildcard]);
    expect(matching(filter({ resourceNameFilter: 'events', patternTypeFilter: Pat.PREFIXED }))).toEqual([]);
    expect(matching(filter({ patternTypeFilter: Pat.PREFIXED }))).toEqual([prefixed, otherPrefix]);
  });

  it('compares principal, host, operation and permission exactly unless null or ANY', () => {
    const entry = acl({ principal: 'User:*', host: '10.0.0.1', operation: Op.ALL, permissionType: Perm.DENY });
    expect(filterMatches(filter({ principalFilter: 'User:*', hostFilter: '10.0.0.1', operation: Op.ALL, permissionType: Perm.DENY }), entry)).toBe(true);
    expect(filterMatches(filter({ principalFilter: 'User:alice' }), entry)).toBe(false);
    expect(filterMatches(filter({ hostFilter: '*' }), entry)).toBe(false);
    expect(filterMatches(filter({ operation: Op.READ }), entry)).toBe(false);
    expect(filterMatches(filter({ permissionType: Perm.ALLOW }), entry)).toBe(false);
    expect(filterMatches(filter({ resourceTypeFilter: Res.GROUP }), entry)).toBe(false);
    expect(filterMatches(filter({ resourceTypeFilter: 42 }), entry)).toBe(false);
  });

  it('refuses codes outside the enums per filter with validateFilter\'s messages', () => {
    expect(filterError(filter({ resourceTypeFilter: 42 }))?.errorMessage).toBe('Unknown patternFilter.');
    expect(filterError(filter({ patternTypeFilter: 42 }))?.errorMessage).toBe('Unknown patternFilter.');
    expect(filterError(filter({ operation: 42 }))?.errorMessage).toBe('Unknown entryFilter.');
    expect(filterError(filter({ permissionType: 42 }))?.errorMessage).toBe('Unknown entryFilter.');
    expect(filterError(ANY_FILTER)).toBeNull();
  });
});

describe('deletion and description', () => {
  const readEvents = acl();
  const denyEv = acl({ resourceName: 'ev', patternType: Pat.PREFIXED, principal: 'User:bob', operation: Op.WRITE, permissionType: Perm.DENY });
  const groups = acl({ resourceType: Res.GROUP, resourceName: '*', principal: 'User:*' });

  it('lists what each filter matches and removes an ACL matched twice once', () => {
    const image = imageWith(groups, readEvents, denyEv);
    const idOf = (a: StandardAcl) => [...image.acls].find(([, b]) => compareAcls(a, b) === 0)![0];
    const { records, response } = planAclDeletion(image, [filter({ resourceTypeFilter: Res.TOPIC, resourceNameFilter: 'events', patternTypeFilter: Pat.MATCH }), filter({ principalFilter: 'User:bob' }), filter({ operation: 42 })]);
    expect(response).toEqual([
      { error: null, deleted: [readEvents, denyEv] },
      { error: null, deleted: [denyEv] },
      { error: { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Unknown entryFilter.' }, deleted: [] },
    ]);
    expect(records.map((r: MetadataRecord) => r.record)).toEqual([{ id: idOf(readEvents) }, { id: idOf(denyEv) }]);
    expect([...replay(image, records, 1n).acls.values()]).toEqual([groups]);
  });

  it('groups described ACLs by resource pattern in Kafka\'s order (type, name reversed, pattern type)', () => {
    const writeEvents = acl({ principal: 'User:carol', operation: Op.WRITE });
    const events = describeAcls([groups, writeEvents, denyEv, readEvents], ANY_FILTER);
    expect(events).toEqual([
      { pattern: readEvents, entries: [readEvents, writeEvents] },
      { pattern: denyEv, entries: [denyEv] },
      { pattern: groups, entries: [groups] },
    ]);
    expect(describeAcls([groups, readEvents], filter({ resourceTypeFilter: Res.GROUP }))).toEqual([{ pattern: groups, entries: [groups] }]);
  });
});
