import { Flags } from '@oclif/core';
import { TkCommand, UserError } from '../src/cli/base-command.js';
import { clientFlags, clusterOptions, loadClientSettings } from '../src/cli/common-flags.js';
import type { ConsumerGroupsAction, ConsumerGroupsOptions } from '../src/cli/consumer-groups/options.js';
import type { Chunk } from '../src/cli/consumer-groups/render.js';

export class ConsumerGroups extends TkCommand {
  static override summary = 'List, describe, delete consumer groups, or reset their offsets (kafka-consumer-groups.sh).';
  static override description =
    'Exactly one action: --list, --describe, --delete, --reset-offsets or --delete-offsets. --describe shows each partition\'s committed offset, log-end offset and lag (--members and --state for the other views); --reset-offsets plans a reset (--dry-run, the default) or commits it (--execute) for a group without active members. When stdout is not a terminal the text is exactly what kafka-consumer-groups.sh prints. Beyond Kafka: --describe --watch redraws the lag every second with each partition\'s consume rate and time to catch up.';
  static override examples = [
    '<%= config.bin %> consumer-groups --list --state',
    '<%= config.bin %> consumer-groups --describe --group orders-app',
    '<%= config.bin %> consumer-groups --describe --group orders-app --members --verbose',
    '<%= config.bin %> consumer-groups --describe --group orders-app --watch',
    '<%= config.bin %> consumer-groups --reset-offsets --group orders-app --topic orders --to-earliest --execute',
    '<%= config.bin %> consumer-groups --delete --group orders-app',
  ];
  static override flags = {
    ...clientFlags,
    list: Flags.boolean({ description: 'List all consumer groups.', helpGroup: 'ACTION' }),
    describe: Flags.boolean({ description: 'Describe consumer groups: offsets and lag per partition (default), --members or --state.', helpGroup: 'ACTION' }),
    delete: Flags.boolean({ description: 'Delete consumer groups (they must have no active members).', helpGroup: 'ACTION' }),
    'reset-offsets': Flags.boolean({ description: 'Reset the offsets of groups without active members: a scope (--topic or --all-topics) and one scenario.', helpGroup: 'ACTION' }),
    'delete-offsets': Flags.boolean({ description: 'Delete the committed offsets of one group for the --topic partitions.', helpGroup: 'ACTION' }),
    group: Flags.string({ description: 'The consumer group to act on. Repeatable.', helpValue: 'GROUP', multiple: true, default: [] }),
    'all-groups': Flags.boolean({ description: 'Apply to all consumer groups.' }),
    topic: Flags.string({ description: 'A topic, or topic:0,1,2 for some of its partitions (--reset-offsets, --delete-offsets). Repeatable.', helpValue: 'TOPIC', multiple: true, default: [] }),
    'all-topics': Flags.boolean({ description: 'With --reset-offsets: every partition the group has a committed offset for.' }),
    members: Flags.boolean({ description: 'With --describe: the members of the group.' }),
    verbose: Flags.boolean({ description: 'With --describe --members: each member\'s assigned partitions.' }),
    offsets: Flags.boolean({ description: 'With --describe: offsets and lag per partition (the default view).' }),
    state: Flags.string({ description: 'With --describe: the group\'s state. With --list: a STATE column, or only groups in these states (comma list).', helpValue: '[STATES]' }),
    type: Flags.string({ description: 'With --list: a TYPE column, or only groups of these types (classic, consumer).', helpValue: '[TYPES]' }),
    'dry-run': Flags.boolean({ description: 'With --reset-offsets: only show the new offsets (the default).' }),
    execute: Flags.boolean({ description: 'With --reset-offsets: commit the new offsets.' }),
    export: Flags.boolean({ description: 'With --reset-offsets: print the plan as CSV (for --from-file).' }),
    'to-offset': Flags.string({ description: 'Reset to this offset.', helpValue: 'OFFSET' }),
    'to-datetime': Flags.string({ description: 'Reset to the first offset at or after YYYY-MM-DDTHH:mm:SS.sss[±hh:mm] (UTC without a zone).', helpValue: 'DATETIME' }),
    'by-duration': Flags.string({ description: 'Reset to the first offset at or after now minus a duration PnDTnHnMnS.', helpValue: 'DURATION' }),
    'to-earliest': Flags.boolean({ description: 'Reset to the earliest offset.' }),
    'to-latest': Flags.boolean({ description: 'Reset to the latest offset.' }),
    'to-current': Flags.boolean({ description: 'Reset to the committed offset (the latest where there is none).' }),
    'shift-by': Flags.string({ description: 'Reset to the committed offset plus N (N may be negative).', helpValue: 'N' }),
    'from-file': Flags.string({ description: 'Reset to the offsets in a CSV file, as --export writes it.', helpValue: 'FILE' }),
    timeout: Flags.string({ description: 'How long to wait for a group coordinator, in ms.', helpValue: 'MS', default: '5000' }),
    watch: Flags.boolean({ description: 'With --describe, on a terminal: redraw the lag every second with consume rates and time to catch up.' }),
  };

  async run(): Promise<void> {
    const { withOptionalValues } = await import('../src/cli/consumer-groups/options.js');
    // Kafka's --state and --type take an optional value; oclif's string flags need one.
    this.argv = withOptionalValues(this.argv, ['state', 'type']);
    const { flags } = await this.parse(ConsumerGroups);
    const asJson = flags.output === 'json';
    const o: ConsumerGroupsOptions = {
      list: flags.list,
      describe: flags.describe,
      delete: flags.delete,
      resetOffsets: flags['reset-offsets'],
      deleteOffsets: flags['delete-offsets'],
      group: flags.group,
      allGroups: flags['all-groups'],
      topic: flags.topic,
      allTopics: flags['all-topics'],
      members: flags.members,
      verbose: flags.verbose,
      offsets: flags.offsets,
      state: flags.state,
      type: flags.type,
      dryRun: flags['dry-run'],
      execute: flags.execute,
      export: flags.export,
      toOffset: flags['to-offset'],
      toDatetime: flags['to-datetime'],
      byDuration: flags['by-duration'],
      toEarliest: flags['to-earliest'],
      toLatest: flags['to-latest'],
      toCurrent: flags['to-current'],
      shiftBy: flags['shift-by'],
      fromFile: flags['from-file'],
      timeout: flags.timeout,
    };
    const options = await import('../src/cli/consumer-groups/options.js');
    const { ResetFailure } = await import('../src/cli/consumer-groups/reset.js');
    let action: ConsumerGroupsAction;
    let timeoutMs: number;
    try {
      const checked = options.checkConsumerGroupsOptions(o);
      action = checked.action;
      for (const warning of checked.warnings) process.stderr.write(`${warning}\n`);
      timeoutMs = Number(options.parseLongOption('timeout', flags.timeout));
    } catch (err) {
      return this.refuse(err, options.ConsumerGroupsUsageError);
    }
    if (flags.watch) {
      const { isInteractive } = await import('../src/cli/terminal.js');
      if (!o.describe || describeViewIsNotOffsets(o)) throw new UserError('--watch goes with --describe (the offsets view)');
      const { WATCH_NEEDS_TERMINAL } = await import('../src/cli/consumer-groups/watch.js');
      if (!isInteractive() || asJson) throw new UserError(WATCH_NEEDS_TERMINAL);
    }

    const settings = await loadClientSettings(flags);
    const { Cluster } = await import('../src/client/cluster.js');
    const { Admin } = await import('../src/client/admin.js');
    const { GroupAdmin } = await import('../src/client/group-admin.js');
    const { ConsumerGroupService, failureOf } = await import('../src/cli/consumer-groups/service.js');
    const cluster = await Cluster.connect(settings.bootstrap, { ...clusterOptions(settings, 'tk-consumer-groups'), requestTimeoutMs: settings.requestTimeoutMs ?? timeoutMs });
    const groups = new GroupAdmin(cluster, { timeoutMs });
    const service = new ConsumerGroupService(groups, new Admin(cluster), o);
    try {
      if (flags.watch) {
        const { watchOffsets } = await import('../src/cli/consumer-groups/watch.js');
        const { loadTerminal } = await import('../src/cli/terminal.js');
        const ids = await service.groupIds();
        await watchOffsets(() => service.offsets(ids), await loadTerminal(), (text) => process.stdout.write(text));
        return;
      }
      const { runAction } = await import('../src/cli/consumer-groups/actions.js');
      const result = await runAction(action, o, service, asJson);
      write(result.chunks);
      if (result.failed) process.exitCode = 1;
    } catch (err) {
      if (err instanceof options.ConsumerGroupsUsageError) return this.refuse(err, options.ConsumerGroupsUsageError);
      const failure = err instanceof ResetFailure ? err : failureOf(err);
      if (!failure) throw err;
      if (asJson) throw new UserError(`Executing consumer group command failed due to ${failure.message}`);
      process.stdout.write(`\nError: Executing consumer group command failed due to ${failure.message}\n`);
      process.exitCode = 1;
    } finally {
      groups.close();
    }
  }

  /** As Kafka's printUsageAndExit: the reason on stderr, exit 1 (the option table is left to --help). */
  private refuse(err: unknown, usageError: new (message: string) => Error): void {
    if (!(err instanceof usageError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
  }
}

function describeViewIsNotOffsets(o: ConsumerGroupsOptions): boolean {
  return o.members || o.state !== undefined;
}

function write(chunks: readonly Chunk[]): void {
  for (const c of chunks) (c.stream === 'stdout' ? process.stdout : process.stderr).write(c.text);
}
