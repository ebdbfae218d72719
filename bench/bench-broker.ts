// The broker the benches measure against: the built `tk broker start` on random loopback ports
// with a fresh temporary directory (log dirs under `data/`, scratch files beside them).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchBroker {
  child: ChildProcess;
  bootstrap: string;
  port: number;
  /** A temporary directory for the bench's own files; removed by stop(). */
  dir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startBenchBroker(name: string): Promise<BenchBroker> {
  const [port, controllerPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), `tk-bench-${name}-`));
  const child = spawn(
    process.execPath,
    [
      'bin/run.js', 'broker', 'start',
      '--override', `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      '--override', `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      '--override', `log.dirs=${join(dir, 'data')}`,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('broker not ready in 20 s')), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready on')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    child,
    bootstrap: `127.0.0.1:${port}`,
    port,
    dir,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
