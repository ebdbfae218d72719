// Kafka's file names inside a partition directory: every segment file and producer snapshot is
// named by a 20-digit, zero-padded offset, so a directory listing sorts by offset.
import { join } from 'node:path';

export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
export const SNAPSHOT_SUFFIX = '.snapshot';
/** Files waiting for their delayed delete. */
export const DELETED_SUFFIX = '.deleted';
/** A compacted segment being written; incomplete until renamed to SWAP. */
export const CLEANED_SUFFIX = '.cleaned';
/** A compacted segment complete on disk, replacing the segments it covers. */
export const SWAP_SUFFIX = '.swap';

export const LEADER_EPOCH_CHECKPOINT = 'leader-epoch-checkpoint';
export const PARTITION_METADATA = 'partition.metadata';

export function offsetFileName(offset: bigint): string {
  return offset.toString().padStart(20, '0');
}

export function segmentFile(dir: string, baseOffset: bigint, suffix: string, extra = ''): string {
  return join(dir, offsetFileName(baseOffset) + suffix + extra);
}

/** The offset a file is named by, or null for a file that is not named by one. */
export function offsetFromFileName(name: string): bigint | null {
  const match = /^(\d{20})\./.exec(name);
  return match ? BigInt(match[1]) : null;
}
