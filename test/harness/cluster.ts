// A multi-node cluster of `tk broker start` processes on random loopback ports, each node in a
// temp dir, all formatted first with one cluster id: either combined nodes (broker and controller,
// every one a voter) or dedicated controllers plus broker-only nodes. The processes are tracked by
// test/harness/broker.ts, so whatever still runs after the test file's last test is SIGKILLed.
// Short heartbeat and session timeouts keep fencing in tests quick.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { freePort, HOST, runTool, startTool, type RunningTool } from './broker.js';

/**
 * Kafka's quorum timeouts (a busy test machine must not turn every pause into an election), and
 * heartbeats and sessions short enough that a test sees a silent broker fenced within seconds.
 */
export const CLUSTER_TIMEOUTS = {
  'controller.quorum.election.timeout.ms': '1000',
  'controller.quorum.fetch.timeout.ms': '2000',
  'broker.heartbeat.interval.ms': '250',
  'broker.session.timeout.ms': '3000',
};
const READY_TIMEOUT_MS = 30_000;
const BIN = 'bin/run.js';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

export interface StartClusterOptions {
  /** How many nodes run a broker. */
  brokers: number;
  /** Dedicated controllers (ids 1..M, brokers M+1..M+N); without it every broker is also a voter. */
  controllers?: number;
  /** `--override key=value` pairs for every node, winning over the harness's own. */
  overrides?: Record<string, string>;
  /** Overrides for one node, by node id. */
  nodeOverrides?: Record<number, Record<string, string>>;
  /** More listener names (e.g. SASL_PLAINTEXT) each broker binds on a port of its own; see `listenerPorts`. */
  extraListeners?: string[];
  /**
   * Overrides per node id computed from every node's ports before any node is formatted or
   * started (after nodeOverrides): e.g. voters and advertised listeners pointing at proxies.
   */
  overridesFromPorts?: (nodes: readonly NodePorts[]) => Promise<Record<number, Record<string, string>>>;
}

/** Where a node will listen, as startCluster chose it. */
export interface NodePorts {
  readonly id: number;
  readonly roles: ClusterNode['roles'];
  /** PLAINTEXT (0 on a dedicated controller). */
  readonly port: number;
  /** CONTROLLER (0 on a broker-only node). */
  readonly controllerPort: number;
  readonly listenerPorts: Readonly<Record<string, number>>;
}

export interface ClusterNode {
  readonly id: number;
  readonly roles: 'broker,controller' | 'broker' | 'controller';
  readonly isBroker: boolean;
  /** `127.0.0.1:port` of the PLAINTEXT listener ('' on a dedicated controller). */
  readonly bootstrap: string;
  readonly port: number;
  /** The CONTROLLER listener's port (0 on a broker-only node). */
  readonly controllerPort: number;
  /** The port of each of StartClusterOptions.extraListeners, by name (brokers only). */
  readonly listenerPorts: Readonly<Record<string, number>>;
  readonly logDir: string;
  /** The process id while it runs, else -1. */
  pid(): number;
  isRunning(): boolean;
  /** Starts the node (again) on its dir and ports and waits for its ready line. */
  start(): Promise<void>;
  /** SIGTERM (a controlled shutdown); resolves with the exit code. */
  stop(): Promise<number>;
  /** SIGKILL: no shutdown at all. */
  kill(): Promise<void>;
  /** Stops the node if it runs (SIGTERM), then starts it again. */
  restart(): Promise<void>;
  /** Everything the node logged since it last started (also after it stopped). */
  log(): string;
}

export interface Cluster {
  readonly clusterId: string;
  readonly nodes: ClusterNode[];
  readonly brokers: ClusterNode[];
  readonly controllers: ClusterNode[];
  /** Every broker's PLAINTEXT address, comma-separated. */
  readonly bootstrap: string;
  /** Every controller listener's address, comma-separated (for --bootstrap-controller). */
  readonly controllerBootstrap: string;
  node(id: number): ClusterNode;
}

async function distinctPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  return ports;
}

export async function startCluster(options: StartClusterOptions): Promise<Cluster> {
  const root = mkdtempSync(join(tmpdir(), 'tk-cluster-'));
  roots.push(root);
  const dedicated = options.controllers ?? 0;
  const total = dedicated + options.brokers;
  const extra = options.extraListeners ?? [];
  const perNode = 2 + extra.length;
  const ports = await distinctPorts(total * perNode);
  const specs = Array.from({ length: total }, (_, i) => {
    const id = i + 1;
    const roles: ClusterNode['roles'] = dedicated === 0 ? 'broker,controller' : id <= dedicated ? 'controller' : 'broker';
    const isBroker = roles !== 'controller';
    const listenerPorts = isBroker ? Object.fromEntries(extra.map((name, j) => [name, ports[perNode * i + 2 + j]])) : {};
    return { id, roles, port: isBroker ? ports[perNode * i] : 0, controllerPort: roles === 'broker' ? 0 : ports[perNode * i + 1], listenerPorts };
  });
  const voters = specs.filter((s) => s.controllerPort !== 0).map((s) => `${s.id}@${HOST}:${s.controllerPort}`).join(',');
  const fromPorts = (await options.overridesFromPorts?.(specs)) ?? {};
  const nodes = specs.map((s) => clusterNode(s, join(root, `node-${s.id}`), voters, { ...options.overrides, ...options.nodeOverrides?.[s.id], ...fromPorts[s.id] }));
  const clusterId = `A${randomBytes(16).toString('base64url').slice(1)}`;
  await Promise.all(
    nodes.map(async (n) => {
      const formatted = await runTool(process.execPath, [BIN, 'storage', 'format', '-t', clusterId, ...argsOf(n)]);
      if (formatted.code !== 0) throw new Error(`tk storage format failed for node ${n.id}: ${formatted.stderr}`);
    }),
  );
  await Promise.all(nodes.map((n) => n.start()));
  const brokers = nodes.filter((n) => n.isBroker);
  const controllers = nodes.filter((n) => n.controllerPort !== 0);
  return {
    clusterId,
    nodes,
    brokers,
    controllers,
    bootstrap: brokers.map((b) => b.bootstrap).join(','),
    controllerBootstrap: controllers.map((c) => `${HOST}:${c.controllerPort}`).join(','),
    node: (id) => nodes[id - 1],
  };
}

const nodeArgs = new WeakMap<ClusterNode, string[]>();

/** The `--override` arguments of a node, as `tk storage format` and `tk broker start` take them. */
function argsOf(node: ClusterNode): string[] {
  return nodeArgs.get(node)!;
}

function clusterNode({ id, roles, port, controllerPort, listenerPorts }: NodePorts, logDir: string, voters: string, overrides: Record<string, string>): ClusterNode {
  const listeners = [
    port !== 0 ? `PLAINTEXT://${HOST}:${port}` : null,
    controllerPort !== 0 ? `CONTROLLER://${HOST}:${controllerPort}` : null,
    ...Object.entries(listenerPorts).map(([name, p]) => `${name}://${HOST}:${p}`),
  ].filter((l) => l !== null);
  const settings: Record<string, string> = {
    'node.id': String(id),
    'process.roles': roles,
    listeners: listeners.join(','),
    'controller.listener.names': 'CONTROLLER',
    'controller.quorum.voters': voters,
    'log.dirs': logDir,
    ...CLUSTER_TIMEOUTS,
    ...overrides,
  };
  const isBroker = roles !== 'controller';
  const readyLine = isBroker ? `tk broker ${id} ready on PLAINTEXT://${HOST}:${port}\n` : `tk controller ${id} ready on CONTROLLER://${HOST}:${controllerPort}\n`;
  const args = Object.entries(settings).flatMap(([k, v]) => ['--override', `${k}=${v}`]);
  let child: RunningTool | null = null;
  let last: RunningTool | null = null;
  const node: ClusterNode = {
    id,
    roles,
    isBroker,
    bootstrap: isBroker ? `${HOST}:${port}` : '',
    port,
    controllerPort,
    listenerPorts,
    logDir,
    pid: () => (node.isRunning() ? child!.pid : -1),
    isRunning: () => child !== null,
    async start() {
      const started = startTool(process.execPath, [BIN, 'broker', 'start', ...args]);
      child = started;
      last = started;
      void started.exit.then(() => {
        if (child === started) child = null;
      });
      await started.waitFor('stdout', (out) => out.includes(readyLine), READY_TIMEOUT_MS);
    },
    async stop() {
      const running = child;
      child = null;
      return running === null ? 0 : (await running.stop('SIGTERM')).code;
    },
    async kill() {
      const running = child;
      child = null;
      if (running !== null) await running.stop('SIGKILL');
    },
    async restart() {
      await node.stop();
      await node.start();
    },
    log: () => last?.stderr() ?? '',
  };
  nodeArgs.set(node, args);
  return node;
}

/** Polls `check` every `intervalMs` until it returns a value that is not undefined; fails after `timeoutMs`. */
export async function pollUntil<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
