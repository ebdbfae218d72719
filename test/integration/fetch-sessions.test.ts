// Fetch as consumers drive it, in raw Fetch requests: KIP-227 incremental fetch sessions (a full
// fetch opens one, incremental fetches list only what changed and get back only partitions with
// news, epochs are checked, forgotten partitions stop coming, epoch -1 closes the session), and
// the long poll (min_bytes / max_wait_ms). Sessions are exercised at v11 (topic names, the last
// non-flexible version) and v16 (topic ids, the newest the broker serves).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerConnection } from '../../src/client/connection.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import type { FetchPartition, FetchRequest } from '../../src/protocol/generated/clients/fetch-request.js';
import type { FetchResponse, PartitionData } from '../../src/protocol/generated/clients/fetch-response.js';
import { ZERO_UUID } from '../../src/protocol/primitives.js';
import { startBroker, type RunningBroker } from '../harness/broker.js';
import { batchesIn, connectTo, fetchApi, mustCreateTopic, mustProduce, textBatch } from './raw-kafka.js';

const TOPIC_IDS_VERSION = 13;
const FINAL_EPOCH = -1;

let broker: RunningBroker;
/** Sends the fetches; its responses come in request order, so producing goes through another connection. */
let consumer: BrokerConnection;
let producer: BrokerConnection;

beforeAll(async () => {
  broker = await startBroker();
  consumer = await connectTo(broker, 'fetch-sessions-consumer');
  producer = await connectTo(broker, 'fetch-sessions-producer');
});

afterAll(() => {
  consumer?.close();
  producer?.close();
});

interface Topic {
  name: string;
  id: string;
}

interface FetchSpec {
  sessionId: number;
  sessionEpoch: number;
  /** Partitions to add or update, with their fetch offsets. */
  partitions?: { partition: number; offset: bigint }[];
  forgotten?: number[];
  maxWaitMs?: number;
  minBytes?: number;
}

function fetchRequest(version: number, topic: Topic, spec: FetchSpec): FetchRequest {
  const byId = version >= TOPIC_IDS_VERSION;
  const partitions: FetchPartition[] = (spec.partitions ?? []).map((p) => ({
    partition: p.partition,
    currentLeaderEpoch: -1,
    fetchOffset: p.offset,
    lastFetchedEpoch: -1,
    logStartOffset: -1n,
    partitionMaxBytes: 1024 * 1024,
    replicaDirectoryId: ZERO_UUID,
  }));
  const ref = { topic: byId ? '' : topic.name, topicId: byId ? topic.id : ZERO_UUID };
  return {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: spec.maxWaitMs ?? 0,
    minBytes: spec.minBytes ?? 0,
    maxBytes: 4 * 1024 * 1024,
    isolationLevel: 0,
    sessionId: spec.sessionId,
    sessionEpoch: spec.sessionEpoch,
    topics: partitions.length > 0 ? [{ ...ref, partitions }] : [],
    forgottenTopicsData: spec.forgotten && spec.forgotten.length > 0 ? [{ ...ref, partitions: spec.forgotten }] : [],
    rackId: '',
  };
}

function fetch(version: number, topic: Topic, spec: FetchSpec): Promise<FetchResponse> {
  return consumer.send(fetchApi, version, fetchRequest(version, topic, spec));
}

/** The partitions of `topic` a response carries, by index, checking that nothing else is in it. */
function partitionsOf(version: number, topic: Topic, response: FetchResponse): Map<number, PartitionData> {
  const out = new Map<number, PartitionData>();
  for (const t of response.responses) {
    expect(version >= TOPIC_IDS_VERSION ? t.topicId : t.topic, 'the response names the topic as the request did').toBe(version >= TOPIC_IDS_VERSION ? topic.id : topic.name);
    for (const p of t.partitions) out.set(p.partitionIndex, p);
  }
  return out;
}

const valuesOf = (p: PartitionData | undefined): (string | null)[] => batchesIn(p?.records ?? null).flatMap((b) => b.records.map((r) => r.value));

async function produceTo(topic: Topic, partition: number, value: string): Promise<bigint> {
  return mustProduce(producer, topic.name, partition, textBatch([value]));
}

describe.each([11, 16])('incremental fetch sessions (KIP-227) at Fetch v%i', (version) => {
  let topic: Topic;
  let sessionId = 0;

  beforeAll(async () => {
    const name = `sessions-v${version}`;
    topic = { name, id: await mustCreateTopic(consumer, name, {}, 2) };
  });

  it('a full fetch with session id 0 and epoch 0 over two partitions opens a session: a non-zero session id and both partitions answered', async () => {
    const response = await fetch(version, topic, {
      sessionId: 0,
      sessionEpoch: 0,
      partitions: [
        { partition: 0, offset: 0n },
        { partition: 1, offset: 0n },
      ],
    });
    expect(response.errorCode).toBe(ErrorCode.NONE);
    expect(response.sessionId).not.toBe(0);
    sessionId = response.sessionId;
    const partitions = partitionsOf(version, topic, response);
    expect([...partitions.keys()].sort()).toEqual([0, 1]);
    for (const p of partitions.values()) expect(p).toMatchObject({ errorCode: ErrorCode.NONE, highWatermark: 0n });
  });

  it('an incremental fetch listing no partitions, after a produce to partition 0 only, returns partition 0 with the record and leaves partition 1 out', async () => {
    expect(sessionId).not.toBe(0);
    expect(await produceTo(topic, 0, 'p0-first')).toBe(0n);
    const response = await fetch(version, topic, { sessionId, sessionEpoch: 1 });
    expect(response.errorCode).toBe(ErrorCode.NONE);
    expect(response.sessionId).toBe(sessionId);
    const partitions = partitionsOf(version, topic, response);
    expect([...partitions.keys()]).toEqual([0]);
    expect(partitions.get(0)).toMatchObject({ errorCode: ErrorCode.NONE, highWatermark: 1n });
    expect(valuesOf(partitions.get(0))).toEqual(['p0-first']);
  });

  it('an incremental fetch with nothing new anywhere returns no partitions', async () => {
    // Partition 0 is moved past its record, so it has nothing new to say either.
    const update = await fetch(version, topic, { sessionId, sessionEpoch: 2, partitions: [{ partition: 0, offset: 1n }] });
    expect(update.errorCode).toBe(ErrorCode.NONE);
    const quiet = await fetch(version, topic, { sessionId, sessionEpoch: 3 });
    expect(quiet).toMatchObject({ errorCode: ErrorCode.NONE, sessionId });
    expect(partitionsOf(version, topic, quiet).size).toBe(0);
  });

  it('a fetch with the wrong session epoch gets INVALID_FETCH_SESSION_EPOCH (71), and the session survives it', async () => {
    const wrong = await fetch(version, topic, { sessionId, sessionEpoch: 7 });
    expect(wrong.errorCode).toBe(ErrorCode.INVALID_FETCH_SESSION_EPOCH);
    expect(wrong.responses).toEqual([]);
    // The epoch that was due is still the one accepted.
    const right = await fetch(version, topic, { sessionId, sessionEpoch: 4 });
    expect(right).toMatchObject({ errorCode: ErrorCode.NONE, sessionId });
  });

  it('a fetch naming a session id the broker does not have gets FETCH_SESSION_ID_NOT_FOUND (70)', async () => {
    const unknown = sessionId === 0x7ffffffe ? 1 : sessionId + 1;
    const response = await fetch(version, topic, { sessionId: unknown, sessionEpoch: 1 });
    expect(response.errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
    expect(response.responses).toEqual([]);
  });

  it('a forgotten partition stops being returned even when it gets new records, while the others still are', async () => {
    expect(await produceTo(topic, 0, 'p0-second')).toBe(1n);
    // Partition 0 has news (a record at its fetch offset), but is forgotten in the same request.
    const forget = await fetch(version, topic, { sessionId, sessionEpoch: 5, forgotten: [0] });
    expect(forget.errorCode).toBe(ErrorCode.NONE);
    expect(partitionsOf(version, topic, forget).size).toBe(0);

    expect(await produceTo(topic, 0, 'p0-third')).toBe(2n);
    expect(await produceTo(topic, 1, 'p1-first')).toBe(0n);
    const after = await fetch(version, topic, { sessionId, sessionEpoch: 6 });
    expect(after.errorCode).toBe(ErrorCode.NONE);
    const partitions = partitionsOf(version, topic, after);
    expect([...partitions.keys()]).toEqual([1]);
    expect(valuesOf(partitions.get(1))).toEqual(['p1-first']);
  });

  it('epoch -1 closes the session: that fetch is answered in full without a session, and the id is unknown afterwards', async () => {
    const closing = await fetch(version, topic, {
      sessionId,
      sessionEpoch: FINAL_EPOCH,
      partitions: [
        { partition: 0, offset: 0n },
        { partition: 1, offset: 0n },
      ],
    });
    expect(closing.errorCode).toBe(ErrorCode.NONE);
    expect(closing.sessionId).toBe(0);
    const partitions = partitionsOf(version, topic, closing);
    expect(valuesOf(partitions.get(0))).toEqual(['p0-first', 'p0-second', 'p0-third']);
    expect(valuesOf(partitions.get(1))).toEqual(['p1-first']);

    const afterClose = await fetch(version, topic, { sessionId, sessionEpoch: 7 });
    expect(afterClose.errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
  });
});

describe('long poll (min_bytes, max_wait_ms)', () => {
  const MAX_WAIT_MS = 2000;
  let topic: Topic;

  beforeAll(async () => {
    topic = { name: 'long-poll', id: await mustCreateTopic(consumer, 'long-poll') };
  });

  const sessionlessLongPoll = (offset: bigint): Promise<FetchResponse> =>
    fetch(12, topic, { sessionId: 0, sessionEpoch: FINAL_EPOCH, partitions: [{ partition: 0, offset }], maxWaitMs: MAX_WAIT_MS, minBytes: 1 });

  it('a fetch with max_wait_ms 2000 and min_bytes 1 on an empty partition returns as soon as a record is produced, well before max_wait_ms', async () => {
    const started = Date.now();
    const pending = sessionlessLongPoll(0n);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await produceTo(topic, 0, 'woke-the-poll')).toBe(0n);
    const response = await pending;
    const elapsed = Date.now() - started;
    expect(response.errorCode).toBe(ErrorCode.NONE);
    expect(valuesOf(partitionsOf(12, topic, response).get(0))).toEqual(['woke-the-poll']);
    expect(elapsed, 'answered on the produce, not at max_wait_ms').toBeLessThan(MAX_WAIT_MS - 500);
  });

  it('a fetch with max_wait_ms 2000 and min_bytes 1 at the log end returns empty after about max_wait_ms when nothing is produced', async () => {
    const started = Date.now();
    const response = await sessionlessLongPoll(1n);
    const elapsed = Date.now() - started;
    expect(response.errorCode).toBe(ErrorCode.NONE);
    const partition = partitionsOf(12, topic, response).get(0);
    expect(partition).toMatchObject({ errorCode: ErrorCode.NONE, highWatermark: 1n });
    expect(valuesOf(partition)).toEqual([]);
    expect(elapsed, 'the broker waited for data').toBeGreaterThanOrEqual(1500);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('a long poll on one connection does not hold up another connection, whose requests are answered meanwhile', async () => {
    const started = Date.now();
    const pending = sessionlessLongPoll(1n);
    // Produce and read back through the other connection while the poll waits.
    expect(await produceTo(topic, 0, 'during-poll')).toBe(1n);
    expect(Date.now() - started, 'the produce was not queued behind the poll').toBeLessThan(MAX_WAIT_MS - 500);
    const response = await pending;
    expect(valuesOf(partitionsOf(12, topic, response).get(0))).toEqual(['during-poll']);
  });
});
