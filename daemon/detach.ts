// --daemon and `tk broker stop`: pid files, and a detached broker process with its log file.
// Each running broker has `tk-broker.pid` in its first log directory and an entry in the run
// directory ($TK_RUN_DIR, or ~/.tk/run) pointing there, so `tk broker stop` finds them all.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { resolveBrokerConfig } from '../src/config/broker-configs.js';
import { brokerLogFile, brokerPidFile } from '../src/config/daemon-files.js';
import { loadBrokerProperties, type BrokerStartOptions } from './main.js';

const READY_TIMEOUT_MS = 60_000;

function runDir(): string {
  return process.env['TK_RUN_DIR'] || join(homedir(), '.tk', 'run');
}

function entryName(nodeId: number, logDir: string): string {
  return `broker-${nodeId}-${createHash('sha256').update(logDir).digest('hex').slice(0, 12)}.pid`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function writePidFile(nodeId: number, logDir: string): Promise<void> {
  await writeFile(brokerPidFile(logDir), `${process.pid}\n`);
  await mkdir(runDir(), { recursive: true });
  await writeFile(join(runDir(), entryName(nodeId, logDir)), `${process.pid}\n${nodeId}\n${logDir}\n`);
}

export async function removePidFile(nodeId: number, logDir: string): Promise<void> {
  await rm(brokerPidFile(logDir), { force: true });
  await rm(join(runDir(), entryName(nodeId, logDir)), { force: true });
}

interface RunEntry {
  file: string;
  pid: number;
  nodeId: number;
  logDir: string;
}

async function runEntries(): Promise<RunEntry[]> {
  let names: string[];
  try {
    names = await readdir(runDir());
  } catch {
    return [];
  }
  const entries: RunEntry[] = [];
  for (const name of names.filter((n) => n.startsWith('broker-') && n.endsWith('.pid'))) {
    const [pid, nodeId, logDir] = (await readFile(join(runDir(), name), 'utf8')).split('\n');
    entries.push({ file: join(runDir(), name), pid: Number(pid), nodeId: Number(nodeId), logDir });
  }
  return entries;
}

/** SIGTERM to each matching live broker; waits for each to exit. Returns the node ids stopped. */
export async function stopBrokers(nodeId: number | undefined, timeoutMs: number): Promise<number[]> {
  const stopped: number[] = [];
  for (const entry of await runEntries()) {
    if (nodeId !== undefined && entry.nodeId !== nodeId) continue;
    if (!isAlive(entry.pid)) {
      await rm(entry.file, { force: true }); // left behind by a broker that was killed
      continue;
    }
    process.kill(entry.pid, 'SIGTERM');
    const deadline = Date.now() + timeoutMs;
    while (isAlive(entry.pid)) {
      if (Date.now() > deadline) throw new Error(`broker ${entry.nodeId} (pid ${entry.pid}) did not stop within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    stopped.push(entry.nodeId);
  }
  return stopped;
}

/** Starts the broker as a detached process logging to its first log dir; resolves with its ready line. */
export async function startDetached(options: BrokerStartOptions, packageRoot: string): Promise<string> {
  const { config } = resolveBrokerConfig(await loadBrokerProperties(options));
  const logDir = config.logDirs[0];
  await mkdir(logDir, { recursive: true });
  const logPath = brokerLogFile(logDir);
  const logFile = await open(logPath, 'a');
  const start = (await logFile.stat()).size;
  const args = [join(packageRoot, 'bin', 'run.js'), 'broker', 'start', ...(options.propertiesFile ? [options.propertiesFile] : []), ...options.overrides.flatMap((o) => ['--override', o])];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', logFile.fd, logFile.fd] });
  child.unref();
  await logFile.close();
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? 1));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const text = (await readFile(logPath, 'utf8')).slice(start);
    const ready = text.split('\n').find((l) => /^tk (?:broker|controller) \d+ ready on /.test(l));
    if (ready) return ready;
    if (exited !== null) {
      const lastLine = text.trim().split('\n').pop() ?? '';
      throw new Error(`the broker exited with code ${exited} before it was ready: ${lastLine} (log: ${logPath})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the broker was not ready within ${READY_TIMEOUT_MS / 1000} s (log: ${logPath})`);
}
