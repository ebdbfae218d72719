// The .timeindex file: 12-byte entries (timestamp: int64, offset relative to the segment's
// base: int32). Timestamps only rise: an entry says "every record up to here has a timestamp at
// or below this one", which is what a search by time needs to skip what comes before.
import { CorruptIndexError, IndexFile } from './index-file.js';

export const TIME_INDEX_ENTRY_SIZE = 12;
/** RecordBatch.NO_TIMESTAMP. */
const NO_TIMESTAMP = -1n;

export interface TimestampOffset {
  timestamp: bigint;
  offset: bigint;
}

export class TimeIndex extends IndexFile {
  static async open(path: string, baseOffset: bigint, maxIndexSize: number): Promise<TimeIndex> {
    const contents = await IndexFile.readContents(path, TIME_INDEX_ENTRY_SIZE);
    const index = new TimeIndex(path, baseOffset, TIME_INDEX_ENTRY_SIZE, maxIndexSize, contents ?? Buffer.alloc(0));
    index.existedOnOpen = contents !== null;
    index.hasFile = contents !== null;
    index.check();
    return index;
  }

  static empty(path: string, baseOffset: bigint, maxIndexSize: number): TimeIndex {
    return new TimeIndex(path, baseOffset, TIME_INDEX_ENTRY_SIZE, maxIndexSize, Buffer.alloc(0));
  }

  private check(): void {
    let previous: TimestampOffset | null = null;
    for (let i = 0; i < this.count; i++) {
      const entry = this.entry(i);
      if (entry.offset < this.baseOffset || (previous && (entry.timestamp <= previous.timestamp || entry.offset < previous.offset))) {
        throw new CorruptIndexError(this.path, `entry ${i} (${entry.timestamp}, ${entry.offset}) does not follow the one before`);
      }
      previous = entry;
    }
  }

  entry(slot: number): TimestampOffset {
    const at = slot * TIME_INDEX_ENTRY_SIZE;
    return { timestamp: this.buf.readBigInt64BE(at), offset: this.baseOffset + BigInt(this.buf.readInt32BE(at + 8)) };
  }

  /** The last entry, or (NO_TIMESTAMP, baseOffset). */
  lastEntry(): TimestampOffset {
    return this.count === 0 ? { timestamp: NO_TIMESTAMP, offset: this.baseOffset } : this.entry(this.count - 1);
  }

  /** The largest entry whose timestamp is at or below `timestamp`, or (NO_TIMESTAMP, baseOffset). */
  lookup(timestamp: bigint): TimestampOffset {
    const slot = this.upperBound(timestamp, (s) => this.buf.readBigInt64BE(s * TIME_INDEX_ENTRY_SIZE)) - 1;
    return slot < 0 ? { timestamp: NO_TIMESTAMP, offset: this.baseOffset } : this.entry(slot);
  }

  /**
   * Adds (timestamp, offset) if the timestamp is above the last entry's. `skipFullCheck` lets the
   * final entry a segment gets when it stops being active go in even when the index is full.
   */
  maybeAppend(timestamp: bigint, offset: bigint, skipFullCheck = false): void {
    if (!skipFullCheck && this.isFull) throw new RangeError(`time index ${this.path} is full (${this.count} entries)`);
    const last = this.lastEntry();
    if (this.count > 0 && offset < last.offset) {
      throw new RangeError(`offset ${offset} is below the last time-indexed offset ${last.offset} in ${this.path}`);
    }
    if (timestamp <= last.timestamp) return;
    const at = this.slot();
    this.buf.writeBigInt64BE(timestamp, at);
    this.buf.writeInt32BE(this.relativeOffset(offset), at + 8);
    this.pushed();
  }

  /** Removes the entries for offsets at or above `offset`. */
  truncateTo(offset: bigint): void {
    let n = this.count;
    while (n > 0 && this.entry(n - 1).offset >= offset) n--;
    this.keep(n);
  }
}
