// Issue #7's second Must-show, on three combined nodes (each a broker and a voter of the metadata
// quorum), with the ACL authorizer on: the active controller is SIGKILLed, another is elected and
// creates topics again; then every node is SIGKILLed at once and all are started again, and the
// topics (ids, partitions, replicas), their configs and the ACLs are what they were. Everything
// after the full restart comes from the nodes' disks: no process kept an image in memory.
import { describe, expect, it } from 'vitest';
import { STANDARD_AUTHORIZER } from '../harness/acl-broker.js';
import { runTool } from '../harness/broker.js';
import { liveBootstrap } from '../harness/chaos.js';
import { pollUntil, startCluster, type Cluster } from '../harness/cluster.js';

const WAIT_MS = 30_000;

async function tk(bootstrap: string, tool: string, ...args: string[]): Promise<string> {
  const result = await runTool('node', ['bin/run.js', tool, '--bootstrap-server', bootstrap, ...args]);
  if (result.code !== 0) throw new Error(`tk ${tool} ${args.join(' ')} exited with ${result.code}: ${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** The quorum leader's id from `tk metadata-quorum describe --status` through a running broker (forwarded to the active controller). */
function activeController(cluster: Cluster, other?: number): Promise<number> {
  return pollUntil(other === undefined ? 'a quorum leader' : `a quorum leader other than ${other}`, async () => {
    const status = await tk(liveBootstrap(cluster).split(',')[0], 'metadata-quorum', 'describe', '--status');
    const leader = Number(/LeaderId:\s+(\d+)/.exec(status)?.[1] ?? -1);
    return leader >= 0 && leader !== other ? leader : undefined;
  }, WAIT_MS, 250);
}

/** Creates a topic, retried while a new controller settles; a retry finding it already there counts (an earlier try did create it). */
function createTopic(cluster: Cluster, topic: string, ...args: string[]): Promise<boolean> {
  let tried = false;
  return pollUntil(`topic ${topic} created`, async () => {
    const result = await runTool('node', ['bin/run.js', 'topics', '--bootstrap-server', liveBootstrap(cluster), '--create', '--topic', topic, ...args]);
    const created = result.code === 0 || (tried && result.stdout.includes('already exists'));
    tried = true;
    if (!created) throw new Error(result.stdout + result.stderr);
    return true;
  }, WAIT_MS, 500);
}

/**
 * What the metadata holds, as one broker describes it: topics with their ids, partitions and
 * replicas (leaders and ISRs are state that moves, not metadata that could be lost), each topic's
 * configs, and the ACLs.
 */
async function metadataAsSeenBy(bootstrap: string): Promise<string> {
  const [topics, configs, acls] = await Promise.all([
    tk(bootstrap, 'topics', '--describe', '--exclude-internal'),
    tk(bootstrap, 'configs', '--describe', '--entity-type', 'topics'),
    tk(bootstrap, 'acls', '--list'),
  ]);
  const stable = (text: string): string[] =>
    text
      .split('\n')
      .filter((line) => !line.includes('__consumer_offsets'))
      .map((line) => line.replace(/\tLeader: -?\d+/, '').replace(/\tIsr: [\d,]*.*$/, ''))
      .sort();
  return [...stable(topics), ...stable(configs), acls].join('\n');
}

describe('the metadata quorum losing its controllers', () => {
  it('elects a new active controller that creates topics, and after all three nodes are killed and restarted no metadata is lost', async () => {
    const began = Date.now();
    const cluster = await startCluster({
      brokers: 3,
      overrides: { 'authorizer.class.name': STANDARD_AUTHORIZER, 'super.users': 'User:ANONYMOUS' },
    });
    const any = cluster.bootstrap;
    await createTopic(cluster, 'orders', '--partitions', '3', '--replication-factor', '3', '--config', 'retention.ms=3600000', '--config', 'cleanup.policy=compact');
    await createTopic(cluster, 'audit', '--partitions', '2', '--replication-factor', '2');
    await tk(any, 'topics', '--alter', '--topic', 'audit', '--partitions', '4');
    await tk(any, 'configs', '--alter', '--entity-type', 'topics', '--entity-name', 'orders', '--add-config', 'max.message.bytes=20000');
    await tk(any, 'acls', '--add', '--allow-principal', 'User:alice', '--operation', 'Read', '--topic', 'orders');
    await tk(any, 'acls', '--add', '--deny-principal', 'User:bob', '--operation', 'All', '--group', 'audit-', '--resource-pattern-type', 'prefixed');

    const first = await activeController(cluster);
    await cluster.node(first).kill();
    const killedAt = Date.now();
    const second = await activeController(cluster, first);
    const electedAfterMs = Date.now() - killedAt;
    await createTopic(cluster, 'after-failover', '--partitions', '2', '--replication-factor', '2');
    const createdAfterMs = Date.now() - killedAt;
    expect(second).not.toBe(first);

    await cluster.node(first).start();
    // The active controller's own image holds every change it committed.
    const before = await metadataAsSeenBy(cluster.node(second).bootstrap);
    expect(before).toContain('Topic: after-failover\t');
    expect(before).toContain('PartitionCount: 4');
    expect(before).toContain('max.message.bytes=20000');
    expect(before).toContain('principal=User:bob, host=*, operation=ALL, permissionType=DENY');

    await Promise.all(cluster.nodes.map((n) => n.kill()));
    await Promise.all(cluster.nodes.map((n) => n.start()));
    await activeController(cluster);
    for (const broker of cluster.brokers) {
      const after = await pollUntil(`broker ${broker.id} describing the metadata from before the restart`, async () => {
        const seen = await metadataAsSeenBy(broker.bootstrap);
        return seen === before ? seen : undefined;
      }, WAIT_MS, 500).catch(() => metadataAsSeenBy(broker.bootstrap));
      expect(after).toBe(before);
    }
    await createTopic(cluster, 'after-restart', '--partitions', '1', '--replication-factor', '3');
    process.stdout.write(`controller-loss: controller ${first} killed, ${second} elected after ${electedAfterMs} ms, a topic created after ${createdAfterMs} ms; whole test ${((Date.now() - began) / 1000).toFixed(1)} s\n`);
  }, 180_000);
});
