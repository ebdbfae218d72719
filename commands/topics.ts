import { Flags } from '@oclif/core';
import { TkCommand, UserError } from '../src/cli/base-command.js';
import { clientFlags, clusterOptions, loadClientSettings, type OutputFormat } from '../src/cli/common-flags.js';
import type { TopicView } from '../src/cli/render/topics.js';
import type { TopicsAction, TopicsOptions } from '../src/cli/topics-options.js';
import type { Admin } from '../src/client/admin.js';

export class Topics extends TkCommand {
  static override summary = 'Create, delete, describe, or change a topic (kafka-topics.sh).';
  static override description =
    'Exactly one action: --create, --list, --describe, --alter or --delete. --topic is a regular expression for every action but --create, matched against whole names. When stdout is not a terminal the text is exactly what kafka-topics.sh prints.';
  static override examples = [
    '<%= config.bin %> topics --create --topic events --partitions 3 --config retention.ms=86400000',
    '<%= config.bin %> topics --list --exclude-internal',
    '<%= config.bin %> topics --describe --topic "events.*"',
    '<%= config.bin %> topics --alter --topic events --partitions 6',
    '<%= config.bin %> topics --delete --topic events --yes',
  ];
  static override flags = {
    ...clientFlags,
    create: Flags.boolean({ description: 'Create a new topic.', helpGroup: 'ACTION' }),
    list: Flags.boolean({ description: 'List all available topics.', helpGroup: 'ACTION' }),
    describe: Flags.boolean({ description: 'List details for the given topics.', helpGroup: 'ACTION' }),
    alter: Flags.boolean({ description: 'Alter the number of partitions and replica assignment.', helpGroup: 'ACTION' }),
    delete: Flags.boolean({ description: 'Delete a topic.', helpGroup: 'ACTION' }),
    topic: Flags.string({ description: 'The topic to create, alter, describe or delete; a regular expression except with --create.', helpValue: 'TOPIC' }),
    'topic-id': Flags.string({ description: 'The topic id to describe.', helpValue: 'ID' }),
    partitions: Flags.string({ description: 'The number of partitions for the topic being created or altered.', helpValue: 'N' }),
    'replication-factor': Flags.string({ description: 'The replication factor for each partition of the topic being created.', helpValue: 'N' }),
    'replica-assignment': Flags.string({ description: 'Manual partition-to-broker assignments: 1:2,2:3,... (per partition, colon-separated broker ids).', helpValue: 'LIST' }),
    config: Flags.string({ description: 'A topic configuration override for the topic being created: name=value. Repeatable.', helpValue: 'NAME=VALUE', multiple: true, default: [] }),
    'delete-config': Flags.string({
      description: 'Refused, as kafka-topics.sh 3.9 refuses it with --bootstrap-server: remove a topic config with tk configs --alter --delete-config.',
      helpValue: 'NAME',
      multiple: true,
      default: [],
    }),
    'if-exists': Flags.boolean({ description: 'With --alter, --delete or --describe: only act if the topic exists.' }),
    'if-not-exists': Flags.boolean({ description: 'With --create: only act if the topic does not exist yet.' }),
    'exclude-internal': Flags.boolean({ description: 'Exclude internal topics when listing or describing.' }),
    'under-replicated-partitions': Flags.boolean({ description: 'With --describe: only under-replicated partitions.' }),
    'under-min-isr-partitions': Flags.boolean({ description: 'With --describe: only partitions whose ISR is smaller than min.insync.replicas.' }),
    'at-min-isr-partitions': Flags.boolean({ description: 'With --describe: only partitions whose ISR size equals min.insync.replicas.' }),
    'unavailable-partitions': Flags.boolean({ description: 'With --describe: only partitions whose leader is not available.' }),
    'topics-with-overrides': Flags.boolean({ description: 'With --describe: only topics that have overridden configs.' }),
    yes: Flags.boolean({ char: 'y', description: 'With --delete: do not ask for confirmation on a terminal.' }),
  };

  private output: OutputFormat = 'text';

  async run(): Promise<void> {
    const { flags } = await this.parse(Topics);
    this.output = flags.output === 'json' ? 'json' : 'text';
    const options: TopicsOptions = {
      create: flags.create,
      list: flags.list,
      describe: flags.describe,
      alter: flags.alter,
      delete: flags.delete,
      topic: flags.topic,
      topicId: flags['topic-id'],
      partitions: flags.partitions,
      replicationFactor: flags['replication-factor'],
      replicaAssignment: flags['replica-assignment'],
      config: flags.config,
      deleteConfig: flags['delete-config'],
      ifExists: flags['if-exists'],
      ifNotExists: flags['if-not-exists'],
      excludeInternal: flags['exclude-internal'],
      underReplicatedPartitions: flags['under-replicated-partitions'],
      underMinIsrPartitions: flags['under-min-isr-partitions'],
      atMinIsrPartitions: flags['at-min-isr-partitions'],
      unavailablePartitions: flags['unavailable-partitions'],
      topicsWithOverrides: flags['topics-with-overrides'],
    };
    const { checkTopicsOptions, TopicsUsageError } = await import('../src/cli/topics-options.js');
    let action: TopicsAction;
    try {
      const checked = checkTopicsOptions(options);
      action = checked.action;
      for (const notice of checked.notices) process.stdout.write(`${notice}\n`);
    } catch (err) {
      // As Kafka's tools: the reason on stderr, exit 1 (the option table is left to --help).
      if (!(err instanceof TopicsUsageError)) throw err;
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 1;
      return;
    }

    const settings = await loadClientSettings(flags);
    const { Cluster } = await import('../src/client/cluster.js');
    const { Admin } = await import('../src/client/admin.js');
    const cluster = await Cluster.connect(settings.bootstrap, clusterOptions(settings, 'tk-topics'));
    const admin = new Admin(cluster);
    try {
      await this.execute(admin, action, options, flags.yes);
    } catch (err) {
      await this.reportFailure(err);
    } finally {
      admin.close();
    }
  }

  /** TopicCommand's catch: `Error while executing topic command : …` on stdout, the exception logged on stderr, exit 1. */
  private async reportFailure(err: unknown): Promise<void> {
    const { TopicCommandError } = await import('../src/cli/topics-options.js');
    const { KafkaProtocolError } = await import('../src/protocol/errors.js');
    const { javaExceptionClass } = await import('../src/cli/render/java.js');
    let message: string;
    let javaClass: string;
    if (err instanceof TopicCommandError) {
      message = err.message;
      javaClass = err.javaClass;
    } else if (err instanceof BrokerError) {
      message = err.message;
      javaClass = javaExceptionClass(err.errorName);
    } else if (err instanceof KafkaProtocolError) {
      message = err.message.slice(err.errorName.length + 2);
      javaClass = javaExceptionClass(err.errorName);
    } else throw err;
    if (this.output === 'json') throw new UserError(message);
    const { renderCommandError } = await import('../src/cli/render/topics.js');
    process.stdout.write(renderCommandError(message));
    process.stderr.write(`ERROR ${javaClass}: ${message} (org.apache.kafka.tools.TopicCommand)\n`);
    process.exitCode = 1;
  }

  private async execute(admin: Admin, action: TopicsAction, o: TopicsOptions, yes: boolean): Promise<void> {
    switch (action) {
      case 'create':
        return this.create(admin, o);
      case 'list':
        return this.list(admin, o);
      case 'describe':
        return this.describe(admin, o);
      case 'alter':
        return this.alter(admin, o);
      case 'delete':
        return this.deleteTopics(admin, o, yes);
    }
  }

  private async create(admin: Admin, o: TopicsOptions): Promise<void> {
    const { parseIntegerOption, parseReplicaAssignment, parseTopicConfigs, TopicCommandError } = await import('../src/cli/topics-options.js');
    const render = await import('../src/cli/render/topics.js');
    const topic = o.topic!;
    // The order TopicCommand checks in: the options are parsed and the configs validated, then the
    // warning is printed, then the numbers are range-checked.
    const partitions = o.partitions === undefined ? undefined : parseIntegerOption('partitions', o.partitions);
    const replicationFactor = o.replicationFactor === undefined ? undefined : parseIntegerOption('replication-factor', o.replicationFactor);
    const assignment = o.replicaAssignment !== undefined && o.replicaAssignment !== '' ? parseReplicaAssignment(o.replicaAssignment) : undefined;
    const configs = parseTopicConfigs(o.config);
    const { validateTopicConfigs } = await import('../src/config/topic-configs.js');
    const configErrors = validateTopicConfigs(configs);
    if (configErrors.length > 0) {
      const first = configErrors[0]!;
      throw new TopicCommandError(first.message, first.message.startsWith('Unknown topic config') ? 'org.apache.kafka.common.errors.InvalidConfigurationException' : 'org.apache.kafka.common.config.ConfigException');
    }
    const warning = render.hasCollisionChars(topic);
    if (this.output === 'text') process.stdout.write(render.renderCreateWarning(topic));
    if (replicationFactor !== undefined && (replicationFactor > 32767 || replicationFactor < 1)) {
      throw new TopicCommandError('The replication factor must be between 1 and 32767 inclusive');
    }
    if (partitions !== undefined && partitions < 1) throw new TopicCommandError('The partitions must be greater than 0');
    const [result] = await admin.createTopics([
      { name: topic, numPartitions: partitions, replicationFactor, replicaAssignment: assignment, configs: Object.fromEntries(configs) },
    ]);
    const { ErrorCode } = await import('../src/protocol/errors.js');
    let created = true;
    if (result!.errorCode !== ErrorCode.NONE) {
      if (!(result!.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS && o.ifNotExists)) throw await BrokerError.of(result!.errorCode, result!.errorMessage);
      created = false;
    }
    if (this.output === 'json') process.stdout.write(render.renderResultJson({ action: 'create', topic, created, warning }));
    else if (created) process.stdout.write(render.renderCreatedText(topic));
  }

  /** TopicService.getTopics: every topic (internal ones unless excluded), sorted, filtered by the --topic regex. */
  private async matchingTopics(admin: Admin, o: TopicsOptions): Promise<string[]> {
    const { topicFilter } = await import('../src/cli/topics-options.js');
    const { INTERNAL_TOPICS } = await import('../src/cli/render/topics.js');
    const allowed = o.topic === undefined ? () => true : topicFilter(o.topic);
    const names = await admin.listTopics({ includeInternal: !o.excludeInternal });
    return names.filter((name) => allowed(name) && !(o.excludeInternal && INTERNAL_TOPICS.has(name)));
  }

  private async ensureExists(found: readonly string[], o: TopicsOptions): Promise<void> {
    if (o.topic !== undefined && o.topic !== '' && !o.ifExists && found.length === 0) {
      const { TopicCommandError, topicDoesNotExistMessage } = await import('../src/cli/topics-options.js');
      throw new TopicCommandError(topicDoesNotExistMessage(o.topic));
    }
  }

  private async list(admin: Admin, o: TopicsOptions): Promise<void> {
    const render = await import('../src/cli/render/topics.js');
    // terminal.ts itself is light: cli-table3 and chalk load only in loadTerminal().
    const terminal = await import('../src/cli/terminal.js');
    const names = await this.matchingTopics(admin, o);
    if (this.output === 'json') process.stdout.write(render.renderListJson(names));
    else if (terminal.isInteractive()) process.stdout.write(render.renderListTable(names, await terminal.loadTerminal()));
    else process.stdout.write(render.renderListText(names));
  }

  private async describe(admin: Admin, o: TopicsOptions): Promise<void> {
    const { parseTopicId, TopicCommandError } = await import('../src/cli/topics-options.js');
    const render = await import('../src/cli/render/topics.js');
    const terminal = await import('../src/cli/terminal.js');
    const { ZERO_UUID } = await import('../src/protocol/primitives.js');
    const topicId = o.topicId === undefined ? undefined : parseTopicId(o.topicId);
    let names: string[];
    if (topicId !== undefined && topicId !== ZERO_UUID) {
      const all = await admin.describeTopics('all');
      const match = all.find((t) => t.topicId === topicId && !(o.excludeInternal && t.isInternal));
      if (!match && !o.ifExists) throw new TopicCommandError(`TopicId '${topicId}' does not exist as expected`);
      names = match ? [match.name] : [];
    } else {
      names = await this.matchingTopics(admin, o);
      await this.ensureExists(names, o);
    }
    const views: TopicView[] = [];
    if (names.length > 0) {
      const infos = await admin.describeTopics(names);
      const { ConfigResourceType } = await import('../src/client/admin.js');
      const configs = await admin.describeConfigs(names.map((name) => ({ type: ConfigResourceType.TOPIC, name })));
      // Brokers that serve DescribeTopicPartitions (KIP-966) report ELR; Kafka's Admin then prints empty lists, else N/A.
      const connection = await admin.cluster.anyConnection();
      const elr = connection.versions.has(75) ? [] : null;
      infos.forEach((info, i) => {
        const config = configs[i]!;
        if (config.error) throw new BrokerError(config.error.errorName, config.errorMessage ?? config.error.message);
        views.push({
          name: info.name,
          topicId: info.topicId,
          partitions: info.partitions.map((p) => ({
            partition: p.partition,
            leader: p.leaderId < 0 ? null : p.leaderId,
            replicas: p.replicas,
            isr: p.isr,
            elr,
            lastKnownElr: elr,
          })),
          configs: config.configs.map((c) => ({ name: c.name, value: c.value, isDefault: c.isDefault })),
        });
      });
    }
    const cluster = await admin.describeCluster();
    const live = new Set(cluster.brokers.map((b) => b.nodeId));
    const selected = render.selectDescription(
      views,
      {
        underReplicated: o.underReplicatedPartitions,
        underMinIsr: o.underMinIsrPartitions,
        atMinIsr: o.atMinIsrPartitions,
        unavailable: o.unavailablePartitions,
        topicsWithOverrides: o.topicsWithOverrides,
      },
      live,
    );
    if (this.output === 'json') process.stdout.write(render.renderDescribeJson(selected));
    else if (terminal.isInteractive()) process.stdout.write(render.renderDescribeTables(selected, await terminal.loadTerminal()));
    else process.stdout.write(render.renderDescribeText(selected));
  }

  private async alter(admin: Admin, o: TopicsOptions): Promise<void> {
    const { parseIntegerOption, parseReplicaAssignment } = await import('../src/cli/topics-options.js');
    const render = await import('../src/cli/render/topics.js');
    const partitions = parseIntegerOption('partitions', o.partitions!);
    const assignment = o.replicaAssignment !== undefined && o.replicaAssignment !== '' ? parseReplicaAssignment(o.replicaAssignment) : undefined;
    const names = await this.matchingTopics(admin, o);
    await this.ensureExists(names, o);
    if (names.length > 0) {
      const infos = await admin.describeTopics(names);
      const results = await admin.createPartitions(
        infos.map((info) => ({ topic: info.name, count: partitions, assignments: assignment ? assignment.slice(info.partitions.length) : undefined })),
      );
      const failed = results.find((r) => r.error !== null);
      if (failed) throw await BrokerError.of(failed.errorCode, failed.errorMessage);
    }
    if (this.output === 'json') process.stdout.write(render.renderResultJson({ action: 'alter', topics: names, partitions }));
  }

  private async deleteTopics(admin: Admin, o: TopicsOptions, yes: boolean): Promise<void> {
    const render = await import('../src/cli/render/topics.js');
    const names = await this.matchingTopics(admin, o);
    await this.ensureExists(names, o);
    if (names.length > 0 && !yes) {
      const { canPrompt, confirm } = await import('../src/cli/prompt.js');
      if (canPrompt() && !(await confirm(`Delete topic${names.length > 1 ? 's' : ''} ${names.join(', ')}?`))) {
        process.stderr.write('deletion cancelled: nothing was deleted\n');
        process.exitCode = 1;
        return;
      }
    }
    if (names.length > 0) {
      const results = await admin.deleteTopics(names);
      const failed = results.find((r) => r.error !== null);
      if (failed) throw await BrokerError.of(failed.errorCode, failed.errorMessage);
    }
    if (this.output === 'json') process.stdout.write(render.renderResultJson({ action: 'delete', topics: names }));
  }
}

/** A per-topic error from the broker: its message (or the error's default text), as Kafka's exceptions carry it. */
class BrokerError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(message);
    this.name = 'BrokerError';
  }

  static async of(code: number, message: string | null): Promise<BrokerError> {
    const { errorInfo } = await import('../src/protocol/errors.js');
    const info = errorInfo(code);
    return new BrokerError(info.name, message ?? info.message);
  }
}
