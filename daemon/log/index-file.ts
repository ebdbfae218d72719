// What the offset index and the time index share: fixed-size entries sorted by offset, kept in
// memory and written to their file as Kafka lays it out. Kafka preallocates and memory-maps its
// index files, then trims them on roll and close; here entries are appended in memory and
// written out on flush, roll and close, so the file always holds exactly `entries` entries and
// no trailing zeros. A crash may leave the file behind the log: the segments after the recovery
// point are rebuilt by recovery anyway, which is also what Kafka relies on.
import { constants, open, readFile, rename, rm } from 'node:fs/promises';
import { io, isNotFound } from './errors.js';

export class CorruptIndexError extends Error {
  constructor(path: string, reason: string) {
    super(`corrupt index ${path}: ${reason}`);
    this.name = 'CorruptIndexError';
  }
}

const INT32_MAX = 0x7fffffff;

export abstract class IndexFile {
  protected buf: Buffer;
  protected count: number;
  /** Entries known to be on disk exactly as in memory. */
  private persisted: number;
  /** Entries the file holds, some of which truncation may have dropped from memory. */
  private onDisk: number;
  /** Counts truncations, so a flush that raced one knows its view of the file is stale. */
  private truncations = 0;
  readonly maxEntries: number;
  /** Whether open() found a file: a segment with data but no index needs it rebuilt. */
  existedOnOpen = false;
  /** Whether the file exists now: an empty index still gets its (empty) file, as Kafka leaves one. */
  protected hasFile = false;

  protected constructor(
    private path_: string,
    readonly baseOffset: bigint,
    readonly entrySize: number,
    maxIndexSize: number,
    contents: Buffer,
  ) {
    this.maxEntries = Math.max(1, Math.floor(maxIndexSize / entrySize));
    this.count = contents.length / entrySize;
    this.buf = Buffer.allocUnsafe(Math.max(contents.length, entrySize * 64));
    contents.copy(this.buf);
    this.persisted = this.count;
    this.onDisk = this.count;
  }

  /** The file's bytes, or null when there is no file; a length that is not whole entries is corrupt. */
  protected static async readContents(path: string, entrySize: number): Promise<Buffer | null> {
    let contents: Buffer;
    try {
      contents = await readFile(path);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
    if (contents.length % entrySize !== 0) {
      throw new CorruptIndexError(path, `${contents.length} bytes is not a whole number of ${entrySize}-byte entries`);
    }
    return contents;
  }

  get path(): string {
    return this.path_;
  }

  get entries(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  /** The offset as the index stores it: relative to the segment's base, an int32. */
  relativeOffset(offset: bigint): number {
    const relative = offset - this.baseOffset;
    if (relative < 0n || relative > BigInt(INT32_MAX)) {
      throw new RangeError(`offset ${offset} cannot be stored relative to base offset ${this.baseOffset}`);
    }
    return Number(relative);
  }

  /** Room for one more entry; returns where it goes. */
  protected slot(): number {
    const at = this.count * this.entrySize;
    if (at + this.entrySize > this.buf.length) {
      const grown = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(grown, 0, 0, at);
      this.buf = grown;
    }
    return at;
  }

  protected pushed(): void {
    this.count++;
  }

  /** Keeps the first `n` entries. */
  protected keep(n: number): void {
    if (n >= this.count) return;
    this.count = n;
    this.persisted = Math.min(this.persisted, n);
    this.truncations++;
  }

  reset(): void {
    this.keep(0);
  }

  /**
   * The first slot whose key is above `target`, by binary search over keys that never decrease;
   * the entry before it is the largest at or below the target.
   */
  protected upperBound(target: bigint, keyAt: (slot: number) => bigint): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keyAt(mid) <= target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Writes what the file lacks (and cuts what truncation removed); with `sync`, fsyncs it. A
   * truncation while the write is in flight leaves the file marked stale for the next flush.
   */
  async flush(sync = true): Promise<void> {
    if (this.hasFile && this.persisted === this.count && this.onDisk === this.count && !sync) return;
    const truncations = this.truncations;
    const from = this.persisted;
    const to = this.count;
    const cut = this.onDisk !== from;
    await io(`writing index ${this.path_}`, async () => {
      const handle = await open(this.path_, constants.O_RDWR | constants.O_CREAT, 0o644);
      try {
        if (cut) await handle.truncate(from * this.entrySize);
        let done = from * this.entrySize;
        const end = to * this.entrySize;
        while (done < end) done += (await handle.write(this.buf, done, end - done, done)).bytesWritten;
        if (sync) await handle.sync();
      } finally {
        await handle.close();
      }
    });
    this.hasFile = true;
    if (truncations === this.truncations) {
      this.persisted = to;
      this.onDisk = to;
    } else {
      this.onDisk = Math.max(this.onDisk, to);
    }
  }

  async renameTo(path: string): Promise<void> {
    await io(`renaming ${this.path_}`, async () => {
      try {
        await rename(this.path_, path);
      } catch (err) {
        // An index never flushed has no file yet; the next flush writes it under the new name.
        if (!isNotFound(err)) throw err;
        this.persisted = 0;
        this.onDisk = 0;
        this.hasFile = false;
      }
    });
    this.path_ = path;
  }

  async deleteFile(): Promise<void> {
    await io(`deleting ${this.path_}`, () => rm(this.path_, { force: true }));
    this.persisted = 0;
    this.onDisk = 0;
    this.hasFile = false;
  }
}
