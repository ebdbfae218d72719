// Time and deferred work, injected (STYLE.md): tests drive retention, rolls and delayed deletes
// with a hand-moved clock and a scheduler they run by hand.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface Scheduler {
  /** Runs `task` every `periodMs`; a run that is still going when the next is due is not doubled. */
  schedulePeriodic(name: string, periodMs: number, task: () => Promise<void>): void;
  /** Runs `task` once after `delayMs`. */
  scheduleOnce(name: string, delayMs: number, task: () => Promise<void>): void;
  /** Cancels what has not started and waits for what has. */
  shutdown(): Promise<void>;
}

/** Node fires a timer longer than 2^31-1 ms after 1 ms; Kafka's "never" (Long.MAX_VALUE) must not become "always". */
const MAX_TIMER_MS = 2 ** 31 - 1;

function timerDelay(ms: number): number {
  return Math.min(Math.max(ms, 1), MAX_TIMER_MS);
}

/** A Scheduler on node's timers. Timers are unref'd: scheduled work never keeps the process alive. */
export class TimerScheduler implements Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly onError: (name: string, err: unknown) => void = () => {}) {}

  schedulePeriodic(name: string, periodMs: number, task: () => Promise<void>): void {
    if (this.stopped) return;
    let busy = false;
    const timer = setInterval(() => {
      if (busy || this.stopped) return;
      busy = true;
      this.track(name, task).finally(() => (busy = false));
    }, timerDelay(periodMs));
    timer.unref();
    this.timers.add(timer);
  }

  scheduleOnce(name: string, delayMs: number, task: () => Promise<void>): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) void this.track(name, task);
    }, timerDelay(delayMs));
    timer.unref();
    this.timers.add(timer);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([...this.running]);
  }

  private track(name: string, task: () => Promise<void>): Promise<void> {
    const run = task()
      .catch((err: unknown) => this.onError(name, err))
      .finally(() => this.running.delete(run));
    this.running.add(run);
    return run;
  }
}
