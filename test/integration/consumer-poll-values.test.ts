// Consumer.pollValues (the console consumer's default path: values straight from uncompressed
// batches to a sink) must hand out exactly the values poll() returns, in order, and leave the
// same positions, whatever the batches: uncompressed and compressed, null values, a start in the
// middle of a batch, and a maxRecords that stops inside a batch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '../../src/client/admin.js';
import { Cluster } from '../../src/client/cluster.js';
import { Consumer } from '../../src/client/consumer.js';
import { Producer } from '../../src/client/producer.js';
import { startBroker, type RunningBroker } from '../harness/broker.js';

let broker: RunningBroker;
let cluster: Cluster;

beforeAll(async () => {
  broker = await startBroker();
  cluster = await Cluster.connect(broker.bootstrap, { clientId: 'poll-values-test' });
  const [result] = await new Admin(cluster).createTopics([{ name: 'values', numPartitions: 1, replicationFactor: 1 }]);
  expect(result.error).toBeNull();
  // Batches of 500 uncompressed, then 300 gzip, then 400 uncompressed; every 7th value null.
  const value = (i: number): Buffer | null => (i % 7 === 3 ? null : Buffer.from(`v${i}-${'x'.repeat(i % 40)}`));
  let i = 0;
  for (const [count, compression] of [[500, 'none'], [300, 'gzip'], [400, 'none']] as const) {
    const producer = new Producer(cluster, { compression, lingerMs: 50, batchSize: 1 << 20 });
    for (let n = 0; n < count; n++, i++) producer.produce({ topic: 'values', partition: 0, value: value(i) });
    await producer.flush();
  }
}, 60_000);

afterAll(() => cluster?.close());

/** Every value (as a string, or null) and the position after each poll that handed some out, reading from `start` `maxRecords` at a time. */
async function readAll(start: bigint, maxRecords: number, useValues: boolean): Promise<{ values: (string | null)[]; positions: bigint[] }> {
  const consumer = new Consumer(cluster);
  await consumer.assign([{ topic: 'values', partition: 0, offset: start }]);
  const values: (string | null)[] = [];
  const positions: bigint[] = [];
  const sink = (buf: Buffer | null, from: number, to: number): void => {
    values.push(buf === null ? null : buf.toString('utf8', from, to));
  };
  const deadline = Date.now() + 20_000;
  while (values.length < 1200 - Number(start) && Date.now() < deadline) {
    const before = values.length;
    if (useValues) await consumer.pollValues(500, maxRecords, sink);
    else for (const r of await consumer.poll(500, maxRecords)) values.push(r.value === null ? null : r.value.toString('utf8'));
    // A poll that timed out before the first fetch came back (a busy machine) hands out nothing: not a step.
    if (values.length > before) positions.push(consumer.assignment()[0].position);
  }
  consumer.close();
  return { values, positions };
}

describe('Consumer.pollValues', () => {
  it.each([
    [0n, 10_000],
    [0n, 137],
    [250n, 64],
    [650n, 1],
  ])('from offset %s, %s at a time, hands out what poll() does', async (start, maxRecords) => {
    const expected = await readAll(start, maxRecords, false);
    expect(expected.values).toHaveLength(1200 - Number(start));
    expect(expected.values.filter((v) => v === null).length).toBeGreaterThan(0);
    const actual = await readAll(start, maxRecords, true);
    expect(actual.values).toEqual(expected.values);
    expect(actual.positions.at(-1)).toBe(1200n);
    // With a small maxRecords every poll is full, so positions advance identically.
    if (maxRecords < 500) expect(actual.positions).toEqual(expected.positions);
  }, 60_000);
});
