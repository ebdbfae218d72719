// Shared pieces of the chaos tests (test/chaos/): an idempotent acks=all producer
// (confluent-kafka) whose pace the test controls while it breaks the cluster, a reader of what a
// partition holds (kcat, up to the high watermark), the checks that nothing acknowledged was lost,
// doubled or reordered, a partition's state from Metadata, and the comparison of every replica's
// log files up to the high watermark. Processes go through test/harness/broker.ts, so they are
// killed after the test file whatever happens.
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { Admin } from '../../src/client/admin.js';
import { Cluster as ClientCluster, type PartitionInfo } from '../../src/client/cluster.js';
import { iterateBatches, lastOffset } from '../../src/protocol/records.js';
import { PYTHON, runTool, startTool, type RunningTool } from './broker.js';
import { pollUntil, type Cluster, type ClusterNode } from './cluster.js';

const controlDirs: string[] = [];
afterAll(() => {
  for (const dir of controlDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Record i (counted from `first`) goes to partition i % partitions with value "i". Only records below the budget read
 * from the control file are sent, at most `rate` a second (a token bucket holding a tenth of a
 * second), so a test can spread the writes over its faults. Prints "acked N" as acknowledgements
 * come, then {"acked": [[partition, offset, i], ...], "errors": {name: count}}.
 */
const PACED_PRODUCER = `
import json, sys, time
from confluent_kafka import Producer
bootstrap, topic, partitions, total, rate, control, first = sys.argv[1:]
partitions, total, rate, first = int(partitions), int(total), float(rate), int(first)
p = Producer({'bootstrap.servers': bootstrap, 'acks': 'all', 'enable.idempotence': True, 'linger.ms': 5,
              'message.timeout.ms': 300000, 'retry.backoff.ms': 100, 'topic.metadata.refresh.interval.ms': 1000,
              'socket.connection.setup.timeout.ms': 3000, 'reconnect.backoff.max.ms': 500})
acked, errors = [], {}
def report(err, msg):
    if err is None:
        acked.append([msg.partition(), msg.offset(), int(msg.value())])
    else:
        errors[err.name()] = errors.get(err.name(), 0) + 1
def budget():
    try:
        with open(control) as f:
            return min(total, int(f.read().strip() or '0'))
    except (OSError, ValueError):
        return 0
sent, tokens, last, checked, allowed, reported = 0, 0.0, time.monotonic(), 0.0, 0, -1
while sent < total:
    now = time.monotonic()
    tokens = min(rate / 10, tokens + (now - last) * rate)
    last = now
    if now - checked > 0.05:
        allowed, checked = budget(), now
        if len(acked) != reported:
            reported = len(acked)
            print(f'acked {reported}', flush=True)
    if sent >= allowed or tokens < 1:
        p.poll(0.005)
        continue
    try:
        p.produce(topic, value=str(first + sent).encode(), partition=(first + sent) % partitions, on_delivery=report)
    except BufferError:
        p.poll(0.05)
        continue
    tokens -= 1
    sent += 1
    p.poll(0)
while len(p) > 0:
    p.poll(0.1)
    if len(acked) != reported:
        reported = len(acked)
        print(f'acked {reported}', flush=True)
print(json.dumps({'acked': acked, 'errors': errors}), flush=True)
`;

/** An acknowledged record: where it landed and which one it was. */
export interface AckedRecord {
  partition: number;
  offset: number;
  sequence: number;
}

export interface ProducerOutcome {
  acked: AckedRecord[];
  errors: Record<string, number>;
}

export interface PacedProducer {
  /** Lets the producer send records up to (not including) this sequence number. */
  allow(upTo: number): void;
  /** How many records have been acknowledged so far. */
  ackedCount(): number;
  /** Waits until at least `count` records are acknowledged. */
  waitForAcked(count: number, timeoutMs: number): Promise<void>;
  /** Resolves once every allowed record is sent and answered (allow(total) first). */
  finished(timeoutMs: number): Promise<ProducerOutcome>;
  readonly tool: RunningTool;
}

/**
 * Starts the idempotent acks=all producer of `total` records over `partitions`, sending nothing
 * until allowed; records are numbered from `firstSequence` (budgets count records, not numbers).
 */
export function startPacedProducer(bootstrap: string, topic: string, partitions: number, total: number, ratePerSecond: number, firstSequence = 0): PacedProducer {
  const dir = mkdtempSync(join(tmpdir(), 'tk-chaos-producer-'));
  controlDirs.push(dir);
  const control = join(dir, 'budget');
  writeFileSync(control, '0');
  const tool = startTool(PYTHON, ['-c', PACED_PRODUCER, bootstrap, topic, String(partitions), String(total), String(ratePerSecond), control, String(firstSequence)]);
  const ackedCount = (): number => {
    const out = tool.stdout();
    const at = out.lastIndexOf('acked ');
    return at < 0 ? 0 : Number.parseInt(out.slice(at + 6), 10);
  };
  return {
    tool,
    // A rename, so the producer never reads a half-written number.
    allow: (upTo) => {
      writeFileSync(`${control}.next`, String(upTo));
      renameSync(`${control}.next`, control);
    },
    ackedCount,
    waitForAcked: (count, timeoutMs) => tool.waitFor('stdout', () => ackedCount() >= count, timeoutMs),
    async finished(timeoutMs) {
      await tool.waitFor('stdout', (out) => out.includes('{"acked"'), timeoutMs);
      const result = await tool.exit;
      if (result.code !== 0) throw new Error(`the producer exited with ${result.code}: ${result.stderr}`);
      const parsed = JSON.parse(result.stdout.trim().split('\n').pop()!) as { acked: [number, number, number][]; errors: Record<string, number> };
      return { acked: parsed.acked.map(([partition, offset, sequence]) => ({ partition, offset, sequence })), errors: parsed.errors };
    },
  };
}

export interface ReadRecord {
  offset: number;
  value: string;
}

/** Every record of a partition from the start up to its high watermark (kcat -e stops there). */
export async function readPartition(bootstrap: string, topic: string, partition: number): Promise<ReadRecord[]> {
  const result = await runTool('kcat', ['-C', '-b', bootstrap, '-t', topic, '-p', String(partition), '-o', 'beginning', '-e', '-q', '-f', '%o %s\\n'], { timeoutMs: 60_000 });
  if (result.code !== 0) throw new Error(`kcat read of ${topic}-${partition} exited with ${result.code}: ${result.stderr}`);
  return result.stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const space = line.indexOf(' ');
      return { offset: Number(line.slice(0, space)), value: line.slice(space + 1) };
    });
}

export interface DeliveryAudit {
  /** Acknowledged records not found at their offset. */
  lost: AckedRecord[];
  /** Values read more than once. */
  duplicates: string[];
  /** Places where a partition's values do not increase (records of one partition were sent in order). */
  outOfOrder: { partition: number; offset: number; value: string; previous: string }[];
  read: number;
}

/** Compares what the producer had acknowledged with what the partitions hold. */
export function auditDelivery(acked: readonly AckedRecord[], readByPartition: ReadonlyMap<number, readonly ReadRecord[]>): DeliveryAudit {
  const audit: DeliveryAudit = { lost: [], duplicates: [], outOfOrder: [], read: 0 };
  const seen = new Set<string>();
  const atOffset = new Map<number, Map<number, string>>();
  for (const [partition, records] of readByPartition) {
    const byOffset = new Map<number, string>();
    atOffset.set(partition, byOffset);
    let previous: ReadRecord | null = null;
    for (const r of records) {
      audit.read++;
      byOffset.set(r.offset, r.value);
      if (seen.has(r.value)) audit.duplicates.push(r.value);
      seen.add(r.value);
      if (previous !== null && Number(r.value) <= Number(previous.value)) audit.outOfOrder.push({ partition, offset: r.offset, value: r.value, previous: previous.value });
      previous = r;
    }
  }
  for (const a of acked) {
    if (atOffset.get(a.partition)?.get(a.offset) !== String(a.sequence)) audit.lost.push(a);
  }
  return audit;
}

/** Every partition of a topic as one broker's Metadata answer has it. */
export async function describeTopic(bootstrap: string, topic: string): Promise<PartitionInfo[]> {
  const client = await ClientCluster.connect(bootstrap, { clientId: 'tk-chaos', requestTimeoutMs: 5_000, retries: 0 });
  try {
    const [info] = await new Admin(client).describeTopics([topic]);
    return info.partitions;
  } finally {
    client.close();
  }
}

/** The running brokers' addresses, comma-separated. */
export function liveBootstrap(cluster: Cluster): string {
  return cluster.brokers.filter((b) => b.isRunning()).map((b) => b.bootstrap).join(',');
}

/**
 * Waits until a partition has a leader and every one of its replicas is in the ISR, as the first
 * broker answering of `bootstrap` (default: the running ones) sees it; returns that state.
 */
export async function fullIsr(cluster: Cluster, topic: string, partition: number, timeoutMs: number, bootstrap?: string): Promise<PartitionInfo> {
  let last: PartitionInfo | undefined;
  try {
    return await pollUntil(`${topic}-${partition} with a leader and all replicas in the ISR`, async () => {
      last = (await describeTopic(bootstrap ?? liveBootstrap(cluster), topic)).find((x) => x.partition === partition);
      return last && last.leaderId >= 0 && last.isr.length === last.replicas.length ? last : undefined;
    }, timeoutMs, 200);
  } catch (err) {
    // What the nodes were doing, so a failure in CI can be understood from its log alone.
    const tails = cluster.nodes.map((n) => `--- node ${n.id} (${n.isRunning() ? 'running' : 'stopped'}), last lines:\n${n.log().split('\n').slice(-40).join('\n')}`);
    throw new Error(`${(err as Error).message}; last seen ${JSON.stringify(last)}\n${tails.join('\n')}`);
  }
}

/** A partition's high watermark, from its leader (ListOffsets latest). */
export async function highWatermark(bootstrap: string, topic: string, partition: number): Promise<bigint> {
  const client = await ClientCluster.connect(bootstrap, { clientId: 'tk-chaos', requestTimeoutMs: 5_000 });
  try {
    const [listed] = await new Admin(client).listOffsets([{ topic, partition }], 'latest');
    return listed.offset;
  } finally {
    client.close();
  }
}

/**
 * A replica's segment bytes holding the batches below `highWatermark`, segment after segment;
 * null while the replica has not yet got all of them.
 */
export function replicaLogUpTo(node: ClusterNode, topic: string, partition: number, highWatermark: bigint): Buffer | null {
  const dir = join(node.logDir, `${topic}-${partition}`);
  const segments = readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
  const kept: Buffer[] = [];
  let end = 0n;
  for (const name of segments) {
    const bytes = readFileSync(join(dir, name));
    let cut = 0;
    for (const entry of iterateBatches(bytes)) {
      if (entry.kind !== 'batch' || entry.header.baseOffset >= highWatermark) break;
      cut = entry.offset + entry.size;
      end = lastOffset(entry.header) + 1n;
    }
    kept.push(bytes.subarray(0, cut));
  }
  return end >= highWatermark ? Buffer.concat(kept) : null;
}

/** Waits until every replica's log holds the same bytes up to the high watermark; returns their length. */
export function replicasIdenticalUpTo(nodes: readonly ClusterNode[], topic: string, partition: number, highWatermark: bigint, timeoutMs: number): Promise<number> {
  return pollUntil(`${topic}-${partition}: the same bytes up to offset ${highWatermark} on brokers ${nodes.map((n) => n.id).join(',')}`, async () => {
    const logs = nodes.map((n) => replicaLogUpTo(n, topic, partition, highWatermark));
    const first = logs[0];
    if (first === null || logs.some((l) => l === null || !l.equals(first))) return undefined;
    return first.length;
  }, timeoutMs, 250);
}

/** Creates a topic through tk's client; throws the broker's error. */
export async function createTopic(bootstrap: string, name: string, partitions: number, replicationFactor: number, configs: Record<string, string> = {}): Promise<void> {
  const client = await ClientCluster.connect(bootstrap, { clientId: 'tk-chaos', requestTimeoutMs: 15_000 });
  try {
    const [result] = await new Admin(client).createTopics([{ name, numPartitions: partitions, replicationFactor, configs }]);
    if (result.error) throw result.error;
  } finally {
    client.close();
  }
}
