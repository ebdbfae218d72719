// Kafka's primitive types over Buffers: fixed-width big-endian integers, zig-zag varints,
// unsigned varints, and the length-prefixed strings, bytes and arrays in their classic and
// compact (flexible-version) forms. Nothing here trusts a length read from the wire: every
// length is checked against the bytes that remain before anything is sliced or allocated.

export class DecodeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
    this.name = 'DecodeError';
  }
}

/** A field that cannot be written at the requested version (Kafka's UnsupportedVersionException). */
export class UnsupportedVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedVersionError';
  }
}

/** A tagged field this code does not know, kept as raw bytes so it is written back unchanged. */
export interface UnknownTaggedField {
  tag: number;
  data: Buffer;
}

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

const MAX_UNSIGNED_VARINT_BYTES = 5;
const MAX_VARLONG_BYTES = 10;

export class Reader {
  offset: number;
  readonly end: number;

  constructor(
    readonly buf: Buffer,
    offset = 0,
    end = buf.length,
  ) {
    this.offset = offset;
    this.end = end;
  }

  remaining(): number {
    return this.end - this.offset;
  }

  private need(n: number, what: string): number {
    if (n > this.end - this.offset) {
      throw new DecodeError(`${what} needs ${n} bytes but only ${this.end - this.offset} remain`, this.offset);
    }
    const at = this.offset;
    this.offset += n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.need(1, 'int8'));
  }
  int16(): number {
    return this.buf.readInt16BE(this.need(2, 'int16'));
  }
  uint16(): number {
    return this.buf.readUInt16BE(this.need(2, 'uint16'));
  }
  int32(): number {
    return this.buf.readInt32BE(this.need(4, 'int32'));
  }
  uint32(): number {
    return this.buf.readUInt32BE(this.need(4, 'uint32'));
  }
  int64(): bigint {
    return this.buf.readBigInt64BE(this.need(8, 'int64'));
  }
  float64(): number {
    return this.buf.readDoubleBE(this.need(8, 'float64'));
  }
  bool(): boolean {
    return this.buf[this.need(1, 'bool')] !== 0;
  }
  uuid(): string {
    const at = this.need(16, 'uuid');
    return this.buf.toString('base64url', at, at + 16);
  }

  unsignedVarint(): number {
    let value = 0;
    for (let i = 0; i < MAX_UNSIGNED_VARINT_BYTES; i++) {
      const b = this.buf[this.need(1, 'varint')];
      value += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) {
        if (value > 0xffffffff) throw new DecodeError('unsigned varint exceeds 32 bits', this.offset);
        return value;
      }
    }
    throw new DecodeError('varint longer than 5 bytes', this.offset);
  }

  /** A zig-zag encoded signed 32-bit varint, as record fields use. */
  varint(): number {
    const raw = this.unsignedVarint();
    return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  }

  /** A zig-zag encoded signed 64-bit varint. */
  varlong(): bigint {
    let raw = 0n;
    for (let i = 0; i < MAX_VARLONG_BYTES; i++) {
      const b = this.buf[this.need(1, 'varlong')];
      raw |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) return (raw >> 1n) ^ -(raw & 1n);
    }
    throw new DecodeError('varlong longer than 10 bytes', this.offset);
  }

  /** A slice of the underlying buffer: no copy. */
  raw(n: number): Buffer {
    const at = this.need(n, 'bytes');
    return this.buf.subarray(at, at + n);
  }

  utf8(n: number): string {
    const at = this.need(n, 'string');
    return this.buf.toString('utf8', at, at + n);
  }

  private checkLength(n: number, what: string): number {
    if (n < 0) throw new DecodeError(`negative ${what} length ${n}`, this.offset);
    if (n > this.end - this.offset) {
      throw new DecodeError(`${what} length ${n} exceeds the ${this.end - this.offset} bytes remaining`, this.offset);
    }
    return n;
  }

  string(): string {
    const n = this.int16();
    if (n < 0) throw new DecodeError('null string where a string is required', this.offset);
    return this.utf8(this.checkLength(n, 'string'));
  }
  nullableString(): string | null {
    const n = this.int16();
    return n === -1 ? null : this.utf8(this.checkLength(n, 'string'));
  }
  compactString(): string {
    const n = this.unsignedVarint() - 1;
    if (n < 0) throw new DecodeError('null string where a string is required', this.offset);
    return this.utf8(this.checkLength(n, 'string'));
  }
  compactNullableString(): string | null {
    const n = this.unsignedVarint() - 1;
    return n === -1 ? null : this.utf8(this.checkLength(n, 'string'));
  }

  bytes(): Buffer {
    const n = this.int32();
    if (n < 0) throw new DecodeError('null bytes where bytes are required', this.offset);
    return this.raw(this.checkLength(n, 'bytes'));
  }
  nullableBytes(): Buffer | null {
    const n = this.int32();
    return n === -1 ? null : this.raw(this.checkLength(n, 'bytes'));
  }
  compactBytes(): Buffer {
    const n = this.unsignedVarint() - 1;
    if (n < 0) throw new DecodeError('null bytes where bytes are required', this.offset);
    return this.raw(this.checkLength(n, 'bytes'));
  }
  compactNullableBytes(): Buffer | null {
    const n = this.unsignedVarint() - 1;
    return n === -1 ? null : this.raw(this.checkLength(n, 'bytes'));
  }

  /**
   * An array length: -1 is null. Every element takes at least one byte on the wire, so a count
   * larger than what remains is rejected before anything is allocated for it.
   */
  arrayLength(compact: boolean): number {
    const n = compact ? this.unsignedVarint() - 1 : this.int32();
    if (n === -1) return -1;
    return this.checkLength(n, 'array');
  }

  array<T>(compact: boolean, element: (r: Reader) => T): T[] {
    const n = this.arrayLength(compact);
    if (n < 0) throw new DecodeError('null array where an array is required', this.offset);
    return this.elements(n, element);
  }
  nullableArray<T>(compact: boolean, element: (r: Reader) => T): T[] | null {
    const n = this.arrayLength(compact);
    return n < 0 ? null : this.elements(n, element);
  }
  private elements<T>(n: number, element: (r: Reader) => T): T[] {
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(element(this));
    return out;
  }

  /** A reader over the next n bytes, advancing this one past them. */
  sub(n: number): Reader {
    const at = this.need(this.checkLength(n, 'field'), 'field');
    return new Reader(this.buf, at, at + n);
  }
}

export class Writer {
  private buf: Buffer;
  offset = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  private ensure(n: number): void {
    if (this.offset + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.offset + n) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.offset);
    this.buf = grown;
  }

  int8(v: number): this {
    this.ensure(1);
    this.offset = this.buf.writeInt8(v, this.offset);
    return this;
  }
  int16(v: number): this {
    this.ensure(2);
    this.offset = this.buf.writeInt16BE(v, this.offset);
    return this;
  }
  uint16(v: number): this {
    this.ensure(2);
    this.offset = this.buf.writeUInt16BE(v, this.offset);
    return this;
  }
  int32(v: number): this {
    this.ensure(4);
    this.offset = this.buf.writeInt32BE(v, this.offset);
    return this;
  }
  uint32(v: number): this {
    this.ensure(4);
    this.offset = this.buf.writeUInt32BE(v, this.offset);
    return this;
  }
  int64(v: bigint): this {
    this.ensure(8);
    this.offset = this.buf.writeBigInt64BE(v, this.offset);
    return this;
  }
  float64(v: number): this {
    this.ensure(8);
    this.offset = this.buf.writeDoubleBE(v, this.offset);
    return this;
  }
  bool(v: boolean): this {
    this.ensure(1);
    this.buf[this.offset++] = v ? 1 : 0;
    return this;
  }
  uuid(v: string): this {
    const bytes = Buffer.from(v, 'base64url');
    if (bytes.length !== 16) throw new RangeError(`a uuid is 16 bytes in base64url, got '${v}'`);
    return this.raw(bytes);
  }

  unsignedVarint(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`unsigned varint out of range: ${v}`);
    this.ensure(MAX_UNSIGNED_VARINT_BYTES);
    while (v >= 0x80) {
      this.buf[this.offset++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.offset++] = v;
    return this;
  }
  varint(v: number): this {
    return this.unsignedVarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  varlong(v: bigint): this {
    let raw = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    this.ensure(MAX_VARLONG_BYTES);
    while (raw >= 0x80n) {
      this.buf[this.offset++] = Number(raw & 0x7fn) | 0x80;
      raw >>= 7n;
    }
    this.buf[this.offset++] = Number(raw);
    return this;
  }

  raw(bytes: Uint8Array): this {
    const n = bytes.length;
    this.ensure(n);
    // TypedArray.set costs more than a loop for the few bytes of a typical key or value.
    if (n < 32) {
      const buf = this.buf;
      const at = this.offset;
      for (let i = 0; i < n; i++) buf[at + i] = bytes[i]!;
    } else {
      this.buf.set(bytes, this.offset);
    }
    this.offset += n;
    return this;
  }

  private utf8(v: string, prefix: (n: number) => void): this {
    const n = Buffer.byteLength(v, 'utf8');
    prefix(n);
    this.ensure(n);
    this.offset += this.buf.write(v, this.offset, n, 'utf8');
    return this;
  }

  string(v: string): this {
    return this.utf8(v, (n) => this.int16(n));
  }
  nullableString(v: string | null): this {
    return v === null ? this.int16(-1) : this.string(v);
  }
  compactString(v: string): this {
    return this.utf8(v, (n) => this.unsignedVarint(n + 1));
  }
  compactNullableString(v: string | null): this {
    return v === null ? this.unsignedVarint(0) : this.compactString(v);
  }

  bytes(v: Uint8Array): this {
    return this.int32(v.length).raw(v);
  }
  nullableBytes(v: Uint8Array | null): this {
    return v === null ? this.int32(-1) : this.bytes(v);
  }
  compactBytes(v: Uint8Array): this {
    return this.unsignedVarint(v.length + 1).raw(v);
  }
  compactNullableBytes(v: Uint8Array | null): this {
    return v === null ? this.unsignedVarint(0) : this.compactBytes(v);
  }

  arrayLength(compact: boolean, n: number | null): this {
    if (compact) return this.unsignedVarint(n === null ? 0 : n + 1);
    return this.int32(n === null ? -1 : n);
  }
  array<T>(compact: boolean, items: readonly T[] | null, element: (w: Writer, item: T) => void): this {
    this.arrayLength(compact, items === null ? null : items.length);
    if (items !== null) for (const item of items) element(this, item);
    return this;
  }

  /**
   * Claims the next n bytes for the caller to write itself: returns the buffer they are in, at
   * `offset - n` once this returns. For encoders that write many small fields at once.
   */
  claim(n: number): Buffer {
    this.ensure(n);
    this.offset += n;
    return this.buf;
  }

  /** Reserves four bytes for a length or CRC written later with patchInt32/patchUint32. */
  reserve(n: number): number {
    this.ensure(n);
    const at = this.offset;
    this.offset += n;
    return at;
  }
  patchInt32(at: number, v: number): void {
    this.buf.writeInt32BE(v, at);
  }
  patchUint32(at: number, v: number): void {
    this.buf.writeUInt32BE(v, at);
  }

  /** The bytes written so far; a view, valid until the next write. */
  view(from = 0): Buffer {
    return this.buf.subarray(from, this.offset);
  }

  /** The bytes written, as a buffer of their own. */
  finish(): Buffer {
    return this.buf.subarray(0, this.offset);
  }
}
