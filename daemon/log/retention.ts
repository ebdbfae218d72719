// Retention (Kafka's UnifiedLog.deleteOldSegments), run every log.retention.check.interval.ms:
// whole segments go when they are older than retention.ms (by their largest timestamp), when
// the log is larger than retention.bytes, or when they lie wholly below the log start offset
// (DeleteRecords). Only segments below the high watermark are deleted for time or size. As in
// Kafka, an active segment that is itself past retention is rolled first and then deleted, so
// a topic that stopped receiving data still empties.
import { hasDeleteRetention } from './log-config.js';
import type { PartitionLog } from './partition-log.js';

/** Applies the log's retention settings at time `now`; returns the number of segments deleted. */
export async function enforceRetention(log: PartitionLog, now: number): Promise<number> {
  let deleted = 0;
  const config = log.config;
  if (hasDeleteRetention(config)) {
    if (config.retentionMs >= 0) {
      deleted += await log.deleteOldSegments((segment) => now - segment.largestTimestamp > config.retentionMs, `retention.ms ${config.retentionMs} breached`, {
        boundByHighWatermark: true,
      });
    }
    if (config.retentionBytes >= 0) {
      // Measured when the deletion runs, after any queued appends.
      let excess: number | null = null;
      deleted += await log.deleteOldSegments(
        (segment) => {
          excess ??= log.size - config.retentionBytes;
          if (excess - segment.size < 0) return false;
          excess -= segment.size;
          return true;
        },
        `retention.bytes ${config.retentionBytes} breached`,
        { boundByHighWatermark: true },
      );
    }
  }
  deleted += await log.deleteOldSegments((_, next) => next !== undefined && next.baseOffset <= log.logStartOffset, 'below the log start offset', {
    boundByHighWatermark: false,
  });
  return deleted;
}
