// When a node snapshots its committed image (Kafka's SnapshotGenerator): once the committed
// batches replayed since the last snapshot reach metadata.log.max.record.bytes.between.snapshots,
// or when new batches arrive metadata.log.max.snapshot.interval.ms or more after the last
// snapshot (0 turns the time trigger off). One snapshot is written at a time; a trigger that
// fires meanwhile fires again with the next batches.
import type { Logger } from '../../logger.js';

export interface SnapshotPolicy {
  maxBytesBetweenSnapshots: number;
  maxIntervalMs: number;
}

export class SnapshotGenerator {
  private bytesSinceLastSnapshot = 0;
  private lastSnapshotAt: number;
  private writing: Promise<void> | null = null;

  constructor(
    private readonly policy: SnapshotPolicy,
    /** Writes a snapshot of the image as it is when called. */
    private readonly emit: (reason: string) => Promise<void>,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.lastSnapshotAt = now();
  }

  /** Committed batches of `bytes` were replayed into the image. */
  onCommit(bytes: number): void {
    this.bytesSinceLastSnapshot += bytes;
    if (this.bytesSinceLastSnapshot >= this.policy.maxBytesBetweenSnapshots) {
      this.maybeEmit(`we have replayed at least ${this.policy.maxBytesBetweenSnapshots} bytes`);
    } else if (this.policy.maxIntervalMs !== 0 && this.now() - this.lastSnapshotAt >= this.policy.maxIntervalMs) {
      this.maybeEmit(`we have waited at least ${Math.floor(this.policy.maxIntervalMs / 60_000)} minute(s)`);
    }
  }

  /** The image was just loaded from a snapshot: nothing since needs one yet. */
  onSnapshotLoaded(): void {
    this.reset();
  }

  /** Resolves once the snapshot being written, if any, is on disk. */
  async close(): Promise<void> {
    await this.writing;
  }

  private maybeEmit(reason: string): void {
    if (this.writing !== null) return;
    this.reset();
    this.writing = this.emit(reason)
      .catch((err) => this.logger.error('metadata log: writing a snapshot failed', err))
      .finally(() => {
        this.writing = null;
      });
  }

  private reset(): void {
    this.bytesSinceLastSnapshot = 0;
    this.lastSnapshotAt = this.now();
  }
}
