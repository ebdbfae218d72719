// Hostile and malformed input over raw TCP: each gets the answer a Kafka client expects, or the
// connection closed where Kafka closes it, and the broker keeps serving everyone else.
// The well-formed parts are built with tk's own codecs, the broken parts by hand.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerConnection, api } from '../../src/client/connection.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiVersionsRequest } from '../../src/protocol/generated/clients/api-versions-request.js';
import { ApiVersionsResponse } from '../../src/protocol/generated/clients/api-versions-response.js';
import { CreateTopicsRequest } from '../../src/protocol/generated/clients/create-topics-request.js';
import { CreateTopicsResponse } from '../../src/protocol/generated/clients/create-topics-response.js';
import { MetadataRequest } from '../../src/protocol/generated/clients/metadata-request.js';
import { MetadataResponse } from '../../src/protocol/generated/clients/metadata-response.js';
import { ProduceRequest } from '../../src/protocol/generated/clients/produce-request.js';
import { ProduceResponse } from '../../src/protocol/generated/clients/produce-response.js';
import { RequestHeader } from '../../src/protocol/generated/clients/request-header.js';
import { Reader, Writer } from '../../src/protocol/primitives.js';
import { buildBatch } from '../../src/protocol/records.js';
import { runTool, startBroker, type RunningBroker } from '../harness/broker.js';

const CLOSE_WAIT_MS = 5_000;

let broker: RunningBroker;
/** A well-behaved client connected before the abuse starts and used again after it. */
let bystander: BrokerConnection;

beforeAll(async () => {
  broker = await startBroker();
  bystander = await BrokerConnection.connect(broker.host, broker.port, { clientId: 'bystander', requestTimeoutMs: 10_000 });
});

afterAll(() => bystander?.close());

interface RawClient {
  socket: Socket;
  /** Resolves when the broker has closed the connection; rejects if it is still open after the wait. */
  closedByBroker(): Promise<void>;
  /** The next response frame, without its size prefix. */
  nextFrame(): Promise<Buffer>;
}

async function rawClient(): Promise<RawClient> {
  const socket = connect({ host: broker.host, port: broker.port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => {}); // a reset after the broker closes is expected here
  let received = Buffer.alloc(0);
  let closed = false;
  const listeners = new Set<() => void>();
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    listeners.forEach((l) => l());
  });
  socket.on('close', () => {
    closed = true;
    listeners.forEach((l) => l());
  });
  const until = <T>(what: string, ready: () => T | undefined): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        let value: T | undefined;
        try {
          value = ready();
        } catch (err) {
          done();
          reject(err as Error);
          return;
        }
        if (value === undefined) return;
        done();
        resolve(value);
      };
      const done = (): void => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${what} within ${CLOSE_WAIT_MS} ms`));
      }, CLOSE_WAIT_MS);
      listeners.add(check);
      check();
    });
  return {
    socket,
    closedByBroker: () => until('the broker did not close the connection', () => (closed ? true : undefined)).then(() => undefined),
    nextFrame: () =>
      until('no complete response frame arrived', () => {
        if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
          const size = received.readInt32BE(0);
          const frame = received.subarray(4, 4 + size);
          received = received.subarray(4 + size);
          return frame;
        }
        if (closed) throw new Error('the broker closed the connection instead of answering');
        return undefined;
      }),
  };
}

function sizePrefixed(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

function requestHeader(apiKey: number, apiVersion: number, correlationId: number, headerVersion: number): Buffer {
  const w = new Writer();
  RequestHeader.encode(w, { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId: 'bad-input' }, headerVersion);
  return Buffer.from(w.finish());
}

function apiVersionsFrame(apiVersion: number, correlationId: number): Buffer {
  const flexible = apiVersion >= 3;
  const body = new Writer();
  ApiVersionsRequest.encode(body, { clientSoftwareName: 'bad-input', clientSoftwareVersion: '1' }, flexible ? 3 : 0);
  return sizePrefixed(Buffer.concat([requestHeader(ApiVersionsRequest.apiKey!, apiVersion, correlationId, flexible ? 2 : 1), body.finish()]));
}

/** An ApiVersions response always has header v0 (KIP-511): the correlation id, then the body. */
function readApiVersionsResponse(frame: Buffer, version: number): { correlationId: number; response: ApiVersionsResponse } {
  const r = new Reader(frame);
  const correlationId = r.int32();
  return { correlationId, response: ApiVersionsResponse.decode(r, version) };
}

async function expectClosedAfter(bytes: Buffer): Promise<void> {
  const client = await rawClient();
  client.socket.write(bytes);
  await client.closedByBroker();
}

async function createTopics(names: string[]): Promise<Map<string, number>> {
  const version = bystander.usableVersion(CreateTopicsRequest)!;
  const response = await bystander.send(api(CreateTopicsRequest, CreateTopicsResponse), version, {
    topics: names.map((name) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })),
    timeoutMs: 10_000,
    validateOnly: false,
  });
  return new Map(response.topics.map((t) => [t.name, t.errorCode]));
}

async function produce(topic: string, records: Buffer): Promise<{ errorCode: number; baseOffset: bigint }> {
  const version = bystander.usableVersion(ProduceRequest, 11)!;
  const response = await bystander.send(api(ProduceRequest, ProduceResponse), version, {
    transactionalId: null,
    acks: 1,
    timeoutMs: 10_000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
  });
  const partition = response.responses[0].partitionResponses[0];
  return { errorCode: partition.errorCode, baseOffset: partition.baseOffset };
}

describe('bad input over raw TCP', () => {
  it('a frame that claims 2^31-1 bytes gets the connection closed, and another client still gets ApiVersions answered', async () => {
    const huge = Buffer.alloc(64);
    huge.writeInt32BE(0x7fffffff, 0);
    await expectClosedAfter(huge);

    const other = await BrokerConnection.connect(broker.host, broker.port, { requestTimeoutMs: 10_000 });
    try {
      expect(other.versions.get(ApiVersionsRequest.apiKey!)).toMatchObject({ min: 0 });
    } finally {
      other.close();
    }
  });

  it('a frame with a negative size gets the connection closed', async () => {
    await expectClosedAfter(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]));
  });

  it('an API key Kafka does not define gets the connection closed', async () => {
    const body = Buffer.concat([requestHeader(1000, 0, 1, 1), Buffer.alloc(8)]);
    await expectClosedAfter(sizePrefixed(body));
  });

  it('garbage bytes (an HTTP request) get the connection closed', async () => {
    await expectClosedAfter(Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 'latin1'));
  });

  it('a frame too short to hold a request header gets the connection closed', async () => {
    // api key 18, version 0, and one byte of the four a correlation id needs
    await expectClosedAfter(sizePrefixed(Buffer.from([0x00, 0x12, 0x00, 0x00, 0x00])));
  });

  it('a header whose client id runs past the end of the frame gets the connection closed', async () => {
    const truncated = Buffer.alloc(10);
    truncated.writeInt16BE(18, 0); // ApiVersions
    truncated.writeInt16BE(0, 2);
    truncated.writeInt32BE(1, 4);
    truncated.writeInt16BE(1000, 8); // a client id of 1000 bytes, none of which follow
    await expectClosedAfter(sizePrefixed(truncated));
  });

  it('a client that disconnects in the middle of a frame does not disturb the broker', async () => {
    const client = await rawClient();
    const frame = apiVersionsFrame(3, 1);
    client.socket.end(frame.subarray(0, frame.length - 5));
    client.socket.destroy();
    const answered = await BrokerConnection.connect(broker.host, broker.port, { requestTimeoutMs: 10_000 });
    answered.close();
    expect(answered.versions.get(ApiVersionsRequest.apiKey!)).toMatchObject({ min: 0 });
    expect(broker.isRunning()).toBe(true);
  });

  it('ApiVersions v99 is answered with UNSUPPORTED_VERSION (35) in a v0 response listing the versions served, and the connection stays usable', async () => {
    const client = await rawClient();
    client.socket.write(apiVersionsFrame(99, 41));
    const unsupported = readApiVersionsResponse(await client.nextFrame(), 0);
    expect(unsupported.correlationId).toBe(41);
    expect(unsupported.response.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(unsupported.response.apiKeys.find((k) => k.apiKey === ApiVersionsRequest.apiKey)).toMatchObject({ minVersion: 0 });

    // As a client does on UNSUPPORTED_VERSION: retry at a version the broker listed.
    client.socket.write(apiVersionsFrame(0, 42));
    const retried = readApiVersionsResponse(await client.nextFrame(), 0);
    expect(retried).toMatchObject({ correlationId: 42, response: { errorCode: ErrorCode.NONE } });
    expect(retried.response.apiKeys).toEqual(unsupported.response.apiKeys);
    client.socket.destroy();
  });

  it('a record batch with a corrupted CRC is refused with CORRUPT_MESSAGE (2) and nothing of it is appended', async () => {
    expect(await createTopics(['bad-crc'])).toEqual(new Map([['bad-crc', ErrorCode.NONE]]));
    const intact = buildBatch({ records: [{ key: Buffer.from('key'), value: Buffer.from('value'), timestamp: BigInt(Date.now()) }] });
    const corrupted = Buffer.from(intact);
    corrupted[corrupted.length - 1] ^= 0xff; // a byte of the record's headers count, covered by the CRC

    expect(await produce('bad-crc', corrupted)).toMatchObject({ errorCode: ErrorCode.CORRUPT_MESSAGE });
    expect(await produce('bad-crc', intact)).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 0n });
  });

  // Kafka's rules: only [a-zA-Z0-9._-], at most 249 characters, and neither "." nor "..".
  it.each([
    ['a slash', 'with/slash'],
    ['"."', '.'],
    ['".."', '..'],
    ['a space', 'white space'],
    ['250 characters', 'x'.repeat(250)],
    ['non-ASCII letters', 'ünïcode'],
  ])('CreateTopics refuses a topic name with %s with INVALID_TOPIC_EXCEPTION (17)', async (_, name) => {
    expect(await createTopics([name])).toEqual(new Map([[name, ErrorCode.INVALID_TOPIC_EXCEPTION]]));
  });

  it('after all of it the broker process is alive, logged no internal error, serves kcat -L, and the first client was never disturbed', async () => {
    expect(broker.isRunning()).toBe(true);
    const metadata = await runTool('kcat', ['-b', broker.bootstrap, '-L']);
    expect(metadata.code).toBe(0);
    expect(metadata.stdout).toContain('topic "bad-crc" with 1 partitions:');
    expect(metadata.stdout).not.toContain('with/slash');

    const version = bystander.usableVersion(MetadataRequest)!;
    const response = await bystander.send(api(MetadataRequest, MetadataResponse), version, { ...MetadataRequest.defaults(), topics: null });
    expect(response.brokers.map((b) => [b.nodeId, b.host, b.port])).toEqual([[1, broker.host, broker.port]]);
    expect(broker.stderr()).not.toMatch(/\] ERROR /);
  });
});
