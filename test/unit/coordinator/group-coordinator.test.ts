// The coordinator over a fake __consumer_offsets: what it writes reads back into the same groups
// and offsets on a new leader, loading answers COORDINATOR_LOAD_IN_PROGRESS, ownership follows
// leadership, and expired offsets of empty groups go with tombstones.
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/protocol/errors.js';
import { decodeBatch, readBatchHeader, setBaseOffset } from '../../../src/protocol/records.js';
import { EMPTY_IMAGE, type MetadataImage } from '../../../daemon/controller/metadata-image.js';
import { decodeCoordinatorRecord } from '../../../daemon/coordinator/coordinator-records.js';
import { GroupCoordinator, groupCoordinatorSettings, offsetsPartitionFor, type GroupCoordinatorHost } from '../../../daemon/coordinator/group-coordinator.js';
import { embeddedDefaultProperties, resolveBrokerConfig } from '../../../src/config/broker-configs.js';
import type { Partition } from '../../../daemon/replication/partition.js';
import { DelayedProduces } from '../../../daemon/replication/delayed-produce.js';

const PARTITIONS = 3;
const RETENTION_MS = 60_000;
const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} } as never;

interface FakeLog {
  batches: Buffer[];
  end: bigint;
  /** What the ISR has; -1 follows the log end (an ISR of one). */
  highWatermark: bigint;
  delayedProduces: DelayedProduces;
}

/** Partition logs as arrays of batches, with offsets assigned on append. */
class FakeOffsetsTopic {
  readonly logs = new Map<number, FakeLog>();
  /** While set, reads wait for it: a partition that is still loading. */
  gate: Promise<void> | null = null;
  /** How long each append was allowed to wait for the ISR. */
  readonly appendTimeouts: number[] = [];

  log(partitionId: number): FakeLog {
    let log = this.logs.get(partitionId);
    if (!log) {
      const created: FakeLog = { batches: [], end: 0n, highWatermark: -1n, delayedProduces: new DelayedProduces((offset) => ({ done: hw() >= offset, errorCode: ErrorCode.NONE })) };
      const hw = () => (created.highWatermark < 0n ? created.end : created.highWatermark);
      this.logs.set(partitionId, (log = created));
    }
    return log;
  }

  /** The followers of a partition caught up to `highWatermark`. */
  replicate(partitionId: number, highWatermark: bigint): void {
    const log = this.log(partitionId);
    log.highWatermark = highWatermark;
    log.delayedProduces.checkAll();
  }

  append(partitionId: number, batch: Buffer): bigint {
    const log = this.log(partitionId);
    const base = log.end;
    setBaseOffset(batch, 0, base);
    log.batches.push(Buffer.from(batch));
    log.end += BigInt(readBatchHeader(batch).recordCount);
    return base;
  }

  partition(partitionId: number): Partition {
    const log = this.log(partitionId);
    const gate = () => this.gate ?? Promise.resolve();
    return {
      partitionId,
      delayedProduces: log.delayedProduces,
      log: {
        logStartOffset: 0n,
        get logEndOffset() {
          return log.end;
        },
        async read(offset: bigint) {
          await gate();
          const from = log.batches.filter((b) => readBatchHeader(b).baseOffset >= offset);
          return { records: Buffer.concat(from), nextOffset: log.end, logStartOffset: 0n, logEndOffset: log.end };
        },
      },
    } as unknown as Partition;
  }

  /** Every coordinator record in a partition, in log order. */
  records(partitionId: number) {
    return this.log(partitionId).batches.flatMap((b) => decodeBatch(b).records.map((r) => decodeCoordinatorRecord(r.key, r.value)));
  }
}

function image(leader: number, leaderEpoch = 0): MetadataImage {
  const partitions = new Map(Array.from({ length: PARTITIONS }, (_, i) => [i, { partitionId: i, replicas: [1], isr: [1], addingReplicas: [], removingReplicas: [], leader, leaderEpoch, partitionEpoch: leaderEpoch }]));
  const topic = { name: '__consumer_offsets', topicId: 'x', partitions };
  return {
    ...EMPTY_IMAGE,
    brokers: new Map([[1, { id: 1, epoch: 0n, incarnationId: 'i', endpoints: [], rack: null, fenced: false }]]),
    topicsByName: new Map([[topic.name, topic]]),
    topicsById: new Map([[topic.topicId, topic]]),
  };
}

function coordinator(topic: FakeOffsetsTopic, clock: { now(): number }, replicationFactor = 1) {
  let current = image(1);
  const host: GroupCoordinatorHost = {
    nodeId: 1,
    currentImage: () => current,
    createTopic: async () => ({ name: '', topicId: '', errorCode: 0, errorMessage: null, topicConfigErrorCode: 0, numPartitions: PARTITIONS, replicationFactor: 1, configs: [] }),
    awaitMetadataApplied: async () => {},
    partition: (_topic, partitionId) => topic.partition(partitionId),
    appendToLeader: async (_topic, partitionId, records, timeoutMs) => {
      topic.appendTimeouts.push(timeoutMs);
      return { errorCode: 0, errorMessage: null, baseOffset: topic.append(partitionId, records), logAppendTime: -1n, logStartOffset: 0n };
    },
  };
  // The broker's defaults, resolved as `tk broker start` resolves them, with small numbers here.
  const defaults = groupCoordinatorSettings(resolveBrokerConfig(embeddedDefaultProperties({}, '/nonexistent')).config);
  const settings = {
    ...defaults,
    offsetsTopicNumPartitions: PARTITIONS,
    offsetsTopicReplicationFactor: replicationFactor,
    offsetsRetentionMs: RETENTION_MS,
    classic: { initialRebalanceDelayMs: 0, minSessionTimeoutMs: 1, maxSessionTimeoutMs: 100_000, maxSize: 10 },
  };
  const c = new GroupCoordinator(host, settings, clock, quiet, { autoFireTimers: false });
  return {
    c,
    lead: (leader: number, leaderEpoch = 0) => {
      current = image(leader, leaderEpoch);
      c.onMetadata(current);
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const offset = (n: bigint, at: number) => ({ offset: n, leaderEpoch: -1, metadata: '', commitTimestamp: BigInt(at), expireTimestamp: -1n });

describe('group coordinator over __consumer_offsets', () => {
  it('answers NOT_COORDINATOR until it leads, COORDINATOR_LOAD_IN_PROGRESS while loading, then serves what was written', async () => {
    const topic = new FakeOffsetsTopic();
    const clock = { now: () => 1_000_000 };
    const first = coordinator(topic, clock);
    expect(first.c.ownership('g')).toBe(ErrorCode.NOT_COORDINATOR);
    first.lead(1);
    await settle();
    expect(first.c.ownership('g')).toBe(ErrorCode.NONE);
    first.c.classicGroup('g', true);
    expect(await first.c.write('g', [{ type: 'offset', group: 'g', topic: 't', partition: 0, value: offset(5n, 1_000_000) }])).toBe(ErrorCode.NONE);
    expect(await first.c.write('g', [{ type: 'offset', group: 'g', topic: 't', partition: 1, value: offset(7n, 1_000_000) }])).toBe(ErrorCode.NONE);
    expect(await first.c.write('g', [{ type: 'offset', group: 'g', topic: 't', partition: 1, value: null }])).toBe(ErrorCode.NONE);
    expect(topic.records(offsetsPartitionFor('g', PARTITIONS)).map((r) => r?.type === 'offset' && [r.partition, r.value?.offset ?? null])).toEqual([
      [0, 5n],
      [1, 7n],
      [1, null],
    ]);

    // Another coordinator takes over the same log.
    let open!: () => void;
    topic.gate = new Promise((resolve) => (open = resolve));
    const second = coordinator(topic, clock);
    second.lead(1);
    expect(second.c.ownership('g')).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    expect(second.c.isLoading()).toBe(true);
    open();
    await settle();
    await settle();
    expect(second.c.ownership('g')).toBe(ErrorCode.NONE);
    expect(second.c.offsets.all('g').map((o) => [o.topic, o.partition, o.offset.offset])).toEqual([['t', 0, 5n]]);
    expect(second.c.classicGroup('g', false)?.state).toBe('Empty');

    // Leadership moves away: the groups are dropped.
    second.lead(2);
    expect(second.c.ownership('g')).toBe(ErrorCode.NOT_COORDINATOR);
    expect(second.c.groups.size).toBe(0);
  });

  it('a new leader serves a partition only once the tail it replayed is committed (the high watermark reaches it)', async () => {
    const topic = new FakeOffsetsTopic();
    const clock = { now: () => 1_000_000 };
    const first = coordinator(topic, clock);
    first.lead(1);
    await settle();
    first.c.classicGroup('g', true);
    expect(await first.c.write('g', [{ type: 'offset', group: 'g', topic: 't', partition: 0, value: offset(5n, 1_000_000) }])).toBe(ErrorCode.NONE);
    expect(await first.c.write('g', [{ type: 'offset', group: 'g', topic: 't', partition: 0, value: offset(9n, 1_000_000) }])).toBe(ErrorCode.NONE);
    const partitionId = offsetsPartitionFor('g', PARTITIONS);
    // The second commit reached this replica but not yet the rest of the ISR.
    topic.replicate(partitionId, 1n);

    const second = coordinator(topic, clock);
    second.lead(1);
    await settle();
    await settle();
    expect(second.c.ownership('g')).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    expect(second.c.offsets.all('g')).toEqual([]);
    topic.replicate(partitionId, 2n);
    await settle();
    await settle();
    expect(second.c.ownership('g')).toBe(ErrorCode.NONE);
    expect(second.c.offsets.get('g', 't', 0)?.offset).toBe(9n);
  });

  it('a write waits offsets.commit.timeout.ms (5 s by default) for the ISR, as Kafka\'s coordinator', async () => {
    const topic = new FakeOffsetsTopic();
    const { c, lead } = coordinator(topic, { now: () => 1_000_000 });
    lead(1);
    await settle();
    c.classicGroup('g', true);
    expect(await c.write('g', [{ type: 'offset', group: 'g', topic: 't', partition: 0, value: offset(1n, 1_000_000) }])).toBe(ErrorCode.NONE);
    expect(topic.appendTimeouts).toEqual([5_000]);
  });

  it('a new leader epoch reloads the partition, dropping what the previous term held in memory only', async () => {
    const topic = new FakeOffsetsTopic();
    const { c, lead } = coordinator(topic, { now: () => 1_000_000 });
    lead(1);
    await settle();
    c.classicGroup('g', true);
    // State that never reached the log (as after a write that failed): a reload must not keep it.
    c.offsets.put('g', 't', 0, offset(3n, 1_000_000));
    lead(1, 1);
    expect(c.ownership('g')).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    await settle();
    await settle();
    expect(c.ownership('g')).toBe(ErrorCode.NONE);
    expect(c.offsets.all('g')).toEqual([]);
  });

  it('removes expired offsets of an empty group with tombstones, then the group itself', async () => {
    const topic = new FakeOffsetsTopic();
    let now = 5_000_000;
    const { c, lead } = coordinator(topic, { now: () => now });
    lead(1);
    await settle();
    c.classicGroup('old', true);
    c.offsets.put('old', 't', 0, offset(1n, now));
    c.classicGroup('fresh', true);
    c.offsets.put('fresh', 't', 0, offset(1n, now + RETENTION_MS / 2));
    now += RETENTION_MS;
    await c.expireOffsets();
    expect(c.offsets.all('old')).toEqual([]);
    expect(c.groups.has('old')).toBe(false);
    expect(c.offsets.all('fresh')).toHaveLength(1);
    const written = topic.records(offsetsPartitionFor('old', PARTITIONS));
    expect(written).toContainEqual({ type: 'offset', group: 'old', topic: 't', partition: 0, value: null });
    expect(written).toContainEqual({ type: 'group', group: 'old', value: null });
  });

  it('cannot create __consumer_offsets with fewer live brokers than its replication factor', async () => {
    const topic = new FakeOffsetsTopic();
    const { c } = coordinator(topic, { now: () => 0 }, 3);
    expect(await c.ensureOffsetsTopic()).toBe(ErrorCode.NONE);
    const empty = new GroupCoordinator(
      { nodeId: 1, currentImage: () => ({ ...image(1), topicsByName: new Map() }), createTopic: async () => { throw new Error('not expected'); }, awaitMetadataApplied: async () => {}, partition: () => undefined, appendToLeader: async () => { throw new Error('not expected'); } },
      { ...c.settings, offsetsTopicReplicationFactor: 3 },
      { now: () => 0 },
      quiet,
      { autoFireTimers: false },
    );
    expect(await empty.ensureOffsetsTopic()).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  });
});
