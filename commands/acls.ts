import { Flags } from '@oclif/core';
import { TkCommand, UserError } from '../src/cli/base-command.js';
import { clientFlags, clusterOptions, loadClientSettings } from '../src/cli/common-flags.js';
import type { FilterAcls, PatternAcls } from '../src/cli/acls/expansion.js';
import type { AclsAction, AclsFlags } from '../src/cli/acls/options.js';
import type { RemovalJson } from '../src/cli/acls/render.js';
import type { AclAdmin, AclBinding, ResourcePatternFilter } from '../src/client/acl-admin.js';

const many = (description: string, helpValue: string) => Flags.string({ description, helpValue, multiple: true, default: [] });

export class Acls extends TkCommand {
  static override summary = 'Add, remove or list ACLs (kafka-acls.sh).';
  static override description =
    'Exactly one action: --add, --remove or --list. Resources: --topic, --group, --cluster, --transactional-id, --delegation-token, --user-principal, with --resource-pattern-type literal (default), prefixed, or for --list and --remove the filters match and any. --producer and --consumer add or remove the ACLs those roles need. --remove asks before removing, on stdin even in a pipe as kafka-acls.sh does, unless --force. When stdout is not a terminal the text is exactly what kafka-acls.sh prints.';
  static override examples = [
    '<%= config.bin %> acls --add --allow-principal User:alice --operation Read --operation Describe --topic events',
    '<%= config.bin %> acls --add --allow-principal User:alice --producer --topic events --idempotent',
    '<%= config.bin %> acls --add --allow-principal User:bob --consumer --topic events --group billing',
    '<%= config.bin %> acls --add --deny-principal User:carol --deny-host 10.0.0.7 --operation All --topic orders- --resource-pattern-type prefixed',
    '<%= config.bin %> acls --list --topic events --resource-pattern-type match',
    '<%= config.bin %> acls --list --principal User:alice',
    '<%= config.bin %> acls --remove --allow-principal User:alice --operation Read --topic events --force',
  ];
  static override flags = {
    ...clientFlags,
    add: Flags.boolean({ description: 'Indicates you are trying to add ACLs.', helpGroup: 'ACTION', default: false }),
    remove: Flags.boolean({ description: 'Indicates you are trying to remove ACLs.', helpGroup: 'ACTION', default: false }),
    list: Flags.boolean({ description: 'List ACLs for the specified resource (all of them when none is given).', helpGroup: 'ACTION', default: false }),
    topic: many("Topic to which ACLs should be added or removed; '*' means all topics. Repeatable.", 'TOPIC'),
    group: many("Consumer group to which ACLs should be added or removed; '*' means all groups. Repeatable.", 'GROUP'),
    cluster: Flags.boolean({ description: 'Add/Remove cluster ACLs.', default: false }),
    'transactional-id': many("The transactional id to which ACLs should be added or removed; '*' means all transactional ids. Repeatable.", 'ID'),
    'delegation-token': many("Delegation token to which ACLs should be added or removed; '*' means all tokens. Repeatable.", 'TOKEN'),
    'user-principal': many('A user principal as a resource, e.g. to grant CreateTokens or DescribeTokens on it. Repeatable.', 'USER'),
    'resource-pattern-type': Flags.string({
      description: "literal (default) or prefixed when adding; for --list and --remove also any (any pattern type, exact name) or match (every ACL that affects the named resources: use with care with --remove).",
      helpValue: 'TYPE',
    }),
    'allow-principal': many("Principal to allow, as principalType:name (User:'*' is every user). Repeatable.", 'PRINCIPAL'),
    'deny-principal': many('Principal to deny, as principalType:name; deny rules win over allow rules. Repeatable.', 'PRINCIPAL'),
    'allow-host': many("Host from which --allow-principal principals have access (default '*', all hosts). Repeatable.", 'HOST'),
    'deny-host': many("Host from which --deny-principal principals are denied (default '*', all hosts). Repeatable.", 'HOST'),
    principal: many('With --list: only the ACLs of this principal (principalType:name). Repeatable.', 'PRINCIPAL'),
    operation: many(
      'Operation allowed or denied (default All): All, Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, CreateTokens, DescribeTokens. Repeatable.',
      'OPERATION',
    ),
    producer: Flags.boolean({ description: 'ACLs for a producer: WRITE, DESCRIBE and CREATE on the topic (WRITE and DESCRIBE on a --transactional-id).', default: false }),
    consumer: Flags.boolean({ description: 'ACLs for a consumer: READ and DESCRIBE on the topic, READ on the --group.', default: false }),
    idempotent: Flags.boolean({ description: 'With --producer: also IDEMPOTENT_WRITE on the cluster.', default: false }),
    force: Flags.boolean({ description: 'Assume yes to all queries and do not prompt.', default: false }),
  };

  private json = false;

  async run(): Promise<void> {
    const { flags } = await this.parse(Acls);
    this.json = flags.output === 'json';
    const aclsFlags: AclsFlags = {
      add: flags.add,
      remove: flags.remove,
      list: flags.list,
      topic: flags.topic,
      group: flags.group,
      cluster: flags.cluster,
      transactionalId: flags['transactional-id'],
      delegationToken: flags['delegation-token'],
      userPrincipal: flags['user-principal'],
      resourcePatternType: flags['resource-pattern-type'],
      allowPrincipal: flags['allow-principal'],
      denyPrincipal: flags['deny-principal'],
      allowHost: flags['allow-host'],
      denyHost: flags['deny-host'],
      principal: flags.principal,
      operation: flags.operation,
      producer: flags.producer,
      consumer: flags.consumer,
      idempotent: flags.idempotent,
      force: flags.force,
    };
    const { checkAclsArgs, AclsUsageError } = await import('../src/cli/acls/options.js');
    let action: AclsAction;
    try {
      action = checkAclsArgs(aclsFlags);
    } catch (err) {
      if (err instanceof AclsUsageError) return this.failWith(err.message);
      throw err;
    }
    try {
      await this.execute(action, aclsFlags, flags);
    } catch (err) {
      await this.reportFailure(err);
    }
  }

  /** Kafka's two kinds of failure: a usage message alone on stderr, or `Error while executing ACL command: …` on stdout; both exit 1. */
  private async reportFailure(err: unknown): Promise<void> {
    const { AclsUsageError, AclCommandError } = await import('../src/cli/acls/options.js');
    const { KafkaProtocolError } = await import('../src/protocol/errors.js');
    if (err instanceof AclsUsageError) return this.failWith(err.message);
    let message: string;
    if (err instanceof AclCommandError) message = err.message;
    else if (err instanceof KafkaProtocolError) {
      const { javaExceptionClass } = await import('../src/cli/render/java.js');
      message = `${javaExceptionClass(err.errorName)}: ${err.message.slice(err.errorName.length + 2)}`;
    } else throw err;
    if (this.json) throw new UserError(message);
    const { renderCommandError } = await import('../src/cli/acls/render.js');
    process.stdout.write(renderCommandError(message));
    process.exitCode = 1;
  }

  private async execute(action: AclsAction, f: AclsFlags, connection: { 'bootstrap-server'?: string; 'command-config'?: string }): Promise<void> {
    const expansion = await import('../src/cli/acls/expansion.js');
    const options = await import('../src/cli/acls/options.js');
    // Every argument is read before the first request, as Kafka does (its Admin connects lazily).
    let run: (admin: AclAdmin) => Promise<void>;
    if (action === 'add') {
      const resources = expansion.patternAcls(f);
      run = (admin) => this.add(admin, resources);
    } else if (action === 'remove') {
      const resources = expansion.filterAcls(f);
      run = (admin) => this.remove(admin, resources, f.force);
    } else {
      const filters = expansion.resourceFilters(f, options.parsePatternType(f.resourcePatternType), false);
      const principals = options.principalsOf(f.principal);
      run = (admin) => this.list(admin, filters, principals);
    }
    const settings = await loadClientSettings(connection);
    const { Cluster } = await import('../src/client/cluster.js');
    const { AclAdmin } = await import('../src/client/acl-admin.js');
    const cluster = await Cluster.connect(settings.bootstrap, clusterOptions(settings, 'tk-acls'));
    try {
      await run(new AclAdmin(cluster));
    } finally {
      cluster.close();
    }
  }

  private async add(admin: AclAdmin, resources: PatternAcls[]): Promise<void> {
    const render = await import('../src/cli/acls/render.js');
    const { AclCommandError } = await import('../src/cli/acls/options.js');
    for (const { pattern, acls } of resources) {
      // Kafka announces each resource before its CreateAcls, so a failure follows the announcement.
      if (!this.json) process.stdout.write(render.renderAdding(pattern, acls));
      const failed = (await admin.createAcls(acls.map((entry) => ({ pattern, entry })))).find((e) => e !== null);
      if (failed) throw new AclCommandError(render.brokerErrorMessage(failed));
    }
    if (this.json) process.stdout.write(render.renderAddedJson(resources));
  }

  private async remove(admin: AclAdmin, resources: FilterAcls[], force: boolean): Promise<void> {
    const render = await import('../src/cli/acls/render.js');
    const { AclCommandError } = await import('../src/cli/acls/options.js');
    const { RemovalConfirmer } = await import('../src/cli/acls/confirm.js');
    const { AclOperation, AclPermissionType } = await import('../src/protocol/acls.js');
    const confirmer = new RemovalConfirmer(this.json ? process.stderr : process.stdout);
    const removals: RemovalJson[] = [];
    try {
      for (const { filter, acls } of resources) {
        const confirmed = force || (await confirmer.confirm(render.removalQuestion(filter, acls)));
        const removal: RemovalJson = { filter: render.patternJson(filter), acls: acls.map(render.entryJson), confirmed, removed: [] };
        removals.push(removal);
        if (!confirmed) continue;
        // No entries named: every entry of the resource filter.
        const entries = acls.length > 0 ? acls : [{ principal: null, host: null, operation: AclOperation.ANY, permissionType: AclPermissionType.ANY }];
        for (const outcome of await admin.deleteAcls(entries.map((entry) => ({ pattern: filter, entry })))) {
          const failed = outcome.error ?? outcome.matching.find((m) => m.error !== null)?.error;
          if (failed) throw new AclCommandError(render.brokerErrorMessage(failed));
          for (const { binding } of outcome.matching) removal.removed.push({ resource: render.patternJson(binding.pattern), acl: render.entryJson(binding.entry) });
        }
      }
    } finally {
      confirmer.close();
    }
    if (this.json) process.stdout.write(render.renderRemovedJson(removals));
  }

  private async list(admin: AclAdmin, filters: ResourcePatternFilter[], principals: string[]): Promise<void> {
    const render = await import('../src/cli/acls/render.js');
    const { AclRequestError } = await import('../src/client/acl-admin.js');
    const { AclCommandError } = await import('../src/cli/acls/options.js');
    const { AclOperation, AclPermissionType, PatternType, ResourceType } = await import('../src/protocol/acls.js');
    const anyEntry = { principal: null, host: null, operation: AclOperation.ANY, permissionType: AclPermissionType.ANY };
    // No resource named: every ACL (AclBindingFilter.ANY).
    const patterns: ResourcePatternFilter[] = filters.length > 0 ? filters : [{ resourceType: ResourceType.ANY, name: null, patternType: PatternType.ANY }];
    const bindings: AclBinding[] = [];
    try {
      for (const pattern of patterns) bindings.push(...(await admin.describeAcls({ pattern, entry: anyEntry })));
    } catch (err) {
      if (err instanceof AclRequestError) throw new AclCommandError(render.brokerErrorMessage({ errorCode: err.code, errorMessage: err.errorMessage }));
      throw err;
    }
    const resources = render.groupByPattern(bindings);
    process.stdout.write(this.json ? render.renderListJson(resources, principals) : render.renderList(resources, principals));
  }
}
