// `tk cluster up / status / down` run as a user runs them (the built binary, stdout a pipe), on
// random base ports and temp data dirs. The nodes are detached processes, so besides the harness's
// own clean-up every node process started under the temp dirs is SIGKILLed at the end.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runTool } from '../harness/broker.js';
import { pollUntil } from '../harness/cluster.js';

const root = mkdtempSync(join(tmpdir(), 'tk-cluster-'));
// Detached brokers register in the run dir; never the developer's own ~/.tk.
process.env.TK_RUN_DIR = join(root, 'run');
process.env.TK_DATA_DIR = join(root, 'default-data');

const UP_TIMEOUT_MS = 60_000;
/** Several node processes starting and stopping on a shared machine. */
const MULTI_NODE_TEST_TIMEOUT_MS = 120_000;

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
  nodes: { nodeId: number; roles: string[]; listener: string; brokerPort: number | null; controllerPort: number | null; pid: number | null; log: string }[];
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
    expect(json.nodes[0]).toMatchObject({ brokerPort: port, controllerPort: port + 1, log: join(dataDir, 'node-1', 'data', 'tk-broker.log') });
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

  it('down --delete kills a node that outlives --timeout and removes the data dir', async () => {
    const { nodes } = await statusJson(dataDir);
    const restartedPid = nodes[0]!.pid!;
    expect(await tk(['cluster', 'down', '--data-dir', dataDir, '--delete', '--timeout', '0'])).toEqual({
      code: 0,
      stdout: `Killed node 1 (broker,controller, pid ${restartedPid}): it did not exit after SIGTERM.\nDeleted ${dataDir}.\n`,
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

describe('tk cluster with three combined nodes', () => {
  const dataDir = join(root, 'three');
  let port: number;
  let bootstrap: string;

  it('starts three voters that register as three brokers', async () => {
    port = await freePortRange(6);
    bootstrap = [0, 1, 2].map((i) => `localhost:${port + i}`).join(',');
    expect(await tk(['cluster', 'up', '--brokers', '3', '--data-dir', dataDir, '--base-port', String(port)])).toEqual({ code: 0, stdout: `${bootstrap}\n`, stderr: '' });
    expect(readFileSync(join(dataDir, 'node-2', 'server.properties'), 'utf8')).toContain(
      `\ncontroller.quorum.voters=1@localhost:${port + 3},2@localhost:${port + 4},3@localhost:${port + 5}\n`,
    );
    const kcat = await runTool('kcat', ['-L', '-b', bootstrap, '-m', '10']);
    expect(kcat.stdout).toMatch(/ 3 brokers:\n {2}broker \d at localhost:\d+.*\n {2}broker \d at localhost:\d+.*\n {2}broker \d at localhost:\d+.*\n/);
    for (const id of [1, 2, 3]) expect(kcat.stdout).toContain(`broker ${id} at localhost:${port + id - 1}`);
  }, MULTI_NODE_TEST_TIMEOUT_MS);

  it('creates and describes a topic with three replicas', async () => {
    expect(await tk(['topics', '--bootstrap-server', bootstrap, '--create', '--topic', 'spread', '--replication-factor', '3'])).toEqual({ code: 0, stdout: 'Created topic spread.\n', stderr: '' });
    const { stdout } = await tk(['topics', '--bootstrap-server', bootstrap, '--describe', '--topic', 'spread']);
    expect(stdout).toMatch(/^Topic: spread\tTopicId: \S{22}\tPartitionCount: 1\tReplicationFactor: 3\tConfigs: \n\tTopic: spread\tPartition: 0\tLeader: [123]\tReplicas: (\d),(\d),(\d)\tIsr: /);
    expect(stdout.match(/Replicas: (\S+)/)![1]!.split(',').sort()).toEqual(['1', '2', '3']);
  }, MULTI_NODE_TEST_TIMEOUT_MS);

  it('status lists three running nodes and the quorum leader; a node killed shows as not running', async () => {
    const before = await statusJson(dataDir);
    expect(before.nodes.map((n) => [n.nodeId, n.roles.join(','), n.listener, n.pid !== null])).toEqual(
      [1, 2, 3].map((id) => [id, 'broker,controller', `PLAINTEXT://localhost:${port + id - 1}`, true]),
    );
    expect([1, 2, 3]).toContain(before.quorum!.leaderId);
    const text = await tk(['cluster', 'status', '--data-dir', dataDir]);
    expect(text.stdout.split('\n').filter((l) => /^\d\s+\tbroker,controller\t.*\trunning\t$/.test(l))).toHaveLength(3);
    expect(text.stdout).toContain(`\nLeaderId: ${before.quorum!.leaderId}\tLeaderEpoch: ${before.quorum!.leaderEpoch}\n`);

    const victim = before.nodes.find((n) => n.nodeId !== before.quorum!.leaderId)!;
    process.kill(victim.pid!, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = await statusJson(dataDir);
    expect(after.nodes.map((n) => n.pid === null)).toEqual(before.nodes.map((n) => n === victim));
    expect(after.quorum!.leaderId).toBe(before.quorum!.leaderId);
    const line = (await tk(['cluster', 'status', '--data-dir', dataDir])).stdout.split('\n').find((l) => l.startsWith(`${victim.nodeId} `));
    expect(line).toMatch(/\t-\s*\tnot running\t$/);
  }, MULTI_NODE_TEST_TIMEOUT_MS);

  it('up again starts only the node that is down; the others keep running; it rejoins the ISR', async () => {
    const before = await statusJson(dataDir);
    const down = before.nodes.filter((n) => n.pid === null).map((n) => n.nodeId);
    expect(down).toHaveLength(1);
    const up = await tk(['cluster', 'up', '--data-dir', dataDir, '--output', 'json']);
    expect(up.code).toBe(0);
    const result = JSON.parse(up.stdout) as { started: number[]; nodes: { nodeId: number; pid: number }[] };
    expect(result.started).toEqual(down);
    for (const n of before.nodes) if (n.pid !== null) expect(result.nodes.find((r) => r.nodeId === n.nodeId)!.pid).toBe(n.pid);
    await pollUntil('the restarted node back in the ISR', async () => {
      const { stdout } = await tk(['topics', '--bootstrap-server', bootstrap, '--describe', '--topic', 'spread']);
      return stdout.match(/Isr: (\S+)/)?.[1]?.split(',').sort().join() === '1,2,3' ? true : undefined;
    }, 30_000);
  }, MULTI_NODE_TEST_TIMEOUT_MS);

  it('down stops the three nodes, and no node process remains', async () => {
    const { nodes } = await statusJson(dataDir);
    const running = nodes.filter((n) => n.pid !== null);
    expect(await tk(['cluster', 'down', '--data-dir', dataDir], 90_000)).toEqual({
      code: 0,
      stdout: running.map((n) => `Stopped node ${n.nodeId} (broker,controller, pid ${n.pid}).\n`).join(''),
      stderr: '',
    });
    for (const n of nodes) if (n.pid !== null) expect(isAlive(n.pid)).toBe(false);
    expect(nodeProcesses().filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir))).toEqual([]);
  }, MULTI_NODE_TEST_TIMEOUT_MS);
});

describe('tk cluster with a dedicated controller', () => {
  const dataDir = join(root, 'dedicated');

  it('runs controller 3000 and brokers 1 and 2; down stops the brokers before the controller', async () => {
    const port = await freePortRange(3);
    expect(await tk(['cluster', 'up', '--brokers', '2', '--controllers', '1', '--data-dir', dataDir, '--base-port', String(port)])).toEqual({
      code: 0,
      stdout: `localhost:${port},localhost:${port + 1}\n`,
      stderr: '',
    });
    const status = await statusJson(dataDir);
    expect(status.nodes.map((n) => [n.nodeId, n.roles.join(','), n.listener])).toEqual([
      [3000, 'controller', `CONTROLLER://localhost:${port + 2}`],
      [1, 'broker', `PLAINTEXT://localhost:${port}`],
      [2, 'broker', `PLAINTEXT://localhost:${port + 1}`],
    ]);
    expect(status.quorum!.leaderId).toBe(3000);
    const kcat = await runTool('kcat', ['-L', '-b', `localhost:${port}`, '-m', '10']);
    expect(kcat.stdout).toContain(' 2 brokers:\n');
    const pid = (id: number) => status.nodes.find((n) => n.nodeId === id)!.pid;
    expect(await tk(['cluster', 'down', '--data-dir', dataDir], 90_000)).toEqual({
      code: 0,
      stdout: `Stopped node 1 (broker, pid ${pid(1)}).\nStopped node 2 (broker, pid ${pid(2)}).\nStopped node 3000 (controller, pid ${pid(3000)}).\n`,
      stderr: '',
    });
  }, MULTI_NODE_TEST_TIMEOUT_MS);

  it('when a broker cannot start, stops the controller it started and names the node and its log', async () => {
    // Accepted by the CLI, which reads only the listeners, refused by the broker: its log dir cannot exist.
    await appendFile(join(dataDir, 'node-1', 'server.properties'), 'log.dirs=/dev/null/data\n');
    const result = await tk(['cluster', 'up', '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Error: node 1 did not start: ENOTDIR: not a directory, mkdir '\/dev\/null\/data'\n$/);
    const status = await statusJson(dataDir);
    expect(status.nodes.map((n) => n.pid)).toEqual([null, null, null]);
    expect(nodeProcesses().filter((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dataDir))).toEqual([]);
  }, MULTI_NODE_TEST_TIMEOUT_MS);
});
