import { describe, expect, it } from 'vitest';
import { loadTerminal } from '../../../src/cli/terminal.js';
import { consumeRates, formatEta, renderWatchScreen, type Sample } from '../../../src/cli/consumer-groups/watch.js';

const sample = (atMs: number, offset: bigint | null, logEndOffset: bigint): Sample => ({
  atMs,
  groups: [{ group: 'g', state: 'Stable', rows: [{ group: 'g', topic: 'orders', partition: 0, offset, logEndOffset, consumerId: 'm', host: '/127.0.0.1', clientId: 'c' }] }],
});

describe('--watch', () => {
  it('measures the consume rate from committed offsets between two samples', () => {
    expect(consumeRates(sample(0, 100n, 500n), sample(2000, 300n, 900n))).toEqual(new Map([['g\0orders\x000', 100]]));
    expect(consumeRates(null, sample(0, 1n, 1n)).size).toBe(0);
    expect(consumeRates(sample(0, null, 5n), sample(1000, 3n, 5n)).size).toBe(0);
  });

  it('turns lag and rate into the time to catch up', () => {
    expect(formatEta(600n, 100)).toBe('6s');
    expect(formatEta(30_000n, 100)).toBe('5m00s');
    expect(formatEta(1_000_000n, 100)).toBe('2h46m');
    expect(formatEta(5n, 0)).toBe('∞');
    expect(formatEta(0n, 0)).toBe('0s');
    expect(formatEta(null, 3)).toBe('-');
    expect(formatEta(5n, undefined)).toBe('-');
  });

  it('draws a screen: cleared, then a table per group with RATE/s and ETA', async () => {
    const screen = renderWatchScreen(sample(2000, 300n, 900n), new Map([['g\0orders\x000', 100]]), await loadTerminal(0), 1000);
    expect(screen.startsWith('\x1b[2J\x1b[H')).toBe(true);
    expect(screen).toMatch(/RATE\/s\s*│\s*ETA/);
    expect(screen).toMatch(/orders\s*│\s*0\s*│\s*300\s*│\s*900\s*│\s*600\s*│\s*100\s*│\s*6s\s*│/);
  });
});
