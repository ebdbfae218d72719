// Metadata snapshots with real processes: three combined nodes with tiny snapshot and retention
// thresholds write `<offset>-<epoch>.checkpoint` files and trim `__cluster_metadata-0` behind
// them; a node that was down while the others trimmed past its log end catches up with
// FetchSnapshot and lists the same topics; `tk dump-log` reads a snapshot; a full restart of
// every node starts from the snapshots. Every wait is bounded.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '../../src/client/admin.js';
import { Cluster as ClientCluster } from '../../src/client/cluster.js';
import { runTool } from '../harness/broker.js';
import { pollUntil, startCluster, type Cluster, type ClusterNode } from '../harness/cluster.js';

const WAIT_MS = 30_000;
const SNAPSHOT_OVERRIDES = {
  'metadata.log.max.record.bytes.between.snapshots': '4096',
  // Small segments, so that trimming deletes some; every batch must fit in one (Kafka keeps them
  // at 8 MiB or more for that reason): topics are created a few per request, and a broker's
  // re-registration moves its few dozen leaderships in one batch well below this.
  'metadata.log.segment.bytes': '8192',
  // Everything but the latest snapshot goes as soon as there are two.
  'metadata.max.retention.bytes': '1',
};

interface MetadataDir {
  /** Snapshot end offsets, ascending. */
  snapshots: bigint[];
  /** Segment base offsets, ascending. */
  segments: bigint[];
}

function metadataDir(node: ClusterNode): MetadataDir {
  const names = readdirSync(join(node.logDir, '__cluster_metadata-0'));
  const offsets = (suffix: RegExp): bigint[] =>
    names
      .map((n) => suffix.exec(n))
      .filter((m) => m !== null)
      .map((m) => BigInt(m[1]))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { snapshots: offsets(/^(\d{20})-\d{10}\.checkpoint$/), segments: offsets(/^(\d{20})\.log$/) };
}

const TOPICS_PER_REQUEST = 5;

async function createTopics(bootstrap: string, names: readonly string[]): Promise<void> {
  const client = await ClientCluster.connect(bootstrap);
  try {
    const admin = new Admin(client);
    for (let i = 0; i < names.length; i += TOPICS_PER_REQUEST) {
      const topics = names.slice(i, i + TOPICS_PER_REQUEST).map((name) => ({ name, numPartitions: 1, replicationFactor: 1, configs: { 'retention.ms': '3600000' } }));
      const failed = (await admin.createTopics(topics)).filter((r) => r.errorCode !== 0);
      if (failed.length > 0) throw new Error(`topics not created: ${failed.map((r) => `${r.name} ${r.errorMessage}`).join(', ')}`);
    }
  } finally {
    client.close();
  }
}

async function listTopics(node: ClusterNode): Promise<string[]> {
  const client = await ClientCluster.connect(node.bootstrap);
  try {
    return (await new Admin(client).listTopics()).sort();
  } finally {
    client.close();
  }
}

/** `tk metadata-quorum describe --replication` through a broker: node id → [log end offset, lag]. */
async function replication(bootstrap: string): Promise<Map<number, [bigint, bigint]>> {
  const result = await runTool('node', ['bin/run.js', 'metadata-quorum', '--bootstrap-server', bootstrap, 'describe', '--replication']);
  if (result.code !== 0) throw new Error(result.stderr);
  const rows = result.stdout.trim().split('\n').slice(1).map((line) => line.split(/\s+/));
  return new Map(rows.map((cells) => [Number(cells[0]), [BigInt(cells[2]), BigInt(cells[3])]]));
}

const names = (prefix: string, count: number): string[] => Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);

describe('metadata snapshots on three combined nodes', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ brokers: 3, overrides: SNAPSHOT_OVERRIDES });
  }, 90_000);
  afterAll(async () => {
    for (const node of cluster?.nodes ?? []) await node.stop();
  });

  it('every node writes snapshots and trims its log behind them', async () => {
    await createTopics(cluster.bootstrap, names('first', 60));
    for (const node of cluster.nodes) {
      await pollUntil(
        `node ${node.id} snapshotting and trimming`,
        async () => {
          const dir = metadataDir(node);
          return dir.snapshots.length > 0 && dir.segments[0] > 0n ? true : undefined;
        },
        WAIT_MS,
      );
    }
    const node = cluster.node(1);
    const [latest] = metadataDir(node).snapshots.slice(-1);
    const file = readdirSync(join(node.logDir, '__cluster_metadata-0')).find((n) => n.startsWith(latest.toString().padStart(20, '0')) && n.endsWith('.checkpoint'))!;
    const dump = await runTool('node', ['bin/run.js', 'dump-log', '--cluster-metadata-decoder', '--files', join(node.logDir, '__cluster_metadata-0', file)]);
    expect(dump.code).toBe(0);
    expect(dump.stdout).toContain(`Snapshot end offset: ${latest}`);
    expect(dump.stdout).toMatch(/SnapshotHeader/);
    expect(dump.stdout).toMatch(/SnapshotFooter/);
    expect(dump.stdout).toContain('"name":"first-000"');
  }, 120_000);

  it('a node that was down while the others trimmed past its log end catches up with FetchSnapshot', async () => {
    const away = cluster.node(3);
    const before = await replication(cluster.node(1).bootstrap);
    const awayEnd = before.get(3)![0];
    await away.stop();
    const others = cluster.nodes.filter((n) => n !== away);
    await createTopics(others.map((n) => n.bootstrap).join(','), names('second', 60));
    // Both others keep snapshots (and so a log start) only past where the stopped node's log ends.
    for (const node of others) {
      await pollUntil(`node ${node.id} trimming past ${awayEnd}`, async () => (metadataDir(node).snapshots[0] > awayEnd ? true : undefined), WAIT_MS);
    }
    await away.start();
    const expected = [...names('first', 60), ...names('second', 60)].sort();
    await pollUntil('the returning node listing every topic', async () => ((await listTopics(away)).join() === expected.join() ? true : undefined), WAIT_MS);
    expect(away.log()).toMatch(/raft: fetching snapshot \(\d+, \d+\) from leader \d/);
    expect(away.log()).toMatch(/raft: loaded snapshot/);
    await pollUntil(
      'the returning node caught up in describe --replication',
      async () => {
        const rows = await replication(cluster.node(1).bootstrap);
        return rows.size === 3 && [...rows.values()].every(([, lag]) => lag === 0n) ? true : undefined;
      },
      WAIT_MS,
    );
  }, 150_000);

  it('a full restart starts every node from its latest snapshot with nothing lost', async () => {
    const expected = [...names('first', 60), ...names('second', 60)].sort();
    for (const node of cluster.nodes) await node.stop();
    await Promise.all(cluster.nodes.map((n) => n.start()));
    for (const node of cluster.nodes) {
      expect(node.log()).toMatch(/raft: loaded snapshot \(\d+, \d+\)/);
      await pollUntil(`node ${node.id} listing every topic`, async () => ((await listTopics(node)).join() === expected.join() ? true : undefined), WAIT_MS);
    }
  }, 150_000);
});
