// Buffers for large frames, in and out. A produce request of a few hundred KiB arrives in many
// socket chunks and must be assembled into one buffer; a fresh buffer each time costs a page
// fault per 4 KiB touched and garbage for the collector, so those buffers are reused once the
// request is done with them. A fetch response carries record sets read from the log: they are
// sent as buffers of their own (one writev) instead of being copied into the encoded response.
import { Writer } from '../../src/protocol/primitives.js';

/** Frames below this size are not pooled: a fresh buffer costs little there. */
const POOLED_MIN_BYTES = 64 * 1024;
/** Larger frames are rare enough to allocate each time. */
const POOLED_MAX_BYTES = 16 * 1024 * 1024;
/** What the free lists may hold in all, so the pool never grows the broker's memory much. */
const POOL_LIMIT_BYTES = 32 * 1024 * 1024;

/** Buffers of power-of-two sizes, shared by every connection of the process. */
class FramePool {
  private readonly free = new Map<number, Buffer[]>();
  private freeBytes = 0;

  /** A buffer of at least `size` bytes, or null when frames of that size are not pooled. */
  take(size: number): Buffer | null {
    if (size < POOLED_MIN_BYTES || size > POOLED_MAX_BYTES) return null;
    const capacity = 2 ** Math.ceil(Math.log2(size));
    const reused = this.free.get(capacity)?.pop();
    if (reused === undefined) return Buffer.allocUnsafeSlow(capacity);
    this.freeBytes -= capacity;
    return reused;
  }

  /** Hands a buffer from take() back; nothing may read or write it afterwards. */
  release(buffer: Buffer): void {
    if (this.freeBytes + buffer.length > POOL_LIMIT_BYTES) return;
    let list = this.free.get(buffer.length);
    if (list === undefined) this.free.set(buffer.length, (list = []));
    list.push(buffer);
    this.freeBytes += buffer.length;
  }
}

export const framePool = new FramePool();

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
