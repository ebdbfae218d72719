// Replacing a small file so that a crash leaves either the old contents or the new, never a
// mix: write a temporary file, fsync it, rename it over the old one, fsync the directory.
import { constants, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { io } from './errors.js';

/** With `sync` false the data reaches the page cache only (Kafka's unsynced snapshots on roll). */
export async function writeFileDurably(path: string, data: string | Buffer, sync = true): Promise<void> {
  const tmp = `${path}.tmp`;
  await io(`writing ${path}`, async () => {
    const handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644);
    try {
      await handle.writeFile(data);
      if (sync) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
    if (sync) await syncDir(dirname(path));
  });
}

/** fsyncs a directory so a rename in it survives a crash; some platforms refuse, which is harmless. */
export async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // Directories cannot be opened or synced everywhere (Windows); the rename still happened.
  } finally {
    await handle?.close();
  }
}
