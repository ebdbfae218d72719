// A consumer group keeps consuming across the loss of its coordinator's broker (issue #7): a
// dedicated controller and three brokers; __consumer_offsets is created with replication factor 3
// and every partition fully replicated; a topic of six partitions (RF 3, min.insync.replicas=2)
// is read by a group of three members (kafka-python and confluent-kafka committing after every
// poll, tk's console-consumer auto-committing). The coordinator's broker is killed with SIGKILL
// while records are written and read: the new leader of the
// group's __consumer_offsets partition takes the group over with its committed offsets, the
// members find it, and every acknowledged record is read (duplicates only from progress not yet
// committed); at the end the committed offsets are the log end offsets (lag 0). The killed broker,
// restarted, answers NOT_COORDINATOR for the group and points to the new coordinator, and the
// group goes on reading; a preferred election then hands the partition back, the survivor unloads
// the group and the members follow without a rebalance. The built binary against real processes;
// every wait is bounded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerConnection, api } from '../../src/client/connection.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { FindCoordinatorRequest } from '../../src/protocol/generated/clients/find-coordinator-request.js';
import { FindCoordinatorResponse } from '../../src/protocol/generated/clients/find-coordinator-response.js';
import { OffsetFetchRequest } from '../../src/protocol/generated/clients/offset-fetch-request.js';
import { OffsetFetchResponse } from '../../src/protocol/generated/clients/offset-fetch-response.js';
import { offsetsPartitionFor } from '../../daemon/coordinator/group-coordinator.js';
import { HOST, runTool, startTool, type RunningTool } from '../harness/broker.js';
import { pollUntil, startCluster, type Cluster, type ClusterNode } from '../harness/cluster.js';

const TOPIC = 'orders';
const GROUP = 'failover';
const PARTITIONS = 6;
const MAX_POLL_RECORDS = 20;
/**
 * At most one poll of each python member is uncommitted; tk's member commits every 500 ms, and at
 * the producer's pace (about 300 records a second over six partitions) that is well under 200.
 */
const DUPLICATES_BOUND = 2 * MAX_POLL_RECORDS + 200;
const WAIT_MS = 60_000;
const PYTHON = '/usr/bin/python3';

/**
 * acks=all, idempotent, round robin over the partitions, pausing 50 ms after every PAUSE_EVERY
 * records (0: never); prints {"acked": [values], "errors": {}}. Values are `<prefix>-<i>`.
 */
const PRODUCER = `
import json, sys
from confluent_kafka import Producer
import time
bootstrap, topic, prefix, count, partitions, pause_every = sys.argv[1:]
p = Producer({'bootstrap.servers': bootstrap, 'acks': 'all', 'enable.idempotence': True, 'linger.ms': 5,
              'message.timeout.ms': 30000, 'topic.metadata.refresh.interval.ms': 500})
acked, errors = [], {}
def report(err, msg):
    if err is None:
        acked.append(msg.value().decode())
    else:
        errors[err.name()] = errors.get(err.name(), 0) + 1
for i in range(int(count)):
    p.produce(topic, value=f'{prefix}-{i}', partition=i % int(partitions), on_delivery=report)
    p.poll(0)
    if int(pause_every) > 0 and i % int(pause_every) == int(pause_every) - 1:
        time.sleep(0.05)
p.flush(40)
print(json.dumps({'acked': acked, 'errors': errors}), flush=True)
`;

/**
 * One group member until SIGTERM, with kafka-python or confluent-kafka: polls at most MAX records,
 * prints them as {"consumed": [[partition, offset, value], ...]}, then commits its positions
 * synchronously, retrying while the coordinator is away, so at most one poll is ever uncommitted.
 * Prints {"event": "assigned", "partitions": [...]} on every assignment and {"commitError": name}
 * for a commit given up (the group rebalanced under it).
 */
const MEMBER = `
import json, signal, sys, time
lib, bootstrap, topic, group, max_records = sys.argv[1:]
max_records = int(max_records)
stopping = False
def on_term(*_):
    global stopping
    stopping = True
signal.signal(signal.SIGTERM, on_term)
def emit(**fields):
    print(json.dumps(fields), flush=True)

if lib == 'kafka-python':
    from kafka import KafkaConsumer
    from kafka.errors import CommitFailedError, KafkaError
    from kafka.consumer.subscription_state import ConsumerRebalanceListener
    class Listener(ConsumerRebalanceListener):
        def on_partitions_revoked(self, revoked):
            pass
        def on_partitions_assigned(self, assigned):
            emit(event='assigned', partitions=sorted(tp.partition for tp in assigned))
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(','), group_id=group, client_id=f'{lib}-member',
                             session_timeout_ms=10000, heartbeat_interval_ms=1000, auto_offset_reset='earliest',
                             enable_auto_commit=False, max_poll_records=max_records, retry_backoff_ms=200,
                             metadata_max_age_ms=1000)
    consumer.subscribe([topic], listener=Listener())
    while not stopping:
        batch = consumer.poll(timeout_ms=200, max_records=max_records)
        records = [[tp.partition, m.offset, m.value.decode()] for tp, ms in batch.items() for m in ms]
        if not records:
            continue
        emit(consumed=records)
        time.sleep(0.05)
        try:
            consumer.commit()  # retries until the coordinator answers, or the group moved on
        except (CommitFailedError, KafkaError) as e:
            emit(commitError=type(e).__name__)
    consumer.close(autocommit=False)
else:
    from confluent_kafka import Consumer, KafkaException, KafkaError
    consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': group, 'client.id': f'{lib}-member',
                         'session.timeout.ms': 10000, 'heartbeat.interval.ms': 1000, 'auto.offset.reset': 'earliest',
                         'enable.auto.commit': False, 'topic.metadata.refresh.interval.ms': 1000})
    def on_assign(_c, partitions):
        emit(event='assigned', partitions=sorted(tp.partition for tp in partitions))
    consumer.subscribe([topic], on_assign=on_assign)
    while not stopping:
        messages = [m for m in consumer.consume(num_messages=max_records, timeout=0.2) if m.error() is None]
        if not messages:
            continue
        emit(consumed=[[m.partition(), m.offset(), m.value().decode()] for m in messages])
        time.sleep(0.05)
        deadline = time.monotonic() + 30
        while True:
            try:
                consumer.commit(asynchronous=False)
                break
            except KafkaException as e:
                err = e.args[0]
                if not err.retriable() and err.code() not in (KafkaError.NOT_COORDINATOR, KafkaError.COORDINATOR_NOT_AVAILABLE, KafkaError._WAIT_COORD, KafkaError._TRANSPORT):
                    emit(commitError=err.name())
                    break
                if time.monotonic() > deadline:
                    emit(commitError=err.name())
                    break
                time.sleep(0.2)
    consumer.close()
`;

const tk = (bootstrap: string, ...args: string[]) => runTool('node', ['bin/run.js', ...args, '--bootstrap-server', bootstrap]);
const findCoordinatorApi = api(FindCoordinatorRequest, FindCoordinatorResponse);
const offsetFetchApi = api(OffsetFetchRequest, OffsetFetchResponse);

function liveBootstrap(cluster: Cluster): string {
  return cluster.brokers.filter((b) => b.isRunning()).map((b) => b.bootstrap).join(',');
}

const eventually = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = WAIT_MS): Promise<T> => pollUntil(what, check, timeoutMs, 250);

interface Produced {
  acked: string[];
  errors: Record<string, number>;
}

function startProducer(cluster: Cluster, prefix: string, count: number, pauseEvery = 0): RunningTool {
  return startTool(PYTHON, ['-c', PRODUCER, liveBootstrap(cluster), TOPIC, prefix, String(count), String(PARTITIONS), String(pauseEvery)]);
}

/** Waits for a producer to finish: every record acknowledged. */
async function acknowledged(producer: RunningTool, count: number): Promise<string[]> {
  const result = await producer.exit;
  // librdkafka logs the refused or reset connections to the killed (or restarting) broker; nothing else may appear.
  expect(result.stderr.split('\n').filter((l) => l.length > 0 && !/Connection refused|Connection reset by peer|Disconnected/.test(l))).toEqual([]);
  const produced = JSON.parse(result.stdout.trim().split('\n').pop()!) as Produced;
  expect(produced.errors).toEqual({});
  expect(produced.acked).toHaveLength(count);
  return produced.acked;
}

async function produce(cluster: Cluster, prefix: string, count: number): Promise<Produced> {
  const result = await runTool(PYTHON, ['-c', PRODUCER, liveBootstrap(cluster), TOPIC, prefix, String(count), String(PARTITIONS), '0'], { timeoutMs: 60_000 });
  expect(result.stderr).toBe('');
  const produced = JSON.parse(result.stdout.trim().split('\n').pop()!) as Produced;
  expect(produced.errors).toEqual({});
  expect(produced.acked).toHaveLength(count);
  return produced;
}

/**
 * A running member and what it has printed so far: a python one (MEMBER), or tk's own
 * console-consumer in the group (src/client's GroupConsumer, auto commit every 500 ms), which
 * prints each value on a line.
 */
class Member {
  private readonly process: RunningTool;

  constructor(readonly lib: 'kafka-python' | 'confluent' | 'tk', bootstrap: string) {
    this.process =
      lib === 'tk'
        ? startTool('node', ['bin/run.js', 'console-consumer', '--bootstrap-server', bootstrap, '--topic', TOPIC, '--group', GROUP, '--from-beginning', '--consumer-property', 'auto.commit.interval.ms=500', '--consumer-property', 'heartbeat.interval.ms=1000', '--consumer-property', 'session.timeout.ms=10000'])
        : startTool(PYTHON, ['-c', MEMBER, lib, bootstrap, TOPIC, GROUP, String(MAX_POLL_RECORDS)]);
  }

  private events(): Record<string, unknown>[] {
    if (this.lib === 'tk') return [];
    return this.lines()
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  private lines(): string[] {
    return this.process.stdout().split('\n').slice(0, -1);
  }

  /** The values read, in order. */
  /** How many assignments a python member was handed (each one a completed rebalance). */
  assignments(): number {
    return this.events().filter((l) => l.event === 'assigned').length;
  }

  consumed(): string[] {
    if (this.lib === 'tk') return this.lines();
    return this.events().flatMap((l) => ((l.consumed as [number, number, string][] | undefined) ?? []).map(([, , value]) => value));
  }

  commitErrors(): string[] {
    return this.events().flatMap((l) => (typeof l.commitError === 'string' ? [l.commitError] : []));
  }

  async stop(): Promise<void> {
    await this.process.stop('SIGTERM');
  }
}

/** Every value read by the members, with how many were read more than once. */
function readSoFar(members: readonly Member[]): { read: Set<string>; consumed: number; duplicates: number } {
  const consumed = members.flatMap((m) => m.consumed());
  const read = new Set(consumed);
  return { read, consumed: consumed.length, duplicates: consumed.length - read.size };
}

interface PartitionOffsets {
  partition: number;
  currentOffset: number;
  logEndOffset: number;
  lag: number;
}

/** `tk consumer-groups --describe` through the given brokers: the group's committed offsets and lag per partition. */
async function describeOffsets(bootstrap: string): Promise<PartitionOffsets[] | undefined> {
  const { code, stdout } = await tk(bootstrap, 'consumer-groups', '--describe', '--group', GROUP);
  if (code !== 0) return undefined;
  const rows = stdout
    .split('\n')
    .filter((l) => l.startsWith(`${GROUP} `))
    .map((l) => l.trim().split(/\s+/))
    .filter((cols) => cols[1] === TOPIC);
  if (rows.length !== PARTITIONS || rows.some((cols) => cols[3] === '-')) return undefined;
  return rows.map((cols) => ({ partition: Number(cols[2]), currentOffset: Number(cols[3]), logEndOffset: Number(cols[4]), lag: Number(cols[5]) })).sort((a, b) => a.partition - b.partition);
}

/** The coordinator id `tk consumer-groups --describe --state` names, and the group's state. */
async function describeState(bootstrap: string): Promise<{ coordinator: number; state: string; members: number } | undefined> {
  const { code, stdout } = await tk(bootstrap, 'consumer-groups', '--describe', '--group', GROUP, '--state');
  if (code !== 0) return undefined;
  const row = stdout.split('\n').find((l) => l.startsWith(`${GROUP} `));
  const match = row && /\((\d+)\)\s+\S+\s+(\S+)\s+(\d+)\s*$/.exec(row);
  return match ? { coordinator: Number(match[1]), state: match[2], members: Number(match[3]) } : undefined;
}

/** The coordinator a broker names for the group (FindCoordinator v3). */
async function findCoordinatorAt(node: ClusterNode): Promise<number> {
  const found = await ask(node, (c) => c.send(findCoordinatorApi, 3, { ...FindCoordinatorRequest.defaults(), key: GROUP, keyType: 0 }));
  expect(found.errorCode).toBe(ErrorCode.NONE);
  return found.nodeId;
}

/** What a broker answers an OffsetFetch of the group's offsets with (v7). */
async function offsetFetchErrorAt(node: ClusterNode): Promise<number> {
  return (await ask(node, (c) => c.send(offsetFetchApi, 7, { ...OffsetFetchRequest.defaults(), groupId: GROUP, topics: null }))).errorCode;
}

async function ask<T>(node: ClusterNode, send: (c: BrokerConnection) => Promise<T>): Promise<T> {
  const connection = await BrokerConnection.connect(HOST, node.port, { clientId: 'failover-check' });
  try {
    return await send(connection);
  } finally {
    connection.close();
  }
}

describe('a consumer group across the loss of its coordinator', () => {
  let cluster: Cluster;
  const members: Member[] = [];
  const acked: string[] = [];
  let coordinator: ClusterNode;
  let committedBefore: PartitionOffsets[];

  beforeAll(async () => {
    cluster = await startCluster({ brokers: 3, controllers: 1, overrides: { 'offsets.topic.replication.factor': '3', 'group.initial.rebalance.delay.ms': '0', 'replica.lag.time.max.ms': '3000' } });
    const created = await tk(cluster.bootstrap, 'topics', '--create', '--topic', TOPIC, '--partitions', String(PARTITIONS), '--replication-factor', '3', '--config', 'min.insync.replicas=2');
    expect(created).toEqual({ code: 0, stdout: `Created topic ${TOPIC}.\n`, stderr: '' });
    acked.push(...(await produce(cluster, 'before', 3000)).acked);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(members.map((m) => m.stop()));
    await Promise.all(cluster?.nodes.map((n) => n.kill()) ?? []);
  });

  it('members join and commit; __consumer_offsets is created with replication factor 3 and fully in sync', async () => {
    for (const lib of ['kafka-python', 'confluent', 'tk'] as const) members.push(new Member(lib, cluster.bootstrap));
    const offsetsTopic = await eventually('__consumer_offsets with every ISR full', async () => {
      const { code, stdout } = await tk(cluster.bootstrap, 'topics', '--describe', '--topic', '__consumer_offsets');
      const lines = stdout.split('\n').filter((l) => l.startsWith('\tTopic:'));
      return code === 0 && lines.length > 0 && lines.every((l) => /Replicas: \d,\d,\d\tIsr: \d,\d,\d\t/.test(l)) ? stdout : undefined;
    });
    expect(offsetsTopic).toMatch(/PartitionCount: 50\tReplicationFactor: 3\t/);
    const state = await eventually('a stable group of three', async () => {
      const s = await describeState(cluster.bootstrap);
      return s?.state === 'Stable' && s.members === 3 ? s : undefined;
    });
    coordinator = cluster.node(state.coordinator);
    expect(coordinator.isBroker).toBe(true);
  }, 90_000);

  it('SIGKILL of the coordinator\'s broker during writes: a survivor takes the group over and every record is read', async () => {
    const during = 3000;
    const producer = startProducer(cluster, 'during', during, 5);
    await eventually('the members reading the records written now', async () => (readSoFar(members).read.has('during-300') ? true : undefined));
    committedBefore = await eventually('committed offsets on every partition', () => describeOffsets(cluster.bootstrap));
    const killedAt = Date.now();
    const readBefore = readSoFar(members).consumed;
    await coordinator.kill();
    const survivors = liveBootstrap(cluster);

    const state = await eventually('a new coordinator', async () => {
      const s = await describeState(survivors);
      return s !== undefined && s.coordinator !== coordinator.id ? s : undefined;
    });
    console.log(`new coordinator ${state.coordinator} after ${Date.now() - killedAt} ms (state ${state.state}, ${state.members} members); ${readBefore} records read before the kill`);
    acked.push(...(await acknowledged(producer, during)));
    acked.push(...(await produce(cluster, 'after', 1500)).acked);

    const finalOffsets = await eventually('lag 0 on every partition', async () => {
      const offsets = await describeOffsets(survivors);
      return offsets?.every((o) => o.lag === 0) ? offsets : undefined;
    });
    expect(finalOffsets.reduce((sum, o) => sum + o.logEndOffset, 0)).toBe(acked.length);
    for (const before of committedBefore) expect(finalOffsets[before.partition].currentOffset).toBeGreaterThanOrEqual(before.currentOffset);
    const { read, consumed, duplicates } = readSoFar(members);
    expect(acked.filter((v) => !read.has(v))).toEqual([]);
    console.log(`committed before the kill ${committedBefore.map((o) => o.currentOffset).join(',')}; read ${consumed}, duplicates ${duplicates}, commit errors ${members.flatMap((m) => m.commitErrors()).join(',') || 'none'}`);
    // Only what was read and not yet committed when the group changed hands is read again.
    expect(duplicates).toBeLessThanOrEqual(DUPLICATES_BOUND);
    expect(members.map((m) => m.consumed().length > 0)).toEqual([true, true, true]);
  }, 150_000);

  it('the restarted broker answers NOT_COORDINATOR for the group and names the new coordinator; the group reads on', async () => {
    await coordinator.start();
    const current = (await describeState(liveBootstrap(cluster)))!.coordinator;
    expect(current).not.toBe(coordinator.id);
    expect(await findCoordinatorAt(coordinator)).toBe(current);
    expect(await offsetFetchErrorAt(coordinator)).toBe(ErrorCode.NOT_COORDINATOR);
    await readsOn('restarted', cluster.bootstrap);
    expect(await describeState(cluster.bootstrap)).toEqual({ coordinator: current, state: 'Stable', members: 3 });
  }, 120_000);

  it('a preferred election hands the group back: the survivor unloads it, the returning broker loads it, the members follow without a rebalance', async () => {
    const previous = cluster.node((await describeState(cluster.bootstrap))!.coordinator);
    const offsetsPartition = offsetsPartitionFor(GROUP, 50);
    // The first replica, the leader at creation, is the preferred one: the broker killed above.
    await eventually('the returning broker back in the ISR of the group\'s partition', async () => {
      const { stdout } = await tk(cluster.bootstrap, 'topics', '--describe', '--topic', '__consumer_offsets');
      const line = stdout.split('\n').find((l) => l.includes(`\tPartition: ${offsetsPartition}\t`));
      const match = line && /Replicas: (\d),\d,\d\tIsr: ([\d,]+)\t/.exec(line);
      return match && Number(match[1]) === coordinator.id && match[2].split(',').length === 3 ? true : undefined;
    });
    const assignmentsBefore = members.map((m) => m.assignments());
    const elected = await tk(cluster.bootstrap, 'leader-election', '--election-type', 'preferred', '--topic', '__consumer_offsets', '--partition', String(offsetsPartition));
    expect(elected.code, elected.stderr).toBe(0);
    await eventually('the group coordinated by the returning broker', async () => {
      const s = await describeState(cluster.bootstrap);
      return s?.coordinator === coordinator.id && s.state === 'Stable' ? s : undefined;
    });
    expect(await findCoordinatorAt(previous)).toBe(coordinator.id);
    expect(await offsetFetchErrorAt(previous)).toBe(ErrorCode.NOT_COORDINATOR);
    await readsOn('handed-back', cluster.bootstrap);
    expect(members.map((m) => m.assignments())).toEqual(assignmentsBefore);
    expect(await describeState(cluster.bootstrap)).toEqual({ coordinator: coordinator.id, state: 'Stable', members: 3 });
  }, 120_000);

  /** Writes more records and waits until the group has read and committed them all. */
  async function readsOn(prefix: string, bootstrap: string): Promise<void> {
    acked.push(...(await produce(cluster, prefix, 600)).acked);
    const finalOffsets = await eventually('lag 0 on every partition', async () => {
      const offsets = await describeOffsets(bootstrap);
      return offsets?.every((o) => o.lag === 0) ? offsets : undefined;
    });
    expect(finalOffsets.reduce((sum, o) => sum + o.logEndOffset, 0)).toBe(acked.length);
    const { read } = readSoFar(members);
    expect(acked.filter((v) => !read.has(v))).toEqual([]);
  }
});
