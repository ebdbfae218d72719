// Kafka's checkpoint text files: a version line (0), a count line, then one entry per line.
// recovery-point-offset-checkpoint, log-start-offset-checkpoint, replication-offset-checkpoint
// and cleaner-offset-checkpoint hold `topic partition offset`; leader-epoch-checkpoint holds
// `epoch startOffset`. Replaced durably (durable-file.ts): a crash leaves the old file or the new.
import { readFile } from 'node:fs/promises';
import { writeFileDurably } from './durable-file.js';
import { isNotFound } from './errors.js';

const VERSION = 0;

export class CorruptCheckpointError extends Error {
  constructor(path: string, reason: string) {
    super(`malformed checkpoint file ${path}: ${reason}`);
    this.name = 'CorruptCheckpointError';
  }
}

export async function writeCheckpointFile(path: string, lines: readonly string[]): Promise<void> {
  await writeFileDurably(path, `${VERSION}\n${lines.length}\n${lines.map((l) => `${l}\n`).join('')}`);
}

/** The entry lines, split on whitespace; null when the file does not exist. */
export async function readCheckpointFile(path: string, fieldsPerLine: number): Promise<string[][] | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length < 2) throw new CorruptCheckpointError(path, 'no version and count lines');
  if (Number(lines[0].trim()) !== VERSION) throw new CorruptCheckpointError(path, `unknown version ${lines[0]}`);
  const count = Number(lines[1].trim());
  if (!Number.isInteger(count) || count < 0 || count !== lines.length - 2) {
    throw new CorruptCheckpointError(path, `count ${lines[1]} does not match ${lines.length - 2} entries`);
  }
  return lines.slice(2).map((line, i) => {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== fieldsPerLine) throw new CorruptCheckpointError(path, `entry ${i} has ${fields.length} fields`);
    return fields;
  });
}

/** `topic-partition` -> offset, as the offset checkpoints hold them. */
export type OffsetCheckpoint = Map<string, bigint>;

export function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

export async function readOffsetCheckpoint(path: string): Promise<OffsetCheckpoint> {
  const out: OffsetCheckpoint = new Map();
  const entries = await readCheckpointFile(path, 3);
  for (const [topic, partition, offset] of entries ?? []) {
    if (!/^\d+$/.test(partition) || !/^-?\d+$/.test(offset)) throw new CorruptCheckpointError(path, `bad entry ${topic} ${partition} ${offset}`);
    out.set(topicPartitionKey(topic, Number(partition)), BigInt(offset));
  }
  return out;
}

export async function writeOffsetCheckpoint(path: string, offsets: Iterable<{ topic: string; partition: number; offset: bigint }>): Promise<void> {
  const lines: string[] = [];
  for (const { topic, partition, offset } of offsets) lines.push(`${topic} ${partition} ${offset}`);
  await writeCheckpointFile(path, lines);
}
