// Golden request bytes from two independent client implementations, kafkajs and kafka-python,
// captured once by the scripts beside the fixtures (test/fixtures/codecs/make-*.{mjs,py}) and
// committed. Each case holds the body a library wrote and the values it was asked to write, in
// tk's field names; tk's codec must read those values back and write the very same bytes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Reader, Writer } from '../../src/protocol/primitives.js';
import { inRange, loadGeneratedMessages, type LoadedMessage, type SchemaField } from '../harness/generated-messages.js';

interface FixtureCase {
  name: string;
  api: string;
  version: number;
  expected: Record<string, unknown>;
  bytes: string;
}

interface FixtureManifest {
  generator: string;
  library: string;
  cases: FixtureCase[];
}

const messages = new Map((await loadGeneratedMessages()).map((m) => [m.schema.name, m]));

function loadManifest(file: string): FixtureManifest {
  return JSON.parse(readFileSync(new URL(`../fixtures/codecs/${file}`, import.meta.url), 'utf8')) as FixtureManifest;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fixtureError(path: string, problem: string): Error {
  return new Error(`fixture ${path}: ${problem}`);
}

/** A field is on the wire at this version when its range covers it and it is not a tagged field left unset. */
function onTheWire(f: SchemaField, version: number): boolean {
  return inRange(f.versions, version) && f.tag === null;
}

/** Turns one JSON scalar of a fixture into the value tk's codec holds: int64 as bigint, bytes as Buffer. */
function scalarFromJson(f: SchemaField, json: unknown, path: string): unknown {
  if (json === null) return null;
  switch (f.type) {
    case 'int64':
      if (typeof json !== 'string') throw fixtureError(path, 'int64 must be a decimal string');
      return BigInt(json);
    case 'bytes':
    case 'records':
      if (typeof json !== 'string') throw fixtureError(path, 'bytes must be a hex string');
      return Buffer.from(json, 'hex');
    default:
      return json;
  }
}

/**
 * Builds the full message tk's codec should decode from a fixture's expected values: fields the
 * version does not carry take the codec's defaults, and every field the version does carry must
 * be in the fixture, so a fixture cannot pass by leaning on a default.
 */
function fromExpected(m: LoadedMessage, structName: string, json: unknown, version: number, path: string): Record<string, unknown> {
  if (!isRecord(json)) throw fixtureError(path, `expected an object for ${structName}`);
  const struct = m.schema.structs.find((s) => s.name === structName);
  if (!struct) throw new Error(`${m.schema.name} has no struct ${structName}`);
  const factory = m.module[`default${structName}`] as () => Record<string, unknown>;
  const value = factory();
  const known = new Set(struct.fields.map((f) => f.name));
  for (const key of Object.keys(json)) {
    if (!known.has(key)) throw fixtureError(`${path}.${key}`, `${structName} has no such field`);
  }
  for (const f of struct.fields) {
    const at = `${path}.${f.name}`;
    if (!onTheWire(f, version)) {
      if (f.name in json) throw fixtureError(at, `not in ${structName} at version ${version}`);
      continue;
    }
    if (!(f.name in json)) throw fixtureError(at, `missing, though ${structName} v${version} carries it`);
    const raw = json[f.name];
    const element = (e: unknown, i: number): unknown =>
      f.struct ? fromExpected(m, f.type, e, version, `${at}[${i}]`) : scalarFromJson(f, e, `${at}[${i}]`);
    if (f.array) {
      if (raw !== null && !Array.isArray(raw)) throw fixtureError(at, 'expected an array or null');
      value[f.name] = raw === null ? null : raw.map(element);
    } else {
      value[f.name] = f.struct ? fromExpected(m, f.type, raw, version, at) : scalarFromJson(f, raw, at);
    }
  }
  return value;
}

function encode(m: LoadedMessage, value: unknown, version: number): Buffer {
  const w = new Writer();
  m.codec.encode(w, value, version);
  return Buffer.from(w.finish());
}

const libraries = [
  { manifest: loadManifest('kafkajs-requests.json'), minimumCases: 50 },
  { manifest: loadManifest('kafka-python-requests.json'), minimumCases: 45 },
];

for (const { manifest, minimumCases } of libraries) {
  describe(`requests encoded by ${manifest.library} (${manifest.generator})`, () => {
    it('cover every API the compatibility issue names, at three versions or more where the library has them', () => {
      expect(manifest.cases.length).toBeGreaterThanOrEqual(minimumCases);
      const versions = new Map<string, Set<number>>();
      for (const c of manifest.cases) versions.set(c.api, (versions.get(c.api) ?? new Set()).add(c.version));
      const apis = ['Produce', 'Fetch', 'Metadata', 'ListOffsets', 'JoinGroup', 'SyncGroup', 'OffsetCommit', 'CreateTopics'];
      expect([...versions.keys()].sort()).toEqual([...apis].sort());
      // kafka-python 2.0.2 knows only SyncGroup v0 and v1.
      for (const [api, seen] of versions) expect(seen.size, api).toBeGreaterThanOrEqual(api === 'SyncGroup' ? 2 : 3);
    });

    for (const c of manifest.cases) {
      it(`${c.name}: tk decodes the values the library was given and writes the library's bytes`, () => {
        const m = messages.get(`${c.api}Request`);
        if (!m) throw new Error(`no generated codec for ${c.api}Request`);
        const bytes = Buffer.from(c.bytes, 'hex');
        const expected = fromExpected(m, m.schema.name, c.expected, c.version, c.name);

        const r = new Reader(bytes);
        const decoded = m.codec.decode(r, c.version);
        expect(r.remaining(), 'bytes left after decoding').toBe(0);
        expect(decoded).toEqual(expected);

        // Encoding from the fixture's values, not from the decoded message, so the encoder is checked
        // on its own. Neither library writes anything Kafka would write differently (no omitted
        // defaults, no tagged fields), so the bytes must match exactly.
        expect(encode(m, expected, c.version).toString('hex')).toBe(c.bytes);
      });
    }
  });
}
