// `partition.metadata`: the topic id a partition directory belongs to, in Kafka's text form
// ("version: 0\ntopic_id: <base64url uuid>"), so a recreated topic's old data is recognised.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurably } from './durable-file.js';
import { isNotFound } from './errors.js';
import { PARTITION_METADATA } from './files.js';

export async function writePartitionMetadata(dir: string, topicId: string): Promise<void> {
  await writeFileDurably(join(dir, PARTITION_METADATA), `version: 0\ntopic_id: ${topicId}`);
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
