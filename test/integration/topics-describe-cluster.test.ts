// `tk topics --describe` and its partition filters on a real cluster (a dedicated controller and
// brokers 2-4) with broker 4 down, line for line as TopicCommand 3.9 decides them:
// --under-replicated-partitions (ISR shorter than the replicas), --unavailable-partitions (no
// leader, or a leader that is not live), --under-min-isr-partitions (no leader, or an ISR below
// the topic's min.insync.replicas) and --at-min-isr-partitions (an ISR of exactly that size). A
// partition whose last ISR member is fenced keeps it in its ISR and has no leader, as in Kafka.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool } from '../harness/broker.js';
import { pollUntil, startCluster, type Cluster } from '../harness/cluster.js';

const WAIT_MS = 30_000;
/** Several bounded waits on a loaded machine: well past the default 30 s. */
const TEST_TIMEOUT_MS = 120_000;
const FILTERS = ['--under-replicated-partitions', '--unavailable-partitions', '--under-min-isr-partitions', '--at-min-isr-partitions'] as const;

const tk = (bootstrap: string, ...args: string[]) => runTool('node', ['bin/run.js', ...args, '--bootstrap-server', bootstrap]);

/** One partition line as kafka-topics.sh prints it (brokers that serve DescribeTopicPartitions report an empty ELR). */
const line = (topic: string, partition: number, leader: number | 'none', replicas: string, isr: string): string =>
  `\tTopic: ${topic}\tPartition: ${partition}\tLeader: ${leader}\tReplicas: ${replicas}\tIsr: ${isr}\tElr: \tLastKnownElr: \n`;

describe('tk topics --describe filters with a broker down', () => {
  let cluster: Cluster;
  const live = () => cluster.brokers.filter((b) => b.isRunning()).map((b) => b.bootstrap).join(',');
  const describeWith = async (...args: string[]) => {
    const result = await tk(live(), 'topics', '--describe', ...args);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return result.stdout;
  };

  beforeAll(async () => {
    cluster = await startCluster({ brokers: 3, controllers: 1, overrides: { 'auto.leader.rebalance.enable': 'false' } });
    const create = async (topic: string, assignment: string, ...config: string[]) =>
      expect(await tk(cluster.bootstrap, 'topics', '--create', '--topic', topic, '--replica-assignment', assignment, ...config)).toEqual({ code: 0, stdout: `Created topic ${topic}.\n`, stderr: '' });
    await create('one-replica', '4');
    await create('two-replicas', '4:2', '--config', 'min.insync.replicas=2');
    await create('three-replicas', '2:3:4,3:4:2', '--config', 'min.insync.replicas=2');
    await pollUntil('every replica in its ISR', async () => ((await describeWith('--under-replicated-partitions')) === '' ? true : undefined), WAIT_MS);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(cluster.nodes.map((n) => n.kill()));
  });

  it('prints no partition for any filter while every broker is up', async () => {
    expect(await describeWith('--unavailable-partitions')).toBe('');
    expect(await describeWith('--under-min-isr-partitions')).toBe('');
    // At min ISR: the ISR of one of the one-replica topic (min.insync.replicas=1) and the ISR of two of the two-replica one (2).
    expect(await describeWith('--at-min-isr-partitions')).toBe(line('one-replica', 0, 4, '4', '4') + line('two-replicas', 0, 4, '4,2', '4,2'));
  }, TEST_TIMEOUT_MS);

  it('shows each filter exactly the partitions it is about once broker 4 is fenced', async () => {
    await cluster.node(4).kill();
    await pollUntil('broker 4 fenced and its leaderships gone', async () => ((await describeWith('--unavailable-partitions')) === line('one-replica', 0, 'none', '4', '4') ? true : undefined), WAIT_MS);

    expect(await describeWith('--under-replicated-partitions')).toBe(
      line('three-replicas', 0, 2, '2,3,4', '2,3') + line('three-replicas', 1, 3, '3,4,2', '3,2') + line('two-replicas', 0, 2, '4,2', '2'),
    );
    expect(await describeWith('--unavailable-partitions')).toBe(line('one-replica', 0, 'none', '4', '4'));
    expect(await describeWith('--under-min-isr-partitions')).toBe(line('one-replica', 0, 'none', '4', '4') + line('two-replicas', 0, 2, '4,2', '2'));
    expect(await describeWith('--at-min-isr-partitions')).toBe(
      line('one-replica', 0, 'none', '4', '4') + line('three-replicas', 0, 2, '2,3,4', '2,3') + line('three-replicas', 1, 3, '3,4,2', '3,2'),
    );
    // Several filters print a partition once if any of them applies; --topic narrows them.
    expect(await describeWith('--topic', 'two-replicas', ...FILTERS)).toBe(line('two-replicas', 0, 2, '4,2', '2'));
  }, TEST_TIMEOUT_MS);

  it('prints nothing under-replicated or unavailable once broker 4 is back in every ISR', async () => {
    await cluster.node(4).start();
    await pollUntil('broker 4 back in every ISR', async () => ((await describeWith('--under-replicated-partitions')) === '' ? true : undefined), WAIT_MS);
    expect(await describeWith('--unavailable-partitions')).toBe('');
    expect(await describeWith('--under-min-isr-partitions')).toBe('');
  }, TEST_TIMEOUT_MS);
});
