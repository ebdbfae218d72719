// The KRaft quorum with real processes: three dedicated controllers (process.roles=controller)
// elect one leader, replicate its LeaderChange and bootstrap records, survive a SIGKILLed or
// frozen leader, hand over at once on SIGTERM (EndQuorumEpoch), keep epochs and log across a full
// restart, and truncate a divergent tail. Plus the start-up refusals of what is not built yet.
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { api, BrokerConnection } from '../../src/client/connection.js';
import { metadataRecordCodecs } from '../../src/protocol/generated/metadata-records.js';
import { DescribeQuorumRequest } from '../../src/protocol/generated/clients/describe-quorum-request.js';
import { DescribeQuorumResponse, type PartitionData } from '../../src/protocol/generated/clients/describe-quorum-response.js';
import { encodeMetadataFrame } from '../../src/protocol/metadata-frame.js';
import { buildBatch } from '../../src/protocol/records.js';
import { freePort, HOST, runTool } from '../harness/broker.js';
import { QUORUM_TIMEOUTS, startQuorum, type ControllerNode, type Quorum } from '../harness/quorum.js';

const DESCRIBE_QUORUM = api(DescribeQuorumRequest, DescribeQuorumResponse);
const NOT_LEADER_OR_FOLLOWER = 6;
const ELECTION_TIMEOUT_MS = Number(QUORUM_TIMEOUTS['controller.quorum.election.timeout.ms']);
const FETCH_TIMEOUT_MS = Number(QUORUM_TIMEOUTS['controller.quorum.fetch.timeout.ms']);
const TOPIC_RECORD_TYPE = 2;

async function describeAt(node: ControllerNode): Promise<PartitionData | null> {
  let connection: BrokerConnection | null = null;
  try {
    connection = await BrokerConnection.connect(HOST, node.port, { requestTimeoutMs: 1000 });
    const response = await connection.send(DESCRIBE_QUORUM, connection.usableVersion(DescribeQuorumRequest)!, { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] });
    return response.topics[0].partitions[0];
  } catch {
    return null;
  } finally {
    connection?.close();
  }
}

interface Agreement {
  leader: ControllerNode;
  epoch: number;
  described: PartitionData;
}

/** Waits until one running node leads and every other running node names it, in the same epoch. */
async function agreedLeader(quorum: Quorum, timeoutMs = 10_000, newerThan = 0): Promise<Agreement> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = quorum.nodes.filter((n) => n.process !== null);
    const views = await Promise.all(running.map(describeAt));
    const leaders = views.map((v, i) => ({ v, node: running[i] })).filter(({ v }) => v?.errorCode === 0);
    if (leaders.length === 1) {
      const { v, node } = leaders[0];
      const agreed = views.every((o) => o !== null && o.leaderId === node.id && o.leaderEpoch === v!.leaderEpoch && (o.errorCode === 0 || o.errorCode === NOT_LEADER_OR_FOLLOWER));
      if (agreed && v!.leaderEpoch > newerThan) return { leader: node, epoch: v!.leaderEpoch, described: v! };
    }
    if (Date.now() > deadline) throw new Error(`no agreed leader within ${timeoutMs} ms: ${JSON.stringify(views, (_, x) => (typeof x === 'bigint' ? String(x) : x))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Waits until the leader reports every voter at its log end offset and the high watermark there,
 * at `minHighWatermark` or beyond (a new leader writes LeaderChange before its controller, once
 * active, writes anything).
 */
async function fullyReplicated(quorum: Quorum, timeoutMs = 10_000, minHighWatermark = 0n): Promise<Agreement> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const agreement = await agreedLeader(quorum, timeoutMs);
    const d = agreement.described;
    const leaderEnd = d.currentVoters.find((v) => v.replicaId === agreement.leader.id)!.logEndOffset;
    if (d.highWatermark === leaderEnd && d.highWatermark >= minHighWatermark && d.currentVoters.every((v) => v.logEndOffset === leaderEnd)) return agreement;
    if (Date.now() > deadline) throw new Error('the voters did not catch up');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Waits until the leader of `epoch` (or a later one) reports a high watermark beyond `past`: a new
 * leader reports -1 until the LeaderChange of its epoch is committed.
 */
async function highWatermarkPast(quorum: Quorum, past: bigint, epoch: number, timeoutMs = 10_000): Promise<Agreement> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const agreement = await agreedLeader(quorum, timeoutMs, epoch - 1);
    if (agreement.described.highWatermark > past) return agreement;
    if (Date.now() > deadline) throw new Error(`the high watermark did not pass ${past} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function dumpMetadataLog(node: ControllerNode): Promise<string> {
  const result = await runTool(process.execPath, ['bin/run.js', 'dump-log', '--cluster-metadata-decoder', '--files', join(node.logDir, '__cluster_metadata-0', '00000000000000000000.log')]);
  expect(result.code).toBe(0);
  return result.stdout;
}

describe('a quorum of three dedicated controllers', () => {
  it('elects one leader, commits LeaderChange and the bootstrap metadata.version on all, and fails over', async () => {
    const quorum = await startQuorum(3);
    // LeaderChange (offset 0) and the FeatureLevel bootstrap record (offset 1) at least.
    const first = await fullyReplicated(quorum, 20_000, 2n);
    expect(first.described.currentVoters.map((v) => v.replicaId).sort()).toEqual([1, 2, 3]);
    expect(first.described.observers).toEqual([]);

    // SIGKILL the leader: a new leader in a higher epoch within a few election timeouts, nothing committed lost.
    const killedAt = Date.now();
    await first.leader.kill();
    const elected = await agreedLeader(quorum, 10 * ELECTION_TIMEOUT_MS, first.epoch);
    expect(Date.now() - killedAt).toBeLessThan(FETCH_TIMEOUT_MS + 6 * ELECTION_TIMEOUT_MS);
    expect(elected.leader).not.toBe(first.leader);
    const second = await highWatermarkPast(quorum, first.described.highWatermark, elected.epoch);
    expect(second.leader).toBe(elected.leader);

    await first.leader.start();
    const third = await fullyReplicated(quorum);
    // Followers first: stopping the leader first would elect another and add a LeaderChange to some logs only.
    for (const node of quorum.nodes.filter((n) => n !== third.leader)) await node.stop();
    await third.leader.stop();
    const dumps = await Promise.all(quorum.nodes.map(dumpMetadataLog));
    for (const dump of dumps) {
      expect(dump.match(/controlType: LEADER_CHANGE\(2\)/g)!.length).toBeGreaterThanOrEqual(2);
      expect(dump.match(/"type":"FEATURE_LEVEL_RECORD","version":0,"data":\{"name":"metadata.version","featureLevel":21\}/g)).toHaveLength(1);
      // Every node holds the same batches: same offsets, epochs and CRCs.
      const batches = (d: string): string[] => d.split('\n').filter((l) => l.startsWith('baseOffset:')).map((l) => l.replace(/ position: .*? CreateTime/, ' CreateTime'));
      expect(batches(dump)).toEqual(batches(dumps[0]));
    }
    // One record per batch here: as many batches as the committed offsets.
    expect(dumps[0].split('\n').filter((l) => l.startsWith('baseOffset:'))).toHaveLength(Number(third.described.highWatermark));
  });

  it('a leader stopped with SIGTERM resigns (EndQuorumEpoch): the next leader is elected before any fetch timeout', async () => {
    const quorum = await startQuorum(3);
    const first = await fullyReplicated(quorum);
    const stoppedAt = Date.now();
    expect(await first.leader.stop()).toBe(0);
    const next = await agreedLeader(quorum, 10_000, first.epoch);
    // Without EndQuorumEpoch the followers wait out their fetch timeout before they even stand.
    expect(Date.now() - stoppedAt).toBeLessThan(FETCH_TIMEOUT_MS);
    expect(next.epoch).toBe(first.epoch + 1);
  });

  it('a restart of all three keeps the epochs and the log', async () => {
    const quorum = await startQuorum(3);
    const before = await fullyReplicated(quorum);
    const states = quorum.nodes.map((n) => JSON.parse(readFileSync(join(n.logDir, '__cluster_metadata-0', 'quorum-state'), 'utf8')));
    for (const s of states) expect(s).toMatchObject({ leaderId: before.leader.id, leaderEpoch: before.epoch, currentVoters: [{ voterId: 1 }, { voterId: 2 }, { voterId: 3 }], data_version: 0 });
    for (const node of quorum.nodes) await node.stop();
    await Promise.all(quorum.nodes.map((n) => n.start()));
    const after = await fullyReplicated(quorum);
    expect(after.epoch).toBeGreaterThan(before.epoch);
    // The old log, plus one LeaderChange per new epoch; metadata.version is bootstrapped once only.
    expect(after.described.highWatermark).toBeGreaterThan(before.described.highWatermark);
    const dump = await (async () => {
      for (const node of quorum.nodes) await node.stop();
      return dumpMetadataLog(quorum.node(1));
    })();
    expect(dump.match(/FEATURE_LEVEL_RECORD/g)).toHaveLength(1);
  });

  it('a frozen leader is replaced, and once resumed steps down and follows the new leader', async () => {
    const quorum = await startQuorum(3);
    const first = await fullyReplicated(quorum);
    first.leader.pause();
    const second = await agreedLeader({ ...quorum, nodes: quorum.nodes.filter((n) => n !== first.leader) }, 10_000, first.epoch);
    first.leader.resume();
    const settled = await fullyReplicated(quorum);
    expect(settled.epoch).toBeGreaterThanOrEqual(second.epoch);
    expect(settled.described.currentVoters.find((v) => v.replicaId === first.leader.id)!.logEndOffset).toBe(settled.described.highWatermark);
  });

  it('a node with a divergent uncommitted tail truncates it to the leader', async () => {
    const quorum = await startQuorum(3);
    const first = await fullyReplicated(quorum);
    const old = first.leader;
    const endOffset = first.described.highWatermark;
    await old.kill();
    const second = await agreedLeader(quorum, 10_000, first.epoch);
    // What the old leader could have written in its epoch just before it died, never replicated:
    // a batch of its epoch at its log end offset, where the new leader has its own LeaderChange.
    const record = encodeMetadataFrame(metadataRecordCodecs.get(TOPIC_RECORD_TYPE)!, { name: 'never-committed', topicId: 'AAAAAAAAAAAAAAAAAAAAAg' }, 0);
    appendFileSync(join(old.logDir, '__cluster_metadata-0', '00000000000000000000.log'), buildBatch({ records: [{ key: null, value: record, timestamp: BigInt(Date.now()) }], baseOffset: endOffset, partitionLeaderEpoch: first.epoch }));
    await old.start();
    const settled = await fullyReplicated(quorum);
    expect(settled.epoch).toBeGreaterThanOrEqual(second.epoch);
    const log = old.log();
    expect(log).toMatch(new RegExp(`raft: truncating the metadata log from ${endOffset + 1n} to ${endOffset} \\(diverged at epoch ${first.epoch}\\)`));
    for (const node of quorum.nodes) await node.stop();
    const dumps = await Promise.all(quorum.nodes.map(dumpMetadataLog));
    for (const dump of dumps) expect(dump).not.toContain('never-committed');
  });
});

describe('start-up refusals', () => {
  it('a combined node of a quorum of several voters needs a formatted log dir too', async () => {
    const [port, c1, c2] = [await freePort(), await freePort(), await freePort()];
    const result = await runTool(process.execPath, [
      'bin/run.js', 'broker', 'start',
      '--override', 'node.id=1', '--override', 'process.roles=broker,controller',
      '--override', `listeners=PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${c1}`, '--override', 'controller.listener.names=CONTROLLER',
      '--override', `controller.quorum.voters=1@${HOST}:${c1},2@${HOST}:${c2}`, '--override', `log.dirs=/nonexistent-tk-test-dir`,
    ]);
    expect(result).toMatchObject({
      code: 1,
      stderr: 'Error: /nonexistent-tk-test-dir is not formatted: the 2 voters of controller.quorum.voters must share one cluster id, so format each node first with `tk storage format -t <cluster id>` (`tk storage random-uuid` makes one)\n',
    });
  });

  it('a controller of a quorum of several voters needs a formatted log dir', async () => {
    const [c1, c2] = [await freePort(), await freePort()];
    const dir = join('/tmp', `tk-unformatted-${process.pid}-${c1}`);
    const result = await runTool(process.execPath, [
      'bin/run.js', 'broker', 'start',
      '--override', 'node.id=1', '--override', 'process.roles=controller',
      '--override', `listeners=CONTROLLER://${HOST}:${c1}`, '--override', 'controller.listener.names=CONTROLLER',
      '--override', `controller.quorum.voters=1@${HOST}:${c1},2@${HOST}:${c2}`, '--override', `log.dirs=${dir}`,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `Error: ${dir} is not formatted: the 2 voters of controller.quorum.voters must share one cluster id, so format each node first with \`tk storage format -t <cluster id>\` (\`tk storage random-uuid\` makes one)\n`,
    );
  });
});
