// meta.properties: which cluster and node a log directory belongs to (kafka-storage.sh format).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseProperties, stringifyProperties } from '../src/config/properties.js';

export const META_PROPERTIES = 'meta.properties';
/** KRaft meta.properties carry version 1 (version 0 was ZooKeeper's). */
const META_VERSION = '1';

export interface MetaProperties {
  clusterId: string;
  nodeId: number;
  directoryId: string;
}

export class StorageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageError';
  }
}

/** A cluster or directory id: a random uuid in Kafka's base64url form, never starting with '-'. */
export function randomUuid(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-') && id !== 'AAAAAAAAAAAAAAAAAAAAAA') return id;
  }
}

export async function readMetaProperties(dir: string): Promise<MetaProperties | null> {
  let text: string;
  try {
    text = await readFile(join(dir, META_PROPERTIES), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StorageError(`cannot read ${join(dir, META_PROPERTIES)}: ${(err as Error).message}`);
  }
  const props = parseProperties(text);
  const clusterId = props.get('cluster.id');
  const nodeId = Number(props.get('node.id'));
  if (!clusterId || !Number.isInteger(nodeId)) throw new StorageError(`${join(dir, META_PROPERTIES)} has no valid cluster.id and node.id`);
  return { clusterId, nodeId, directoryId: props.get('directory.id') ?? '' };
}

export async function formatLogDir(dir: string, clusterId: string, nodeId: number): Promise<MetaProperties> {
  await mkdir(dir, { recursive: true });
  const meta: MetaProperties = { clusterId, nodeId, directoryId: randomUuid() };
  const props = new Map([
    ['cluster.id', meta.clusterId],
    ['directory.id', meta.directoryId],
    ['node.id', String(meta.nodeId)],
    ['version', META_VERSION],
  ]);
  const path = join(dir, META_PROPERTIES);
  await writeFile(`${path}.tmp`, stringifyProperties(props));
  await rename(`${path}.tmp`, path);
  return meta;
}

/**
 * The cluster id of a node's log directories, formatting those that are empty. Directories that
 * disagree on cluster or node are refused: mixing them up would lose data.
 */
export async function ensureFormatted(dirs: readonly string[], nodeId: number, clusterId?: string): Promise<{ clusterId: string; formatted: string[] }> {
  const metas = await Promise.all(dirs.map(readMetaProperties));
  const known = metas.filter((m): m is MetaProperties => m !== null);
  for (const m of known) {
    if (m.nodeId !== nodeId) throw new StorageError(`a log directory belongs to node ${m.nodeId}, but node.id is ${nodeId}`);
  }
  const ids = new Set(known.map((m) => m.clusterId));
  if (ids.size > 1) throw new StorageError(`the log directories belong to different clusters: ${[...ids].join(', ')}`);
  const id = known[0]?.clusterId ?? clusterId ?? randomUuid();
  if (clusterId !== undefined && id !== clusterId) throw new StorageError(`the log directories are already formatted for cluster ${id}`);
  const formatted: string[] = [];
  for (let i = 0; i < dirs.length; i++) {
    if (metas[i] !== null) continue;
    await formatLogDir(dirs[i], id, nodeId);
    formatted.push(dirs[i]);
  }
  return { clusterId: id, formatted };
}
