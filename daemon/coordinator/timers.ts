// Keyed deadlines for the group coordinator (session, rebalance, initial-delay and sync timeouts).
// Deadlines are read from the injected Clock, so tests move a fake clock and call fireExpired();
// in the broker one node timer, armed for the earliest deadline, does the same.
import type { Clock } from '../log/clock.js';

/** Node fires a timer longer than 2^31-1 ms after 1 ms: clamp, and re-arm when it fires early. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Deadline {
  at: number;
  task: () => void;
}

export class CoordinatorTimers {
  private readonly deadlines = new Map<string, Deadline>();
  private armed: NodeJS.Timeout | null = null;
  private armedAt = Infinity;

  /** With `autoFire` false nothing runs until fireExpired() is called (tests). */
  constructor(
    private readonly clock: Clock,
    private readonly autoFire = true,
    private readonly onError: (key: string, err: unknown) => void = () => {},
  ) {}

  /** Runs `task` once `delayMs` from now, replacing what was scheduled under `key`. */
  schedule(key: string, delayMs: number, task: () => void): void {
    const delay = Number.isFinite(delayMs) ? Math.max(0, delayMs) : MAX_TIMER_MS;
    const at = this.clock.now() + delay;
    this.deadlines.set(key, { at, task });
    // Heartbeats reschedule all the time: only a deadline earlier than the armed one re-arms.
    if (at < this.armedAt) this.armFor(at);
  }

  cancel(key: string): void {
    this.deadlines.delete(key);
  }

  /** Cancels every deadline whose key starts with `prefix` (a group being unloaded). */
  cancelPrefix(prefix: string): void {
    for (const key of [...this.deadlines.keys()]) if (key.startsWith(prefix)) this.deadlines.delete(key);
  }

  /** Runs every task whose deadline has passed, earliest first. */
  fireExpired(): void {
    const now = this.clock.now();
    const due = [...this.deadlines].filter(([, d]) => d.at <= now).sort((a, b) => a[1].at - b[1].at);
    for (const [key, deadline] of due) {
      // An earlier task may have cancelled or replaced this one.
      if (this.deadlines.get(key) !== deadline) continue;
      this.deadlines.delete(key);
      try {
        deadline.task();
      } catch (err) {
        this.onError(key, err);
      }
    }
    this.arm();
  }

  shutdown(): void {
    this.deadlines.clear();
    if (this.armed) clearTimeout(this.armed);
    this.armed = null;
    this.armedAt = Infinity;
  }

  /** Arms the node timer for the earliest deadline (one that was cancelled just fires early and re-arms). */
  private arm(): void {
    let earliest = Infinity;
    for (const d of this.deadlines.values()) if (d.at < earliest) earliest = d.at;
    if (earliest !== Infinity) this.armFor(earliest);
  }

  private armFor(earliest: number): void {
    if (!this.autoFire || earliest >= this.armedAt) return;
    if (this.armed) clearTimeout(this.armed);
    this.armedAt = earliest;
    this.armed = setTimeout(() => {
      this.armed = null;
      this.armedAt = Infinity;
      this.fireExpired();
    }, Math.min(Math.max(earliest - this.clock.now(), 1), MAX_TIMER_MS));
    this.armed.unref();
  }
}
