// The group scenarios every client library must pass against the daemon (the Must-show):
// three members of one group split a 6-partition topic; a member that leaves, or is killed, has
// its partitions taken over; committed offsets survive a broker restart. Used by the per-library
// test files with the library name test/compat/python/groups_*.py understand, or kafkajs (whose
// member, test/compat/kafkajs/group-member.mjs, prints the same event lines).
import { expect } from 'vitest';
import { startTool, type RunningBroker, type RunningTool } from '../harness/broker.js';
import { connectTo, mustCreateTopic, mustProduce, textBatch } from '../integration/raw-kafka.js';

export type GroupLibrary = 'kafka-python' | 'confluent' | 'kafkajs';

const PYTHON = '/usr/bin/python3';
export const SESSION_MS = 6000;
const ALL_PARTITIONS = [0, 1, 2, 3, 4, 5];

export interface Member {
  tool: RunningTool;
  /** The partitions of the member's last assignment; empty before the first one. */
  assigned(): number[];
}

export function startMember(library: GroupLibrary, broker: RunningBroker, topic: string, group: string): Member {
  const tool =
    library === 'kafkajs'
      ? startTool('node', ['test/compat/kafkajs/group-member.mjs', broker.bootstrap, topic, group, String(SESSION_MS)])
      : startTool(PYTHON, ['test/compat/python/groups_member.py', library, broker.bootstrap, topic, group, String(SESSION_MS)]);
  return {
    tool,
    assigned() {
      const events = tool
        .stdout()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { event: string; partitions?: number[] });
      const last = events.filter((e) => e.event === 'assigned' || e.event === 'revoked').at(-1);
      return last?.event === 'assigned' ? (last.partitions ?? []) : [];
    },
  };
}

/** True when each member holds a non-empty share, no partition twice, and together all six. */
export function splitsEvenly(assignments: number[][]): boolean {
  const all = assignments.flat().sort((a, b) => a - b);
  return assignments.every((a) => a.length > 0) && JSON.stringify(all) === JSON.stringify(ALL_PARTITIONS);
}

/** Waits, bounded, until the live members split the topic; fails with what each one holds. */
export async function waitForSplit(members: Member[], timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!splitsEvenly(members.map((m) => m.assigned()))) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`members did not split the partitions within ${timeoutMs} ms: ${JSON.stringify(members.map((m) => m.assigned()))}\n${members.map((m) => m.tool.stderr().slice(-2000)).join('\n---\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Date.now() - started;
}

export async function createSixPartitionTopic(broker: RunningBroker, topic: string): Promise<void> {
  const c = await connectTo(broker, 'groups-setup');
  try {
    await mustCreateTopic(c, topic, {}, 6);
  } finally {
    c.close();
  }
}

/** How long the partitions took to move to the remaining members, and whether the leaver said goodbye. */
export interface Handover {
  /** The leaving member closed (LeaveGroup) before exiting. */
  leftCleanly: boolean;
  afterLeaveMs: number;
  afterKillMs: number;
}

/** Three members split the topic; one leaves (SIGTERM → close()), then one is killed (SIGKILL). */
export async function rebalanceScenario(library: GroupLibrary, broker: RunningBroker, topic: string, group: string): Promise<Handover> {
  await createSixPartitionTopic(broker, topic);
  const members = [0, 1, 2].map(() => startMember(library, broker, topic, group));
  await waitForSplit(members, 30_000);

  const leaving = members.shift()!;
  const left = await leaving.tool.stop('SIGTERM');
  const afterLeaveMs = await waitForSplit(members, SESSION_MS);

  members.push(startMember(library, broker, topic, group));
  await waitForSplit(members, 30_000);
  const killed = members.shift()!;
  await killed.tool.stop('SIGKILL');
  const afterKillMs = await waitForSplit(members, SESSION_MS + 10_000);
  await Promise.all(members.map((m) => m.tool.stop('SIGTERM')));
  return { leftCleanly: left.stdout.includes('"closed"'), afterLeaveMs, afterKillMs };
}

/**
 * What every library must show: a member that leaves says so, and the others take over at once,
 * well within a session timeout; a killed member says nothing, so its partitions move only once
 * its session expires, and the rebalance that follows completes promptly.
 */
export function expectKafkaHandover(handover: Handover): void {
  expect(handover.leftCleanly).toBe(true);
  expect(handover.afterLeaveMs).toBeLessThan(SESSION_MS);
  expect(handover.afterKillMs).toBeGreaterThan(SESSION_MS / 2);
  expect(handover.afterKillMs).toBeLessThan(SESSION_MS + 10_000);
}

interface ResumeResult {
  offsets: number[];
  committed: Record<string, number>;
}

async function consumeAndCommit(library: GroupLibrary, broker: RunningBroker, topic: string, group: string, count: number): Promise<ResumeResult> {
  const tool = startTool(PYTHON, ['test/compat/python/groups_resume.py', library, broker.bootstrap, topic, group, String(count)]);
  const result = await tool.exit;
  const last = result.stdout.trim().split('\n').pop() ?? '';
  if (result.code !== 0 || !last.startsWith('{')) throw new Error(`groups_resume.py exited with ${result.code}\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(last) as ResumeResult;
}

/** Consume N and commit, restart the broker, and a new member of the group resumes at N. */
export async function resumeAfterRestartScenario(library: GroupLibrary, broker: RunningBroker, topic: string, group: string): Promise<RunningBroker> {
  const c = await connectTo(broker, 'groups-setup');
  await mustCreateTopic(c, topic, {}, 1);
  await mustProduce(c, topic, 0, textBatch(Array.from({ length: 10 }, (_, i) => `first-${i}`)));
  c.close();
  const first = await consumeAndCommit(library, broker, topic, group, 10);
  expect(first.offsets).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(first.committed).toEqual({ 0: 10 });

  const restarted = await broker.restart();
  const after = await connectTo(restarted, 'groups-setup');
  await mustProduce(after, topic, 0, textBatch(Array.from({ length: 5 }, (_, i) => `second-${i}`)));
  after.close();
  const second = await consumeAndCommit(library, restarted, topic, group, 5);
  expect(second.offsets).toEqual([10, 11, 12, 13, 14]);
  expect(second.committed).toEqual({ 0: 15 });
  return restarted;
}
