// What the generated message codecs share: the codec interface, version ranges, and the
// tagged-field section of flexible versions.
import { DecodeError, Reader, UnsupportedVersionError, Writer, type UnknownTaggedField } from './primitives.js';

export interface VersionRange {
  min: number;
  max: number;
}

export interface MessageCodec<T> {
  readonly name: string;
  /** The API key for requests and responses, the record type for metadata records. */
  readonly apiKey: number | null;
  readonly validVersions: VersionRange;
  /** First flexible version, or null when no version is flexible. */
  readonly firstFlexibleVersion: number | null;
  encode(w: Writer, message: T, version: number): void;
  decode(r: Reader, version: number): T;
  /** A message with every field at its schema default. */
  defaults(): T;
}

export function encodeToBuffer<T>(codec: MessageCodec<T>, message: T, version: number): Buffer {
  const w = new Writer();
  codec.encode(w, message, version);
  return w.finish();
}

export function decodeFromBuffer<T>(codec: MessageCodec<T>, buf: Buffer, version: number): T {
  return codec.decode(new Reader(buf), version);
}

export function requireNonNull<T>(value: T | null, field: string, version: number): T {
  if (value === null) throw new UnsupportedVersionError(`${field} is not nullable at version ${version}`);
  return value;
}

export function notInVersion(field: string, version: number): never {
  throw new UnsupportedVersionError(`${field} cannot be set to a non-default value at version ${version}`);
}

/** Structural equality over the values codecs hold: primitives, bigint, Buffers, arrays, plain objects. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!deepEqual(ao[k], bo[k])) return false;
  return true;
}

export interface TaggedEntry {
  tag: number;
  data: Buffer;
}

export function encodeTagged(write: (w: Writer) => void): Buffer {
  const w = new Writer(64);
  write(w);
  return Buffer.from(w.finish());
}

/** Writes known and unknown tagged fields together, in ascending tag order as the protocol requires. */
export function writeTaggedFields(w: Writer, known: TaggedEntry[] | null, unknown: UnknownTaggedField[] | undefined): void {
  const entries = known === null ? (unknown ?? []) : unknown === undefined ? known : [...known, ...unknown];
  if (entries.length > 1) entries.sort((a, b) => a.tag - b.tag);
  w.unsignedVarint(entries.length);
  for (const e of entries) {
    w.unsignedVarint(e.tag);
    w.unsignedVarint(e.data.length);
    w.raw(e.data);
  }
}

/**
 * Reads the tagged-field section. `known` decodes a tag this version understands from a reader
 * bounded to the field's bytes and returns false for tags it does not know; those are kept raw.
 */
export function readTaggedFields(r: Reader, known: ((tag: number, field: Reader) => boolean) | null): UnknownTaggedField[] | undefined {
  const count = r.unsignedVarint();
  // Each tagged field takes at least two bytes: refuse a count the remaining bytes cannot hold.
  if (count > r.remaining()) throw new DecodeError(`tagged field count ${count} exceeds the bytes remaining`, r.offset);
  let unknown: UnknownTaggedField[] | undefined;
  for (let i = 0; i < count; i++) {
    const tag = r.unsignedVarint();
    const size = r.unsignedVarint();
    const field = r.sub(size);
    if (known !== null && known(tag, field)) continue;
    (unknown ??= []).push({ tag, data: field.raw(size) });
  }
  return unknown;
}
