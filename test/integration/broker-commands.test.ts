// `tk storage random-uuid`, `tk storage format`, `tk broker start --daemon` and `tk broker stop`
// run as a user runs them: the built binary, exact stdout and stderr, text and --output json.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, HOST, runTool } from '../harness/broker.js';

const UUID = /^[A-Za-z0-9_-]{22}$/;
const scratch = mkdtempSync(join(tmpdir(), 'tk-broker-commands-'));
const runDir = join(scratch, 'run');

const tk = (...args: string[]) => runTool('node', ['bin/run.js', ...args], { timeoutMs: 40_000 });

/** Pids of brokers this file detached, read from their pid files, so none outlives the tests. */
function detachedPids(): number[] {
  try {
    return readdirSync(runDir).map((f) => Number(readFileSync(join(runDir, f), 'utf8').split('\n')[0]));
  } catch {
    return [];
  }
}

beforeAll(() => {
  // tk broker start --daemon and tk broker stop find each other through pid files here.
  process.env.TK_RUN_DIR = runDir;
});

afterAll(() => {
  for (const pid of detachedPids()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(scratch, { recursive: true, force: true });
});

describe('tk storage', () => {
  it('random-uuid prints a new 22-character base64url id each time, as text or json', async () => {
    const first = await tk('storage', 'random-uuid');
    const second = await tk('storage', 'random-uuid');
    expect(first.code).toBe(0);
    expect(first.stdout.trimEnd()).toMatch(UUID);
    expect(first.stdout).not.toBe(second.stdout);
    const json = await tk('storage', 'random-uuid', '--output', 'json');
    expect((JSON.parse(json.stdout) as { uuid: string }).uuid).toMatch(UUID);
  });

  it('format writes meta.properties once and refuses a second time unless told to ignore it', async () => {
    const dir = join(scratch, 'format-text');
    const clusterId = 'MkU3OEVBNTcwNTJENDM2Qg';
    const format = (...extra: string[]) => tk('storage', 'format', '--cluster-id', clusterId, '--override', `log.dirs=${dir}`, ...extra);
    expect(await format()).toEqual({ code: 0, stdout: `Formatting ${dir} with metadata.version 3.9-IV0 and cluster id ${clusterId}.\n`, stderr: '' });
    expect(readFileSync(join(dir, 'meta.properties'), 'utf8')).toContain(`cluster.id=${clusterId}`);
    expect(await format()).toEqual({
      code: 1,
      stdout: '',
      stderr: `Error: Log directory ${dir} is already formatted. Use --ignore-formatted to ignore this directory and format the others.\n`,
    });
    expect(await format('--ignore-formatted')).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('format --output json names the cluster, the node and the directories it formatted', async () => {
    const dir = join(scratch, 'format-json');
    const result = await tk('storage', 'format', '--override', `log.dirs=${dir}`, '--override', 'node.id=7', '--override', 'controller.quorum.voters=7@localhost:9093', '--output', 'json');
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { clusterId: string; nodeId: number; formatted: string[] };
    expect(parsed.clusterId).toMatch(UUID);
    expect(parsed).toMatchObject({ nodeId: 7, formatted: [dir] });
  });
});

describe('tk broker start --daemon and tk broker stop', () => {
  async function startDetached(output: 'text' | 'json'): Promise<{ stdout: string; bootstrap: string }> {
    const [port, controllerPort] = [await freePort(), await freePort()];
    const overrides = {
      listeners: `PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}`,
      'controller.quorum.voters': `1@${HOST}:${controllerPort}`,
      'log.dirs': join(scratch, `daemon-${output}`),
    };
    const result = await tk('broker', 'start', '--daemon', '--output', output, ...Object.entries(overrides).flatMap(([k, v]) => ['--override', `${k}=${v}`]));
    expect(result).toMatchObject({ code: 0, stderr: '' });
    return { stdout: result.stdout, bootstrap: `${HOST}:${port}` };
  }

  it('detaches a broker that serves clients, and stops it with a controlled shutdown', async () => {
    const { stdout, bootstrap } = await startDetached('text');
    expect(stdout).toBe(`tk broker 1 ready on PLAINTEXT://${bootstrap}\n`);
    expect(await tk('topics', '--create', '--topic', 'detached', '--bootstrap-server', bootstrap)).toMatchObject({ code: 0, stdout: 'Created topic detached.\n' });
    const [pid] = detachedPids();
    expect(await tk('broker', 'stop')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(() => process.kill(pid!, 0)).toThrow();
    expect(detachedPids()).toEqual([]);
    expect(readFileSync(join(scratch, 'daemon-text', 'tk-broker.log'), 'utf8')).toMatch(/received SIGTERM: shutting down/);
  });

  it('says so in one line when there is no broker to stop', async () => {
    expect(await tk('broker', 'stop')).toEqual({ code: 1, stdout: '', stderr: 'Error: No tk broker to stop.\n' });
    expect(await tk('broker', 'stop', '--node-id', '5')).toEqual({ code: 1, stdout: '', stderr: 'Error: No tk broker with node id 5 is running.\n' });
  });

  it('reports the ready broker and the stopped node ids as json', async () => {
    const { stdout, bootstrap } = await startDetached('json');
    expect(JSON.parse(stdout)).toEqual({ nodeId: 1, listener: `PLAINTEXT://${bootstrap}` });
    const stop = await tk('broker', 'stop', '--output', 'json');
    expect(stop.code).toBe(0);
    expect(JSON.parse(stop.stdout)).toEqual({ stopped: [1] });
  });
});
