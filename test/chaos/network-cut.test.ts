// Issue #7's third Must-show: a dedicated controller and three brokers whose traffic between
// themselves (quorum, heartbeats, replica fetches) goes through the proxies of
// test/harness/net-cut.ts, while the test's clients reach the brokers directly. The leader of a
// partition (RF 3, min.insync.replicas=2) is cut off: the controller fences it and the leadership
// moves within the ISR; meanwhile the cut broker, still believing it leads, takes acks=1 records
// that no other replica gets. Once the cut heals it truncates that divergent tail, rejoins the
// ISR, and every replica's log is the same bytes, with every acknowledged acks=all record and none
// of the divergent ones.
import { describe, expect, it } from 'vitest';
import { BrokerConnection } from '../../src/client/connection.js';
import { Cluster as ClientCluster } from '../../src/client/cluster.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { HOST } from '../harness/broker.js';
import { auditDelivery, createTopic, describeTopic, fullIsr, highWatermark, readPartition, replicasIdenticalUpTo, startPacedProducer } from '../harness/chaos.js';
import { pollUntil, startCluster } from '../harness/cluster.js';
import { NetCut } from '../harness/net-cut.js';
import { produce as rawProduce, textBatch } from '../integration/raw-kafka.js';

const TOPIC = 'cut';
const INTER_BROKER = 'INTERNAL';
const WAIT_MS = 60_000;
const PER_PHASE = 500;

/** The broker ids one broker's Metadata lists (fenced brokers are left out). */
async function listedBrokers(bootstrap: string): Promise<number[]> {
  const client = await ClientCluster.connect(bootstrap, { clientId: 'tk-chaos', requestTimeoutMs: 5_000, retries: 0 });
  try {
    return [...client.metadata.brokers.keys()].sort();
  } finally {
    client.close();
  }
}

describe('a broker cut off from the others', () => {
  it('is fenced, its leadership moves, and on its return it truncates the divergent tail it took and rejoins the ISR', async () => {
    const began = Date.now();
    const net = new NetCut(INTER_BROKER);
    const cluster = await startCluster({
      brokers: 3,
      controllers: 1,
      extraListeners: [INTER_BROKER],
      overrides: {
        'listener.security.protocol.map': `PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,${INTER_BROKER}:PLAINTEXT`,
        'inter.broker.listener.name': INTER_BROKER,
      },
      overridesFromPorts: net.addressesFromPorts,
    });
    await createTopic(cluster.bootstrap, TOPIC, 1, 3, { 'min.insync.replicas': '2' });
    const initial = await fullIsr(cluster, TOPIC, 0, WAIT_MS);
    const cut = cluster.node(initial.leaderId);
    const others = cluster.brokers.filter((b) => b !== cut);
    const othersBootstrap = others.map((b) => b.bootstrap).join(',');

    const before = startPacedProducer(cluster.bootstrap, TOPIC, 1, PER_PHASE, 5_000);
    before.allow(PER_PHASE);
    const acked = (await before.finished(WAIT_MS)).acked;
    expect(acked).toHaveLength(PER_PHASE);

    net.cut(cut.id);
    const cutAt = Date.now();
    // Straight to the cut broker, which still believes it leads: acknowledged by it alone.
    const direct = await BrokerConnection.connect(HOST, cut.port, { clientId: 'divergent-writer' });
    try {
      const divergent = await rawProduce(direct, TOPIC, 0, textBatch(Array.from({ length: 20 }, (_, i) => `divergent-${i}`)));
      expect(divergent.errorCode).toBe(ErrorCode.NONE);
    } finally {
      direct.close();
    }

    const moved = await pollUntil('the leadership moved off the cut broker', async () => {
      const p = (await describeTopic(othersBootstrap, TOPIC))[0];
      return p.leaderId >= 0 && p.leaderId !== cut.id && !p.isr.includes(cut.id) ? p : undefined;
    }, WAIT_MS, 250);
    const movedAfterMs = Date.now() - cutAt;
    expect(others.map((b) => b.id)).toContain(moved.leaderId);
    expect(await listedBrokers(othersBootstrap)).toEqual(others.map((b) => b.id).sort());
    expect(cut.isRunning()).toBe(true);

    const during = startPacedProducer(othersBootstrap, TOPIC, 1, PER_PHASE, 5_000, PER_PHASE);
    during.allow(PER_PHASE);
    const duringOutcome = await during.finished(WAIT_MS);
    expect(duringOutcome.errors).toEqual({});
    acked.push(...duringOutcome.acked);

    net.heal(cut.id);
    const healedAt = Date.now();
    // As the others see it: the cut broker's own stale image showed it in the ISR all along.
    await fullIsr(cluster, TOPIC, 0, WAIT_MS, othersBootstrap);
    const rejoinedAfterMs = Date.now() - healedAt;
    expect(await listedBrokers(othersBootstrap)).toEqual(cluster.brokers.map((b) => b.id).sort());

    const hw = await highWatermark(othersBootstrap, TOPIC, 0);
    expect(await replicasIdenticalUpTo(cluster.brokers, TOPIC, 0, hw, 30_000)).toBeGreaterThan(0);
    const read = await readPartition(cluster.bootstrap, TOPIC, 0);
    expect(read.filter((r) => r.value.startsWith('divergent-'))).toEqual([]);
    const audit = auditDelivery(acked, new Map([[0, read]]));
    expect(audit.lost).toEqual([]);
    expect(audit.duplicates).toEqual([]);
    expect(audit.outOfOrder).toEqual([]);
    expect(audit.read).toBe(2 * PER_PHASE);
    expect(cut.log()).toMatch(new RegExp(`${TOPIC}-0: truncating to (offset ${PER_PHASE} |the leader's log end offset)`));
    expect(net.refused.get(cut.id) ?? 0).toBeGreaterThan(0);
    process.stdout.write(`network-cut: broker ${cut.id} cut; leadership on ${moved.leaderId} after ${movedAfterMs} ms; back in the ISR ${rejoinedAfterMs} ms after the heal; whole test ${((Date.now() - began) / 1000).toFixed(1)} s\n`);
  }, 240_000);
});
