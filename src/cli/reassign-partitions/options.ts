// kafka-reassign-partitions.sh's arguments, checked as ReassignPartitionsCommand.validateAndParseArgs
// checks them (exactly one action, its required options, the options each action permits, in
// joptsimple's words), and its two JSON files read as its parsers read them, with Kafka's messages.
// Throttles are refused: tk's brokers do not throttle replication, and accepting the flag would
// pretend they do.
import type { TopicPartition } from '../../client/cluster.js';
import { UserError } from '../base-command.js';
import { nodeToString, parseJson, type JsonNode } from '../delete-records-options.js';

export const ACTIONS = ['generate', 'execute', 'verify', 'cancel', 'list'] as const;
export type Action = (typeof ACTIONS)[number];

/** The options each action needs, and those it may also take (bootstrap-server and --output always). */
const REQUIRED: Record<Action, readonly string[]> = {
  verify: ['reassignment-json-file'],
  generate: ['topics-to-move-json-file', 'broker-list'],
  execute: ['reassignment-json-file'],
  cancel: ['reassignment-json-file'],
  list: [],
};
const PERMITTED: Record<Action, readonly string[]> = {
  verify: ['bootstrap-server', 'command-config', 'preserve-throttles'],
  generate: ['bootstrap-server', 'broker-list', 'command-config', 'disable-rack-aware'],
  execute: ['additional', 'bootstrap-server', 'command-config', 'throttle', 'replica-alter-log-dirs-throttle', 'timeout'],
  cancel: ['bootstrap-server', 'command-config', 'preserve-throttles', 'timeout'],
  list: ['bootstrap-server', 'command-config'],
};
/** tk's own flags, which every action takes. */
const TK_FLAGS = new Set(['output', 'debug']);

/**
 * The action, from the options given in command-line order (names without dashes), or Kafka's
 * usage line for what is wrong.
 */
export function chooseAction(given: readonly string[]): Action {
  const actions = ACTIONS.filter((a) => given.includes(a));
  if (actions.length !== 1) throw new UserError(`Command must include exactly one action: ${ACTIONS.map((a) => `--${a}`).join(', ')}`);
  const action = actions[0]!;
  const missing = REQUIRED[action].find((name) => !given.includes(name));
  if (missing !== undefined) throw new UserError(`Missing required argument "[${missing}]"`);
  const stray = given.find((name) => name !== action && !TK_FLAGS.has(name) && !REQUIRED[action].includes(name) && !PERMITTED[action].includes(name));
  if (stray !== undefined) throw new UserError(`Option "[${stray}]" can't be used with action "[${action}]"`);
  return action;
}

/** The option names in the order the command line gives them (`--name value` or `--name=value`). */
export function givenOptions(argv: readonly string[]): string[] {
  const names: string[] = [];
  for (const arg of argv) {
    if (arg === '--') break;
    if (!arg.startsWith('--')) continue;
    const name = arg.slice(2).split('=')[0]!;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** --throttle and --replica-alter-log-dirs-throttle: refused rather than silently ignored. */
export function refuseThrottles(flags: { throttle?: string; 'replica-alter-log-dirs-throttle'?: string }): void {
  for (const name of ['throttle', 'replica-alter-log-dirs-throttle'] as const) {
    if (flags[name] !== undefined) throw new UserError(`--${name} is not supported: tk brokers do not throttle replication, so the reassignment would run unthrottled`);
  }
}

/** A JsonMappingException's words, as Kafka's tool prints the exception. */
const mappingError = (message: string): UserError => new UserError(`Error: com.fasterxml.jackson.databind.JsonMappingException: ${message}`);

function asObject(node: JsonNode): Map<string, JsonNode> {
  if (node.kind !== 'object') throw mappingError(`Expected JSON object, received ${nodeToString(node)}`);
  return node.fields;
}

function asArray(node: JsonNode): JsonNode[] {
  if (node.kind !== 'array') throw mappingError(`Expected JSON array, received ${nodeToString(node)}`);
  return node.items;
}

function field(fields: Map<string, JsonNode>, name: string): JsonNode {
  const node = fields.get(name);
  if (node === undefined) throw mappingError(`No such field exists: \`${name}\``);
  return node;
}

function asInt(node: JsonNode): number {
  if (node.kind !== 'int') throw mappingError(`Expected \`Integer\` value, received ${nodeToString(node)}`);
  return Number(node.value);
}

function asString(node: JsonNode): string {
  if (node.kind !== 'string') throw mappingError(`Expected \`String\` value, received ${nodeToString(node)}`);
  return node.value;
}

/** The JSON's "version" (default 1); Kafka knows only 1. */
function checkVersion(fields: Map<string, JsonNode>): void {
  const version = fields.get('version');
  const value = version === undefined ? 1 : asInt(version);
  if (value !== 1) throw new UserError(`Error: Not supported version field value ${value}`);
}

/** --topics-to-move-json-file: {"topics": [{"topic": "foo"}], "version": 1}. */
export function parseTopicsToMove(text: string): string[] {
  let root: JsonNode;
  try {
    root = parseJson(text);
  } catch {
    throw new UserError('Error: The input string is not a valid JSON');
  }
  const fields = asObject(root);
  checkVersion(fields);
  const topics = fields.get('topics');
  return topics === undefined ? [] : asArray(topics).map((t) => asString(field(asObject(t), 'topic')));
}

export interface TargetAssignment extends TopicPartition {
  replicas: number[];
}

/**
 * --reassignment-json-file: {"partitions": [{"topic", "partition", "replicas", "log_dirs"?}],
 * "version": 1}, in file order with duplicates kept (each action checks what it needs). A log
 * dir other than "any" asks for a move between a broker's log dirs (AlterReplicaLogDirs), which
 * tk's brokers, with one log dir each, do not do: refused.
 */
export function parseReassignmentJson(text: string): TargetAssignment[] {
  let root: JsonNode;
  try {
    root = parseJson(text);
  } catch (err) {
    throw new UserError(`Error: com.fasterxml.jackson.core.JsonParseException: ${err instanceof Error ? err.message : String(err)}`);
  }
  const fields = asObject(root);
  checkVersion(fields);
  const partitions = fields.get('partitions');
  if (partitions === undefined) return [];
  return asArray(partitions).map((item) => {
    const p = asObject(item);
    const topic = asString(field(p, 'topic'));
    const partition = asInt(field(p, 'partition'));
    const replicas = asArray(field(p, 'replicas')).map(asInt);
    const logDirsNode = p.get('log_dirs');
    const logDirs = logDirsNode === undefined ? replicas.map(() => 'any') : asArray(logDirsNode).map(asString);
    if (logDirs.length !== replicas.length) {
      throw new UserError(`Error: Size of replicas list [${replicas.join(', ')}] is different from size of log dirs list [${logDirs.join(', ')}] for partition ${topic}-${partition}`);
    }
    if (logDirs.some((d) => d !== 'any')) throw new UserError(`log_dirs other than "any" (for ${topic}-${partition}) are not supported: tk brokers keep one log dir each`);
    return { topic, partition, replicas };
  });
}

function duplicates<T>(items: readonly T[]): T[] {
  const seen = new Set<T>();
  const repeated = new Set<T>();
  for (const item of items) (seen.has(item) ? repeated : seen).add(item);
  return [...repeated];
}

const partitionName = (tp: TopicPartition): string => `${tp.topic}-${tp.partition}`;

/** ReassignPartitionsCommand.parseExecuteAssignmentArgs: what --execute refuses in the file. */
export function checkExecuteAssignment(targets: readonly TargetAssignment[]): void {
  if (targets.length === 0) throw new UserError('Error: Partition reassignment list cannot be empty');
  if (targets.some((t) => t.replicas.length === 0)) throw new UserError('Error: Partition replica list cannot be empty');
  const repeated = duplicates(targets.map(partitionName));
  if (repeated.length > 0) throw new UserError(`Error: Partition reassignment contains duplicate topic partitions: ${repeated.join(',')}`);
  const withRepeats = targets.map((t) => ({ name: partitionName(t), repeated: duplicates(t.replicas) })).filter((t) => t.repeated.length > 0);
  if (withRepeats.length > 0) {
    const detail = withRepeats.map((t) => `${t.name} contains multiple entries for ${t.repeated.join(',')}`).join('. ');
    throw new UserError(`Error: Partition replica lists may not contain duplicate entries: ${detail}`);
  }
}

/** ReassignPartitionsCommand.parseGenerateAssignmentArgs: the broker list and the topics, without duplicates. */
export function parseGenerateArgs(brokerList: string, topics: readonly string[]): number[] {
  const brokers = brokerList.split(',').map((s) => {
    if (!/^[+-]?\d+$/.test(s) || !Number.isSafeInteger(Number(s)) || Math.abs(Number(s)) >= 2 ** 31) throw new UserError(`Error: For input string: "${s}"`);
    return Number(s);
  });
  const repeatedBrokers = duplicates(brokers);
  if (repeatedBrokers.length > 0) throw new UserError(`Error: Broker list contains duplicate entries: [${repeatedBrokers.join(', ')}]`);
  const repeatedTopics = duplicates(topics);
  if (repeatedTopics.length > 0) throw new UserError(`Error: List of topics to reassign contains duplicate entries: [${repeatedTopics.join(', ')}]`);
  return brokers;
}
