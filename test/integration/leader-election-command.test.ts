// `tk leader-election` against a real cluster (a dedicated controller and brokers 2-4), byte for
// byte as kafka-leader-election.sh prints: a killed broker's leaderships move to the next replica
// in the ISR; once it is back in sync a PREFERRED election over all partitions moves them back;
// an UNCLEAN election gives a partition whose whole ISR is gone a live replica outside it. With
// auto.leader.rebalance.enable and a one-second leader.imbalance.check.interval.seconds, the
// controller moves leadership back by itself. Also the tool's argument and JSON file errors.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool } from '../harness/broker.js';
import { pollUntil, startCluster, type Cluster } from '../harness/cluster.js';

const WAIT_MS = 30_000;
/** Several bounded waits on a loaded machine: well past the default 30 s. */
const TEST_TIMEOUT_MS = 120_000;

const tk = (bootstrap: string, ...args: string[]) => runTool('node', ['bin/run.js', ...args, '--bootstrap-server', bootstrap]);

interface PartitionState {
  leader: number | 'none';
  replicas: string;
  isr: string;
}

/** Leader, replicas and ISR of each partition of a topic, from `tk topics --describe`. */
async function describeTopic(bootstrap: string, topic: string): Promise<PartitionState[]> {
  const { stdout, stderr, code } = await tk(bootstrap, 'topics', '--describe', '--topic', topic);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('\tTopic:'))
    .map((l) => {
      const [, leader, replicas, isr] = /Leader: (none|\d+)\tReplicas: ([\d,]+)\tIsr: ([\d,]*)/.exec(l)!;
      return { leader: leader === 'none' ? 'none' : Number(leader), replicas, isr };
    });
}

function liveBootstrap(cluster: Cluster): string {
  return cluster.brokers.filter((b) => b.isRunning()).map((b) => b.bootstrap).join(',');
}

/** Polls the topic until `wanted` holds for its partitions. */
function topicBecomes(cluster: Cluster, topic: string, what: string, wanted: (partitions: PartitionState[]) => boolean): Promise<PartitionState[]> {
  return pollUntil(what, async () => {
    const partitions = await describeTopic(liveBootstrap(cluster), topic);
    return wanted(partitions) ? partitions : undefined;
  }, WAIT_MS, 250);
}

const leaders = (partitions: PartitionState[]) => partitions.map((p) => p.leader);
const fullIsr = (partitions: PartitionState[]) => partitions.every((p) => p.isr.split(',').length === p.replicas.split(',').length);

describe('tk leader-election on three brokers', () => {
  let cluster: Cluster;
  const elect = (...args: string[]) => tk(liveBootstrap(cluster), 'leader-election', ...args);

  beforeAll(async () => {
    cluster = await startCluster({ brokers: 3, controllers: 1, overrides: { 'auto.leader.rebalance.enable': 'false' } });
    const create = async (topic: string, assignment: string) =>
      expect(await tk(cluster.bootstrap, 'topics', '--create', '--topic', topic, '--replica-assignment', assignment)).toEqual({ code: 0, stdout: `Created topic ${topic}.\n`, stderr: '' });
    await create('spread', '2:3:4,3:4:2,4:2:3');
    await create('fragile', '3:4');
    await topicBecomes(cluster, 'spread', 'every replica of spread in sync', fullIsr);
    await topicBecomes(cluster, 'fragile', 'every replica of fragile in sync', fullIsr);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(cluster.nodes.map((n) => n.kill()));
  });

  it('finds nothing to do while every partition is led by its preferred replica', async () => {
    expect(await elect('--election-type', 'PREFERRED', '--all-topic-partitions')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await elect('--election-type', 'preferred', '--topic', 'spread', '--partition', '1')).toEqual({ code: 0, stdout: 'Valid replica already elected for partitions spread-1\n', stderr: '' });
    expect(await elect('--election-type', 'UNCLEAN', '--topic', 'spread', '--partition', '0')).toEqual({ code: 0, stdout: 'Valid replica already elected for partitions spread-0\n', stderr: '' });
  }, TEST_TIMEOUT_MS);

  it('moves leadership back to a killed broker once it is in sync again', async () => {
    await cluster.node(2).kill();
    const moved = await topicBecomes(cluster, 'spread', 'broker 2 fenced and out of every ISR', (ps) => ps.every((p) => !p.isr.split(',').includes('2')));
    expect(leaders(moved)).toEqual([3, 3, 4]);

    expect(await elect('--election-type', 'PREFERRED', '--topic', 'spread', '--partition', '0')).toEqual({
      code: 1,
      stdout: 'Error completing leader election (PREFERRED) for partition: spread-0: org.apache.kafka.common.errors.PreferredLeaderNotAvailableException: The preferred leader was not available.\n',
      stderr: '1 replica(s) could not be elected\n',
    });

    await cluster.node(2).start();
    const rejoined = await topicBecomes(cluster, 'spread', 'broker 2 back in every ISR', fullIsr);
    expect(leaders(rejoined)).toEqual([3, 3, 4]);

    expect(await elect('--election-type', 'PREFERRED', '--all-topic-partitions')).toEqual({
      code: 0,
      stdout: 'Successfully completed leader election (PREFERRED) for partitions spread-0\n',
      stderr: '',
    });
    expect(leaders(await describeTopic(liveBootstrap(cluster), 'spread'))).toEqual([2, 3, 4]);
  }, TEST_TIMEOUT_MS);

  it('elects a live replica outside the ISR with UNCLEAN when the whole ISR is gone', async () => {
    // Broker 4 leaves first, so the ISR is broker 3 alone when broker 3 goes too.
    await cluster.node(4).kill();
    await topicBecomes(cluster, 'fragile', 'an ISR of broker 3 alone', (ps) => ps[0]!.isr === '3');
    await cluster.node(3).kill();
    await topicBecomes(cluster, 'fragile', 'fragile-0 without a leader', (ps) => ps[0]!.leader === 'none');
    await cluster.node(4).start();
    // Broker 4 is live but not in the ISR: without unclean.leader.election.enable the partition stays leaderless.
    await pollUntil('broker 4 unfenced', async () => ((await tk(liveBootstrap(cluster), 'broker-api-versions')).stdout.includes('(id: 4 rack:') ? true : undefined), WAIT_MS);
    expect(await describeTopic(liveBootstrap(cluster), 'fragile')).toEqual([{ leader: 'none', replicas: '3,4', isr: '3' }]);

    expect(await elect('--election-type', 'PREFERRED', '--topic', 'fragile', '--partition', '0')).toEqual({
      code: 1,
      stdout: 'Error completing leader election (PREFERRED) for partition: fragile-0: org.apache.kafka.common.errors.PreferredLeaderNotAvailableException: The preferred leader was not available.\n',
      stderr: '1 replica(s) could not be elected\n',
    });
    expect(await elect('--election-type', 'UNCLEAN', '--topic', 'fragile', '--partition', '0')).toEqual({
      code: 0,
      stdout: 'Successfully completed leader election (UNCLEAN) for partitions fragile-0\n',
      stderr: '',
    });
    expect(await describeTopic(liveBootstrap(cluster), 'fragile')).toEqual([{ leader: 4, replicas: '3,4', isr: '4' }]);
  }, TEST_TIMEOUT_MS);

  it('reports unknown partitions from a JSON file, and prints JSON with --output json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-election-'));
    try {
      const file = join(dir, 'partitions.json');
      writeFileSync(file, JSON.stringify({ partitions: [{ topic: 'spread', partition: 0 }, { topic: 'nope', partition: 0 }, { topic: 'spread', partition: 9 }] }));
      expect(await elect('--election-type', 'PREFERRED', '--path-to-json-file', file)).toEqual({
        code: 1,
        stdout:
          'Valid replica already elected for partitions spread-0\n' +
          'Error completing leader election (PREFERRED) for partition: nope-0: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: No such topic as nope\n' +
          'Error completing leader election (PREFERRED) for partition: spread-9: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: No such partition as spread-9\n',
        stderr: '2 replica(s) could not be elected\n',
      });
      const json = await elect('--election-type', 'PREFERRED', '--topic', 'spread', '--partition', '0', '--output', 'json');
      expect(json).toEqual({ code: 0, stdout: '{"electionType":"PREFERRED","elected":[],"alreadyElected":[{"topic":"spread","partition":0}],"failed":[]}\n', stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, TEST_TIMEOUT_MS);
});

describe('auto.leader.rebalance.enable', () => {
  it('moves leadership back to the preferred replica by itself once it is in sync', async () => {
    const cluster = await startCluster({ brokers: 3, controllers: 1, overrides: { 'leader.imbalance.check.interval.seconds': '1' } });
    try {
      expect(await tk(cluster.bootstrap, 'topics', '--create', '--topic', 'spread', '--replica-assignment', '2:3:4,3:4:2')).toEqual({ code: 0, stdout: 'Created topic spread.\n', stderr: '' });
      await topicBecomes(cluster, 'spread', 'every replica in sync', fullIsr);
      await cluster.node(2).kill();
      const moved = await topicBecomes(cluster, 'spread', 'broker 2 fenced and out of every ISR', (ps) => ps.every((p) => !p.isr.split(',').includes('2')));
      expect(leaders(moved)).toEqual([3, 3]);
      await cluster.node(2).start();
      const balanced = await topicBecomes(cluster, 'spread', 'broker 2 leading spread-0 again', (ps) => ps[0]!.leader === 2 && fullIsr(ps));
      expect(leaders(balanced)).toEqual([2, 3]);
    } finally {
      await Promise.all(cluster.nodes.map((n) => n.kill()));
    }
  }, 180_000);
});

describe('tk leader-election arguments', () => {
  const run = (...args: string[]) => tk('127.0.0.1:1', 'leader-election', ...args);
  const refused = (stderr: string) => ({ code: 1, stdout: '', stderr: `${stderr}\n` });

  it('refuses what kafka-leader-election.sh refuses, with its messages, before connecting', async () => {
    expect(await run('--all-topic-partitions')).toEqual(refused('Missing required option(s): election-type'));
    expect(await run('--election-type', 'preferred')).toEqual(refused('One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file'));
    expect(await run('--election-type', 'preferred', '--topic', 't', '--all-topic-partitions')).toEqual(
      refused('One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file'),
    );
    expect(await run('--election-type', 'preferred', '--topic', 't')).toEqual(refused('Missing required option(s): partition'));
    expect(await run('--election-type', 'preferred', '--all-topic-partitions', '--partition', '1')).toEqual(refused('Option partition is only allowed if topic is used'));
    expect(await run('--election-type', 'dirty', '--all-topic-partitions')).toEqual(refused("Cannot parse argument 'dirty' of option election-type"));
    expect(await run('--election-type', 'unclean', '--topic', 't', '--partition', 'x')).toEqual(refused("Cannot parse argument 'x' of option partition"));
  }, 60_000);

  it('refuses a JSON file that is not valid as LeaderElectionCommand reads it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-election-'));
    try {
      const withFile = async (text: string) => {
        const file = join(dir, 'p.json');
        writeFileSync(file, text);
        return run('--election-type', 'preferred', '--path-to-json-file', file);
      };
      expect(await withFile('not json')).toEqual(refused('Replica election data is empty'));
      expect(await withFile('{"version":1}')).toEqual(refused('Replica election data is missing "partitions" field'));
      expect(await withFile('{"partitions":[{"topic":"t"}]}')).toEqual(refused('com.fasterxml.jackson.databind.JsonMappingException: No such field exists: `partition`'));
      expect(await withFile('{"partitions":[{"topic":"t","partition":"0"}]}')).toEqual(refused('com.fasterxml.jackson.databind.JsonMappingException: Expected `Integer` value, received "0"'));
      expect(await withFile('{"partitions":[{"topic":"t","partition":0},{"topic":"t","partition":1},{"topic":"t","partition":0},{"topic":"t","partition":1}]}')).toEqual(
        refused('Replica election data contains duplicate partitions: [t-1, t-0]'),
      );
      expect(await run('--election-type', 'preferred', '--path-to-json-file', join(dir, 'missing.json'))).toEqual(refused(`java.nio.file.NoSuchFileException: ${join(dir, 'missing.json')}`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
