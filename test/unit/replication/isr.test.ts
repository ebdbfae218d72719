// The leader's follower rules against Kafka's Replica and Partition: when a follower counts as
// caught up (its fetch reached the leader's end then, or the end of the leader's previous fetch),
// which followers hold the high watermark back, who joins and who leaves the ISR.
import { describe, expect, it } from 'vitest';
import { LeaderIsr } from '../../../daemon/replication/isr.js';
import { DelayedProduces } from '../../../daemon/replication/delayed-produce.js';
import { ErrorCode } from '../../../src/protocol/errors.js';

const LAG = 1_000;
const anyone = () => true;

describe('LeaderIsr', () => {
  it('counts a follower caught up from the time of the fetch before, when it fetched up to the leader end of that time', () => {
    const isr = new LeaderIsr(1, [1, 2], [1, 2], 0n, 0, null);
    isr.recordFetch(2, 10n, 10n, 100, null); // caught up at 100
    isr.recordFetch(2, 10n, 15n, 900, null); // behind, but has what the leader had at 100... its previous fetch
    expect(isr.followers.get(2)!.lastCaughtUpTimeMs).toBe(100);
    isr.recordFetch(2, 15n, 20n, 1_500, null); // reached the leader end of the fetch at 900
    expect(isr.followers.get(2)!.lastCaughtUpTimeMs).toBe(900);
    expect(isr.outOfSync(20n, 1_900, LAG)).toEqual([]);
    expect(isr.outOfSync(20n, 1_901, LAG)).toEqual([2]);
    // A follower with exactly the leader's end is in sync however long ago it fetched.
    expect(isr.outOfSync(15n, 60_000, LAG)).toEqual([]);
  });

  it('holds the high watermark for ISR members and for caught-up followers about to join, not for a laggard outside', () => {
    const isr = new LeaderIsr(1, [1, 2, 3], [1, 2], 0n, 10_000, null);
    isr.recordFetch(2, 8n, 10n, 10_000, null);
    isr.recordFetch(3, 5n, 10n, 10_000, null);
    expect(isr.highWatermark(10n, 10_000, LAG, anyone)).toBe(8n);
    // Broker 3 is outside the ISR: counted while caught up within the lag, ignored after.
    isr.recordFetch(3, 10n, 10n, 10_100, null);
    isr.recordFetch(3, 6n, 12n, 10_200, null);
    expect(isr.highWatermark(12n, 11_000, LAG, anyone)).toBe(6n);
    expect(isr.highWatermark(12n, 11_101, LAG, anyone)).toBe(8n);
    expect(isr.highWatermark(12n, 11_000, LAG, (id) => id !== 3)).toBe(8n);
  });

  it('proposes one change at a time and counts the larger ISR while it is in flight', () => {
    const isr = new LeaderIsr(1, [1, 2, 3], [1, 2], 4n, 0, null);
    isr.recordFetch(3, 3n, 6n, 0, null);
    expect(isr.expansionFor(3, 3n, anyone)).toBeNull(); // below this leader's first offset
    isr.recordFetch(3, 5n, 6n, 0, null);
    expect(isr.expansionFor(3, 6n, anyone)).toBeNull(); // below the high watermark
    const change = isr.propose(isr.expansionFor(3, 5n, anyone)!);
    expect(change.isr).toEqual([1, 2, 3]);
    expect(isr.maximalIsr).toEqual([1, 2, 3]);
    expect(isr.outOfSync(6n, 60_000, LAG)).toEqual([]); // nothing else while pending
    isr.abandon(change);
    expect(isr.maximalIsr).toEqual([1, 2]);
    isr.applyCommittedIsr([1, 2, 3]);
    expect(isr.isr).toEqual([1, 2, 3]);
  });

  it('starts a new leader epoch with ISR members caught up now and the others never', () => {
    const previous = new LeaderIsr(1, [1, 2, 3], [1, 2, 3], 0n, 0, null);
    previous.recordFetch(2, 7n, 7n, 50, 11n);
    const next = new LeaderIsr(1, [1, 2, 3], [1, 2], 7n, 500, previous);
    expect(next.followers.get(2)).toEqual({ logEndOffset: 7n, lastFetchLeaderLogEndOffset: 7n, lastFetchTimeMs: 500, lastCaughtUpTimeMs: 500, brokerEpoch: 11n });
    expect(next.followers.get(3)).toMatchObject({ logEndOffset: -1n, lastCaughtUpTimeMs: 0 });
  });
});

describe('DelayedProduces', () => {
  it('answers at once when already done, on a later check when done, and fails all on demand', async () => {
    let hw = 5n;
    const produces = new DelayedProduces((offset, minIsr) => (hw >= offset ? { done: true, errorCode: minIsr > 2 ? ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND : ErrorCode.NONE } : { done: false, errorCode: ErrorCode.NONE }));
    expect(await produces.await(5n, 2, 10_000)).toBe(ErrorCode.NONE);
    const later = produces.await(8n, 3, 10_000);
    const failed = produces.await(20n, 2, 10_000);
    expect(produces.size).toBe(2);
    hw = 9n;
    produces.checkAll();
    expect(await later).toBe(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
    produces.failAll(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(await failed).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(produces.size).toBe(0);
  });
});
