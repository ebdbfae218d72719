// The metadata log's snapshots: files `<endOffset, 20 digits>-<epoch, 10 digits>.checkpoint` in
// `__cluster_metadata-0/` (Kafka's Snapshots), each the committed image up to, not including,
// its end offset. A snapshot is written (or downloaded) to `.checkpoint.part`, fsynced and
// renamed, so a crash leaves either a whole snapshot or a part file that recovery deletes.
// Snapshots no longer needed are renamed `.checkpoint.deleted`, then removed.
import { constants, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDir } from '../../log/durable-file.js';
import { io } from '../../log/errors.js';
import type { Logger } from '../../logger.js';

/** A snapshot's id: the offset it ends at (exclusive) and the epoch of its last record. */
export interface SnapshotId {
  endOffset: bigint;
  epoch: number;
}

export const SNAPSHOT_SUFFIX = '.checkpoint';
const PARTIAL_SUFFIX = `${SNAPSHOT_SUFFIX}.part`;
const DELETED_SUFFIX = `${SNAPSHOT_SUFFIX}.deleted`;
const NAME = /^(\d{20})-(\d{10})\.checkpoint(\.part|\.deleted)?$/;

export function snapshotFileName(id: SnapshotId, suffix = SNAPSHOT_SUFFIX): string {
  return `${id.endOffset.toString().padStart(20, '0')}-${String(id.epoch).padStart(10, '0')}${suffix}`;
}

/** The id and state of a snapshot file by its name; null for any other file. */
export function parseSnapshotFileName(name: string): { id: SnapshotId; partial: boolean; deleted: boolean } | null {
  const match = NAME.exec(name);
  if (match === null) return null;
  return { id: { endOffset: BigInt(match[1]), epoch: Number(match[2]) }, partial: match[3] === '.part', deleted: match[3] === '.deleted' };
}

export function compareSnapshotIds(a: SnapshotId, b: SnapshotId): number {
  if (a.endOffset !== b.endOffset) return a.endOffset < b.endOffset ? -1 : 1;
  return a.epoch - b.epoch;
}

export function sameSnapshot(a: SnapshotId, b: SnapshotId): boolean {
  return compareSnapshotIds(a, b) === 0;
}

export function describeSnapshot(id: SnapshotId): string {
  return `(${id.endOffset}, ${id.epoch})`;
}

/** A snapshot being written: chunks appended in order (a download from the leader comes in several), then frozen. */
export class PartialSnapshot {
  private size_ = 0n;

  constructor(
    readonly id: SnapshotId,
    private readonly path: string,
  ) {}

  get size(): bigint {
    return this.size_;
  }

  async append(bytes: Buffer): Promise<void> {
    await io(`writing ${this.path}`, async () => {
      const handle = await open(this.path, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND, 0o644);
      try {
        await handle.write(bytes);
      } finally {
        await handle.close();
      }
    });
    this.size_ += BigInt(bytes.length);
  }

  discard(): Promise<void> {
    return rm(this.path, { force: true });
  }
}

/** The snapshots of one metadata log directory, oldest first. */
export class SnapshotStore {
  private ids: SnapshotId[] = [];

  constructor(
    readonly dir: string,
    private readonly logger: Logger,
  ) {}

  /**
   * Scans the directory (Kafka's recoverSnapshots): part files, deleted files and snapshots that
   * end before the log start offset are removed; the rest are remembered.
   */
  async recover(logStartOffset: bigint): Promise<void> {
    const names = await io(`listing ${this.dir}`, () => readdir(this.dir));
    const kept: SnapshotId[] = [];
    for (const name of names) {
      const parsed = parseSnapshotFileName(name);
      if (parsed === null) continue;
      if (parsed.partial || parsed.deleted || parsed.id.endOffset < logStartOffset) {
        await io(`deleting ${name}`, () => rm(join(this.dir, name), { force: true }));
        this.logger.info(`metadata log: deleted unneeded snapshot file ${name}`);
      } else {
        kept.push(parsed.id);
      }
    }
    this.ids = kept.sort(compareSnapshotIds);
    if (logStartOffset > 0n && !this.ids.some((id) => id.endOffset >= logStartOffset)) {
      throw new Error(`inconsistent metadata snapshots in ${this.dir}: the log starts at ${logStartOffset} but no snapshot reaches it`);
    }
  }

  get latest(): SnapshotId | null {
    return this.ids[this.ids.length - 1] ?? null;
  }

  get earliest(): SnapshotId | null {
    return this.ids[0] ?? null;
  }

  list(): readonly SnapshotId[] {
    return this.ids;
  }

  has(id: SnapshotId): boolean {
    return this.ids.some((known) => sameSnapshot(known, id));
  }

  path(id: SnapshotId): string {
    return join(this.dir, snapshotFileName(id));
  }

  /** An empty part file for a snapshot being written here or downloaded from the leader. */
  async startPartial(id: SnapshotId): Promise<PartialSnapshot> {
    const partial = new PartialSnapshot(id, join(this.dir, snapshotFileName(id, PARTIAL_SUFFIX)));
    await partial.discard();
    return partial;
  }

  /** Makes a complete part file the snapshot: fsync, rename, fsync the directory. */
  async freeze(partial: PartialSnapshot): Promise<void> {
    const from = join(this.dir, snapshotFileName(partial.id, PARTIAL_SUFFIX));
    const to = this.path(partial.id);
    await io(`freezing ${to}`, async () => {
      const handle = await open(from, constants.O_RDONLY);
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(from, to);
    });
    await syncDir(this.dir);
    if (!this.has(partial.id)) this.ids = [...this.ids, partial.id].sort(compareSnapshotIds);
  }

  async size(id: SnapshotId): Promise<bigint> {
    return BigInt((await io(`reading ${this.path(id)}`, () => stat(this.path(id)))).size);
  }

  /** Up to `maxBytes` of the snapshot's file from `position`: FetchSnapshot's unaligned records. */
  async slice(id: SnapshotId, position: bigint, maxBytes: number): Promise<Buffer> {
    return io(`reading ${this.path(id)}`, async () => {
      const handle = await open(this.path(id), constants.O_RDONLY);
      try {
        const buffer = Buffer.alloc(maxBytes);
        const { bytesRead } = await handle.read(buffer, 0, maxBytes, Number(position));
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    });
  }

  /** The whole file of a snapshot. */
  async read(id: SnapshotId): Promise<Buffer> {
    const size = await this.size(id);
    return this.slice(id, 0n, Number(size));
  }

  /** Forgets the snapshots before `id` (the log now starts there) and deletes their files. */
  async forgetBefore(id: SnapshotId, reason: string): Promise<SnapshotId[]> {
    const forgotten = this.ids.filter((known) => compareSnapshotIds(known, id) < 0);
    if (forgotten.length === 0) return [];
    this.ids = this.ids.filter((known) => compareSnapshotIds(known, id) >= 0);
    for (const old of forgotten) {
      this.logger.info(`metadata log: deleting snapshot ${describeSnapshot(old)}: ${reason}`);
      // Renamed first, so that a crash before the removal leaves a file recovery knows to delete.
      const deleted = join(this.dir, snapshotFileName(old, DELETED_SUFFIX));
      await io(`deleting ${this.path(old)}`, async () => {
        await rename(this.path(old), deleted);
        await rm(deleted, { force: true });
      }).catch((err: Error) => this.logger.warn(err.message));
    }
    return forgotten;
  }
}
