// The producer perf test's window and final lines, and the consumer perf test's rows, for known
// numbers: each expected line is what Kafka's format strings printed on OpenJDK 17.
import { describe, expect, it } from 'vitest';
import { detailedRow, headerLine, summarize, timeoutWarning, totalRow } from '../../../src/cli/perf/consumer-report.js';
import { percentiles, ProducerStats, totalLine } from '../../../src/cli/perf/producer-stats.js';
import { renderProgress } from '../../../src/cli/perf/progress.js';

describe('producer stats', () => {
  it('prints a window line once 5 s have passed since the window began', () => {
    let now = 1_000;
    const lines: string[] = [];
    const stats = new ProducerStats(20_000, 5_000, (line) => lines.push(line), () => now);
    // 12345 records of 100 bytes in 5003 ms, 1234567 ms of latency in all, the last one 167 ms.
    for (let i = 0; i < 12_344; i++) stats.record(100, 100, now);
    expect(lines).toEqual([]);
    now = 6_003;
    stats.record(1_234_567 - 12_344 * 100, 100, now);
    expect(lines).toEqual(['12345 records sent, 2467.5 records/sec (0.24 MB/sec), 100.0 ms avg latency, 167.0 ms max latency.\n']);
  });

  it("prints the final line in Kafka 3.9's format: the rate with %f, latencies with two decimals, percentiles as integers", () => {
    let now = 0;
    const stats = new ProducerStats(7, 5_000, () => {}, () => now);
    for (const latency of [1, 2, 5, 2, 1, 3, 1]) stats.record(latency, 100, now);
    now = 3;
    expect(totalLine(stats.summary())).toBe('7 records sent, 2333.333333 records/sec (0.22 MB/sec), 2.14 ms avg latency, 5.00 ms max latency, 2 ms 50th, 5 ms 95th, 5 ms 99th, 5 ms 99.9th.\n');
  });

  it('samples every n-th latency past 500,000 records and picks (int) (p * size) of the sorted sample', () => {
    const stats = new ProducerStats(1_000_000, 5_000, () => {}, () => 0);
    // Sampling step 2: only the even-numbered records' latencies are kept.
    for (let i = 0; i < 1_000_000; i++) stats.record(i % 2 === 0 ? i % 1000 : 5_000, 1, 0);
    const s = stats.summary();
    expect([s.p50Ms, s.p95Ms, s.p99Ms, s.p999Ms]).toEqual([500, 950, 990, 998]);
    expect(s.maxLatencyMs).toBe(5_000);
  });

  it('reads zeros when nothing was sampled, as Kafka does', () => {
    expect(percentiles(new Int32Array(3), 0, [0.5, 0.999])).toEqual([0, 0]);
  });
});

describe('consumer report', () => {
  const date = (ms: number): string => `T${ms}`;

  it('prints the two headers', () => {
    expect(headerLine(false)).toBe('start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec\n');
    expect(headerLine(true)).toBe('time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec\n');
  });

  it('prints the totals row with %.4f rates, fetch rates net of the rebalance time', () => {
    const summary = summarize({ startMs: 0, endMs: 4_213, bytes: 2_200_000, messages: 22_000, rebalanceMs: 3_707 });
    expect(totalRow(summary, date)).toBe('T0, T4213, 2.0981, 0.4980, 22000, 5221.9321, 3707, 506, 4.1464, 43478.2609\n');
  });

  it('prints NaN and Infinity where Java divides by zero', () => {
    const summary = summarize({ startMs: 10, endMs: 10, bytes: 0, messages: 0, rebalanceMs: 0 });
    expect(totalRow(summary, date)).toBe('T10, T10, 0.0000, NaN, 0, NaN, 0, 0, NaN, NaN\n');
  });

  it('prints a detailed row for an interval, with fetch rates 0 when the rebalance took it all', () => {
    const row = detailedRow({ bytes: 2_097_152, lastBytes: 1_048_576, messages: 2_000, lastMessages: 1_000, startMs: 1_000, endMs: 2_000, rebalanceMs: 0 }, date);
    expect(row).toBe('T2000, 0, 2.0000, 1.0000, 2000, 1000.0000, 0, 1000, 1.0000, 1000.0000\n');
    const rebalancing = detailedRow({ bytes: 10, lastBytes: 0, messages: 1, lastMessages: 0, startMs: 0, endMs: 500, rebalanceMs: 600 }, date);
    expect(rebalancing).toBe('T500, 0, 0.0000, 0.0000, 1, 2.0000, 600, -100, 0.0000, 0.0000\n');
  });

  it('words the timeout warning as Kafka does', () => {
    expect(timeoutWarning(1500)).toBe('WARNING: Exiting before consuming the expected number of messages: timeout (1500 ms) exceeded. You can use the --timeout option to increase the timeout.\n');
  });
});

describe('progress bar', () => {
  it('shows the share done, the count and the rate', () => {
    expect(renderProgress(350_000, 1_000_000, 2_000, 'records')).toBe('[###########...................] 35.0% 350000/1000000 records, 175000 records/s');
    expect(renderProgress(5, 0, 0, 'messages')).toBe('[..............................] 0.0% 5/0 messages, 0 messages/s');
  });
});
