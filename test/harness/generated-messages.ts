// Loads every generated codec with its prose-free schema, and builds sample messages from the
// schema, so codec tests cover every message and version without writing a second codec.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MessageCodec } from '../../src/protocol/codec.js';
import type { UnknownTaggedField } from '../../src/protocol/primitives.js';

export const generatedDir = fileURLToPath(new URL('../../src/protocol/generated/', import.meta.url));

type Range = [number, number] | null; // max -1 means open-ended

export interface SchemaField {
  name: string;
  type: string;
  array: boolean;
  struct: boolean;
  versions: Range;
  nullable: Range;
  tag: number | null;
  tagged: Range;
  ignorable: boolean;
}

export interface SchemaMessage {
  name: string;
  type: string;
  apiKey: number | null;
  valid: [number, number];
  flexible: Range;
  structs: { name: string; fields: SchemaField[] }[];
}

export interface LoadedMessage {
  schema: SchemaMessage;
  codec: MessageCodec<unknown>;
  module: Record<string, unknown>;
}

export function inRange(range: Range, version: number): boolean {
  return range !== null && version >= range[0] && (range[1] === -1 || version <= range[1]);
}

export async function loadGeneratedMessages(): Promise<LoadedMessage[]> {
  const schema = JSON.parse(readFileSync(join(generatedDir, 'schema.json'), 'utf8')) as Record<string, SchemaMessage>;
  const loaded: LoadedMessage[] = [];
  for (const group of readdirSync(generatedDir, { withFileTypes: true })) {
    if (!group.isDirectory()) continue;
    for (const file of readdirSync(join(generatedDir, group.name))) {
      const module = (await import(join(generatedDir, group.name, file))) as Record<string, unknown>;
      const codec = Object.values(module).find((v): v is MessageCodec<unknown> => typeof v === 'object' && v !== null && 'decode' in v);
      if (!codec) throw new Error(`no codec exported by ${group.name}/${file}`);
      loaded.push({ schema: schema[codec.name], codec, module });
    }
  }
  return loaded.sort((a, b) => a.schema.name.localeCompare(b.schema.name));
}

/**
 * Sample variants: 'full' sets every field the version has (tagged ones included) with
 * non-default values and two-element arrays; 'sparse' uses nulls where nullable, empty arrays,
 * and leaves tagged fields unset; 'unknownTags' is 'full' plus tagged fields this code does not know.
 */
export type Variant = 'full' | 'sparse' | 'unknownTags';

const SAMPLE_UUID = Buffer.from('0123456789abcdeffedcba9876543210', 'hex').toString('base64url');

export function sampleMessage(m: LoadedMessage, version: number, variant: Variant): unknown {
  const structs = new Map(m.schema.structs.map((s) => [s.name, s]));
  const flexible = inRange(m.schema.flexible, version);

  const scalar = (f: SchemaField, salt: number): unknown => {
    switch (f.type) {
      case 'bool':
        return true;
      case 'int8':
        return -7 + salt;
      case 'int16':
        return 300 + salt;
      case 'uint16':
        return 65000 + salt;
      case 'int32':
        return -70000 - salt;
      case 'uint32':
        return 4000000000 + salt;
      case 'int64':
        return 1234567890123n + BigInt(salt);
      case 'float64':
        return 1.5 + salt;
      case 'string':
        return `${f.name}-é-${salt}`;
      case 'uuid':
        return SAMPLE_UUID;
      default:
        return Buffer.from([1, 2, 3, salt & 0xff]);
    }
  };

  const build = (structName: string, depth: number): Record<string, unknown> => {
    const struct = structs.get(structName)!;
    const factory = m.module[`default${structName}`] as () => Record<string, unknown>;
    const value = factory();
    for (const f of struct.fields) {
      const present = inRange(f.versions, version) && (f.tag === null || inRange(f.tagged, version));
      if (!present) continue;
      if (f.tag !== null && variant === 'sparse') continue;
      if (variant === 'sparse' && inRange(f.nullable, version)) {
        value[f.name] = null;
        continue;
      }
      const element = (i: number): unknown => (f.struct ? build(f.type, depth + 1) : scalar(f, i));
      if (f.array) value[f.name] = variant === 'sparse' || depth > 4 ? [] : [element(1), element(2)];
      else value[f.name] = element(0);
    }
    if (variant === 'unknownTags' && flexible) {
      const unknown: UnknownTaggedField[] = [{ tag: 1000 + depth, data: Buffer.from([9, depth]) }];
      value.unknownTaggedFields = unknown;
    }
    return value;
  };

  return build(m.schema.name, 0);
}
