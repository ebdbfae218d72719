// The ACL authorizer, with the semantics of Kafka's StandardAuthorizer: super users may do
// anything; otherwise the ACLs matching the resource (LITERAL by name, LITERAL `*`, PREFIXED by
// prefix) for the principal (or `User:*`) and host (or `*`) decide, DENY before ALLOW; ALLOW on
// READ, WRITE, DELETE or ALTER implies DESCRIBE and ALTER_CONFIGS implies DESCRIBE_CONFIGS; a
// resource no ACL names at all is allowed only with allow.everyone.if.no.acl.found.
//
// The ACLs live in the metadata image (AccessControlEntryRecords), so a check reads the image
// current when the request is handled.
import {
  AclOperation,
  AclPermissionType,
  PatternType,
  ResourceType,
  SUPPORTED_OPERATIONS,
  WILDCARD,
  WILDCARD_PRINCIPAL,
} from '../../src/protocol/acls.js';

/** One ACL as AccessControlEntryRecord carries it (the record's id is the image's map key). */
export interface StandardAcl {
  readonly resourceType: ResourceType;
  readonly resourceName: string;
  readonly patternType: PatternType;
  readonly principal: string;
  readonly host: string;
  readonly operation: AclOperation;
  readonly permissionType: AclPermissionType;
}

export interface AuthorizerSettings {
  /** Principals (`User:admin`) allowed everything, from super.users. */
  readonly superUsers: readonly string[];
  readonly allowEveryoneIfNoAclFound: boolean;
}

/** Who asks, and from where: the principal as `Type:name` and the client's IP address. */
export interface Requester {
  readonly principal: string;
  readonly host: string;
}

const IMPLIES_DESCRIBE: ReadonlySet<AclOperation> = new Set([AclOperation.DESCRIBE, AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER]);
const IMPLIES_DESCRIBE_CONFIGS: ReadonlySet<AclOperation> = new Set([AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS]);

/** ALLOW or DENY when this ACL speaks about the request, undefined when it does not. */
function verdict(acl: StandardAcl, who: Requester, operation: AclOperation): AclPermissionType | undefined {
  if (acl.principal !== who.principal && acl.principal !== WILDCARD_PRINCIPAL) return undefined;
  if (acl.host !== WILDCARD && acl.host !== who.host) return undefined;
  if (acl.operation !== AclOperation.ALL) {
    // Implication works for ALLOW only: a DENY on READ does not deny DESCRIBE.
    const allow = acl.permissionType === AclPermissionType.ALLOW;
    if (allow && operation === AclOperation.DESCRIBE) {
      if (!IMPLIES_DESCRIBE.has(acl.operation)) return undefined;
    } else if (allow && operation === AclOperation.DESCRIBE_CONFIGS) {
      if (!IMPLIES_DESCRIBE_CONFIGS.has(acl.operation)) return undefined;
    } else if (acl.operation !== operation) {
      return undefined;
    }
  }
  return acl.permissionType;
}

/** Does this ACL's pattern cover a resource of this name? */
export function patternMatches(acl: Pick<StandardAcl, 'resourceName' | 'patternType'>, resourceName: string): boolean {
  switch (acl.patternType) {
    case PatternType.LITERAL:
      return acl.resourceName === resourceName || acl.resourceName === WILDCARD;
    case PatternType.PREFIXED:
      return resourceName.startsWith(acl.resourceName);
    default:
      return false;
  }
}

export class Authorizer {
  /** ACLs grouped by resource type: a check scans only its own type's. */
  private readonly byType = new Map<ResourceType, StandardAcl[]>();
  private readonly superUsers: ReadonlySet<string>;
  private readonly allowEveryoneIfNoAclFound: boolean;

  constructor(settings: AuthorizerSettings, acls: Iterable<StandardAcl>) {
    this.superUsers = new Set(settings.superUsers);
    this.allowEveryoneIfNoAclFound = settings.allowEveryoneIfNoAclFound;
    for (const acl of acls) {
      const list = this.byType.get(acl.resourceType);
      if (list) list.push(acl);
      else this.byType.set(acl.resourceType, [acl]);
    }
  }

  isSuperUser(who: Requester): boolean {
    return this.superUsers.has(who.principal);
  }

  /** May `who` perform `operation` on the resource of this type and (literal) name? */
  authorize(who: Requester, operation: AclOperation, resourceType: ResourceType, resourceName: string): boolean {
    if (this.isSuperUser(who)) return true;
    let resourceHasAcls = false;
    let allowed = false;
    for (const acl of this.byType.get(resourceType) ?? []) {
      if (!patternMatches(acl, resourceName)) continue;
      resourceHasAcls = true;
      const permission = verdict(acl, who, operation);
      if (permission === AclPermissionType.DENY) return false;
      if (permission === AclPermissionType.ALLOW) allowed = true;
    }
    return allowed || (!resourceHasAcls && this.allowEveryoneIfNoAclFound);
  }

  /**
   * May `who` perform `operation` on some resource of this type? Kafka's authorizeByResourceType:
   * true when an ALLOW pattern exists that no DENY for the same principal covers. InitProducerId
   * without a transactional id accepts WRITE on any topic this way in place of IDEMPOTENT_WRITE.
   */
  authorizeByResourceType(who: Requester, operation: AclOperation, resourceType: ResourceType): boolean {
    // A name no ACL is likely to use stands for "no ACL applies", as Kafka does with "hardcode".
    if (this.authorize(who, operation, resourceType, 'hardcode')) return true;
    const deniedLiterals = new Set<string>();
    const deniedPrefixes = new Set<string>();
    const allowed: StandardAcl[] = [];
    let wildcardAllowed = false;
    for (const acl of this.byType.get(resourceType) ?? []) {
      if (acl.host !== WILDCARD && acl.host !== who.host) continue;
      if (acl.principal !== who.principal && acl.principal !== WILDCARD_PRINCIPAL) continue;
      if (acl.operation !== operation && acl.operation !== AclOperation.ALL) continue;
      if (acl.permissionType === AclPermissionType.DENY) {
        if (acl.patternType === PatternType.LITERAL && acl.resourceName === WILDCARD) return false;
        (acl.patternType === PatternType.PREFIXED ? deniedPrefixes : deniedLiterals).add(acl.resourceName);
      } else if (acl.permissionType === AclPermissionType.ALLOW) {
        // Not decisive yet: a wildcard DENY later in the list still wins.
        if (acl.patternType === PatternType.LITERAL && acl.resourceName === WILDCARD) wildcardAllowed = true;
        else allowed.push(acl);
      }
    }
    return wildcardAllowed || allowed.some((acl) => {
      if (acl.patternType === PatternType.LITERAL && deniedLiterals.has(acl.resourceName)) return false;
      for (let end = 1; end <= acl.resourceName.length; end++) {
        if (deniedPrefixes.has(acl.resourceName.slice(0, end))) return false;
      }
      return true;
    });
  }

  /** The operations `who` may perform on the resource, as the bit set Metadata and DescribeGroups answer. */
  authorizedOperations(who: Requester, resourceType: ResourceType, resourceName: string): number {
    let bits = 0;
    for (const operation of SUPPORTED_OPERATIONS.get(resourceType) ?? []) {
      if (this.authorize(who, operation, resourceType, resourceName)) bits |= 1 << operation;
    }
    return bits;
  }
}
