// ACL creation and deletion as Kafka's AclApis and AclControlManager decide them: which
// creations and filters are refused and with what message, which ACLs a filter matches
// (AclBindingFilter), and the AccessControlEntry / RemoveAccessControlEntry records that result.
// The request-level faults Kafka raises while building AclBindings are told apart from the
// per-creation refusals, because they fail the whole request there.
import {
  AclOperation,
  AclPermissionType,
  CLUSTER_RESOURCE_NAME,
  PatternType,
  ResourceType,
  WILDCARD,
  aclOperationName,
  patternTypeName,
  permissionTypeName,
  resourceTypeName,
} from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import type { StandardAcl } from '../security/authorizer.js';
import type { MetadataImage, MetadataRecord } from './metadata-image.js';
import type { ControllerResult } from './quorum-controller.js';

/** An ACL as CreateAcls carries it (codes as sent, possibly outside the enums). */
export interface AclCreationFields {
  readonly resourceType: number;
  readonly resourceName: string;
  readonly resourcePatternType: number;
  readonly principal: string;
  readonly host: string;
  readonly operation: number;
  readonly permissionType: number;
}

/** A filter as DescribeAcls and DeleteAcls carry it: null names, principals and hosts match any. */
export interface AclFilter {
  readonly resourceTypeFilter: number;
  readonly resourceNameFilter: string | null;
  readonly patternTypeFilter: number;
  readonly principalFilter: string | null;
  readonly hostFilter: string | null;
  readonly operation: number;
  readonly permissionType: number;
}

export interface AclError {
  readonly errorCode: number;
  readonly errorMessage: string | null;
}

/** What one DeleteAcls filter did: the ACLs it removed, or why it was refused. */
export interface AclDeletion {
  readonly error: AclError | null;
  readonly deleted: readonly StandardAcl[];
}

const UNKNOWN = 0;

/** Kafka's `fromCode`: a code outside the enum reads as UNKNOWN. */
function known(code: number, values: Record<string, number>): number {
  return Object.values(values).includes(code) ? code : UNKNOWN;
}

/**
 * Kafka refuses to parse a CreateAcls, DescribeAcls or DeleteAcls request naming UNKNOWN (code 0)
 * for a resource type, pattern type, operation or permission, and closes the connection.
 */
export function hasUnknownCodes(items: readonly { resourceType: number; patternType: number; operation: number; permissionType: number }[]): boolean {
  return items.some((i) => i.resourceType === UNKNOWN || i.patternType === UNKNOWN || i.operation === UNKNOWN || i.permissionType === UNKNOWN);
}

/**
 * ANY or MATCH where a concrete ACL is needed makes Kafka's AclBinding constructor throw, which
 * fails the whole CreateAcls request with UNKNOWN_SERVER_ERROR for every creation.
 */
export function isConstructible(c: AclCreationFields): boolean {
  return (
    c.resourceType !== ResourceType.ANY &&
    c.resourcePatternType !== PatternType.ANY &&
    c.resourcePatternType !== PatternType.MATCH &&
    c.operation !== AclOperation.ANY &&
    c.permissionType !== AclPermissionType.ANY
  );
}

export const UNCONSTRUCTIBLE_REQUEST_ERROR: AclError = { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: null };

/** The ACL a creation names, its codes read as Kafka's enums read them. */
export function toStandardAcl(c: AclCreationFields): StandardAcl {
  return {
    resourceType: known(c.resourceType, ResourceType) as StandardAcl['resourceType'],
    resourceName: c.resourceName,
    patternType: known(c.resourcePatternType, PatternType) as StandardAcl['patternType'],
    principal: c.principal,
    host: c.host,
    operation: known(c.operation, AclOperation) as StandardAcl['operation'],
    permissionType: known(c.permissionType, AclPermissionType) as StandardAcl['permissionType'],
  };
}

function invalidRequest(errorMessage: string): AclError {
  return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage };
}

/** The broker's own checks before the controller sees a creation (Kafka's AclApis). */
export function brokerCreationError(acl: StandardAcl): AclError | null {
  if (acl.resourceType === ResourceType.CLUSTER && acl.resourceName !== CLUSTER_RESOURCE_NAME) {
    return invalidRequest(`The only valid name for the CLUSTER resource is ${CLUSTER_RESOURCE_NAME}`);
  }
  if (acl.resourceName === '') return invalidRequest('Invalid empty resource name');
  return null;
}

/** AclControlManager.validateNewAcl: a concrete resource type, pattern, operation and permission. */
export function newAclError(acl: StandardAcl): AclError | null {
  if (acl.resourceType === ResourceType.UNKNOWN || acl.resourceType === ResourceType.ANY) {
    return invalidRequest(`Invalid resourceType ${resourceTypeName(acl.resourceType)}`);
  }
  if (acl.patternType !== PatternType.LITERAL && acl.patternType !== PatternType.PREFIXED) {
    return invalidRequest(`Invalid patternType ${patternTypeName(acl.patternType)}`);
  }
  if (acl.operation === AclOperation.UNKNOWN || acl.operation === AclOperation.ANY) {
    return invalidRequest(`Invalid operation ${aclOperationName(acl.operation)}`);
  }
  if (acl.permissionType !== AclPermissionType.ALLOW && acl.permissionType !== AclPermissionType.DENY) {
    return invalidRequest(`Invalid permissionType ${permissionTypeName(acl.permissionType)}`);
  }
  if (acl.resourceName === '') return invalidRequest('Resource name should not be empty');
  return null;
}

/** Every field of the ACL, for spotting one already present. */
function aclKey(a: StandardAcl): string {
  return JSON.stringify([a.resourceType, a.resourceName, a.patternType, a.principal, a.host, a.operation, a.permissionType]);
}

/**
 * CreateAcls on the controller: each valid ACL not already present (in the image or earlier in
 * this request) becomes a record under a fresh id; one already present succeeds without one.
 */
export function planAclCreation(image: MetadataImage, acls: readonly StandardAcl[], randomId: () => string): ControllerResult<(AclError | null)[]> {
  const records: MetadataRecord[] = [];
  const present = new Set([...image.acls.values()].map(aclKey));
  const ids = new Set<string>();
  const response = acls.map((acl) => {
    const error = newAclError(acl);
    if (error !== null) return error;
    const key = aclKey(acl);
    if (present.has(key)) return null;
    let id = randomId();
    while (image.acls.has(id) || ids.has(id)) id = randomId();
    ids.add(id);
    present.add(key);
    records.push({ type: 'AccessControlEntry', version: 0, record: { id, ...acl } });
    return null;
  });
  return { records, response };
}

/** AclControlManager.validateFilter: codes outside the enums are refused per filter. */
export function filterError(filter: AclFilter): AclError | null {
  if (known(filter.resourceTypeFilter, ResourceType) === UNKNOWN || known(filter.patternTypeFilter, PatternType) === UNKNOWN) {
    return invalidRequest('Unknown patternFilter.');
  }
  if (known(filter.operation, AclOperation) === UNKNOWN || known(filter.permissionType, AclPermissionType) === UNKNOWN) {
    return invalidRequest('Unknown entryFilter.');
  }
  return null;
}

/**
 * AclBindingFilter.matches: ANY matches every value; a null name, principal or host matches any;
 * pattern type MATCH with a name matches the LITERAL ACL of that name, the LITERAL `*` ACL and
 * every PREFIXED ACL whose prefix the name starts with.
 */
export function filterMatches(filter: AclFilter, acl: StandardAcl): boolean {
  if (filter.resourceTypeFilter !== ResourceType.ANY && filter.resourceTypeFilter !== acl.resourceType) return false;
  const patternType = filter.patternTypeFilter;
  if (patternType !== PatternType.ANY && patternType !== PatternType.MATCH && patternType !== acl.patternType) return false;
  if (!nameMatches(filter.resourceNameFilter, patternType, acl)) return false;
  if (filter.principalFilter !== null && filter.principalFilter !== acl.principal) return false;
  if (filter.hostFilter !== null && filter.hostFilter !== acl.host) return false;
  if (filter.operation !== AclOperation.ANY && filter.operation !== acl.operation) return false;
  return filter.permissionType === AclPermissionType.ANY || filter.permissionType === acl.permissionType;
}

function nameMatches(name: string | null, patternType: number, acl: StandardAcl): boolean {
  if (name === null) return true;
  if (patternType !== PatternType.MATCH) return name === acl.resourceName;
  if (acl.patternType === PatternType.LITERAL) return name === acl.resourceName || acl.resourceName === WILDCARD;
  return acl.patternType === PatternType.PREFIXED && name.startsWith(acl.resourceName);
}

/** Kafka's StandardAcl order: resource type, name (reversed), pattern type, operation, principal, host, permission. */
export function compareAcls(a: StandardAcl, b: StandardAcl): number {
  const text = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  return (
    a.resourceType - b.resourceType ||
    text(b.resourceName, a.resourceName) ||
    a.patternType - b.patternType ||
    a.operation - b.operation ||
    text(a.principal, b.principal) ||
    text(a.host, b.host) ||
    a.permissionType - b.permissionType
  );
}

/**
 * DeleteAcls on the controller: each valid filter lists the ACLs it matches (in Kafka's ACL
 * order); an ACL that several filters match is listed by each and removed once.
 */
export function planAclDeletion(image: MetadataImage, filters: readonly AclFilter[]): ControllerResult<AclDeletion[]> {
  const sorted = [...image.acls].sort(([, a], [, b]) => compareAcls(a, b));
  const removed = new Set<string>();
  const response = filters.map((filter): AclDeletion => {
    const error = filterError(filter);
    if (error !== null) return { error, deleted: [] };
    const matched = sorted.filter(([, acl]) => filterMatches(filter, acl));
    for (const [id] of matched) removed.add(id);
    return { error: null, deleted: matched.map(([, acl]) => acl) };
  });
  const records: MetadataRecord[] = [...removed].map((id) => ({ type: 'RemoveAccessControlEntry', version: 0, record: { id } }));
  return { records, response };
}

/** DescribeAcls: the matching ACLs grouped by resource pattern, resources and entries in Kafka's ACL order. */
export function describeAcls(acls: Iterable<StandardAcl>, filter: AclFilter): { pattern: StandardAcl; entries: StandardAcl[] }[] {
  const groups = new Map<string, { pattern: StandardAcl; entries: StandardAcl[] }>();
  for (const acl of [...acls].filter((a) => filterMatches(filter, a)).sort(compareAcls)) {
    const key = JSON.stringify([acl.resourceType, acl.resourceName, acl.patternType]);
    const group = groups.get(key);
    if (group) group.entries.push(acl);
    else groups.set(key, { pattern: acl, entries: [acl] });
  }
  return [...groups.values()];
}
