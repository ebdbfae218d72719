// One segment's .log file: concatenated record batches exactly as produced, appended at the end
// and read by position, all through a FileHandle so the event loop never waits on the disk.
import { constants, type FileHandle, open, rename } from 'node:fs/promises';
import {
  CorruptBatchError,
  LOG_OVERHEAD,
  RECORD_BATCH_HEADER_SIZE,
  RECORD_BATCH_MAGIC,
  iterateBatches,
  lastOffset,
  readBatchHeader,
  type RecordBatchHeader,
} from '../../src/protocol/records.js';
import { bufferPool } from './buffer-pool.js';
import { io } from './errors.js';

/** How much is read at a time when walking batch headers. */
const SCAN_CHUNK = 64 * 1024;
const MAGIC_AT = 16;

export type ScannedEntry =
  | { kind: 'batch'; position: number; size: number; header: RecordBatchHeader; bytes: Buffer | null }
  /** A magic 0/1 message (an old Kafka's data): skipped over by its size, never served as a batch. */
  | { kind: 'legacy'; position: number; size: number; lastOffset: bigint }
  /** Nothing from here on can be read as a batch: the file is cut short or its bytes are wrong. */
  | { kind: 'invalid'; position: number; reason: string };

export function entryLastOffset(entry: { kind: 'batch'; header: RecordBatchHeader } | { kind: 'legacy'; lastOffset: bigint }): bigint {
  return entry.kind === 'batch' ? lastOffset(entry.header) : entry.lastOffset;
}

export class FileRecords {
  private constructor(
    private path_: string,
    private readonly handle: FileHandle,
    private size_: number,
    /** The file's modification time when opened. */
    readonly mtimeMs: number,
  ) {}

  /** Opens (creating if need be) without truncating. */
  static async open(path: string): Promise<FileRecords> {
    return io(`opening ${path}`, async () => {
      const handle = await open(path, constants.O_RDWR | constants.O_CREAT, 0o644);
      try {
        const { size, mtimeMs } = await handle.stat();
        return new FileRecords(path, handle, size, mtimeMs);
      } catch (err) {
        await handle.close();
        throw err;
      }
    });
  }

  get path(): string {
    return this.path_;
  }

  /** Bytes written and complete; a write in progress is not counted until it resolves. */
  get sizeInBytes(): number {
    return this.size_;
  }

  /** Writes at the end; resolves with the position the bytes start at. */
  async append(bytes: Buffer): Promise<number> {
    const position = this.size_;
    await io(`appending to ${this.path_}`, async () => {
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done, position + done);
        done += bytesWritten;
      }
    });
    this.size_ = position + bytes.length;
    return position;
  }

  /**
   * Up to `length` bytes from `position`, fewer at the end of the file. `pooled` reads into a
   * buffer of bufferPool, for a fetch: the connection hands it back once the socket has sent it.
   */
  async read(position: number, length: number, options: { pooled?: boolean } = {}): Promise<Buffer> {
    const wanted = Math.max(0, Math.min(length, this.size_ - position));
    const buf = (options.pooled ? bufferPool.take(wanted) : null) ?? Buffer.allocUnsafe(wanted);
    let done = 0;
    await io(`reading ${this.path_}`, async () => {
      while (done < wanted) {
        const { bytesRead } = await this.handle.read(buf, done, wanted - done, position + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
    });
    return buf.length === done ? buf : buf.subarray(0, done);
  }

  /**
   * Cuts the file at `size`. At the current size too: a write that failed part-way may have
   * left bytes past it that the next start-up would otherwise read as the log's.
   */
  async truncateTo(size: number): Promise<void> {
    if (size > this.size_) return;
    await io(`truncating ${this.path_}`, () => this.handle.truncate(size));
    this.size_ = size;
  }

  async flush(): Promise<void> {
    await io(`flushing ${this.path_}`, () => this.handle.sync());
  }

  async close(): Promise<void> {
    await io(`closing ${this.path_}`, () => this.handle.close());
  }

  /** Renames the file; the open handle keeps working, so reads in flight are unaffected. */
  async renameTo(path: string): Promise<void> {
    await io(`renaming ${this.path_}`, () => rename(this.path_, path));
    this.path_ = path;
  }

  /**
   * Walks the entries from `start` up to `end` (the current size by default). Only headers are
   * read unless `withBytes`, which yields each batch's whole bytes (for CRC checks and decoding).
   * Stops after yielding an `invalid` entry.
   */
  async *entries(start = 0, options: { end?: number; withBytes?: boolean } = {}): AsyncGenerator<ScannedEntry, void, undefined> {
    const end = Math.min(options.end ?? this.size_, this.size_);
    const withBytes = options.withBytes ?? false;
    let position = start;
    while (position < end) {
      const chunk = await this.read(position, Math.min(SCAN_CHUNK, end - position));
      let consumed = 0;
      let next: ScannedEntry | 'reread' | 'big' | null = null;
      try {
        for (const entry of iterateBatches(chunk)) {
          if (entry.kind === 'truncated') {
            const reachesEnd = position + chunk.length >= end;
            if (reachesEnd && (entry.declaredSize === null || position + entry.offset + entry.declaredSize > end)) {
              next = { kind: 'invalid', position: position + entry.offset, reason: `the file ends inside an entry (${entry.available} bytes of ${entry.declaredSize ?? 'an unknown size'})` };
            } else {
              next = entry.declaredSize !== null && entry.declaredSize > SCAN_CHUNK ? 'big' : 'reread';
            }
            consumed = entry.offset;
            break;
          }
          const at = position + entry.offset;
          if (entry.kind === 'batch') {
            yield { kind: 'batch', position: at, size: entry.size, header: entry.header, bytes: withBytes ? chunk.subarray(entry.offset, entry.offset + entry.size) : null };
          } else {
            yield { kind: 'legacy', position: at, size: entry.size, lastOffset: entry.lastOffset };
          }
          consumed = entry.offset + entry.size;
        }
      } catch (err) {
        if (!(err instanceof CorruptBatchError)) throw err;
        yield { kind: 'invalid', position: position + err.offset, reason: err.message };
        return;
      }
      position += consumed;
      if (next === null || next === 'reread') continue;
      if (next !== 'big') {
        yield next;
        return;
      }
      const big = await this.readLargeEntry(position, end, withBytes);
      yield big;
      if (big.kind === 'invalid') return;
      position += big.size;
    }
  }

  /** An entry larger than a scan chunk: its header alone, or all of it when the bytes are wanted. */
  private async readLargeEntry(position: number, end: number, withBytes: boolean): Promise<ScannedEntry> {
    const head = await this.read(position, RECORD_BATCH_HEADER_SIZE);
    const size = LOG_OVERHEAD + head.readInt32BE(8);
    if (position + size > end) return { kind: 'invalid', position, reason: `a ${size}-byte entry runs past the end of the file` };
    const magic = head.length > MAGIC_AT ? head.readInt8(MAGIC_AT) : -1;
    if (magic === 0 || magic === 1) return { kind: 'legacy', position, size, lastOffset: head.readBigInt64BE(0) };
    if (magic !== RECORD_BATCH_MAGIC) return { kind: 'invalid', position, reason: `unsupported record batch magic ${magic}` };
    let header: RecordBatchHeader;
    try {
      header = readBatchHeader(head, 0);
    } catch (err) {
      if (err instanceof CorruptBatchError) return { kind: 'invalid', position, reason: err.message };
      throw err;
    }
    if (!withBytes) return { kind: 'batch', position, size, header, bytes: null };
    const bytes = await this.read(position, size);
    if (bytes.length < size) return { kind: 'invalid', position, reason: `the file ends inside a ${size}-byte batch` };
    return { kind: 'batch', position, size, header, bytes };
  }
}
