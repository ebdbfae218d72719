// ConsumerPerformance's lines: the header, a detailed row per reporting interval, the final row
// and the timeout warning, with Java's %.4f.
import { javaFixed } from './java-format.js';

const MB = 1024 * 1024;
const FETCH_COLUMNS = ', rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';

export function headerLine(showDetailedStats: boolean): string {
  const first = showDetailedStats ? 'time, threadId' : 'start.time, end.time';
  return `${first}, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec${FETCH_COLUMNS}\n`;
}

export function timeoutWarning(timeoutMs: number): string {
  return `WARNING: Exiting before consuming the expected number of messages: timeout (${timeoutMs} ms) exceeded. You can use the --timeout option to increase the timeout.\n`;
}

export interface ConsumerTotals {
  startMs: number;
  endMs: number;
  bytes: number;
  messages: number;
  rebalanceMs: number;
}

export interface ConsumerSummary {
  startMs: number;
  endMs: number;
  mbConsumed: number;
  mbPerSec: number;
  messages: number;
  messagesPerSec: number;
  rebalanceTimeMs: number;
  fetchTimeMs: number;
  fetchMbPerSec: number;
  fetchMessagesPerSec: number;
}

/** The final figures: rates over the whole run, and over the run less the time spent rebalancing. */
export function summarize(t: ConsumerTotals): ConsumerSummary {
  const elapsedSec = (t.endMs - t.startMs) / 1000;
  const fetchTimeMs = t.endMs - t.startMs - t.rebalanceMs;
  const mb = t.bytes / MB;
  return {
    startMs: t.startMs,
    endMs: t.endMs,
    mbConsumed: mb,
    mbPerSec: mb / elapsedSec,
    messages: t.messages,
    messagesPerSec: t.messages / elapsedSec,
    rebalanceTimeMs: t.rebalanceMs,
    fetchTimeMs,
    fetchMbPerSec: mb / (fetchTimeMs / 1000),
    fetchMessagesPerSec: t.messages / (fetchTimeMs / 1000),
  };
}

export function totalRow(s: ConsumerSummary, formatDate: (ms: number) => string): string {
  const f = (n: number): string => javaFixed(n, 4);
  return (
    `${formatDate(s.startMs)}, ${formatDate(s.endMs)}, ${f(s.mbConsumed)}, ${f(s.mbPerSec)}, ${s.messages}, ${f(s.messagesPerSec)}, ` +
    `${s.rebalanceTimeMs}, ${s.fetchTimeMs}, ${f(s.fetchMbPerSec)}, ${f(s.fetchMessagesPerSec)}\n`
  );
}

export interface IntervalProgress {
  bytes: number;
  lastBytes: number;
  messages: number;
  lastMessages: number;
  startMs: number;
  endMs: number;
  rebalanceMs: number;
}

/** printConsumerProgress: the interval's rates, the fetch rates net of that interval's rebalancing (0 when none is left). */
export function detailedRow(p: IntervalProgress, formatDate: (ms: number) => string): string {
  const f = (n: number): string => javaFixed(n, 4);
  const elapsedMs = p.endMs - p.startMs;
  const intervalMb = (p.bytes - p.lastBytes) / MB;
  const intervalMessages = p.messages - p.lastMessages;
  const fetchTimeMs = elapsedMs - p.rebalanceMs;
  const fetchMbPerSec = fetchTimeMs <= 0 ? 0 : (1000 * intervalMb) / fetchTimeMs;
  const fetchMessagesPerSec = fetchTimeMs <= 0 ? 0 : (1000 * intervalMessages) / fetchTimeMs;
  return (
    `${formatDate(p.endMs)}, 0, ${f(p.bytes / MB)}, ${f((1000 * intervalMb) / elapsedMs)}, ${p.messages}, ${f((intervalMessages / elapsedMs) * 1000)}, ` +
    `${p.rebalanceMs}, ${fetchTimeMs}, ${f(fetchMbPerSec)}, ${f(fetchMessagesPerSec)}\n`
  );
}
