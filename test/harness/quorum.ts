// N dedicated controllers (`tk broker start` with process.roles=controller) on random loopback
// ports, each in a temp dir, as child processes that test/harness/broker.ts tracks: whatever is
// still running after the test file's last test is SIGKILLed. Short quorum timeouts keep the
// elections in tests quick. The voters share one cluster id, formatted first as Kafka requires.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { freePort, HOST, runTool, startTool, type RunningTool } from './broker.js';

export const QUORUM_TIMEOUTS = {
  'controller.quorum.election.timeout.ms': '500',
  'controller.quorum.fetch.timeout.ms': '1000',
  'controller.quorum.election.backoff.max.ms': '500',
};
const READY_TIMEOUT_MS = 20_000;
const BIN = 'bin/run.js';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

export interface ControllerNode {
  readonly id: number;
  readonly port: number;
  readonly logDir: string;
  /** `bin/run.js broker start --override …`: the node's command line after node. */
  readonly args: readonly string[];
  /** The running process, or null after it stopped. */
  process: RunningTool | null;
  /** Starts the node (again) on its dir and port and waits for its ready line. */
  start(): Promise<void>;
  /** SIGTERM: a graceful shutdown (EndQuorumEpoch when it leads); resolves with the exit code. */
  stop(): Promise<number>;
  /** SIGKILL: no shutdown at all. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: the node freezes with its sockets open, then resumes where it was. */
  pause(): void;
  resume(): void;
  /** Everything the node logged since it last started. */
  log(): string;
}

export interface Quorum {
  readonly nodes: ControllerNode[];
  /** `127.0.0.1:port,...` of every controller listener (for --bootstrap-controller). */
  readonly bootstrap: string;
  readonly clusterId: string;
  node(id: number): ControllerNode;
}

export async function startQuorum(size: number, overrides: Record<string, string> = {}): Promise<Quorum> {
  const root = mkdtempSync(join(tmpdir(), 'tk-quorum-'));
  roots.push(root);
  const ports: number[] = [];
  while (ports.length < size) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const voters = ports.map((port, i) => `${i + 1}@${HOST}:${port}`).join(',');
  const nodes = ports.map((port, i) => controllerNode(i + 1, port, join(root, `node-${i + 1}`), voters, overrides));
  // Every voter must carry the same cluster id, as `kafka-storage.sh format -t` gives them.
  const clusterId = `A${randomBytes(16).toString('base64url').slice(1)}`;
  await Promise.all(
    nodes.map(async (n) => {
      const formatted = await runTool(process.execPath, [BIN, 'storage', 'format', '-t', clusterId, ...n.args.slice(3)]);
      if (formatted.code !== 0) throw new Error(`tk storage format failed for node ${n.id}: ${formatted.stderr}`);
    }),
  );
  await Promise.all(nodes.map((n) => n.start()));
  return {
    nodes,
    clusterId,
    bootstrap: ports.map((p) => `${HOST}:${p}`).join(','),
    node: (id) => nodes[id - 1],
  };
}

function controllerNode(id: number, port: number, logDir: string, voters: string, overrides: Record<string, string>): ControllerNode {
  const settings: Record<string, string> = {
    'node.id': String(id),
    'process.roles': 'controller',
    listeners: `CONTROLLER://${HOST}:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'controller.quorum.voters': voters,
    'log.dirs': logDir,
    ...QUORUM_TIMEOUTS,
    ...overrides,
  };
  const args = [BIN, 'broker', 'start', ...Object.entries(settings).flatMap(([k, v]) => ['--override', `${k}=${v}`])];
  const node: ControllerNode = {
    id,
    port,
    logDir,
    args,
    process: null,
    async start() {
      const child = startTool(process.execPath, args);
      node.process = child;
      await child.waitFor('stdout', (out) => out.includes(`tk controller ${id} ready on CONTROLLER://${HOST}:${port}\n`), READY_TIMEOUT_MS);
    },
    async stop() {
      const child = node.process;
      node.process = null;
      return child === null ? 0 : (await child.stop('SIGTERM')).code;
    },
    async kill() {
      const child = node.process;
      node.process = null;
      if (child !== null) await child.stop('SIGKILL');
    },
    pause: () => process.kill(node.process!.pid, 'SIGSTOP'),
    resume: () => process.kill(node.process!.pid, 'SIGCONT'),
    log: () => node.process?.stderr() ?? '',
  };
  return node;
}
