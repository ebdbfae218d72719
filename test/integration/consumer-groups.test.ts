// `tk consumer-groups` run as a user runs it (the built binary, stdout a pipe) against a harness
// broker, with groups made by kafka-python consumers (test/compat/python/cg_consume.py) that
// consume a known number of records and commit; exact bytes as kafka-consumer-groups.sh prints
// them for the same state. --watch runs in a tmux pseudo-terminal.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, PYTHON, runPython, runTool, startBroker, startTool, type RunningBroker, type RunningTool } from '../harness/broker.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CONSUME = join(REPO, 'test', 'compat', 'python', 'cg_consume.py');
const tmp = mkdtempSync(join(tmpdir(), 'tk-cg-'));
let broker: RunningBroker;

const tk = (...args: string[]) => runTool('node', ['bin/run.js', 'consumer-groups', '--bootstrap-server', broker.bootstrap, ...args]);
const consume = (group: string, counts: string) => runPython<{ committed: Record<string, number>; member: string }>('cg_consume.py', [broker.bootstrap, 'orders', group, counts], 40_000);
const HEADER = '\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID';
const RESET_HEADER = '\nGROUP                          TOPIC                          PARTITION  NEW-OFFSET     ';
const resetRow = (group: string, partition: number, offset: number): string => `\n${group.padEnd(30)} ${'orders'.padEnd(30)} ${String(partition).padEnd(10)} ${String(offset).padEnd(15)}`;
const EMPTY_NOTE = (g: string): string => `\nConsumer group '${g}' has no active members.\n`;

/** A kafka-python member of `group` that stays in it until stopped. */
async function liveMember(group: string): Promise<RunningTool> {
  const member = startTool(PYTHON, [CONSUME, broker.bootstrap, 'orders', group, '0:1,1:1', 'hold']);
  await member.waitFor('stdout', /"member"/, 30_000);
  return member;
}

beforeAll(async () => {
  broker = await startBroker();
  const created = await runTool('node', ['bin/run.js', 'topics', '--bootstrap-server', broker.bootstrap, '--create', '--topic', 'orders', '--partitions', '2']);
  expect(created.code, created.stderr).toBe(0);
  for (const [partition, count] of [[0, 10], [1, 4]] as const) {
    const lines = Array.from({ length: count }, (_, i) => `r${i}`).join('\n');
    const produced = await runTool('kcat', ['-P', '-b', broker.bootstrap, '-t', 'orders', '-p', String(partition)], { input: `${lines}\n` });
    expect(produced.code, produced.stderr).toBe(0);
  }
  expect((await consume('g1', '0:6,1:1')).committed).toEqual({ '0': 6, '1': 1 });
}, 90_000);

afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await broker?.stop();
});

describe('tk consumer-groups against a broker', () => {
  it('describes committed offsets, log-end offsets and lag of a group without members', async () => {
    expect(await tk('--describe', '--group', 'g1')).toEqual({
      code: 0,
      stdout:
        `${HEADER}` +
        '\ng1              orders          0          6               10              4               -               -               -' +
        '\ng1              orders          1          1               4               3               -               -               -\n',
      stderr: EMPTY_NOTE('g1'),
    });
  });

  it('lists groups, with the state and type columns when asked', async () => {
    expect(await tk('--list')).toEqual({ code: 0, stdout: 'g1\n', stderr: '' });
    expect((await tk('--list', '--state', '--type')).stdout).toBe(`${'GROUP'.padEnd(25)} ${'TYPE'.padEnd(20)} ${'STATE'.padEnd(20)}\n${'g1'.padEnd(25)} ${'Classic'.padEnd(20)} ${'Empty'.padEnd(20)}\n`);
    expect((await tk('--list', '--state', 'stable')).stdout).toBe(`${'GROUP'.padEnd(25)} ${'STATE'.padEnd(20)}\n`);
    expect(await tk('--list', '--state', 'bogus')).toMatchObject({ code: 1, stdout: '', stderr: "Invalid state list 'bogus'. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty, Assigning, Reconciling\n" });
  });

  it('shows a live member, its assignment and the group state, and refuses to reset or delete the active group', async () => {
    const member = await liveMember('g2');
    try {
      const memberId = (JSON.parse(member.stdout().trim()) as { member: string }).member;
      const w = Math.max(15, memberId.length);
      expect(await tk('--describe', '--group', 'g2', '--members', '--verbose')).toEqual({
        code: 0,
        stdout: `\n${'GROUP'.padEnd(15)} ${'CONSUMER-ID'.padEnd(w)} ${'HOST'.padEnd(15)} ${'CLIENT-ID'.padEnd(15)} ${'#PARTITIONS'.padEnd(15)} ASSIGNMENT\n${'g2'.padEnd(15)} ${memberId.padEnd(w)} ${'/127.0.0.1'.padEnd(15)} ${'cg-python'.padEnd(15)} ${'2'.padEnd(15)} (0,1)\n`,
        stderr: '',
      });
      const coordinator = `${broker.bootstrap}  (1)`;
      const cw = Math.max(25, coordinator.length);
      expect((await tk('--describe', '--group', 'g2', '--state')).stdout).toBe(
        `\n${'GROUP'.padEnd(cw)} ${'COORDINATOR (ID)'.padEnd(25)} ${'ASSIGNMENT-STRATEGY'.padEnd(20)} ${'STATE'.padEnd(15)} #MEMBERS\n${'g2'.padEnd(cw)} ${coordinator.padEnd(25)} ${'range'.padEnd(20)} ${'Stable'.padEnd(15)} 1\n`,
      );
      const described = await tk('--describe', '--group', 'g2');
      expect(described.stdout).toContain(`\ng2              orders          0          1               10              9               ${memberId}`);
      expect(await tk('--reset-offsets', '--group', 'g2', '--all-topics', '--to-earliest', '--execute')).toEqual({
        code: 1,
        stdout: `\nError: Assignments can only be reset if the group 'g2' is inactive, but the current state is Stable.\n${RESET_HEADER}\n`,
        stderr: '',
      });
      expect(await tk('--delete', '--group', 'g2')).toEqual({
        code: 1,
        stdout:
          "\nError: Deletion of some consumer groups failed:\n* Group 'g2' could not be deleted due to: java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.\n",
        stderr: '',
      });
    } finally {
      member.endInput();
      await member.exit;
    }
  }, 60_000);

  it('plans each reset scenario as a dry run', async () => {
    const plan = async (...args: string[]) => (await tk('--reset-offsets', '--group', 'g1', '--topic', 'orders', '--dry-run', ...args)).stdout;
    const rows = (a: number, b: number): string => `${RESET_HEADER}${resetRow('g1', 0, a)}${resetRow('g1', 1, b)}\n`;
    expect(await plan('--to-earliest')).toBe(rows(0, 0));
    expect(await plan('--to-latest')).toBe(rows(10, 4));
    expect(await plan('--to-current')).toBe(rows(6, 1));
    expect(await plan('--to-offset', '5')).toBe(rows(5, 4));
    expect(await plan('--shift-by', '-3')).toBe(rows(3, 0));
    expect(await plan('--by-duration', 'P1D')).toBe(rows(0, 0));
    expect(await plan('--to-datetime', '2999-01-01T00:00:00.000')).toBe(
      '\nWarn: Partition 0 from topic orders is empty. Falling back to latest known offset.\n\nWarn: Partition 1 from topic orders is empty. Falling back to latest known offset.\n' + rows(10, 4),
    );
    expect((await tk('--reset-offsets', '--group', 'g1', '--topic', 'orders:1', '--to-latest')).stderr).toMatch(/^WARN: No action will be performed as the --execute option is missing\.In a future major release/);
  });

  it('exports a plan as CSV and resets from it', async () => {
    const exported = await tk('--reset-offsets', '--group', 'g1', '--all-topics', '--shift-by', '-1', '--export', '--dry-run');
    expect(exported).toEqual({ code: 0, stdout: 'orders,0,5\norders,1,0\n\n', stderr: '' });
    const file = join(tmp, 'plan.csv');
    writeFileSync(file, exported.stdout);
    expect((await tk('--reset-offsets', '--group', 'g1', '--from-file', file, '--dry-run')).stdout).toBe(`${RESET_HEADER}${resetRow('g1', 0, 5)}${resetRow('g1', 1, 0)}\n`);
  });

  it('resets to the earliest offsets with --execute, and a consumer resumes there', async () => {
    const reset = await tk('--reset-offsets', '--group', 'g1', '--topic', 'orders', '--to-earliest', '--execute');
    expect(reset).toEqual({ code: 0, stdout: `${RESET_HEADER}${resetRow('g1', 0, 0)}${resetRow('g1', 1, 0)}\n`, stderr: '' });
    expect((await consume('g1', '0:2,1:1')).committed).toEqual({ '0': 2, '1': 1 });
  }, 60_000);

  it('deletes a group\'s offsets of a partition, then the group', async () => {
    expect(await tk('--delete-offsets', '--group', 'g1', '--topic', 'orders:1')).toEqual({
      code: 0,
      stdout: `Request succeed for deleting offsets with topic orders:1 group g1\n\n${'TOPIC'.padEnd(30)} ${'PARTITION'.padEnd(15)} ${'STATUS'.padEnd(15)}\n${'orders'.padEnd(30)} ${'1'.padEnd(15)} ${'Successful'.padEnd(15)}\n`,
      stderr: '',
    });
    expect((await tk('--describe', '--group', 'g1')).stdout).toBe(`${HEADER}\ng1              orders          0          2               10              8               -               -               -\n`);
    expect(await tk('--delete', '--group', 'g1')).toEqual({ code: 0, stdout: "Deletion of requested consumer groups ('g1') was successful.\n", stderr: '' });
  });

  it('says a group that does not exist does not exist', async () => {
    expect(await tk('--describe', '--group', 'g1')).toEqual({ code: 1, stdout: "\nError: Consumer group 'g1' does not exist.\n", stderr: '' });
  });

  it('gives the same facts as JSON', async () => {
    await consume('g3', '0:4,1:4');
    const { code, stdout } = await tk('--describe', '--group', 'g3', '--output', 'json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      groups: [
        {
          group: 'g3',
          state: 'Empty',
          exists: true,
          partitions: [
            { topic: 'orders', partition: 0, currentOffset: 4, logEndOffset: 10, lag: 6, consumerId: null, host: null, clientId: null },
            { topic: 'orders', partition: 1, currentOffset: 4, logEndOffset: 4, lag: 0, consumerId: null, host: null, clientId: null },
          ],
        },
      ],
    });
  }, 60_000);

  it('says so in one line when no broker answers', async () => {
    const port = await freePort();
    const result = await runTool('node', ['bin/run.js', 'consumer-groups', '--bootstrap-server', `127.0.0.1:${port}`, '--list']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`127.0.0.1:${port}`);
  });

  it('refuses --watch in a pipe, and on a terminal draws the lag with rate and ETA columns', async () => {
    expect(await tk('--describe', '--group', 'g3', '--watch')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error: --watch redraws the screen every second: it needs a terminal (stdout is not one)\n',
    });
    const run = promisify(execFile);
    const socket = join(tmp, 'tmux');
    const line = `env -u NO_COLOR -u FORCE_COLOR TERM=xterm-256color NO_COLOR=1 node bin/run.js consumer-groups --bootstrap-server ${broker.bootstrap} --describe --group g3 --watch`;
    await run('tmux', ['-S', socket, 'new-session', '-d', '-x', '200', '-y', '40', '-c', REPO, line]);
    try {
      const deadline = Date.now() + 20_000;
      let screen = '';
      while (Date.now() < deadline && !/orders.*│ 1 .*│ 4 /.test(screen.replace(/\s+/g, ' '))) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        screen = (await run('tmux', ['-S', socket, 'capture-pane', '-p', '-t', '0'])).stdout;
      }
      expect(screen).toContain('tk consumer-groups --watch');
      expect(screen).toMatch(/TOPIC\s*│\s*PARTITION\s*│\s*CURRENT-OFFSET\s*│\s*LOG-END-OFFSET\s*│\s*LAG\s*│\s*RATE\/s\s*│\s*ETA/);
      expect(screen).toMatch(/orders\s*│\s*0\s*│\s*4\s*│\s*10\s*│\s*6\s*│/);
    } finally {
      await run('tmux', ['-S', socket, 'kill-server']).catch(() => {});
    }
  }, 40_000);
});
