// The cluster's node processes. They are started exactly as a user would start them, through the
// built binary (`tk storage format`, `tk broker start FILE --daemon`), so the CLI never loads the
// daemon; they are found again through the pid file each detached broker keeps in its log dir.
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { UserError } from '../base-command.js';
import { pidFileOf, type ClusterNode, type ClusterPlan } from './layout.js';

const POLL_MS = 50;
/** SIGKILL cannot be refused; this only bounds the wait for the kernel to reap. */
const KILL_WAIT_MS = 5_000;

interface TkResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `tk ARGS` (this package's own bin/run.js) to its end. */
function runTk(packageRoot: string, args: readonly string[]): Promise<TkResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(packageRoot, 'bin', 'run.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** The one line a failed tk run printed, without its `Error: ` prefix. */
function failureLine(result: TkResult): string {
  const line = result.stderr.trim().split('\n')[0] ?? '';
  return line.replace(/^Error: /, '') || `exit code ${result.code}`;
}

/** Formats every node's log dir with one cluster id: the first node's, as `kafka-storage.sh format -t` shares it. */
export async function formatCluster(packageRoot: string, plan: ClusterPlan): Promise<string> {
  const format = async (n: ClusterNode, clusterId: string | null): Promise<string> => {
    const result = await runTk(packageRoot, ['storage', 'format', '--config', n.propertiesFile, ...(clusterId === null ? [] : ['-t', clusterId]), '--output', 'json']);
    if (result.code !== 0) throw new UserError(`could not format node ${n.id}: ${failureLine(result)}`);
    return (JSON.parse(result.stdout) as { clusterId: string }).clusterId;
  };
  const [first, ...rest] = plan.nodes;
  const clusterId = await format(first!, null);
  await Promise.all(rest.map((n) => format(n, clusterId)));
  return clusterId;
}

/** The cluster id a node's log dir was formatted with, or null before `up` formatted it. */
export async function clusterIdOf(n: ClusterNode): Promise<string | null> {
  try {
    const text = await readFile(join(n.logDir, 'meta.properties'), 'utf8');
    return /^cluster\.id=(.*)$/m.exec(text)?.[1]?.trim() ?? null;
  } catch {
    return null;
  }
}

/** Starts the node detached (`tk broker start FILE --daemon`), resolving with its pid once it is ready. */
export async function startNode(packageRoot: string, n: ClusterNode): Promise<number> {
  const result = await runTk(packageRoot, ['broker', 'start', n.propertiesFile, '--daemon']);
  if (result.code !== 0) throw new UserError(`node ${n.id} did not start: ${failureLine(result)}`);
  const pid = await runningPid(n);
  if (pid === null) throw new UserError(`node ${n.id} printed its ready line but left no running pid in ${pidFileOf(n)}`);
  return pid;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, but someone else's process.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The node's pid while it runs, else null. A node killed with SIGKILL leaves its pid file behind and
 * the pid may be reused: where /proc exists, the process must also be the one started on this
 * node's properties file.
 */
export async function runningPid(n: ClusterNode): Promise<number | null> {
  let pid: number;
  try {
    pid = Number((await readFile(pidFileOf(n), 'utf8')).trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return null;
  try {
    const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return commandLine.split('\0').includes(n.propertiesFile) ? pid : null;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' && process.platform !== 'linux' ? pid : null;
  }
}

/** Refuses, in one line, a port another process already listens on. */
export async function checkPortFree(port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new UserError(`port ${port} (${what}) is already in use; choose other ports with --base-port`));
      else reject(err);
    });
    server.listen({ host: 'localhost', port, exclusive: true }, () => server.close(() => resolve()));
  });
}

export type StopSignal = 'SIGTERM' | 'SIGKILL';

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return true;
}

/** False when the process has already exited. */
function signal(pid: number, name: StopSignal): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** SIGTERM (a controlled shutdown), then SIGKILL if the node is still running after timeoutMs. */
export async function stopNode(n: ClusterNode, pid: number, timeoutMs: number): Promise<StopSignal> {
  if (!signal(pid, 'SIGTERM') || (await waitForExit(pid, timeoutMs))) return 'SIGTERM';
  signal(pid, 'SIGKILL');
  await waitForExit(pid, KILL_WAIT_MS);
  // A killed broker cannot remove its own pid file.
  await rm(pidFileOf(n), { force: true });
  return 'SIGKILL';
}
