// metadata.max.retention.bytes and metadata.max.retention.ms (Kafka's KafkaMetadataLog.maybeClean):
// while the log and the snapshots together are too large, or the oldest snapshot's last record
// is too old, the oldest snapshot goes and the log then starts at the next one, its segments
// wholly before that deleted. The latest snapshot always stays, so the log is never trimmed
// past it; a negative setting turns its rule off.
import type { RaftLog } from './raft-log.js';
import { snapshotTimestamp } from './snapshot-format.js';
import type { SnapshotId } from './snapshots.js';

export interface RetentionPolicy {
  maxBytes: number;
  maxMs: number;
}

/** The header batch is a few dozen bytes; this reads it whole. */
const HEADER_READ_BYTES = 4096;

export async function cleanSnapshots(log: RaftLog, policy: RetentionPolicy, now: number): Promise<boolean> {
  const bySize = await cleanBySize(log, policy.maxBytes);
  const byAge = await cleanByAge(log, policy.maxMs, now);
  return bySize || byAge;
}

/** From the oldest snapshot on, while `expired` gives a reason, starts the log at the next snapshot. */
async function cleanWhile(log: RaftLog, expired: (id: SnapshotId) => Promise<string | null>): Promise<boolean> {
  const ids = [...log.snapshots.list()];
  let cleaned = false;
  for (let i = 0; i + 1 < ids.length; i++) {
    const reason = await expired(ids[i]);
    if (reason === null || !(await log.deleteBeforeSnapshot(ids[i + 1], reason))) break;
    cleaned = true;
  }
  return cleaned;
}

async function cleanBySize(log: RaftLog, maxBytes: number): Promise<boolean> {
  if (maxBytes < 0) return false;
  const sizes = new Map<SnapshotId, number>();
  for (const id of log.snapshots.list()) sizes.set(id, Number(await log.snapshots.size(id)));
  let snapshotBytes = [...sizes.values()].reduce((a, b) => a + b, 0);
  return cleanWhile(log, async (id) => {
    if (log.sizeInBytes + snapshotBytes <= maxBytes) return null;
    const reason = `the log (${log.sizeInBytes} bytes) and the snapshots (${snapshotBytes} bytes) exceed metadata.max.retention.bytes (${maxBytes})`;
    snapshotBytes -= sizes.get(id) ?? 0;
    return reason;
  });
}

async function cleanByAge(log: RaftLog, maxMs: number, now: number): Promise<boolean> {
  if (maxMs < 0) return false;
  return cleanWhile(log, async (id) => {
    const timestamp = snapshotTimestamp(await log.snapshots.slice(id, 0n, HEADER_READ_BYTES));
    if (timestamp === null || now - Number(timestamp) <= maxMs) return null;
    return `its last record (${timestamp}) is older than metadata.max.retention.ms (${maxMs})`;
  });
}
