import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOffsetCheckpoint, writeOffsetCheckpoint, CorruptCheckpointError, readCheckpointFile } from '../../../daemon/log/checkpoint.js';
import { LeaderEpochCache } from '../../../daemon/log/leader-epoch-cache.js';
import { tempDir } from './helpers.js';
import { writeFile } from 'node:fs/promises';

describe('leader epoch cache', () => {
  it('records where each epoch starts and persists it as leader-epoch-checkpoint', async () => {
    const dir = await tempDir();
    const cache = await LeaderEpochCache.load(dir);
    cache.assign(1, 0n);
    cache.assign(1, 5n);
    cache.assign(3, 10n);
    await cache.flush();
    expect(await readFile(join(dir, 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n2\n1 0\n3 10\n');
    expect((await LeaderEpochCache.load(dir)).entries()).toEqual(cache.entries());
  });

  it('a new entry removes the entries it contradicts', async () => {
    const cache = await LeaderEpochCache.load(await tempDir());
    cache.assign(1, 0n);
    cache.assign(2, 10n);
    cache.assign(3, 20n);
    cache.assign(4, 15n);
    expect(cache.entries()).toEqual([
      { epoch: 1, startOffset: 0n },
      { epoch: 2, startOffset: 10n },
      { epoch: 4, startOffset: 15n },
    ]);
    await cache.flush();
  });

  it('answers OffsetForLeaderEpoch as Kafka does', async () => {
    const cache = await LeaderEpochCache.load(await tempDir());
    expect(cache.endOffsetFor(1, 50n)).toEqual({ epoch: -1, endOffset: -1n });
    cache.assign(2, 10n);
    cache.assign(4, 20n);
    cache.assign(6, 30n);
    expect(cache.endOffsetFor(6, 50n)).toEqual({ epoch: 6, endOffset: 50n });
    expect(cache.endOffsetFor(4, 50n)).toEqual({ epoch: 4, endOffset: 30n });
    expect(cache.endOffsetFor(5, 50n)).toEqual({ epoch: 4, endOffset: 30n });
    expect(cache.endOffsetFor(1, 50n)).toEqual({ epoch: 1, endOffset: 10n });
    expect(cache.endOffsetFor(7, 50n)).toEqual({ epoch: -1, endOffset: -1n });
    expect(cache.endOffsetFor(-1, 50n)).toEqual({ epoch: -1, endOffset: -1n });
    expect(cache.epochForOffset(25n)).toBe(4);
    expect(cache.epochForOffset(5n)).toBe(-1);
    await cache.flush();
  });

  it('truncates from the end and from the start', async () => {
    const cache = await LeaderEpochCache.load(await tempDir());
    cache.assign(1, 0n);
    cache.assign(2, 10n);
    cache.assign(3, 20n);
    cache.truncateFromEnd(20n);
    expect(cache.latestEpoch()).toBe(2);
    cache.truncateFromStart(12n);
    expect(cache.entries()).toEqual([{ epoch: 2, startOffset: 12n }]);
    await cache.flush();
  });

  it('leaves the file alone when the log start changes nothing (every partition at load)', async () => {
    const dir = await tempDir();
    const path = join(dir, 'leader-epoch-checkpoint');
    await writeFile(path, '0\n1\n4 0\n');
    const cache = await LeaderEpochCache.load(dir);
    await writeFile(path, 'sentinel');
    cache.truncateFromStart(0n);
    await cache.flush();
    expect(await readFile(path, 'utf8')).toBe('sentinel');
    cache.truncateFromStart(3n);
    await cache.flush();
    expect(await readFile(path, 'utf8')).toBe('0\n1\n4 3\n');
  });
});

describe('checkpoint files', () => {
  it('are Kafka text: version, count, one entry per line', async () => {
    const path = join(await tempDir(), 'recovery-point-offset-checkpoint');
    await writeOffsetCheckpoint(path, [
      { topic: 'orders', partition: 0, offset: 42n },
      { topic: 'my-topic', partition: 11, offset: 7n },
    ]);
    expect(await readFile(path, 'utf8')).toBe('0\n2\norders 0 42\nmy-topic 11 7\n');
    expect(await readOffsetCheckpoint(path)).toEqual(
      new Map([
        ['orders-0', 42n],
        ['my-topic-11', 7n],
      ]),
    );
  });

  it('a count that does not match the entries is corrupt; a missing file is empty', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'bad'), '0\n3\norders 0 1\n');
    await expect(readCheckpointFile(join(dir, 'bad'), 3)).rejects.toBeInstanceOf(CorruptCheckpointError);
    expect(await readOffsetCheckpoint(join(dir, 'missing'))).toEqual(new Map());
  });
});
