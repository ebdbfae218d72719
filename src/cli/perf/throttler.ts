// Kafka's ThroughputThrottler: after each send, if the rate so far is above the target, sleep off
// the accumulated "sleep deficit" (1/target per record) once it reaches 2 ms. The sleep is a
// timer here, so acknowledgements keep arriving while the sender waits.

const NS_PER_MS = 1_000_000;
const NS_PER_SEC = 1_000 * NS_PER_MS;
const MIN_SLEEP_NS = 2 * NS_PER_MS;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class ThroughputThrottler {
  private readonly sleepTimeNs: number;
  private sleepDeficitNs = 0;

  /** A negative target never throttles; 0 is refused by the options (Kafka would block forever). */
  constructor(
    private readonly targetThroughput: number,
    private readonly startMs: number,
  ) {
    this.sleepTimeNs = targetThroughput > 0 ? Math.trunc(NS_PER_SEC / targetThroughput) : Number.MAX_SAFE_INTEGER;
  }

  /** Whether `amountSoFar` records sent by `sendStartMs` is above the target rate. */
  shouldThrottle(amountSoFar: number, sendStartMs: number): boolean {
    if (this.targetThroughput < 0) return false;
    // Kafka computes the elapsed seconds as a float.
    const elapsedSec = Math.fround((sendStartMs - this.startMs) / 1000);
    return elapsedSec > 0 && amountSoFar / elapsedSec > this.targetThroughput;
  }

  /** Adds one record's share of sleep, and sleeps when the deficit is worth a timer. */
  async throttle(): Promise<void> {
    this.sleepDeficitNs += this.sleepTimeNs;
    if (this.sleepDeficitNs < MIN_SLEEP_NS) return;
    const started = process.hrtime.bigint();
    let remaining = this.sleepDeficitNs;
    while (remaining > 0) {
      await sleep(Math.max(1, Math.ceil(remaining / NS_PER_MS)));
      remaining = this.sleepDeficitNs - Number(process.hrtime.bigint() - started);
    }
    this.sleepDeficitNs = 0;
  }
}
