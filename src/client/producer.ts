// The producer: records are partitioned as Kafka's default partitioner does, collected into one
// open batch per partition (closed at `batchSize` bytes or after `lingerMs`), and drained to
// each partition's leader in pipelined Produce requests, at most `maxInFlight` per broker.
//
// The hot path (`produce`) allocates no promise: completion is tracked per batch, and a
// record's callback (when it has one) is called with its offset, baseOffset + its index.
// `send` is the promise-per-record convenience on top of it.
//
// Not done here: idempotence and transactions (no producer id, no sequences). As with Kafka's
// non-idempotent producer and max.in.flight > 1, a retried batch can land after a later batch
// of the same partition that did not fail; set maxInFlight to 1 where that matters.
import { compressionTypeByName, CompressionType, type CompressionName } from '../protocol/compression.js';
import { ErrorCode, KafkaProtocolError, errorInfo } from '../protocol/errors.js';
import { ProduceRequest } from '../protocol/generated/clients/produce-request.js';
import { ProduceResponse } from '../protocol/generated/clients/produce-response.js';
import { RecordBatchBuilder, type RecordInput } from '../protocol/records.js';
import { Cluster, REFRESH_METADATA_ERRORS, requireVersion, type ClusterOptions } from './cluster.js';
import { api, ConnectionError, type BrokerConnection } from './connection.js';

const PRODUCE = api(ProduceRequest, ProduceResponse);

export interface ProducerRecord {
  topic: string;
  /** Chosen by the partitioner when absent. */
  partition?: number;
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: readonly { key: string; value: Buffer | string | null }[];
  /** Milliseconds since the epoch; defaults to the time the record's batch was opened. */
  timestamp?: bigint | number;
}

export interface RecordMetadata {
  topic: string;
  partition: number;
  /** -1 with acks=0: the broker says nothing. */
  offset: bigint;
  timestamp: bigint;
}

/**
 * The sizes of a record that failed (-1 for a null key or value), so one callback shared by many
 * records can say which, as Kafka's ErrorLoggingCallback does. Records are encoded as they are
 * produced, so their bytes are not kept.
 */
export interface FailedRecord {
  keySize: number;
  valueSize: number;
}

export type DeliveryCallback = (error: Error | null, metadata: RecordMetadata | null, failed?: FailedRecord) => void;

export interface ProducerOptions extends ClusterOptions {
  /** 0: fire and forget, 1: the leader has it, -1 (all): every in-sync replica has it. */
  acks?: 0 | 1 | -1;
  /** Bytes of records per partition batch (Kafka's batch.size). */
  batchSize?: number;
  /** How long a batch that is not full waits for more records (Kafka's linger.ms). */
  lingerMs?: number;
  compression?: CompressionType | CompressionName;
  /** Produce requests in flight per broker (max.in.flight.requests.per.connection). */
  maxInFlight?: number;
  /** Upper bound on one Produce request (max.request.size). */
  maxRequestSize?: number;
  /** How long a record may take, retries included (delivery.timeout.ms). */
  deliveryTimeoutMs?: number;
  /** Bytes buffered before `produce` returns false (buffer.memory). */
  bufferMemory?: number;
  /** Create topics that do not exist, where the broker allows it (as the Java producer asks). */
  allowAutoTopicCreation?: boolean;
  /** Replaces the default partitioner for keyed records. */
  partitioner?: (key: Buffer, numPartitions: number) => number;
}

// ---- Kafka's default partitioner ----

/** Kafka's `Utils.murmur2`, a 32-bit signed result exactly as the Java client computes it. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) | (data[i4 + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  // Java's switch falls through from 3 to 1: each remaining byte is folded in, then one multiply.
  const tail = length & ~3;
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) h ^= data[tail + 2] << 16;
    if (rest >= 2) h ^= data[tail + 1] << 8;
    h ^= data[tail];
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Kafka's producer picks for a keyed record: toPositive(murmur2(key)) % numPartitions. */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  return (murmur2(key) & 0x7fffffff) % numPartitions;
}

// ---- batches ----

/** Per-record overhead in a v2 batch, roughly: length, attributes, deltas, key and value lengths, header count. */
const RECORD_OVERHEAD = 16;
const RECORD_BATCH_OVERHEAD = 61;
/** Kafka's DefaultRecord.MAX_RECORD_OVERHEAD: a record's worst-case framing around key, value and headers. */
const MAX_RECORD_OVERHEAD = 21;

const varintSize = (n: number): number => {
  let zigzag = (n << 1) ^ (n >> 31);
  let bytes = 1;
  while ((zigzag & ~0x7f) !== 0) {
    bytes++;
    zigzag >>>= 7;
  }
  return bytes;
};
const lengthPrefixed = (length: number): number => (length < 0 ? 1 : varintSize(length) + length);

/** DefaultRecordBatch.estimateBatchSizeUpperBound: batch header, the record's worst-case overhead, key, value, headers. */
export function batchSizeUpperBound(keyLength: number, valueLength: number, headers: readonly { key: string; value: Buffer | string | null }[]): number {
  let size = RECORD_BATCH_OVERHEAD + MAX_RECORD_OVERHEAD + lengthPrefixed(keyLength) + lengthPrefixed(valueLength) + varintSize(headers.length);
  for (const h of headers) {
    size += lengthPrefixed(Buffer.byteLength(h.key));
    size += lengthPrefixed(h.value === null ? -1 : typeof h.value === 'string' ? Buffer.byteLength(h.value) : h.value.length);
  }
  return size;
}
/** Key and value bytes this far below a limit cannot reach it with any record overhead. */
const RECORD_SIZE_SLACK = 128;

interface Batch {
  topic: string;
  partition: number;
  /** Creation order, so a retried batch goes back in front of the ones created after it. */
  seq: number;
  /** The records, encoded as they came; null once the batch is built. */
  builder: RecordBatchBuilder | null;
  /** Key and value size of each record, in pairs, for failure reports. */
  sizes: number[];
  /** Each record's own timestamp, where it gave one (for its metadata); null when none did. */
  timestamps: (bigint | undefined)[] | null;
  /** Only allocated when some record has a callback. */
  callbacks: (DeliveryCallback | undefined)[] | null;
  bytes: number;
  baseTimestamp: bigint;
  createdAt: number;
  attempts: number;
  encoded: Buffer | null;
}

interface PartitionQueue {
  topic: string;
  partition: number;
  open: Batch | null;
  ready: Batch[];
}

interface TopicState {
  name: string;
  partitions: PartitionQueue[];
  /** Next partition for records without key or partition (KIP-794: stick to one until its batch fills). */
  sticky: number;
  /** Records produced before the topic's metadata arrived, in order; null once it has. */
  waiting: { record: ProducerRecord; callback: DeliveryCallback | undefined }[] | null;
}

const toBuffer = (v: Buffer | string | null | undefined): Buffer | null => (v === null || v === undefined ? null : typeof v === 'string' ? Buffer.from(v) : v);
const sizeOf = (v: Buffer | string | null | undefined): number => (v === null || v === undefined ? -1 : typeof v === 'string' ? Buffer.byteLength(v) : v.length);
const failedRecord = (record: ProducerRecord): FailedRecord => ({ keySize: sizeOf(record.key), valueSize: sizeOf(record.value) });

/** The failed-record sizes of every record in a batch. */
function failedRecords(batch: Batch): FailedRecord[] {
  const failed: FailedRecord[] = [];
  for (let i = 0; i < batch.sizes.length; i += 2) failed.push({ keySize: batch.sizes[i]!, valueSize: batch.sizes[i + 1]! });
  return failed;
}

export class Producer {
  private readonly topics = new Map<string, TopicState>();
  private readonly withReady = new Set<PartitionQueue>();
  private readonly inFlight = new Map<number, number>();
  private readonly options: Required<Omit<ProducerOptions, keyof ClusterOptions | 'partitioner' | 'compression'>> & { compression: CompressionType };
  private readonly partitioner: (key: Buffer, numPartitions: number) => number;
  private nextSeq = 0;
  private lingerTimer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private hasOpen = false;
  /** Batches (and waiting records, one each) not yet completed. */
  private outstanding = 0;
  private bufferedBytes = 0;
  private idleWaiters: (() => void)[] = [];
  private writableWaiters: (() => void)[] = [];
  private unreportedError: Error | null = null;
  private refreshing: Promise<void> | null = null;
  private closed = false;

  constructor(
    readonly cluster: Cluster,
    options: ProducerOptions = {},
    private readonly ownsCluster = false,
  ) {
    const compression = typeof options.compression === 'string' ? compressionTypeByName(options.compression) : (options.compression ?? CompressionType.None);
    if (compression === undefined) throw new Error(`unknown compression codec ${String(options.compression)}`);
    this.options = {
      acks: options.acks ?? -1,
      batchSize: options.batchSize ?? 16_384,
      lingerMs: options.lingerMs ?? 5,
      compression,
      maxInFlight: options.maxInFlight ?? 5,
      maxRequestSize: options.maxRequestSize ?? 1_048_576,
      deliveryTimeoutMs: options.deliveryTimeoutMs ?? 120_000,
      bufferMemory: options.bufferMemory ?? 32 * 1024 * 1024,
      allowAutoTopicCreation: options.allowAutoTopicCreation ?? true,
    };
    this.partitioner = options.partitioner ?? partitionForKey;
  }

  static async connect(bootstrap: string | readonly string[], options: ProducerOptions = {}): Promise<Producer> {
    return new Producer(await Cluster.connect(bootstrap, options), options, true);
  }

  /**
   * Queues a record. Returns false when `bufferMemory` is exceeded: wait for `whenWritable()`
   * before producing more. A failure goes to the callback, or, without one, to the next `flush()`.
   */
  produce(record: ProducerRecord, callback?: DeliveryCallback): boolean {
    if (this.closed) throw new Error('the producer is closed');
    const tooLarge = this.checkRecordSize(record);
    if (tooLarge !== null) {
      this.report(callback, tooLarge, [failedRecord(record)]);
      return this.bufferedBytes < this.options.bufferMemory;
    }
    let topic = this.topics.get(record.topic);
    if (!topic) {
      topic = { name: record.topic, partitions: [], sticky: -1, waiting: [] };
      this.topics.set(record.topic, topic);
      void this.loadTopic(topic);
    }
    if (topic.waiting !== null) {
      topic.waiting.push({ record, callback });
      this.outstanding++;
    } else {
      this.place(topic, record, callback);
    }
    return this.bufferedBytes < this.options.bufferMemory;
  }

  /** One promise per record: simple, and fine away from the hot path. */
  send(record: ProducerRecord): Promise<RecordMetadata> {
    return new Promise((resolve, reject) => {
      this.produce(record, (err, metadata) => (err ? reject(err) : resolve(metadata!)));
    });
  }

  /** Resolves once buffered bytes are under `bufferMemory` again. */
  whenWritable(): Promise<void> {
    if (this.bufferedBytes < this.options.bufferMemory) return Promise.resolve();
    return new Promise((resolve) => this.writableWaiters.push(resolve));
  }

  /**
   * Sends every queued record now and waits for all of them. Rejects with the first failure
   * of a record produced without a callback since the last flush.
   */
  async flush(): Promise<void> {
    this.closeOpenBatches();
    this.drain();
    if (this.outstanding > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    const err = this.unreportedError;
    this.unreportedError = null;
    if (err) throw err;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      if (this.lingerTimer) clearTimeout(this.lingerTimer as NodeJS.Timeout);
      if (this.ownsCluster) this.cluster.close();
    }
  }

  /**
   * KafkaProducer.ensureValidRecordSize: a record whose batch could exceed max.request.size or
   * buffer.memory fails at once, before it is queued. Sizes are Kafka's upper bound for a batch
   * of one record; the exact sum is only computed when the raw lengths come near a limit.
   */
  private checkRecordSize(record: ProducerRecord): KafkaProtocolError | null {
    const limit = Math.min(this.options.maxRequestSize, this.options.bufferMemory);
    const keyLength = record.key === null || record.key === undefined ? -1 : typeof record.key === 'string' ? Buffer.byteLength(record.key) : record.key.length;
    const valueLength = record.value === null ? -1 : typeof record.value === 'string' ? Buffer.byteLength(record.value) : record.value.length;
    if (keyLength + valueLength + RECORD_SIZE_SLACK < limit && (record.headers === undefined || record.headers.length === 0)) return null;
    const size = batchSizeUpperBound(keyLength, valueLength, record.headers ?? []);
    if (size > this.options.maxRequestSize) {
      return new KafkaProtocolError(
        ErrorCode.MESSAGE_TOO_LARGE,
        `The message is ${size} bytes when serialized which is larger than ${this.options.maxRequestSize}, which is the value of the max.request.size configuration.`,
      );
    }
    if (size > this.options.bufferMemory) {
      return new KafkaProtocolError(
        ErrorCode.MESSAGE_TOO_LARGE,
        `The message is ${size} bytes when serialized which is larger than the total memory buffer you have configured with the buffer.memory configuration.`,
      );
    }
    return null;
  }

  // ---- accumulating ----

  private async loadTopic(topic: TopicState): Promise<void> {
    try {
      const info = await this.cluster.retrying(() => this.cluster.topic(topic.name, this.options.allowAutoTopicCreation), [topic.name]);
      const waiting = topic.waiting ?? [];
      topic.waiting = null;
      topic.partitions = info.partitions.map((_, partition) => ({ topic: topic.name, partition, open: null, ready: [] }));
      this.outstanding -= waiting.length;
      for (const w of waiting) this.place(topic, w.record, w.callback);
      // A flush() that began while these records waited for metadata should not wait out the linger too.
      if (this.idleWaiters.length > 0) {
        this.closeOpenBatches();
        this.drain();
      }
    } catch (err) {
      const waiting = topic.waiting ?? [];
      // Forget the topic so a later record asks again (it may have been created since).
      this.topics.delete(topic.name);
      for (const w of waiting) this.report(w.callback, err as Error, [failedRecord(w.record)]);
      this.outstanding -= waiting.length;
      this.checkIdle();
    }
  }

  private place(topic: TopicState, record: ProducerRecord, callback: DeliveryCallback | undefined): void {
    const info = this.cluster.metadata.topics.get(topic.name);
    const numPartitions = info?.partitions.length ?? topic.partitions.length;
    while (topic.partitions.length < numPartitions) topic.partitions.push({ topic: topic.name, partition: topic.partitions.length, open: null, ready: [] });
    const key = toBuffer(record.key);
    let partition: number;
    let sticky = false;
    if (record.partition !== undefined) partition = record.partition;
    else if (key !== null) partition = this.partitioner(key, numPartitions);
    else {
      if (topic.sticky < 0 || topic.sticky >= numPartitions) topic.sticky = Math.floor(Math.random() * numPartitions);
      partition = topic.sticky;
      sticky = true;
    }
    if (!Number.isInteger(partition) || partition < 0 || partition >= numPartitions) {
      this.report(callback, new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${topic.name} has no partition ${partition}`), [failedRecord(record)]);
      return;
    }
    const value = toBuffer(record.value);
    let bytes = RECORD_OVERHEAD + (key?.length ?? 0) + (value?.length ?? 0);
    let headers: { key: string; value: Buffer | null }[] | undefined;
    if (record.headers && record.headers.length > 0) {
      headers = record.headers.map((h) => ({ key: h.key, value: toBuffer(h.value) }));
      for (const h of headers) bytes += 2 + Buffer.byteLength(h.key) + (h.value?.length ?? 0);
    }
    let queue = topic.partitions[partition];
    if (queue.open !== null && queue.open.bytes + bytes > this.options.batchSize) {
      this.closeBatch(queue);
      // KIP-794: the sticky partition moves on once its batch is full.
      if (sticky) queue = topic.partitions[(topic.sticky = (topic.sticky + 1) % numPartitions)];
    }
    this.placeInto(queue, key, value, headers, record.timestamp, bytes, callback);
    if (sticky && queue.open === null) topic.sticky = (topic.sticky + 1) % numPartitions;
  }

  private placeInto(
    queue: PartitionQueue,
    key: Buffer | null,
    value: Buffer | null,
    headers: RecordInput['headers'],
    timestamp: bigint | number | undefined,
    bytes: number,
    callback: DeliveryCallback | undefined,
  ): void {
    let batch = queue.open;
    if (batch === null) {
      const now = Date.now();
      batch = {
        topic: queue.topic,
        partition: queue.partition,
        seq: this.nextSeq++,
        builder: new RecordBatchBuilder(BigInt(now), Math.min(this.options.batchSize, 1 << 20)),
        sizes: [],
        timestamps: null,
        callbacks: null,
        bytes: RECORD_BATCH_OVERHEAD,
        baseTimestamp: BigInt(now),
        createdAt: now,
        attempts: 0,
        encoded: null,
      };
      queue.open = batch;
      this.outstanding++;
      this.hasOpen = true;
      this.scheduleLinger();
    }
    const builder = batch.builder!;
    const index = builder.recordCount;
    const time = timestamp === undefined ? undefined : BigInt(timestamp);
    builder.append(key, value, headers, time);
    if (time !== undefined) (batch.timestamps ??= [])[index] = time;
    if (callback) (batch.callbacks ??= [])[index] = callback;
    batch.sizes.push(key === null ? -1 : key.length, value === null ? -1 : value.length);
    batch.bytes += bytes;
    this.bufferedBytes += bytes;
    if (batch.bytes >= this.options.batchSize) this.closeBatch(queue);
  }

  private closeBatch(queue: PartitionQueue): void {
    if (queue.open === null) return;
    queue.ready.push(queue.open);
    queue.open = null;
    this.withReady.add(queue);
    this.drain();
  }

  private scheduleLinger(): void {
    if (this.lingerTimer) return;
    const fire = (): void => {
      this.lingerTimer = null;
      this.closeOpenBatches();
      this.drain();
    };
    // linger 0 still gathers the records produced in the same turn of the event loop.
    this.lingerTimer = this.options.lingerMs > 0 ? setTimeout(fire, this.options.lingerMs) : setImmediate(fire);
  }

  private closeOpenBatches(): void {
    if (!this.hasOpen) return;
    this.hasOpen = false;
    for (const topic of this.topics.values()) {
      for (const queue of topic.partitions) this.closeBatch(queue);
    }
  }

  // ---- sending ----

  /** Fills Produce requests, one batch per partition each, for every broker with room in flight. */
  private drain(): void {
    if (this.withReady.size === 0) return;
    const requests = new Map<number, { batches: Batch[]; bytes: number }>();
    let needMetadata = false;
    for (const queue of this.withReady) {
      const p = this.cluster.metadata.topics.get(queue.topic)?.partitions[queue.partition];
      const leaderId = p?.leaderId ?? -1;
      if (leaderId < 0 || !this.cluster.metadata.brokers.has(leaderId)) {
        needMetadata = true;
        this.expireWithoutLeader(queue);
        continue;
      }
      let request = requests.get(leaderId);
      if (!request) {
        if ((this.inFlight.get(leaderId) ?? 0) >= this.options.maxInFlight) continue;
        request = { batches: [], bytes: 0 };
        requests.set(leaderId, request);
      }
      const batch = queue.ready[0];
      if (request.bytes > 0 && request.bytes + batch.bytes > this.options.maxRequestSize) continue;
      queue.ready.shift();
      if (queue.ready.length === 0) this.withReady.delete(queue);
      request.batches.push(batch);
      request.bytes += batch.bytes;
    }
    for (const [leaderId, request] of requests) {
      this.inFlight.set(leaderId, (this.inFlight.get(leaderId) ?? 0) + 1);
      void this.sendRequest(leaderId, request.batches);
    }
    if (needMetadata) this.refreshSoon();
    // A broker that had room may have more batches for it than one request took.
    if (requests.size > 0 && this.withReady.size > 0) queueMicrotask(() => this.drain());
  }

  /** Batches that waited for a leader past delivery.timeout.ms fail, as Kafka expires them. */
  private expireWithoutLeader(queue: PartitionQueue): void {
    const now = Date.now();
    while (queue.ready.length > 0 && now - queue.ready[0].createdAt >= this.options.deliveryTimeoutMs) {
      const batch = queue.ready.shift()!;
      this.finish(batch);
      this.report(batch.callbacks, new KafkaProtocolError(ErrorCode.REQUEST_TIMED_OUT, `${batch.topic}-${batch.partition} had no leader within delivery.timeout.ms`), failedRecords(batch));
    }
    if (queue.ready.length === 0) this.withReady.delete(queue);
  }

  private refreshSoon(): void {
    if (this.refreshing) return;
    const topics = [...this.topics.keys()];
    this.refreshing = (async () => {
      await new Promise((resolve) => setTimeout(resolve, this.cluster.backoff(0)));
      await this.cluster.refreshMetadata(topics).catch(() => {});
    })().finally(() => {
      this.refreshing = null;
      this.drain();
    });
  }

  private async sendRequest(leaderId: number, batches: Batch[]): Promise<void> {
    const acks = this.options.acks;
    let connection: BrokerConnection;
    let response: ProduceResponse | null = null;
    try {
      connection = await this.cluster.connectionTo(leaderId);
      // v3 is the first with record batch v2, the only format tk writes.
      const version = requireVersion(connection, ProduceRequest, 3);
      const topics = new Map<string, { index: number; records: Buffer }[]>();
      for (const batch of batches) {
        if (batch.encoded === null) {
          batch.encoded = batch.builder!.build(this.options.compression);
          batch.builder = null;
        }
        const list = topics.get(batch.topic);
        const entry = { index: batch.partition, records: batch.encoded };
        if (list) list.push(entry);
        else topics.set(batch.topic, [entry]);
      }
      const request: ProduceRequest = {
        transactionalId: null,
        acks,
        timeoutMs: this.cluster.options.requestTimeoutMs,
        topicData: [...topics].map(([name, partitionData]) => ({ name, partitionData })),
      };
      if (acks === 0) await connection.sendWithoutResponse(PRODUCE, version, request);
      else response = await connection.send(PRODUCE, version, request);
    } catch (err) {
      this.inFlight.set(leaderId, (this.inFlight.get(leaderId) ?? 1) - 1);
      const retriable = err instanceof ConnectionError || (err instanceof KafkaProtocolError && err.retriable);
      for (const batch of batches) this.retryOrFail(batch, err as Error, retriable);
      if (retriable) this.refreshSoon();
      this.drain();
      return;
    }
    this.inFlight.set(leaderId, (this.inFlight.get(leaderId) ?? 1) - 1);
    if (response === null) {
      for (const batch of batches) this.complete(batch, -1n, -1n);
    } else {
      const results = new Map<string, ProduceResponse['responses'][number]['partitionResponses'][number]>();
      for (const t of response.responses) for (const p of t.partitionResponses) results.set(`${t.name}\0${p.index}`, p);
      let refresh = false;
      for (const batch of batches) {
        const p = results.get(`${batch.topic}\0${batch.partition}`);
        if (!p) {
          this.retryOrFail(batch, new KafkaProtocolError(ErrorCode.UNKNOWN_SERVER_ERROR, `no answer for ${batch.topic}-${batch.partition}`), false);
        } else if (p.errorCode === ErrorCode.NONE) {
          this.complete(batch, p.baseOffset, p.logAppendTimeMs);
        } else {
          const retriable = REFRESH_METADATA_ERRORS.has(p.errorCode) || errorInfo(p.errorCode).retriable;
          refresh ||= REFRESH_METADATA_ERRORS.has(p.errorCode);
          const detail = p.errorMessage ?? p.recordErrors.find((e) => e.batchIndexErrorMessage)?.batchIndexErrorMessage ?? `${batch.topic}-${batch.partition}`;
          this.retryOrFail(batch, new KafkaProtocolError(p.errorCode, detail), retriable);
        }
      }
      if (refresh) this.refreshSoon();
    }
    this.drain();
  }

  private retryOrFail(batch: Batch, err: Error, retriable: boolean): void {
    batch.attempts++;
    const expired = Date.now() - batch.createdAt >= this.options.deliveryTimeoutMs;
    if (!retriable || expired || batch.attempts > this.cluster.options.retries || this.closed) {
      this.finish(batch);
      this.report(batch.callbacks, err, failedRecords(batch));
      return;
    }
    setTimeout(() => {
      const topic = this.topics.get(batch.topic);
      const queue = topic?.partitions[batch.partition];
      if (!topic || !queue) {
        this.finish(batch);
        this.report(batch.callbacks, err, failedRecords(batch));
        return;
      }
      // Back in creation order, ahead of batches made after it.
      let at = 0;
      while (at < queue.ready.length && queue.ready[at].seq < batch.seq) at++;
      queue.ready.splice(at, 0, batch);
      this.withReady.add(queue);
      this.drain();
    }, this.cluster.backoff(batch.attempts - 1));
  }

  private complete(batch: Batch, baseOffset: bigint, logAppendTime: bigint): void {
    this.finish(batch);
    const callbacks = batch.callbacks;
    if (!callbacks) return;
    for (let i = 0; i < callbacks.length; i++) {
      const cb = callbacks[i];
      if (!cb) continue;
      const timestamp = logAppendTime >= 0n ? logAppendTime : (batch.timestamps?.[i] ?? batch.baseTimestamp);
      cb(null, { topic: batch.topic, partition: batch.partition, offset: baseOffset < 0n ? -1n : baseOffset + BigInt(i), timestamp });
    }
  }

  private finish(batch: Batch): void {
    this.outstanding--;
    this.bufferedBytes -= batch.bytes - RECORD_BATCH_OVERHEAD;
    if (this.bufferedBytes < this.options.bufferMemory && this.writableWaiters.length > 0) {
      const waiters = this.writableWaiters;
      this.writableWaiters = [];
      for (const w of waiters) w();
    }
    this.checkIdle();
  }

  /** Failure of these records: to their callbacks, or kept for flush() when they have none. */
  private report(callbacks: DeliveryCallback | (DeliveryCallback | undefined)[] | null | undefined, err: Error, records: readonly FailedRecord[]): void {
    if (typeof callbacks === 'function') return callbacks(err, null, records[0]);
    let unreported = callbacks ? 0 : records.length;
    if (callbacks) {
      for (let i = 0; i < records.length; i++) {
        const cb = callbacks[i];
        if (cb) cb(err, null, records[i]);
        else unreported++;
      }
    }
    if (unreported > 0) this.unreportedError ??= err;
  }

  private checkIdle(): void {
    if (this.outstanding > 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
