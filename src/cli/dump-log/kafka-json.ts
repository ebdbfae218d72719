// Messages as Kafka's generated JsonConverters write them (what kafka-dump-log.sh prints for
// decoded records): only the fields present at the version, tagged fields only when they differ
// from their default, int64 as plain numbers, bytes as base64, UUIDs in Kafka's base64url form.
// Which fields exist at which version comes from the generator's schema.json.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MessageCodec } from '../../protocol/codec.js';

interface SchemaField {
  name: string;
  type: string;
  array: boolean;
  struct: boolean;
  versions: [number, number];
  tagged: [number, number] | null;
}
interface SchemaStruct {
  name: string;
  fields: SchemaField[];
}
interface SchemaMessage {
  name: string;
  structs: SchemaStruct[];
}

let schema: Record<string, SchemaMessage> | undefined;

/** schema.json sits in src/protocol/generated; the build copies it beside the compiled code in dist/. */
function loadSchema(): Record<string, SchemaMessage> {
  schema ??= JSON.parse(readFileSync(fileURLToPath(new URL('../../protocol/generated/schema.json', import.meta.url)), 'utf8')) as Record<string, SchemaMessage>;
  return schema;
}

function within(range: [number, number] | null, version: number): boolean {
  return range !== null && version >= range[0] && (range[1] === -1 || version <= range[1]);
}

/** Java's Double.toString, which Jackson uses for float64 fields. */
function javaDouble(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
  const abs = Math.abs(n);
  if (abs !== 0 && (abs >= 1e7 || abs < 1e-3)) {
    const [mantissa, exponent] = n.toExponential().split('e');
    return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
  }
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

function scalarJson(type: string, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (type) {
    case 'string':
    case 'uuid':
      return JSON.stringify(value);
    case 'bytes':
    case 'records':
      return JSON.stringify(Buffer.from(value as Uint8Array).toString('base64'));
    case 'float64':
      return javaDouble(value as number);
    default:
      // int8..int64, uint16, uint32 (int64 as bigint), bool.
      return String(value);
  }
}

function isDefault(value: unknown, def: unknown): boolean {
  if (Array.isArray(value) && Array.isArray(def)) return value.length === 0 && def.length === 0;
  if (Buffer.isBuffer(value) && Buffer.isBuffer(def)) return value.equals(def);
  return value === def;
}

/** Lets a caller print one field its own way (the consumer protocol inside GroupMetadataValue); undefined keeps the default. */
export type FieldOverride = (struct: string, field: string, value: unknown) => string | undefined;

interface Walk {
  message: SchemaMessage;
  version: number;
  override: FieldOverride | undefined;
}

function structJson(walk: Walk, struct: SchemaStruct, data: Record<string, unknown>, defaults: Record<string, unknown> | null): string {
  const parts: string[] = [];
  for (const field of struct.fields) {
    if (!within(field.versions, walk.version)) continue;
    const value = data[field.name];
    if (within(field.tagged, walk.version) && defaults !== null && isDefault(value, defaults[field.name])) continue;
    const json = walk.override?.(struct.name, field.name, value) ?? fieldJson(walk, field, value);
    parts.push(`${JSON.stringify(field.name)}:${json}`);
  }
  return `{${parts.join(',')}}`;
}

function fieldJson(walk: Walk, field: SchemaField, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  const one = (element: unknown): string => {
    if (!field.struct) return scalarJson(field.type, element);
    if (element === null) return 'null';
    const nested = walk.message.structs.find((s) => s.name === field.type);
    if (!nested) throw new Error(`no struct ${field.type} in the schema of ${walk.message.name}`);
    // Nested structs of the formats tk decodes have no tagged fields, so no defaults are needed.
    return structJson(walk, nested, element as Record<string, unknown>, null);
  };
  return field.array ? `[${(value as unknown[]).map(one).join(',')}]` : one(value);
}

/** One decoded message as Kafka's `<Name>JsonConverter.write(message, version).toString()`. */
export function messageJson(codec: MessageCodec<unknown>, message: unknown, version: number, override?: FieldOverride): string {
  const spec = loadSchema()[codec.name];
  if (!spec) throw new Error(`no schema for ${codec.name}`);
  const walk: Walk = { message: spec, version, override };
  return structJson(walk, spec.structs[0], message as Record<string, unknown>, codec.defaults() as Record<string, unknown>);
}

/** Kafka's MessageGenerator.toSnakeCase(name).toUpperCase(): TopicRecord → TOPIC_RECORD. */
export function recordTypeName(name: string): string {
  let out = '';
  let previousCapital = true;
  for (const c of name) {
    const capital = c >= 'A' && c <= 'Z';
    if (capital && !previousCapital) out += '_';
    out += c.toUpperCase();
    previousCapital = capital;
  }
  return out;
}
