// End-to-end latency, measured as Kafka's EndToEndLatency tool does: send one record, poll until
// the consumer has it, note the time, repeat. Producer (acks=1, no linger) and consumer (long-poll
// fetches, fetch.min.bytes=1) are tk's own client in this process, on one partition, so every
// figure includes a produce round trip's worth of broker work plus the fetch wake-up.
import { Consumer } from '../../src/client/consumer.js';
import { Producer } from '../../src/client/producer.js';
import { createTopics } from '../lib/data.js';
import type { Figures } from '../lib/report.js';
import { quantile } from '../lib/stats.js';

const POLL_DEADLINE_MS = 10_000;
const WARMUP = 50;

export async function measureEndToEnd(figures: Figures, bootstrap: string, records: number): Promise<void> {
  const topic = 'end-to-end-latency';
  await createTopics(bootstrap, [{ name: topic }]);
  const producer = await Producer.connect(bootstrap, { acks: 1, lingerMs: 0 });
  const consumer = await Consumer.connect(bootstrap, { minBytes: 1, maxWaitMs: 500 });
  try {
    await consumer.assign([{ topic, partition: 0, offset: 'latest' }]);
    const value = Buffer.alloc(100, 'e');
    const latencies: number[] = [];
    for (let i = 0; i < WARMUP + records; i++) {
      const start = process.hrtime.bigint();
      const sent = producer.send({ topic, partition: 0, value });
      const received = (await consumer.poll(POLL_DEADLINE_MS)).length;
      if (received === 0) throw new Error(`record ${i} was not consumed within ${POLL_DEADLINE_MS} ms`);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      await sent;
      if (received !== 1) throw new Error(`expected one record, polled ${received}`);
      if (i >= WARMUP) latencies.push(ms);
    }
    const name = `end-to-end latency, tk client, 100 B, ${records.toLocaleString('en')} records one at a time`;
    for (const [q, label] of [[0.5, 'p50'], [0.99, 'p99'], [0.999, 'p99.9']] as const) {
      figures.add({ figure: `${name} ${label}`, value: quantile(latencies, q), unit: 'ms' });
    }
  } finally {
    consumer.close();
    await producer.close();
  }
}
