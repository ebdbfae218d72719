// kafka-topics.sh's argument rules and value parsing (TopicCommandOptions.checkArgs,
// parseReplicaAssignment, parseTopicConfigsToBeAdded, TopicFilter), with Kafka's messages, so
// `tk topics` refuses exactly what the Kafka tool refuses and says it the same way.

export type TopicsAction = 'create' | 'list' | 'describe' | 'alter' | 'delete';

/** The options as given: present or not, with their raw values. */
export interface TopicsOptions {
  create: boolean;
  list: boolean;
  describe: boolean;
  alter: boolean;
  delete: boolean;
  topic?: string;
  topicId?: string;
  partitions?: string;
  replicationFactor?: string;
  replicaAssignment?: string;
  config: readonly string[];
  /** Refused as Kafka 3.9 refuses it; optional so callers that never pass it need not. */
  deleteConfig?: readonly string[];
  ifExists: boolean;
  ifNotExists: boolean;
  excludeInternal: boolean;
  underReplicatedPartitions: boolean;
  underMinIsrPartitions: boolean;
  atMinIsrPartitions: boolean;
  unavailablePartitions: boolean;
  topicsWithOverrides: boolean;
}

/** A refusal of the command line: Kafka prints the message to stderr and exits 1. */
export class TopicsUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopicsUsageError';
  }
}

/** A failure while executing the action: printed after `Error while executing topic command : `. */
export class TopicCommandError extends Error {
  constructor(
    message: string,
    /** The Java exception Kafka's tool would log, for the stderr line. */
    readonly javaClass = 'java.lang.IllegalArgumentException',
  ) {
    super(message);
    this.name = 'TopicCommandError';
  }
}

type OptionName =
  | 'create'
  | 'list'
  | 'describe'
  | 'alter'
  | 'delete'
  | 'topic'
  | 'topic-id'
  | 'partitions'
  | 'replication-factor'
  | 'replica-assignment'
  | 'config'
  | 'delete-config'
  | 'if-exists'
  | 'if-not-exists'
  | 'exclude-internal'
  | 'under-replicated-partitions'
  | 'under-min-isr-partitions'
  | 'at-min-isr-partitions'
  | 'unavailable-partitions'
  | 'topics-with-overrides';

function present(o: TopicsOptions): Set<OptionName> {
  const has = new Set<OptionName>();
  const flag = (name: OptionName, value: boolean): void => {
    if (value) has.add(name);
  };
  flag('create', o.create);
  flag('list', o.list);
  flag('describe', o.describe);
  flag('alter', o.alter);
  flag('delete', o.delete);
  flag('topic', o.topic !== undefined);
  flag('topic-id', o.topicId !== undefined);
  flag('partitions', o.partitions !== undefined);
  flag('replication-factor', o.replicationFactor !== undefined);
  flag('replica-assignment', o.replicaAssignment !== undefined);
  flag('config', o.config.length > 0);
  flag('delete-config', (o.deleteConfig?.length ?? 0) > 0);
  flag('if-exists', o.ifExists);
  flag('if-not-exists', o.ifNotExists);
  flag('exclude-internal', o.excludeInternal);
  flag('under-replicated-partitions', o.underReplicatedPartitions);
  flag('under-min-isr-partitions', o.underMinIsrPartitions);
  flag('at-min-isr-partitions', o.atMinIsrPartitions);
  flag('unavailable-partitions', o.unavailablePartitions);
  flag('topics-with-overrides', o.topicsWithOverrides);
  return has;
}

const ACTIONS: readonly TopicsAction[] = ['create', 'list', 'describe', 'alter', 'delete'];
const ALL_ACTIONS: readonly OptionName[] = ['alter', 'create', 'describe', 'list', 'delete'];
const REPORT_OPTIONS: readonly OptionName[] = ['under-replicated-partitions', 'under-min-isr-partitions', 'at-min-isr-partitions', 'unavailable-partitions'];

const spec = (name: string): string => `[${name}]`;

/** Printed after Kafka's refusal of --delete-config: where tk removes a topic config instead. */
export const DELETE_CONFIG_HINT = 'To remove a topic config, use: tk configs --alter --entity-type topics --entity-name TOPIC --delete-config NAME';

/** Kafka's CommandLineUtils.checkInvalidArgs. */
function checkInvalid(has: ReadonlySet<OptionName>, used: OptionName, invalid: readonly OptionName[]): void {
  if (!has.has(used)) return;
  for (const arg of invalid) {
    if (has.has(arg)) throw new TopicsUsageError(`Option "${spec(used)}" can't be used with option "${spec(arg)}"`);
  }
}

const actionsBut = (...keep: OptionName[]): OptionName[] => ALL_ACTIONS.filter((a) => !keep.includes(a));

/**
 * Checks the command line as TopicCommandOptions.checkArgs does and returns the action. Lines
 * Kafka prints without failing (the --topic/--topic-id notice) are returned as `notices`.
 */
export function checkTopicsOptions(o: TopicsOptions): { action: TopicsAction; notices: string[] } {
  const has = present(o);
  const actions = ACTIONS.filter((a) => has.has(a));
  if (actions.length !== 1) throw new TopicsUsageError('Command must include exactly one action: --list, --describe, --create, --alter or --delete');
  const action = actions[0]!;
  const notices: string[] = [];
  if (has.has('describe') && has.has('if-exists')) {
    if (!has.has('topic') && !has.has('topic-id')) throw new TopicsUsageError('--topic or --topic-id is required to describe a topic');
    if (has.has('topic') && has.has('topic-id')) notices.push('Only topic id will be used when both --topic and --topic-id are specified and topicId is not Uuid.ZERO_UUID');
  }
  if (!has.has('list') && !has.has('describe') && !has.has('topic')) throw new TopicsUsageError(`Missing required argument "${spec('topic')}"`);
  if (has.has('alter')) {
    // --bootstrap-server always counts as given: tk defaults it.
    if (has.has('config')) {
      throw new TopicsUsageError(
        `Option combination "[${spec('bootstrap-server')}, ${spec('config')}]" can't be used with option "${spec('alter')}" (To alter topic configurations, the kafka-configs tool can be used.)`,
      );
    }
    if (!has.has('partitions')) throw new TopicsUsageError(`Missing required argument "${spec('partitions')}"`);
  }
  checkInvalid(has, 'config', actionsBut('alter', 'create'));
  // Kafka 3.9 parses --delete-config but refuses it with --bootstrap-server, which tk always has
  // (4.0 dropped the option): a topic config is removed with tk configs.
  checkInvalid(has, 'delete-config', actionsBut('alter'));
  if (has.has('delete-config')) {
    throw new TopicsUsageError(`Option "${spec('delete-config')}" can't be used with option "${spec('bootstrap-server')}"\n${DELETE_CONFIG_HINT}`);
  }
  checkInvalid(has, 'partitions', actionsBut('alter', 'create'));
  checkInvalid(has, 'replication-factor', actionsBut('create'));
  checkInvalid(has, 'replica-assignment', actionsBut('alter', 'create'));
  if (has.has('create')) checkInvalid(has, 'replica-assignment', ['partitions', 'replication-factor']);
  for (const report of REPORT_OPTIONS) checkInvalid(has, report, [...actionsBut('describe'), 'topics-with-overrides']);
  checkInvalid(has, 'topics-with-overrides', [...actionsBut('describe'), ...REPORT_OPTIONS]);
  checkInvalid(has, 'if-exists', actionsBut('alter', 'delete', 'describe'));
  checkInvalid(has, 'if-not-exists', actionsBut('create'));
  checkInvalid(has, 'exclude-internal', actionsBut('list', 'describe'));
  return { action, notices };
}

/** An integer option as joptsimple converts it to a java.lang.Integer. */
export function parseIntegerOption(name: string, raw: string): number {
  const value = /^[+-]?\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value > 2 ** 31 - 1 || value < -(2 ** 31)) {
    // joptsimple converts lazily, so TopicCommand meets this while executing, not while checking the arguments.
    throw new TopicCommandError(`Cannot parse argument '${raw}' of option ${name}`, 'joptsimple.OptionArgumentConversionException');
  }
  return value;
}

/** `1:2,2:3` → [[1,2],[2,3]], with TopicCommand.parseReplicaAssignment's checks and messages. */
export function parseReplicaAssignment(raw: string): number[][] {
  // Java's String.split drops trailing empty strings.
  const partitions = raw.split(',');
  while (partitions.length > 1 && partitions[partitions.length - 1] === '') partitions.pop();
  const result: number[][] = [];
  partitions.forEach((entry, i) => {
    const brokers = entry.split(':').map((s) => {
      const t = s.trim();
      if (!/^[+-]?\d+$/.test(t) || Number(t) > 2 ** 31 - 1 || Number(t) < -(2 ** 31)) {
        throw new TopicCommandError(`For input string: "${t}"`, 'java.lang.NumberFormatException');
      }
      return Number(t);
    });
    const duplicates = [...new Set(brokers.filter((b, j) => brokers.indexOf(b) !== j))];
    if (duplicates.length > 0) {
      throw new TopicCommandError(`Partition replica lists may not contain duplicate entries: ${duplicates.join(',')}`, 'org.apache.kafka.server.common.AdminCommandFailedException');
    }
    result.push(brokers);
    if (brokers.length !== result[0]!.length) {
      throw new TopicCommandError(`Partition ${i} has different replication factor: [${brokers.join(', ')}]`, 'org.apache.kafka.server.common.AdminOperationException');
    }
  });
  return result;
}

/** `--config k=v` values as TopicCommand splits them (on `=` with surrounding spaces). */
export function parseTopicConfigs(entries: readonly string[]): Map<string, string> {
  const configs = new Map<string, string>();
  for (const entry of entries) {
    const parts = entry.split(/\s*=\s*/);
    while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    if (parts.length !== 2) {
      throw new TopicCommandError('requirement failed: Invalid topic config: all configs to be added must be in the format "key=val".');
    }
    configs.set(parts[0]!.trim(), parts[1]!.trim());
  }
  return configs;
}

/**
 * The --topic value as TopicFilter reads it: commas become alternatives, spaces and
 * surrounding quotes are dropped, and a name is allowed only when the whole name matches.
 */
export function topicFilter(raw: string): (topic: string) => boolean {
  const regex = raw.trim().replaceAll(',', '|').replaceAll(' ', '').replace(/^["']+/, '').replace(/["']+$/, '');
  let pattern: RegExp;
  try {
    pattern = new RegExp(`^(?:${regex})$`, 'u');
  } catch {
    throw new TopicCommandError(`${regex} is an invalid regex.`, 'java.lang.RuntimeException');
  }
  return (topic) => pattern.test(topic);
}

/** Uuid.fromString's checks: a base64url string of 16 bytes. Returns the id without padding. */
export function parseTopicId(raw: string): string {
  if (raw.length > 24) throw new TopicCommandError(`Input string with prefix \`${raw.slice(0, 24)}\` is too long to be decoded as a base64 UUID`);
  const bad = [...raw].find((c) => !/[A-Za-z0-9_=-]/.test(c));
  if (bad !== undefined) throw new TopicCommandError(`Illegal base64 character ${bad.charCodeAt(0).toString(16)}`);
  const bytes = Buffer.from(raw, 'base64url');
  if (bytes.length !== 16) {
    throw new TopicCommandError(`Input string \`${raw}\` decoded as ${bytes.length} bytes, which is not equal to the expected 16 bytes of a base64-encoded UUID`);
  }
  return bytes.toString('base64url');
}

/** The message ensureTopicExists formats: Kafka passes the Optional itself to String.format. */
export function topicDoesNotExistMessage(topic: string): string {
  return `Topic 'Optional[${topic}]' does not exist as expected`;
}
