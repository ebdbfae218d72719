// acks=all produces waiting for the ISR (Kafka's DelayedProduce in a purgatory keyed by
// partition): each waits until the partition says its offset is replicated (or fails it), or
// answers REQUEST_TIMED_OUT when the request's timeout runs out. The partition re-checks its
// waiters whenever the high watermark, the ISR or the leadership changes.
import { ErrorCode } from '../../src/protocol/errors.js';

/** Whether a produce's last offset is replicated enough to answer, and with which error. */
export type ReplicationCheck = (requiredOffset: bigint, minInsyncReplicas: number) => { done: boolean; errorCode: number };

interface Waiter {
  requiredOffset: bigint;
  minInsyncReplicas: number;
  finish(errorCode: number): void;
}

export class DelayedProduces {
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly check: ReplicationCheck) {}

  get size(): number {
    return this.waiters.size;
  }

  /** Resolves with the produce's error code (NONE once replicated) when done or timed out. */
  await(requiredOffset: bigint, minInsyncReplicas: number, timeoutMs: number): Promise<number> {
    const first = this.check(requiredOffset, minInsyncReplicas);
    if (first.done) return Promise.resolve(first.errorCode);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        requiredOffset,
        minInsyncReplicas,
        finish: (errorCode) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(errorCode);
        },
      };
      const timer = setTimeout(() => waiter.finish(ErrorCode.REQUEST_TIMED_OUT), timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Answers every waiter whose offset the partition now says is done. */
  checkAll(): void {
    for (const waiter of [...this.waiters]) {
      const result = this.check(waiter.requiredOffset, waiter.minInsyncReplicas);
      if (result.done) waiter.finish(result.errorCode);
    }
  }

  /** The partition stopped leading or went away: every waiter gets this error. */
  failAll(errorCode: number): void {
    for (const waiter of [...this.waiters]) waiter.finish(errorCode);
  }
}
