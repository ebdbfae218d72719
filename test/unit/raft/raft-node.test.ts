// The Raft state machine with real metadata logs in temp dirs and an in-memory transport that can
// cut a node off: elections, replication and the high watermark, resignation, divergent tails.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultLogConfig } from '../../../daemon/log/log-config.js';
import { PartitionLog } from '../../../daemon/log/partition-log.js';
import { silentLogger } from '../../../daemon/logger.js';
import { majorityHighWatermark, LeaderState } from '../../../daemon/controller/raft/leader-state.js';
import { QuorumStateStore } from '../../../daemon/controller/raft/quorum-state-store.js';
import { describeQuorum } from '../../../daemon/controller/raft/raft-leader-requests.js';
import { RaftLog, type CommittedBatch } from '../../../daemon/controller/raft/raft-log.js';
import { NotLeaderError, RaftNode } from '../../../daemon/controller/raft/raft-node.js';
import { InMemoryNetwork } from './in-memory-network.js';
import type { MetadataRecord } from '../../../daemon/controller/metadata-image.js';

const ELECTION_MS = 150;
const dirs: string[] = [];


interface TestNode {
  node: RaftNode;
  committed: CommittedBatch[];
  dir: string;
}

async function startNode(net: InMemoryNetwork, id: number, voters: number[], dir = mkdtempSync(join(tmpdir(), `raft-${id}-`))): Promise<TestNode> {
  if (!dirs.includes(dir)) dirs.push(dir);
  const partitionLog = await PartitionLog.open(join(dir, '__cluster_metadata-0'), { topic: '__cluster_metadata', partition: 0 }, defaultLogConfig({ fileDeleteDelayMs: 0 }));
  const node = new RaftNode(
    { nodeId: id, clusterId: 'test-cluster', voterIds: voters, electionTimeoutMs: ELECTION_MS, fetchTimeoutMs: 2 * ELECTION_MS, electionBackoffMaxMs: ELECTION_MS, retryBackoffMs: 10, fetchMaxWaitMs: 50, fetchMaxBytes: 1 << 20 },
    new RaftLog(partitionLog, silentLogger),
    new QuorumStateStore(join(dir, '__cluster_metadata-0'), voters),
    net.transport(id),
    silentLogger,
  );
  const committed: CommittedBatch[] = [];
  node.register({ handleCommit: (batches) => committed.push(...batches), handleSnapshot: () => undefined, handleLeaderChange: () => undefined });
  net.nodes.set(id, node);
  await node.start();
  return { node, committed, dir };
}

async function until<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const topicRecord = (name: string): MetadataRecord => ({ type: 'Topic', version: 0, record: { name, topicId: 'AAAAAAAAAAAAAAAAAAAAAg' } }) as MetadataRecord;
const leaderOf = (net: InMemoryNetwork): RaftNode | undefined => [...net.nodes.entries()].find(([id, n]) => n.role === 'leader' && !net.cut.has(id))?.[1];
const names = (t: TestNode): string[] => t.committed.flatMap((b) => b.records.map((r) => (r.record as { name: string }).name));

let running: TestNode[] = [];
afterEach(async () => {
  for (const t of running) await t.node.close().catch(() => undefined);
  running = [];
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('high watermark rule', () => {
  it('is the end offset a majority has, once it covers the epoch start', () => {
    expect(majorityHighWatermark([10n, 7n, 3n], 5n, null)).toBe(7n);
    expect(majorityHighWatermark([10n, 5n, 3n], 5n, null)).toBe(null);
    expect(majorityHighWatermark([10n, 6n, -1n], 5n, null)).toBe(6n);
    expect(majorityHighWatermark([10n, 10n, 10n, 2n], 5n, null)).toBe(10n);
    expect(majorityHighWatermark([10n, 10n, 2n, 2n], 5n, null)).toBe(null);
    expect(majorityHighWatermark([6n, 6n, 6n], 5n, 8n)).toBe(8n);
    expect(majorityHighWatermark([4n], 0n, null)).toBe(4n);
  });

  it('tracks replicas and their caught-up time', () => {
    const state = new LeaderState(1, 3, 10n, [1, 2, 3]);
    expect(state.updateLocal(12n, 1000)).toBe(false);
    expect(state.unacknowledgedVoters()).toEqual([2, 3]);
    expect(state.updateReplica(2, 11n, 12n, 1100)).toBe(true);
    expect(state.highWatermark).toBe(11n);
    expect(state.updateReplica(9, 12n, 12n, 1200)).toBe(false);
    expect(state.describeObservers()).toEqual([{ id: 9, endOffset: 12n, lastFetchTimestamp: 1200, lastCaughtUpTimestamp: 1200, lastFetchLeaderEndOffset: 12n }]);
    // Fetching from where the leader's log ended at the previous fetch: caught up as of that fetch.
    expect(state.updateReplica(2, 12n, 14n, 1300)).toBe(true);
    expect(state.describeVoters().find((v) => v.id === 2)!.lastCaughtUpTimestamp).toBe(1100);
    expect(state.successorsByProgress()).toEqual([2, 3]);
    expect(state.majorityFetchedSince(1250)).toBe(true);
    expect(state.majorityFetchedSince(1400)).toBe(false);
  });
});

describe('RaftNode', () => {
  it('a sole voter elects itself at start and commits on append', async () => {
    const net = new InMemoryNetwork();
    const a = await startNode(net, 1, [1]);
    running.push(a);
    expect(a.node.role).toBe('leader');
    expect(a.node.epoch).toBe(1);
    await a.node.awaitLeaderCaughtUp();
    expect(a.committed[0].leaderChange).toMatchObject({ leaderId: 1, voters: [{ voterId: 1 }], grantingVoters: [{ voterId: 1 }] });
    expect(await a.node.append([topicRecord('t1')])).toBe(1n);
    expect(names(a)).toEqual(['t1']);
    const state = JSON.parse(readFileSync(join(a.dir, '__cluster_metadata-0', 'quorum-state'), 'utf8'));
    expect(state).toEqual({ clusterId: '', leaderId: 1, leaderEpoch: 1, votedId: 1, appliedOffset: 0, currentVoters: [{ voterId: 1 }], data_version: 0 });
    await a.node.close();
    // A restart is a new epoch: the old leader resigned its epoch.
    const again = await startNode(new InMemoryNetwork(), 1, [1], a.dir);
    running = [again];
    expect(again.node.epoch).toBe(2);
    await again.node.awaitLeaderCaughtUp();
    expect(names(again)).toEqual(['t1']);
  });

  it('three voters elect one leader, replicate and commit on a majority', async () => {
    const net = new InMemoryNetwork();
    const nodes = await Promise.all([1, 2, 3].map((id) => startNode(net, id, [1, 2, 3])));
    running.push(...nodes);
    const leader = await until('a leader', () => leaderOf(net));
    await leader.awaitLeaderCaughtUp();
    await leader.append([topicRecord('a')]);
    await until('all nodes committed a', () => nodes.every((t) => names(t).includes('a')));
    const epochs = new Set(nodes.map((t) => t.node.epoch));
    expect(epochs.size).toBe(1);
    expect(nodes.filter((t) => t.node.role === 'leader')).toHaveLength(1);
    expect(nodes.filter((t) => t.node.role === 'follower').every((t) => t.node.leaderId === leader.settings.nodeId)).toBe(true);
    const described = describeQuorum(leader).topics[0].partitions[0];
    expect(described.highWatermark).toBe(leader.log.endOffset);
    expect(described.currentVoters.map((v) => v.replicaId).sort()).toEqual([1, 2, 3]);
    const follower = nodes.find((t) => t.node.role === 'follower')!.node;
    expect(describeQuorum(follower).topics[0].partitions[0].errorCode).toBe(6);
    await expect(follower.append([topicRecord('x')])).rejects.toBeInstanceOf(NotLeaderError);

    // Cut the leader off: the others elect a new leader in a higher epoch and nothing committed is lost.
    const oldId = leader.settings.nodeId;
    const oldEpoch = leader.epoch;
    net.cut.add(oldId);
    const stale = leader.append([topicRecord('lost')]);
    stale.catch(() => undefined);
    const next = await until('a new leader', () => leaderOf(net), 5000);
    expect(next.epoch).toBeGreaterThan(oldEpoch);
    await next.awaitLeaderCaughtUp();
    await next.append([topicRecord('b')]);
    // The old leader resigns (check quorum), and once back it follows and truncates its uncommitted tail.
    net.cut.delete(oldId);
    await expect(stale).rejects.toBeInstanceOf(NotLeaderError);
    const old = nodes.find((t) => t.node.settings.nodeId === oldId)!;
    await until('the old leader to catch up', () => names(old).includes('b'));
    expect(names(old)).toEqual(['a', 'b']);
    expect(old.node.log.endOffset).toBe(next.log.endOffset);
  });

  it('an observer (not a voter) finds the leader through any voter and replicates without voting', async () => {
    const net = new InMemoryNetwork();
    const nodes = await Promise.all([1, 2, 3].map((id) => startNode(net, id, [1, 2, 3])));
    running.push(...nodes);
    const observer = await startNode(net, 4, [1, 2, 3]);
    running.push(observer);
    const leader = await until('a leader', () => leaderOf(net));
    await leader.awaitLeaderCaughtUp();
    await leader.append([topicRecord('seen-by-observer')]);
    await until('the observer to commit', () => names(observer).includes('seen-by-observer'));
    expect(observer.node.role).toBe('follower');
    expect(observer.node.leaderId).toBe(leader.settings.nodeId);
    const described = describeQuorum(leader).topics[0].partitions[0];
    expect(described.currentVoters.map((v) => v.replicaId).sort()).toEqual([1, 2, 3]);
    expect(described.observers.map((o) => o.replicaId)).toEqual([4]);
    const vote = await observer.node.handleVote({ clusterId: 'test-cluster', voterId: 4, topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0, candidateEpoch: leader.epoch + 1, candidateId: 1, candidateDirectoryId: '', voterDirectoryId: '', lastOffsetEpoch: 99, lastOffset: 99n }] }] });
    expect(vote.topics[0].partitions[0]).toMatchObject({ errorCode: 94, voteGranted: false });
  });

  it('a leader that shuts down hands over at once with EndQuorumEpoch', async () => {
    const net = new InMemoryNetwork();
    const nodes = await Promise.all([1, 2, 3].map((id) => startNode(net, id, [1, 2, 3])));
    running.push(...nodes);
    const leader = await until('a leader', () => leaderOf(net));
    await leader.awaitLeaderCaughtUp();
    await until('followers', () => nodes.filter((t) => t.node.role === 'follower').length === 2);
    const closedAt = Date.now();
    await leader.close();
    net.nodes.delete(leader.settings.nodeId);
    const next = await until('a successor', () => leaderOf(net));
    // Without EndQuorumEpoch a follower waits for its fetch timeout (300 ms) first.
    expect(Date.now() - closedAt).toBeLessThan(2 * ELECTION_MS);
    expect(next.epoch).toBe(leader.epoch + 1);
  });
});
