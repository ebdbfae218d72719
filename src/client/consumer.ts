// A consumer of assigned partitions, without a group: start offsets resolved with ListOffsets,
// one Fetch in flight per leader. A response's record sets are kept raw (only batch headers are
// read, to move the fetch offset and start the next fetch at once) and decoded as poll() and the
// async iterator drain them, as the Java client's CompletedFetch does: records are short-lived
// objects, so a fast stream costs little garbage collection. Group membership (subscribe,
// commits) builds on this in group-member.ts, through incrementalAssign and unassign.
import { ErrorCode, KafkaProtocolError, errorInfo } from '../protocol/errors.js';
import { FetchRequest } from '../protocol/generated/clients/fetch-request.js';
import { FetchResponse, type PartitionData } from '../protocol/generated/clients/fetch-response.js';
import { legacyRecords } from '../protocol/legacy-records.js';
import { ZERO_UUID } from '../protocol/primitives.js';
import {
  ControlRecordType,
  TimestampType,
  decodeControlRecordKey,
  iterateBatches,
  lastOffset,
  records as batchRecords,
  type RecordHeader,
  type RecordSetEntry,
} from '../protocol/records.js';
import { CompressionType } from '../protocol/compression.js';
import { Admin } from './admin.js';
import { Cluster, REFRESH_METADATA_ERRORS, requireVersion, type ClusterOptions } from './cluster.js';
import { api, ConnectionError } from './connection.js';
import { plainRecords, readPlainValues, valuesRead, type ValueSink } from './plain-batch.js';

export type { ValueSink } from './plain-batch.js';

const FETCH = api(FetchRequest, FetchResponse);

export type StartOffset = bigint | 'earliest' | 'latest' | { timestamp: bigint | number };

export interface Assignment {
  topic: string;
  partition: number;
  offset: StartOffset;
}

export interface ConsumerRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  timestampType: TimestampType;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  /** The leader epoch stamped on the record's batch; null for legacy messages. */
  leaderEpoch: number | null;
}

export type IsolationLevel = 'read_uncommitted' | 'read_committed';

export interface ConsumerOptions extends ClusterOptions {
  /** fetch.min.bytes */
  minBytes?: number;
  /** fetch.max.wait.ms */
  maxWaitMs?: number;
  /** fetch.max.bytes */
  maxBytes?: number;
  /** max.partition.fetch.bytes */
  maxPartitionBytes?: number;
  isolationLevel?: IsolationLevel;
  /** Where to go when the position is out of range; 'none' makes poll() throw (auto.offset.reset). */
  autoOffsetReset?: 'earliest' | 'latest' | 'none';
  /** Fetching pauses while this many records wait to be polled. */
  maxBufferedRecords?: number;
}

interface PartitionState {
  topic: string;
  partition: number;
  /** The next offset to fetch. */
  fetchOffset: bigint;
  /** The next offset poll() hands out; fetchOffset minus what sits in the buffer. */
  position: bigint;
  /** Bumped on assign/seek so a fetch answered for an old position is dropped. */
  generation: number;
  highWatermark: bigint;
}

const key = (topic: string, partition: number): string => `${topic}\0${partition}`;

type QueuedBatch = { bytes: Buffer; entry: Exclude<RecordSetEntry, { kind: 'truncated' }> };

/** One partition's record set from one Fetch response, waiting to be decoded by poll(). */
interface CompletedFetch {
  state: PartitionState;
  /** The partition's generation when fetched: a seek since makes these records stale. */
  generation: number;
  data: PartitionData;
  batches: QueuedBatch[];
  /** The batches before this one were handed out whole by pollValues(). */
  nextBatch: number;
  /** Records of batch `nextBatch` that pollValues() handed out before reaching its maxRecords. */
  takenFromBatch: number;
  /** Records below this offset are not handed out: the set began mid-batch, or pollValues() took them. */
  from: bigint;
  /** The records left, decoded as poll() asks for them; created when it first does. */
  records: Generator<ConsumerRecord, void, undefined> | null;
  /** At most this many records are left (batch record counts; aborted and control records included). */
  remaining: number;
}

export class Consumer implements AsyncIterable<ConsumerRecord> {
  private readonly partitions = new Map<string, PartitionState>();
  private readonly fetching = new Set<number>();
  private completed: CompletedFetch[] = [];
  private bufferedRecords = 0;
  private waiters: (() => void)[] = [];
  private failure: Error | null = null;
  private closed = false;
  private refreshing = false;
  private readonly options: Required<Omit<ConsumerOptions, keyof ClusterOptions>>;
  private readonly admin: Admin;

  constructor(
    readonly cluster: Cluster,
    options: ConsumerOptions = {},
    private readonly ownsCluster = false,
  ) {
    this.options = {
      minBytes: options.minBytes ?? 1,
      maxWaitMs: options.maxWaitMs ?? 500,
      maxBytes: options.maxBytes ?? 52_428_800,
      maxPartitionBytes: options.maxPartitionBytes ?? 1_048_576,
      isolationLevel: options.isolationLevel ?? 'read_uncommitted',
      autoOffsetReset: options.autoOffsetReset ?? 'latest',
      maxBufferedRecords: options.maxBufferedRecords ?? 100_000,
    };
    this.admin = new Admin(cluster);
  }

  static async connect(bootstrap: string | readonly string[], options: ConsumerOptions = {}): Promise<Consumer> {
    return new Consumer(await Cluster.connect(bootstrap, options), options, true);
  }

  /** Replaces the assignment; each partition starts at the offset given. */
  async assign(assignments: readonly Assignment[]): Promise<void> {
    this.partitions.clear();
    this.completed = [];
    this.bufferedRecords = 0;
    const resolved = await this.resolveOffsets(assignments);
    for (const a of assignments) {
      const offset = resolved.get(key(a.topic, a.partition))!;
      this.partitions.set(key(a.topic, a.partition), { topic: a.topic, partition: a.partition, fetchOffset: offset, position: offset, generation: 0, highWatermark: -1n });
    }
    this.fetchMore();
  }

  /** Adds partitions to the assignment, each starting at the offset given; partitions already assigned keep their place. */
  async incrementalAssign(assignments: readonly Assignment[]): Promise<void> {
    const resolved = await this.resolveOffsets(assignments);
    for (const a of assignments) {
      const k = key(a.topic, a.partition);
      if (this.partitions.has(k)) continue;
      const offset = resolved.get(k)!;
      this.partitions.set(k, { topic: a.topic, partition: a.partition, fetchOffset: offset, position: offset, generation: 0, highWatermark: -1n });
    }
    this.fetchMore();
  }

  /** Stops fetching these partitions; their buffered records are dropped and a fetch still out for them is ignored. */
  unassign(partitions: readonly { topic: string; partition: number }[]): void {
    for (const p of partitions) this.partitions.delete(key(p.topic, p.partition));
    this.completed = this.completed.filter((c) => {
      if (this.partitions.get(key(c.state.topic, c.state.partition)) === c.state) return true;
      this.bufferedRecords -= c.remaining;
      return false;
    });
  }

  /** The partitions assigned and the offset of the next record poll() returns for each. */
  assignment(): { topic: string; partition: number; position: bigint; highWatermark: bigint }[] {
    return [...this.partitions.values()].map((p) => ({ topic: p.topic, partition: p.partition, position: p.position, highWatermark: p.highWatermark }));
  }

  /** Moves a partition's position; buffered records of that partition are dropped. */
  async seek(topic: string, partition: number, offset: StartOffset): Promise<void> {
    const state = this.partitions.get(key(topic, partition));
    if (!state) throw new Error(`${topic}-${partition} is not assigned`);
    const resolved = (await this.resolveOffsets([{ topic, partition, offset }])).get(key(topic, partition))!;
    this.reposition(state, resolved);
  }

  private reposition(state: PartitionState, offset: bigint): void {
    state.generation++;
    state.fetchOffset = offset;
    state.position = offset;
    this.completed = this.completed.filter((c) => {
      if (c.state !== state) return true;
      this.bufferedRecords -= c.remaining;
      return false;
    });
    this.fetchMore();
  }

  private async resolveOffsets(assignments: readonly Assignment[]): Promise<Map<string, bigint>> {
    const out = new Map<string, bigint>();
    const bySpec = new Map<string, { spec: 'earliest' | 'latest' | bigint; partitions: Assignment[] }>();
    for (const a of assignments) {
      if (typeof a.offset === 'bigint') {
        out.set(key(a.topic, a.partition), a.offset);
        continue;
      }
      const spec = typeof a.offset === 'string' ? a.offset : BigInt(a.offset.timestamp);
      const group = bySpec.get(String(spec)) ?? { spec, partitions: [] };
      group.partitions.push(a);
      bySpec.set(String(spec), group);
    }
    const isolationLevel = this.options.isolationLevel === 'read_committed' ? 1 : 0;
    for (const { spec, partitions } of bySpec.values()) {
      const listed = await this.admin.listOffsets(partitions, spec, { isolationLevel });
      const ends = typeof spec === 'bigint' ? await this.admin.listOffsets(partitions, 'latest', { isolationLevel }) : [];
      // A timestamp after every record finds nothing (-1): start at the end, as Kafka's consumer does.
      listed.forEach((l, i) => out.set(key(l.topic, l.partition), l.offset >= 0n ? l.offset : ends[i].offset));
    }
    return out;
  }

  /**
   * The records buffered now, or, when there are none, those that arrive within `timeoutMs`.
   * Throws what fetching hit that no retry cures (an out-of-range offset with reset 'none', a
   * corrupt batch, ...).
   */
  async poll(timeoutMs = 1_000, maxRecords = 10_000): Promise<ConsumerRecord[]> {
    let out: ConsumerRecord[] = [];
    await this.waitForRecords(timeoutMs, () => (out = this.drain(maxRecords)).length);
    return out;
  }

  /**
   * poll() for callers that only want the values, in order (the console consumer's default
   * output): whole uncompressed batches go straight to `sink`, with no object per record; other
   * batches go through poll()'s records. Resolves with how many values the sink received.
   */
  async pollValues(timeoutMs: number, maxRecords: number, sink: ValueSink): Promise<number> {
    let count = 0;
    await this.waitForRecords(timeoutMs, () => (count = this.drainValues(maxRecords, sink)));
    return count;
  }

  /** Runs `take` until it hands out something, the consumer closes, or `timeoutMs` passes. */
  private async waitForRecords(timeoutMs: number, take: () => number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.failure) {
        const err = this.failure;
        this.failure = null;
        throw err;
      }
      const taken = take();
      const left = deadline - Date.now();
      this.fetchMore();
      if (taken > 0 || this.closed || left <= 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.push(done);
      });
    }
  }

  private drainValues(maxRecords: number, sink: ValueSink): number {
    let count = 0;
    // With read_committed, aborted transactions are tracked across a fetch's batches: poll()'s way.
    const plainAllowed = this.options.isolationLevel === 'read_uncommitted';
    while (count < maxRecords && this.completed.length > 0) {
      const fetch = this.completed[0];
      const { state } = fetch;
      const current = this.partitions.get(key(state.topic, state.partition)) === state && state.generation === fetch.generation;
      if (!current || fetch.records !== null || !plainAllowed) break;
      for (; fetch.nextBatch < fetch.batches.length; fetch.nextBatch++) {
        const { bytes, entry } = fetch.batches[fetch.nextBatch];
        if (entry.kind !== 'batch') break;
        const header = entry.header;
        if (header.compression !== CompressionType.None || header.isControl) break;
        readPlainValues(bytes, header, fetch.from, maxRecords - count, sink);
        const taken = valuesRead.count;
        count += taken;
        if (taken > 0) {
          state.position = header.baseOffset + BigInt(valuesRead.lastOffsetDelta) + 1n;
          fetch.from = state.position;
        }
        if (!valuesRead.finished) {
          // maxRecords reached inside the batch: the rest of it waits for the next poll.
          fetch.takenFromBatch += taken;
          fetch.remaining -= taken;
          this.bufferedRecords -= taken;
          return count;
        }
        const left = header.recordCount - fetch.takenFromBatch;
        fetch.takenFromBatch = 0;
        fetch.from = lastOffset(header) + 1n;
        fetch.remaining -= left;
        this.bufferedRecords -= left;
      }
      if (fetch.nextBatch < fetch.batches.length) break;
      this.bufferedRecords -= fetch.remaining;
      this.completed.shift();
    }
    if (count >= maxRecords) return count;
    // What the fast path leaves: stale fetches, compressed, control or legacy batches, read_committed.
    const records = this.drain(maxRecords - count);
    for (const r of records) {
      if (r.value === null) sink(null, 0, 0);
      else sink(r.value, 0, r.value.length);
    }
    return count + records.length;
  }

  /** Decodes up to `maxRecords` from the completed fetches, in arrival order, and moves positions past them. */
  private drain(maxRecords: number): ConsumerRecord[] {
    const out: ConsumerRecord[] = [];
    while (out.length < maxRecords && this.completed.length > 0) {
      const fetch = this.completed[0];
      const { state } = fetch;
      const current = this.partitions.get(key(state.topic, state.partition)) === state && state.generation === fetch.generation;
      let exhausted = !current;
      let last: ConsumerRecord | undefined;
      if (current) fetch.records ??= this.decode(state, fetch.data, fetch.nextBatch === 0 ? fetch.batches : fetch.batches.slice(fetch.nextBatch), fetch.from);
      while (current && out.length < maxRecords) {
        const next = fetch.records!.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        last = next.value;
        out.push(last);
        fetch.remaining--;
        this.bufferedRecords--;
      }
      if (last) state.position = last.offset + 1n;
      if (!exhausted) break;
      this.bufferedRecords -= fetch.remaining;
      this.completed.shift();
    }
    return out;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ConsumerRecord> {
    while (!this.closed) {
      for (const record of await this.poll(1_000)) yield record;
    }
  }

  private available(): number {
    return this.bufferedRecords;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.wake();
    if (this.ownsCluster) this.cluster.close();
  }

  // ---- fetching ----

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.wake();
  }

  /** Starts a Fetch to every leader that has none in flight, while the buffer has room. */
  private fetchMore(): void {
    if (this.closed || this.available() >= this.options.maxBufferedRecords) return;
    const byLeader = new Map<number, PartitionState[]>();
    let leaderless = false;
    for (const state of this.partitions.values()) {
      const leaderId = this.cluster.metadata.topics.get(state.topic)?.partitions.find((p) => p.partition === state.partition)?.leaderId ?? -1;
      if (leaderId < 0) {
        leaderless = true;
        continue;
      }
      if (this.fetching.has(leaderId)) continue;
      const group = byLeader.get(leaderId);
      if (group) group.push(state);
      else byLeader.set(leaderId, [state]);
    }
    for (const [leaderId, group] of byLeader) {
      this.fetching.add(leaderId);
      void this.fetchFrom(leaderId, group).finally(() => {
        this.fetching.delete(leaderId);
        this.fetchMore();
      });
    }
    if (leaderless) void this.refreshThenFetch();
  }

  /** One metadata refresh at a time, after a backoff, then fetching resumes. */
  private async refreshThenFetch(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      await new Promise((resolve) => setTimeout(resolve, this.cluster.backoff(0)));
      if (this.closed) return;
      await this.cluster.refreshMetadata([...new Set([...this.partitions.values()].map((p) => p.topic))]).catch(() => {});
    } finally {
      this.refreshing = false;
    }
    this.fetchMore();
  }

  private async fetchFrom(leaderId: number, group: PartitionState[]): Promise<void> {
    const generations = group.map((s) => s.generation);
    let response: FetchResponse;
    let version: number;
    try {
      const connection = await this.cluster.connectionTo(leaderId);
      // v4 brings isolation levels, the floor Kafka 4 serves; v13 names topics by id (KIP-516).
      version = requireVersion(connection, FetchRequest, 4);
      const topics = new Map<string, PartitionState[]>();
      for (const s of group) topics.set(s.topic, [...(topics.get(s.topic) ?? []), s]);
      const request: FetchRequest = {
        ...FetchRequest.defaults(),
        maxWaitMs: this.options.maxWaitMs,
        minBytes: this.options.minBytes,
        maxBytes: this.options.maxBytes,
        isolationLevel: this.options.isolationLevel === 'read_committed' ? 1 : 0,
        topics: [...topics].map(([topic, states]) => ({
          topic: version >= 13 ? '' : topic,
          topicId: version >= 13 ? (this.cluster.metadata.topics.get(topic)?.topicId ?? ZERO_UUID) : ZERO_UUID,
          partitions: states.map((s) => ({
            partition: s.partition,
            currentLeaderEpoch: -1,
            fetchOffset: s.fetchOffset,
            lastFetchedEpoch: -1,
            logStartOffset: -1n,
            partitionMaxBytes: this.options.maxPartitionBytes,
            replicaDirectoryId: ZERO_UUID,
          })),
        })),
      };
      response = await connection.send(FETCH, version, request);
    } catch (err) {
      if (this.closed) return;
      if (err instanceof ConnectionError) return this.refreshThenFetch();
      return this.fail(err as Error);
    }
    if (this.closed) return;
    if (response.errorCode !== ErrorCode.NONE) {
      if (errorInfo(response.errorCode).retriable) return this.refreshThenFetch();
      return this.fail(new KafkaProtocolError(response.errorCode, 'fetch'));
    }
    const names = new Map([...this.cluster.metadata.topics.values()].map((t) => [t.topicId, t.name]));
    let refresh = false;
    const before = this.completed.length;
    for (const t of response.responses) {
      const topic = version >= 13 ? (names.get(t.topicId) ?? t.topic) : t.topic;
      for (const p of t.partitions) {
        const index = group.findIndex((s) => s.topic === topic && s.partition === p.partitionIndex);
        if (index < 0) continue;
        const state = group[index];
        // The partition was re-assigned or sought while this fetch was out: its data is stale.
        if (this.partitions.get(key(topic, p.partitionIndex)) !== state || state.generation !== generations[index]) continue;
        if (p.errorCode === ErrorCode.NONE) {
          state.highWatermark = p.highWatermark;
          if (p.records && p.records.length > 0) this.append(state, p);
        } else if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
          await this.resetOffset(state);
        } else if (REFRESH_METADATA_ERRORS.has(p.errorCode) || errorInfo(p.errorCode).retriable) {
          refresh = true;
        } else {
          this.fail(new KafkaProtocolError(p.errorCode, `fetching ${topic}-${p.partitionIndex} at offset ${state.fetchOffset}`));
        }
      }
    }
    if (this.completed.length > before) this.wake();
    if (refresh) await this.refreshThenFetch();
  }

  /** OFFSET_OUT_OF_RANGE: auto.offset.reset decides. */
  private async resetOffset(state: PartitionState): Promise<void> {
    const reset = this.options.autoOffsetReset;
    if (reset === 'none') {
      this.fail(new KafkaProtocolError(ErrorCode.OFFSET_OUT_OF_RANGE, `offset ${state.fetchOffset} is out of range for ${state.topic}-${state.partition}`));
      return;
    }
    try {
      const [listed] = await this.admin.listOffsets([state], reset, { isolationLevel: this.options.isolationLevel === 'read_committed' ? 1 : 0 });
      if (this.partitions.get(key(state.topic, state.partition)) === state) this.reposition(state, listed.offset);
    } catch (err) {
      this.fail(err as Error);
    }
  }

  /**
   * Queues a partition's record set for poll() and moves its fetch offset past the complete
   * batches in it, reading batch headers only, so the next fetch can start before decoding.
   */
  private append(state: PartitionState, data: PartitionData): void {
    const records = data.records!;
    // A batch may begin before the offset asked for: its earlier records are skipped when decoded.
    const from = state.fetchOffset;
    const batches: QueuedBatch[] = [];
    let count = 0;
    for (const entry of iterateBatches(records)) {
      if (entry.kind === 'truncated') break; // the broker cut the set at max bytes
      const last = entry.kind === 'legacy' ? entry.lastOffset : lastOffset(entry.header);
      if (last < state.fetchOffset) continue;
      batches.push({ bytes: records.subarray(entry.offset, entry.offset + entry.size), entry });
      count += entry.kind === 'legacy' ? Number(last - state.fetchOffset) + 1 : entry.header.recordCount;
      state.fetchOffset = last + 1n;
    }
    if (batches.length === 0) return;
    this.completed.push({ state, generation: state.generation, data, batches, nextBatch: 0, takenFromBatch: 0, from, records: null, remaining: count });
    this.bufferedRecords += count;
  }

  /** The records of queued batches from offset `from` on, skipping control batches and, with read_committed, aborted transactions. */
  private *decode(
    state: PartitionState,
    data: PartitionData,
    batches: QueuedBatch[],
    from: bigint,
  ): Generator<ConsumerRecord, void, undefined> {
    const { topic, partition } = state;
    const readCommitted = this.options.isolationLevel === 'read_committed';
    // Aborted transactions in this response, by first offset (Kafka's CompletedFetch logic).
    const aborted = readCommitted && data.abortedTransactions ? [...data.abortedTransactions].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1)) : [];
    const abortedProducers = new Set<bigint>();
    let next = 0;
    for (const { bytes, entry } of batches) {
      if (entry.kind === 'legacy') {
        for (const r of legacyRecords(bytes)) {
          if (r.offset < from) continue;
          yield { topic, partition, offset: r.offset, timestamp: r.timestamp, timestampType: r.timestampType, key: r.key, value: r.value, headers: r.headers, leaderEpoch: null };
        }
        continue;
      }
      const header = entry.header;
      if (readCommitted) {
        const last = lastOffset(header);
        while (next < aborted.length && aborted[next].firstOffset <= last) abortedProducers.add(aborted[next++].producerId);
      }
      if (header.isControl) {
        if (readCommitted) {
          const first = batchRecords(bytes).next();
          if (!first.done && decodeControlRecordKey(first.value.key).type === ControlRecordType.Abort) abortedProducers.delete(header.producerId);
        }
        continue;
      }
      if (readCommitted && header.isTransactional && abortedProducers.has(header.producerId)) continue;
      if (header.compression === CompressionType.None) {
        yield* plainRecords(bytes, header, topic, partition, from);
        continue;
      }
      const { timestampType, partitionLeaderEpoch: leaderEpoch } = header;
      for (const r of batchRecords(bytes)) {
        if (r.offset < from) continue;
        yield { topic, partition, offset: r.offset, timestamp: r.timestamp, timestampType, key: r.key, value: r.value, headers: r.headers, leaderEpoch };
      }
    }
  }
}
