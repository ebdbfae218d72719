// The daemon's produce and consume throughput with a C client (kcat, librdkafka) and with
// `tk producer-perf-test` / `tk consumer-perf-test`, for each record size, acks and compression;
// then tk's produce latency at half its own maximum rate. One partition per topic, a fresh
// topic per run.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createTopics, writeRecordFile } from '../lib/data.js';
import { run, runTk, timedShell } from '../lib/process.js';
import type { Figures, Row } from '../lib/report.js';
import { mbPerSecond, median } from '../lib/stats.js';
import { NODE_CEILING } from './ceilings.js';

export interface Combo {
  size: 100 | 1024;
  acks: '1' | 'all';
  compression: 'none' | 'lz4';
}

export const COMBOS: Combo[] = ([100, 1024] as const).flatMap((size) =>
  (['1', 'all'] as const).flatMap((acks) => (['none', 'lz4'] as const).map((compression) => ({ size, acks, compression }))),
);

export const label = (c: Combo): string => `${c.size === 1024 ? '1 KiB' : '100 B'} acks=${c.acks} ${c.compression}`;
const topicName = (c: Combo, who: string, run: number): string => `${who}-${c.size}-${c.acks}-${c.compression}-${run}`;
/** Kafka's producer settings where its defaults and librdkafka's differ, so both clients batch alike. */
const BATCHING = { 'linger.ms': '5', 'batch.size': '65536' };

export interface ThroughputSettings {
  bootstrap: string;
  dir: string;
  megabytes: number;
  runs: number;
  latencySeconds: number;
}

function throughputRow(figures: Figures, figure: string, bytes: number, records: number, seconds: number, target?: (row: Row) => Row['target']): Row {
  const row: Omit<Row, 'versus'> = { figure, value: mbPerSecond(bytes, seconds), unit: 'MB/s', recordsPerSecond: records / seconds };
  return figures.addVersus(target ? { ...row, target: target(row as Row) } : row, figures.find(NODE_CEILING));
}

/** The targets for the C client on one partition without compression. */
function kcatTarget(c: Combo, side: 'produce' | 'consume', ceiling: Row | undefined): ((row: Row) => Row['target']) | undefined {
  if (c.acks !== '1' || c.compression !== 'none' || !ceiling?.value) return undefined;
  if (side === 'consume') return c.size === 1024 ? (r) => ({ text: '>= 70% of ceiling', met: r.value! >= 0.7 * ceiling.value! }) : undefined;
  return c.size === 1024
    ? (r) => ({ text: '>= 50% of ceiling', met: r.value! >= 0.5 * ceiling.value! })
    : (r) => ({ text: '>= 500,000 records/s', met: r.recordsPerSecond! >= 500_000 });
}

export async function measureKcat(figures: Figures, s: ThroughputSettings): Promise<void> {
  const ceiling = figures.find(NODE_CEILING);
  for (const size of [100, 1024] as const) {
    const count = Math.floor((s.megabytes * 1024 * 1024) / size);
    const input = join(s.dir, `records-${size}.txt`);
    writeRecordFile(input, size, count);
    // kcat -P drops the newline: each record is size - 1 bytes of value.
    const bytes = count * (size - 1);
    for (const c of COMBOS.filter((combo) => combo.size === size)) {
      const produce: number[] = [];
      const consume: number[] = [];
      for (let i = 0; i < s.runs; i++) {
        const topic = topicName(c, 'kcat', i);
        await createTopics(s.bootstrap, [{ name: topic }]);
        const settings = { ...BATCHING, acks: c.acks, 'compression.codec': c.compression };
        const props = Object.entries(settings).flatMap(([k, v]) => ['-X', `${k}=${v}`]);
        produce.push(run('kcat', ['-P', '-b', s.bootstrap, '-t', topic, '-p', '0', ...props, '-l', input]).seconds);
        // -c, not -e: kcat -e learns it is at the end from one more fetch, which the broker (as Kafka's)
        // holds for fetch.wait.max.ms (500 ms) — about half of a 32 MiB read.
        consume.push(timedShell(`kcat -C -b ${s.bootstrap} -t ${topic} -p 0 -o beginning -c ${count} -q > /dev/null`));
      }
      throughputRow(figures, `kcat produce ${label(c)}`, bytes, count, median(produce), kcatTarget(c, 'produce', ceiling));
      throughputRow(figures, `kcat consume ${label(c)}`, bytes, count, median(consume), kcatTarget(c, 'consume', ceiling));
    }
  }
}

export const isBuilt = (command: string): boolean => existsSync(`dist/commands/${command}.js`);

interface ProducerSummary {
  recordsPerSecond: number;
  mbPerSecond: number;
  p50: number;
  p99: number;
  p999: number;
}

/** Kafka's final line: "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, P50 ms 50th, P95 ms 95th, P99 ms 99th, P999 ms 99.9th." */
function parseProducerSummary(stdout: string): ProducerSummary {
  const m = /([\d.]+) records\/sec \(([\d.]+) MB\/sec\).*?, (\d+) ms 50th, \d+ ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\.\s*$/.exec(stdout);
  if (!m) throw new Error(`no summary line in producer-perf-test's output: ${stdout.trim().split('\n').pop()}`);
  return { recordsPerSecond: Number(m[1]), mbPerSecond: Number(m[2]), p50: Number(m[3]), p99: Number(m[4]), p999: Number(m[5]) };
}

function producerPerfTest(s: ThroughputSettings, c: Combo, topic: string, records: number, throughput: number): ProducerSummary {
  const props = { 'bootstrap.servers': s.bootstrap, ...BATCHING, acks: c.acks, 'compression.type': c.compression };
  const args = ['producer-perf-test', '--topic', topic, '--num-records', String(records), '--record-size', String(c.size), '--throughput', String(throughput)];
  return parseProducerSummary(runTk([...args, '--producer-props', ...Object.entries(props).map(([k, v]) => `${k}=${v}`)]).stdout);
}

/** The CSV row after Kafka's header: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, ... */
function consumerPerfTest(s: ThroughputSettings, topic: string, records: number): { mbPerSecond: number; recordsPerSecond: number } {
  const stdout = runTk(['consumer-perf-test', '--bootstrap-server', s.bootstrap, '--topic', topic, '--messages', String(records)]).stdout;
  const fields = stdout.trim().split('\n').pop()!.split(', ');
  if (fields.length < 6 || Number(fields[4]) < records) throw new Error(`consumer-perf-test read too little: ${fields.join(', ')}`);
  return { mbPerSecond: Number(fields[3]), recordsPerSecond: Number(fields[5]) };
}

/** Max rate per combination (one run), then p50/p99/p99.9 at half that rate without compression. */
export async function measurePerfTools(figures: Figures, s: ThroughputSettings): Promise<void> {
  const ceiling = figures.find(NODE_CEILING);
  const maxRate = new Map<Combo, number>();
  let canConsume = isBuilt('consumer-perf-test');
  if (!canConsume) figures.add({ figure: 'tk consumer-perf-test', value: null, unit: '', note: 'not in dist/commands' });
  for (const c of COMBOS) {
    const topic = topicName(c, 'perf', 0);
    const records = Math.floor((s.megabytes * 1024 * 1024) / c.size);
    await createTopics(s.bootstrap, [{ name: topic }]);
    const produced = producerPerfTest(s, c, topic, records, -1);
    maxRate.set(c, produced.recordsPerSecond);
    const peer = figures.find(`kcat produce ${label(c)}`);
    figures.addVersus({ figure: `tk producer-perf-test ${label(c)}`, value: produced.mbPerSecond, unit: 'MB/s', recordsPerSecond: produced.recordsPerSecond }, peer ?? ceiling);
    if (!canConsume) continue;
    let consumed: ReturnType<typeof consumerPerfTest>;
    try {
      consumed = consumerPerfTest(s, topic, records);
    } catch (err) {
      // One failing tool should not cost the producer's rows and the latencies after them.
      figures.add({ figure: 'tk consumer-perf-test', value: null, unit: '', note: `failed: ${(err as Error).message}` });
      canConsume = false;
      continue;
    }
    figures.addVersus({ figure: `tk consumer-perf-test ${label(c)}`, value: consumed.mbPerSecond, unit: 'MB/s', recordsPerSecond: consumed.recordsPerSecond }, figures.find(`kcat consume ${label(c)}`) ?? ceiling);
  }
  for (const c of COMBOS.filter((combo) => combo.compression === 'none')) {
    const rate = Math.max(1, Math.floor(maxRate.get(c)! / 2));
    const topic = topicName(c, 'latency', 0);
    await createTopics(s.bootstrap, [{ name: topic }]);
    const at = producerPerfTest(s, c, topic, rate * s.latencySeconds, rate);
    const name = `tk produce latency ${label(c)} at ${rate.toLocaleString('en')} records/s (half max)`;
    figures.add({ figure: `${name} p50`, value: at.p50, unit: 'ms' });
    figures.add({ figure: `${name} p99`, value: at.p99, unit: 'ms', target: { text: '< 10 ms', met: at.p99 < 10 } });
    figures.add({ figure: `${name} p99.9`, value: at.p999, unit: 'ms', target: { text: '< 50 ms', met: at.p999 < 50 } });
  }
}
