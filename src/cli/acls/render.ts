// What kafka-acls.sh prints (Kafka 3.9 AclCommand), byte for byte, and tk's JSON for the same
// facts. Kafka prints each block as `<header>: ⏎ <tab-indented entries joined by ⏎> ⏎` through
// println, hence the odd spaces around the entries and the empty line after each block.
import type { AccessControlEntry, AclBinding, AclError, ResourcePattern, ResourcePatternFilter } from '../../client/acl-admin.js';
import { aclOperationName, patternTypeName, permissionTypeName, resourceTypeName } from '../../protocol/acls.js';
import { errorInfo } from '../../protocol/errors.js';
import { javaExceptionClass } from '../render/java.js';
import type { PatternAcls } from './expansion.js';

/** ResourcePattern.toString (and ResourcePatternFilter's, whose null name is `<any>`). */
export function patternText(p: ResourcePattern | ResourcePatternFilter): string {
  return `ResourcePattern(resourceType=${resourceTypeName(p.resourceType)}, name=${p.name ?? '<any>'}, patternType=${patternTypeName(p.patternType)})`;
}

/** AccessControlEntry.toString. */
export function entryText(e: AccessControlEntry): string {
  return `(principal=${e.principal}, host=${e.host}, operation=${aclOperationName(e.operation)}, permissionType=${permissionTypeName(e.permissionType)})`;
}

const entryLines = (acls: readonly AccessControlEntry[]): string => acls.map((a) => `\t${entryText(a)}`).join('\n');

function block(header: string, acls: readonly AccessControlEntry[]): string {
  return `${header}: \n ${entryLines(acls)} \n\n`;
}

/** Printed before each resource's CreateAcls. */
export function renderAdding(pattern: ResourcePattern, acls: readonly AccessControlEntry[]): string {
  return block(`Adding ACLs for resource \`${patternText(pattern)}\``, acls);
}

export function renderCurrent(resources: readonly PatternAcls[]): string {
  return resources.map((r) => block(`Current ACLs for resource \`${patternText(r.pattern)}\``, r.acls)).join('');
}

export function renderPrincipalHeader(principal: string): string {
  return `ACLs for principal \`${principal}\`\n`;
}

/** The confirmation --remove asks before each resource filter (without the newline println adds). */
export function removalQuestion(filter: ResourcePatternFilter, acls: readonly AccessControlEntry[]): string {
  if (acls.length === 0) return `Are you sure you want to delete all ACLs for resource filter \`${patternText(filter)}\`? (y/n)`;
  return `Are you sure you want to remove ACLs: \n ${entryLines(acls)} \n from resource filter \`${patternText(filter)}\`? (y/n)`;
}

/** `Error while executing ACL command: …`, Kafka's line for any failure once the arguments are checked. */
export function renderCommandError(message: string): string {
  return `Error while executing ACL command: ${message}\n`;
}

/**
 * The message of the ExecutionException Kafka's Admin throws for a broker's error: the cause's
 * toString, its class and the broker's message (or the error's default text).
 */
export function brokerErrorMessage(error: AclError): string {
  const info = errorInfo(error.errorCode);
  return `${javaExceptionClass(info.name)}: ${error.errorMessage ?? info.message}`;
}

/** Describe results grouped by resource pattern, in the order patterns first appear, each entry once. */
export function groupByPattern(bindings: readonly AclBinding[]): PatternAcls[] {
  const byPattern = new Map<string, { pattern: ResourcePattern; acls: Map<string, AccessControlEntry> }>();
  for (const { pattern, entry } of bindings) {
    const key = `${pattern.resourceType}\u0000${pattern.patternType}\u0000${pattern.name}`;
    let group = byPattern.get(key);
    if (!group) byPattern.set(key, (group = { pattern, acls: new Map() }));
    const entryKey = `${entry.principal}\u0000${entry.host}\u0000${entry.operation}\u0000${entry.permissionType}`;
    if (!group.acls.has(entryKey)) group.acls.set(entryKey, entry);
  }
  return [...byPattern.values()].map((g) => ({ pattern: g.pattern, acls: [...g.acls.values()] }));
}

/** The resources with only the principal's entries, and only those that have some. */
export function forPrincipal(resources: readonly PatternAcls[], principal: string): PatternAcls[] {
  return resources.map((r) => ({ pattern: r.pattern, acls: r.acls.filter((a) => a.principal === principal) })).filter((r) => r.acls.length > 0);
}

/** --list's text: every resource, or per --principal a header and that principal's entries. */
export function renderList(resources: readonly PatternAcls[], principals: readonly string[]): string {
  if (principals.length === 0) return renderCurrent(resources);
  return principals.map((p) => renderPrincipalHeader(p) + renderCurrent(forPrincipal(resources, p))).join('');
}

// ---- JSON ----

export interface PatternJson {
  resourceType: string;
  name: string | null;
  patternType: string;
}

export interface EntryJson {
  principal: string;
  host: string;
  operation: string;
  permissionType: string;
}

export const patternJson = (p: ResourcePattern | ResourcePatternFilter): PatternJson => ({
  resourceType: resourceTypeName(p.resourceType),
  name: p.name,
  patternType: patternTypeName(p.patternType),
});

export const entryJson = (e: AccessControlEntry): EntryJson => ({
  principal: e.principal,
  host: e.host,
  operation: aclOperationName(e.operation),
  permissionType: permissionTypeName(e.permissionType),
});

const resourcesJson = (resources: readonly PatternAcls[]): { resource: PatternJson; acls: EntryJson[] }[] =>
  resources.map((r) => ({ resource: patternJson(r.pattern), acls: r.acls.map(entryJson) }));

export function renderAddedJson(resources: readonly PatternAcls[]): string {
  return `${JSON.stringify({ added: resourcesJson(resources) })}\n`;
}

export function renderListJson(resources: readonly PatternAcls[], principals: readonly string[]): string {
  if (principals.length === 0) return `${JSON.stringify({ resources: resourcesJson(resources) })}\n`;
  return `${JSON.stringify({ principals: principals.map((principal) => ({ principal, resources: resourcesJson(forPrincipal(resources, principal)) })) })}\n`;
}

export interface RemovalJson {
  filter: PatternJson;
  /** The entries asked to be removed; empty: every entry of the filter. */
  acls: EntryJson[];
  /** false when the confirmation was answered no: nothing was removed for this filter. */
  confirmed: boolean;
  /** What the broker removed. */
  removed: { resource: PatternJson; acl: EntryJson }[];
}

export function renderRemovedJson(removals: readonly RemovalJson[]): string {
  return `${JSON.stringify({ removals })}\n`;
}
