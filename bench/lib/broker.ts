// The broker the benches measure against: the built `tk broker start` on random loopback ports
// with a fresh temporary directory (log dirs under `data/`, scratch files beside them).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

export interface BenchBroker {
  bootstrap: string;
  port: number;
  /** The running process's id, for reading its memory from /proc. */
  pid(): number;
  /** A temporary directory for the bench's own files; removed by stop(). */
  dir: string;
  /** A clean stop (SIGTERM), then a start on the same data and ports; resolves to ms from spawn to the ready line. */
  restart(): Promise<number>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Spawns the broker and waits for its ready line; the broker's log (stderr) is dropped. */
async function launch(args: string[], dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/run.js', 'broker', 'start', ...args], {
    stdio: ['ignore', 'pipe', 'ignore'],
    // Never the developer's own data dir, whatever an override forgets.
    env: { ...process.env, TK_DATA_DIR: dataDir },
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`broker ${why}`));
    };
    const timer = setTimeout(() => fail(`not ready in ${READY_TIMEOUT_MS / 1000} s`), READY_TIMEOUT_MS);
    child.once('exit', (code) => fail(`exited with code ${code} before it was ready`));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready on')) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve();
      }
    });
  });
  return child;
}

export async function startBenchBroker(name: string, overrides: Record<string, string> = {}): Promise<BenchBroker> {
  const [port, controllerPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), `tk-bench-${name}-`));
  const dataDir = join(dir, 'data');
  const settings: Record<string, string> = {
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    'log.dirs': dataDir,
    // As Kafka's config/server.properties ships it: a group's first join (consumer-perf-test's
    // MB.sec includes it) does not wait the 3 s meant for many members arriving together.
    'group.initial.rebalance.delay.ms': '0',
    ...overrides,
  };
  const args = Object.entries(settings).flatMap(([key, value]) => ['--override', `${key}=${value}`]);
  let child = await launch(args, dataDir);
  const stopChild = async (): Promise<void> => {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited(child);
    clearTimeout(timer);
  };
  return {
    bootstrap: `127.0.0.1:${port}`,
    port,
    pid: () => child.pid!,
    dir,
    async restart() {
      await stopChild();
      const start = process.hrtime.bigint();
      child = await launch(args, dataDir);
      return Number(process.hrtime.bigint() - start) / 1e6;
    },
    async stop() {
      await stopChild();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
