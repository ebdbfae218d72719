// Issue #7's Must-show "a reassignment from brokers 1,2,3 to 2,3,4 of a partition under load
// completes with nothing lost": a dedicated controller (node 1) and four brokers (nodes 2-5), so
// the move is from brokers 2,3,4 to 3,4,5, the same shape one id up, and it moves the leader (2)
// off the partition too. The topic has replication factor 3 and min.insync.replicas=2; an
// idempotent acks=all producer (confluent-kafka) writes throughout; `tk reassign-partitions
// --execute` starts the move and `--verify` is run until it reports completion, with writes still
// going. Afterwards every acknowledged record is at its offset, none twice, in order; brokers
// 3,4,5 hold identical logs up to the high watermark; broker 2's replica is gone from its disk.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTool } from '../harness/broker.js';
import { auditDelivery, describeTopic, fullIsr, highWatermark, readPartition, replicasIdenticalUpTo, startPacedProducer } from '../harness/chaos.js';
import { pollUntil, startCluster } from '../harness/cluster.js';

const TOPIC = 'reassigned';
const TOTAL = 40_000;
/** Records a second: the whole run takes about 20 s, so the move happens with writes in flight. */
const RATE = 2_000;
const BEFORE_MOVE = 8_000;
const WAIT_MS = 60_000;

describe('a partition under load reassigned from brokers 2,3,4 to 3,4,5', () => {
  it('completes with no acknowledged record lost, doubled or reordered, identical new replicas, and the old replica deleted', async () => {
    const began = Date.now();
    const dir = mkdtempSync(join(tmpdir(), 'tk-chaos-reassign-'));
    try {
      const cluster = await startCluster({ brokers: 4, controllers: 1, overrides: { 'replica.lag.time.max.ms': '5000' } });
      const tk = (...args: string[]) => runTool(process.execPath, ['bin/run.js', ...args, '--bootstrap-server', cluster.bootstrap], { timeoutMs: 30_000 });
      await pollUntil('the topic on brokers 2,3,4', async () => {
        const created = await tk('topics', '--create', '--topic', TOPIC, '--replica-assignment', '2:3:4', '--config', 'min.insync.replicas=2');
        return created.code === 0 ? created : undefined;
      }, WAIT_MS);
      expect((await fullIsr(cluster, TOPIC, 0, WAIT_MS)).leaderId).toBe(2);

      const producer = startPacedProducer(cluster.bootstrap, TOPIC, 1, TOTAL, RATE);
      producer.allow(TOTAL);
      await producer.waitForAcked(BEFORE_MOVE, WAIT_MS);
      const plan = join(dir, 'plan.json');
      writeFileSync(plan, JSON.stringify({ version: 1, partitions: [{ topic: TOPIC, partition: 0, replicas: [3, 4, 5] }] }));
      const started = await tk('reassign-partitions', '--execute', '--reassignment-json-file', plan);
      expect(started.stdout).toContain(`Successfully started partition reassignment for ${TOPIC}-0\n`);
      const ackedAtStart = producer.ackedCount();
      const verified = await pollUntil('--verify to report the reassignment completed', async () => {
        const out = await tk('reassign-partitions', '--verify', '--preserve-throttles', '--reassignment-json-file', plan);
        return out.stdout.includes(`Reassignment of partition ${TOPIC}-0 is completed.`) ? out : undefined;
      }, WAIT_MS, 250);
      expect(verified.code).toBe(0);
      const ackedAtCompletion = producer.ackedCount();
      const moved = Date.now();

      const outcome = await producer.finished(120_000);
      expect(outcome.errors).toEqual({});
      expect(outcome.acked).toHaveLength(TOTAL);
      // The move ran while records were being acknowledged, before the last of them.
      expect(ackedAtCompletion).toBeGreaterThan(ackedAtStart);
      expect(ackedAtCompletion).toBeLessThan(TOTAL);

      const state = await fullIsr(cluster, TOPIC, 0, WAIT_MS);
      expect([...state.replicas]).toEqual([3, 4, 5]);
      expect([...state.isr].sort()).toEqual([3, 4, 5]);
      expect((await describeTopic(cluster.bootstrap, TOPIC))[0]!.leaderId).not.toBe(2);
      const hw = await highWatermark(cluster.bootstrap, TOPIC, 0);
      const read = await readPartition(cluster.bootstrap, TOPIC, 0);
      expect(read.length).toBe(Number(hw));
      const audit = auditDelivery(outcome.acked, new Map([[0, read]]));
      expect(audit.lost).toEqual([]);
      expect(audit.duplicates).toEqual([]);
      expect(audit.outOfOrder).toEqual([]);
      expect(audit.read).toBe(TOTAL);
      const newReplicas = [3, 4, 5].map((id) => cluster.node(id));
      expect(await replicasIdenticalUpTo(newReplicas, TOPIC, 0, hw, 30_000)).toBeGreaterThan(0);
      expect(existsSync(join(cluster.node(2).logDir, `${TOPIC}-0`))).toBe(false);
      expect((await tk('reassign-partitions', '--list')).stdout).toBe('No partition reassignments found.\n');
      process.stdout.write(
        `reassignment: ${ackedAtStart} of ${TOTAL} acknowledged at --execute, ${ackedAtCompletion} when --verify saw it complete ` +
          `(${((moved - began) / 1000).toFixed(1)} s in), all checked after ${((Date.now() - began) / 1000).toFixed(1)} s\n`,
      );
      await Promise.all(cluster.nodes.map((n) => n.kill()));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
