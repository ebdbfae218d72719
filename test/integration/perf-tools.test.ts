// `tk producer-perf-test` and `tk consumer-perf-test` run as a user runs them (the built binary,
// stdout a pipe) against a harness broker: every line is matched by a pattern made from the
// format string Kafka's tool prints it with, and the counts, payloads and errors are exact.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool, startBroker, type RunningBroker } from '../harness/broker.js';

let broker: RunningBroker;
let dir: string;

beforeAll(async () => {
  // A group's first rebalance need not wait for more members here.
  broker = await startBroker({ overrides: { 'group.initial.rebalance.delay.ms': '0' } });
  dir = await mkdtemp(join(tmpdir(), 'tk-perf-'));
});

afterAll(async () => {
  await broker.stop();
  await rm(dir, { recursive: true, force: true });
});

const producerPerf = (...args: string[]) => runTool('node', ['bin/run.js', 'producer-perf-test', ...args], { timeoutMs: 40_000 });
const consumerPerf = (...args: string[]) => runTool('node', ['bin/run.js', 'consumer-perf-test', '--bootstrap-server', broker.bootstrap, ...args], { timeoutMs: 40_000 });

/** A whole line matching a Java format string: %d an integer, %.Nf N decimals (or NaN/Infinity), %f six, %s anything. */
function javaFormat(format: string): RegExp {
  const number = (decimals: number) => `(?:-?\\d+\\.\\d{${decimals}}|NaN|-?Infinity)`;
  const source = format
    .split(/(%d|%\.\df|%f|%s)/)
    .map((part) => {
      if (part === '%d') return '-?\\d+';
      if (part === '%f') return number(6);
      if (part === '%s') return '.+?';
      const fixed = /^%\.(\d)f$/.exec(part);
      if (fixed) return number(Number(fixed[1]));
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}

// ProducerPerformance (Kafka 3.9): printWindow and printTotal.
const WINDOW = javaFormat('%d records sent, %.1f records/sec (%.2f MB/sec), %.1f ms avg latency, %.1f ms max latency.');
const TOTAL = javaFormat('%d records sent, %f records/sec (%.2f MB/sec), %.2f ms avg latency, %.2f ms max latency, %d ms 50th, %d ms 95th, %d ms 99th, %d ms 99.9th.');
// ConsumerPerformance: the totals row and a detailed row; dates in the default pattern.
const DATE = '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}:\\d{3}';
const CONSUMER_ROW = javaFormat('%s, %s, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f');
const DETAILED_ROW = javaFormat('%s, %d, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f');
const HEADER = 'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';
const DETAILED_HEADER = 'time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';

const lines = (text: string): string[] => text.split('\n').slice(0, -1);

/** The values of a topic's first records, read with tk console-consumer. */
async function firstValues(topic: string, count: number): Promise<string[]> {
  const out = await runTool('node', ['bin/run.js', 'console-consumer', '--bootstrap-server', broker.bootstrap, '--topic', topic, '--from-beginning', '--max-messages', String(count), '--timeout-ms', '15000']);
  return lines(out.stdout);
}

describe('tk producer-perf-test', () => {
  it("sends the records with Kafka's random payload bytes and prints the final line", async () => {
    const run = await producerPerf('--topic', 'perf-random', '--num-records', '300', '--record-size', '100', '--throughput', '-1', '--producer-props', `bootstrap.servers=${broker.bootstrap}`, 'acks=1');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [total] = lines(run.stdout);
    expect(lines(run.stdout)).toHaveLength(1);
    expect(total).toMatch(TOTAL);
    expect(total).toMatch(/^300 records sent, /);
    // The first payload is the first 100 draws of SplittableRandom(0).nextInt(26) + 65, as in Kafka.
    const [first] = await firstValues('perf-random', 1);
    expect(first).toHaveLength(100);
    expect(first!.startsWith('YQHHNEBSEPDNSEIFGAMSUJXKOLTXSPLGHDIOYZJFNIDSPWHZMKVJAXDBZFCO')).toBe(true);
  });

  it('prints a window line every 5 s while throttled, then the total', async () => {
    const run = await producerPerf('--topic', 'perf-throttled', '--num-records', '700', '--record-size', '10', '--throughput', '100', '--bootstrap-server', broker.bootstrap);
    expect(run.code).toBe(0);
    const out = lines(run.stdout);
    expect(out.length).toBeGreaterThanOrEqual(2);
    for (const line of out.slice(0, -1)) expect(line).toMatch(WINDOW);
    expect(out.at(-1)).toMatch(TOTAL);
    expect(out.at(-1)).toMatch(/^700 records sent, /);
    // 100 records/s for 700 records: about 7 s, never much faster.
    const rate = Number(/records sent, ([\d.]+) records\/sec/.exec(out.at(-1)!)![1]);
    expect(rate).toBeLessThan(120);
  });

  it('reads payloads from a file split on the delimiter, printing the path and the count first', async () => {
    const file = join(dir, 'payloads.txt');
    await writeFile(file, 'alpha,beta,gamma,,\n');
    const run = await producerPerf('--topic', 'perf-file', '--num-records', '50', '--payload-file', file, '--payload-delimiter', ',', '--throughput', '-1', '--producer-props', `bootstrap.servers=${broker.bootstrap}`);
    expect(run.code).toBe(0);
    const out = lines(run.stdout);
    // Java's split keeps the empty piece between the two commas, and the newline in the last one.
    expect(out.slice(0, 2)).toEqual([`Reading payloads from: ${file}`, 'Number of messages read: 5']);
    expect(out[2]).toMatch(TOTAL);
    // Each record is one of the five pieces (the last, a newline, prints as an empty line more).
    const values = await firstValues('perf-file', 50);
    expect(new Set(values)).toEqual(new Set(['alpha', 'beta', 'gamma', '']));
  });

  it('says when the payload file is missing, after naming it, as Kafka does', async () => {
    const missing = join(dir, 'nope.txt');
    const run = await producerPerf('--topic', 't', '--num-records', '5', '--payload-file', missing, '--throughput', '-1', '--bootstrap-server', broker.bootstrap);
    expect(run).toEqual({ code: 1, stdout: `Reading payloads from: ${missing}\n`, stderr: 'Exception in thread "main" java.lang.IllegalArgumentException: File does not exist or empty file provided.\n' });
  });

  it.each([
    [['--num-records', '5', '--record-size', '10', '--throughput', '-1'], 'argument --topic is required'],
    [['--topic', 't', '--num-records', '5', '--throughput', '-1'], 'one of the arguments --record-size --payload-file --payload-monotonic is required'],
    [['--topic', 't', '--num-records', '5', '--record-size', '10', '--payload-monotonic', '--throughput', '-1'], 'argument --payload-monotonic: not allowed with argument --record-size'],
    [['--topic', 't', '--num-records', 'five', '--record-size', '10', '--throughput', '-1'], `argument --num-records: could not convert 'five' to Long (For input string: "five")`],
    [['--topic', 't', '--num-records', '5', '--record-size', '10', '--throughput', '-1'], 'Either --producer-props or --producer.config must be specified.'],
  ])('refuses %j in one line: %s', async (args, message) => {
    expect(await producerPerf(...args)).toEqual({ code: 1, stdout: '', stderr: `producer-performance: error: ${message}\n` });
  });

  it('refuses a malformed --producer-props entry as Kafka does, and --print-metrics', async () => {
    const args = ['--topic', 't', '--num-records', '5', '--record-size', '10', '--throughput', '-1', '--producer-props'];
    expect(await producerPerf(...args, 'acks')).toEqual({ code: 1, stdout: '', stderr: 'Exception in thread "main" java.lang.IllegalArgumentException: Invalid property: acks\n' });
    expect(await producerPerf(...args, 'acks=1', '--print-metrics')).toEqual({ code: 1, stdout: '', stderr: "--print-metrics is not available: tk's producer keeps no metrics to print\n" });
  });

  it('prints a JSON summary instead of the lines with --output json', async () => {
    const run = await producerPerf('--topic', 'perf-json', '--num-records', '40', '--payload-monotonic', '--throughput', '-1', '--bootstrap-server', broker.bootstrap, '--output', 'json');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ topic: 'perf-json', records: 40, failed: 0 });
    expect(Object.keys(summary)).toEqual(['topic', 'records', 'failed', 'recordsPerSec', 'mbPerSec', 'avgLatencyMs', 'maxLatencyMs', 'latencyPercentilesMs']);
    expect(await firstValues('perf-json', 3)).toEqual(['0', '1', '2']);
  });
});

describe('tk consumer-perf-test', () => {
  beforeAll(async () => {
    const run = await producerPerf('--topic', 'perf-consume', '--num-records', '1000', '--record-size', '64', '--throughput', '-1', '--bootstrap-server', broker.bootstrap);
    expect(run.code).toBe(0);
  });

  it('consumes the messages as a group and prints the header and one row', async () => {
    const run = await consumerPerf('--topic', 'perf-consume', '--messages', '1000', '--group', 'perf-a');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [header, row, ...rest] = lines(run.stdout);
    expect(header).toBe(HEADER);
    expect(rest).toEqual([]);
    expect(row).toMatch(CONSUMER_ROW);
    const fields = row!.split(', ');
    expect(fields[0]).toMatch(new RegExp(`^${DATE}$`));
    expect(fields[1]).toMatch(new RegExp(`^${DATE}$`));
    // 1000 records of 64 bytes, no keys.
    expect(fields[2]).toBe((64_000 / 1024 / 1024).toFixed(4));
    expect(fields[4]).toBe('1000');
    // The whole run is the rebalance time plus the fetch time.
    expect(Number(fields[6]) + Number(fields[7])).toBe(Date.parse(fields[1]!.replace(/:(\d{3})$/, '.$1')) - Date.parse(fields[0]!.replace(/:(\d{3})$/, '.$1')));
  });

  it('warns when the timeout passes before --messages were read, after what the group had', async () => {
    const run = await consumerPerf('--topic', 'perf-consume', '--messages', '5000', '--timeout', '1500', '--hide-header', '--group', 'perf-b');
    expect(run.code).toBe(0);
    const [warning, row] = lines(run.stdout);
    expect(warning).toBe('WARNING: Exiting before consuming the expected number of messages: timeout (1500 ms) exceeded. You can use the --timeout option to increase the timeout.');
    expect(row).toMatch(CONSUMER_ROW);
    expect(row!.split(', ')[4]).toBe('1000');
  });

  it('continues from the committed offsets of its group', async () => {
    const run = await consumerPerf('--topic', 'perf-consume', '--messages', '1', '--timeout', '1500', '--hide-header', '--group', 'perf-a');
    expect(lines(run.stdout)[0]).toMatch(/^WARNING: Exiting before consuming/);
    expect(lines(run.stdout)[1]!.split(', ')[4]).toBe('0');
  });

  it('prints detailed rows per reporting interval and no totals with --show-detailed-stats', async () => {
    const run = await consumerPerf('--topic', 'perf-consume', '--messages', '1000', '--show-detailed-stats', '--reporting-interval', '1', '--date-format', 'HH:mm', '--group', 'perf-c');
    expect(run.code).toBe(0);
    const [header, ...rows] = lines(run.stdout);
    expect(header).toBe(DETAILED_HEADER);
    expect(rows.length).toBeGreaterThanOrEqual(1);
    for (const row of rows) {
      expect(row).toMatch(DETAILED_ROW);
      expect(row).toMatch(/^\d{2}:\d{2}, 0, /);
    }
  });

  it('prints a JSON summary instead of the lines with --output json', async () => {
    const run = await consumerPerf('--topic', 'perf-consume', '--messages', '1000', '--group', 'perf-d', '--output', 'json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ topic: 'perf-consume', group: 'perf-d', messages: 1000, timedOut: false, mbConsumed: 64_000 / 1024 / 1024 });
  });

  it('refuses bad options as Kafka words them', async () => {
    expect(await consumerPerf('--messages', '10')).toEqual({ code: 1, stdout: '', stderr: 'Missing required argument "[topic]"\n' });
    expect(await consumerPerf('--topic', 't', '--messages', 'ten')).toEqual({ code: 1, stdout: '', stderr: "Cannot parse argument 'ten' of option messages\n" });
    // Kafka checks these after printing the header.
    expect(await consumerPerf('--topic', 't', '--messages', '1', '--reporting-interval', '0')).toEqual({ code: 1, stdout: `${HEADER}\n`, stderr: 'Reporting interval must be greater than 0.\n' });
    expect(await consumerPerf('--topic', 't', '--messages', '1', '--hide-header', '--date-format', 'yyyy-qq')).toEqual({ code: 1, stdout: '', stderr: "Illegal pattern character 'q'\n" });
  });
});
