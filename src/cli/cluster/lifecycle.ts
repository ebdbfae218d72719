// What `tk cluster up`, `down` and `status` do, as typed results for src/cli/cluster/render.ts.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { UserError } from '../base-command.js';
import {
  bootstrapServers,
  controllerBootstrap,
  isBroker,
  isVoter,
  logFileOf,
  mainListener,
  nodeProperties,
  planCluster,
  readCluster,
  type ClusterNode,
  type ClusterPlan,
  type PlanOptions,
} from './layout.js';
import { checkPortFree, clusterIdOf, formatCluster, runningPid, startNode, stopNode, type StopSignal } from './processes.js';

/** How long `status` waits for the quorum to answer; a node that is down answers at once. */
const QUORUM_REQUEST_TIMEOUT_MS = 5_000;
/** How long a failed `up` gives the nodes it did start to stop before they are killed. */
const ROLLBACK_STOP_TIMEOUT_MS = 10_000;

export interface NodeState {
  nodeId: number;
  roles: readonly string[];
  listener: string;
  /** The PLAINTEXT port on a broker, the CONTROLLER port on a voter; null without the role. */
  brokerPort: number | null;
  controllerPort: number | null;
  /** Null when the node is not running. */
  pid: number | null;
  log: string;
  properties: string;
}

export interface UpResult {
  clusterId: string;
  dataDir: string;
  bootstrapServers: string;
  /** True when the nodes already existed in the data dir and were started again as they were. */
  restarted: boolean;
  /** The nodes this run started: all of them, or those of a partly running cluster that were down. */
  started: number[];
  nodes: NodeState[];
}

function nodeState(n: ClusterNode, pid: number | null): NodeState {
  return { nodeId: n.id, roles: n.roles, listener: mainListener(n), brokerPort: n.brokerPort, controllerPort: n.controllerPort, pid, log: logFileOf(n), properties: n.propertiesFile };
}

/** The pid of each node of the plan that runs. */
async function runningPids(plan: ClusterPlan): Promise<Map<number, number>> {
  const pids = new Map<number, number>();
  for (const node of plan.nodes) {
    const pid = await runningPid(node);
    if (pid !== null) pids.set(node.id, pid);
  }
  return pids;
}

const sameLayout = (a: ClusterPlan, b: ClusterPlan): boolean =>
  a.nodes.length === b.nodes.length && a.nodes.every((n, i) => n.id === b.nodes[i]!.id && n.roles.join() === b.nodes[i]!.roles.join() && n.brokerPort === b.nodes[i]!.brokerPort && n.controllerPort === b.nodes[i]!.controllerPort);

/**
 * Starts the cluster in options.dataDir: a new one as planned, or the one already there as its
 * server.properties describe it (`layoutGiven`: the user asked for a layout, which must then match).
 * Of a cluster partly running (a node killed or crashed), only the nodes that are down start.
 */
export async function clusterUp(packageRoot: string, options: PlanOptions, layoutGiven: boolean): Promise<UpResult> {
  const existing = await readCluster(options.dataDir);
  const running = existing === null ? new Map<number, number>() : await runningPids(existing);
  if (existing !== null && running.size === existing.nodes.length) {
    const first = existing.nodes[0]!;
    throw new UserError(`a tk cluster is already running in ${options.dataDir} (node ${first.id}, pid ${running.get(first.id)}); stop it first with tk cluster down`);
  }
  const wanted = planCluster(options);
  if (existing !== null && layoutGiven && !sameLayout(existing, wanted)) {
    throw new UserError(`${options.dataDir} holds a cluster of another layout: start it as it is without --brokers, --controllers and --base-port, or remove it with tk cluster down --delete`);
  }
  const plan = existing ?? wanted;
  const down = plan.nodes.filter((n) => !running.has(n.id));
  for (const n of down) {
    if (n.brokerPort !== null) await checkPortFree(n.brokerPort, `node ${n.id}'s PLAINTEXT listener`);
    if (n.controllerPort !== null) await checkPortFree(n.controllerPort, `node ${n.id}'s CONTROLLER listener`);
  }
  let clusterId: string;
  if (existing === null) {
    for (const n of plan.nodes) {
      await mkdir(n.dir, { recursive: true });
      await writeFile(n.propertiesFile, nodeProperties(plan, n));
    }
    clusterId = await formatCluster(packageRoot, plan);
  } else {
    clusterId = (await clusterIdOf(plan.nodes[0]!)) ?? (await formatCluster(packageRoot, plan));
  }
  const started = await startNodes(packageRoot, down);
  const pids = new Map([...running, ...started]);
  return {
    clusterId,
    dataDir: plan.dataDir,
    bootstrapServers: bootstrapServers(plan),
    restarted: existing !== null,
    started: down.map((n) => n.id),
    nodes: plan.nodes.map((n) => nodeState(n, pids.get(n.id)!)),
  };
}

/**
 * Dedicated controllers first, so brokers find a quorum; the voters of a combined cluster all at
 * once, since none is ready before a majority of them runs. If any node fails, the others started stop.
 */
async function startNodes(packageRoot: string, nodes: readonly ClusterNode[]): Promise<Map<number, number>> {
  const controllersOnly = nodes.filter((n) => !isBroker(n));
  const brokers = nodes.filter(isBroker);
  const pids = new Map<number, number>();
  for (const group of [controllersOnly, brokers]) {
    const results = await Promise.allSettled(group.map(async (n) => pids.set(n.id, await startNode(packageRoot, n))));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) {
      await Promise.all(nodes.map(async (n) => {
        const pid = pids.get(n.id) ?? (await runningPid(n));
        if (pid !== null) await stopNode(n, pid, ROLLBACK_STOP_TIMEOUT_MS);
      }));
      throw failed.reason;
    }
  }
  return pids;
}

export interface StoppedNode {
  nodeId: number;
  roles: readonly string[];
  pid: number;
  /** SIGKILL when the node had not exited within the timeout after SIGTERM. */
  signal: StopSignal;
}

export interface DownResult {
  dataDir: string;
  stopped: StoppedNode[];
  deleted: boolean;
}

/**
 * Brokers first: their controlled shutdowns need the active controller. Then the combined nodes,
 * all at once: once the quorum is gone the last of them waits out its controlled-shutdown timeout
 * in any order, and together they wait once (one at a time took longer). Dedicated controllers last.
 */
export async function clusterDown(dataDir: string, timeoutMs: number, deleteDir: boolean): Promise<DownResult> {
  const plan = await readCluster(dataDir);
  if (plan === null) throw new UserError(`no tk cluster in ${dataDir}`);
  const stopped: StoppedNode[] = [];
  /** Stops the group's running nodes together; reported in node id order, group after group. */
  const stopGroup = async (group: ClusterNode[]): Promise<void> => {
    const results = await Promise.all(
      group.map(async (n): Promise<StoppedNode | null> => {
        const pid = await runningPid(n);
        return pid === null ? null : { nodeId: n.id, roles: n.roles, pid, signal: await stopNode(n, pid, timeoutMs) };
      }),
    );
    stopped.push(...results.filter((r) => r !== null).sort((a, b) => a.nodeId - b.nodeId));
  };
  await stopGroup(plan.nodes.filter((n) => !isVoter(n)));
  await stopGroup(plan.nodes.filter((n) => isVoter(n) && isBroker(n)));
  await stopGroup(plan.nodes.filter((n) => !isBroker(n)));
  if (stopped.length === 0 && !deleteDir) throw new UserError(`no node of the tk cluster in ${dataDir} is running`);
  if (deleteDir) await rm(dataDir, { recursive: true, force: true });
  return { dataDir, stopped, deleted: deleteDir };
}

export interface QuorumState {
  leaderId: number;
  leaderEpoch: number;
}

export interface StatusResult {
  dataDir: string;
  clusterId: string | null;
  nodes: NodeState[];
  /** As the running controllers describe it; null with quorumError when none answers. */
  quorum: QuorumState | null;
  quorumError: string | null;
}

export async function clusterStatus(dataDir: string): Promise<StatusResult> {
  const plan = await readCluster(dataDir);
  if (plan === null) throw new UserError(`no tk cluster in ${dataDir}`);
  const nodes = await Promise.all(plan.nodes.map(async (n) => nodeState(n, await runningPid(n))));
  const runningVoters = plan.nodes.filter((n, i) => isVoter(n) && nodes[i]!.pid !== null);
  let quorum: QuorumState | null = null;
  let quorumError: string | null = null;
  if (runningVoters.length === 0) quorumError = 'no controller is running';
  else {
    try {
      quorum = await describeQuorum(controllerBootstrap({ dataDir, nodes: runningVoters }));
    } catch (err) {
      quorumError = (err as Error).message;
    }
  }
  return { dataDir, clusterId: await clusterIdOf(plan.nodes[0]!), nodes, quorum, quorumError };
}

/** The leader and epoch, as `tk metadata-quorum --bootstrap-controller … describe --status` learns them. */
async function describeQuorum(bootstrap: string): Promise<QuorumState> {
  const { QuorumAdmin } = await import('../../client/quorum-admin.js');
  const admin = new QuorumAdmin(bootstrap, true, { clientId: 'tk-cluster-status', requestTimeoutMs: QUORUM_REQUEST_TIMEOUT_MS, sasl: null, tls: null });
  try {
    const info = await admin.describeQuorum();
    return { leaderId: info.leaderId, leaderEpoch: info.leaderEpoch };
  } finally {
    admin.close();
  }
}
