// Inputs the benches feed to producers, and topics to feed them into.
import { writeFileSync } from 'node:fs';
import { Admin } from '../../src/client/admin.js';
import { Cluster } from '../../src/client/cluster.js';

// Words drawn at random make values that compress about as well as log lines do (lz4 ~2:1),
// unlike a repeated byte (which any codec erases) or random bytes (which none can shrink).
const WORDS = ('broker topic partition offset leader replica fetch produce record batch segment index ' +
  'client group member commit timestamp request response error retry latency throughput memory ' +
  'network socket buffer queue thread metadata controller quorum epoch session').split(' ');

/** One line of exactly `size` bytes, newline included. */
function recordLine(size: number, seed: number): string {
  let line = `${seed} `;
  while (line.length < size - 1) line += WORDS[Math.floor(Math.random() * WORDS.length)] + ' ';
  return line.slice(0, size - 1) + '\n';
}

/** A file of `count` newline-terminated records of `size` bytes each (`kcat -P -l`'s input). */
export function writeRecordFile(path: string, size: number, count: number): void {
  // A pool of distinct lines cycled through: cheap to write, and far apart enough that a
  // compressor sees no repeats within one batch.
  const pool = Array.from({ length: 4096 }, (_, i) => recordLine(size, i));
  const chunk = pool.join('');
  const whole = Math.floor(count / pool.length);
  writeFileSync(path, chunk.repeat(whole) + pool.slice(0, count - whole * pool.length).join(''));
}

export async function createTopics(bootstrap: string, topics: readonly { name: string; partitions?: number; configs?: Record<string, string> }[]): Promise<void> {
  const cluster = await Cluster.connect(bootstrap);
  try {
    const results = await new Admin(cluster).createTopics(topics.map((t) => ({ name: t.name, numPartitions: t.partitions ?? 1, replicationFactor: 1, configs: t.configs })));
    const failed = results.find((r) => r.error !== null);
    if (failed) throw new Error(`creating topic ${failed.name}: ${failed.error!.message}`);
  } finally {
    cluster.close();
  }
}
