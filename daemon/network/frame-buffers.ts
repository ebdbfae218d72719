// A fetch response carries record sets read from the log: they are sent as buffers of their
// own (one writev) instead of being copied into the encoded response.
import { Writer } from '../../src/protocol/primitives.js';

/** Byte fields at least this large are sent by reference rather than copied. */
const BY_REFERENCE_MIN_BYTES = 16 * 1024;

/**
 * A Writer that keeps large byte fields (record sets) out of its own buffer: each is remembered
 * with the position it belongs at, and pieces() interleaves them with the encoded bytes. Only
 * for encoders that never patch a length spanning such a field (the generated ones write
 * lengths before the bytes and tagged fields through writers of their own).
 */
export class PiecewiseWriter extends Writer {
  private readonly references: { at: number; bytes: Uint8Array }[] = [];
  private referencedBytes = 0;

  override raw(bytes: Uint8Array): this {
    if (bytes.length < BY_REFERENCE_MIN_BYTES) return super.raw(bytes);
    this.references.push({ at: this.offset, bytes });
    this.referencedBytes += bytes.length;
    return this;
  }

  /** Bytes of the whole message: those encoded here and those referenced. */
  get length(): number {
    return this.offset + this.referencedBytes;
  }

  /** The message as buffers to write in order. */
  pieces(): Buffer[] {
    const encoded = this.finish();
    const pieces: Buffer[] = [];
    let from = 0;
    for (const { at, bytes } of this.references) {
      if (at > from) pieces.push(encoded.subarray(from, at));
      pieces.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
      from = at;
    }
    if (encoded.length > from) pieces.push(encoded.subarray(from));
    return pieces;
  }
}
