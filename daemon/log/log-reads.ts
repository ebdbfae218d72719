// Reads over a log's segments, as a snapshot of the segment list: what a fetch and ListOffsets
// need, with no state of their own, so they run alongside appends.
import type { LogConfig } from './log-config.js';
import type { LogSegment, SegmentSettings, TimestampAndOffset } from './segment.js';

const EMPTY = Buffer.alloc(0);

/** Whole batches from the segment holding `fetchOffset` on, as LogSegment.read bounds them. */
export async function readSegments(
  segments: readonly LogSegment[],
  fetchOffset: bigint,
  maxBytes: number,
  maxOffset: bigint,
  minOneMessage: boolean,
): Promise<{ records: Buffer; nextOffset: bigint }> {
  if (fetchOffset < maxOffset) {
    // A segment may hold nothing at or after the offset (compaction emptied its end): try the next.
    for (let i = floorSegment(segments, fetchOffset); i < segments.length; i++) {
      const read = await segments[i].read(fetchOffset, maxBytes, maxOffset, minOneMessage);
      if (read !== null) return read;
    }
  }
  return { records: EMPTY, nextOffset: fetchOffset };
}

/** The first record at or after `startOffset` whose timestamp is at or above `timestamp`. */
export async function findOffsetByTimestamp(segments: readonly LogSegment[], timestamp: bigint, startOffset: bigint): Promise<TimestampAndOffset | null> {
  for (let i = floorSegment(segments, startOffset); i < segments.length; i++) {
    if (segments[i].maxTimestampSoFar < timestamp) continue;
    const found = await segments[i].findOffsetByTimestamp(timestamp, startOffset);
    if (found !== null) return found;
  }
  return null;
}

/** The record with the largest timestamp, in the first segment that holds it. */
export async function findMaxTimestamp(segments: readonly LogSegment[]): Promise<TimestampAndOffset | null> {
  let latest: LogSegment | null = null;
  for (const segment of segments) if (latest === null || segment.maxTimestampSoFar > latest.maxTimestampSoFar) latest = segment;
  return latest === null ? null : latest.findMaxTimestamp();
}

/** The index of the last segment whose base offset is at or below `offset` (0 if none is). */
export function floorSegment(segments: readonly LogSegment[], offset: bigint): number {
  let lo = 0;
  let hi = segments.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid].baseOffset <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

export function segmentSettings(config: LogConfig): SegmentSettings {
  return { indexIntervalBytes: config.indexIntervalBytes, segmentIndexBytes: config.segmentIndexBytes };
}
