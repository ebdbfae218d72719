// `tk consumer-groups --describe --watch` (beyond Kafka): the offsets view redrawn every second
// on a terminal, with each partition's consume rate (records/s, from CURRENT-OFFSET between two
// samples) and the time the group needs to catch up at that rate (LAG / rate).
import type { Terminal } from '../terminal.js';
import { lagOf, MISSING, type GroupOffsets } from './render.js';

export const WATCH_NEEDS_TERMINAL = '--watch redraws the screen every second: it needs a terminal (stdout is not one)';
export const CLEAR_SCREEN = '\x1b[2J\x1b[H';

/** One sample of every group's committed offsets, taken at `atMs`. */
export interface Sample {
  atMs: number;
  groups: GroupOffsets[];
}

const keyOf = (group: string, topic: string, partition: number): string => `${group}\0${topic}\0${partition}`;

/** Records per second each partition's committed offset advanced between two samples. */
export function consumeRates(previous: Sample | null, current: Sample): Map<string, number> {
  const rates = new Map<string, number>();
  if (!previous || current.atMs <= previous.atMs) return rates;
  const before = new Map(previous.groups.flatMap((g) => g.rows.map((r) => [keyOf(g.group, r.topic, r.partition), r.offset] as const)));
  const seconds = (current.atMs - previous.atMs) / 1000;
  for (const g of current.groups) {
    for (const r of g.rows) {
      const was = before.get(keyOf(g.group, r.topic, r.partition));
      if (was === undefined || was === null || r.offset === null) continue;
      rates.set(keyOf(g.group, r.topic, r.partition), Math.max(0, Number(r.offset - was)) / seconds);
    }
  }
  return rates;
}

/** A duration for people: 42s, 3m05s, 2h07m; `∞` when nothing is consumed while lag remains. */
export function formatEta(lag: bigint | null, rate: number | undefined): string {
  if (lag === null || rate === undefined) return MISSING;
  if (lag <= 0n) return '0s';
  if (rate <= 0) return '∞';
  const total = Math.ceil(Number(lag) / rate);
  if (total < 60) return `${total}s`;
  if (total < 3600) return `${Math.floor(total / 60)}m${String(total % 60).padStart(2, '0')}s`;
  return `${Math.floor(total / 3600)}h${String(Math.floor((total % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatRate(rate: number | undefined): string {
  return rate === undefined ? MISSING : rate >= 100 ? rate.toFixed(0) : rate.toFixed(1);
}

/** One screen: a heading, then per group a table of its partitions with RATE and ETA. */
export function renderWatchScreen(sample: Sample, rates: Map<string, number>, terminal: Terminal, intervalMs: number): string {
  const { colours } = terminal;
  let screen = `${CLEAR_SCREEN}${colours.strong('tk consumer-groups --watch')}  ${colours.faint(`every ${intervalMs / 1000}s, Ctrl-C to stop · ${new Date(sample.atMs).toISOString()}`)}\n`;
  for (const g of sample.groups) {
    screen += `\n${colours.strong(g.group)}  ${g.state === 'Stable' ? g.state : colours.warn(g.state)}\n`;
    if (g.rows.length === 0) {
      screen += `${colours.faint('no committed offsets and no assigned partitions')}\n`;
      continue;
    }
    const rows = g.rows.map((r) => {
      const lag = lagOf(r);
      const rate = rates.get(keyOf(g.group, r.topic, r.partition));
      const lagText = lag === null ? MISSING : String(lag);
      return [
        r.topic,
        String(r.partition),
        r.offset === null ? MISSING : String(r.offset),
        r.logEndOffset === null ? MISSING : String(r.logEndOffset),
        lag !== null && lag > 0n && (rate ?? 0) <= 0 ? colours.warn(lagText) : lagText,
        formatRate(rate),
        formatEta(lag, rate),
        r.consumerId ?? MISSING,
        r.host ?? MISSING,
        r.clientId ?? MISSING,
      ];
    });
    screen += terminal.table(['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'RATE/s', 'ETA', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'], rows);
  }
  return screen;
}

/** Samples and redraws every `intervalMs` until SIGINT or SIGTERM; resolves then. */
export async function watchOffsets(collect: () => Promise<GroupOffsets[]>, terminal: Terminal, write: (text: string) => void, intervalMs = 1000): Promise<void> {
  let stopped = false;
  let wake: () => void = () => {};
  const stop = (): void => {
    stopped = true;
    wake();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let previous: Sample | null = null;
  try {
    while (!stopped) {
      const sample: Sample = { atMs: Date.now(), groups: await collect() };
      if (stopped) break;
      write(renderWatchScreen(sample, consumeRates(previous, sample), terminal, intervalMs));
      previous = sample;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, Math.max(0, intervalMs - (Date.now() - sample.atMs)));
      });
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
