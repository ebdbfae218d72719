// Found by test/chaos/leader-kills.test.ts: a restarting broker bound its client listener before
// it had replayed the metadata log, answered Metadata from an empty image, and librdkafka failed
// its queued records with _UNKNOWN_PARTITION. Client requests now wait until the broker is
// unfenced with the metadata replayed (Kafka's enableRequestProcessing): the first answer a client
// gets from a restarting broker already lists its topics.
import { createConnection } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HOST } from '../harness/broker.js';
import { createTopic, describeTopic } from '../harness/chaos.js';
import { pollUntil, startCluster } from '../harness/cluster.js';

/** Resolves once a TCP connection to the port is accepted (the listener is bound). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

describe('a restarting broker', () => {
  it('answers its first client request with the topics it had, not from an empty image', async () => {
    const cluster = await startCluster({ brokers: 1, controllers: 1 });
    const broker = cluster.brokers[0];
    await createTopic(cluster.bootstrap, 'kept', 2, 1);
    await broker.kill();
    const starting = broker.start();
    // As soon as the port is bound, before the ready line: a client asking now must wait for the answer.
    await pollUntil('the restarting broker binding its port', async () => ((await listening(broker.port)) ? true : undefined), 30_000, 20);
    const partitions = await describeTopic(broker.bootstrap, 'kept');
    expect(partitions.map((p) => p.partition)).toEqual([0, 1]);
    await starting;
  }, 60_000);
});
