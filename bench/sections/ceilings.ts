// The machine's own limits, which the broker's figures are divided by: loopback TCP between two
// processes (iperf3, C), a minimal Node program receiving a TCP stream and appending it to a file
// (the best any Node broker can do here), and sequential append to a file (dd, C).
import { spawn, spawnSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Figures } from '../lib/report.js';
import { hasCommand, run, timedShell } from '../lib/process.js';
import { mbPerSecond } from '../lib/stats.js';

export const NODE_CEILING = 'Node receive-and-append ceiling';
const IPERF_SECONDS = 5;
const BLOCK = 64 * 1024;

/** iperf3 from Debian: installed on the spot only when we are root and apt-get exists. */
function ensureIperf3(): string | null {
  if (hasCommand('iperf3')) return null;
  if (process.getuid?.() !== 0 || !hasCommand('apt-get')) return 'iperf3 is not installed (apt-get install iperf3 needs root)';
  console.error('  iperf3 is missing: running apt-get install -y iperf3');
  const install = spawnSync('apt-get', ['install', '-y', '-q', 'iperf3'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 180_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return install.status === 0 && hasCommand('iperf3') ? null : 'apt-get install iperf3 failed';
}

async function loopbackTcp(figures: Figures): Promise<void> {
  const figure = 'loopback TCP, iperf3 (C)';
  const missing = ensureIperf3();
  if (missing) {
    figures.add({ figure, value: null, unit: 'MB/s', note: missing });
    return;
  }
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const server = spawn('iperf3', ['-s', '-1', '-B', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const out = run('iperf3', ['-c', '127.0.0.1', '-p', String(port), '-t', String(IPERF_SECONDS), '-J'], 60_000).stdout;
    const bitsPerSecond = (JSON.parse(out) as { end: { sum_received: { bits_per_second: number } } }).end.sum_received.bits_per_second;
    figures.add({ figure, value: bitsPerSecond / 8 / 1024 / 1024, unit: 'MB/s' });
  } finally {
    server.kill();
  }
}

/** bash writes `dd`'s zeros straight to the socket (/dev/tcp), so the sender costs next to nothing. */
async function nodeReceiveAndAppend(figures: Figures, dir: string, megabytes: number): Promise<void> {
  const file = join(dir, 'append-sink.bin');
  const sink = spawn(process.execPath, [...process.execArgv, 'bench/lib/append-sink.ts', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: sink.stdout! })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<string> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the append sink did not answer in 120 s')), 120_000);
    });
    const line = await Promise.race([lines.next(), timeout]).finally(() => clearTimeout(timer));
    if (line.done) throw new Error('the append sink exited early');
    return line.value;
  };
  try {
    const port = await nextLine();
    const count = (megabytes * 1024 * 1024) / BLOCK;
    timedShell(`dd if=/dev/zero bs=${BLOCK} count=${count} status=none > /dev/tcp/127.0.0.1/${port}`, 120_000);
    const { bytes, seconds } = JSON.parse(await nextLine()) as { bytes: number; seconds: number };
    if (statSync(file).size !== bytes) throw new Error(`append sink wrote ${statSync(file).size} of ${bytes} bytes`);
    figures.add({ figure: NODE_CEILING, value: mbPerSecond(bytes, seconds), unit: 'MB/s' });
  } finally {
    sink.kill();
    rmSync(file, { force: true });
  }
}

/** Appends to the page cache, as the broker does (it does not fsync each write); the second row adds one fdatasync at the end. */
function fileAppend(figures: Figures, dir: string, megabytes: number): void {
  const file = join(dir, 'append.bin');
  const count = (megabytes * 1024 * 1024) / BLOCK;
  for (const [figure, extra] of [
    ['sequential file append, dd (page cache)', ''],
    ['sequential file append, dd + fdatasync', ' conv=fdatasync'],
  ] as const) {
    rmSync(file, { force: true });
    const seconds = timedShell(`dd if=/dev/zero of=${file} bs=${BLOCK} count=${count} oflag=append${extra} status=none`, 300_000);
    figures.add({ figure, value: mbPerSecond(megabytes * 1024 * 1024, seconds), unit: 'MB/s' });
  }
  rmSync(file, { force: true });
}

export async function measureCeilings(figures: Figures, dir: string, megabytes: number): Promise<void> {
  await loopbackTcp(figures);
  await nodeReceiveAndAppend(figures, dir, megabytes);
  fileAppend(figures, dir, megabytes);
}
