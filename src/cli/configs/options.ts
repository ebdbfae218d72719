// `tk configs` options checked as kafka-configs.sh (3.9 ConfigCommand) checks them, with its
// messages; and --add-config parsed as it parses it ('k1=v1,k2=[a,b]': brackets group a list).
// Topics, brokers, users (SCRAM credentials and quotas) and clients (quotas) are served.

/** A usage problem: Kafka prints the message alone on stderr and exits 1. */
export class ConfigsUsageError extends Error {
  override name = 'ConfigsUsageError';
}

export interface ConfigsFlags {
  describe: boolean;
  alter: boolean;
  all: boolean;
  entityType: readonly string[];
  entityName: readonly string[];
  entityDefault: boolean;
  topic?: string;
  broker?: string;
  brokerDefaults: boolean;
  user?: string;
  userDefaults: boolean;
  client?: string;
  clientDefaults: boolean;
  addConfig?: string;
  addConfigFile?: string;
  deleteConfig: readonly string[];
}

export type ServedEntityType = 'topics' | 'brokers' | 'users' | 'clients';

export interface ConfigsPlan {
  action: 'describe' | 'alter';
  /** The first entity type given (users and clients may come together: see entitiesOf). */
  entityType: ServedEntityType;
  /** undefined: every entity (describe only); '': the cluster-wide default. */
  entityName: string | undefined;
  all: boolean;
  deleteConfigs: string[];
}

/** Kafka's BrokerSupportedConfigTypes, in the order its message lists them. */
const KAFKA_ENTITY_TYPES = ['topics', 'clients', 'users', 'brokers', 'ips', 'broker-loggers', 'client-metrics', 'groups'];
const SERVED: readonly string[] = ['topics', 'brokers', 'users', 'clients'];

/**
 * Every entity type given, and the names matched to them in order (fewer names than types: any
 * name), in ConfigCommand's order: --entity-type/--entity-name/--entity-default first, then the
 * named shorthands (topic, client, user, broker), then the defaults shorthands (client, user, broker).
 */
export function entitiesOf(f: ConfigsFlags): { types: string[]; names: string[] } {
  const named: [string, string | undefined][] = [
    ['topics', f.topic],
    ['clients', f.client],
    ['users', f.user],
    ['brokers', f.broker],
  ];
  const defaults: [string, boolean][] = [
    ['clients', f.clientDefaults],
    ['users', f.userDefaults],
    ['brokers', f.brokerDefaults],
  ];
  const givenNamed = named.filter(([, name]) => name !== undefined) as [string, string][];
  const givenDefaults = defaults.filter(([, given]) => given);
  return {
    types: [...f.entityType, ...givenNamed.map(([type]) => type), ...givenDefaults.map(([type]) => type)],
    names: [...f.entityName, ...(f.entityDefault ? [''] : []), ...givenNamed.map(([, name]) => name), ...givenDefaults.map(() => '')],
  };
}

/** Whether any of the specific entity flags (--topic, --client-defaults, …) was given. */
function hasShorthand(f: ConfigsFlags): boolean {
  return [f.topic, f.client, f.user, f.broker].some((n) => n !== undefined) || f.clientDefaults || f.userDefaults || f.brokerDefaults;
}

/** ConfigCommandOptions.checkArgs and processCommand's checks, in their order. */
export function checkConfigsOptions(f: ConfigsFlags): ConfigsPlan {
  if ([f.describe, f.alter].filter(Boolean).length !== 1) throw new ConfigsUsageError('Command must include exactly one action: --describe, --alter');
  if (f.describe && f.addConfig !== undefined) throw new ConfigsUsageError('Option "[describe]" can\'t be used with option "[add-config]"');
  if (f.describe && f.deleteConfig.length > 0) throw new ConfigsUsageError('Option "[describe]" can\'t be used with option "[delete-config]"');

  const { types, names } = entitiesOf(f);
  const duplicates = types.filter((t, i) => types.indexOf(t) !== i);
  if (duplicates.length > 0) throw new ConfigsUsageError(`Duplicate entity type(s) specified: ${duplicates.join(',')}`);
  for (const t of types) {
    if (!KAFKA_ENTITY_TYPES.includes(t)) {
      throw new ConfigsUsageError(`Invalid entity type ${t}, the entity type must be one of ${KAFKA_ENTITY_TYPES.join(', ')} with a --bootstrap-server or --bootstrap-controller argument`);
    }
    if (!SERVED.includes(t)) throw new ConfigsUsageError(`Entity type ${t} is not supported yet: tk configs handles topics, brokers, users and clients`);
  }
  if (types.length === 0) throw new ConfigsUsageError('At least one entity type must be specified');
  if (types.length > 1 && !(types.length === 2 && types.includes('users') && types.includes('clients'))) throw new ConfigsUsageError("Only 'users' and 'clients' entity types may be specified together");
  const entityFlags = f.entityName.length > 0 || f.entityType.length > 0 || f.entityDefault;
  if (entityFlags && hasShorthand(f)) {
    throw new ConfigsUsageError('--entity-{type,name,default} should not be used in conjunction with specific entity flags');
  }
  const entityType = types[0] as ServedEntityType;
  const hasName = names.some((n) => n !== '');
  const hasDefault = names.some((n) => n === '');
  if (hasName && entityType === 'brokers') {
    for (const id of [...f.entityName, ...(f.broker !== undefined ? [f.broker] : [])]) {
      if (!/^[+-]?\d+$/.test(id) || Math.abs(Number(id)) > 2 ** 31 - 1) throw new ConfigsUsageError(`The entity name for brokers must be a valid integer broker id, but it is: ${id}`);
    }
  }
  if (f.describe && entityType === 'topics' && f.entityDefault) throw new ConfigsUsageError('--entity-default must not be specified with --describe of topics');
  if (f.alter) {
    if (entityType === 'brokers' || entityType === 'users' || entityType === 'clients') {
      if (!hasName && !hasDefault) throw new ConfigsUsageError('An entity-name or default entity must be specified with --alter of users, clients, brokers or ips');
    } else if (!hasName) throw new ConfigsUsageError(`An entity name must be specified with --alter of ${entityType}`);
    if (f.addConfig !== undefined && f.addConfigFile !== undefined) throw new ConfigsUsageError('Only one of --add-config or --add-config-file must be specified');
    if (f.addConfig === undefined && f.addConfigFile === undefined && f.deleteConfig.length === 0) {
      throw new ConfigsUsageError('At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter');
    }
    if (types.length !== names.length) throw new ConfigsUsageError('An entity name must be specified for every entity type');
  }
  return {
    action: f.describe ? 'describe' : 'alter',
    entityType,
    entityName: names[0],
    all: f.all,
    deleteConfigs: f.deleteConfig.flatMap((d) => d.split(',')).map((d) => d.trim()),
  };
}

// A comma or '=' that is not inside brackets: what follows reaches a '[' or the end before any ']'.
const OUTSIDE_BRACKETS = '(?=[^\\]]*(?:\\[|$))';

/** Java's String.split: trailing empty strings dropped. */
function javaSplit(text: string, separator: RegExp): string[] {
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** --add-config 'k1=v1,k2=[a,b]' as ConfigCommand.parseConfigsToBeAdded reads it. */
export function parseAddConfig(text: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const pair of javaSplit(text, new RegExp(`,${OUTSIDE_BRACKETS}`))) {
    const kv = pair.split(new RegExp(`\\s*=\\s*${OUTSIDE_BRACKETS}`));
    if (kv.length !== 2) throw new ConfigsUsageError('Invalid entity config: all configs to be added must be in the format "key=val".');
    props.set(kv[0].trim(), kv[1].replace(/[[\]]/g, '').trim());
  }
  return props;
}

/** The warning Kafka prints for message.format.version, and the key check it makes, on the configs to add. */
export function checkConfigsToAdd(props: ReadonlyMap<string, string>): string[] {
  const notices: string[] = [];
  const formatVersion = props.get('message.format.version');
  if (formatVersion !== undefined) {
    notices.push(
      `WARNING: The configuration message.format.version=${formatVersion} is specified. This configuration will be ignored if the version is newer than the inter.broker.protocol.version specified in the broker or if the inter.broker.protocol.version is 3.0 or newer. This configuration is deprecated and it will be removed in Apache Kafka 4.0.`,
    );
  }
  for (const key of props.keys()) if (!/^[a-zA-Z0-9._-]*$/.test(key)) throw new ConfigsUsageError(`Invalid character found for config key: ${key}`);
  return notices;
}
