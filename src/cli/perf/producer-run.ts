// The producer perf test's send loop, as ProducerPerformance runs it: one record after another,
// each with a fresh payload, the latency taken from just before the send to its acknowledgement
// callback, the throttler consulted after every send. Sends are not awaited one by one: the loop
// yields to the event loop every so often (and waits when the producer's buffer is full), which
// is when acknowledgements, and with them the window lines, arrive.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Producer } from '../../client/producer.js';
import { ProducerStats, type ProducerSummary } from './producer-stats.js';
import type { PayloadSource } from './producer-options.js';
import { fillRandomLetters, SplittableRandom } from './splittable-random.js';
import { ThroughputThrottler } from './throttler.js';

const REPORTING_INTERVAL_MS = 5_000;
const SENDS_BETWEEN_YIELDS = 1_024;
/** Random payloads are cut from slabs of this size: one allocation per many records. */
const SLAB_BYTES = 1 << 20;

export interface ProducerRunResult {
  summary: ProducerSummary;
  failed: number;
}

/** Makes each record's payload; a new buffer every time, since the producer keeps it until sent. */
export function payloadMaker(source: PayloadSource): (index: number) => Buffer {
  // One generator, seeded 0 as Kafka's, so the same run sends the same bytes.
  const random = new SplittableRandom(0);
  switch (source.kind) {
    case 'file':
      return () => source.payloads[random.nextInt(source.payloads.length)]!;
    case 'monotonic':
      return (index) => Buffer.from(String(index));
    case 'random': {
      const size = source.recordSize;
      let slab = Buffer.allocUnsafe(0);
      let used = 0;
      return () => {
        if (used + size > slab.length) {
          slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, size));
          used = 0;
        }
        const payload = slab.subarray(used, used + size);
        used += size;
        fillRandomLetters(random, payload);
        return payload;
      };
    }
  }
}

export interface ProducerRunHooks {
  /** A window line (every 5 s), with its newline. */
  printWindow(line: string): void;
  /** A record that could not be sent. */
  onFailure(err: Error): void;
  /** Called once the stats exist, so a progress bar can read the count. */
  onStart?(acknowledged: () => number): void;
}

export async function runProducerPerf(
  producer: Producer,
  plan: { topic: string; numRecords: number; throughput: number; payload: PayloadSource },
  hooks: ProducerRunHooks,
): Promise<ProducerRunResult> {
  const nextPayload = payloadMaker(plan.payload);
  const stats = new ProducerStats(plan.numRecords, REPORTING_INTERVAL_MS, hooks.printWindow);
  hooks.onStart?.(() => stats.totalCount);
  const throttler = new ThroughputThrottler(plan.throughput, Date.now());
  let failed = 0;
  for (let i = 0; i < plan.numRecords; i++) {
    const payload = nextPayload(i);
    const sendStartMs = Date.now();
    const bytes = payload.length;
    const writable = producer.produce({ topic: plan.topic, value: payload }, (err) => {
      const now = Date.now();
      if (err === null) stats.record(now - sendStartMs, bytes, now);
      else {
        failed++;
        hooks.onFailure(err);
      }
    });
    if (!writable) await producer.whenWritable();
    else if (i % SENDS_BETWEEN_YIELDS === SENDS_BETWEEN_YIELDS - 1) await yieldToEventLoop();
    if (throttler.shouldThrottle(i, sendStartMs)) await throttler.throttle();
  }
  await producer.close();
  return { summary: stats.summary(), failed };
}
