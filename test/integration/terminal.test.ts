// `tk topics` as a person at a terminal sees it: the built binary runs inside a detached tmux
// session (a real pseudo-terminal), the test reads the screen with capture-pane and types with
// send-keys. Each session has its own tmux server on a socket in a temp dir (-S), killed and
// removed after the tests.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool, startBroker, type RunningBroker } from '../harness/broker.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SCREEN_TIMEOUT_MS = 20_000;
const ESC = '\u001b[';

let broker: RunningBroker;
const socketDir = mkdtempSync(join(tmpdir(), 'tk-tmux-'));
const sockets: string[] = [];

beforeAll(async () => {
  broker = await startBroker();
  for (const [topic, partitions] of [['orders', '2'], ['kept', '1'], ['doomed', '1'], ['interrupted', '1'], ['piped', '1']] as const) {
    const created = await runTool('node', ['bin/run.js', 'topics', '--bootstrap-server', broker.bootstrap, '--create', '--topic', topic, '--partitions', partitions]);
    expect(created.code, created.stderr).toBe(0);
  }
});

afterAll(async () => {
  for (const socket of sockets) await run('tmux', ['-S', socket, 'kill-server']).catch(() => {});
  rmSync(socketDir, { recursive: true, force: true });
  await broker?.stop();
});

const tmux = async (socket: string, ...args: string[]): Promise<string> => (await run('tmux', ['-S', socket, ...args])).stdout;

interface Screen {
  /** The visible text, or with escape codes (`capture-pane -e`). */
  text(options?: { escapes?: boolean }): Promise<string>;
  /** Polls the screen until it contains `marker`; returns the screen. */
  waitFor(marker: string | RegExp): Promise<string>;
  keys(...keys: string[]): Promise<void>;
}

/**
 * Runs a shell line in a fresh 160x50 terminal with an environment of its own, as a person's
 * shell has it: only PATH, HOME and TERM from here, so the runner's CI or colour variables (a CI
 * variable makes chalk drop colour) do not leak in. The line's exit status is printed as
 * `[exit N]` so a test can wait for the end.
 */
async function terminal(shellLine: string, env: Record<string, string> = {}): Promise<Screen> {
  const socket = join(socketDir, `session-${sockets.length}`);
  sockets.push(socket);
  const assignments = Object.entries({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm-256color', ...env }).map(([k, v]) => `${k}='${v}'`);
  const line = `env -i ${assignments.join(' ')} sh -c '${shellLine}'; echo "[exit $?]"; sleep 120`;
  await tmux(socket, 'new-session', '-d', '-x', '160', '-y', '50', '-c', REPO, line);
  const screen: Screen = {
    text: ({ escapes = false } = {}) => tmux(socket, 'capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', '0'),
    async waitFor(marker) {
      const deadline = Date.now() + SCREEN_TIMEOUT_MS;
      for (;;) {
        const text = await screen.text();
        if (typeof marker === 'string' ? text.includes(marker) : marker.test(text)) return text;
        if (Date.now() > deadline) throw new Error(`the terminal never showed ${String(marker)}; it shows:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async keys(...keys) {
      await tmux(socket, 'send-keys', '-t', '0', ...keys);
    },
  };
  return screen;
}

const tk = (args: string): string => `node bin/run.js topics --bootstrap-server ${broker.bootstrap} ${args}`;
const listed = async (): Promise<string[]> => (await runTool('node', ['bin/run.js', 'topics', '--bootstrap-server', broker.bootstrap, '--list'])).stdout.trimEnd().split('\n');

describe('tk topics on a terminal', () => {
  it('describes each topic as a heading and a partition table', async () => {
    const screen = await terminal(tk('--describe --topic orders'), { NO_COLOR: '1' });
    const text = await screen.waitFor('[exit 0]');
    expect(text).toMatch(/^orders {2}TopicId: [A-Za-z0-9_-]{22} {2}PartitionCount: 2 {2}ReplicationFactor: 1 {2}Configs: none\n/);
    expect(text).toContain(
      [
        '┌───────────┬────────┬──────────┬─────┐',
        '│ Partition │ Leader │ Replicas │ Isr │',
        '├───────────┼────────┼──────────┼─────┤',
        '│ 0         │ 1      │ 1        │ 1   │',
        '│ 1         │ 1      │ 1        │ 1   │',
        '└───────────┴────────┴──────────┴─────┘',
        '[exit 0]',
      ].join('\n'),
    );
  });

  it('lists topics in a table', async () => {
    const screen = await terminal(tk('--list --topic "orders|kept"'), { NO_COLOR: '1' });
    expect(await screen.waitFor('[exit 0]')).toMatch(/^┌────────┐\n│ Topic {2}│\n├────────┤\n│ kept {3}│\n│ orders │\n└────────┘\n\[exit 0\]/);
  });

  it('draws no escape codes with NO_COLOR, and colours without it', async () => {
    const plain = await terminal(tk('--describe --topic orders'), { NO_COLOR: '1' });
    await plain.waitFor('[exit 0]');
    expect(await plain.text({ escapes: true })).not.toContain(ESC);
    const coloured = await terminal(tk('--describe --topic orders'));
    await coloured.waitFor('[exit 0]');
    // The topic name and the column headings are bold.
    expect(await coloured.text({ escapes: true })).toContain(`${ESC}1morders`);
  });

  it('FORCE_COLOR wins over NO_COLOR', async () => {
    const screen = await terminal(tk('--list --topic orders'), { NO_COLOR: '1', FORCE_COLOR: '1' });
    await screen.waitFor('[exit 0]');
    expect(await screen.text({ escapes: true })).toContain(`${ESC}1mTopic`);
  });
});

describe('tk topics --delete on a terminal', () => {
  it('asks first, default No: answering n deletes nothing and exits 1', async () => {
    const screen = await terminal(tk('--delete --topic kept'));
    await screen.waitFor('Delete topic kept? (y/N)');
    await screen.keys('n', 'Enter');
    const text = await screen.waitFor('[exit 1]');
    expect(text).toContain('deletion cancelled: nothing was deleted\n[exit 1]');
    expect(await listed()).toContain('kept');
  });

  it('answering y deletes the topic', async () => {
    const screen = await terminal(tk('--delete --topic doomed'));
    await screen.waitFor('Delete topic doomed? (y/N)');
    await screen.keys('y', 'Enter');
    await screen.waitFor('[exit 0]');
    expect(await listed()).not.toContain('doomed');
  });

  it('Ctrl-C at the prompt cancels, with no stack trace', async () => {
    const screen = await terminal(tk('--delete --topic interrupted'));
    await screen.waitFor('Delete topic interrupted? (y/N)');
    await screen.keys('C-c');
    const text = await screen.waitFor('[exit 1]');
    expect(text).toContain('deletion cancelled: nothing was deleted\n[exit 1]');
    expect(text).not.toMatch(/Error|\n\s+at /);
    expect(await listed()).toContain('interrupted');
  });

  it('never asks when stdin is not a terminal', async () => {
    const screen = await terminal(`echo y | ${tk('--delete --topic piped')}`);
    const text = await screen.waitFor(/\[exit \d+\]/);
    expect(text).not.toContain('Delete topic');
    expect(text).toContain('[exit 0]');
    expect(await listed()).not.toContain('piped');
  });
});
