// `partition.metadata`: the topic id a partition directory belongs to, in Kafka's text form
// ("version: 0\ntopic_id: <base64url uuid>"), so a recreated topic's old data is recognised.
import { constants, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDir } from './checkpoint.js';
import { io, isNotFound } from './errors.js';
import { PARTITION_METADATA } from './files.js';

export async function writePartitionMetadata(dir: string, topicId: string): Promise<void> {
  const path = join(dir, PARTITION_METADATA);
  const tmp = `${path}.tmp`;
  await io(`writing ${path}`, async () => {
    const handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644);
    try {
      await handle.writeFile(`version: 0\ntopic_id: ${topicId}`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
    await syncDir(dir);
  });
}

/** The topic id, or null when the file is absent or not in the expected form. */
export async function readPartitionMetadata(dir: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(join(dir, PARTITION_METADATA), 'utf8');
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
  const match = /^version:\s*0\s*\ntopic_id:\s*(\S+)\s*$/.exec(text);
  return match ? match[1] : null;
}
