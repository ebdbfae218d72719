import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptIndexError } from '../../../daemon/log/index-file.js';
import { OffsetIndex } from '../../../daemon/log/offset-index.js';
import { TimeIndex } from '../../../daemon/log/time-index.js';
import { tempDir } from './helpers.js';

describe('offset index', () => {
  it('finds the largest entry at or below a target, and (base, 0) below the first', async () => {
    const dir = await tempDir();
    const index = await OffsetIndex.open(join(dir, '00000000000000000100.index'), 100n, 1024);
    index.append(105n, 4000);
    index.append(110n, 8000);
    index.append(130n, 12000);
    expect(index.lookup(99n)).toEqual({ offset: 100n, position: 0 });
    expect(index.lookup(104n)).toEqual({ offset: 100n, position: 0 });
    expect(index.lookup(105n)).toEqual({ offset: 105n, position: 4000 });
    expect(index.lookup(129n)).toEqual({ offset: 110n, position: 8000 });
    expect(index.lookup(10_000n)).toEqual({ offset: 130n, position: 12000 });
  });

  it('writes Kafka entries (relative offset int32, position int32) and nothing after them', async () => {
    const dir = await tempDir();
    const path = join(dir, '00000000000000000100.index');
    const index = await OffsetIndex.open(path, 100n, 10 * 1024 * 1024);
    index.append(105n, 4000);
    index.append(110n, 8000);
    await index.flush();
    const bytes = await readFile(path);
    expect(bytes.toString('hex')).toBe('00000005' + '00000fa0' + '0000000a' + '00001f40');
    const reopened = await OffsetIndex.open(path, 100n, 10 * 1024 * 1024);
    expect(reopened.entries).toBe(2);
    expect(reopened.lookup(200n)).toEqual({ offset: 110n, position: 8000 });
  });

  it('truncation drops the entries at and above an offset, on disk too', async () => {
    const dir = await tempDir();
    const path = join(dir, '00000000000000000000.index');
    const index = await OffsetIndex.open(path, 0n, 1024);
    for (let i = 1; i <= 5; i++) index.append(BigInt(i * 10), i * 100);
    await index.flush();
    index.truncateTo(30n);
    expect(index.entries).toBe(2);
    expect(index.lastEntry()).toEqual({ offset: 20n, position: 200 });
    index.append(25n, 250);
    await index.flush();
    expect((await stat(path)).size).toBe(24);
    const reopened = await OffsetIndex.open(path, 0n, 1024);
    expect(reopened.lastEntry()).toEqual({ offset: 25n, position: 250 });
  });

  it('is full at segment.index.bytes / 8 entries', async () => {
    const dir = await tempDir();
    const index = await OffsetIndex.open(join(dir, 'x.index'), 0n, 20);
    index.append(1n, 1);
    expect(index.isFull).toBe(false);
    index.append(2n, 2);
    expect(index.isFull).toBe(true);
    expect(() => index.append(3n, 3)).toThrow(RangeError);
  });

  it('refuses offsets that do not rise', async () => {
    const index = OffsetIndex.empty('/nonexistent/x.index', 0n, 1024);
    index.append(5n, 10);
    expect(() => index.append(5n, 20)).toThrow(RangeError);
  });

  it('reports a file of partial entries or falling offsets as corrupt', async () => {
    const dir = await tempDir();
    const partial = join(dir, 'a.index');
    await writeFile(partial, Buffer.alloc(12));
    await expect(OffsetIndex.open(partial, 0n, 1024)).rejects.toBeInstanceOf(CorruptIndexError);
    const falling = join(dir, 'b.index');
    await writeFile(falling, Buffer.from('00000005000000100000000300000020', 'hex'));
    await expect(OffsetIndex.open(falling, 0n, 1024)).rejects.toBeInstanceOf(CorruptIndexError);
  });

  it('a missing file is an empty index that says so', async () => {
    const dir = await tempDir();
    const index = await OffsetIndex.open(join(dir, 'none.index'), 7n, 1024);
    expect(index.entries).toBe(0);
    expect(index.existedOnOpen).toBe(false);
    expect(index.lastEntry()).toEqual({ offset: 7n, position: 0 });
  });
});

describe('time index', () => {
  it('keeps only rising timestamps and looks up the largest at or below a target', async () => {
    const dir = await tempDir();
    const index = await TimeIndex.open(join(dir, '00000000000000000000.timeindex'), 0n, 1024);
    index.maybeAppend(1000n, 5n);
    index.maybeAppend(1000n, 6n);
    index.maybeAppend(900n, 7n);
    index.maybeAppend(2000n, 9n);
    expect(index.entries).toBe(2);
    expect(index.lookup(999n)).toEqual({ timestamp: -1n, offset: 0n });
    expect(index.lookup(1500n)).toEqual({ timestamp: 1000n, offset: 5n });
    expect(index.lookup(5000n)).toEqual({ timestamp: 2000n, offset: 9n });
    expect(() => index.maybeAppend(3000n, 8n)).toThrow(RangeError);
  });

  it('writes 12-byte entries (timestamp int64, relative offset int32)', async () => {
    const dir = await tempDir();
    const path = join(dir, '00000000000000000050.timeindex');
    const index = await TimeIndex.open(path, 50n, 1024);
    index.maybeAppend(0x0102030405n, 52n);
    await index.flush();
    expect((await readFile(path)).toString('hex')).toBe('0000000102030405' + '00000002');
    const reopened = await TimeIndex.open(path, 50n, 1024);
    expect(reopened.lastEntry()).toEqual({ timestamp: 0x0102030405n, offset: 52n });
  });

  it('a no-timestamp (-1) entry is never written into an empty index', () => {
    const index = TimeIndex.empty('/nonexistent/x.timeindex', 0n, 1024);
    index.maybeAppend(-1n, 3n);
    expect(index.entries).toBe(0);
  });

  it('truncation removes entries for offsets at and above the target', () => {
    const index = TimeIndex.empty('/nonexistent/x.timeindex', 0n, 1024);
    index.maybeAppend(10n, 1n);
    index.maybeAppend(20n, 5n);
    index.maybeAppend(30n, 9n);
    index.truncateTo(5n);
    expect(index.lastEntry()).toEqual({ timestamp: 10n, offset: 1n });
  });
});
