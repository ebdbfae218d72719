// The logs of one broker across its log.dirs (Kafka's LogManager): loading them at start-up,
// creating and deleting them as partitions come and go, the per-directory checkpoint files, the
// clean-shutdown marker, and the periodic work (retention, flushes, checkpoints, compaction).
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode } from '../../src/protocol/errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { readOffsetCheckpoint, topicPartitionKey, writeOffsetCheckpoint, type OffsetCheckpoint } from './checkpoint.js';
import { syncDir, writeFileDurably } from './durable-file.js';
import { cleanLog, needsCleaning, type CleanerState } from './cleaner.js';
import { TimerScheduler, type Clock, type Scheduler } from './clock.js';
import { LogError, io, isNotFound, storageError } from './errors.js';
import { isCompacted, NO_LIMIT, type LogConfig } from './log-config.js';
import { PartitionLog } from './partition-log.js';
import { readPartitionMetadata, writePartitionMetadata } from './partition-metadata.js';
import { enforceRetention } from './retention.js';

export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';
export const RECOVERY_POINT_CHECKPOINT = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT = 'log-start-offset-checkpoint';
export const REPLICATION_OFFSET_CHECKPOINT = 'replication-offset-checkpoint';
export const CLEANER_OFFSET_CHECKPOINT = 'cleaner-offset-checkpoint';
export const METADATA_TOPIC = '__cluster_metadata';

export interface LogManagerOptions {
  scheduler?: Scheduler;
  /** log.flush.offset.checkpoint.interval.ms and log.flush.start.offset.checkpoint.interval.ms. */
  checkpointIntervalMs?: number;
  /** replica.high.watermark.checkpoint.interval.ms. */
  highWatermarkCheckpointIntervalMs?: number;
  /** How often logs are checked against their flush.ms. */
  flushCheckIntervalMs?: number;
  /** log.cleaner.backoff.ms: how often compacted logs are looked at. */
  cleanerBackoffMs?: number;
  /** producer.id.expiration.ms: idle producers are forgotten after this long. */
  producerIdExpirationMs?: number;
  /** producer.id.expiration.check.interval.ms. */
  producerIdExpirationCheckIntervalMs?: number;
}

interface LogDir {
  path: string;
  hadCleanShutdown: boolean;
  /** Checkpoints as read at start-up; entries for logs that are open come from the logs. */
  highWatermarks: OffsetCheckpoint;
  cleanerOffsets: OffsetCheckpoint;
  offline: boolean;
}

interface HostedLog {
  log: PartitionLog;
  dir: LogDir;
  topicId: string | null;
  cleaner: CleanerState;
}

/** Opening logs at start-up, at most this many at once (Kafka's recovery threads). */
const LOAD_CONCURRENCY = 8;

export class LogManager {
  private readonly logs = new Map<string, HostedLog>();
  private readonly creating = new Map<string, Promise<PartitionLog>>();
  private metadataLog: PartitionLog | null = null;
  private closed = false;

  private constructor(
    private readonly dirs: LogDir[],
    private defaults_: LogConfig,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly scheduler: Scheduler,
    private readonly options: LogManagerOptions,
  ) {}

  /**
   * Loads every `<topic>-<partition>` directory under the log dirs. A directory that cannot be
   * used is taken offline with an error logged; when none can be, this fails with
   * KAFKA_STORAGE_ERROR.
   */
  static async open(logDirs: readonly string[], defaults: LogConfig, clock: Clock, logger: Logger = silentLogger, options: LogManagerOptions = {}): Promise<LogManager> {
    const scheduler = options.scheduler ?? new TimerScheduler((task, err) => logger.error(`log manager task ${task}`, err));
    const dirs: LogDir[] = [];
    for (const path of logDirs) dirs.push(await openLogDir(path, logger));
    if (dirs.every((d) => d.offline)) throw new LogError(ErrorCode.KAFKA_STORAGE_ERROR, `none of the log dirs can be used: ${logDirs.join(', ')}`);
    const manager = new LogManager(dirs, defaults, clock, logger, scheduler, options);
    for (const dir of dirs) if (!dir.offline) await manager.loadDirOrTakeOffline(dir);
    if (dirs.every((d) => d.offline)) throw new LogError(ErrorCode.KAFKA_STORAGE_ERROR, `no log dir could be loaded: ${logDirs.join(', ')}`);
    return manager;
  }

  get defaults(): LogConfig {
    return this.defaults_;
  }

  getLog(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(topicPartitionKey(topic, partition))?.log;
  }

  allLogs(): PartitionLog[] {
    return [...this.logs.values()].map((h) => h.log);
  }

  topicIdOf(topic: string, partition: number): string | null {
    return this.logs.get(topicPartitionKey(topic, partition))?.topicId ?? null;
  }

  /** The high watermark in replication-offset-checkpoint at start-up (0 when there is none). */
  checkpointedHighWatermark(topic: string, partition: number): bigint {
    const key = topicPartitionKey(topic, partition);
    const hosted = this.logs.get(key);
    const dirs = hosted ? [hosted.dir] : this.dirs;
    for (const dir of dirs) {
      const hw = dir.highWatermarks.get(key);
      if (hw !== undefined) return hw;
    }
    return 0n;
  }

  /** A dir whose logs cannot be loaded goes offline as a whole, as Kafka's does; the others carry on. */
  private async loadDirOrTakeOffline(dir: LogDir): Promise<void> {
    try {
      await this.loadDir(dir);
    } catch (err) {
      this.logger.error(`log dir ${dir.path} cannot be loaded; it is offline`, err);
      dir.offline = true;
      for (const [key, hosted] of this.logs) {
        if (hosted.dir !== dir) continue;
        this.logs.delete(key);
        await hosted.log.close().catch(() => undefined);
      }
    }
  }

  private async loadDir(dir: LogDir): Promise<void> {
    const recoveryPoints = await this.readCheckpoint(dir, RECOVERY_POINT_CHECKPOINT);
    const logStartOffsets = await this.readCheckpoint(dir, LOG_START_OFFSET_CHECKPOINT);
    dir.highWatermarks = await this.readCheckpoint(dir, REPLICATION_OFFSET_CHECKPOINT);
    dir.cleanerOffsets = await this.readCheckpoint(dir, CLEANER_OFFSET_CHECKPOINT);
    const names = await io(`listing ${dir.path}`, () => readdir(dir.path));
    const toLoad: { name: string; topic: string; partition: number }[] = [];
    for (const name of names) {
      if (/\.[0-9a-f]{32}-delete$/.test(name)) {
        // Deleted before the last stop and not yet removed.
        void rm(join(dir.path, name), { recursive: true, force: true }).catch((err: unknown) => this.logger.error(`removing ${name}`, err));
        continue;
      }
      const parsed = parseTopicPartition(name);
      if (parsed === null || parsed.topic === METADATA_TOPIC) continue;
      if (!(await isDirectory(join(dir.path, name)))) continue;
      toLoad.push({ name, ...parsed });
    }
    await forEachLimited(toLoad, LOAD_CONCURRENCY, async ({ name, topic, partition }) => {
      const path = join(dir.path, name);
      const log = await PartitionLog.open(path, { topic, partition }, this.defaults_, {
        recoveryPoint: recoveryPoints.get(name) ?? 0n,
        hadCleanShutdown: dir.hadCleanShutdown,
        logStartOffset: logStartOffsets.get(name) ?? null,
        clock: this.clock,
        scheduler: this.scheduler,
        logger: this.logger,
      });
      const topicId = await io(`reading ${path}/partition.metadata`, () => readPartitionMetadata(path));
      // Pending tombstone horizons are not remembered across restarts: the next dirty data brings them up.
      this.logs.set(name, { log, dir, topicId, cleaner: { firstDirtyOffset: dir.cleanerOffsets.get(name) ?? null, nextHorizonMs: null } });
    });
    // From here on a crash is an unclean stop again (Kafka removes the marker once loaded).
    await io(`removing ${CLEAN_SHUTDOWN_FILE}`, () => rm(join(dir.path, CLEAN_SHUTDOWN_FILE), { force: true }));
    this.logger.info(`loaded ${toLoad.length} logs from ${dir.path} (${dir.hadCleanShutdown ? 'clean' : 'unclean'} shutdown before)`);
  }

  /** A corrupt checkpoint is logged and read as empty: recovery then scans from the start. */
  private async readCheckpoint(dir: LogDir, name: string): Promise<OffsetCheckpoint> {
    try {
      return await readOffsetCheckpoint(join(dir.path, name));
    } catch (err) {
      this.logger.warn(`${join(dir.path, name)} cannot be read (${err instanceof Error ? err.message : String(err)}); it is ignored`);
      return new Map();
    }
  }

  /**
   * The log of a partition this broker now hosts: the one loaded from disk, or a new one in the
   * log dir holding the fewest logs. A log left by an earlier topic of the same name (another
   * topic id) is deleted first.
   */
  async getOrCreateLog(topic: string, partition: number, topicId: string | null, config: LogConfig = this.defaults_): Promise<PartitionLog> {
    if (this.closed) throw new LogError(ErrorCode.KAFKA_STORAGE_ERROR, 'the log manager is closed');
    const key = topicPartitionKey(topic, partition);
    const pending = this.creating.get(key);
    if (pending) return pending;
    const hosted = this.logs.get(key);
    if (hosted && (topicId === null || hosted.topicId === null || hosted.topicId === topicId)) {
      hosted.log.updateConfig(config);
      if (topicId !== null && hosted.topicId === null) {
        await writePartitionMetadata(hosted.log.dir, topicId);
        hosted.topicId = topicId;
      }
      return hosted.log;
    }
    const creation = (async () => {
      if (hosted) {
        this.logger.info(`${key}: the log on disk belongs to topic id ${hosted.topicId}, not ${topicId}; deleting it`);
        await this.deleteLog(topic, partition);
      }
      const dir = this.leastLoadedDir();
      const path = join(dir.path, key);
      const log = await PartitionLog.open(path, { topic, partition }, config, { hadCleanShutdown: true, clock: this.clock, scheduler: this.scheduler, logger: this.logger });
      try {
        // Before any data, as Kafka does, so the data can always be traced to its topic.
        if (topicId !== null) await writePartitionMetadata(path, topicId);
      } catch (err) {
        await log.close().catch(() => undefined);
        throw err;
      }
      this.logs.set(key, { log, dir, topicId, cleaner: { firstDirtyOffset: null, nextHorizonMs: null } });
      this.logger.info(`created log for ${key} in ${dir.path}`);
      return log;
    })();
    this.creating.set(key, creation);
    try {
      return await creation;
    } finally {
      this.creating.delete(key);
    }
  }

  private leastLoadedDir(): LogDir {
    const online = this.dirs.filter((d) => !d.offline);
    if (online.length === 0) throw new LogError(ErrorCode.KAFKA_STORAGE_ERROR, 'every log dir is offline');
    const counts = new Map<LogDir, number>(online.map((d) => [d, 0]));
    for (const hosted of this.logs.values()) if (counts.has(hosted.dir)) counts.set(hosted.dir, counts.get(hosted.dir)! + 1);
    return online.reduce((best, d) => (counts.get(d)! < counts.get(best)! ? d : best));
  }

  /**
   * The KRaft metadata log, `__cluster_metadata-0`, which the controller owns: opened here (in
   * the first log dir that has it, else the first one) but never subject to retention.
   */
  async openMetadataLog(config?: LogConfig): Promise<PartitionLog> {
    if (this.metadataLog) return this.metadataLog;
    const name = topicPartitionKey(METADATA_TOPIC, 0);
    const online = this.dirs.filter((d) => !d.offline);
    if (online.length === 0) throw new LogError(ErrorCode.KAFKA_STORAGE_ERROR, 'every log dir is offline');
    let dir = online[0];
    for (const d of online) if (await isDirectory(join(d.path, name))) dir = d;
    this.metadataLog = await PartitionLog.open(
      join(dir.path, name),
      { topic: METADATA_TOPIC, partition: 0 },
      config ?? { ...this.defaults_, cleanupPolicy: ['delete'], retentionMs: -1, retentionBytes: -1, messageTimestampAfterMaxMs: NO_LIMIT },
      { hadCleanShutdown: dir.hadCleanShutdown, clock: this.clock, scheduler: this.scheduler, logger: this.logger },
    );
    return this.metadataLog;
  }

  /**
   * Stops hosting a partition: the log is closed, its directory renamed to
   * `<topic>-<partition>.<uuid>-delete` at once, and removed after file.delete.delay.ms.
   */
  async deleteLog(topic: string, partition: number): Promise<void> {
    const key = topicPartitionKey(topic, partition);
    const hosted = this.logs.get(key);
    if (!hosted) return;
    this.logs.delete(key);
    try {
      await hosted.log.close();
    } catch (err) {
      this.logger.error(`${key}: closing the log before deleting it`, err);
    }
    const doomed = join(hosted.dir.path, `${key}.${randomUUID().replaceAll('-', '')}-delete`);
    await io(`renaming ${hosted.log.dir} for deletion`, () => rename(hosted.log.dir, doomed));
    await syncDir(hosted.dir.path);
    const remove = (): Promise<void> => io(`deleting ${doomed}`, () => rm(doomed, { recursive: true, force: true }));
    if (this.defaults_.fileDeleteDelayMs <= 0) await remove();
    else this.scheduler.scheduleOnce(`delete-log-${key}`, this.defaults_.fileDeleteDelayMs, remove);
    this.logger.info(`deleted log for ${key}`);
    await this.checkpointLogOffsets(hosted.dir);
  }

  // ---- periodic work ----

  /**
   * Starts the periodic work: retention every `retentionCheckIntervalMs`, and the flushes,
   * checkpoints and compaction on their own intervals.
   */
  startRetention(retentionCheckIntervalMs: number): void {
    const o = this.options;
    this.scheduler.schedulePeriodic('log-retention', retentionCheckIntervalMs, async () => void (await this.runRetention()));
    this.scheduler.schedulePeriodic('log-flusher', o.flushCheckIntervalMs ?? 1000, () => this.flushDirtyLogs());
    this.scheduler.schedulePeriodic('log-checkpoints', o.checkpointIntervalMs ?? 60_000, () => this.checkpointLogOffsets());
    this.scheduler.schedulePeriodic('high-watermark-checkpoint', o.highWatermarkCheckpointIntervalMs ?? 5000, () => this.checkpointHighWatermarks());
    this.scheduler.schedulePeriodic('log-cleaner', o.cleanerBackoffMs ?? 15_000, async () => void (await this.runCleaner()));
    this.scheduler.schedulePeriodic('producer-expiration', o.producerIdExpirationCheckIntervalMs ?? 600_000, async () => this.removeExpiredProducers());
  }

  /** One retention pass over every log; returns the segments deleted. */
  async runRetention(): Promise<number> {
    let deleted = 0;
    const now = this.clock.now();
    for (const [key, hosted] of this.logs) {
      try {
        deleted += await enforceRetention(hosted.log, now);
      } catch (err) {
        this.logger.error(`${key}: retention`, err);
      }
    }
    return deleted;
  }

  /** Compacts the compacted logs that have something to clean; returns how many were cleaned. */
  async runCleaner(): Promise<number> {
    let cleaned = 0;
    for (const [key, hosted] of this.logs) {
      const now = this.clock.now();
      if (!isCompacted(hosted.log.config) || !needsCleaning(hosted.log, hosted.cleaner, now)) continue;
      try {
        if (await cleanLog(hosted.log, hosted.cleaner, now)) cleaned++;
      } catch (err) {
        this.logger.error(`${key}: compaction`, err);
      }
    }
    if (cleaned > 0) for (const dir of this.dirs) await this.writeCleanerCheckpoint(dir);
    return cleaned;
  }

  private writeCleanerCheckpoint(dir: LogDir): Promise<void> {
    return this.writeCheckpoint(dir, CLEANER_OFFSET_CHECKPOINT, (h) => (isCompacted(h.log.config) ? h.cleaner.firstDirtyOffset : null));
  }

  removeExpiredProducers(): void {
    const now = this.clock.now();
    const expirationMs = this.options.producerIdExpirationMs ?? 86_400_000;
    for (const hosted of this.logs.values()) hosted.log.producerState.removeExpiredProducers(now, expirationMs);
  }

  async flushDirtyLogs(): Promise<void> {
    const now = this.clock.now();
    for (const [key, hosted] of this.logs) {
      try {
        await hosted.log.maybeFlushByTime(now);
      } catch (err) {
        this.logger.error(`${key}: flush`, err);
      }
    }
  }

  /** Writes recovery-point-offset-checkpoint and log-start-offset-checkpoint (of one dir, or all). */
  async checkpointLogOffsets(only?: LogDir): Promise<void> {
    for (const dir of only ? [only] : this.dirs) {
      await this.writeCheckpoint(dir, RECOVERY_POINT_CHECKPOINT, (h) => h.log.recoveryPoint);
      // As Kafka: only where the log start is inside the first segment; elsewhere the segment says it.
      await this.writeCheckpoint(dir, LOG_START_OFFSET_CHECKPOINT, (h) => (h.log.logStartOffset > h.log.segmentList()[0].baseOffset ? h.log.logStartOffset : null));
    }
  }

  /**
   * Writes replication-offset-checkpoint: the given high watermarks, else those the replica
   * layer reported to the logs, else what the file held.
   */
  async checkpointHighWatermarks(highWatermarks?: ReadonlyMap<string, bigint>): Promise<void> {
    for (const dir of this.dirs) {
      await this.writeCheckpoint(dir, REPLICATION_OFFSET_CHECKPOINT, (h, key) => highWatermarks?.get(key) ?? h.log.reportedHighWatermark ?? dir.highWatermarks.get(key) ?? null);
    }
  }

  private async writeCheckpoint(dir: LogDir, file: string, offsetOf: (hosted: HostedLog, key: string) => bigint | null): Promise<void> {
    if (dir.offline) return;
    const entries: { topic: string; partition: number; offset: bigint }[] = [];
    for (const [key, hosted] of this.logs) {
      if (hosted.dir !== dir) continue;
      const offset = offsetOf(hosted, key);
      if (offset !== null) entries.push({ ...hosted.log.topicPartition, offset });
    }
    try {
      await writeOffsetCheckpoint(join(dir.path, file), entries);
    } catch (err) {
      this.logger.error(`writing ${join(dir.path, file)}`, err);
    }
  }

  /**
   * Clean shutdown: stops the periodic work, closes (and so flushes) every log, writes the
   * checkpoints and then, in each dir whose logs all closed cleanly, the clean-shutdown marker.
   */
  async close(highWatermarks?: ReadonlyMap<string, bigint>): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.scheduler.shutdown();
    const failedDirs = new Set<LogDir>();
    await Promise.all(
      [...this.logs.values()].map(async (hosted) => {
        try {
          await hosted.log.close();
        } catch (err) {
          failedDirs.add(hosted.dir);
          this.logger.error(`${hosted.log.name}: close`, err);
        }
      }),
    );
    if (this.metadataLog) {
      try {
        await this.metadataLog.close();
      } catch (err) {
        for (const d of this.dirs) if (this.metadataLog.dir.startsWith(d.path)) failedDirs.add(d);
        this.logger.error('closing the metadata log', err);
      }
    }
    await this.checkpointLogOffsets();
    await this.checkpointHighWatermarks(highWatermarks);
    for (const dir of this.dirs) await this.writeCleanerCheckpoint(dir);
    for (const dir of this.dirs) {
      if (dir.offline || failedDirs.has(dir)) continue;
      try {
        await writeFileDurably(join(dir.path, CLEAN_SHUTDOWN_FILE), JSON.stringify({ version: 0, brokerEpoch: -1 }));
      } catch (err) {
        this.logger.error(`writing the clean shutdown marker in ${dir.path}`, storageError('clean shutdown marker', err));
      }
    }
  }
}

async function openLogDir(path: string, logger: Logger): Promise<LogDir> {
  const dir: LogDir = { path, hadCleanShutdown: false, highWatermarks: new Map(), cleanerOffsets: new Map(), offline: false };
  try {
    await mkdir(path, { recursive: true });
    // A dir that cannot be written to is offline from the start, not a surprise at the first append.
    const probe = join(path, `.tk-write-probe-${process.pid}`);
    await writeFile(probe, '');
    await rm(probe);
    dir.hadCleanShutdown = await exists(join(path, CLEAN_SHUTDOWN_FILE));
  } catch (err) {
    logger.error(`log dir ${path} cannot be used; it is offline`, storageError(path, err));
    dir.offline = true;
  }
  return dir;
}

/** `<topic>-<partition>`, or null for any other name (`-delete`, `-future`, `-stray` dirs, files). */
export function parseTopicPartition(name: string): { topic: string; partition: number } | null {
  const match = /^(.+)-(\d+)$/.exec(name);
  if (!match) return null;
  const partition = Number(match[2]);
  return Number.isSafeInteger(partition) ? { topic: match[1], partition } : null;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(runners);
}
