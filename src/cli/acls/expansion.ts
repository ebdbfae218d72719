// What kafka-acls.sh's flags stand for: the resource filters they name and the ACL entries to add
// or remove on each, including the --producer and --consumer conveniences (Kafka 3.9
// AclCommand's getResourceFilter, getAcl and get{Producer,Consumer,Cli}ResourceFilterToAcls).
//
// Order: Kafka keeps these in Scala Sets and Maps. Up to four elements those iterate in insertion
// order, which is reproduced here. Larger ones, and every mutable HashSet of entries, iterate by
// hashCode, and the hashCodes of ResourcePattern and AccessControlEntry include Java enums'
// identity hash codes, which differ from one JVM run to the next: Kafka itself has no stable
// order there. tk keeps insertion order throughout: resources as the flags name them (topics,
// cluster, groups, transactional ids, delegation tokens, users), entries allow before deny, then
// by principal, operation and host as given.
import type { AccessControlEntry, ResourcePattern, ResourcePatternFilter } from '../../client/acl-admin.js';
import { AclOperation, AclPermissionType, CLUSTER_RESOURCE_NAME, PatternType, ResourceType, SUPPORTED_OPERATIONS, WILDCARD, patternTypeName, resourceTypeName } from '../../protocol/acls.js';
import { AclCommandError, AclsUsageError, isSpecificPatternType, javaTrim, operationDisplayName, operationsOf, parsePatternType, principalsOf, type AclsFlags } from './options.js';

const CLUSTER_FILTER: ResourcePatternFilter = { resourceType: ResourceType.CLUSTER, name: CLUSTER_RESOURCE_NAME, patternType: PatternType.LITERAL };

/** A resource filter and the entries to add or remove on it; none (on remove) means every entry. */
export interface FilterAcls {
  filter: ResourcePatternFilter;
  acls: AccessControlEntry[];
}

export interface PatternAcls {
  pattern: ResourcePattern;
  acls: AccessControlEntry[];
}

const filterKey = (f: ResourcePatternFilter): string => `${f.resourceType}\u0000${f.patternType}\u0000${f.name ?? ''}`;
const entryKey = (e: AccessControlEntry): string => `${e.principal}\u0000${e.host}\u0000${e.operation}\u0000${e.permissionType}`;

/** The entries without repeats, first occurrence kept (a Scala Set's insertion order). */
function distinctEntries(entries: readonly AccessControlEntry[]): AccessControlEntry[] {
  const seen = new Map<string, AccessControlEntry>();
  for (const e of entries) if (!seen.has(entryKey(e))) seen.set(entryKey(e), e);
  return [...seen.values()];
}

/** getResourceFilter: every resource the flags name, with the pattern type; the cluster only for LITERAL. */
export function resourceFilters(f: AclsFlags, patternType: PatternType, dieIfNoResourceFound: boolean): ResourcePatternFilter[] {
  const filters = new Map<string, ResourcePatternFilter>();
  const add = (resourceType: ResourceType, name: string): void => {
    const filter = { resourceType, name, patternType };
    if (!filters.has(filterKey(filter))) filters.set(filterKey(filter), filter);
  };
  for (const topic of f.topic) add(ResourceType.TOPIC, javaTrim(topic));
  if (patternType === PatternType.LITERAL && (f.cluster || f.idempotent)) filters.set(filterKey(CLUSTER_FILTER), CLUSTER_FILTER);
  for (const group of f.group) add(ResourceType.GROUP, javaTrim(group));
  // Kafka does not trim transactional ids.
  for (const id of f.transactionalId) add(ResourceType.TRANSACTIONAL_ID, id);
  for (const token of f.delegationToken) add(ResourceType.DELEGATION_TOKEN, javaTrim(token));
  for (const user of f.userPrincipal) add(ResourceType.USER, javaTrim(user));
  if (filters.size === 0 && dieIfNoResourceFound) {
    throw new AclsUsageError('You must provide at least one resource: --topic <topic> or --cluster or --group <group> or --delegation-token <Delegation Token ID>');
  }
  return [...filters.values()];
}

/** getHosts: the hosts given, else `*` when the matching principals are given, else none. */
function hostsOf(hosts: readonly string[], principals: readonly string[]): string[] {
  if (hosts.length > 0) return [...new Set(hosts.map(javaTrim))];
  return principals.length > 0 ? [WILDCARD] : [];
}

/** getAcl: every (principal, operation, host) of --allow-* as ALLOW, then of --deny-* as DENY. */
export function entriesFor(f: AclsFlags, operations: readonly AclOperation[]): AccessControlEntry[] {
  const allowed = principalsOf(f.allowPrincipal);
  const denied = principalsOf(f.denyPrincipal);
  const entries: AccessControlEntry[] = [];
  const grant = (principals: string[], hosts: string[], permissionType: AclPermissionType): void => {
    if (principals.length === 0 || hosts.length === 0) return;
    for (const principal of principals) {
      for (const operation of operations) {
        // AccessControlEntry's constructor refuses the filter value ANY (`--operation Any`).
        if (operation === AclOperation.ANY) throw new AclCommandError('operation must not be ANY');
        for (const host of hosts) entries.push({ principal, host, operation, permissionType });
      }
    }
  };
  grant(allowed, hostsOf(f.allowHost, allowed), AclPermissionType.ALLOW);
  grant(denied, hostsOf(f.denyHost, denied), AclPermissionType.DENY);
  return distinctEntries(entries);
}

/** getProducerResourceFilterToAcls: WRITE, DESCRIBE, CREATE on topics; WRITE, DESCRIBE on transactional ids; IDEMPOTENT_WRITE on the cluster. */
function producerAcls(f: AclsFlags, patternType: PatternType): FilterAcls[] {
  const filters = resourceFilters(f, patternType, true);
  const topicAcls = entriesFor(f, [AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE]);
  const transactionalIdAcls = entriesFor(f, [AclOperation.WRITE, AclOperation.DESCRIBE]);
  return [
    ...filters.filter((r) => r.resourceType === ResourceType.TOPIC).map((filter) => ({ filter, acls: topicAcls })),
    ...filters.filter((r) => r.resourceType === ResourceType.TRANSACTIONAL_ID).map((filter) => ({ filter, acls: transactionalIdAcls })),
    // Whatever the pattern type: the cluster is always the LITERAL kafka-cluster.
    ...(f.idempotent ? [{ filter: CLUSTER_FILTER, acls: entriesFor(f, [AclOperation.IDEMPOTENT_WRITE]) }] : []),
  ];
}

/** getConsumerResourceFilterToAcls: READ, DESCRIBE on topics; READ on groups. */
function consumerAcls(f: AclsFlags, patternType: PatternType): FilterAcls[] {
  const filters = resourceFilters(f, patternType, true);
  const topicAcls = entriesFor(f, [AclOperation.READ, AclOperation.DESCRIBE]);
  return [
    ...filters.filter((r) => r.resourceType === ResourceType.TOPIC).map((filter) => ({ filter, acls: topicAcls })),
    ...filters.filter((r) => r.resourceType === ResourceType.GROUP).map((filter) => ({ filter, acls: entriesFor(f, [AclOperation.READ]) })),
  ];
}

/** validateOperation: every entry's operation applies to its resource type (or is All). */
function validateOperations(resources: readonly FilterAcls[]): void {
  for (const { filter, acls } of resources) {
    const valid = [...(SUPPORTED_OPERATIONS.get(filter.resourceType) ?? []), AclOperation.ALL];
    if (acls.some((a) => !valid.includes(a.operation))) {
      throw new AclsUsageError(`ResourceType ${resourceTypeName(filter.resourceType)} only supports operations ${valid.map(operationDisplayName).join(', ')}`);
    }
  }
}

/** getResourceFilterToAcls: each resource filter with the entries the flags give it, for --add and --remove. */
export function filterAcls(f: AclsFlags): FilterAcls[] {
  const patternType = parsePatternType(f.resourcePatternType);
  const byFilter = new Map<string, FilterAcls>();
  if (!f.producer && !f.consumer) {
    const acls = entriesFor(f, operationsOf(f));
    for (const filter of resourceFilters(f, patternType, true)) byFilter.set(filterKey(filter), { filter, acls });
  }
  // --producer and --consumer together: a topic gets both roles' entries, the consumer's first.
  if (f.producer) for (const r of producerAcls(f, patternType)) byFilter.set(filterKey(r.filter), r);
  if (f.consumer) {
    for (const r of consumerAcls(f, patternType)) {
      const earlier = byFilter.get(filterKey(r.filter))?.acls ?? [];
      byFilter.set(filterKey(r.filter), { filter: r.filter, acls: distinctEntries([...r.acls, ...earlier]) });
    }
  }
  const resources = [...byFilter.values()];
  validateOperations(resources);
  return resources;
}

/** getResourceToAcls: what --add creates; a filter pattern type or a resource without principals is refused. */
export function patternAcls(f: AclsFlags): PatternAcls[] {
  const patternType = parsePatternType(f.resourcePatternType);
  if (!isSpecificPatternType(patternType)) {
    throw new AclsUsageError(`A '--resource-pattern-type' value of '${patternTypeName(patternType)}' is not valid when adding acls.`);
  }
  const resources = filterAcls(f).map(({ filter, acls }) => ({ pattern: { resourceType: filter.resourceType, name: filter.name!, patternType: filter.patternType }, acls }));
  if (resources.some((r) => r.acls.length === 0)) throw new AclsUsageError('You must specify one of: --allow-principal, --deny-principal when trying to add ACLs.');
  return resources;
}
