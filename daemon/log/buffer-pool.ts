// Reusable buffers for large transient bytes: produce frames being assembled and record sets
// read for a fetch. A fresh large buffer each time costs a page fault per 4 KiB touched and
// external memory that drives the collector into full collections; these are handed back once
// their bytes are done with and handed out again.

/** Smaller buffers are not pooled: a fresh one costs little there. */
const POOLED_MIN_BYTES = 64 * 1024;
/** Larger ones are rare enough to allocate each time. */
const POOLED_MAX_BYTES = 16 * 1024 * 1024;
/** What the free lists may hold in all, so the pool never grows the broker's memory much. */
const POOL_LIMIT_BYTES = 32 * 1024 * 1024;

/** Buffers of power-of-two sizes, shared by the whole process. */
class BufferPool {
  private readonly free = new Map<number, Buffer[]>();
  private freeBytes = 0;
  /** Buffers handed out and not yet back, by their memory: a view of one finds its way home. */
  private readonly lent = new WeakMap<ArrayBuffer, Buffer>();

  /** A buffer of at least `size` bytes, or null when buffers of that size are not pooled. */
  take(size: number): Buffer | null {
    if (size < POOLED_MIN_BYTES || size > POOLED_MAX_BYTES) return null;
    const capacity = 2 ** Math.ceil(Math.log2(size));
    let buffer = this.free.get(capacity)?.pop();
    if (buffer === undefined) buffer = Buffer.allocUnsafeSlow(capacity);
    else this.freeBytes -= capacity;
    this.lent.set(buffer.buffer as ArrayBuffer, buffer);
    return buffer;
  }

  /** Whether `view` lies in a buffer handed out by take() and not released since. */
  owns(view: Uint8Array): boolean {
    return this.lent.has(view.buffer as ArrayBuffer);
  }

  /**
   * Hands back the pooled buffer `view` lies in; nothing may use any view of it afterwards.
   * A view of no lent buffer (or of one already back) is ignored.
   */
  release(view: Uint8Array): void {
    const buffer = this.lent.get(view.buffer as ArrayBuffer);
    if (buffer === undefined) return;
    this.lent.delete(view.buffer as ArrayBuffer);
    if (this.freeBytes + buffer.length > POOL_LIMIT_BYTES) return;
    let list = this.free.get(buffer.length);
    if (list === undefined) this.free.set(buffer.length, (list = []));
    list.push(buffer);
    this.freeBytes += buffer.length;
  }
}

export const bufferPool = new BufferPool();
