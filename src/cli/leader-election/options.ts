// kafka-leader-election.sh's options, checked as LeaderElectionCommand checks them (one of
// --topic, --all-topic-partitions and --path-to-json-file; --partition exactly with --topic; the
// election type in any case) and its JSON file read as it reads it, with Kafka's messages.
import type { TopicPartition } from '../../client/cluster.js';
import type { ElectionTypeName } from '../../client/election-admin.js';
import { UserError } from '../base-command.js';
import { nodeToString, parseJson, type JsonNode } from '../delete-records-options.js';
import { javaHashMapCapacity, javaHashOrder, topicPartitionHash } from '../render/java.js';

/** What the command was asked: the election type and the partitions (null: every partition). */
export interface ElectionTarget {
  electionType: ElectionTypeName;
  /** --topic with --partition; undefined when --path-to-json-file or --all-topic-partitions names them. */
  single?: TopicPartition;
  jsonFile?: string;
}

export interface LeaderElectionFlags {
  'election-type'?: string;
  'all-topic-partitions': boolean;
  topic?: string;
  partition?: string;
  'path-to-json-file'?: string;
}

/** LeaderElectionCommandOptions.validate, then the election type and partition as joptsimple converts them. */
export function electionTarget(flags: LeaderElectionFlags): ElectionTarget {
  if (flags['election-type'] === undefined) throw new UserError('Missing required option(s): election-type');
  const chosen = [flags.topic !== undefined, flags['all-topic-partitions'], flags['path-to-json-file'] !== undefined].filter(Boolean).length;
  if (chosen !== 1) throw new UserError('One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file');
  if (flags.topic !== undefined && flags.partition === undefined) throw new UserError('Missing required option(s): partition');
  if (flags.topic === undefined && flags.partition !== undefined) throw new UserError('Option partition is only allowed if topic is used');
  const electionType = (['PREFERRED', 'UNCLEAN'] as const).find((t) => t === flags['election-type']!.toUpperCase());
  if (electionType === undefined) throw new UserError(`Cannot parse argument '${flags['election-type']}' of option election-type`);
  if (flags['path-to-json-file'] !== undefined) return { electionType, jsonFile: flags['path-to-json-file'] };
  if (flags.topic === undefined) return { electionType };
  const raw = flags.partition!;
  const partition = /^[+-]?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(partition) || partition < -(2 ** 31) || partition >= 2 ** 31) throw new UserError(`Cannot parse argument '${raw}' of option partition`);
  return { electionType, single: { topic: flags.topic, partition } };
}

/** A JsonMappingException as RuntimeException wraps it: its class name, then its message. */
const mappingError = (message: string): UserError => new UserError(`com.fasterxml.jackson.databind.JsonMappingException: ${message}`);

function asObject(node: JsonNode): Map<string, JsonNode> {
  if (node.kind !== 'object') throw mappingError(`Expected JSON object, received ${nodeToString(node)}`);
  return node.fields;
}

function field(fields: Map<string, JsonNode>, name: string): JsonNode {
  const node = fields.get(name);
  if (node === undefined) throw mappingError(`No such field exists: \`${name}\``);
  return node;
}

/**
 * The partitions of a --path-to-json-file document ({"partitions": [{"topic": "t", "partition": 0}]}),
 * in the order of the HashSet Kafka collects them into, or Kafka's refusal.
 */
export function parseElectionJson(text: string): TopicPartition[] {
  let root: JsonNode;
  try {
    root = parseJson(text);
  } catch {
    throw new UserError('Replica election data is empty');
  }
  const partitionsNode = asObject(root).get('partitions');
  if (partitionsNode === undefined) throw new UserError('Replica election data is missing "partitions" field');
  if (partitionsNode.kind !== 'array') throw mappingError(`Expected JSON array, received ${nodeToString(partitionsNode)}`);
  const partitions = partitionsNode.items.map((item) => {
    const fields = asObject(item);
    const topic = field(fields, 'topic');
    if (topic.kind !== 'string') throw mappingError(`Expected \`String\` value, received ${nodeToString(topic)}`);
    const partition = field(fields, 'partition');
    if (partition.kind !== 'int') throw mappingError(`Expected \`Integer\` value, received ${nodeToString(partition)}`);
    return { topic: topic.value, partition: Number(partition.value) };
  });
  const key = (tp: TopicPartition): string => `${tp.topic}\0${tp.partition}`;
  const counts = new Map<string, number>();
  for (const tp of partitions) counts.set(key(tp), (counts.get(key(tp)) ?? 0) + 1);
  const hashSet = (list: readonly TopicPartition[]): TopicPartition[] => {
    const unique = [...new Map(list.map((tp) => [key(tp), tp])).values()];
    return javaHashOrder(unique, topicPartitionHash, javaHashMapCapacity(unique.length));
  };
  const duplicates = partitions.filter((tp) => counts.get(key(tp))! > 1);
  if (duplicates.length > 0) {
    throw new UserError(`Replica election data contains duplicate partitions: [${hashSet(duplicates).map((tp) => `${tp.topic}-${tp.partition}`).join(', ')}]`);
  }
  return hashSet(partitions);
}
