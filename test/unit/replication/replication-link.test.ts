// A leader and two followers over real partition logs in temp dirs, linked in memory the way the
// follower fetcher and the Fetch handler link them: the high watermark follows the ISR, acks=all
// waits for it, laggards leave the ISR and caught-up followers join it, and a deposed leader
// truncates its divergent tail to the new leader's epoch boundary.
import { afterEach, describe, expect, it } from 'vitest';
import { defaultLogConfig } from '../../../daemon/log/log-config.js';
import { PartitionLog } from '../../../daemon/log/partition-log.js';
import { Partition, type PartitionContext } from '../../../daemon/replication/partition.js';
import { truncationFor } from '../../../daemon/replication/follower-state.js';
import type { PartitionImage } from '../../../daemon/controller/metadata-image.js';
import { ErrorCode } from '../../../src/protocol/errors.js';
import { batch, tempDir } from '../log/helpers.js';

const LAG_MS = 10_000;
const REPLICAS = [1, 2, 3];

class Cluster {
  nowMs = 1_000_000;
  state: PartitionImage = { partitionId: 0, replicas: REPLICAS, isr: REPLICAS, addingReplicas: [], removingReplicas: [], leader: 1, leaderEpoch: 0, partitionEpoch: 0 };
  readonly proposals: number[][] = [];
  readonly fenced = new Set<number>();
  readonly brokers = new Map<number, Partition>();

  context(): PartitionContext {
    return {
      now: () => this.nowMs,
      replicaLagTimeMaxMs: () => LAG_MS,
      isEligible: (id) => !this.fenced.has(id),
      proposeIsr: (_partition, change) => this.proposals.push([...change.isr]),
    };
  }

  async start(): Promise<void> {
    for (const id of REPLICAS) {
      const log = await PartitionLog.open(await tempDir(), { topic: 'events', partition: 0 }, defaultLogConfig({ fileDeleteDelayMs: 0 }));
      const partition = new Partition('events', 0, 'dG9waWMtaWQtZm9yLXRlc3Q', log, id, this.context(), 0n);
      this.brokers.set(id, partition);
    }
    this.publish();
  }

  /** The controller commits a change: every replica applies the new image. */
  publish(change: Partial<PartitionImage> = {}): void {
    const leaderChanged = change.leader !== undefined && change.leader !== this.state.leader;
    this.state = { ...this.state, ...change, leaderEpoch: this.state.leaderEpoch + (leaderChanged ? 1 : 0), partitionEpoch: this.state.partitionEpoch + (Object.keys(change).length > 0 ? 1 : 0) };
    for (const p of this.brokers.values()) p.applyState(this.state);
  }

  /** The controller accepts the last proposal. */
  acceptProposal(): void {
    const isr = this.proposals.pop();
    if (!isr) throw new Error('no ISR change was proposed');
    this.publish({ isr });
  }

  get(id: number): Partition {
    return this.brokers.get(id)!;
  }

  /** One fetch round of a follower from the current leader: divergence check, record, read, append, high watermark. */
  async fetch(followerId: number): Promise<void> {
    const leader = this.get(this.state.leader);
    const follower = this.get(followerId);
    const lastEpoch = follower.log.leaderEpochCache.latestEpoch();
    const fetchOffset = follower.log.logEndOffset;
    if (lastEpoch >= 0) {
      const leaderEnd = leader.log.endOffsetForEpoch(lastEpoch);
      if (leaderEnd.epoch < lastEpoch || leaderEnd.endOffset < fetchOffset) {
        await follower.log.truncateTo(truncationFor(leaderEnd, follower.log).offset);
        return;
      }
    }
    expect(leader.recordFollowerFetch(followerId, fetchOffset, -1n)).toBe(true);
    const read = await leader.log.read(fetchOffset, 1 << 20, { maxOffset: leader.log.logEndOffset });
    if (read.records.length > 0) await follower.log.appendAsFollower(read.records);
    follower.updateFollowerHighWatermark(leader.highWatermark);
  }

  async produce(count: number): Promise<bigint> {
    const leader = this.get(this.state.leader);
    const appended = await leader.log.appendAsLeader(batch(count), leader.leaderEpoch);
    leader.afterLeaderAppend();
    return appended.lastOffset + 1n;
  }
}

const open: Cluster[] = [];
async function cluster(): Promise<Cluster> {
  const c = new Cluster();
  open.push(c);
  await c.start();
  return c;
}
// Before the temp dirs go: the logs write their epoch checkpoints in the background.
afterEach(async () => {
  for (const c of open.splice(0)) for (const p of c.brokers.values()) await p.log.close();
});

const pending = Symbol('pending');
async function settled<T>(promise: Promise<T>): Promise<T | typeof pending> {
  return Promise.race([promise, new Promise<typeof pending>((resolve) => setImmediate(() => resolve(pending)))]);
}

describe('replication between a leader and its followers', () => {
  it('moves the high watermark to the smallest ISR log end offset and answers acks=all then', async () => {
    const c = await cluster();
    const end = await c.produce(3);
    const leader = c.get(1);
    expect(leader.highWatermark).toBe(0n);
    const acked = leader.delayedProduces.await(end, 2, 60_000);
    await c.fetch(2);
    await c.fetch(2); // reports offset 3
    expect(leader.highWatermark).toBe(0n); // broker 3 is in the ISR and has nothing
    expect(await settled(acked)).toBe(pending);
    await c.fetch(3);
    await c.fetch(3);
    expect(leader.highWatermark).toBe(3n);
    expect(await acked).toBe(ErrorCode.NONE);
    // Followers learn the high watermark on their next fetch, never past their own end.
    await c.fetch(2);
    expect(c.get(2).highWatermark).toBe(3n);
    expect(c.get(2).log.logEndOffset).toBe(3n);
  });

  it('times out an acks=all produce the ISR does not reach', async () => {
    const c = await cluster();
    const end = await c.produce(1);
    expect(await c.get(1).delayedProduces.await(end, 2, 20)).toBe(ErrorCode.REQUEST_TIMED_OUT);
  });

  it('shrinks the ISR of a follower that lags past replica.lag.time.max.ms, and the high watermark moves without it', async () => {
    const c = await cluster();
    const leader = c.get(1);
    const end = await c.produce(2);
    const acked = leader.delayedProduces.await(end, 2, 60_000);
    await c.fetch(2);
    await c.fetch(2);
    c.nowMs += LAG_MS / 2;
    leader.maybeShrinkIsr();
    expect(c.proposals).toEqual([]); // still within the lag
    c.nowMs += LAG_MS;
    leader.maybeShrinkIsr();
    expect(c.proposals).toEqual([[1, 2]]);
    // Until the change commits, acks=all still counts broker 3.
    expect(leader.maximalIsr).toEqual([1, 2, 3]);
    c.acceptProposal();
    expect(leader.isr).toEqual([1, 2]);
    await c.fetch(2);
    expect(leader.highWatermark).toBe(2n);
    expect(await acked).toBe(ErrorCode.NONE);
  });

  it('answers NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR fell below min.insync.replicas while waiting', async () => {
    const c = await cluster();
    const leader = c.get(1);
    const end = await c.produce(1);
    const acked = leader.delayedProduces.await(end, 2, 60_000);
    c.nowMs += 2 * LAG_MS;
    leader.maybeShrinkIsr();
    c.acceptProposal();
    expect(leader.isr).toEqual([1]);
    leader.maybeAdvanceHighWatermark();
    expect(await acked).toBe(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
  });

  it('adds a follower back once it reaches the high watermark, not a fenced one', async () => {
    const c = await cluster();
    const leader = c.get(1);
    c.nowMs += 2 * LAG_MS;
    leader.maybeShrinkIsr();
    c.acceptProposal();
    expect(leader.isr).toEqual([1]);
    await c.produce(4);
    expect(leader.highWatermark).toBe(4n);
    c.fenced.add(3);
    await c.fetch(3);
    await c.fetch(3);
    expect(c.proposals).toEqual([]);
    c.fenced.delete(3);
    await c.fetch(2); // below the high watermark: not yet
    expect(c.proposals).toEqual([]);
    await c.fetch(2);
    expect(c.proposals).toEqual([[1, 2]]);
    c.acceptProposal();
    await c.fetch(3);
    expect(c.proposals).toEqual([[1, 2, 3]]);
  });

  it('fails waiting produces and stops leading when the image makes it a follower', async () => {
    const c = await cluster();
    const end = await c.produce(1);
    const acked = c.get(1).delayedProduces.await(end, 2, 60_000);
    c.publish({ leader: 2 });
    expect(await acked).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(c.get(1).isLeader).toBe(false);
    expect(c.get(2).isLeader).toBe(true);
    expect(c.get(2).log.leaderEpochCache.entries()).toEqual([{ epoch: 1, startOffset: 0n }]);
  });

  it('truncates a deposed leader\'s unreplicated tail to the new leader\'s epoch boundary', async () => {
    const c = await cluster();
    await c.produce(5);
    for (const id of [2, 3]) {
      await c.fetch(id);
      await c.fetch(id);
    }
    expect(c.get(1).highWatermark).toBe(5n);
    await c.produce(3); // offsets 5-7 reach no follower
    c.publish({ leader: 2, isr: [2, 3] });
    await c.produce(2); // the new leader writes 5-6 under epoch 1
    expect(c.get(1).log.logEndOffset).toBe(8n);
    await c.fetch(1); // diverged: epoch 0 ends at 5 on the new leader
    expect(c.get(1).log.logEndOffset).toBe(5n);
    await c.fetch(1);
    await c.fetch(1);
    const leaderBytes = await c.get(2).log.read(0n, 1 << 20);
    const followerBytes = await c.get(1).log.read(0n, 1 << 20);
    expect(followerBytes.records.equals(leaderBytes.records)).toBe(true);
    expect(c.get(1).log.leaderEpochCache.entries()).toEqual([{ epoch: 0, startOffset: 0n }, { epoch: 1, startOffset: 5n }]);
  });
});

describe('truncationFor', () => {
  it('follows Kafka\'s getOffsetTruncationState', async () => {
    const log = await PartitionLog.open(await tempDir(), { topic: 't', partition: 0 }, defaultLogConfig());
    await log.appendAsLeader(batch(3), 1);
    await log.appendAsLeader(batch(3), 3);
    log.updateHighWatermark(2n);
    expect(truncationFor({ epoch: -1, endOffset: -1n }, log)).toEqual({ offset: 2n, completed: true });
    expect(truncationFor({ epoch: 3, endOffset: 4n }, log)).toEqual({ offset: 4n, completed: true });
    expect(truncationFor({ epoch: 3, endOffset: 9n }, log)).toEqual({ offset: 6n, completed: true });
    // The leader's epoch 2 is unknown here: cut to where our epoch 1 ends and ask again.
    expect(truncationFor({ epoch: 2, endOffset: 5n }, log)).toEqual({ offset: 3n, completed: false });
    await log.close();
  });
});
