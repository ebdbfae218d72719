// The requests the daemon's integration tests send with tk's own client and generated codecs:
// create a topic, produce one batch, list an offset, fetch and decode records, and poll for a
// condition with a bound. Shared by the test files in this directory; nothing here starts a broker.
import { BrokerConnection, api } from '../../src/client/connection.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { CreateTopicsRequest } from '../../src/protocol/generated/clients/create-topics-request.js';
import { CreateTopicsResponse } from '../../src/protocol/generated/clients/create-topics-response.js';
import { FetchRequest } from '../../src/protocol/generated/clients/fetch-request.js';
import { FetchResponse, type PartitionData } from '../../src/protocol/generated/clients/fetch-response.js';
import { ListOffsetsRequest } from '../../src/protocol/generated/clients/list-offsets-request.js';
import { ListOffsetsResponse, type ListOffsetsPartitionResponse } from '../../src/protocol/generated/clients/list-offsets-response.js';
import { ProduceRequest } from '../../src/protocol/generated/clients/produce-request.js';
import { ProduceResponse, type PartitionProduceResponse } from '../../src/protocol/generated/clients/produce-response.js';
import { ZERO_UUID } from '../../src/protocol/primitives.js';
import { buildBatch, iterateBatches, records as recordsOf, type BuildBatchOptions, type RecordBatchHeader } from '../../src/protocol/records.js';
import type { RunningBroker } from '../harness/broker.js';

export const EARLIEST = -2n;
export const LATEST = -1n;

export const createTopicsApi = api(CreateTopicsRequest, CreateTopicsResponse);
export const produceApi = api(ProduceRequest, ProduceResponse);
export const listOffsetsApi = api(ListOffsetsRequest, ListOffsetsResponse);
export const fetchApi = api(FetchRequest, FetchResponse);

export function connectTo(broker: RunningBroker, clientId: string): Promise<BrokerConnection> {
  return BrokerConnection.connect(broker.host, broker.port, { clientId, requestTimeoutMs: 15_000 });
}

/** The highest version of an API both the broker and tk's codec speak; throws when there is none. */
export function versionOf(connection: BrokerConnection, codec: Parameters<BrokerConnection['usableVersion']>[0], max?: number): number {
  const version = connection.usableVersion(codec, max);
  if (version === null) throw new Error(`the broker serves no usable version of ${codec.name}`);
  return version;
}

export interface CreatedTopic {
  errorCode: number;
  errorMessage: string | null;
  topicId: string;
}

/** CreateTopics for one topic with the given configs; the answer, not an exception, on an error. */
export async function createTopic(connection: BrokerConnection, name: string, configs: Record<string, string> = {}, numPartitions = 1): Promise<CreatedTopic> {
  const response = await connection.send(createTopicsApi, versionOf(connection, CreateTopicsRequest), {
    topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([k, v]) => ({ name: k, value: v })) }],
    timeoutMs: 10_000,
    validateOnly: false,
  });
  const topic = response.topics[0];
  return { errorCode: topic.errorCode, errorMessage: topic.errorMessage, topicId: topic.topicId };
}

/** Creates the topic and fails the test with the broker's message when that does not work. */
export async function mustCreateTopic(connection: BrokerConnection, name: string, configs: Record<string, string> = {}, numPartitions = 1): Promise<string> {
  const created = await createTopic(connection, name, configs, numPartitions);
  if (created.errorCode !== ErrorCode.NONE) throw new Error(`creating ${name} with ${JSON.stringify(configs)}: error ${created.errorCode} ${created.errorMessage ?? ''}`);
  return created.topicId;
}

/** Produce (acks=1) of one record set to one partition; the partition's answer. */
export async function produce(connection: BrokerConnection, topic: string, partition: number, records: Buffer): Promise<PartitionProduceResponse> {
  const response = await connection.send(produceApi, versionOf(connection, ProduceRequest), {
    transactionalId: null,
    acks: 1,
    timeoutMs: 10_000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  });
  return response.responses[0].partitionResponses[0];
}

/** Produces and fails the test unless the batch was appended. */
export async function mustProduce(connection: BrokerConnection, topic: string, partition: number, records: Buffer): Promise<bigint> {
  const answer = await produce(connection, topic, partition, records);
  if (answer.errorCode !== ErrorCode.NONE) throw new Error(`producing to ${topic}-${partition}: error ${answer.errorCode} ${answer.errorMessage ?? ''}`);
  return answer.baseOffset;
}

export interface TextRecord {
  key?: string | null;
  value: string | null;
}

/** One uncompressed batch of string records, every record stamped `timestamp` (default now). */
export function textBatch(values: readonly (TextRecord | string)[], options: Omit<BuildBatchOptions, 'records'> & { timestamp?: bigint } = {}): Buffer {
  const { timestamp = BigInt(Date.now()), ...rest } = options;
  return buildBatch({
    ...rest,
    records: values.map((v) => {
      const r: TextRecord = typeof v === 'string' ? { value: v } : v;
      return {
        key: r.key === undefined || r.key === null ? null : Buffer.from(r.key),
        value: r.value === null ? null : Buffer.from(r.value),
        timestamp,
      };
    }),
  });
}

/** ListOffsets v1+ for one partition at a timestamp (EARLIEST, LATEST, or a time). */
export async function listOffset(connection: BrokerConnection, topic: string, partition: number, timestamp: bigint): Promise<ListOffsetsPartitionResponse> {
  const response = await connection.send(listOffsetsApi, versionOf(connection, ListOffsetsRequest), {
    replicaId: -1,
    isolationLevel: 0,
    timeoutMs: 10_000,
    topics: [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 }] }],
  });
  const answer = response.topics[0].partitions[0];
  if (answer.errorCode !== ErrorCode.NONE) throw new Error(`ListOffsets ${topic}-${partition} at ${timestamp}: error ${answer.errorCode}`);
  return answer;
}

export interface StoredRecord {
  offset: bigint;
  timestamp: bigint;
  key: string | null;
  value: string | null;
}

export interface StoredBatch {
  header: RecordBatchHeader;
  records: StoredRecord[];
}

/** The whole batches of a fetched record set, CRCs checked; a partial batch at the end is left out, as clients do. */
export function batchesIn(recordSet: Buffer | null): StoredBatch[] {
  if (recordSet === null) return [];
  const out: StoredBatch[] = [];
  for (const entry of iterateBatches(recordSet)) {
    if (entry.kind !== 'batch') continue;
    const bytes = recordSet.subarray(entry.offset, entry.offset + entry.size);
    out.push({
      header: entry.header,
      records: [...recordsOf(bytes, { verifyCrc: true })].map((r) => ({
        offset: r.offset,
        timestamp: r.timestamp,
        key: r.key === null ? null : r.key.toString(),
        value: r.value === null ? null : r.value.toString(),
      })),
    });
  }
  return out;
}

/** One sessionless Fetch of one partition (no long poll), as a consumer after a seek sends it. */
export async function fetchOnce(connection: BrokerConnection, topic: string, partition: number, offset: bigint, maxBytes = 1024 * 1024): Promise<PartitionData> {
  // v12: topic names (not ids), flexible; the broker serves v4 and up.
  const response = await connection.send(fetchApi, versionOf(connection, FetchRequest, 12), {
    ...FetchRequest.defaults(),
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, topicId: ZERO_UUID, partitions: [{ ...fetchPartitionDefaults(), partition, fetchOffset: offset, partitionMaxBytes: maxBytes }] }],
  });
  if (response.errorCode !== ErrorCode.NONE) throw new Error(`Fetch ${topic}-${partition}@${offset}: top-level error ${response.errorCode}`);
  return response.responses[0].partitions[0];
}

function fetchPartitionDefaults(): { currentLeaderEpoch: number; lastFetchedEpoch: number; logStartOffset: bigint; replicaDirectoryId: string } {
  return { currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1n, replicaDirectoryId: ZERO_UUID };
}

/** Every record from `from` up to the high watermark, fetching as often as it takes. */
export async function readFrom(connection: BrokerConnection, topic: string, partition: number, from: bigint): Promise<StoredRecord[]> {
  const out: StoredRecord[] = [];
  let next = from;
  for (;;) {
    const data = await fetchOnce(connection, topic, partition, next);
    if (data.errorCode !== ErrorCode.NONE) throw new Error(`Fetch ${topic}-${partition}@${next}: error ${data.errorCode}`);
    const batches = batchesIn(data.records);
    for (const batch of batches) for (const r of batch.records) if (r.offset >= next) out.push(r);
    const last = batches.at(-1);
    if (last === undefined) return out;
    next = last.header.baseOffset + BigInt(last.header.lastOffsetDelta) + 1n;
    if (next >= data.highWatermark) return out;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns a value other than undefined; after `timeoutMs` fails with
 * `what` and the last thing `describe` says about the state.
 */
export async function eventually<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, describe: () => Promise<string> = async () => '', intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms; ${await describe()}`);
    await sleep(intervalMs);
  }
}
