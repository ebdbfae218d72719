// ProducerPerformance.Stats: every acknowledged record's latency and size, a line per reporting
// window (5 s) and the final line with percentiles over a sample of at most ~500,000 latencies,
// with Kafka's arithmetic (integer sampling step, `(int) (p * size)` as the percentile index).
import { javaFixed } from './java-format.js';

const MB = 1024 * 1024;

export interface ProducerSummary {
  records: number;
  recordsPerSec: number;
  mbPerSec: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
}

export class ProducerStats {
  private readonly start: number;
  private readonly latencies: Int32Array;
  private readonly sampling: number;
  /** Successful records so far; decides which latencies are sampled. */
  private iteration = 0;
  private index = 0;
  private count = 0;
  private bytes = 0;
  private maxLatency = 0;
  private totalLatency = 0;
  private windowCount = 0;
  private windowMaxLatency = 0;
  private windowTotalLatency = 0;
  private windowBytes = 0;
  private windowStart: number;

  /** `printWindow` receives each window's line (with its newline); `now` is the clock, in ms. */
  constructor(
    numRecords: number,
    private readonly reportingIntervalMs: number,
    private readonly printWindow: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.start = now();
    this.windowStart = this.start;
    this.sampling = Math.trunc(numRecords / Math.min(numRecords, 500_000));
    this.latencies = new Int32Array(Math.trunc(numRecords / this.sampling) + 1);
  }

  get totalCount(): number {
    return this.count;
  }

  /** One acknowledged record: its latency, size, and the time of the acknowledgement. */
  record(latencyMs: number, bytes: number, time: number): void {
    this.count++;
    this.bytes += bytes;
    this.totalLatency += latencyMs;
    this.maxLatency = Math.max(this.maxLatency, latencyMs);
    this.windowCount++;
    this.windowBytes += bytes;
    this.windowTotalLatency += latencyMs;
    this.windowMaxLatency = Math.max(this.windowMaxLatency, latencyMs);
    if (this.iteration % this.sampling === 0) this.latencies[this.index++] = latencyMs;
    this.iteration++;
    if (time - this.windowStart >= this.reportingIntervalMs) {
      this.printWindow(this.windowLine());
      this.newWindow();
    }
  }

  private windowLine(): string {
    const elapsed = this.now() - this.windowStart;
    const recsPerSec = (1000 * this.windowCount) / elapsed;
    const mbPerSec = (1000 * this.windowBytes) / elapsed / MB;
    return (
      `${this.windowCount} records sent, ${javaFixed(recsPerSec, 1)} records/sec (${javaFixed(mbPerSec, 2)} MB/sec), ` +
      `${javaFixed(this.windowTotalLatency / this.windowCount, 1)} ms avg latency, ${javaFixed(this.windowMaxLatency, 1)} ms max latency.\n`
    );
  }

  private newWindow(): void {
    this.windowStart = this.now();
    this.windowCount = 0;
    this.windowMaxLatency = 0;
    this.windowTotalLatency = 0;
    this.windowBytes = 0;
  }

  /** The totals at the end of the run. */
  summary(): ProducerSummary {
    const elapsed = this.now() - this.start;
    const [p50, p95, p99, p999] = percentiles(this.latencies, this.index, [0.5, 0.95, 0.99, 0.999]);
    return {
      records: this.count,
      recordsPerSec: (1000 * this.count) / elapsed,
      mbPerSec: (1000 * this.bytes) / elapsed / MB,
      avgLatencyMs: this.totalLatency / this.count,
      maxLatencyMs: this.maxLatency,
      p50Ms: p50!,
      p95Ms: p95!,
      p99Ms: p99!,
      p999Ms: p999!,
    };
  }
}

/** Sorts the first `count` samples and picks `(int) (p * size)` for each p, as Kafka does. */
export function percentiles(latencies: Int32Array, count: number, ps: readonly number[]): number[] {
  const size = Math.min(count, latencies.length);
  latencies.subarray(0, size).sort();
  return ps.map((p) => latencies[Math.trunc(p * size)] ?? 0);
}

/**
 * The final line. Kafka 3.9 prints the rate with %f (six decimals); 4.x changed it to %.1f.
 */
export function totalLine(s: ProducerSummary): string {
  return (
    `${s.records} records sent, ${javaFixed(s.recordsPerSec, 6)} records/sec (${javaFixed(s.mbPerSec, 2)} MB/sec), ` +
    `${javaFixed(s.avgLatencyMs, 2)} ms avg latency, ${javaFixed(s.maxLatencyMs, 2)} ms max latency, ` +
    `${s.p50Ms} ms 50th, ${s.p95Ms} ms 95th, ${s.p99Ms} ms 99th, ${s.p999Ms} ms 99.9th.\n`
  );
}
