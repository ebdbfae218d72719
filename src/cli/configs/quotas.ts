// `tk configs` for client quotas of users, clients and (user, client) pairs, as kafka-configs.sh
// (3.9 ConfigCommand) alters and describes them with --bootstrap-server. Kafka prints the
// entities and their keys in java.util.HashMap order and the values as Java doubles; both are
// reproduced here so the text is byte for byte the same.
import type { Admin, ClientQuotaEntity } from '../../client/admin.js';
import { isScramMechanism } from '../../client/scram.js';
import { ConfigsUsageError, type ServedEntityType } from './options.js';

export const QUOTA_CONFIGS = ['producer_byte_rate', 'consumer_byte_rate', 'request_percentage', 'controller_mutation_rate'];

export const isQuotaConfig = (key: string): boolean => QUOTA_CONFIGS.includes(key);

const QUOTA_ENTITY_TYPES: Record<string, string> = { users: 'user', clients: 'client-id' };

export interface DescribedQuota {
  entity: ClientQuotaEntity;
  values: Map<string, number>;
}

/** Java's String.hashCode. */
function javaStringHash(s: string | null): number {
  if (s === null) return 0;
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** java.util.HashMap's iteration order for `new HashMap<>(n)` filled with n keys of these hashes. */
function javaHashMapOrder<T>(items: readonly T[], hash: (item: T) => number): T[] {
  let capacity = 1;
  while (capacity < items.length) capacity *= 2;
  while (items.length > Math.floor(capacity * 0.75)) capacity *= 2;
  const bucket = (item: T): number => {
    const h = hash(item);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return items.map((item, i) => ({ item, i, b: bucket(item) })).sort((x, y) => x.b - y.b || x.i - y.i).map((x) => x.item);
}

/** Java's Double.toString for the values quotas take. */
export function javaDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  const abs = Math.abs(value);
  if (abs === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  if (abs >= 1e-3 && abs < 1e7) {
    const text = String(value);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa, exponent] = value.toExponential().split('e');
  return `${mantissa!.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** Java's Double.parseDouble, as ConfigCommand reads a quota value. */
function parseJavaDouble(key: string, text: string): number {
  const t = text.trim();
  if (/^[+-]?(NaN|Infinity)$/.test(t)) return Number(t);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?$/.test(t)) throw new ConfigsUsageError(`Cannot parse quota configuration value for ${key}: ${text}`);
  return Number(t.replace(/[fFdD]$/, ''));
}

/** The filter ConfigCommand builds: a name, the default (''), or any name where no name is given. */
function filterFor(types: readonly ServedEntityType[], names: readonly string[]) {
  return types.map((t, i) => {
    const name = names[i];
    return { entityType: QUOTA_ENTITY_TYPES[t]!, match: name === undefined ? ('any' as const) : name === '' ? null : name };
  });
}

export async function describeQuotas(admin: Admin, types: readonly ServedEntityType[], names: readonly string[]): Promise<DescribedQuota[]> {
  if (names.length > types.length) throw new ConfigsUsageError('More entity names specified than entity types');
  return admin.describeClientQuotas(filterFor(types, names), true);
}

export function renderQuotas(quotas: readonly DescribedQuota[]): string {
  const entityHash = (q: DescribedQuota): number => {
    let h = 0;
    for (const [type, name] of q.entity) h = (h + (javaStringHash(type) ^ javaStringHash(name))) | 0;
    return (31 + h) | 0; // Objects.hash(entries)
  };
  const part = (entity: ClientQuotaEntity, type: string, label: string): string[] => {
    if (!entity.has(type)) return [];
    const name = entity.get(type);
    return [name === null ? `the default ${label}` : `${label} '${name}'`];
  };
  return javaHashMapOrder(quotas, entityHash)
    .map(({ entity, values }) => {
      const who = [...part(entity, 'user', 'user-principal'), ...part(entity, 'client-id', 'client-id'), ...part(entity, 'ip', 'ip')].join(', ');
      const keys = javaHashMapOrder([...values.keys()], javaStringHash);
      return `Quota configs for ${who} are ${keys.map((k) => `${k}=${javaDouble(values.get(k)!)}`).join(', ')}\n`;
    })
    .join('');
}

/** ConfigCommand's refusal of anything but quota configs for clients (or a user and client pair). */
export function checkClientConfigs(added: ReadonlyMap<string, string>, deleted: readonly string[]): void {
  const badAdded = [...added.keys()].filter((k) => !isQuotaConfig(k));
  if (badAdded.length > 0) {
    // Kafka lists the unknown names, then the SCRAM ones.
    const ordered = [...badAdded.filter((k) => !isScramMechanism(k)), ...badAdded.filter(isScramMechanism)];
    throw new ConfigsUsageError(`Only quota configs can be added for 'clients' using --bootstrap-server. Unexpected config names: Set(${ordered.join(', ')})`);
  }
  const badDeleted = deleted.filter((k) => !isQuotaConfig(k));
  if (badDeleted.length > 0) {
    const ordered = [...badDeleted.filter((k) => !isScramMechanism(k)), ...badDeleted.filter(isScramMechanism)];
    throw new ConfigsUsageError(`Only quota configs can be deleted for 'clients' using --bootstrap-server. Unexpected config names: ArrayBuffer(${ordered.join(', ')})`);
  }
}

/** ConfigCommand.alterQuotaConfigs: deleting a key the entity does not have is refused before anything is sent. */
export async function alterQuotas(admin: Admin, types: readonly ServedEntityType[], names: readonly string[], added: ReadonlyMap<string, string>, deleted: readonly string[]): Promise<void> {
  if (types.length !== names.length) throw new ConfigsUsageError('Exactly one entity name must be specified for every entity type');
  const [current] = await describeQuotas(admin, types, names);
  const missing = deleted.filter((k) => !current?.values.has(k));
  if (missing.length > 0) throw new ConfigsUsageError(`Invalid config(s): ${missing.join(',')}`);
  const ops = new Map<string, number | null>([...added].map(([k, v]) => [k, parseJavaDouble(k, v)]));
  for (const k of deleted) ops.set(k, null);
  const entity: ClientQuotaEntity = new Map(types.map((t, i) => [QUOTA_ENTITY_TYPES[t]!, names[i] === '' ? null : names[i]!]));
  const [outcome] = await admin.alterClientQuotas([{ entity, ops }]);
  if (outcome?.error) throw outcome.error;
}
