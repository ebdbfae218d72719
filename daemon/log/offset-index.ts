// The .index file: a sparse map from offset to the file position of the batch that holds it.
// Each 8-byte entry is (offset relative to the segment's base: int32, position: int32), one per
// index.interval.bytes of log written, so a lookup lands within a few KiB of its batch.
import { CorruptIndexError, IndexFile } from './index-file.js';

export const OFFSET_INDEX_ENTRY_SIZE = 8;

export interface OffsetPosition {
  offset: bigint;
  position: number;
}

export class OffsetIndex extends IndexFile {
  /** Loads the file (absent: empty); throws CorruptIndexError when its entries cannot be right. */
  static async open(path: string, baseOffset: bigint, maxIndexSize: number): Promise<OffsetIndex> {
    const contents = await IndexFile.readContents(path, OFFSET_INDEX_ENTRY_SIZE);
    const index = new OffsetIndex(path, baseOffset, OFFSET_INDEX_ENTRY_SIZE, maxIndexSize, contents ?? Buffer.alloc(0));
    index.existedOnOpen = contents !== null;
    index.hasFile = contents !== null;
    index.check();
    return index;
  }

  static empty(path: string, baseOffset: bigint, maxIndexSize: number): OffsetIndex {
    return new OffsetIndex(path, baseOffset, OFFSET_INDEX_ENTRY_SIZE, maxIndexSize, Buffer.alloc(0));
  }

  private check(): void {
    let previous = -1;
    let previousPosition = -1;
    for (let i = 0; i < this.count; i++) {
      const relative = this.buf.readInt32BE(i * OFFSET_INDEX_ENTRY_SIZE);
      const position = this.buf.readInt32BE(i * OFFSET_INDEX_ENTRY_SIZE + 4);
      if (relative <= previous || position < previousPosition) {
        throw new CorruptIndexError(this.path, `entry ${i} (${relative}, ${position}) does not follow (${previous}, ${previousPosition})`);
      }
      previous = relative;
      previousPosition = position;
    }
  }

  entry(slot: number): OffsetPosition {
    const at = slot * OFFSET_INDEX_ENTRY_SIZE;
    return { offset: this.baseOffset + BigInt(this.buf.readInt32BE(at)), position: this.buf.readInt32BE(at + 4) };
  }

  /** The last entry, or (baseOffset, 0) when there is none. */
  lastEntry(): OffsetPosition {
    return this.count === 0 ? { offset: this.baseOffset, position: 0 } : this.entry(this.count - 1);
  }

  /** The largest entry at or below `target`, or (baseOffset, 0): where to start scanning for it. */
  lookup(target: bigint): OffsetPosition {
    const slot = this.upperBound(target, (s) => this.keyAt(s)) - 1;
    return slot < 0 ? { offset: this.baseOffset, position: 0 } : this.entry(slot);
  }

  /** Adds an entry; offsets must rise. */
  append(offset: bigint, position: number): void {
    if (this.isFull) throw new RangeError(`offset index ${this.path} is full (${this.count} entries)`);
    if (this.count > 0 && offset <= this.lastEntry().offset) {
      throw new RangeError(`offset ${offset} is not above the last indexed offset ${this.lastEntry().offset} in ${this.path}`);
    }
    const at = this.slot();
    this.buf.writeInt32BE(this.relativeOffset(offset), at);
    this.buf.writeInt32BE(position, at + 4);
    this.pushed();
  }

  /** Removes the entries for offsets at or above `offset`. */
  truncateTo(offset: bigint): void {
    this.keep(this.upperBound(offset - 1n, (s) => this.keyAt(s)));
  }

  private keyAt(slot: number): bigint {
    return this.baseOffset + BigInt(this.buf.readInt32BE(slot * OFFSET_INDEX_ENTRY_SIZE));
  }
}
