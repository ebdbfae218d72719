// The consumer perf test's loop, as ConsumerPerformance runs it: subscribe through the group,
// poll (100 ms) until --messages records were read or no record came for --timeout ms, counting
// key and value bytes, a detailed row when a reporting interval has passed. The time spent
// joining the group (from the start, or from the rejoin, to the assignment) is the rebalance
// time; the rest is fetch time.
import type { GroupConsumer } from '../../client/group-consumer.js';
import type { IntervalProgress } from './consumer-report.js';

const POLL_MS = 100;

export interface ConsumerRunPlan {
  topic: string;
  numMessages: number;
  timeoutMs: number;
  reportingIntervalMs: number;
  maxPollRecords: number;
  /** Called per reporting interval (only with --show-detailed-stats). */
  onInterval: ((progress: IntervalProgress) => void) | null;
}

export interface ConsumerRunResult {
  messages: number;
  bytes: number;
  rebalanceMs: number;
  timedOut: boolean;
}

/**
 * Times each join of the group as Kafka's ConsumerRebalanceListener does: the first from the
 * start of the run, later ones from when the member starts rejoining, each until its assignment.
 * GroupConsumer has no rebalance listener, so the member's joinGroup is wrapped.
 */
function timeJoins(group: GroupConsumer, startMs: number, onJoined: (ms: number) => void): void {
  const member = group.member;
  const join = member.joinGroup.bind(member);
  let joined = false;
  member.joinGroup = async (topics, owned) => {
    const joinStartMs = joined ? Date.now() : startMs;
    const assigned = await join(topics, owned);
    joined = true;
    onJoined(Date.now() - joinStartMs);
    return assigned;
  };
}

export async function runConsumerPerf(group: GroupConsumer, plan: ConsumerRunPlan, startMs: number, progress?: (messages: number) => void): Promise<ConsumerRunResult> {
  let rebalanceMs = 0;
  // Kafka's rows show the join time of the first interval only: after the first row its loop
  // resets a counter the listener no longer updates, so later rows say 0. tk prints the same.
  let firstIntervalRebalanceMs = 0;
  let reported = false;
  timeJoins(group, startMs, (ms) => {
    rebalanceMs += ms;
    firstIntervalRebalanceMs += ms;
  });
  group.subscribe([plan.topic]);

  let messages = 0;
  let bytes = 0;
  let lastMessages = 0;
  let lastBytes = 0;
  let now = Date.now();
  let lastReportMs = now;
  let lastConsumedMs = now;
  while (messages < plan.numMessages && now - lastConsumedMs <= plan.timeoutMs) {
    const records = await group.poll(POLL_MS, plan.maxPollRecords);
    now = Date.now();
    if (records.length > 0) lastConsumedMs = now;
    for (const record of records) {
      messages++;
      if (record.key !== null) bytes += record.key.length;
      if (record.value !== null) bytes += record.value.length;
      if (now - lastReportMs >= plan.reportingIntervalMs) {
        plan.onInterval?.({ bytes, lastBytes, messages, lastMessages, startMs: lastReportMs, endMs: now, rebalanceMs: reported ? 0 : firstIntervalRebalanceMs });
        reported = true;
        lastReportMs = now;
        lastMessages = messages;
        lastBytes = bytes;
      }
    }
    progress?.(messages);
  }
  return { messages, bytes, rebalanceMs, timedOut: messages < plan.numMessages };
}
