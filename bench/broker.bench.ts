// Broker throughput: produce and consume against `tk broker start` with kcat (librdkafka, C) and
// with tk's own client layer (BrokerConnection + buildBatch), records of 100 B and 1 KiB.
// Run with `npm run build && npm run bench:broker`; prints medians of 3 runs per scenario.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BrokerConnection, api } from '../src/client/connection.js';
import { CreateTopicsRequest } from '../src/protocol/generated/clients/create-topics-request.js';
import { CreateTopicsResponse } from '../src/protocol/generated/clients/create-topics-response.js';
import { FetchRequest } from '../src/protocol/generated/clients/fetch-request.js';
import { FetchResponse } from '../src/protocol/generated/clients/fetch-response.js';
import { ProduceRequest } from '../src/protocol/generated/clients/produce-request.js';
import { ProduceResponse } from '../src/protocol/generated/clients/produce-response.js';
import { ZERO_UUID } from '../src/protocol/primitives.js';
import { buildBatch, iterateBatches } from '../src/protocol/records.js';
import { startBenchBroker } from './lib/broker.js';

const RUNS = 3;
const TOTAL_BYTES = 64 * 1024 * 1024;
const BATCH_BYTES = 64 * 1024;
const IN_FLIGHT = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function report(name: string, recordSize: number, seconds: number[]): void {
  const s = median(seconds);
  const records = TOTAL_BYTES / recordSize;
  console.log(`${name.padEnd(40)} ${(TOTAL_BYTES / 1024 / 1024 / s).toFixed(1).padStart(8)} MB/s ${Math.round(records / s).toString().padStart(10)} records/s`);
}

function timed(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function timedAsync(fn: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function createTopic(connection: BrokerConnection, name: string): Promise<void> {
  await connection.send(api(CreateTopicsRequest, CreateTopicsResponse), 4, {
    topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 10_000,
    validateOnly: false,
  });
}

async function tkProduce(connection: BrokerConnection, topic: string, recordSize: number): Promise<void> {
  const value = Buffer.alloc(recordSize, 'x');
  const perBatch = Math.floor(BATCH_BYTES / recordSize);
  const batches = TOTAL_BYTES / recordSize / perBatch;
  const records = Array.from({ length: perBatch }, () => ({ value }));
  const produce = api(ProduceRequest, ProduceResponse);
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < batches; i++) {
    const batch = buildBatch({ records, baseTimestamp: BigInt(Date.now()) });
    const p: Promise<void> = connection
      .send(produce, 9, { transactionalId: null, acks: 1, timeoutMs: 30_000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }] })
      .then((r) => {
        const code = r.responses[0].partitionResponses[0].errorCode;
        if (code !== 0) throw new Error(`produce failed with error ${code}`);
        inFlight.delete(p);
      });
    inFlight.add(p);
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

async function tkConsume(connection: BrokerConnection, topic: string, recordSize: number): Promise<void> {
  const fetch = api(FetchRequest, FetchResponse);
  const expected = TOTAL_BYTES / recordSize;
  let offset = 0n;
  let records = 0;
  while (records < expected) {
    const response = await connection.send(fetch, 11, {
      ...FetchRequest.defaults(),
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 8 * 1024 * 1024,
      sessionEpoch: -1,
      topics: [{ topic, topicId: ZERO_UUID, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 8 * 1024 * 1024, replicaDirectoryId: ZERO_UUID }] }],
    });
    const data = response.responses[0].partitions[0].records;
    if (!data || data.length === 0) continue;
    for (const entry of iterateBatches(data)) {
      if (entry.kind !== 'batch') continue;
      records += entry.header.recordCount;
      offset = entry.header.baseOffset + BigInt(entry.header.lastOffsetDelta) + 1n;
    }
  }
}

const broker = await startBenchBroker('broker');
const bootstrap = broker.bootstrap;
console.log(`node ${process.version}; ${TOTAL_BYTES / 1024 / 1024} MiB per run, one partition, acks=1, median of ${RUNS} runs\n`);
try {
  const connection = await BrokerConnection.connect('127.0.0.1', broker.port);
  for (const recordSize of [100, 1024]) {
    const input = join(broker.dir, `input-${recordSize}.txt`);
    const line = 'x'.repeat(recordSize - 1) + '\n';
    writeFileSync(input, line.repeat(TOTAL_BYTES / recordSize));

    const kcatProduce: number[] = [];
    const kcatConsume: number[] = [];
    const ownProduce: number[] = [];
    const ownConsume: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const kcatTopic = `kcat-${recordSize}-${run}`;
      await createTopic(connection, kcatTopic);
      kcatProduce.push(timed(() => execFileSync('kcat', ['-P', '-b', bootstrap, '-t', kcatTopic, '-p', '0', '-X', 'acks=1', '-X', 'linger.ms=5', '-X', 'batch.size=65536', '-l', input])));
      kcatConsume.push(timed(() => execFileSync('kcat', ['-C', '-b', bootstrap, '-t', kcatTopic, '-o', 'beginning', '-e', '-q', '-f', '%o\n'], { maxBuffer: 1 << 30 })));

      const ownTopic = `tk-${recordSize}-${run}`;
      await createTopic(connection, ownTopic);
      ownProduce.push(await timedAsync(() => tkProduce(connection, ownTopic, recordSize)));
      ownConsume.push(await timedAsync(() => tkConsume(connection, ownTopic, recordSize)));
    }
    report(`kcat produce, ${recordSize} B records`, recordSize, kcatProduce);
    report(`kcat consume, ${recordSize} B records`, recordSize, kcatConsume);
    report(`tk client produce, ${recordSize} B records`, recordSize, ownProduce);
    report(`tk client consume, ${recordSize} B records`, recordSize, ownConsume);
  }
  connection.close();
} finally {
  await broker.stop();
}
