// `tk cluster up / status / down` run as a user runs them (the built binary, stdout a pipe), on
// random base ports and temp data dirs. The nodes are detached processes, so besides the harness's
// own clean-up every node process started under the temp dirs is SIGKILLed at the end.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runTool } from '../harness/broker.js';

const root = mkdtempSync(join(tmpdir(), 'tk-cluster-'));
// Detached brokers register in the run dir; never the developer's own ~/.tk.
process.env.TK_RUN_DIR = join(root, 'run');
process.env.TK_DATA_DIR = join(root, 'default-data');

const UP_TIMEOUT_MS = 60_000;

function pidFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name === 'tk-broker.pid') found.push(join(dir, entry.name));
    }
  };
  if (existsSync(root)) walk(root);
  return found;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Node processes started on a properties file under this test's temp dir, pid file or not (one that never got ready has none). */
function nodeProcesses(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(`${root}/`);
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);
}

afterAll(() => {
  const pids = new Set([...pidFiles().map((file) => Number(readFileSync(file, 'utf8').trim())), ...(existsSync('/proc') ? nodeProcesses() : [])]);
  for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

const tk = (args: string[], timeoutMs = UP_TIMEOUT_MS) => runTool(process.execPath, ['bin/run.js', ...args], { timeoutMs });

async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: 'localhost', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port P with P..P+count-1 all free a moment ago. */
async function freePortRange(count: number): Promise<number> {
  for (;;) {
    const base = await freePort();
    if (base + count > 65535) continue;
    let free = true;
    for (let p = base + 1; p < base + count && free; p++) free = await isPortFree(p);
    if (free) return base;
  }
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: 'localhost', port }, () => resolve(server));
  });
}

interface StatusJson {
  clusterId: string;
  nodes: { nodeId: number; roles: string[]; listener: string; pid: number | null; log: string }[];
  quorum: { leaderId: number; leaderEpoch: number } | null;
  quorumError: string | null;
}

async function statusJson(dataDir: string): Promise<StatusJson> {
  const result = await tk(['cluster', 'status', '--data-dir', dataDir, '--output', 'json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as StatusJson;
}

describe('tk cluster with one combined node', () => {
  const dataDir = join(root, 'single');
  let port: number;
  let pid: number;
  let clusterId: string;

  it('starts the node in the background and prints the bootstrap servers', async () => {
    port = await freePortRange(2);
    expect(await tk(['cluster', 'up', '--brokers', '1', '--data-dir', dataDir, '--base-port', String(port)])).toEqual({ code: 0, stdout: `localhost:${port}\n`, stderr: '' });
    const properties = readFileSync(join(dataDir, 'node-1', 'server.properties'), 'utf8');
    expect(properties).toContain(`\nprocess.roles=broker,controller\nlisteners=PLAINTEXT://localhost:${port},CONTROLLER://localhost:${port + 1}\n`);
    expect(properties).toContain(`\ncontroller.quorum.voters=1@localhost:${port + 1}\nlog.dirs=${join(dataDir, 'node-1', 'data')}\n`);
    const kcat = await runTool('kcat', ['-L', '-b', `localhost:${port}`, '-m', '10']);
    expect(kcat.stdout).toContain(` 1 brokers:\n  broker 1 at localhost:${port} (controller)\n`);
  });

  it('status lists the node, its pid and the quorum leader, as plain text in a pipe', async () => {
    const json = await statusJson(dataDir);
    pid = json.nodes[0]!.pid!;
    clusterId = json.clusterId;
    expect(isAlive(pid)).toBe(true);
    expect(json.quorum).toEqual({ leaderId: 1, leaderEpoch: expect.any(Number) });
    const listener = `PLAINTEXT://localhost:${port}`;
    expect(await tk(['cluster', 'status', '--data-dir', dataDir])).toEqual({
      code: 0,
      stdout:
        `ClusterId: ${clusterId}\nDataDir: ${dataDir}\nLeaderId: 1\tLeaderEpoch: ${json.quorum!.leaderEpoch}\n` +
        `NodeId\tRoles            \t${'Listener'.padEnd(listener.length)}\t${'Pid'.padEnd(String(pid).length)}\tStatus \t\n` +
        `1     \tbroker,controller\t${listener}\t${pid}\trunning\t\n`,
      stderr: '',
    });
  });

  it('refuses to start a second time while the cluster runs', async () => {
    expect(await tk(['cluster', 'up', '--data-dir', dataDir])).toEqual({
      code: 1,
      stdout: '',
      stderr: `Error: a tk cluster is already running in ${dataDir} (node 1, pid ${pid}); stop it first with tk cluster down\n`,
    });
  });

  it('down stops the node with SIGTERM and says so; then nothing is left to stop', async () => {
    await tk(['topics', '--bootstrap-server', `localhost:${port}`, '--create', '--topic', 'kept']);
    expect(await tk(['cluster', 'down', '--data-dir', dataDir])).toEqual({ code: 0, stdout: `Stopped node 1 (broker,controller, pid ${pid}).\n`, stderr: '' });
    expect(isAlive(pid)).toBe(false);
    const status = await statusJson(dataDir);
    expect(status.nodes.map((n) => n.pid)).toEqual([null]);
    expect(status.quorumError).toBe('no controller is running');
    expect(await tk(['cluster', 'down', '--data-dir', dataDir])).toEqual({ code: 1, stdout: '', stderr: `Error: no node of the tk cluster in ${dataDir} is running\n` });
  });

  it('up on a stopped cluster starts it again from its files, with its data; another layout is refused', async () => {
    const other = await tk(['cluster', 'up', '--data-dir', dataDir, '--brokers', '2', '--base-port', String(port)]);
    expect(other.code).toBe(1);
    expect(other.stderr).toBe(`Error: ${dataDir} holds a cluster of another layout: start it as it is without --brokers, --controllers and --base-port, or remove it with tk cluster down --delete\n`);
    expect(await tk(['cluster', 'up', '--data-dir', dataDir])).toEqual({ code: 0, stdout: `localhost:${port}\n`, stderr: '' });
    expect((await statusJson(dataDir)).clusterId).toBe(clusterId);
    expect((await tk(['topics', '--bootstrap-server', `localhost:${port}`, '--list'])).stdout).toBe('kept\n');
  });

  it('down --delete stops the node and removes the data dir', async () => {
    const { nodes } = await statusJson(dataDir);
    const restartedPid = nodes[0]!.pid!;
    expect(await tk(['cluster', 'down', '--data-dir', dataDir, '--delete'])).toEqual({
      code: 0,
      stdout: `Stopped node 1 (broker,controller, pid ${restartedPid}).\nDeleted ${dataDir}.\n`,
      stderr: '',
    });
    expect(isAlive(restartedPid)).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
    expect(await tk(['cluster', 'status', '--data-dir', dataDir])).toEqual({ code: 1, stdout: '', stderr: `Error: no tk cluster in ${dataDir}\n` });
  });
});

describe('tk cluster up refusals', () => {
  it('refuses in one line when a port it needs is taken, and writes nothing', async () => {
    const port = await freePortRange(2);
    const server = await occupy(port + 1);
    const dataDir = join(root, 'port-taken');
    try {
      expect(await tk(['cluster', 'up', '--data-dir', dataDir, '--base-port', String(port)])).toEqual({
        code: 1,
        stdout: '',
        stderr: `Error: port ${port + 1} (node 1's CONTROLLER listener) is already in use; choose other ports with --base-port\n`,
      });
    } finally {
      server.close();
    }
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses a bad flag value in one line', async () => {
    const result = await tk(['cluster', 'up', '--brokers', '0', '--data-dir', join(root, 'bad')]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('Expected an integer greater than or equal to 1 but received: 0');
  });

});
