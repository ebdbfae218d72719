// Timestamps and limits on a running broker: LogAppendTime topics get the broker's clock in the
// batch, the produce response, Fetch and ListOffsets; max.message.bytes refuses a batch with
// MESSAGE_TOO_LARGE; a frame above socket.request.max.bytes closes only its own connection; an
// idle connection is closed after connections.max.idle.ms, a busy one is not; and 200 requests
// pipelined on one connection, with queued.max.requests far below that, are all answered in
// order, even while the client is not reading.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, type BrokerConnection } from '../../src/client/connection.js';
import { headerVersions } from '../../src/protocol/api-keys.js';
import type { MessageCodec } from '../../src/protocol/codec.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiVersionsRequest } from '../../src/protocol/generated/clients/api-versions-request.js';
import { ApiVersionsResponse } from '../../src/protocol/generated/clients/api-versions-response.js';
import { FetchRequest } from '../../src/protocol/generated/clients/fetch-request.js';
import { FetchResponse } from '../../src/protocol/generated/clients/fetch-response.js';
import { ListOffsetsRequest } from '../../src/protocol/generated/clients/list-offsets-request.js';
import { ListOffsetsResponse } from '../../src/protocol/generated/clients/list-offsets-response.js';
import { RequestHeader } from '../../src/protocol/generated/clients/request-header.js';
import { ResponseHeader } from '../../src/protocol/generated/clients/response-header.js';
import { Reader, Writer, ZERO_UUID } from '../../src/protocol/primitives.js';
import { TimestampType } from '../../src/protocol/records.js';
import { startBroker, type RunningBroker } from '../harness/broker.js';
import { LATEST, batchesIn, connectTo, fetchOnce, listOffset, mustCreateTopic, mustProduce, produce, sleep, textBatch } from './raw-kafka.js';

const SOCKET_REQUEST_MAX_BYTES = 10_000;
const IDLE_MS = 1000;
const QUEUED_MAX_REQUESTS = 10;
const MAX_TIMESTAMP = -3n;
const CLOSE_WAIT_MS = 6_000;

let broker: RunningBroker;
/**
 * connections.max.idle.ms is 1 s here, so no connection is kept across tests: each test opens
 * its own and closes them at the end.
 */
const opened: BrokerConnection[] = [];

beforeAll(async () => {
  broker = await startBroker({
    overrides: {
      'socket.request.max.bytes': String(SOCKET_REQUEST_MAX_BYTES),
      'connections.max.idle.ms': String(IDLE_MS),
      'queued.max.requests': String(QUEUED_MAX_REQUESTS),
    },
  });
});

afterAll(() => opened.forEach((c) => c.close()));

async function client(name: string): Promise<BrokerConnection> {
  const c = await connectTo(broker, name);
  opened.push(c);
  return c;
}

// ---- raw frames, for what tk's client would not send or does not expose ----

interface RawClient {
  socket: Socket;
  /** Resolves with the time the broker closed the connection; rejects after CLOSE_WAIT_MS. */
  closed(): Promise<number>;
  /** Collects `count` response frames (without size prefixes), in arrival order. */
  frames(count: number, timeoutMs: number): Promise<Buffer[]>;
}

async function rawClient(): Promise<RawClient> {
  const socket = connect({ host: broker.host, port: broker.port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => {}); // a reset once the broker closes is expected
  let received = Buffer.alloc(0);
  const frames: Buffer[] = [];
  let closedAt: number | null = null;
  const listeners = new Set<() => void>();
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    while (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
      const size = received.readInt32BE(0);
      frames.push(Buffer.from(received.subarray(4, 4 + size)));
      received = received.subarray(4 + size);
    }
    listeners.forEach((l) => l());
  });
  socket.on('close', () => {
    closedAt = Date.now();
    listeners.forEach((l) => l());
  });
  const until = <T>(what: string, timeoutMs: number, ready: () => T | undefined): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const value = ready();
        if (value === undefined) return;
        clearTimeout(timer);
        listeners.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  return {
    socket,
    closed: () => until('the broker did not close the connection', CLOSE_WAIT_MS, () => closedAt ?? undefined),
    frames: (count, timeoutMs) =>
      until(`fewer than ${count} responses arrived (${frames.length})`, timeoutMs, () => {
        if (frames.length >= count) return frames.splice(0, count);
        if (closedAt !== null) throw new Error(`the broker closed the connection after ${frames.length} of ${count} responses`);
        return undefined;
      }),
  };
}

interface RawApi<Req, Res> {
  apiKey: number;
  version: number;
  request: MessageCodec<Req>;
  response: MessageCodec<Res>;
}

function frame<Req, Res>(target: RawApi<Req, Res>, correlationId: number, body: Req): Buffer {
  const w = new Writer(128);
  const sizeAt = w.reserve(4);
  const header = headerVersions(target.apiKey, target.version, target.request.firstFlexibleVersion);
  RequestHeader.encode(w, { requestApiKey: target.apiKey, requestApiVersion: target.version, correlationId, clientId: 'pipelined' }, header.request);
  target.request.encode(w, body, target.version);
  w.patchInt32(sizeAt, w.offset - 4);
  return Buffer.from(w.finish());
}

function decodeFrame<Req, Res>(target: RawApi<Req, Res>, bytes: Buffer): { correlationId: number; response: Res } {
  const r = new Reader(bytes);
  const header = ResponseHeader.decode(r, headerVersions(target.apiKey, target.version, target.request.firstFlexibleVersion).response);
  return { correlationId: header.correlationId, response: target.response.decode(r, target.version) };
}

const apiVersionsV3: RawApi<ApiVersionsRequest, ApiVersionsResponse> = { apiKey: ApiVersionsRequest.apiKey!, version: 3, request: ApiVersionsRequest, response: ApiVersionsResponse };
const listOffsetsV7: RawApi<ListOffsetsRequest, ListOffsetsResponse> = { apiKey: ListOffsetsRequest.apiKey!, version: 7, request: ListOffsetsRequest, response: ListOffsetsResponse };
const fetchV12: RawApi<FetchRequest, FetchResponse> = { apiKey: FetchRequest.apiKey!, version: 12, request: FetchRequest, response: FetchResponse };

function fetchBody(topic: string, offset: bigint, maxWaitMs: number, minBytes: number): FetchRequest {
  return {
    ...FetchRequest.defaults(),
    maxWaitMs,
    minBytes,
    maxBytes: 1024 * 1024,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        topicId: ZERO_UUID,
        partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1024 * 1024, replicaDirectoryId: ZERO_UUID }],
      },
    ],
  };
}

describe('timestamps', () => {
  it('a LogAppendTime topic stamps each batch with the broker clock: the produce response, Fetch and ListOffsets all carry that time, not the producer timestamp', async () => {
    const c = await client('append-time');
    const topic = 'log-append-time';
    await mustCreateTopic(c, topic, { 'message.timestamp.type': 'LogAppendTime' });
    const dayAgo = BigInt(Date.now() - 24 * 60 * 60 * 1000);

    const before = BigInt(Date.now());
    const first = await produce(c, topic, 0, textBatch(['one', 'two'], { timestamp: dayAgo }));
    const second = await produce(c, topic, 0, textBatch(['three'], { timestamp: dayAgo - 1000n }));
    const after = BigInt(Date.now());
    for (const answer of [first, second]) {
      expect(answer.errorCode).toBe(ErrorCode.NONE);
      expect(answer.logAppendTimeMs, 'the produce response carries the broker time').toBeGreaterThanOrEqual(before - 2000n);
      expect(answer.logAppendTimeMs).toBeLessThanOrEqual(after + 2000n);
    }
    expect(second.logAppendTimeMs).toBeGreaterThanOrEqual(first.logAppendTimeMs);

    const batches = batchesIn((await fetchOnce(c, topic, 0, 0n)).records);
    expect(batches.map((b) => [b.header.timestampType, b.header.maxTimestamp])).toEqual([
      [TimestampType.LogAppendTime, first.logAppendTimeMs],
      [TimestampType.LogAppendTime, second.logAppendTimeMs],
    ]);
    expect(batches.flatMap((b) => b.records.map((r) => [r.value, r.timestamp]))).toEqual([
      ['one', first.logAppendTimeMs],
      ['two', first.logAppendTimeMs],
      ['three', second.logAppendTimeMs],
    ]);

    // By timestamp through the time index: nothing is as old as the producer said.
    expect(await listOffset(c, topic, 0, dayAgo + 1n)).toMatchObject({ offset: 0n, timestamp: first.logAppendTimeMs });
    expect(await listOffset(c, topic, 0, first.logAppendTimeMs + 1n)).toMatchObject(
      second.logAppendTimeMs > first.logAppendTimeMs ? { offset: 2n, timestamp: second.logAppendTimeMs } : { offset: -1n },
    );
    expect(await listOffset(c, topic, 0, MAX_TIMESTAMP)).toMatchObject({ offset: 2n, timestamp: second.logAppendTimeMs });
  });

  it('a CreateTime topic keeps the producer timestamp and answers logAppendTimeMs -1', async () => {
    const c = await client('create-time');
    const topic = 'create-time';
    await mustCreateTopic(c, topic);
    const hourAgo = BigInt(Date.now() - 60 * 60 * 1000);
    const answer = await produce(c, topic, 0, textBatch(['kept'], { timestamp: hourAgo }));
    expect(answer).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 0n, logAppendTimeMs: -1n });
    const [batch] = batchesIn((await fetchOnce(c, topic, 0, 0n)).records);
    expect(batch.header.timestampType).toBe(TimestampType.CreateTime);
    expect(batch.records.map((r) => r.timestamp)).toEqual([hourAgo]);
  });
});

describe('limits', () => {
  it('a batch larger than the topic max.message.bytes is refused with MESSAGE_TOO_LARGE (10) and not appended; a smaller one is accepted', async () => {
    const c = await client('message-size');
    const topic = 'small-messages';
    await mustCreateTopic(c, topic, { 'max.message.bytes': '1000' });
    const big = textBatch(['y'.repeat(2000)]);
    expect(big.length).toBeLessThan(SOCKET_REQUEST_MAX_BYTES);
    expect((await produce(c, topic, 0, big)).errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect((await listOffset(c, topic, 0, LATEST)).offset).toBe(0n);
    expect(await mustProduce(c, topic, 0, textBatch(['y'.repeat(500)]))).toBe(0n);
    expect(c.isClosed, 'MESSAGE_TOO_LARGE is an answer, not a closed connection').toBe(false);
  });

  it('a request frame above socket.request.max.bytes closes that connection only; another connection, and a frame just under the limit, are served', async () => {
    const topic = 'frame-limit';
    const bystander = await client('bystander');
    await mustCreateTopic(bystander, topic);
    const offender = await client('offender');

    const oversized = textBatch(['z'.repeat(SOCKET_REQUEST_MAX_BYTES + 2000)]);
    const refused = await produce(offender, topic, 0, oversized).then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(ConnectionError);
    expect(offender.isClosed).toBe(true);

    // The bystander, connected before, is unaffected; a frame of ~9 KB is within the limit.
    const underLimit = textBatch(['z'.repeat(SOCKET_REQUEST_MAX_BYTES - 1500)]);
    expect(await mustProduce(bystander, topic, 0, underLimit)).toBe(0n);
    expect((await listOffset(bystander, topic, 0, LATEST)).offset, 'nothing of the oversized frame was appended').toBe(1n);
    expect(broker.isRunning()).toBe(true);
  });

  it('a connection idle beyond connections.max.idle.ms is closed by the broker, while one that keeps sending requests stays open', async () => {
    const idle = await rawClient();
    const busy = await client('busy');
    idle.socket.write(frame(apiVersionsV3, 1, { clientSoftwareName: 'idle', clientSoftwareVersion: '1' }));
    await idle.frames(1, 5_000);
    const lastActivity = Date.now();

    let busyRequests = 0;
    const keepBusy = (async () => {
      while (Date.now() - lastActivity < IDLE_MS * 3) {
        await listOffset(busy, 'idle-check', 0, LATEST).catch(() => undefined);
        busyRequests++;
        await sleep(IDLE_MS / 4);
      }
    })();
    await mustCreateTopic(busy, 'idle-check');

    const closedAt = await idle.closed();
    // Loose bounds: not at once, and not long after the limit.
    expect(closedAt - lastActivity).toBeGreaterThanOrEqual(IDLE_MS * 0.8);
    expect(closedAt - lastActivity).toBeLessThan(CLOSE_WAIT_MS);
    await keepBusy;
    expect(busyRequests).toBeGreaterThan(5);
    expect(busy.isClosed, 'a connection with requests every 250 ms is not idle').toBe(false);
  });

  it('200 requests pipelined on one connection, 20 times queued.max.requests, are all answered in request order, also while the client stops reading for a while', async () => {
    const setup = await client('pipeline-setup');
    const topic = 'pipelined';
    await mustCreateTopic(setup, topic);
    // One ~8 KB record: the fetches below return it, so 200 responses fill the socket buffers.
    const payload = 'w'.repeat(8000);
    expect(await mustProduce(setup, topic, 0, textBatch([payload]))).toBe(0n);
    const emptyTopic = 'pipelined-empty';
    await mustCreateTopic(setup, emptyTopic);
    setup.close();

    type Sent = { correlationId: number; check: (bytes: Buffer) => void };
    const sent: Sent[] = [];
    const frames: Buffer[] = [];
    for (let correlationId = 1; correlationId <= 200; correlationId++) {
      let check: (bytes: Buffer) => void;
      if (correlationId % 50 === 0) {
        // A long poll (200 ms on an empty partition) ahead of fast requests: order must still hold.
        frames.push(frame(fetchV12, correlationId, fetchBody(emptyTopic, 0n, 200, 1)));
        check = (bytes) => {
          const { correlationId: id, response } = decodeFrame(fetchV12, bytes);
          expect(id).toBe(correlationId);
          expect(response.responses[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.NONE, highWatermark: 0n });
        };
      } else if (correlationId % 3 === 0) {
        frames.push(frame(fetchV12, correlationId, fetchBody(topic, 0n, 0, 0)));
        check = (bytes) => {
          const { correlationId: id, response } = decodeFrame(fetchV12, bytes);
          expect(id).toBe(correlationId);
          expect(batchesIn(response.responses[0].partitions[0].records).flatMap((b) => b.records.map((r) => r.value))).toEqual([payload]);
        };
      } else if (correlationId % 3 === 1) {
        frames.push(frame(apiVersionsV3, correlationId, { clientSoftwareName: 'pipelined', clientSoftwareVersion: '1' }));
        check = (bytes) => {
          const { correlationId: id, response } = decodeFrame(apiVersionsV3, bytes);
          expect(id).toBe(correlationId);
          expect(response.errorCode).toBe(ErrorCode.NONE);
        };
      } else {
        frames.push(
          frame(listOffsetsV7, correlationId, {
            replicaId: -1,
            isolationLevel: 0,
            timeoutMs: 5000,
            topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: LATEST, maxNumOffsets: 1 }] }],
          }),
        );
        check = (bytes) => {
          const { correlationId: id, response } = decodeFrame(listOffsetsV7, bytes);
          expect(id).toBe(correlationId);
          expect(response.topics[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.NONE, offset: 1n });
        };
      }
      sent.push({ correlationId, check });
    }

    const raw = await rawClient();
    // Not reading at first: the broker's writes back up and it must stop reading, then resume.
    raw.socket.pause();
    raw.socket.write(Buffer.concat(frames));
    await sleep(500);
    raw.socket.resume();
    const responses = await raw.frames(200, 20_000);
    expect(responses.map((r) => r.readInt32BE(0)), 'correlation ids in request order').toEqual(sent.map((s) => s.correlationId));
    responses.forEach((bytes, i) => sent[i].check(bytes));
    raw.socket.destroy();
    expect(broker.isRunning()).toBe(true);
  }, 40_000);
});
