// Client quota entities (KIP-546): a user, a client-id, both, or an ip, each named or the default
// (a null name). The controller keeps them keyed by a canonical string; brokers look up the quota
// that applies to a connection in Kafka's precedence order.

export const USER = 'user';
export const CLIENT_ID = 'client-id';
export const IP = 'ip';

export const PRODUCER_BYTE_RATE = 'producer_byte_rate';
export const CONSUMER_BYTE_RATE = 'consumer_byte_rate';

/** Quota keys by entity kind, with whether the value must be integral (Kafka's LONG/INT keys). */
const USER_AND_CLIENT_KEYS: ReadonlyMap<string, boolean> = new Map([
  [PRODUCER_BYTE_RATE, true],
  [CONSUMER_BYTE_RATE, true],
  ['request_percentage', false],
  ['controller_mutation_rate', false],
]);
const IP_KEYS: ReadonlyMap<string, boolean> = new Map([['connection_creation_rate', true]]);

export interface QuotaEntityPart {
  readonly entityType: string;
  readonly entityName: string | null;
}

export interface ClientQuotaEntry {
  readonly entity: readonly QuotaEntityPart[];
  readonly values: ReadonlyMap<string, number>;
}

/** Order-independent key of an entity; a null name (the default) differs from every string. */
export function quotaEntityKey(entity: readonly QuotaEntityPart[]): string {
  return [...entity]
    .sort((a, b) => (a.entityType < b.entityType ? -1 : a.entityType > b.entityType ? 1 : 0))
    .map((p) => `${p.entityType}${p.entityName === null ? '\u0000' : `=${p.entityName}`}`)
    .join('\u0001');
}

/** Kafka's refusal of an entity (ClientQuotaControlManager's messages), or null when valid. */
export function entityProblem(entity: readonly QuotaEntityPart[]): string | null {
  if (entity.length === 0) return 'Invalid empty client quota entity';
  const seen = new Set<string>();
  for (const { entityType, entityName } of entity) {
    if (seen.has(entityType)) return `Invalid client quota entity, duplicate entity entry ${entityType}`;
    seen.add(entityType);
    if (entityType !== USER && entityType !== CLIENT_ID && entityType !== IP) return `Unhandled client quota entity type: ${entityType}`;
    if (entityName === '') return `Empty ${entityType} not supported`;
  }
  // Kafka's message lacks the space between "should" and "not"; kept as clients see it.
  if (seen.has(IP) && seen.size > 1) return 'Invalid quota entity combination, IP entity shouldnot be combined with User or ClientId';
  return null;
}

/** Kafka's refusal of a key and value for a valid entity, or null when valid. */
export function valueProblem(entity: readonly QuotaEntityPart[], key: string, value: number): string | null {
  const keys = entity.some((p) => p.entityType === IP) ? IP_KEYS : USER_AND_CLIENT_KEYS;
  const integral = keys.get(key);
  if (integral === undefined) return `Invalid configuration key ${key}`;
  if (value <= 0) return `Quota ${key} must be greater than 0`;
  if (integral && Math.abs(value % 1) > 1e-6) return `${key} cannot be a fractional value.`;
  return null;
}

/** The quota that applies, and the entity whose clients share one rate (Kafka's metric tags). */
export interface AppliedQuota {
  readonly bound: number;
  readonly sharedBy: string;
}

/**
 * Kafka's DefaultQuotaCallback order: user+client-id, user+default client, user, default
 * user+client-id, default user+default client, default user, client-id, default client-id.
 * Clients matched through a default share a rate per actual user/client-id, as Kafka's tags do.
 */
export function applicableQuota(quotas: ReadonlyMap<string, ClientQuotaEntry>, key: string, user: string, clientId: string): AppliedQuota | null {
  const candidates: [QuotaEntityPart[], string][] = [
    [[{ entityType: USER, entityName: user }, { entityType: CLIENT_ID, entityName: clientId }], `u=${user}\u0001c=${clientId}`],
    [[{ entityType: USER, entityName: user }, { entityType: CLIENT_ID, entityName: null }], `u=${user}\u0001c=${clientId}`],
    [[{ entityType: USER, entityName: user }], `u=${user}`],
    [[{ entityType: USER, entityName: null }, { entityType: CLIENT_ID, entityName: clientId }], `u=${user}\u0001c=${clientId}`],
    [[{ entityType: USER, entityName: null }, { entityType: CLIENT_ID, entityName: null }], `u=${user}\u0001c=${clientId}`],
    [[{ entityType: USER, entityName: null }], `u=${user}`],
    [[{ entityType: CLIENT_ID, entityName: clientId }], `c=${clientId}`],
    [[{ entityType: CLIENT_ID, entityName: null }], `c=${clientId}`],
  ];
  for (const [entity, sharedBy] of candidates) {
    const bound = quotas.get(quotaEntityKey(entity))?.values.get(key);
    if (bound !== undefined) return { bound, sharedBy: `${key}\u0002${sharedBy}` };
  }
  return null;
}
