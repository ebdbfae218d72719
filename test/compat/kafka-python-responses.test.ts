// Responses the other way round: tk encodes them, and kafka-python, an independent implementation
// of the protocol, decodes them (test/compat/decode_responses.py). Its field names differ from
// Kafka's, but both follow the wire order, so its answer is mapped field by field onto tk's schema
// for the version and compared with what tk encoded.
//
// kafka-python 2.0.2 (Debian's python3-kafka) has no flexible version of these APIs, so the
// versions below are the classic ones it knows. Left out: ProduceResponse v8. kafka-python declares
// record_errors and error_message as extra members of the ('partitions', Array(...)) tuple rather
// than inside the Array, and its Schema's zip(*fields) silently drops them, so it reads any v8
// response, tk's or Kafka's, as v7 and stops early (57 bytes unread on the value below).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writer } from '../../src/protocol/primitives.js';
import { defaultApiVersionsResponse, type ApiVersionsResponse } from '../../src/protocol/generated/clients/api-versions-response.js';
import { defaultCreatableTopicResult, defaultCreateTopicsResponse, type CreateTopicsResponse } from '../../src/protocol/generated/clients/create-topics-response.js';
import { defaultFetchableTopicResponse, defaultFetchResponse, defaultPartitionData, type FetchResponse } from '../../src/protocol/generated/clients/fetch-response.js';
import { defaultJoinGroupResponse, defaultJoinGroupResponseMember, type JoinGroupResponse } from '../../src/protocol/generated/clients/join-group-response.js';
import { defaultListOffsetsPartitionResponse, type ListOffsetsResponse } from '../../src/protocol/generated/clients/list-offsets-response.js';
import {
  defaultMetadataResponse,
  defaultMetadataResponseBroker,
  defaultMetadataResponsePartition,
  defaultMetadataResponseTopic,
  type MetadataResponse,
} from '../../src/protocol/generated/clients/metadata-response.js';
import { type OffsetCommitResponse } from '../../src/protocol/generated/clients/offset-commit-response.js';
import { defaultPartitionProduceResponse, defaultProduceResponse, type ProduceResponse } from '../../src/protocol/generated/clients/produce-response.js';
import { defaultSyncGroupResponse, type SyncGroupResponse } from '../../src/protocol/generated/clients/sync-group-response.js';
import { inRange, loadGeneratedMessages, type LoadedMessage, type SchemaField } from '../harness/generated-messages.js';

const PYTHON = '/usr/bin/python3';
const decoderScript = fileURLToPath(new URL('./decode_responses.py', import.meta.url));

function kafkaPythonUnavailable(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import kafka.protocol'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} cannot run (${probe.error.message})`;
  if (probe.status !== 0) return `${PYTHON} cannot import kafka (apt-get install python3-kafka)`;
  return null;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

// ----------------------------------------------------------------------------------------------
// The responses: one rich value per API, holding every field some version carries; each version
// is encoded from the value with the fields it lacks put back to their defaults.

const metadataResponse = (v: number): MetadataResponse => ({
  ...defaultMetadataResponse(),
  throttleTimeMs: 125,
  brokers: [
    { ...defaultMetadataResponseBroker(), nodeId: 1, host: 'broker-1.tk.test', port: 9092, rack: 'eu-west-1a' },
    { ...defaultMetadataResponseBroker(), nodeId: 2, host: 'bröker-2.tk.test', port: 19092, rack: null },
  ],
  clusterId: v % 2 === 0 ? 'tk-clüster-Zx81' : null,
  controllerId: 2,
  topics: [
    {
      ...defaultMetadataResponseTopic(),
      name: 'orders',
      partitions: [
        { ...defaultMetadataResponsePartition(), partitionIndex: 0, leaderId: 1, replicaNodes: [1, 2], isrNodes: [1, 2], offlineReplicas: [] },
        // REPLICA_NOT_AVAILABLE, with a replica offline
        { ...defaultMetadataResponsePartition(), errorCode: 9, partitionIndex: 1, leaderId: 2, replicaNodes: [2, 1, 3], isrNodes: [2], offlineReplicas: [3] },
      ],
    },
    // UNKNOWN_TOPIC_OR_PARTITION
    { ...defaultMetadataResponseTopic(), errorCode: 3, name: 'mïssing', partitions: [] },
    {
      ...defaultMetadataResponseTopic(),
      name: '__consumer_offsets',
      isInternal: true,
      partitions: [{ ...defaultMetadataResponsePartition(), partitionIndex: 0, leaderId: -1, replicaNodes: [1], isrNodes: [], offlineReplicas: [1] }],
    },
  ],
});

const produceResponse = (): ProduceResponse => ({
  ...defaultProduceResponse(),
  responses: [
    {
      name: 'orders',
      partitionResponses: [
        { ...defaultPartitionProduceResponse(), index: 0, baseOffset: 9007199254740993n, logAppendTimeMs: 1700000000000n, logStartOffset: 17n },
        // NOT_LEADER_OR_FOLLOWER
        { ...defaultPartitionProduceResponse(), index: 3, errorCode: 6, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n },
      ],
    },
    { name: 'pâyments', partitionResponses: [{ ...defaultPartitionProduceResponse(), index: 1, baseOffset: 0n, logAppendTimeMs: -1n, logStartOffset: 0n }] },
  ],
  throttleTimeMs: 250,
});

// Opaque to the response codec: a record batch's leading bytes and a short tail.
const recordBytes = Buffer.from('000000000000002a0000003900000000029a1c3d7e0000000000000000018bcfe568000000018bcfe56800ffffffffffffffff', 'hex');

const fetchResponse = (): FetchResponse => ({
  ...defaultFetchResponse(),
  throttleTimeMs: 10,
  errorCode: 0,
  sessionId: 123456789,
  responses: [
    {
      ...defaultFetchableTopicResponse(),
      topic: 'orders',
      partitions: [
        {
          ...defaultPartitionData(),
          partitionIndex: 0,
          highWatermark: 9007199254740993n,
          lastStableOffset: 9007199254740990n,
          logStartOffset: 5n,
          abortedTransactions: [
            { producerId: 4611686018427387905n, firstOffset: 100n },
            { producerId: 7n, firstOffset: 9007199254740000n },
          ],
          preferredReadReplica: 2,
          records: recordBytes,
        },
        // OFFSET_OUT_OF_RANGE: no records at all, and no aborted-transaction list
        { ...defaultPartitionData(), partitionIndex: 1, errorCode: 1, highWatermark: -1n, abortedTransactions: null, records: null },
      ],
    },
    {
      ...defaultFetchableTopicResponse(),
      topic: 'pâyments',
      partitions: [{ ...defaultPartitionData(), partitionIndex: 2, highWatermark: 0n, lastStableOffset: 0n, logStartOffset: 0n, abortedTransactions: [], records: Buffer.alloc(0) }],
    },
  ],
});

const listOffsetsResponse = (): ListOffsetsResponse => ({
  throttleTimeMs: 5,
  topics: [
    {
      name: 'orders',
      partitions: [
        {
          ...defaultListOffsetsPartitionResponse(),
          partitionIndex: 0,
          oldStyleOffsets: [9007199254740993n, 42n, 0n],
          timestamp: 1700000000000n,
          offset: 9007199254740993n,
          leaderEpoch: 12,
        },
        // NOT_LEADER_OR_FOLLOWER
        { ...defaultListOffsetsPartitionResponse(), partitionIndex: 1, errorCode: 6, oldStyleOffsets: [] },
      ],
    },
    { name: 'pâyments', partitions: [{ ...defaultListOffsetsPartitionResponse(), partitionIndex: 2, oldStyleOffsets: [0n], timestamp: -1n, offset: 0n, leaderEpoch: 0 }] },
  ],
});

const joinGroupResponse = (): JoinGroupResponse => ({
  ...defaultJoinGroupResponse(),
  throttleTimeMs: 40,
  generationId: 42,
  protocolName: 'range',
  leader: 'member-1-5f1c0a',
  memberId: 'member-1-5f1c0a',
  members: [
    // a consumer-protocol subscription (version 0, topics "orders" and "pâyments", no user data)
    { ...defaultJoinGroupResponseMember(), memberId: 'member-1-5f1c0a', metadata: Buffer.from('00000000000200066f7264657273000970c3a2796d656e747300000000', 'hex') },
    { ...defaultJoinGroupResponseMember(), memberId: 'mëmber-2-77aa01', metadata: Buffer.alloc(0) },
  ],
});

const syncGroupResponse = (v: number): SyncGroupResponse => ({
  ...defaultSyncGroupResponse(),
  throttleTimeMs: 33,
  // REBALANCE_IN_PROGRESS at v1, to see a non-zero code go through
  errorCode: v === 1 ? 27 : 0,
  // a consumer-protocol assignment: version 0, "orders" partitions 0 and 3, no user data
  assignment: Buffer.from('00000000000100066f726465727300000002000000000000000300000000', 'hex'),
});

const offsetCommitResponse = (): OffsetCommitResponse => ({
  throttleTimeMs: 7,
  topics: [
    {
      name: 'orders',
      partitions: [
        { partitionIndex: 0, errorCode: 0 },
        // OFFSET_METADATA_TOO_LARGE
        { partitionIndex: 3, errorCode: 12 },
      ],
    },
    { name: 'pâyments', partitions: [{ partitionIndex: 1, errorCode: 0 }] },
  ],
});

const createTopicsResponse = (): CreateTopicsResponse => ({
  ...defaultCreateTopicsResponse(),
  throttleTimeMs: 9,
  topics: [
    { ...defaultCreatableTopicResult(), name: 'new-orders', errorCode: 0, errorMessage: null },
    // TOPIC_ALREADY_EXISTS
    { ...defaultCreatableTopicResult(), name: 'exïsting', errorCode: 36, errorMessage: "Topic 'exïsting' already exists." },
  ],
});

const apiVersionsResponse = (): ApiVersionsResponse => ({
  ...defaultApiVersionsResponse(),
  errorCode: 0,
  apiKeys: [
    { apiKey: 0, minVersion: 0, maxVersion: 11 },
    { apiKey: 1, minVersion: 4, maxVersion: 17 },
    { apiKey: 18, minVersion: 0, maxVersion: 4 },
  ],
  throttleTimeMs: 17,
});

const responses: { api: string; versions: number[]; value: (version: number) => unknown }[] = [
  { api: 'Metadata', versions: range(0, 5), value: metadataResponse },
  { api: 'Produce', versions: range(0, 7), value: produceResponse },
  { api: 'Fetch', versions: range(0, 11), value: fetchResponse },
  { api: 'ListOffsets', versions: range(0, 5), value: listOffsetsResponse },
  { api: 'JoinGroup', versions: range(0, 2), value: joinGroupResponse },
  { api: 'SyncGroup', versions: range(0, 1), value: syncGroupResponse },
  { api: 'OffsetCommit', versions: range(0, 3), value: offsetCommitResponse },
  { api: 'CreateTopics', versions: range(0, 3), value: createTopicsResponse },
  { api: 'ApiVersions', versions: range(0, 2), value: apiVersionsResponse },
];

// ----------------------------------------------------------------------------------------------
// Walking tk's schema for a version.

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`${path}: expected an object, got ${JSON.stringify(value)}`);
  return value;
}

function structOf(m: LoadedMessage, name: string): SchemaField[] {
  const struct = m.schema.structs.find((s) => s.name === name);
  if (!struct) throw new Error(`${m.schema.name} has no struct ${name}`);
  return struct.fields;
}

/** Tagged fields are left out: kafka-python has no flexible versions, and none of these carries one. */
function onTheWire(f: SchemaField, version: number): boolean {
  return inRange(f.versions, version) && f.tag === null;
}

function mapElements(value: unknown, each: (e: unknown, i: number) => unknown): unknown {
  if (value === null) return null;
  if (!Array.isArray(value)) throw new Error(`expected an array, got ${JSON.stringify(value)}`);
  return value.map(each);
}

/** The value as the version carries it: every field the version lacks goes back to its default. */
function projectToVersion(m: LoadedMessage, structName: string, value: unknown, version: number): Record<string, unknown> {
  const source = asRecord(value, structName);
  const factory = m.module[`default${structName}`] as () => Record<string, unknown>;
  const projected = factory();
  for (const f of structOf(m, structName)) {
    if (!onTheWire(f, version)) continue;
    const v = source[f.name];
    const one = (e: unknown): unknown => (f.struct ? projectToVersion(m, f.type, e, version) : e);
    projected[f.name] = f.array ? mapElements(v, one) : one(v);
  }
  return projected;
}

/** What a version puts on the wire, as JSON: int64s as decimal strings, bytes as hex, like the decoder script prints. */
function wireJson(m: LoadedMessage, structName: string, value: unknown, version: number): Record<string, unknown> {
  const source = asRecord(value, structName);
  const out: Record<string, unknown> = {};
  for (const f of structOf(m, structName)) {
    if (!onTheWire(f, version)) continue;
    const one = (e: unknown): unknown => {
      if (e === null) return null;
      if (f.struct) return wireJson(m, f.type, e, version);
      if (typeof e === 'bigint') return e.toString();
      if (Buffer.isBuffer(e)) return e.toString('hex');
      return e;
    };
    out[f.name] = f.array ? mapElements(source[f.name], one) : one(source[f.name]);
  }
  return out;
}

/**
 * Puts tk's field names on kafka-python's decoded struct: both list a version's fields in wire order,
 * so the n-th field of one is the n-th of the other. A different count is itself a disagreement.
 */
function renameFromKafkaPython(m: LoadedMessage, structName: string, decoded: unknown, version: number, path: string): Record<string, unknown> {
  const theirs = Object.entries(asRecord(decoded, path));
  const ours = structOf(m, structName).filter((f) => onTheWire(f, version));
  if (theirs.length !== ours.length) {
    throw new Error(
      `${path}: kafka-python reads ${theirs.length} fields (${theirs.map(([k]) => k).join(', ')}) ` +
        `where tk's ${structName} v${version} has ${ours.length} (${ours.map((f) => f.name).join(', ')})`,
    );
  }
  const out: Record<string, unknown> = {};
  ours.forEach((f, i) => {
    const [theirName, v] = theirs[i];
    const at = `${path}.${theirName}`;
    const one = (e: unknown, j?: number): unknown =>
      f.struct && e !== null ? renameFromKafkaPython(m, f.type, e, version, j === undefined ? at : `${at}[${j}]`) : e;
    out[f.name] = f.array ? mapElements(v, one) : one(v);
  });
  return out;
}

// ----------------------------------------------------------------------------------------------

interface DecodedCase {
  file: string;
  class?: string;
  decoded?: unknown;
  trailingBytes?: number;
  error?: string;
}

interface EncodedCase {
  file: string;
  api: string;
  version: number;
  message: LoadedMessage;
  projected: Record<string, unknown>;
}

const unavailable = kafkaPythonUnavailable();

describe.skipIf(unavailable !== null)(
  `responses encoded by tk decode with kafka-python's response classes${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    const encoded: EncodedCase[] = [];
    const decoded = new Map<string, DecodedCase>();
    let dir = '';

    beforeAll(async () => {
      const messages = new Map((await loadGeneratedMessages()).map((m) => [m.schema.name, m]));
      dir = mkdtempSync(join(tmpdir(), 'tk-kafka-python-'));
      for (const { api, versions, value } of responses) {
        const message = messages.get(`${api}Response`);
        if (!message) throw new Error(`no generated codec for ${api}Response`);
        for (const version of versions) {
          const projected = projectToVersion(message, message.schema.name, value(version), version);
          const w = new Writer();
          message.codec.encode(w, projected, version);
          const file = `${api}-v${version}.bin`;
          writeFileSync(join(dir, file), w.finish());
          encoded.push({ file, api, version, message, projected });
        }
      }
      writeFileSync(join(dir, 'cases.json'), JSON.stringify(encoded.map(({ file, api, version }) => ({ file, api, version }))));
      const out = execFileSync(PYTHON, [decoderScript, dir], { encoding: 'utf8', maxBuffer: 16 << 20 });
      for (const result of JSON.parse(out) as DecodedCase[]) decoded.set(result.file, result);
    });

    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    for (const { api, versions } of responses) {
      for (const version of versions) {
        it(`${api}Response v${version}: kafka-python reads every byte and the same values tk wrote`, () => {
          const file = `${api}-v${version}.bin`;
          const ours = encoded.find((e) => e.file === file);
          const theirs = decoded.get(file);
          if (!ours || !theirs) throw new Error(`${file} was not encoded and decoded`);
          expect(theirs.error, `kafka-python failed on ${file}`).toBeUndefined();
          expect(theirs.trailingBytes, `${theirs.class} left bytes unread`).toBe(0);
          const mapped = renameFromKafkaPython(ours.message, ours.message.schema.name, theirs.decoded, version, theirs.class ?? file);
          expect(mapped).toEqual(wireJson(ours.message, ours.message.schema.name, ours.projected, version));
        });
      }
    }
  },
);
