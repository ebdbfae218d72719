// `npm run bench`: the whole benchmark in one run against one fresh broker. Measures the machine's
// ceilings, the daemon's throughput and latency with kcat and tk's perf tools, the console tools
// against kcat, the broker's memory (idle connections, a sustained load) and start-up, then prints
// one table and writes it as JSON to bench/results/. bench/README.md explains every figure.
// Every size is an environment variable (see SETTINGS) so a development run can be short.
import { existsSync } from 'node:fs';
import { startBenchBroker } from './lib/broker.js';
import { describeMachine, Figures, renderTable, writeJson, type Report } from './lib/report.js';
import { measureCeilings } from './sections/ceilings.js';
import { measureConsole } from './sections/console.js';
import { measureEndToEnd } from './sections/latency.js';
import { measureIdleConnections, measureSoak } from './sections/memory.js';
import { measureBrokerStartup, measureTopicsList } from './sections/startup.js';
import { isBuilt, measureKcat, measurePerfTools } from './sections/throughput.js';

const DEFAULTS = {
  BENCH_SOAK_SECONDS: 600,
  BENCH_SOAK_RATE: 2_000,
  BENCH_MB: 32,
  BENCH_RUNS: 3,
  BENCH_CEILING_MB: 512,
  BENCH_LATENCY_SECONDS: 10,
  BENCH_E2E_RECORDS: 1_000,
  BENCH_CONSOLE_LINES: 1_000_000,
  BENCH_IDLE_CONNECTIONS: 1_000,
  BENCH_PARTITIONS: 1_000,
  BENCH_LIST_RUNS: 15,
};

function readSettings(): typeof DEFAULTS {
  const settings = { ...DEFAULTS };
  for (const name of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const raw = process.env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0) {
      console.error(`${name} must be a positive whole number, not "${raw}"`);
      process.exit(1);
    }
    settings[name] = value;
  }
  return settings;
}

if (!existsSync('dist/commands/broker/start.js')) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}
if (!existsSync('/proc/self/status')) {
  console.error('the bench reads memory from /proc: it runs on Linux only');
  process.exit(1);
}

const settings = readSettings();
const figures = new Figures();
const started = Date.now();

/** A section that fails leaves one row saying why, and the run goes on. */
async function section(name: string, fn: () => Promise<void> | void): Promise<void> {
  console.error(`${name} ...`);
  try {
    await fn();
  } catch (err) {
    figures.add({ figure: name, value: null, unit: '', note: `failed: ${(err as Error).message.split('\n')[0]}` });
  }
}

const broker = await startBenchBroker('run');
// Ctrl-C stops the broker too, rather than leaving it running on its random port.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void broker.stop().finally(() => process.exit(130)));
}
try {
  const throughput = { bootstrap: broker.bootstrap, dir: broker.dir, megabytes: settings.BENCH_MB, runs: settings.BENCH_RUNS, latencySeconds: settings.BENCH_LATENCY_SECONDS };
  await section('ceilings', () => measureCeilings(figures, broker.dir, settings.BENCH_CEILING_MB));
  await section('kcat throughput', () => measureKcat(figures, throughput));
  if (isBuilt('producer-perf-test')) await section('tk perf tools', () => measurePerfTools(figures, throughput));
  else figures.add({ figure: 'tk producer-perf-test', value: null, unit: '', note: 'not in dist/commands' });
  await section('end-to-end latency', () => measureEndToEnd(figures, broker.bootstrap, settings.BENCH_E2E_RECORDS));
  await section('console tools', () => measureConsole(figures, broker.bootstrap, broker.dir, settings.BENCH_CONSOLE_LINES, settings.BENCH_RUNS));
  await section('tk topics --list', () => measureTopicsList(figures, broker.bootstrap, settings.BENCH_LIST_RUNS));
  await section('idle connections', () => measureIdleConnections(figures, broker.port, broker.pid(), settings.BENCH_IDLE_CONNECTIONS));
  await section('sustained load', () =>
    measureSoak(figures, { bootstrap: broker.bootstrap, pid: broker.pid(), seconds: settings.BENCH_SOAK_SECONDS, recordsPerSecond: settings.BENCH_SOAK_RATE }),
  );
} finally {
  await broker.stop();
}
await section('broker start-up', () => measureBrokerStartup(figures, settings.BENCH_PARTITIONS, settings.BENCH_RUNS));

const report: Report = {
  date: new Date().toISOString(),
  machine: describeMachine(),
  node: process.version,
  settings,
  wallSeconds: Math.round((Date.now() - started) / 1000),
  rows: figures.rows,
};
const path = `bench/results/bench-${report.date.replace(/[:.]/g, '-')}.json`;
writeJson(path, report);
writeJson('bench/results/latest.json', report);
console.log(`${report.date}  ${report.machine}  node ${report.node}  ${report.wallSeconds} s\n`);
console.log(renderTable(figures.rows));
console.log(`\nwritten to ${path} and bench/results/latest.json`);
