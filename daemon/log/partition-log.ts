// One partition's log (Kafka's UnifiedLog over LocalLog): its segments, the log start and end
// offsets, and the appends, reads and truncations that move them.
//
// Offsets are handed out synchronously when an append is called, so appends that overlap get
// contiguous offsets in call order; the writes themselves run one at a time on a promise chain.
// Every write checks that it starts where the log now ends: when a write fails or the log is
// truncated underneath queued appends, those appends fail rather than leave a hole, and the next
// append is numbered from the real end.
import { mkdir } from 'node:fs/promises';
import { ErrorCode } from '../../src/protocol/errors.js';
import { TimestampType, setBaseOffset, setMaxTimestamp, setPartitionLeaderEpoch } from '../../src/protocol/records.js';
import { systemClock, TimerScheduler, type Clock, type Scheduler } from './clock.js';
import { LogError, UnexpectedAppendOffsetError, io, storageError } from './errors.js';
import { DELETED_SUFFIX } from './files.js';
import type { LogConfig } from './log-config.js';
import { loadLog } from './log-loader.js';
import { LeaderEpochCache } from './leader-epoch-cache.js';
import { findMaxTimestamp, findOffsetByTimestamp, floorSegment, readSegments, segmentSettings } from './log-reads.js';
import { ProducerStateManager, type BatchMetadata } from './producer-state.js';
import { LogSegment, type TimestampAndOffset } from './segment.js';
import { analyzeRecords, validateForLeader, type AnalyzedRecords, type AppendOrigin } from './validation.js';
import { silentLogger, type Logger } from '../logger.js';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface PartitionLogOptions {
  /** Offsets below it are known to be flushed; recovery scans from its segment on. */
  recoveryPoint?: bigint;
  hadCleanShutdown?: boolean;
  /** From log-start-offset-checkpoint. */
  logStartOffset?: bigint | null;
  clock?: Clock;
  /** Runs delayed file deletes; the log makes its own when none is given. */
  scheduler?: Scheduler;
  logger?: Logger;
}

export interface LogAppendResult {
  /** -1 when the request held no complete batch. */
  baseOffset: bigint;
  lastOffset: bigint;
  /** The broker's time stamped on the batch for a LogAppendTime topic, else -1. */
  logAppendTime: bigint;
  logStartOffset: bigint;
}

export interface ReadOptions {
  /** Exclusive bound: the high watermark or last stable offset. The log end offset by default. */
  maxOffset?: bigint;
  /** Return the first batch even when it is larger than maxBytes (KIP-74). */
  minOneMessage?: boolean;
}

export interface LogReadResult {
  /** Whole batches, as stored. */
  records: Buffer;
  /** The offset after the last batch returned; the fetch offset when none is. */
  nextOffset: bigint;
  logStartOffset: bigint;
  logEndOffset: bigint;
}

type LogState = 'open' | 'closed' | 'offline';


export class PartitionLog {
  private segments: readonly LogSegment[];
  private logStartOffset_: bigint;
  /** End of the bytes written: what readers may see. */
  private endOffset: bigint;
  /** The next offset to hand out; ahead of endOffset while appends are queued. */
  private nextOffset: bigint;
  private recoveryPoint_: bigint;
  private highWatermark_: bigint | null = null;
  private state: LogState = 'open';
  /** Why a queued append no longer fits the log: a failed write or a truncation. */
  private staleAppendCode: number = ErrorCode.KAFKA_STORAGE_ERROR;
  private tail: Promise<unknown> = Promise.resolve();
  private unflushedMessages = 0;
  private lastFlushTime: number;
  readonly name: string;

  private constructor(
    readonly dir: string,
    readonly topicPartition: TopicPartition,
    private config_: LogConfig,
    readonly leaderEpochCache: LeaderEpochCache,
    readonly producerState: ProducerStateManager,
    loaded: { segments: LogSegment[]; logStartOffset: bigint; logEndOffset: bigint; recoveryPoint: bigint },
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    private readonly ownsScheduler: boolean,
    private readonly logger: Logger,
  ) {
    this.name = `${topicPartition.topic}-${topicPartition.partition}`;
    this.segments = loaded.segments;
    this.logStartOffset_ = loaded.logStartOffset;
    this.endOffset = loaded.logEndOffset;
    this.nextOffset = loaded.logEndOffset;
    this.recoveryPoint_ = loaded.recoveryPoint;
    this.lastFlushTime = clock.now();
  }

  /** Opens the partition directory (creating it), recovering it first after an unclean stop. */
  static async open(dir: string, topicPartition: TopicPartition, config: LogConfig, options: PartitionLogOptions = {}): Promise<PartitionLog> {
    const clock = options.clock ?? systemClock;
    const logger = options.logger ?? silentLogger;
    const name = `${topicPartition.topic}-${topicPartition.partition}`;
    await io(`creating ${dir}`, () => mkdir(dir, { recursive: true }));
    const epochCache = await io(`reading the leader epoch checkpoint of ${name}`, () => LeaderEpochCache.load(dir));
    const loaded = await loadLog(dir, segmentSettings(config), clock, {
      recoveryPoint: options.recoveryPoint ?? 0n,
      hadCleanShutdown: options.hadCleanShutdown ?? false,
      logStartOffset: options.logStartOffset ?? null,
      epochCache,
      logger,
      name,
    });
    const producerState = await ProducerStateManager.load(dir, name, loaded.segments, loaded.logStartOffset, loaded.logEndOffset, logger);
    const scheduler = options.scheduler ?? new TimerScheduler((task, err) => logger.error(`${name}: ${task}`, err));
    return new PartitionLog(dir, topicPartition, config, epochCache, producerState, loaded, clock, scheduler, options.scheduler === undefined, logger);
  }

  get config(): LogConfig {
    return this.config_;
  }

  /** Takes effect for what is appended and rolled from now on. */
  updateConfig(config: LogConfig): void {
    this.config_ = config;
  }

  get logStartOffset(): bigint {
    return this.logStartOffset_;
  }

  get logEndOffset(): bigint {
    return this.endOffset;
  }

  get recoveryPoint(): bigint {
    return this.recoveryPoint_;
  }

  /** As the replica layer last reported it; until it does, the log end offset (one replica's truth). */
  get highWatermark(): bigint {
    const hw = this.highWatermark_ ?? this.endOffset;
    if (hw < this.logStartOffset_) return this.logStartOffset_;
    return hw > this.endOffset ? this.endOffset : hw;
  }

  /** The high watermark the replica layer last reported, or null if it never has. */
  get reportedHighWatermark(): bigint | null {
    return this.highWatermark_;
  }

  updateHighWatermark(highWatermark: bigint): void {
    this.highWatermark_ = highWatermark;
  }

  get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1];
  }

  /** The segments, oldest first: a snapshot, safe to hold across awaits. */
  segmentList(): readonly LogSegment[] {
    return this.segments;
  }

  /** Bytes on disk over all segments. */
  get size(): number {
    return this.segments.reduce((n, s) => n + s.size, 0);
  }

  // ---- appends ----

  /**
   * Validates a produce request's records, gives them offsets and this leader's epoch by
   * patching the batch headers in place (and LogAppendTime with its CRC), and appends the same
   * bytes. The offsets are fixed before the first await. A batch with a producer id is checked
   * against that producer's state; a retry of a batch already appended gets its original offsets.
   */
  async appendAsLeader(records: Buffer, leaderEpoch: number, options: { origin?: Exclude<AppendOrigin, 'replication'> } = {}): Promise<LogAppendResult> {
    const origin = options.origin ?? 'client';
    this.ensureWritable();
    const now = this.clock.now();
    const analyzed = analyzeRecords(records, this.config_, origin, this.name);
    if (analyzed.batches.length === 0) return this.nothingAppended();
    validateForLeader(records, analyzed, this.config_, origin, now, this.name);
    this.checkSetSize(analyzed);
    const logAppendTime = this.config_.messageTimestampType === 'LogAppendTime' ? BigInt(now) : -1n;
    // A leader append holds exactly one batch (validateForLeader).
    const header = analyzed.batches[0].header;
    const idempotent = header.producerId >= 0n;
    if (idempotent) {
      const duplicate = origin === 'client' ? this.producerState.findDuplicate(header) : null;
      if (duplicate) return this.answerDuplicate(duplicate, logAppendTime >= 0n);
      this.producerState.validate(header, origin);
    }

    const bytes = records.subarray(0, analyzed.validBytes);
    const baseOffset = this.nextOffset;
    let offset = baseOffset;
    for (const batch of analyzed.batches) {
      setBaseOffset(bytes, batch.position, offset);
      setPartitionLeaderEpoch(bytes, batch.position, leaderEpoch);
      if (logAppendTime >= 0n) setMaxTimestamp(bytes, batch.position, TimestampType.LogAppendTime, logAppendTime);
      offset += BigInt(batch.header.lastOffsetDelta + 1);
    }
    const lastOffset = offset - 1n;
    this.nextOffset = offset;
    this.leaderEpochCache.assign(leaderEpoch, baseOffset);
    const maxTimestamp = logAppendTime >= 0n ? logAppendTime : analyzed.maxTimestamp;
    if (idempotent) this.producerState.update(header, baseOffset, lastOffset, maxTimestamp);
    await this.enqueue(() => this.write(bytes, baseOffset, baseOffset, lastOffset, maxTimestamp, analyzed.offsetCount));
    return { baseOffset, lastOffset, logAppendTime, logStartOffset: this.logStartOffset_ };
  }

  /**
   * Appends a leader's batches with the offsets they carry (gaps allowed: a compacted leader has
   * them). A first offset below the log end offset is an UnexpectedAppendOffsetError.
   */
  async appendAsFollower(records: Buffer): Promise<LogAppendResult> {
    this.ensureWritable();
    const analyzed = analyzeRecords(records, this.config_, 'replication', this.name);
    if (analyzed.batches.length === 0) return this.nothingAppended();
    this.checkSetSize(analyzed);
    let previous = -1n;
    for (const { header } of analyzed.batches) {
      if (header.baseOffset <= previous) throw new LogError(ErrorCode.INVALID_RECORD, `Out of order offsets found in append to ${this.name}`);
      previous = header.baseOffset + BigInt(header.lastOffsetDelta);
    }
    const first = analyzed.batches[0].header.baseOffset;
    if (first < this.nextOffset) {
      throw new UnexpectedAppendOffsetError(`Unexpected offset in append to ${this.name}. First offset ${first} is less than the next offset ${this.nextOffset}.`, first, previous);
    }
    const expectedStart = this.nextOffset;
    for (const { header } of analyzed.batches) {
      this.leaderEpochCache.assign(header.partitionLeaderEpoch, header.baseOffset);
      if (header.producerId >= 0n) this.producerState.update(header, header.baseOffset, header.baseOffset + BigInt(header.lastOffsetDelta), header.maxTimestamp);
    }
    this.nextOffset = previous + 1n;
    await this.enqueue(() => this.write(records.subarray(0, analyzed.validBytes), expectedStart, first, previous, analyzed.maxTimestamp, analyzed.offsetCount));
    return { baseOffset: first, lastOffset: previous, logAppendTime: -1n, logStartOffset: this.logStartOffset_ };
  }

  /** A retried batch: answered with the original's offsets once the original is in the log. */
  private async answerDuplicate(original: BatchMetadata, logAppendTime: boolean): Promise<LogAppendResult> {
    await this.enqueue(async () => {
      if (original.lastOffset >= this.endOffset) {
        throw new LogError(ErrorCode.KAFKA_STORAGE_ERROR, `the first attempt of this batch to ${this.name} was not written; retry`);
      }
    });
    return { baseOffset: original.firstOffset, lastOffset: original.lastOffset, logAppendTime: logAppendTime ? original.timestamp : -1n, logStartOffset: this.logStartOffset_ };
  }

  private nothingAppended(): LogAppendResult {
    return { baseOffset: -1n, lastOffset: -1n, logAppendTime: -1n, logStartOffset: this.logStartOffset_ };
  }

  private checkSetSize(analyzed: AnalyzedRecords): void {
    if (analyzed.validBytes > this.config_.segmentBytes) {
      throw new LogError(
        ErrorCode.RECORD_LIST_TOO_LARGE,
        `Message batch size is ${analyzed.validBytes} bytes in append to partition ${this.name}, which exceeds the maximum configured segment size of ${this.config_.segmentBytes}.`,
      );
    }
  }

  private ensureWritable(): void {
    if (this.state !== 'open') throw new LogError(ErrorCode.KAFKA_STORAGE_ERROR, `the log of ${this.name} is ${this.state}`);
  }

  /** Runs on the chain: rolls if due, writes, and moves the log end offset. */
  private async write(bytes: Buffer, expectedStart: bigint, firstOffset: bigint, lastOffset: bigint, maxTimestamp: bigint, messages: number): Promise<void> {
    this.ensureWritable();
    if (expectedStart !== this.endOffset) {
      throw new LogError(this.staleAppendCode, `the log of ${this.name} changed while this append waited (it now ends at ${this.endOffset}); retry`);
    }
    let segment: LogSegment | null = null;
    let sizeBefore = 0;
    try {
      segment = await this.maybeRoll(bytes.length, maxTimestamp, lastOffset, firstOffset);
      sizeBefore = segment.size;
      await segment.append(bytes, this.clock.now());
    } catch (err) {
      await this.abandonQueuedAppends(segment, sizeBefore, err);
      throw storageError(`appending to ${this.name}`, err);
    }
    this.endOffset = lastOffset + 1n;
    this.unflushedMessages += messages;
    if (this.unflushedMessages < this.config_.flushMessages) return;
    try {
      await this.flush();
    } catch (err) {
      // The data is written but not durable as flush.messages asks: Kafka takes the log dir offline.
      this.logger.error(`${this.name}: flush failed; the log goes offline`, err);
      this.state = 'offline';
      throw storageError(`flushing ${this.name}`, err);
    }
  }

  /**
   * A write failed: the partial bytes are cut off, and the appends that were numbered after it
   * will fail their start check, so numbering restarts from the real end. If even the cut
   * fails the log goes offline, as Kafka takes a failed log dir offline.
   */
  private async abandonQueuedAppends(segment: LogSegment | null, sizeBefore: number, cause: unknown): Promise<void> {
    this.logger.error(`${this.name}: append failed`, cause);
    this.staleAppendCode = ErrorCode.KAFKA_STORAGE_ERROR;
    this.nextOffset = this.endOffset;
    this.leaderEpochCache.truncateFromEnd(this.endOffset);
    this.producerState.forgetFrom(this.endOffset);
    if (segment === null) return;
    try {
      await segment.log.truncateTo(sizeBefore);
    } catch (err) {
      this.logger.error(`${this.name}: cannot cut a failed write; the log goes offline`, err);
      this.state = 'offline';
    }
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }

  // ---- rolling ----

  private async maybeRoll(size: number, maxTimestamp: bigint, lastOffset: bigint, firstOffset: bigint): Promise<LogSegment> {
    const active = this.activeSegment;
    const due = await active.shouldRoll({
      now: this.clock.now(),
      segmentBytes: this.config_.segmentBytes,
      segmentMs: this.config_.segmentMs,
      messagesSize: size,
      maxTimestampInMessages: maxTimestamp,
      maxOffsetInMessages: lastOffset,
    });
    if (!due) return active;
    return this.rollTo(firstOffset > this.endOffset ? firstOffset : this.endOffset);
  }

  /** Starts a new active segment at the log end offset (used when retention expires the active one). */
  roll(): Promise<LogSegment> {
    return this.enqueue(() => this.rollTo(this.endOffset));
  }

  private async rollTo(baseOffset: bigint): Promise<LogSegment> {
    const active = this.activeSegment;
    if (active.baseOffset === baseOffset && active.size === 0) return active;
    let kept = this.segments;
    if (active.size === 0) {
      // An empty segment is replaced, not left behind with nothing in its range.
      await active.deleteFiles();
      kept = kept.slice(0, -1);
    } else {
      await active.onBecomeInactive();
    }
    const segment = await LogSegment.open(this.dir, baseOffset, segmentSettings(this.config_), this.clock);
    this.segments = [...kept, segment];
    // So a restart reloads producer state from here instead of rescanning the log.
    await this.producerState.takeSnapshot(baseOffset, false);
    // The segments before the new one are flushed in the background, as Kafka does on roll.
    this.flushUpTo(baseOffset).catch((err: unknown) => this.logger.error(`${this.name}: flushing after a roll`, err));
    return segment;
  }

  // ---- reads ----

  /**
   * The record set from the batch holding `fetchOffset`: whole batches, at most `maxBytes`
   * (at least one batch with minOneMessage), none at or past `maxOffset`.
   */
  async read(fetchOffset: bigint, maxBytes: number, options: ReadOptions = {}): Promise<LogReadResult> {
    const endOffset = this.endOffset;
    const startOffset = this.logStartOffset_;
    if (fetchOffset < startOffset || fetchOffset > endOffset) {
      throw new LogError(ErrorCode.OFFSET_OUT_OF_RANGE, `Received request for offset ${fetchOffset} for partition ${this.name}, but we only have log segments in the range ${startOffset} to ${endOffset}.`);
    }
    const limit = options.maxOffset === undefined || options.maxOffset > endOffset ? endOffset : options.maxOffset;
    for (;;) {
      const segments = this.segments;
      try {
        const read = await readSegments(segments, fetchOffset, maxBytes, limit, options.minOneMessage ?? false);
        return { ...read, logStartOffset: startOffset, logEndOffset: endOffset };
      } catch (err) {
        // The cleaner or retention replaced segments (closing their files) while this read ran:
        // the same offsets are in the segments that replaced them.
        if (segments === this.segments) throw err;
      }
    }
  }

  /** ListOffsets by time: the first record at or after the log start with a timestamp at or above `timestamp`. */
  offsetForTimestamp(timestamp: bigint): Promise<TimestampAndOffset | null> {
    return findOffsetByTimestamp(this.segments, timestamp, this.logStartOffset_);
  }

  /** ListOffsets MAX_TIMESTAMP (KIP-734): the record with the largest timestamp. */
  maxTimestampOffset(): Promise<TimestampAndOffset | null> {
    return findMaxTimestamp(this.segments);
  }

  /** OffsetForLeaderEpoch. */
  endOffsetForEpoch(leaderEpoch: number): { epoch: number; endOffset: bigint } {
    return this.leaderEpochCache.endOffsetFor(leaderEpoch, this.endOffset);
  }

  // ---- moving the ends ----

  /** Removes everything at and after `offset` (a follower diverged from its leader). */
  truncateTo(offset: bigint): Promise<void> {
    return this.enqueue(async () => {
      if (offset >= this.endOffset) return;
      this.staleAppendCode = ErrorCode.NOT_LEADER_OR_FOLLOWER;
      if (offset < this.segments[0].baseOffset) return this.truncateFullyAndStartAtNow(offset);
      const floor = floorSegment(this.segments, offset);
      const dropped = this.segments.slice(floor + 1);
      this.segments = this.segments.slice(0, floor + 1);
      await this.retireSegments(dropped);
      const active = this.activeSegment;
      await active.truncateTo(offset);
      this.endOffset = await active.readNextOffset();
      if (this.logStartOffset_ > this.endOffset) this.logStartOffset_ = this.endOffset;
      this.afterTruncation();
      await this.producerState.reload(this.segments, this.logStartOffset_, this.endOffset);
    });
  }

  /** Empties the log and starts it again at `offset`. */
  truncateFullyAndStartAt(offset: bigint): Promise<void> {
    return this.enqueue(() => this.truncateFullyAndStartAtNow(offset));
  }

  private async truncateFullyAndStartAtNow(offset: bigint): Promise<void> {
    this.staleAppendCode = ErrorCode.NOT_LEADER_OR_FOLLOWER;
    const old = this.segments;
    await this.retireSegments(old);
    this.segments = [await LogSegment.open(this.dir, offset, segmentSettings(this.config_), this.clock)];
    this.endOffset = offset;
    this.logStartOffset_ = offset;
    this.leaderEpochCache.clear();
    this.afterTruncation();
    this.producerState.clear();
    await this.producerState.deleteAllSnapshots();
  }

  private afterTruncation(): void {
    this.nextOffset = this.endOffset;
    if (this.recoveryPoint_ > this.endOffset) this.recoveryPoint_ = this.endOffset;
    if (this.highWatermark_ !== null && this.highWatermark_ > this.endOffset) this.highWatermark_ = this.endOffset;
    this.leaderEpochCache.truncateFromEnd(this.endOffset);
  }

  /**
   * DeleteRecords: moves the log start offset to `offset` (never back) and deletes the segments
   * wholly below it. Returns the new log start offset.
   */
  async deleteRecordsBefore(offset: bigint): Promise<bigint> {
    if (offset > this.endOffset) {
      throw new LogError(ErrorCode.OFFSET_OUT_OF_RANGE, `Cannot increment the log start offset to ${offset} of partition ${this.name} since it is larger than the log end offset ${this.endOffset}`);
    }
    if (offset > this.logStartOffset_) this.moveLogStartOffset(offset);
    await this.deleteOldSegments((_, next) => next !== undefined && next.baseOffset <= this.logStartOffset_, 'log start offset breach', { boundByHighWatermark: false });
    return this.logStartOffset_;
  }

  private moveLogStartOffset(offset: bigint): void {
    this.logStartOffset_ = offset;
    this.leaderEpochCache.truncateFromStart(offset);
  }

  /**
   * Deletes segments from the oldest while `shouldDelete` holds (and, when bound by it, while
   * they lie wholly below the high watermark). Deleting every segment rolls a new one first.
   */
  deleteOldSegments(
    shouldDelete: (segment: LogSegment, next: LogSegment | undefined) => boolean,
    reason: string,
    options: { boundByHighWatermark: boolean },
  ): Promise<number> {
    return this.enqueue(async () => {
      const segments = this.segments;
      const deletable: LogSegment[] = [];
      for (let i = 0; i < segments.length; i++) {
        const segment = segments[i];
        const next = segments[i + 1];
        const upperBound = next ? next.baseOffset : this.endOffset;
        if (options.boundByHighWatermark && upperBound > this.highWatermark) break;
        if (next === undefined && segment.size === 0) break;
        if (!shouldDelete(segment, next)) break;
        deletable.push(segment);
      }
      if (deletable.length === 0) return 0;
      if (deletable.length === segments.length) await this.rollTo(this.endOffset);
      this.segments = this.segments.slice(deletable.length);
      const firstBase = this.segments[0].baseOffset;
      if (firstBase > this.logStartOffset_) this.moveLogStartOffset(firstBase);
      this.logger.info(`${this.name}: deleting ${deletable.length} segment(s) (${reason}); the log now starts at ${this.logStartOffset_}`);
      await this.retireSegments(deletable);
      await this.producerState.deleteSnapshotsBefore(this.segments[0].baseOffset);
      return deletable.length;
    });
  }

  /** Renames segments to `.deleted` at once and removes them after file.delete.delay.ms. */
  private async retireSegments(segments: readonly LogSegment[]): Promise<void> {
    if (segments.length === 0) return;
    for (const segment of segments) await segment.changeSuffix(DELETED_SUFFIX);
    const remove = async (): Promise<void> => {
      for (const segment of segments) await segment.deleteFiles();
    };
    if (this.config_.fileDeleteDelayMs <= 0) await remove();
    else this.scheduler.scheduleOnce(`delete-segments-${this.name}`, this.config_.fileDeleteDelayMs, remove);
  }

  /** Replaces segments with compacted ones covering the same offsets (the cleaner's swap); false if the log moved on. */
  replaceSegments(old: readonly LogSegment[], replacements: readonly LogSegment[]): Promise<boolean> {
    return this.enqueue(async () => {
      const start = this.segments.indexOf(old[0]);
      if (start < 0 || old.some((s, i) => this.segments[start + i] !== s) || start + old.length >= this.segments.length) return false;
      // Readers move to the replacements before the old files close (a read already in an old
      // one retries on the new list); on disk the order is as before.
      this.segments = [...this.segments.slice(0, start), ...replacements, ...this.segments.slice(start + old.length)];
      // The replacements are complete `.swap` files: from here a crash is finished by recovery.
      await this.retireSegments(old);
      for (const segment of replacements) await segment.changeSuffix('');
      return true;
    });
  }

  // ---- durability ----

  /** fsyncs everything up to the log end offset and moves the recovery point there. */
  flush(): Promise<void> {
    return this.flushUpTo(this.endOffset);
  }

  /** flush.ms: flushes when the last flush is older than the topic allows. */
  async maybeFlushByTime(now: number): Promise<void> {
    if (this.state === 'open' && this.endOffset > this.recoveryPoint_ && now - this.lastFlushTime >= this.config_.flushMs) await this.flush();
  }

  private async flushUpTo(offset: bigint): Promise<void> {
    if (offset <= this.recoveryPoint_) return;
    this.unflushedMessages = 0;
    const segments = this.segments;
    for (let i = 0; i < segments.length && segments[i].baseOffset < offset; i++) {
      const next = segments[i + 1];
      if (next !== undefined && next.baseOffset <= this.recoveryPoint_) continue;
      await segments[i].flush();
    }
    await this.leaderEpochCache.flush();
    const reached = offset < this.endOffset ? offset : this.endOffset;
    if (reached > this.recoveryPoint_) this.recoveryPoint_ = reached;
    this.lastFlushTime = this.clock.now();
  }

  /** Waits for queued appends, flushes, and closes the files; later appends fail. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    await this.enqueue(async () => {
      this.state = 'closed';
    });
    try {
      await this.flush();
      await this.producerState.takeSnapshot(this.endOffset, true);
      await this.leaderEpochCache.flush();
    } finally {
      // The files are closed even when the flush failed (an offline disk): no handle leaks.
      const closing = await Promise.allSettled(this.segments.map((s) => s.close()));
      if (this.ownsScheduler) await this.scheduler.shutdown();
      const failed = closing.find((c): c is PromiseRejectedResult => c.status === 'rejected');
      if (failed) throw storageError(`closing ${this.name}`, failed.reason);
    }
  }
}
