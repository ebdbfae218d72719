// Issue #7's first Must-show: a dedicated controller and three brokers, a topic with replication
// factor 3 and min.insync.replicas=2, and an idempotent acks=all producer (confluent-kafka)
// writing 100,000 records while the leader of partition 0 is SIGKILLed and restarted 20 times.
// Each kill comes with writes in flight (a quarter of that round's records acknowledged) and once
// every replica is back in the ISR. Afterwards every acknowledged record is at its offset, none is
// read twice, each partition's records are in the order sent, and every replica's segment bytes
// are the same up to the high watermark.
import { describe, expect, it } from 'vitest';
import { auditDelivery, createTopic, fullIsr, highWatermark, readPartition, replicasIdenticalUpTo, startPacedProducer, type ReadRecord } from '../harness/chaos.js';
import { startCluster } from '../harness/cluster.js';

const TOPIC = 'leader-kills';
const PARTITIONS = 3;
const TOTAL = 100_000;
const KILLS = 20;
const PER_ROUND = TOTAL / KILLS;
/** Records a second: a round's records take about as long to send as a failover, so a kill finds writes in flight. */
const RATE = 2_500;
const ROUND_TIMEOUT_MS = 60_000;

describe('the leader of a partition killed 20 times during 100,000 idempotent acks=all writes', () => {
  it('loses no acknowledged record, doubles none, keeps each partition in order, and leaves identical replicas', async () => {
    const began = Date.now();
    const cluster = await startCluster({ brokers: 3, controllers: 1, overrides: { 'replica.lag.time.max.ms': '5000' } });
    await createTopic(cluster.bootstrap, TOPIC, PARTITIONS, 3, { 'min.insync.replicas': '2' });
    for (let p = 0; p < PARTITIONS; p++) await fullIsr(cluster, TOPIC, p, ROUND_TIMEOUT_MS);

    const producer = startPacedProducer(cluster.bootstrap, TOPIC, PARTITIONS, TOTAL, RATE);
    const killed: number[] = [];
    for (let round = 0; round < KILLS; round++) {
      const state = await fullIsr(cluster, TOPIC, 0, ROUND_TIMEOUT_MS);
      producer.allow((round + 1) * PER_ROUND);
      await producer.waitForAcked(round * PER_ROUND + PER_ROUND / 4, ROUND_TIMEOUT_MS);
      const leader = cluster.node(state.leaderId);
      await leader.kill();
      killed.push(leader.id);
      await leader.start();
    }
    const killsDone = Date.now();
    producer.allow(TOTAL);
    const outcome = await producer.finished(120_000);
    expect(outcome.errors).toEqual({});
    expect(outcome.acked).toHaveLength(TOTAL);

    const read = new Map<number, ReadRecord[]>();
    for (let p = 0; p < PARTITIONS; p++) {
      await fullIsr(cluster, TOPIC, p, ROUND_TIMEOUT_MS);
      const hw = await highWatermark(cluster.bootstrap, TOPIC, p);
      read.set(p, await readPartition(cluster.bootstrap, TOPIC, p));
      expect(read.get(p)!.length).toBe(Number(hw));
      expect(await replicasIdenticalUpTo(cluster.brokers, TOPIC, p, hw, 30_000)).toBeGreaterThan(0);
    }
    const audit = auditDelivery(outcome.acked, read);
    expect(audit.lost).toEqual([]);
    expect(audit.duplicates).toEqual([]);
    expect(audit.outOfOrder).toEqual([]);
    expect(audit.read).toBe(TOTAL);
    expect(killed).toHaveLength(KILLS);
    process.stdout.write(`leader-kills: ${KILLS} kills of brokers [${killed.join(',')}] in ${((killsDone - began) / 1000).toFixed(1)} s, all checked after ${((Date.now() - began) / 1000).toFixed(1)} s\n`);
  }, 300_000);
});
