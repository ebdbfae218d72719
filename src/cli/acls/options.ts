// `tk acls` options checked as kafka-acls.sh (Kafka 3.9's AclCommand) checks them, with its
// messages, and its values read as it reads them: pattern types as joptsimple converts an enum,
// operations and principals as Kafka's SecurityUtils parses them.
import { AclOperation, PatternType, aclOperationName } from '../../protocol/acls.js';

/** A usage problem (CommandLineUtils.printUsageAndExit): the message alone on stderr, exit 1. */
export class AclsUsageError extends Error {
  override name = 'AclsUsageError';
}

/** A failure while executing: Kafka prints `Error while executing ACL command: <message>` on stdout, exit 1. */
export class AclCommandError extends Error {
  override name = 'AclCommandError';
}

export type AclsAction = 'add' | 'remove' | 'list';

export interface AclsFlags {
  add: boolean;
  remove: boolean;
  list: boolean;
  topic: readonly string[];
  group: readonly string[];
  cluster: boolean;
  transactionalId: readonly string[];
  delegationToken: readonly string[];
  userPrincipal: readonly string[];
  resourcePatternType?: string;
  allowPrincipal: readonly string[];
  denyPrincipal: readonly string[];
  allowHost: readonly string[];
  denyHost: readonly string[];
  /** The --list filter. */
  principal: readonly string[];
  /** Empty when not given: Kafka's default is All. */
  operation: readonly string[];
  producer: boolean;
  consumer: boolean;
  idempotent: boolean;
  force: boolean;
}

type FlagName = 'list' | 'producer' | 'consumer' | 'allow-host' | 'allow-principal' | 'deny-host' | 'deny-principal' | 'operation';

function given(f: AclsFlags, name: FlagName): boolean {
  switch (name) {
    case 'list':
      return f.list;
    case 'producer':
      return f.producer;
    case 'consumer':
      return f.consumer;
    case 'allow-host':
      return f.allowHost.length > 0;
    case 'allow-principal':
      return f.allowPrincipal.length > 0;
    case 'deny-host':
      return f.denyHost.length > 0;
    case 'deny-principal':
      return f.denyPrincipal.length > 0;
    case 'operation':
      return f.operation.length > 0;
  }
}

/** CommandLineUtils.checkInvalidArgs: the first of `invalid` given with `used`, in the order listed. */
function checkInvalid(f: AclsFlags, used: FlagName, invalid: readonly FlagName[]): void {
  if (!given(f, used)) return;
  const clash = invalid.find((name) => given(f, name));
  if (clash !== undefined) throw new AclsUsageError(`Option "[${used}]" can't be used with option "[${clash}]"`);
}

/** AclCommandOptions.checkArgs, in its order; returns the one action. */
export function checkAclsArgs(f: AclsFlags): AclsAction {
  const actions = (['add', 'remove', 'list'] as const).filter((a) => f[a]);
  if (actions.length !== 1) throw new AclsUsageError('Command must include exactly one action: --list, --add, --remove. ');
  checkInvalid(f, 'list', ['producer', 'consumer', 'allow-host', 'allow-principal', 'deny-host', 'deny-principal']);
  // --producer and --consumer imply their operations, and grant only.
  checkInvalid(f, 'producer', ['operation', 'deny-principal', 'deny-host']);
  checkInvalid(f, 'consumer', ['operation', 'deny-principal', 'deny-host']);
  if (f.principal.length > 0 && !f.list) throw new AclsUsageError('The --principal option is only available if --list is set');
  if (f.producer && f.topic.length === 0) throw new AclsUsageError('With --producer you must specify a --topic');
  if (f.idempotent && !f.producer) throw new AclsUsageError('The --idempotent option is only available if --producer is set');
  if (f.consumer && (f.topic.length === 0 || f.group.length === 0 || (!f.producer && (f.cluster || f.transactionalId.length > 0)))) {
    throw new AclsUsageError('With --consumer you must specify a --topic and a --group and no --cluster or --transactional-id option should be specified.');
  }
  return actions[0]!;
}

/** java.lang.String.trim: strips code units up to U+0020 from both ends (JavaScript's trim strips more). */
export function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

/**
 * --resource-pattern-type as Kafka's PatternTypeConverter reads it: an enum name in any case,
 * UNKNOWN refused. joptsimple converts when the value is first read, inside the command's
 * try block, so a bad value is an execution error, not a usage one.
 */
export function parsePatternType(value: string | undefined): PatternType {
  if (value === undefined) return PatternType.LITERAL;
  const name = value.toUpperCase();
  const code = (PatternType as Record<string, PatternType>)[name];
  // joptsimple compares names with equalsIgnoreCase, one char against one char.
  if (code === undefined || code === PatternType.UNKNOWN || name.length !== value.length) {
    throw new AclCommandError(`Cannot parse argument '${value}' of option resource-pattern-type`);
  }
  return code;
}

/** PatternType.isSpecific: a pattern, not a filter. */
export const isSpecificPatternType = (p: PatternType): boolean => p === PatternType.LITERAL || p === PatternType.PREFIXED;

/** SecurityUtils.operationName: READ → Read, CLUSTER_ACTION → ClusterAction. */
export function operationDisplayName(op: AclOperation): string {
  return aclOperationName(op)
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_, __: string, c: string) => c.toUpperCase());
}

/**
 * SecurityUtils.operation: the Pascal-case name in any case (`ClusterAction`, `clusteraction`;
 * not `CLUSTER_ACTION`). Unknown names become UNKNOWN, which the resource check then refuses.
 */
export function parseOperation(name: string): AclOperation {
  const wanted = name.toUpperCase();
  for (const code of Object.values(AclOperation)) {
    const pascal = operationDisplayName(code);
    if (pascal === name || pascal.toUpperCase() === wanted) return code;
  }
  return AclOperation.UNKNOWN;
}

/** The operations of --operation (Kafka's default: All), trimmed, in the order given, without repeats. */
export function operationsOf(f: AclsFlags): AclOperation[] {
  const names = f.operation.length > 0 ? f.operation : ['All'];
  return [...new Set(names.map((n) => parseOperation(javaTrim(n))))];
}

/** SecurityUtils.parseKafkaPrincipal: `Type:name`, split at the first colon. */
export function parsePrincipal(value: string): string {
  const at = value.indexOf(':');
  if (value === '' || at < 0) throw new AclCommandError(`expected a string in format principalType:principalName but got ${value}`);
  return value;
}

/** The principals of a flag, trimmed and parsed, without repeats (Kafka keeps them in a Set). */
export function principalsOf(values: readonly string[]): string[] {
  return [...new Set(values.map((v) => parsePrincipal(javaTrim(v))))];
}
