// Partition replication across brokers (issue #7): a dedicated controller and three brokers, a
// topic with replication factor 3 and min.insync.replicas=2. acks=all produces (confluent-kafka)
// land on every replica byte for byte; a killed follower leaves the ISR after
// replica.lag.time.max.ms and acks=all goes on with two; with one left it is refused
// NOT_ENOUGH_REPLICAS; restarted followers catch up and rejoin; a leader killed during writes is
// replaced from the ISR, no acknowledged record is lost or doubled, and the old leader rejoins; a
// deposed leader truncates the acks=1 records only it had; a follower stopped with SIGTERM exits.
// The built binary against real processes; every wait is bounded.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerConnection } from '../../src/client/connection.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { HOST, runTool, startTool } from '../harness/broker.js';
import { pollUntil, startCluster, type Cluster, type ClusterNode } from '../harness/cluster.js';
import { produce as rawProduce, textBatch } from './raw-kafka.js';

const TOPIC = 'replicated';
const LAG_MS = 2_000;
/** Longer than the lag, so a killed follower leaves the ISR through its leader's AlterPartition before the controller fences it. */
const SESSION_TIMEOUT_MS = 8_000;
const WAIT_MS = 20_000;
const PYTHON = '/usr/bin/python3';

/** acks=all with confluent-kafka; prints {"acked": [values], "errors": {name: count}}; "ready" once `readyAfter` records are acknowledged. */
const PRODUCER = `
import json, sys, time
from confluent_kafka import Producer
bootstrap, topic, prefix, count, ready_after, retries, idempotent = sys.argv[1:]
p = Producer({'bootstrap.servers': bootstrap, 'acks': 'all', 'enable.idempotence': idempotent == '1', 'linger.ms': 2,
              'message.send.max.retries': int(retries), 'retry.backoff.ms': 100, 'message.timeout.ms': 15000, 'topic.metadata.refresh.interval.ms': 500})
acked, errors = [], {}
def report(err, msg):
    if err is None:
        acked.append(msg.value().decode())
        if len(acked) == int(ready_after):
            print('ready', flush=True)
    else:
        errors[err.name()] = errors.get(err.name(), 0) + 1
for i in range(int(count)):
    p.produce(topic, value=f'{prefix}-{i}', partition=0, on_delivery=report)
    p.poll(0)
    if i % 50 == 49:
        time.sleep(0.02)
p.flush(30)
print(json.dumps({'acked': acked, 'errors': errors}), flush=True)
`;

interface Produced {
  acked: string[];
  errors: Record<string, number>;
}

const tk = (bootstrap: string, ...args: string[]) => runTool('node', ['bin/run.js', ...args, '--bootstrap-server', bootstrap]);

async function produce(cluster: Cluster, prefix: string, count: number, options: { retries?: number; idempotent?: boolean } = {}): Promise<Produced> {
  const result = await runTool(PYTHON, ['-c', PRODUCER, liveBootstrap(cluster), TOPIC, prefix, String(count), '0', String(options.retries ?? 5), options.idempotent ? '1' : '0'], { timeoutMs: 45_000 });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as Produced;
}

function liveBootstrap(cluster: Cluster): string {
  return cluster.brokers.filter((b) => b.isRunning()).map((b) => b.bootstrap).join(',');
}

/** Polls until `check` returns a value that is not undefined, or fails after `timeoutMs`. */
const eventually = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = WAIT_MS): Promise<T> => pollUntil(what, check, timeoutMs, 250);

interface PartitionState {
  line: string;
  leader: number;
  replicas: number[];
  isr: number[];
}

async function describePartition(cluster: Cluster): Promise<PartitionState> {
  const { stdout, code } = await tk(liveBootstrap(cluster), 'topics', '--describe', '--topic', TOPIC);
  expect(code).toBe(0);
  const line = stdout.split('\n').find((l) => l.startsWith('\tTopic:'))!;
  const [, leader, replicas, isr] = /Leader: (-?\d+)\tReplicas: ([\d,]+)\tIsr: ([\d,]*)/.exec(line)!;
  return { line, leader: Number(leader), replicas: replicas.split(',').map(Number), isr: isr === '' ? [] : isr.split(',').map(Number) };
}

/** Waits until the ISR has exactly these members (any order). */
function isrBecomes(cluster: Cluster, members: number[], timeoutMs = WAIT_MS): Promise<PartitionState> {
  const wanted = [...members].sort().join(',');
  return eventually(`ISR [${wanted}]`, async () => {
    const state = await describePartition(cluster);
    return [...state.isr].sort().join(',') === wanted ? state : undefined;
  }, timeoutMs);
}

const segmentOf = (node: ClusterNode): string => join(node.logDir, `${TOPIC}-0`, '00000000000000000000.log');

/** `tk dump-log` of a replica's first segment, without the line naming the file. */
async function dumpLog(node: ClusterNode): Promise<string> {
  const { stdout, code, stderr } = await runTool('node', ['bin/run.js', 'dump-log', '--files', segmentOf(node)]);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return stdout.split('\n').slice(1).join('\n');
}

/** Waits until every given replica's segment holds the same bytes, `minBytes` or more; returns the dump. */
function replicasIdentical(nodes: ClusterNode[], minBytes = 1): Promise<string> {
  return eventually(`identical segments on brokers ${nodes.map((n) => n.id).join(',')}`, async () => {
    const files = nodes.map((n) => readFileSync(segmentOf(n)));
    if (files[0].length < minBytes || files.some((f) => !f.equals(files[0]))) return undefined;
    const dumps = await Promise.all(nodes.map(dumpLog));
    return dumps.every((d) => d === dumps[0]) ? dumps[0] : undefined;
  });
}

async function consumeAll(cluster: Cluster): Promise<string[]> {
  const result = await runTool(PYTHON, ['test/compat/python/confluent_consume.py', liveBootstrap(cluster), TOPIC, '0', 'beginning', '1000000'], { timeoutMs: 30_000 });
  const parsed = JSON.parse(result.stdout) as { records: { value: string }[]; errors: string[] };
  expect(parsed.errors).toEqual([]);
  return parsed.records.map((r) => r.value);
}

describe('replication factor 3 on three brokers', () => {
  let cluster: Cluster;
  let leader: ClusterNode;
  let followers: ClusterNode[];

  beforeAll(async () => {
    cluster = await startCluster({ brokers: 3, controllers: 1, overrides: { 'replica.lag.time.max.ms': String(LAG_MS), 'broker.session.timeout.ms': String(SESSION_TIMEOUT_MS) } });
    const created = await tk(cluster.bootstrap, 'topics', '--create', '--topic', TOPIC, '--partitions', '1', '--replication-factor', '3', '--config', 'min.insync.replicas=2');
    expect(created).toEqual({ code: 0, stdout: `Created topic ${TOPIC}.\n`, stderr: '' });
    const state = await isrBecomes(cluster, [2, 3, 4]);
    leader = cluster.node(state.leader);
    followers = cluster.brokers.filter((b) => b.id !== state.leader);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(cluster.nodes.map((n) => n.kill()));
  });

  it('acks=all records reach every replica byte for byte, and the ISR lists all three', async () => {
    const produced = await produce(cluster, 'first', 200);
    expect(produced.errors).toEqual({});
    expect(produced.acked).toHaveLength(200);
    const dump = await replicasIdentical(cluster.brokers);
    expect(dump).toContain('lastOffset: 199');
    const state = await describePartition(cluster);
    expect(state.line).toBe(`\tTopic: ${TOPIC}\tPartition: 0\tLeader: ${leader.id}\tReplicas: ${state.replicas.join(',')}\tIsr: ${state.replicas.join(',')}\tElr: \tLastKnownElr: `);
    expect([...state.replicas].sort()).toEqual([2, 3, 4]);
  }, 60_000);

  it('a killed follower leaves the ISR once it lags replica.lag.time.max.ms behind writes; acks=all goes on with two', async () => {
    const [gone, staying] = followers;
    await gone.kill();
    const killedAt = Date.now();
    // A follower that misses nothing stays caught up, as in Kafka: writes make it lag. These wait
    // for it until the leader drops it, within the lag plus a check period and well before the
    // controller would fence it.
    const produced = await produce(cluster, 'two', 50);
    const took = Date.now() - killedAt;
    expect(produced.errors).toEqual({});
    expect(produced.acked).toHaveLength(50);
    // The lag counts from the follower's last fetch, up to replica.fetch.wait.max.ms (500) before the kill.
    expect(took).toBeGreaterThanOrEqual(LAG_MS - 500);
    expect(took).toBeLessThan(SESSION_TIMEOUT_MS);
    await isrBecomes(cluster, [leader.id, staying.id]);
  }, 60_000);

  it('with the ISR down to the leader alone, acks=all is refused NOT_ENOUGH_REPLICAS', async () => {
    await followers[1].kill();
    await isrBecomes(cluster, [leader.id], LAG_MS + WAIT_MS);
    const produced = await produce(cluster, 'alone', 5, { retries: 0 });
    expect(produced).toEqual({ acked: [], errors: { NOT_ENOUGH_REPLICAS: 5 } });
  }, 60_000);

  it('restarted followers catch up and rejoin the ISR', async () => {
    await Promise.all(followers.map((f) => f.start()));
    await isrBecomes(cluster, [2, 3, 4]);
    const dump = await replicasIdentical(cluster.brokers);
    expect(dump).toContain('lastOffset: 249');
  }, 60_000);

  it('a follower stopped with SIGTERM stops fetching and exits cleanly, and rejoins the ISR when started again', async () => {
    const follower = followers[0];
    expect(await follower.stop()).toBe(0);
    await follower.start();
    await isrBecomes(cluster, [2, 3, 4]);
  }, 60_000);

  it('a leader killed during writes is replaced from the ISR: every acknowledged record is read once; the old leader rejoins', async () => {
    const writer = startTool(PYTHON, ['-c', PRODUCER, cluster.bootstrap, TOPIC, 'storm', '3000', '300', '10', '1']);
    await writer.waitFor('stdout', /ready/, 30_000);
    await leader.kill();
    const result = await writer.exit;
    const produced = JSON.parse(result.stdout.trim().split('\n').pop()!) as Produced;
    expect(produced.acked.length).toBeGreaterThan(300);
    const state = await eventually('a new leader', async () => {
      const s = await describePartition(cluster);
      return s.leader !== leader.id && s.leader >= 0 ? s : undefined;
    });
    expect(followers.map((f) => f.id)).toContain(state.leader);

    const read = await consumeAll(cluster);
    const stormRead = read.filter((v) => v.startsWith('storm-'));
    expect(new Set(stormRead).size).toBe(stormRead.length);
    const missing = produced.acked.filter((v) => !stormRead.includes(v));
    expect(missing).toEqual([]);
    expect(read.filter((v) => v.startsWith('first-'))).toHaveLength(200);

    await leader.start();
    await isrBecomes(cluster, [2, 3, 4]);
    await replicasIdentical(cluster.brokers);
  }, 120_000);

  it('a deposed leader truncates the acks=1 records only it had to where the new leader\'s epoch begins', async () => {
    const current = cluster.node((await describePartition(cluster)).leader);
    const others = cluster.brokers.filter((b) => b !== current);
    // The followers are frozen for a moment, well within the lag, while the leader alone takes an
    // acks=1 batch; then the leader dies. The pause lets the fetches they had waiting at the leader
    // (replica.fetch.wait.max.ms, 500) be answered empty first, so none carries the batch.
    const connection = await BrokerConnection.connect(HOST, current.port, { clientId: 'orphan-writer' });
    for (const f of others) process.kill(f.pid(), 'SIGSTOP');
    try {
      await new Promise((resolve) => setTimeout(resolve, 700));
      const orphans = await rawProduce(connection, TOPIC, 0, textBatch(['orphan-0', 'orphan-1', 'orphan-2', 'orphan-3', 'orphan-4']));
      expect(orphans.errorCode).toBe(ErrorCode.NONE);
      await current.kill();
    } finally {
      for (const f of others) process.kill(f.pid(), 'SIGCONT');
      connection.close();
    }
    await eventually('a new leader', async () => {
      const s = await describePartition(cluster);
      return others.some((o) => o.id === s.leader) ? s : undefined;
    });
    const after = await produce(cluster, 'after', 20);
    expect(after.errors).toEqual({});
    await current.start();
    await isrBecomes(cluster, [2, 3, 4]);
    await replicasIdentical(cluster.brokers);
    // Told by the leader's divergingEpoch, or by an out-of-range answer when its epochs did not reach back.
    expect(current.log()).toMatch(/replicated-0: truncating to (offset \d+|the leader's log end offset \d+)/);
    const read = await consumeAll(cluster);
    expect(read.filter((v) => v.startsWith('orphan-'))).toEqual([]);
    expect(read.filter((v) => v.startsWith('after-'))).toHaveLength(20);
  }, 90_000);
});
