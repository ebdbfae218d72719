// `tk reassign-partitions` against a dedicated controller and four brokers (ids 2-5), byte for
// byte as kafka-reassign-partitions.sh prints: --generate's proposal, --execute's rollback file,
// --verify until the move completes (the old replica's log gone from its broker), --list and
// --cancel of a move that cannot finish (its new replica is down), and the refusals.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool } from '../harness/broker.js';
import { pollUntil, startCluster, type Cluster } from '../harness/cluster.js';

const TOPIC = 'moving';
const WAIT_MS = 30_000;
const dir = mkdtempSync(join(tmpdir(), 'tk-reassign-'));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

const plan = (partitions: { partition: number; replicas: number[] }[]) => file(`plan-${Math.random().toString(36).slice(2)}.json`, { version: 1, partitions: partitions.map((p) => ({ topic: TOPIC, ...p })) });
const json = (assignments: [number, number[]][]) =>
  JSON.stringify({ version: 1, partitions: assignments.map(([partition, replicas]) => ({ topic: TOPIC, partition, replicas, log_dirs: replicas.map(() => 'any') })) });

describe('tk reassign-partitions', () => {
  let cluster: Cluster;
  const tk = (...args: string[]) => runTool(process.execPath, ['bin/run.js', 'reassign-partitions', '--bootstrap-server', cluster.bootstrap, ...args], { timeoutMs: 30_000 });

  /** The topic's `Replicas:` per partition, from tk topics --describe. */
  async function replicas(): Promise<string[]> {
    const described = await runTool(process.execPath, ['bin/run.js', 'topics', '--bootstrap-server', cluster.bootstrap, '--describe', '--topic', TOPIC]);
    return [...described.stdout.matchAll(/Replicas: ([\d,]+)/g)].map((m) => m[1]);
  }

  beforeAll(async () => {
    cluster = await startCluster({ brokers: 4, controllers: 1, overrides: { 'replica.lag.time.max.ms': '2000' } });
    await pollUntil('four registered brokers', async () => {
      const out = await runTool(process.execPath, ['bin/run.js', 'topics', '--bootstrap-server', cluster.bootstrap, '--create', '--topic', TOPIC, '--replica-assignment', '2:3:4,3:4:5']);
      return out.code === 0 ? out : undefined;
    }, WAIT_MS);
    const produced = await runTool('kcat', ['-P', '-b', cluster.bootstrap, '-t', TOPIC, '-p', '0', '-X', 'acks=all'], { input: Array.from({ length: 100 }, (_, i) => `record-${i}`).join('\n') + '\n' });
    expect(produced.code).toBe(0);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(cluster.nodes.map((n) => n.kill()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('--list with nothing moving', async () => {
    expect(await tk('--list')).toEqual({ code: 0, stdout: 'No partition reassignments found.\n', stderr: '' });
  });

  it('--generate proposes Kafka\'s assignment from the first broker, with the current one', async () => {
    const topics = file('topics.json', { topics: [{ topic: TOPIC }], version: 1 });
    const out = await tk('--generate', '--topics-to-move-json-file', topics, '--broker-list', '3,4,5');
    expect(out).toEqual({
      code: 0,
      stdout: `Current partition replica assignment\n${json([[0, [2, 3, 4]], [1, [3, 4, 5]]])}\n\nProposed partition reassignment configuration\n${json([[0, [3, 4, 5]], [1, [4, 5, 3]]])}\n`,
      stderr: '',
    });
  });

  it('--execute prints the rollback file and starts the move; --verify reports it completed; the old replica is deleted', async () => {
    const target = plan([{ partition: 0, replicas: [3, 4, 5] }]);
    const started = await tk('--execute', '--reassignment-json-file', target);
    expect(started).toEqual({
      code: 0,
      stdout: `Current partition replica assignment\n\n${json([[0, [2, 3, 4]]])}\n\nSave this to use as the --reassignment-json-file option during rollback\nSuccessfully started partition reassignment for ${TOPIC}-0\n`,
      stderr: '',
    });
    const verified = await pollUntil('the reassignment completed', async () => {
      const out = await tk('--verify', '--reassignment-json-file', target);
      return out.stdout.includes('is completed.') ? out : undefined;
    }, WAIT_MS, 300);
    // Once complete, the throttles are cleared on every broker: each broker's configs go to that broker, which forwards them.
    expect(verified).toEqual({
      code: 0,
      stdout: `Status of partition reassignment:\nReassignment of partition ${TOPIC}-0 is completed.\n\nClearing broker-level throttles on brokers 2,3,4,5\nClearing topic-level throttles on topic ${TOPIC}\n`,
      stderr: '',
    });
    expect((await replicas())[0]).toBe('3,4,5');
    await pollUntil('broker 2 deleted its replica', async () => (existsSync(join(cluster.node(2).logDir, `${TOPIC}-0`)) ? undefined : true), WAIT_MS);
    const copied = await runTool('kcat', ['-C', '-b', cluster.bootstrap, '-t', TOPIC, '-p', '0', '-o', 'beginning', '-e', '-q']);
    expect(copied.stdout.split('\n').filter(Boolean)).toEqual(Array.from({ length: 100 }, (_, i) => `record-${i}`));
    // A partition already where the file puts it is reported as such.
    const other = await tk('--verify', '--preserve-throttles', '--reassignment-json-file', plan([{ partition: 1, replicas: [5, 4, 3] }]));
    expect(other.stdout).toBe(`Status of partition reassignment:\nThere is no active reassignment of partition ${TOPIC}-1, but replica set is 3,4,5 rather than 5,4,3.\n\n`);
  }, 60_000);

  it('--list, --verify and --cancel of a move that cannot finish; the cancel puts the replicas back', async () => {
    await cluster.node(2).kill();
    const target = plan([{ partition: 1, replicas: [2, 3, 4] }]);
    expect((await tk('--execute', '--reassignment-json-file', target)).code).toBe(0);
    expect(await tk('--list')).toEqual({ code: 0, stdout: `Current partition reassignments:\n${TOPIC}-1: replicas: 2,3,4,5. adding: 2. removing: 5.\n`, stderr: '' });
    expect((await tk('--verify', '--reassignment-json-file', target)).stdout).toBe(`Status of partition reassignment:\nReassignment of partition ${TOPIC}-1 is still in progress.\n\n`);
    const again = await tk('--execute', '--reassignment-json-file', target);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe(
      'Cannot execute because there is an existing partition assignment.  Use --additional to override this and create a new partition assignment in addition to the existing one. The --additional flag can also be used to change the throttle by resubmitting the current reassignment.\n',
    );
    const cancelled = await tk('--cancel', '--preserve-throttles', '--reassignment-json-file', target);
    expect(cancelled).toEqual({ code: 0, stdout: `Successfully cancelled partition reassignment for: ${TOPIC}-1\nNone of the specified partition moves are active.`, stderr: '' });
    expect(await tk('--list')).toEqual({ code: 0, stdout: 'No partition reassignments found.\n', stderr: '' });
    expect((await replicas())[1]).toBe('3,4,5');
    const none = await tk('--cancel', '--preserve-throttles', '--reassignment-json-file', target);
    expect(none.stdout).toBe('None of the specified partition reassignments are active.\nNone of the specified partition moves are active.');
    await cluster.node(2).start();
  }, 60_000);

  it('refuses what Kafka refuses, and throttles tk cannot honour', async () => {
    expect(await tk('--execute', '--reassignment-json-file', plan([{ partition: 0, replicas: [3, 9] }]))).toMatchObject({ code: 1, stdout: 'Error: Unknown broker id 9\n' });
    expect(await tk('--execute', '--reassignment-json-file', plan([{ partition: 7, replicas: [3] }]))).toMatchObject({
      code: 1,
      stdout: `Error: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: Unable to find partition: ${TOPIC}-7\n`,
    });
    expect(await tk('--execute', '--reassignment-json-file', plan([{ partition: 0, replicas: [3, 3] }]))).toMatchObject({
      code: 1,
      stdout: `Error: Partition replica lists may not contain duplicate entries: ${TOPIC}-0 contains multiple entries for 3\n`,
    });
    expect(await tk('--list', '--verify')).toEqual({ code: 1, stdout: '', stderr: 'Command must include exactly one action: --generate, --execute, --verify, --cancel, --list\n' });
    expect(await tk('--verify')).toEqual({ code: 1, stdout: '', stderr: 'Missing required argument "[reassignment-json-file]"\n' });
    const target = plan([{ partition: 0, replicas: [3, 4, 5] }]);
    expect(await tk('--verify', '--reassignment-json-file', target, '--throttle', '1000')).toEqual({ code: 1, stdout: '', stderr: 'Option "[throttle]" can\'t be used with action "[verify]"\n' });
    const throttled = await tk('--execute', '--reassignment-json-file', target, '--throttle', '1000');
    expect(throttled.code).toBe(1);
    expect(throttled.stderr).toBe('--throttle is not supported: tk brokers do not throttle replication, so the reassignment would run unthrottled\n');
    expect(await tk('--list')).toMatchObject({ stdout: 'No partition reassignments found.\n' });
  }, 60_000);
});
