// The ACL enums as the protocol carries them (int8 codes in CreateAcls, DescribeAcls,
// DeleteAcls and AccessControlEntryRecord), with the names Kafka prints for them. Shared by the
// daemon's authorizer and `tk acls`.

export const AclOperation = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const;
export type AclOperation = (typeof AclOperation)[keyof typeof AclOperation];

export const ResourceType = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
} as const;
export type ResourceType = (typeof ResourceType)[keyof typeof ResourceType];

export const PatternType = {
  UNKNOWN: 0,
  ANY: 1,
  MATCH: 2,
  LITERAL: 3,
  PREFIXED: 4,
} as const;
export type PatternType = (typeof PatternType)[keyof typeof PatternType];

export const AclPermissionType = {
  UNKNOWN: 0,
  ANY: 1,
  DENY: 2,
  ALLOW: 3,
} as const;
export type AclPermissionType = (typeof AclPermissionType)[keyof typeof AclPermissionType];

/** The one name of the cluster resource. */
export const CLUSTER_RESOURCE_NAME = 'kafka-cluster';
/** A LITERAL resource name, principal or host that matches every one. */
export const WILDCARD = '*';
export const WILDCARD_PRINCIPAL = 'User:*';

function namer<T extends Record<string, number>>(values: T): (code: number) => string {
  const names = new Map(Object.entries(values).map(([name, code]) => [code, name]));
  return (code) => names.get(code) ?? 'UNKNOWN';
}

/** The Java enum names Kafka prints (`READ`, `TOPIC`, `PREFIXED`, `ALLOW`). */
export const aclOperationName = namer(AclOperation);
export const resourceTypeName = namer(ResourceType);
export const patternTypeName = namer(PatternType);
export const permissionTypeName = namer(AclPermissionType);

/**
 * The operations that apply to each resource type, as Kafka's AclEntry lists them; the bit set
 * of authorized operations in Metadata and DescribeGroups is drawn from these.
 */
export const SUPPORTED_OPERATIONS: ReadonlyMap<ResourceType, readonly AclOperation[]> = new Map<ResourceType, readonly AclOperation[]>([
  [ResourceType.TOPIC, [AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DESCRIBE, AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS]],
  [ResourceType.GROUP, [AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS]],
  [ResourceType.CLUSTER, [AclOperation.CREATE, AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE, AclOperation.ALTER, AclOperation.DESCRIBE]],
  [ResourceType.TRANSACTIONAL_ID, [AclOperation.DESCRIBE, AclOperation.WRITE]],
  [ResourceType.DELEGATION_TOKEN, [AclOperation.DESCRIBE]],
  [ResourceType.USER, [AclOperation.CREATE_TOKENS, AclOperation.DESCRIBE_TOKENS]],
]);
