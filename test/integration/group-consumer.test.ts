// `tk console-consumer --group` as users run it (the built binary, stdout a pipe) against a
// harness broker's group coordinator: members split a topic's partitions, committed offsets
// carry a group from one run to the next, a leaving member's partitions move to the others, and
// a kafka-python member (range assignor on both sides) shares a group with a tk member.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PYTHON, runTool, startBroker, startTool, type RunningBroker, type RunningTool } from '../harness/broker.js';

let broker: RunningBroker;

beforeAll(async () => {
  // A new group's first rebalance waits 3 s for more members by default; the tests wait for members themselves.
  broker = await startBroker({ overrides: { 'group.initial.rebalance.delay.ms': '0' } });
}, 60_000);

afterAll(async () => {
  await broker.stop();
});

async function createTopic(topic: string, partitions: number): Promise<void> {
  const created = await runTool('node', ['bin/run.js', 'topics', '--bootstrap-server', broker.bootstrap, '--create', '--topic', topic, '--partitions', String(partitions)]);
  expect(created.code, created.stderr).toBe(0);
}

/** `count` records into every partition, valued `<prefix>p<partition>-<i>`; returns the values. */
async function produceEach(topic: string, partitions: number, count: number, prefix: string): Promise<string[]> {
  const values: string[] = [];
  for (let p = 0; p < partitions; p++) {
    const lines = Array.from({ length: count }, (_, i) => `${prefix}p${p}-${i}`);
    const result = await runTool('kcat', ['-P', '-b', broker.bootstrap, '-t', topic, '-p', String(p)], { input: `${lines.join('\n')}\n` });
    expect(result.code, result.stderr).toBe(0);
    values.push(...lines);
  }
  return values.sort();
}

const member = (topic: string, group: string, ...extra: string[]): RunningTool =>
  startTool('node', ['bin/run.js', 'console-consumer', '--bootstrap-server', broker.bootstrap, '--topic', topic, '--group', group, '--from-beginning', '--consumer-property', 'heartbeat.interval.ms=300', ...extra]);

const lines = (text: string): string[] => text.split('\n').filter((l) => l.length > 0);

/** The members' assignments as `tk consumer-groups --describe --members --verbose` shows them, once the group is stable with `members` members covering `partitions`. */
async function awaitStable(group: string, members: number, partitions: number): Promise<string[][]> {
  const deadline = Date.now() + 30_000;
  let last = '';
  while (Date.now() < deadline) {
    const result = await runTool('node', ['bin/run.js', 'consumer-groups', '--bootstrap-server', broker.bootstrap, '--describe', '--group', group, '--members', '--verbose']);
    last = result.stdout + result.stderr;
    const rows = lines(result.stdout).slice(1).map((l) => l.trim().split(/\s+/));
    const assigned = rows.map((r) => r[r.length - 1]).filter((a) => a !== '-');
    const covered = assigned.flatMap((a) => /\(([\d,]+)\)/.exec(a)?.[1].split(',') ?? []);
    if (!/rebalancing/.test(result.stderr) && rows.length === members && covered.length === partitions) return rows;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`group ${group} did not settle with ${members} members on ${partitions} partitions:\n${last}`);
}

const processed = (n: number): string => `Processed a total of ${n} messages\n`;

/** Resolves once `done()` holds, checked every 100 ms; rejects with `what` after `timeoutMs`. */
async function until(done: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('tk console-consumer --group', () => {
  it('two members split a 6-partition topic: every record printed exactly once; a third run resumes from the committed offsets', async () => {
    await createTopic('split', 6);
    const a = member('split', 'g-split');
    const b = member('split', 'g-split');
    const rows = await awaitStable('g-split', 2, 6);
    expect(rows.map((r) => r[4]).sort()).toEqual(['3', '3']);
    const first = await produceEach('split', 6, 10, '');
    await until(() => lines(a.stdout()).length + lines(b.stdout()).length >= first.length, 'both members printed every record');
    const [endA, endB] = await Promise.all([a.stop(), b.stop()]);
    const printedA = lines(endA.stdout);
    const printedB = lines(endB.stdout);
    expect([...printedA, ...printedB].sort()).toEqual(first);
    expect(printedA.length).toBe(30);
    expect(endA.stderr).toBe(processed(30));
    expect(endB.stderr).toBe(processed(30));
    // Each member read whole partitions.
    const partitionsOf = (values: string[]): Set<string> => new Set(values.map((v) => v.split('-')[0]));
    expect([...partitionsOf(printedA)].filter((p) => partitionsOf(printedB).has(p))).toEqual([]);

    // Their positions were committed at exit: the group's next run prints only what came after.
    const second = await produceEach('split', 6, 2, 'new-');
    const resumed = await runTool('node', ['bin/run.js', 'console-consumer', '--bootstrap-server', broker.bootstrap, '--topic', 'split', '--group', 'g-split', '--max-messages', '12']);
    expect(resumed.code).toBe(0);
    expect(lines(resumed.stdout).sort()).toEqual(second);
    expect(resumed.stderr).toBe(processed(12));
  }, 90_000);

  it('--max-messages commits exactly what was printed: the next run continues at the next record', async () => {
    await createTopic('steps', 1);
    await produceEach('steps', 1, 5, '');
    const run = (n: string) => runTool('node', ['bin/run.js', 'console-consumer', '--bootstrap-server', broker.bootstrap, '--topic', 'steps', '--group', 'g-steps', '--from-beginning', '--max-messages', n]);
    expect(await run('2')).toEqual({ code: 0, stdout: 'p0-0\np0-1\n', stderr: processed(2) });
    expect(await run('2')).toEqual({ code: 0, stdout: 'p0-2\np0-3\n', stderr: processed(2) });
  }, 60_000);

  it('with cooperative-sticky, two members still split the partitions and print every record once', async () => {
    await createTopic('coop', 6);
    const strategy = ['--consumer-property', 'partition.assignment.strategy=cooperative-sticky'];
    const a = member('coop', 'g-coop', ...strategy);
    await awaitStable('g-coop', 1, 6);
    // The second member joins a group whose one member owns everything: it revokes half, then a second rebalance hands them over (KIP-429).
    const b = member('coop', 'g-coop', ...strategy);
    const rows = await awaitStable('g-coop', 2, 6);
    expect(rows.map((r) => r[4]).sort()).toEqual(['3', '3']);
    const values = await produceEach('coop', 6, 5, '');
    await until(() => lines(a.stdout()).length + lines(b.stdout()).length >= values.length, 'both members printed every record');
    const [endA, endB] = await Promise.all([a.stop(), b.stop()]);
    expect([...lines(endA.stdout), ...lines(endB.stdout)].sort()).toEqual(values);
  }, 90_000);

  it('when a member closes, the other takes over its partitions', async () => {
    await createTopic('handover', 4);
    const a = member('handover', 'g-handover');
    const b = member('handover', 'g-handover');
    await awaitStable('g-handover', 2, 4);
    const stopped = await a.stop();
    expect(stopped.stderr).toBe(processed(0));
    await awaitStable('g-handover', 1, 4);
    const values = await produceEach('handover', 4, 3, '');
    await b.waitFor('stdout', (text) => lines(text).length >= values.length, 20_000);
    const end = await b.stop();
    expect(lines(end.stdout).sort()).toEqual(values);
  }, 90_000);

  it('shares a group with a kafka-python member (range assignor on both sides): disjoint assignments that cover the topic', async () => {
    await createTopic('mixed', 6);
    const tk = member('mixed', 'g-mixed', '--consumer-property', 'partition.assignment.strategy=org.apache.kafka.clients.consumer.RangeAssignor');
    const python = startTool(PYTHON, ['test/compat/python/groups_client_kafka_python.py', broker.bootstrap, 'mixed', 'g-mixed', '30']);
    await awaitStable('g-mixed', 2, 6);
    const values = await produceEach('mixed', 6, 10, '');
    const fromPython = JSON.parse(lines((await python.exit).stdout).pop()!) as { assignment: string[]; values: string[] };
    const fromTk = lines((await tk.stop()).stdout);
    expect(fromPython.assignment).toHaveLength(3);
    expect([...fromTk, ...fromPython.values].sort()).toEqual(values);
    const tkPartitions = new Set(fromTk.map((v) => `mixed-${v.split('-')[0].slice(1)}`));
    expect([...tkPartitions].sort()).toHaveLength(3);
    for (const tp of fromPython.assignment) expect(tkPartitions.has(tp)).toBe(false);
  }, 90_000);
});
