// Which nodes `tk cluster up` runs and how each is configured: node ids, roles, ports and the
// server.properties written into each node's directory. Once written, those files are the
// cluster's description: `tk cluster status` and `down` (and a later `up`) read them back, so a
// user's edit to a node's properties is what that node runs with.
import { readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { resolveBrokerConfig } from '../../config/broker-configs.js';
import { brokerLogFile, brokerPidFile } from '../../config/daemon-files.js';
import { parseProperties } from '../../config/properties.js';
import { UserError } from '../base-command.js';

export const DEFAULT_BASE_PORT = 9092;
/** Kafka's docs number dedicated controllers from 3000, clear of the brokers' ids. */
export const FIRST_CONTROLLER_ID = 3000;
/** Without dedicated controllers, the first nodes (up to this many) are the voters; Kafka advises 3. */
export const MAX_COMBINED_VOTERS = 3;
const HOST = 'localhost';
const NODE_DIR_PREFIX = 'node-';

export type NodeRole = 'broker' | 'controller';

export interface ClusterNode {
  readonly id: number;
  readonly roles: readonly NodeRole[];
  /** The node's directory under the data dir: its server.properties and its data. */
  readonly dir: string;
  readonly propertiesFile: string;
  readonly logDir: string;
  /** The PLAINTEXT port clients use, on nodes with the broker role. */
  readonly brokerPort: number | null;
  /** The CONTROLLER port, on voters. */
  readonly controllerPort: number | null;
}

export interface ClusterPlan {
  readonly dataDir: string;
  readonly nodes: readonly ClusterNode[];
}

export interface PlanOptions {
  brokers: number;
  /** Dedicated controllers; 0 for combined nodes. */
  controllers: number;
  basePort: number;
  dataDir: string;
}

/** $TK_DATA_DIR/cluster, or ~/.tk/cluster. */
export function defaultClusterDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const fromEnv = env['TK_DATA_DIR'];
  return fromEnv !== undefined && fromEnv.length > 0 ? join(fromEnv, 'cluster') : join(home, '.tk', 'cluster');
}

function node(dataDir: string, id: number, roles: NodeRole[], brokerPort: number | null, controllerPort: number | null): ClusterNode {
  const dir = join(dataDir, `${NODE_DIR_PREFIX}${id}`);
  return { id, roles, dir, propertiesFile: join(dir, 'server.properties'), logDir: join(dir, 'data'), brokerPort, controllerPort };
}

/**
 * Brokers take ports from the base port up; the controller listeners follow them, so one combined
 * node gets Kafka's familiar 9092 and 9093.
 */
export function planCluster(options: PlanOptions): ClusterPlan {
  const { brokers, controllers, basePort, dataDir } = options;
  if (!Number.isInteger(brokers) || brokers < 1) throw new UserError(`--brokers must be at least 1, not ${brokers}`);
  if (!Number.isInteger(controllers) || controllers < 0) throw new UserError(`--controllers must be 0 or more, not ${controllers}`);
  const voters = controllers > 0 ? controllers : Math.min(brokers, MAX_COMBINED_VOTERS);
  if (basePort < 1 || basePort + brokers + voters - 1 > 65535) throw new UserError(`--base-port ${basePort} leaves no room for ${brokers + voters} ports below 65536`);
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < controllers; i++) nodes.push(node(dataDir, FIRST_CONTROLLER_ID + i, ['controller'], null, basePort + brokers + i));
  for (let i = 0; i < brokers; i++) {
    const combined = controllers === 0 && i < voters;
    nodes.push(node(dataDir, i + 1, combined ? ['broker', 'controller'] : ['broker'], basePort + i, combined ? basePort + brokers + i : null));
  }
  return { dataDir, nodes };
}

export function isVoter(n: ClusterNode): boolean {
  return n.roles.includes('controller');
}

export function isBroker(n: ClusterNode): boolean {
  return n.roles.includes('broker');
}

/** `localhost:9092,localhost:9093,…`: every broker's client listener. */
export function bootstrapServers(plan: ClusterPlan): string {
  return plan.nodes.flatMap((n) => (n.brokerPort === null ? [] : [`${HOST}:${n.brokerPort}`])).join(',');
}

/** The listener a person connects to: the client listener of a broker, else the controller's. */
export function mainListener(n: ClusterNode): string {
  return n.brokerPort !== null ? `PLAINTEXT://${HOST}:${n.brokerPort}` : `CONTROLLER://${HOST}:${n.controllerPort}`;
}

export function controllerBootstrap(plan: ClusterPlan): string {
  return plan.nodes.flatMap((n) => (n.controllerPort === null ? [] : [`${HOST}:${n.controllerPort}`])).join(',');
}

export const pidFileOf = (n: ClusterNode): string => brokerPidFile(n.logDir);
export const logFileOf = (n: ClusterNode): string => brokerLogFile(n.logDir);

/** A node's server.properties, commented so a person can read and edit it. */
export function nodeProperties(plan: ClusterPlan, n: ClusterNode): string {
  const brokers = plan.nodes.filter(isBroker).length;
  const replicas = Math.min(brokers, 3);
  const voters = plan.nodes.filter(isVoter).map((v) => `${v.id}@${HOST}:${v.controllerPort}`);
  const listeners = [...(n.brokerPort === null ? [] : [`PLAINTEXT://${HOST}:${n.brokerPort}`]), ...(n.controllerPort === null ? [] : [`CONTROLLER://${HOST}:${n.controllerPort}`])];
  const lines = [
    `# Node ${n.id} of the tk cluster in ${plan.dataDir}, written by \`tk cluster up\`.`,
    '# Edits take effect when the cluster next starts (`tk cluster down`, then `tk cluster up`).',
    '',
    `node.id=${n.id}`,
    `process.roles=${n.roles.join(',')}`,
    `listeners=${listeners.join(',')}`,
    ...(n.brokerPort === null ? [] : [`advertised.listeners=PLAINTEXT://${HOST}:${n.brokerPort}`, 'inter.broker.listener.name=PLAINTEXT']),
    'controller.listener.names=CONTROLLER',
    `controller.quorum.voters=${voters.join(',')}`,
    `log.dirs=${n.logDir}`,
  ];
  if (isBroker(n)) {
    lines.push(
      '',
      `# Internal and default topics with ${replicas} replica(s): as many brokers as there are, up to 3.`,
      'num.partitions=1',
      `default.replication.factor=${replicas}`,
      `offsets.topic.replication.factor=${replicas}`,
      `transaction.state.log.replication.factor=${replicas}`,
      `transaction.state.log.min.isr=${Math.min(replicas, 2)}`,
      'group.initial.rebalance.delay.ms=0',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A node as its server.properties describes it (the user may have edited it since `up`). */
async function readNode(dir: string): Promise<ClusterNode | null> {
  const propertiesFile = join(dir, 'server.properties');
  let text: string;
  try {
    text = await readFile(propertiesFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let config;
  try {
    config = resolveBrokerConfig(parseProperties(text)).config;
  } catch (err) {
    throw new UserError(`${propertiesFile}: ${(err as Error).message}`);
  }
  // The ports the node binds (checked free before it starts), not the advertised ones.
  const controllerNames = new Set(config.controllerListenerNames);
  const brokerListener = config.processRoles.includes('broker') ? config.listeners.find((l) => !controllerNames.has(l.name)) : undefined;
  const controllerListener = config.processRoles.includes('controller') ? config.listeners.find((l) => controllerNames.has(l.name)) : undefined;
  return {
    id: config.nodeId,
    roles: [...config.processRoles].sort(),
    dir,
    propertiesFile,
    logDir: config.logDirs[0]!,
    brokerPort: brokerListener?.port ?? null,
    controllerPort: controllerListener?.port ?? null,
  };
}

/** The cluster `tk cluster up` wrote into dataDir, or null when there is none. */
export async function readCluster(dataDir: string): Promise<ClusterPlan | null> {
  let names: string[];
  try {
    names = await readdir(dataDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const nodes = (await Promise.all(names.filter((n) => n.startsWith(NODE_DIR_PREFIX)).map((n) => readNode(join(dataDir, n))))).filter((n) => n !== null);
  if (nodes.length === 0) return null;
  // Controllers first, then brokers, each by id: the order `up` starts them and `status` lists them.
  nodes.sort((a, b) => Number(isBroker(a)) - Number(isBroker(b)) || a.id - b.id);
  return { dataDir, nodes };
}
