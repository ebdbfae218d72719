// Coordinator deadlines: read from the clock, fired in deadline order, replaced and cancelled by
// key, and a "never" (Kafka's Long.MAX_VALUE-like timeouts) that does not fire at once.
import { describe, expect, it } from 'vitest';
import { CoordinatorTimers } from '../../../daemon/coordinator/timers.js';

describe('coordinator timers', () => {
  it('fires what is due in deadline order, after replacement and cancellation by key', () => {
    let now = 0;
    const timers = new CoordinatorTimers({ now: () => now }, false);
    const fired: string[] = [];
    timers.schedule('a', 300, () => fired.push('a'));
    timers.schedule('b', 100, () => fired.push('b'));
    timers.schedule('c', 200, () => fired.push('c'));
    timers.schedule('a', 150, () => fired.push('a2'));
    timers.cancel('c');
    timers.schedule('g\u0000x', 10, () => fired.push('gx'));
    timers.cancelPrefix('g\u0000');
    now = 99;
    timers.fireExpired();
    expect(fired).toEqual([]);
    now = 1000;
    timers.fireExpired();
    expect(fired).toEqual(['b', 'a2']);
  });

  it('keeps running the others when a task throws, and reports it', () => {
    let now = 0;
    const errors: string[] = [];
    const timers = new CoordinatorTimers({ now: () => now }, false, (key) => errors.push(key));
    const fired: string[] = [];
    timers.schedule('bad', 1, () => {
      throw new Error('boom');
    });
    timers.schedule('good', 2, () => fired.push('good'));
    now = 10;
    timers.fireExpired();
    expect(errors).toEqual(['bad']);
    expect(fired).toEqual(['good']);
  });

  it('on node timers, fires a short deadline and not one beyond the 2^31-1 ms timer range', async () => {
    const timers = new CoordinatorTimers({ now: () => Date.now() });
    const fired: string[] = [];
    timers.schedule('never', 2 ** 40, () => fired.push('never'));
    timers.schedule('infinite', Infinity, () => fired.push('infinite'));
    timers.schedule('soon', 20, () => fired.push('soon'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(fired).toEqual(['soon']);
    timers.shutdown();
  });
});
