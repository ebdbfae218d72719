// Generates src/protocol/generated/ from a folder of Apache Kafka message definitions
// (`npm run gen`, which passes ../shared/kafka-protocol). The output is committed; a test
// regenerates into a temporary folder and fails when the two differ.
//
// Usage: tsx scripts/gen-protocol.ts <definitions-dir> [<output-dir>]
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

// ---------------------------------------------------------------- schema model

interface Range {
  min: number;
  max: number; // Infinity for open ranges
}

interface FieldSpec {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: string | number | boolean | null;
  ignorable?: boolean;
  flexibleVersions?: string;
  fields?: FieldSpec[];
}

interface MessageSpec {
  type: 'request' | 'response' | 'header' | 'data' | 'metadata';
  name: string;
  apiKey?: number;
  validVersions: string;
  flexibleVersions: string;
  fields: FieldSpec[];
  commonStructs?: { name: string; versions: string; fields: FieldSpec[] }[];
  listeners?: string[];
  latestVersionUnstable?: boolean;
}

/** A field after normalisation: ranges parsed, names in TypeScript form. */
interface Field {
  name: string; // Kafka's name, e.g. TopicData
  prop: string; // the property, e.g. topicData
  type: string; // primitive name, or struct name
  isArray: boolean;
  isStruct: boolean;
  versions: Range;
  nullable: Range | null;
  tagged: Range | null;
  tag: number | null;
  flexible: Range | null; // field-level override of the message's flexible versions
  ignorable: boolean;
  defaultValue: string | number | boolean | null | undefined;
}

interface Struct {
  name: string;
  fields: Field[];
  context: Range; // the versions in which this struct can be encoded
}

interface Message {
  spec: MessageSpec;
  group: string; // folder of the definition: clients, metadata, ...
  valid: Range;
  flexible: Range | null;
  structs: Struct[]; // the top-level struct first
}

const PRIMITIVES = new Set(['bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'string', 'uuid', 'bytes', 'records']);

function parseRange(text: string | undefined, what: string): Range | null {
  if (text === undefined || text === 'none') return null;
  const plus = /^(\d+)\+$/.exec(text);
  if (plus) return { min: Number(plus[1]), max: Infinity };
  const span = /^(\d+)-(\d+)$/.exec(text);
  if (span) return { min: Number(span[1]), max: Number(span[2]) };
  if (/^\d+$/.test(text)) return { min: Number(text), max: Number(text) };
  throw new Error(`cannot parse version range '${text}' of ${what}`);
}

function intersect(a: Range, b: Range): Range | null {
  const min = Math.max(a.min, b.min);
  const max = Math.min(a.max, b.max);
  return min <= max ? { min, max } : null;
}

/** Strips `//` comments from the JSON-with-comments of the definitions, leaving strings alone. */
function stripComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else {
      out += c;
    }
  }
  return out;
}

function camel(name: string): string {
  return name[0].toLowerCase() + name.slice(1);
}

function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

function loadMessage(path: string, group: string): Message {
  const spec = JSON.parse(stripComments(readFileSync(path, 'utf8'))) as MessageSpec;
  const valid = parseRange(spec.validVersions, spec.name);
  if (valid === null) throw new Error(`${spec.name} has no valid versions`);
  const message: Message = { spec, group, valid, flexible: parseRange(spec.flexibleVersions, spec.name), structs: [] };
  const common = new Map((spec.commonStructs ?? []).map((s) => [s.name, s]));
  const seen = new Map<string, Struct>();

  const addStruct = (name: string, specs: FieldSpec[], context: Range): Struct => {
    const existing = seen.get(name);
    if (existing) {
      // A common struct used in several places is encoded in the union of their versions.
      existing.context = { min: Math.min(existing.context.min, context.min), max: Math.max(existing.context.max, context.max) };
      return existing;
    }
    const struct: Struct = { name, fields: [], context };
    seen.set(name, struct);
    message.structs.push(struct);
    for (const f of specs) struct.fields.push(normaliseField(f, struct));
    return struct;
  };

  const normaliseField = (f: FieldSpec, parent: Struct): Field => {
    const isArray = f.type.startsWith('[]');
    const type = isArray ? f.type.slice(2) : f.type;
    const isStruct = !PRIMITIVES.has(type);
    const tagged = parseRange(f.taggedVersions, `${spec.name}.${f.name}`);
    const versions = parseRange(f.versions ?? f.taggedVersions, `${spec.name}.${f.name}`);
    if (versions === null) throw new Error(`${spec.name}.${f.name} has no versions`);
    const field: Field = {
      name: f.name,
      prop: camel(f.name),
      type,
      isArray,
      isStruct,
      versions,
      nullable: parseRange(f.nullableVersions, `${spec.name}.${f.name}`),
      tagged,
      tag: f.tag ?? null,
      flexible: f.flexibleVersions === undefined ? null : (parseRange(f.flexibleVersions, f.name) ?? { min: 1, max: 0 }),
      ignorable: f.ignorable === true,
      defaultValue: f.default,
    };
    if (isStruct) {
      const context = intersect(parent.context, versions) ?? versions;
      const body = f.fields ?? common.get(type)?.fields;
      if (!body) throw new Error(`${spec.name}.${f.name}: struct ${type} is not defined`);
      addStruct(type, body, context);
    }
    return field;
  };

  addStruct(spec.name, spec.fields, valid);
  return message;
}

// ---------------------------------------------------------------- code generation

/** A condition on `version`, simplified against the versions the code can run in. */
function versionCondition(range: Range | null, context: Range): string {
  if (range === null) return 'false';
  const common = intersect(range, context);
  if (common === null) return 'false';
  const parts: string[] = [];
  if (common.min > context.min) parts.push(`version >= ${common.min}`);
  if (common.max < context.max) parts.push(`version <= ${common.max}`);
  return parts.length === 0 ? 'true' : parts.join(' && ');
}

function choose(cond: string, yes: string, no: string): string {
  if (cond === 'true') return yes;
  if (cond === 'false') return no;
  return `(${cond} ? ${yes} : ${no})`;
}

function tsScalarType(type: string): string {
  switch (type) {
    case 'bool':
      return 'boolean';
    case 'int64':
      return 'bigint';
    case 'string':
    case 'uuid':
      return 'string';
    case 'bytes':
    case 'records':
      return 'Buffer';
    default:
      return 'number';
  }
}

function tsType(f: Field): string {
  const element = f.isStruct ? f.type : tsScalarType(f.type);
  const base = f.isArray ? `${element}[]` : element;
  return f.nullable ? `${base} | null` : base;
}

function defaultExpr(f: Field): string {
  const d = f.defaultValue;
  if (d === 'null' || d === null) {
    if (!f.nullable) throw new Error(`${f.name} defaults to null but is not nullable`);
    return 'null';
  }
  if (f.isArray) return '[]';
  if (f.isStruct) return f.nullable ? 'null' : `default${f.type}()`;
  switch (f.type) {
    case 'bool':
      return String(d === true || d === 'true');
    case 'int64':
      return `${d === undefined || d === '' ? 0 : BigInt(d)}n`;
    case 'string':
      return JSON.stringify(d === undefined ? '' : String(d));
    case 'uuid':
      return 'ZERO_UUID';
    case 'bytes':
      return 'Buffer.alloc(0)';
    case 'records':
      return f.nullable ? 'null' : 'Buffer.alloc(0)';
    case 'float64':
      return String(d === undefined ? 0 : Number(d));
    default: {
      if (d === undefined || d === '') return '0';
      const n = typeof d === 'number' ? d : String(d).startsWith('0x') ? parseInt(String(d), 16) : Number(d);
      if (!Number.isInteger(n)) throw new Error(`bad default ${d} for ${f.name}`);
      return String(n);
    }
  }
}

const SCALAR_READ: Record<string, string> = {
  bool: 'bool()',
  int8: 'int8()',
  int16: 'int16()',
  uint16: 'uint16()',
  int32: 'int32()',
  uint32: 'uint32()',
  int64: 'int64()',
  float64: 'float64()',
  uuid: 'uuid()',
};

class StructEmitter {
  constructor(
    private readonly message: Message,
    private readonly struct: Struct,
  ) {}

  private get ctx(): Range {
    return this.struct.context;
  }

  /** The flexible-encoding condition for a field in this struct. */
  private flexibleCond(f: Field): string {
    const ctx = this.fieldContext(f);
    if (f.flexible) return versionCondition(f.flexible.min > f.flexible.max ? null : f.flexible, ctx);
    return versionCondition(this.message.flexible, ctx);
  }

  /** Within a field's own code only its versions are possible, which simplifies its conditions. */
  private fieldContext(f: Field): Range {
    return intersect(f.versions, this.ctx) ?? this.ctx;
  }

  private nullableCond(f: Field): string {
    return versionCondition(f.nullable, this.fieldContext(f));
  }

  private structFlexibleCond(): string {
    return versionCondition(this.message.flexible, this.ctx);
  }

  private uses(cond: string): string {
    return cond === 'true' || cond === 'false' ? cond : 'flexible';
  }

  /** An expression reading one value of the field's element type. */
  private readElement(f: Field, r: string, compact: string): string {
    if (f.isStruct) return `decode${f.type}(${r}, version)`;
    const scalar = SCALAR_READ[f.type];
    if (scalar) return `${r}.${scalar}`;
    const kind = f.type === 'string' ? 'String' : 'Bytes';
    return choose(compact, `${r}.compact${kind}()`, `${r}.${camel(kind)}()`);
  }

  private readValue(f: Field, r: string, nullableCond: string, compact: string): string {
    if (f.isArray) {
      const element = `(r) => ${this.readElement(f, 'r', compact)}`;
      return choose(nullableCond, `${r}.nullableArray(${compact}, ${element})`, `${r}.array(${compact}, ${element})`);
    }
    if (f.isStruct) {
      return choose(nullableCond, `(${r}.int8() < 0 ? null : decode${f.type}(${r}, version))`, `decode${f.type}(${r}, version)`);
    }
    if (f.type === 'string' || f.type === 'bytes' || f.type === 'records') {
      const kind = f.type === 'string' ? 'String' : 'Bytes';
      const nullable = choose(compact, `${r}.compactNullable${kind}()`, `${r}.nullable${kind}()`);
      return choose(nullableCond, nullable, this.readElement(f, r, compact));
    }
    return this.readElement(f, r, compact);
  }

  private writeElement(f: Field, w: string, v: string, compact: string): string {
    if (f.isStruct) return `encode${f.type}(${w}, ${v}, version)`;
    if (SCALAR_READ[f.type]) return `${w}.${SCALAR_READ[f.type].replace('()', `(${v})`)}`;
    const kind = f.type === 'string' ? 'String' : 'Bytes';
    return choose(compact, `${w}.compact${kind}(${v})`, `${w}.${camel(kind)}(${v})`);
  }

  /** Statements writing the field's value, which may be null only where nullableCond holds. */
  private writeValue(f: Field, w: string, v: string, nullableCond: string, compact: string): string {
    const nonNull = f.nullable ? `requireNonNull(${v}, '${this.struct.name}.${f.name}', version)` : v;
    if (f.isArray) {
      const element = `(w, e) => ${this.writeElement(f, 'w', 'e', compact)}`;
      return choose(nullableCond, `${w}.array(${compact}, ${v}, ${element})`, `${w}.array(${compact}, ${nonNull}, ${element})`) + ';';
    }
    if (f.isStruct) {
      const present = `encode${f.type}(${w}, ${nonNull}, version)`;
      if (nullableCond === 'false') return `${present};`;
      const nullable = `if (${v} === null) ${w}.int8(-1); else { ${w}.int8(1); encode${f.type}(${w}, ${v}, version); }`;
      return nullableCond === 'true' ? nullable : `if (${nullableCond}) { ${nullable} } else ${present};`;
    }
    if (f.type === 'string' || f.type === 'bytes' || f.type === 'records') {
      const kind = f.type === 'string' ? 'String' : 'Bytes';
      const nullable = choose(compact, `${w}.compactNullable${kind}(${v})`, `${w}.nullable${kind}(${v})`);
      return choose(nullableCond, nullable, this.writeElement(f, w, nonNull, compact)) + ';';
    }
    return this.writeElement(f, w, v, compact) + ';';
  }

  private isDefaultCheck(f: Field, v: string): string {
    const d = defaultExpr(f);
    if (!f.isArray && !f.isStruct && !['bytes', 'records'].includes(f.type)) return `${v} === ${d}`;
    if (f.isArray && d === '[]') return `${v}?.length === 0`;
    return `deepEqual(${v}, ${d})`;
  }

  emit(): string {
    const s = this.struct;
    const mayBeFlexible = this.structFlexibleCond() !== 'false';
    const out: string[] = [];

    out.push(`export interface ${s.name} {`);
    for (const f of s.fields) out.push(`  ${f.prop}: ${tsType(f)};`);
    if (mayBeFlexible) out.push('  unknownTaggedFields?: UnknownTaggedField[];');
    out.push('}', '');

    out.push(`export function default${s.name}(): ${s.name} {`);
    out.push(`  return { ${s.fields.map((f) => `${f.prop}: ${defaultExpr(f)}`).join(', ')} };`);
    out.push('}', '');

    const regular = s.fields.filter((f) => f.tag === null);
    const tagged = s.fields.filter((f) => f.tag !== null);
    const flexCond = this.structFlexibleCond();
    const flexDecl = flexCond !== 'true' && flexCond !== 'false' ? [`  const flexible = ${flexCond};`] : [];

    // decode
    out.push(`function decode${s.name}(r: Reader, version: number): ${s.name} {`);
    out.push(...flexDecl);
    out.push(`  const m: ${s.name} = {`);
    for (const f of s.fields) {
      const present = f.tag === null ? versionCondition(f.versions, this.ctx) : 'false';
      const compact = this.uses(this.flexibleCond(f));
      const nullableCond = this.nullableCond(f);
      out.push(`    ${f.prop}: ${choose(present, this.readValue(f, 'r', nullableCond, compact), defaultExpr(f))},`);
    }
    out.push('  };');
    if (mayBeFlexible) {
      const read = tagged.length === 0 ? 'null' : `(tag, t) => {\n${this.readTaggedCases(tagged)}\n      return false;\n    }`;
      const stmt = `m.unknownTaggedFields = readTaggedFields(r, ${read});`;
      out.push(flexCond === 'true' ? `  ${stmt}` : `  if (flexible) ${stmt.includes('\n') ? `{\n    ${stmt}\n  }` : stmt}`);
    }
    out.push('  return m;', '}', '');

    // encode
    out.push(`function encode${s.name}(w: Writer, m: ${s.name}, version: number): void {`);
    out.push(...flexDecl);
    for (const f of regular) {
      const present = versionCondition(f.versions, this.ctx);
      const compact = this.uses(this.flexibleCond(f));
      const nullableCond = this.nullableCond(f);
      const absent = f.ignorable ? null : `if (!(${this.isDefaultCheck(f, `m.${f.prop}`)})) notInVersion('${s.name}.${f.name}', version);`;
      if (present === 'true') out.push(`  ${this.writeValue(f, 'w', `m.${f.prop}`, nullableCond, compact)}`);
      else if (present === 'false') {
        if (absent) out.push(`  ${absent}`);
      } else {
        out.push(`  if (${present}) {`, `    ${this.writeValue(f, 'w', `m.${f.prop}`, nullableCond, compact)}`);
        out.push(absent ? `  } else ${absent}` : '  }');
      }
    }
    if (mayBeFlexible) {
      const body: string[] = [];
      if (tagged.length === 0) body.push('writeTaggedFields(w, null, m.unknownTaggedFields);');
      else {
        body.push('const known: TaggedEntry[] = [];');
        for (const f of tagged) {
          const when = versionCondition(f.tagged && intersect(f.tagged, f.versions), this.ctx);
          const nullableCond = this.nullableCond(f);
          const write = this.writeValue(f, 'tw', `m.${f.prop}`, nullableCond, 'true');
          const cond = `${when === 'true' ? '' : `${when} && `}!(${this.isDefaultCheck(f, `m.${f.prop}`)})`;
          body.push(`if (${cond}) known.push({ tag: ${f.tag}, data: encodeTagged((tw) => { ${write} }) });`);
        }
        body.push('writeTaggedFields(w, known, m.unknownTaggedFields);');
      }
      if (flexCond === 'true') out.push(...body.map((l) => `  ${l}`));
      else out.push('  if (flexible) {', ...body.map((l) => `    ${l}`), '  }');
    }
    out.push('}', '');
    return out.join('\n');
  }

  private readTaggedCases(tagged: Field[]): string {
    return tagged
      .map((f) => {
        const when = versionCondition(f.tagged && intersect(f.tagged, f.versions), this.ctx);
        const nullableCond = this.nullableCond(f);
        const guard = when === 'true' ? '' : ` && ${when}`;
        return `      if (tag === ${f.tag}${guard}) {\n        m.${f.prop} = ${this.readValue(f, 't', nullableCond, 'true')};\n        return true;\n      }`;
      })
      .join('\n');
  }
}

const HEADER = '// Generated by scripts/gen-protocol.ts from Apache Kafka\'s message definitions. Do not edit.\n';

function emitMessage(message: Message): string {
  const { spec } = message;
  const top = message.structs[0];
  const body = message.structs.map((s) => new StructEmitter(message, s).emit()).join('\n');
  const used = (name: string): boolean => new RegExp(`\\b${name}\\b`).test(body);
  const codecImports = ['deepEqual', 'encodeTagged', 'notInVersion', 'readTaggedFields', 'requireNonNull', 'writeTaggedFields'].filter(used);
  const typeImports = ['TaggedEntry'].filter(used);
  const lines = [HEADER];
  lines.push(`import type { MessageCodec } from '../../codec.js';`);
  if (codecImports.length > 0) lines.push(`import { ${codecImports.join(', ')} } from '../../codec.js';`);
  if (typeImports.length > 0) lines.push(`import type { ${typeImports.join(', ')} } from '../../codec.js';`);
  if (used('ZERO_UUID')) lines.push(`import { ZERO_UUID } from '../../primitives.js';`);
  const primitiveTypes = ['Reader', 'Writer', 'UnknownTaggedField'].filter(used);
  lines.push(`import type { ${primitiveTypes.join(', ')} } from '../../primitives.js';`);
  lines.push('', body);
  const flexible = message.flexible === null ? 'null' : String(message.flexible.min);
  lines.push(`export const ${top.name}: MessageCodec<${top.name}> = {`);
  lines.push(`  name: '${spec.name}',`);
  lines.push(`  apiKey: ${spec.apiKey ?? 'null'},`);
  lines.push(`  validVersions: { min: ${message.valid.min}, max: ${message.valid.max} },`);
  lines.push(`  firstFlexibleVersion: ${flexible},`);
  lines.push(`  encode: encode${top.name},`);
  lines.push(`  decode: decode${top.name},`);
  lines.push(`  defaults: default${top.name},`);
  lines.push('};', '');
  return lines.join('\n');
}

/** The schema without prose, for tests and tools that walk messages generically. */
function schemaOf(message: Message): unknown {
  const range = (r: Range | null): [number, number] | null => (r === null ? null : [r.min, r.max === Infinity ? -1 : r.max]);
  return {
    name: message.spec.name,
    type: message.spec.type,
    apiKey: message.spec.apiKey ?? null,
    valid: range(message.valid),
    flexible: range(message.flexible),
    structs: message.structs.map((s) => ({
      name: s.name,
      fields: s.fields.map((f) => ({
        name: f.prop,
        type: f.type,
        array: f.isArray,
        struct: f.isStruct,
        versions: range(f.versions),
        nullable: range(f.nullable),
        tag: f.tag,
        tagged: range(f.tagged),
        ignorable: f.ignorable,
        flexible: f.flexible === null ? undefined : range(f.flexible.min > f.flexible.max ? null : f.flexible),
      })),
    })),
  };
}

function emitErrors(tsvPath: string): string {
  const rows = readFileSync(tsvPath, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const lines = [HEADER, 'export interface KafkaErrorInfo {', '  code: number;', '  name: string;', '  retriable: boolean;', '  message: string;', '}', ''];
  lines.push('export const ErrorCode = {');
  for (const [code, name] of rows) lines.push(`  ${name}: ${code},`);
  lines.push('} as const;', '');
  lines.push('export const errorInfoByCode: ReadonlyMap<number, KafkaErrorInfo> = new Map([');
  for (const [code, name, retriable, message] of rows) {
    lines.push(`  [${code}, { code: ${code}, name: '${name}', retriable: ${retriable === 'true'}, message: ${JSON.stringify(message ?? '')} }],`);
  }
  lines.push(']);', '');
  return lines.join('\n');
}

function requestsByKey(messages: Message[]): Message[] {
  return messages.filter((m) => m.spec.type === 'request').sort((a, b) => a.spec.apiKey! - b.spec.apiKey!);
}

/** ApiKey alone, without the codecs: a command that speaks a few APIs must not load all of them. */
function emitApiKeys(messages: Message[]): string {
  const lines = [HEADER];
  lines.push('export const ApiKey = {');
  for (const req of requestsByKey(messages)) lines.push(`  ${req.spec.name.replace(/Request$/, '')}: ${req.spec.apiKey},`);
  lines.push('} as const;', '');
  lines.push('export type ApiName = keyof typeof ApiKey;', '');
  return lines.join('\n');
}

function emitApiTable(messages: Message[]): string {
  const requests = requestsByKey(messages);
  const responses = new Map(messages.filter((m) => m.spec.type === 'response').map((m) => [m.spec.apiKey!, m]));
  const lines = [HEADER];
  for (const req of requests) {
    const res = responses.get(req.spec.apiKey!)!;
    lines.push(`import { ${req.spec.name} } from './clients/${kebab(req.spec.name)}.js';`);
    lines.push(`import { ${res.spec.name} } from './clients/${kebab(res.spec.name)}.js';`);
  }
  lines.push(`import type { MessageCodec } from '../codec.js';`, `import type { ApiName } from './api-keys.js';`, '');
  lines.push(`export { ApiKey, type ApiName } from './api-keys.js';`, '');
  lines.push('export interface ApiDefinition {');
  lines.push('  name: ApiName;', '  apiKey: number;', '  request: MessageCodec<unknown>;', '  response: MessageCodec<unknown>;', '  listeners: readonly string[];', '  latestVersionUnstable: boolean;', '}', '');
  lines.push('export const apis: readonly ApiDefinition[] = [');
  for (const req of requests) {
    const res = responses.get(req.spec.apiKey!)!;
    const name = req.spec.name.replace(/Request$/, '');
    lines.push(
      `  { name: '${name}', apiKey: ${req.spec.apiKey}, request: ${req.spec.name} as MessageCodec<unknown>, response: ${res.spec.name} as MessageCodec<unknown>, listeners: ${JSON.stringify(req.spec.listeners ?? [])}, latestVersionUnstable: ${req.spec.latestVersionUnstable === true} },`,
    );
  }
  lines.push('];', '');
  return lines.join('\n').replaceAll('"', "'");
}

function emitMetadataRecordTable(messages: Message[]): string {
  const records = messages.filter((m) => m.spec.type === 'metadata').sort((a, b) => a.spec.apiKey! - b.spec.apiKey!);
  const lines = [HEADER];
  for (const m of records) lines.push(`import { ${m.spec.name} } from './metadata/${kebab(m.spec.name)}.js';`);
  lines.push(`import type { MessageCodec } from '../codec.js';`, '');
  lines.push('/** KRaft metadata record codecs by record type (the apiKey of their definitions). */');
  lines.push('export const metadataRecordCodecs: ReadonlyMap<number, MessageCodec<unknown>> = new Map([');
  for (const m of records) lines.push(`  [${m.spec.apiKey}, ${m.spec.name} as MessageCodec<unknown>],`);
  lines.push(']);', '');
  return lines.join('\n');
}

export function generate(definitionsDir: string, outDir: string): void {
  const messages: Message[] = [];
  for (const group of readdirSync(definitionsDir).sort()) {
    const dir = join(definitionsDir, group);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).sort()) {
      if (file.endsWith('.json')) messages.push(loadMessage(join(dir, file), group));
    }
  }
  rmSync(outDir, { recursive: true, force: true });
  for (const m of messages) {
    mkdirSync(join(outDir, m.group), { recursive: true });
    writeFileSync(join(outDir, m.group, `${kebab(m.spec.name)}.ts`), emitMessage(m));
  }
  writeFileSync(join(outDir, 'errors.ts'), emitErrors(join(definitionsDir, 'errors.tsv')));
  writeFileSync(join(outDir, 'api-keys.ts'), emitApiKeys(messages));
  writeFileSync(join(outDir, 'apis.ts'), emitApiTable(messages));
  writeFileSync(join(outDir, 'metadata-records.ts'), emitMetadataRecordTable(messages));
  writeFileSync(join(outDir, 'schema.json'), JSON.stringify(Object.fromEntries(messages.map((m) => [m.spec.name, schemaOf(m)])), null, 1) + '\n');
}

if (process.argv[1] && basename(process.argv[1]).startsWith('gen-protocol')) {
  const [definitionsDir, outDir = 'src/protocol/generated'] = process.argv.slice(2);
  if (!definitionsDir) {
    console.error('usage: tsx scripts/gen-protocol.ts <kafka-protocol-definitions-dir> [<output-dir>]');
    process.exit(2);
  }
  generate(definitionsDir, outDir);
}
