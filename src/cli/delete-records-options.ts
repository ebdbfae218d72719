// kafka-delete-records.sh's offset JSON file, read as DeleteRecordsCommand reads it: Jackson's
// tree (ints, longs and doubles kept apart, since Kafka's decoders tell them apart) and Kafka's
// own messages for every way the file can be wrong.
import { parsedOffsetsOrder } from './render/delete-records.js';
import { javaHashMapCapacity, javaHashOrder, topicPartitionHash } from './render/java.js';

/** A refusal DeleteRecordsCommand prints as its one message line on stderr, exit 1. */
export class DeleteRecordsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeleteRecordsError';
  }
}

/** A JSON value as Jackson's tree model types it. */
export type JsonNode =
  | { kind: 'object'; fields: Map<string, JsonNode> }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'string'; value: string }
  | { kind: 'int' | 'long' | 'bigint'; value: bigint }
  | { kind: 'double'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' };

export interface RecordsToDelete {
  topic: string;
  partition: number;
  /** Records before this offset go; -1 is the high watermark. */
  offset: bigint;
}

const NOT_JSON = 'The input string is not a valid JSON';
const INT32 = { min: -(2n ** 31n), max: 2n ** 31n - 1n };
const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

class JsonReader {
  private at = 0;

  constructor(private readonly text: string) {}

  fail(): never {
    throw new DeleteRecordsError(NOT_JSON);
  }

  private skipSpace(): void {
    while (this.at < this.text.length && ' \t\n\r'.includes(this.text[this.at]!)) this.at++;
  }

  /** Reads one value; like Jackson's readTree, whatever follows it is not looked at. */
  value(): JsonNode {
    this.skipSpace();
    const c = this.text[this.at];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return { kind: 'string', value: this.string() };
    for (const [word, node] of [
      ['true', { kind: 'boolean', value: true }],
      ['false', { kind: 'boolean', value: false }],
      ['null', { kind: 'null' }],
    ] as const) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return node;
      }
    }
    return this.number();
  }

  private object(): JsonNode {
    this.at++;
    const fields = new Map<string, JsonNode>();
    this.skipSpace();
    if (this.text[this.at] === '}') {
      this.at++;
      return { kind: 'object', fields };
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] !== '"') this.fail();
      const key = this.string();
      this.skipSpace();
      if (this.text[this.at++] !== ':') this.fail();
      fields.set(key, this.value());
      this.skipSpace();
      const next = this.text[this.at++];
      if (next === '}') return { kind: 'object', fields };
      if (next !== ',') this.fail();
    }
  }

  private array(): JsonNode {
    this.at++;
    const items: JsonNode[] = [];
    this.skipSpace();
    if (this.text[this.at] === ']') {
      this.at++;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(this.value());
      this.skipSpace();
      const next = this.text[this.at++];
      if (next === ']') return { kind: 'array', items };
      if (next !== ',') this.fail();
    }
  }

  private string(): string {
    const m = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(this.text.slice(this.at));
    if (!m) this.fail();
    this.at += m[0].length;
    return JSON.parse(m[0]) as string;
  }

  private number(): JsonNode {
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.at));
    if (!m) this.fail();
    this.at += m[0].length;
    if (m[1] !== undefined || m[2] !== undefined) return { kind: 'double', value: Number(m[0]) };
    const value = BigInt(m[0]);
    if (value >= INT32.min && value <= INT32.max) return { kind: 'int', value };
    return { kind: value >= INT64.min && value <= INT64.max ? 'long' : 'bigint', value };
  }
}

export function parseJson(text: string): JsonNode {
  const reader = new JsonReader(text);
  if (text.trim() === '') reader.fail();
  return reader.value();
}

/** Java's Double.toString, as Jackson prints a double node. */
function javaDouble(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs === 0 || (abs >= 1e-3 && abs < 1e7)) return Number.isInteger(value) ? `${value}.0` : String(value);
  const [mantissa, exponent] = value.toExponential().split('e');
  return `${mantissa!.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** JsonNode.toString: compact JSON, as Kafka's messages quote a node. */
export function nodeToString(node: JsonNode): string {
  switch (node.kind) {
    case 'object':
      return `{${[...node.fields].map(([k, v]) => `${JSON.stringify(k)}:${nodeToString(v)}`).join(',')}}`;
    case 'array':
      return `[${node.items.map(nodeToString).join(',')}]`;
    case 'string':
      return JSON.stringify(node.value);
    case 'double':
      return javaDouble(node.value);
    case 'null':
      return 'null';
    default:
      return String(node.value);
  }
}

function asObject(node: JsonNode): Map<string, JsonNode> {
  if (node.kind !== 'object') throw new DeleteRecordsError(`Expected JSON object, received ${nodeToString(node)}`);
  return node.fields;
}

function field(fields: Map<string, JsonNode>, name: string): JsonNode {
  const node = fields.get(name);
  if (node === undefined) throw new DeleteRecordsError(`No such field exists: \`${name}\``);
  return node;
}

function expected(type: string, node: JsonNode): DeleteRecordsError {
  return new DeleteRecordsError(`Expected \`${type}\` value, received ${nodeToString(node)}`);
}

function toInt(node: JsonNode): number {
  if (node.kind !== 'int') throw expected('Integer', node);
  return Number(node.value);
}

function toLong(node: JsonNode): bigint {
  if (node.kind !== 'int' && node.kind !== 'long') throw expected('Long', node);
  return node.value;
}

function toText(node: JsonNode): string {
  if (node.kind !== 'string') throw expected('String', node);
  return node.value;
}

/**
 * The file's partitions in file order, one entry per partition (its first offset), or Kafka's
 * error: a malformed file, an unsupported version, or a partition named twice.
 */
export function parseOffsetJson(text: string): RecordsToDelete[] {
  const root = asObject(parseJson(text));
  const versionNode = root.get('version');
  const version = versionNode === undefined ? 1 : toInt(versionNode);
  if (version !== 1) throw new DeleteRecordsError(`Not supported version field value ${version}`);
  const partitionsNode = root.get('partitions');
  if (partitionsNode === undefined) throw new DeleteRecordsError('Missing partitions field');
  if (partitionsNode.kind !== 'array') throw new DeleteRecordsError(`Expected JSON array, received ${nodeToString(partitionsNode)}`);
  const byPartition = new Map<string, RecordsToDelete & { count: number }>();
  for (const item of partitionsNode.items) {
    const fields = asObject(item);
    const topic = toText(field(fields, 'topic'));
    const partition = toInt(field(fields, 'partition'));
    const offset = toLong(field(fields, 'offset'));
    const key = `${topic}\0${partition}`;
    const seen = byPartition.get(key);
    if (seen) seen.count++;
    else byPartition.set(key, { topic, partition, offset, count: 1 });
  }
  const entries = [...byPartition.values()];
  const duplicates = entries.filter((e) => e.count > 1);
  if (duplicates.length > 0) throw new DeleteRecordsError(`Offset json file contains duplicate topic partitions: ${duplicateOrder(entries, duplicates)}`);
  return entries.map(({ topic, partition, offset }) => ({ topic, partition, offset }));
}

/** Kafka names the duplicates from a HashSet filled in the parsed HashMap's order. */
function duplicateOrder(entries: readonly RecordsToDelete[], duplicates: readonly RecordsToDelete[]): string {
  const dupKeys = new Set(duplicates.map((d) => `${d.topic}\0${d.partition}`));
  const parsedOrder = parsedOffsetsOrder(entries);
  const dupsInParsedOrder = parsedOrder.filter((e) => dupKeys.has(`${e.topic}\0${e.partition}`));
  const inSetOrder = javaHashOrder(dupsInParsedOrder, topicPartitionHash, javaHashMapCapacity(duplicates.length));
  return inSetOrder.map((d) => `${d.topic}-${d.partition}`).join(',');
}
