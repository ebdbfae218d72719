// Opening a partition directory: finishing or discarding what a crash interrupted (deletes,
// compactions), opening the segments, and after an unclean stop recovering every segment from
// the recovery point on: each batch is checked (size, magic, CRC, rising offsets), the log is
// cut at the first bad one and the indexes rebuilt. A clean stop skips the scan entirely.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from './clock.js';
import { io } from './errors.js';
import {
  CLEANED_SUFFIX,
  DELETED_SUFFIX,
  INDEX_SUFFIX,
  LOG_SUFFIX,
  SWAP_SUFFIX,
  TIME_INDEX_SUFFIX,
  offsetFromFileName,
} from './files.js';
import type { LeaderEpochCache } from './leader-epoch-cache.js';
import { LogSegment, type SegmentSettings } from './segment.js';
import type { Logger } from '../logger.js';

export interface LoadOptions {
  recoveryPoint: bigint;
  hadCleanShutdown: boolean;
  /** From log-start-offset-checkpoint, when there is an entry. */
  logStartOffset: bigint | null;
  epochCache: LeaderEpochCache;
  logger: Logger;
  name: string;
}

export interface LoadedLog {
  segments: LogSegment[];
  logStartOffset: bigint;
  logEndOffset: bigint;
  recoveryPoint: bigint;
}

export async function loadLog(dir: string, settings: SegmentSettings, clock: Clock, options: LoadOptions): Promise<LoadedLog> {
  const names = await io(`listing ${dir}`, () => readdir(dir));
  await removeLeftovers(dir, names);
  const swapped = await completeSwaps(dir, names, settings, clock, options);

  const bases = new Set<bigint>();
  const all = await io(`listing ${dir}`, () => readdir(dir));
  for (const name of all) {
    const base = offsetFromFileName(name);
    if (base !== null && name.endsWith(LOG_SUFFIX)) bases.add(base);
  }
  // An index whose log is gone is removed, as Kafka does.
  for (const name of all) {
    const base = offsetFromFileName(name);
    if (base !== null && (name.endsWith(INDEX_SUFFIX) || name.endsWith(TIME_INDEX_SUFFIX)) && !bases.has(base)) {
      await io(`deleting ${name}`, () => rm(join(dir, name), { force: true }));
    }
  }

  let segments: LogSegment[] = [];
  for (const base of [...bases].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) segments.push(await LogSegment.open(dir, base, settings, clock));
  if (segments.length === 0) segments.push(await LogSegment.open(dir, options.logStartOffset ?? 0n, settings, clock));

  const recoverFrom = options.hadCleanShutdown ? segments.length : recoveryStart(segments, options.recoveryPoint);
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (i < recoverFrom && !segment.needsRecovery && !swapped.has(segment.baseOffset)) continue;
    const truncated = await segment.recover((header) => {
      if (header.partitionLeaderEpoch >= 0 && header.partitionLeaderEpoch > options.epochCache.latestEpoch()) {
        options.epochCache.assign(header.partitionLeaderEpoch, header.baseOffset);
      }
    });
    if (truncated > 0 && i >= recoverFrom) {
      options.logger.warn(`${options.name}: recovery cut ${truncated} invalid bytes from the segment at ${segment.baseOffset}; later segments are removed`);
      for (const later of segments.slice(i + 1)) await later.deleteFiles();
      segments = segments.slice(0, i + 1);
      break;
    }
  }

  const active = segments[segments.length - 1];
  const logEndOffset = await active.readNextOffset();
  let logStartOffset = options.logStartOffset ?? segments[0].baseOffset;
  if (logStartOffset < segments[0].baseOffset) logStartOffset = segments[0].baseOffset;
  if (logStartOffset > logEndOffset) logStartOffset = logEndOffset;
  const recoveryPoint = options.hadCleanShutdown || options.recoveryPoint > logEndOffset ? logEndOffset : options.recoveryPoint;
  options.epochCache.truncateFromEnd(logEndOffset);
  options.epochCache.truncateFromStart(logStartOffset);
  return { segments, logStartOffset, logEndOffset, recoveryPoint };
}

/** The index of the segment holding the recovery point: recovery starts there. */
function recoveryStart(segments: readonly LogSegment[], recoveryPoint: bigint): number {
  let start = 0;
  for (let i = 0; i < segments.length; i++) if (segments[i].baseOffset <= recoveryPoint) start = i;
  return start;
}

/** Files of deletes that did not finish and of compactions that never completed. */
async function removeLeftovers(dir: string, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const orphanSwapIndex = name.endsWith(SWAP_SUFFIX) && !name.endsWith(LOG_SUFFIX + SWAP_SUFFIX) && !names.includes(name.replace(/\.(index|timeindex)\.swap$/, `${LOG_SUFFIX}${SWAP_SUFFIX}`));
    if (name.endsWith(DELETED_SUFFIX) || name.endsWith(CLEANED_SUFFIX) || name.endsWith('.tmp') || orphanSwapIndex) {
      await io(`deleting ${name}`, () => rm(join(dir, name), { force: true }));
    }
  }
}

/**
 * A `.swap` segment is a compaction's output that was complete on disk when the process stopped:
 * the segments it replaces are removed and it takes their place. Returns the swapped-in bases,
 * whose indexes are rebuilt.
 */
async function completeSwaps(dir: string, names: readonly string[], settings: SegmentSettings, clock: Clock, options: LoadOptions): Promise<Set<bigint>> {
  const swapped = new Set<bigint>();
  for (const name of names) {
    if (!name.endsWith(LOG_SUFFIX + SWAP_SUFFIX)) continue;
    const base = offsetFromFileName(name);
    if (base === null) continue;
    const swap = await LogSegment.open(dir, base, settings, clock, SWAP_SUFFIX);
    const next = await nextOffsetByScan(swap);
    for (const other of names) {
      const otherBase = offsetFromFileName(other);
      const isSegmentFile = other.endsWith(LOG_SUFFIX) || other.endsWith(INDEX_SUFFIX) || other.endsWith(TIME_INDEX_SUFFIX);
      if (otherBase !== null && isSegmentFile && otherBase >= base && otherBase < next) {
        await io(`deleting ${other}`, () => rm(join(dir, other), { force: true }));
      }
    }
    await swap.changeSuffix('');
    await swap.close();
    swapped.add(base);
    options.logger.info(`${options.name}: completed the swap of the compacted segment at ${base} (up to offset ${next})`);
  }
  return swapped;
}

/** The offset after the last batch, read from the start (a swap segment's index cannot be trusted yet). */
async function nextOffsetByScan(segment: LogSegment): Promise<bigint> {
  let next = segment.baseOffset;
  for await (const entry of segment.log.entries(0)) {
    if (entry.kind === 'invalid') break;
    next = (entry.kind === 'batch' ? entry.header.baseOffset + BigInt(entry.header.lastOffsetDelta) : entry.lastOffset) + 1n;
  }
  return next;
}

