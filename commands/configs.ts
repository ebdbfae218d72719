import { Flags } from '@oclif/core';
import { TkCommand, UserError } from '../src/cli/base-command.js';
import { clientFlags, clusterOptions, loadClientSettings } from '../src/cli/common-flags.js';
import type { ConfigsFlags, ConfigsPlan, ServedEntityType } from '../src/cli/configs/options.js';
import type { Admin, ConfigEntryDescription } from '../src/client/admin.js';

/** Every entity type given and the names matched to them: users and clients quotas use both. */
interface QuotaEntities {
  types: ServedEntityType[];
  names: string[];
}

export class Configs extends TkCommand {
  static override summary = "Describe or change the dynamic configs of topics and brokers, users' SCRAM credentials, and users' and clients' quotas (kafka-configs.sh).";
  static override description =
    'Exactly one action: --describe or --alter. Entity types topics, brokers (a broker id, or --entity-default / --broker-defaults for the cluster-wide default) and users (their SCRAM-SHA-256 / SCRAM-SHA-512 credentials, the password salted by tk and never sent; and their quotas), clients (quotas: producer_byte_rate, consumer_byte_rate, request_percentage, controller_mutation_rate), or users and clients together for a (user, client-id) pair; ips, groups, client-metrics and broker-loggers are not supported yet. When stdout is not a terminal the text is exactly what kafka-configs.sh prints.';
  static override examples = [
    '<%= config.bin %> configs --describe --topic events',
    "<%= config.bin %> configs --alter --topic events --add-config 'retention.ms=86400000,cleanup.policy=[compact,delete]'",
    '<%= config.bin %> configs --alter --topic events --delete-config retention.ms',
    '<%= config.bin %> configs --describe --broker 1 --all',
    '<%= config.bin %> configs --alter --broker-defaults --add-config log.retention.ms=3600000',
    "<%= config.bin %> configs --alter --user alice --add-config 'SCRAM-SHA-256=[iterations=8192,password=alice-secret]'",
    '<%= config.bin %> configs --describe --entity-type users',
    '<%= config.bin %> configs --alter --entity-type clients --entity-name slow --add-config producer_byte_rate=102400,consumer_byte_rate=204800',
    '<%= config.bin %> configs --describe --entity-type users --entity-default',
  ];
  static override flags = {
    ...clientFlags,
    describe: Flags.boolean({ description: 'List configs for the given entity.', helpGroup: 'ACTION', default: false }),
    alter: Flags.boolean({ description: 'Alter the configuration for the entity.', helpGroup: 'ACTION', default: false }),
    all: Flags.boolean({ description: 'List all configs for the given entity, including static configs if available.' }),
    'entity-type': Flags.string({ description: 'Type of entity: topics, brokers, users or clients.', helpValue: 'TYPE', multiple: true, default: [] }),
    'entity-name': Flags.string({ description: 'Name of entity (topic name, broker id, user principal or client id).', helpValue: 'NAME', multiple: true, default: [] }),
    'entity-default': Flags.boolean({ description: 'The cluster-wide default of the entity type (brokers, users or clients).' }),
    topic: Flags.string({ description: "The topic's name.", helpValue: 'TOPIC' }),
    broker: Flags.string({ description: "The broker's ID.", helpValue: 'ID' }),
    'broker-defaults': Flags.boolean({ description: 'The config defaults for all brokers.' }),
    user: Flags.string({ description: "The user's principal name.", helpValue: 'USER' }),
    'user-defaults': Flags.boolean({ description: 'The config defaults for all users.' }),
    client: Flags.string({ description: "The client's ID.", helpValue: 'CLIENT' }),
    'client-defaults': Flags.boolean({ description: 'The config defaults for all clients.' }),
    'add-config': Flags.string({ description: "Key value pairs of configs to add; square brackets group values with commas: 'k1=v1,k2=[v1,v2],k3=v3'.", helpValue: 'CONFIGS' }),
    'add-config-file': Flags.string({ description: 'Path to a properties file with configs to add.', helpValue: 'FILE' }),
    'delete-config': Flags.string({ description: "Config keys to remove: 'k1,k2'.", helpValue: 'KEYS', multiple: true, default: [] }),
  };

  private json = false;

  async run(): Promise<void> {
    const { flags } = await this.parse(Configs);
    this.json = flags.output === 'json';
    const { checkConfigsOptions, ConfigsUsageError, entitiesOf } = await import('../src/cli/configs/options.js');
    let plan: ConfigsPlan;
    const configsFlags: ConfigsFlags = {
        describe: flags.describe,
        alter: flags.alter,
        all: flags.all,
        entityType: flags['entity-type'],
        entityName: flags['entity-name'],
        entityDefault: flags['entity-default'],
        topic: flags.topic,
        broker: flags.broker,
        brokerDefaults: flags['broker-defaults'],
        user: flags.user,
        userDefaults: flags['user-defaults'],
        client: flags.client,
        clientDefaults: flags['client-defaults'],
        addConfig: flags['add-config'],
        addConfigFile: flags['add-config-file'],
        deleteConfig: flags['delete-config'],
      };
    try {
      plan = checkConfigsOptions(configsFlags);
    } catch (err) {
      if (!(err instanceof ConfigsUsageError)) throw err;
      return this.failWith(err.message);
    }
    const settings = await loadClientSettings(flags);
    const { Cluster } = await import('../src/client/cluster.js');
    const { Admin } = await import('../src/client/admin.js');
    const cluster = await Cluster.connect(settings.bootstrap, clusterOptions(settings, 'tk-configs'));
    const admin = new Admin(cluster);
    try {
      const entities = entitiesOf(configsFlags) as { types: ServedEntityType[]; names: string[] };
      if (plan.action === 'describe') await this.describe(admin, plan, entities);
      else await this.alter(admin, plan, entities, flags['add-config'], flags['add-config-file']);
    } catch (err) {
      await this.reportFailure(err);
    } finally {
      admin.close();
    }
  }

  /** Kafka's two kinds of failure: its own checks print the message alone; a broker's error prints the args and the exception. */
  private async reportFailure(err: unknown): Promise<void> {
    const { ConfigsUsageError } = await import('../src/cli/configs/options.js');
    const { KafkaProtocolError } = await import('../src/protocol/errors.js');
    if (err instanceof ConfigsUsageError) return this.failWith(err.message);
    if (!(err instanceof KafkaProtocolError)) throw err;
    const detail = err.message.slice(err.errorName.length + 2);
    if (this.json) throw new UserError(detail);
    const { javaExceptionClass } = await import('../src/cli/render/java.js');
    const { renderCommandFailure } = await import('../src/cli/configs/render.js');
    process.stderr.write(renderCommandFailure(this.argv, `${javaExceptionClass(err.errorName)}: ${detail}`));
    process.exitCode = 1;
  }

  /** ConfigCommand.getResourceConfig: one resource's entries, only the dynamic ones of its level unless --all, sorted by name. */
  private async resourceConfigs(admin: Admin, plan: ConfigsPlan, name: string, includeSynonyms: boolean): Promise<ConfigEntryDescription[]> {
    const { ConfigResourceType } = await import('../src/client/admin.js');
    const type = plan.entityType === 'topics' ? ConfigResourceType.TOPIC : ConfigResourceType.BROKER;
    const [described] = await admin.describeConfigs([{ type, name }], { includeSynonyms });
    if (described!.error) throw described!.error;
    const source = plan.entityType === 'topics' ? 'DYNAMIC_TOPIC_CONFIG' : name === '' ? 'DYNAMIC_DEFAULT_BROKER_CONFIG' : 'DYNAMIC_BROKER_CONFIG';
    return described!.configs.filter((c) => plan.all || c.source === source).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private async describe(admin: Admin, plan: ConfigsPlan, entities: QuotaEntities): Promise<void> {
    const render = await import('../src/cli/configs/render.js');
    if (plan.entityType === 'users' || plan.entityType === 'clients') {
      const { describeQuotas, renderQuotas } = await import('../src/cli/configs/quotas.js');
      const quotas = await describeQuotas(admin, entities.types, entities.names);
      if (!this.json) process.stdout.write(renderQuotas(quotas));
      const jsonQuotas = quotas.map((q) => ({ entity: Object.fromEntries(q.entity), values: Object.fromEntries(q.values) }));
      // Kafka describes SCRAM credentials only for users alone, and not for the user default.
      if (entities.types.includes('clients') || plan.entityName === '') {
        if (this.json) process.stdout.write(`${JSON.stringify({ quotas: jsonQuotas })}\n`);
        return;
      }
      const { describeUsers, renderDescribedUsers } = await import('../src/cli/configs/users.js');
      const users = await describeUsers(admin, plan.entityName);
      // Users' JSON carries quotas only when there are some, so the credentials-only shape stays as it was.
      process.stdout.write(this.json ? `${JSON.stringify(jsonQuotas.length > 0 ? { quotas: jsonQuotas, users } : { users })}\n` : renderDescribedUsers(users));
      return;
    }
    let names: string[];
    if (plan.entityName !== undefined) names = [plan.entityName];
    else if (plan.entityType === 'topics') names = await admin.listTopics({ includeInternal: true });
    else names = [...(await admin.describeCluster()).brokers.map((b) => String(b.nodeId)), ''];
    const described: { entityType: typeof plan.entityType; entityName: string; configs: ConfigEntryDescription[] }[] = [];
    for (const name of names) {
      // Kafka prints the header before it asks, so a failure follows it.
      if (!this.json) process.stdout.write(render.renderDescribeHeader(plan.entityType, name, plan.all));
      const configs = await this.resourceConfigs(admin, plan, name, true);
      if (this.json) described.push({ entityType: plan.entityType, entityName: name, configs });
      else process.stdout.write(render.renderConfigLines(configs));
    }
    if (this.json) process.stdout.write(render.renderDescribeJson(described));
  }

  private async alter(admin: Admin, plan: ConfigsPlan, entities: QuotaEntities, addConfig: string | undefined, addConfigFile: string | undefined): Promise<void> {
    const { parseAddConfig, checkConfigsToAdd, ConfigsUsageError } = await import('../src/cli/configs/options.js');
    const { readPropertiesFile } = await import('../src/cli/common-flags.js');
    const { ConfigResourceType, AlterConfigOpType } = await import('../src/client/admin.js');
    const render = await import('../src/cli/configs/render.js');
    const name = plan.entityName!;
    const added = new Map([...(addConfigFile !== undefined ? await readPropertiesFile(addConfigFile, 'add-config-file') : []), ...(addConfig !== undefined ? parseAddConfig(addConfig) : [])]);
    for (const notice of checkConfigsToAdd(added)) if (!this.json) process.stdout.write(`${notice}\n`);
    if (plan.entityType === 'clients' || entities.types.length === 2) {
      const { checkClientConfigs } = await import('../src/cli/configs/quotas.js');
      checkClientConfigs(added, plan.deleteConfigs);
    }
    if (plan.entityType === 'users' || plan.entityType === 'clients') {
      const { isQuotaConfig, alterQuotas } = await import('../src/cli/configs/quotas.js');
      const { userAlterations } = await import('../src/cli/configs/users.js');
      const scram = entities.types.length === 1 && plan.entityType === 'users' ? userAlterations(name, added, plan.deleteConfigs) : [];
      if ([...added.keys(), ...plan.deleteConfigs].some(isQuotaConfig)) {
        await alterQuotas(admin, entities.types, entities.names, added, plan.deleteConfigs);
        process.stdout.write(this.json ? render.renderAlteredJson(plan.entityType, name, added, plan.deleteConfigs) : render.renderAltered(plan.entityType, name));
        return;
      }
      const outcomes = await admin.alterUserScramCredentials(scram);
      const failed = outcomes.find((o) => o.error !== undefined);
      if (failed) throw failed.error;
      // Never echo a password back: the JSON names the mechanisms added.
      const addedMechanisms = new Map([...added.keys()].map((k) => [k, '[hidden]']));
      process.stdout.write(this.json ? render.renderAlteredJson('users', name, addedMechanisms, plan.deleteConfigs) : render.renderAltered('users', name));
      return;
    }
    const current = new Map((await this.resourceConfigs(admin, { ...plan, all: false }, name, false)).map((c) => [c.name, c]));
    const missing = plan.deleteConfigs.filter((k) => !current.has(k));
    if (missing.length > 0) throw new ConfigsUsageError(`Invalid config(s): ${missing.join(',')}`);
    let outcome;
    if (plan.entityType === 'topics') {
      const ops = [
        ...[...added].map(([k, v]) => ({ name: k, op: AlterConfigOpType.SET, value: v })),
        ...plan.deleteConfigs.map((k) => ({ name: k, op: AlterConfigOpType.DELETE, value: null })),
      ];
      [outcome] = await admin.incrementalAlterConfigs([{ resource: { type: ConfigResourceType.TOPIC, name }, ops }]);
    } else {
      // 3.9 alters broker configs with the legacy whole-set AlterConfigs.
      const next = new Map([...current].map(([k, c]) => [k, c.value]));
      for (const [k, v] of added) next.set(k, v);
      for (const k of plan.deleteConfigs) next.delete(k);
      const sensitive = [...next].filter(([, v]) => v === null).map(([k]) => k);
      if (sensitive.length > 0) throw new ConfigsUsageError(`All sensitive broker config entries must be specified for --alter, missing entries: Set(${sensitive.join(', ')})`);
      [outcome] = await admin.alterConfigs([{ resource: { type: ConfigResourceType.BROKER, name }, configs: next as Map<string, string> }]);
    }
    if (outcome!.error) throw outcome!.error;
    process.stdout.write(this.json ? render.renderAlteredJson(plan.entityType, name, added, plan.deleteConfigs) : render.renderAltered(plan.entityType, name));
  }
}
