// Metadata snapshots: the image written as records and read back, the snapshot file's layout and
// names, recovery of a snapshot directory, retention trimming the log behind the snapshots, and
// quorum members that start from a snapshot or download one from the leader (FetchSnapshot).
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/protocol/errors.js';
import { iterateBatches } from '../../../src/protocol/records.js';
import { defaultLogConfig } from '../../../daemon/log/log-config.js';
import { PartitionLog } from '../../../daemon/log/partition-log.js';
import { silentLogger } from '../../../daemon/logger.js';
import { EMPTY_IMAGE, replay, type MetadataImage, type MetadataRecord } from '../../../daemon/controller/metadata-image.js';
import { imageRecords } from '../../../daemon/controller/raft/image-records.js';
import { QuorumStateStore } from '../../../daemon/controller/raft/quorum-state-store.js';
import { RaftLog } from '../../../daemon/controller/raft/raft-log.js';
import { RaftNode } from '../../../daemon/controller/raft/raft-node.js';
import { decodeSnapshot, encodeSnapshot, InvalidSnapshotError, snapshotTimestamp } from '../../../daemon/controller/raft/snapshot-format.js';
import { fetchSnapshotRequest, handleFetchSnapshot, POSITION_OUT_OF_RANGE } from '../../../daemon/controller/raft/snapshot-requests.js';
import { cleanSnapshots } from '../../../daemon/controller/raft/snapshot-retention.js';
import { parseSnapshotFileName, snapshotFileName, SnapshotStore } from '../../../daemon/controller/raft/snapshots.js';
import { InMemoryNetwork } from './in-memory-network.js';

const dirs: string[] = [];
const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

const uuid = (n: number): string => Buffer.alloc(16, n).toString('base64url');

/** Records touching every part of the image, including changes and removals after creation. */
function richRecords(): MetadataRecord[] {
  const endpoint = (port: number) => ({ name: 'PLAINTEXT', host: '127.0.0.1', port, securityProtocol: 0 });
  const broker = (id: number, fenced: boolean): MetadataRecord => ({
    type: 'RegisterBroker',
    version: 3,
    record: { brokerId: id, isMigratingZkBroker: false, incarnationId: uuid(id), brokerEpoch: BigInt(id * 10), endPoints: [endpoint(9000 + id)], features: [], rack: id === 2 ? 'r2' : null, fenced, inControlledShutdown: false, logDirs: [] },
  });
  const partition = (topicId: string, partitionId: number, replicas: number[]): MetadataRecord => ({
    type: 'Partition',
    version: 0,
    record: { partitionId, topicId, replicas, isr: replicas, removingReplicas: [], addingReplicas: [], leader: replicas[0], leaderRecoveryState: 0, leaderEpoch: 0, partitionEpoch: 0, directories: [], eligibleLeaderReplicas: null, lastKnownElr: null },
  });
  return [
    { type: 'FeatureLevel', version: 0, record: { name: 'kraft.version', featureLevel: 0 } },
    { type: 'FeatureLevel', version: 0, record: { name: 'metadata.version', featureLevel: 21 } },
    broker(1, true),
    broker(2, true),
    broker(3, true),
    { type: 'UnfenceBroker', version: 0, record: { id: 1, epoch: 10n } },
    { type: 'UnfenceBroker', version: 0, record: { id: 2, epoch: 20n } },
    { type: 'BrokerRegistrationChange', version: 1, record: { brokerId: 2, brokerEpoch: 20n, fenced: 0, inControlledShutdown: 1, logDirs: [] } },
    { type: 'Topic', version: 0, record: { name: 'orders', topicId: uuid(7) } },
    partition(uuid(7), 0, [1, 2, 3]),
    partition(uuid(7), 1, [2, 3, 1]),
    { type: 'PartitionChange', version: 0, record: { partitionId: 1, topicId: uuid(7), isr: [2, 3], leader: 3, replicas: null, removingReplicas: null, addingReplicas: null, leaderRecoveryState: -1, directories: null, eligibleLeaderReplicas: null, lastKnownElr: null } },
    { type: 'Topic', version: 0, record: { name: 'gone', topicId: uuid(8) } },
    partition(uuid(8), 0, [1]),
    { type: 'Config', version: 0, record: { resourceType: 2, resourceName: 'gone', name: 'retention.ms', value: '1' } },
    { type: 'RemoveTopic', version: 0, record: { topicId: uuid(8) } },
    { type: 'Config', version: 0, record: { resourceType: 2, resourceName: 'orders', name: 'retention.ms', value: '60000' } },
    { type: 'Config', version: 0, record: { resourceType: 2, resourceName: 'orders', name: 'cleanup.policy', value: 'compact' } },
    { type: 'Config', version: 0, record: { resourceType: 4, resourceName: '', name: 'log.cleaner.threads', value: '2' } },
    { type: 'Config', version: 0, record: { resourceType: 4, resourceName: '1', name: 'log.cleaner.threads', value: '3' } },
    { type: 'ClientQuota', version: 0, record: { entity: [{ entityType: 'user', entityName: 'alice' }, { entityType: 'client-id', entityName: null }], key: 'producer_byte_rate', value: 1024, remove: false } },
    { type: 'ProducerIds', version: 0, record: { brokerId: 1, brokerEpoch: 10n, nextProducerId: 2000n } },
    { type: 'AccessControlEntry', version: 0, record: { id: uuid(9), resourceType: 2, resourceName: 'orders', patternType: 3, principal: 'User:alice', host: '*', operation: 3, permissionType: 3 } },
    { type: 'UserScramCredential', version: 0, record: { name: 'alice', mechanism: 1, salt: Buffer.from('salt'), storedKey: Buffer.alloc(32, 1), serverKey: Buffer.alloc(32, 2), iterations: 4096 } },
    { type: 'UserScramCredential', version: 0, record: { name: 'bob:x', mechanism: 2, salt: Buffer.from('pepper'), storedKey: Buffer.alloc(64, 3), serverKey: Buffer.alloc(64, 4), iterations: 8192 } },
  ] as MetadataRecord[];
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the image as records', () => {
  it('replays into an empty image as the same image', () => {
    const image = replay(EMPTY_IMAGE, richRecords(), 41n);
    expect(image.topicsByName.has('gone')).toBe(false);
    expect(image.brokers.get(2)?.inControlledShutdown).toBe(true);
    const records = imageRecords(image);
    expect(records[0]).toMatchObject({ type: 'FeatureLevel', record: { name: 'metadata.version' } });
    expect(replay(EMPTY_IMAGE, records, image.offset)).toEqual(image);
  });

  it('writes nothing for an empty image', () => {
    expect(imageRecords(EMPTY_IMAGE)).toEqual([]);
  });
});

describe('the snapshot file', () => {
  const id = { endOffset: 42n, epoch: 3 };

  it('is a header batch, the records from offset 1 and a footer batch, in the snapshot epoch', () => {
    const records = richRecords();
    const bytes = encodeSnapshot(id, { records, lastContainedLogTimestamp: 1234n }, 5000n);
    const batches = [...iterateBatches(bytes)].map((e) => (e.kind === 'batch' ? e.header : null));
    expect(batches.every((h) => h !== null && h.partitionLeaderEpoch === 3)).toBe(true);
    expect(batches[0]).toMatchObject({ baseOffset: 0n, isControl: true });
    expect(batches[1]).toMatchObject({ baseOffset: 1n, isControl: false, lastOffsetDelta: records.length - 1 });
    expect(batches[batches.length - 1]).toMatchObject({ baseOffset: BigInt(records.length + 1), isControl: true });
    const decoded = decodeSnapshot(bytes, silentLogger);
    expect(decoded.lastContainedLogTimestamp).toBe(1234n);
    expect(replay(EMPTY_IMAGE, decoded.records, 41n)).toEqual(replay(EMPTY_IMAGE, records, 41n));
    expect(snapshotTimestamp(bytes.subarray(0, 200))).toBe(1234n);
  });

  it('is refused without its footer or with a damaged batch', () => {
    const bytes = encodeSnapshot(id, { records: richRecords(), lastContainedLogTimestamp: 1n }, 5000n);
    const entries = [...iterateBatches(bytes)];
    const last = entries[entries.length - 1];
    expect(() => decodeSnapshot(bytes.subarray(0, last.offset), silentLogger)).toThrow(InvalidSnapshotError);
    const damaged = Buffer.from(bytes);
    damaged[entries[1].offset + 70] ^= 0xff;
    expect(() => decodeSnapshot(damaged, silentLogger)).toThrow();
  });

  it('is named by its end offset and epoch, as Kafka names it', () => {
    expect(snapshotFileName({ endOffset: 1234n, epoch: 5 })).toBe('00000000000000001234-0000000005.checkpoint');
    expect(parseSnapshotFileName('00000000000000001234-0000000005.checkpoint')).toEqual({ id: { endOffset: 1234n, epoch: 5 }, partial: false, deleted: false });
    expect(parseSnapshotFileName('00000000000000001234-0000000005.checkpoint.part')?.partial).toBe(true);
    expect(parseSnapshotFileName('00000000000000001234-0000000005.checkpoint.deleted')?.deleted).toBe(true);
    expect(parseSnapshotFileName('00000000000000001234.log')).toBeNull();
    expect(parseSnapshotFileName('leader-epoch-checkpoint')).toBeNull();
  });
});

describe('a snapshot directory', () => {
  const touch = (dir: string, name: string): void => writeFileSync(join(dir, name), 'x');

  it('keeps whole snapshots from the log start on and deletes the rest', async () => {
    const dir = tempDir('snapshots-');
    for (const name of ['00000000000000000010-0000000001.checkpoint', '00000000000000000030-0000000002.checkpoint', '00000000000000000020-0000000001.checkpoint', '00000000000000000040-0000000002.checkpoint.part', '00000000000000000005-0000000001.checkpoint.deleted', '00000000000000000000.log']) touch(dir, name);
    const store = new SnapshotStore(dir, silentLogger);
    await store.recover(15n);
    expect(store.list()).toEqual([
      { endOffset: 20n, epoch: 1 },
      { endOffset: 30n, epoch: 2 },
    ]);
    expect(readdirSync(dir).sort()).toEqual(['00000000000000000000.log', '00000000000000000020-0000000001.checkpoint', '00000000000000000030-0000000002.checkpoint']);
  });

  it('refuses a log that starts where no snapshot reaches', async () => {
    const dir = tempDir('snapshots-');
    touch(dir, '00000000000000000010-0000000001.checkpoint');
    await expect(new SnapshotStore(dir, silentLogger).recover(11n)).rejects.toThrow(/no snapshot reaches/);
  });
});

// ---- quorum members on real logs, requests delivered in this process ----


interface Member {
  node: RaftNode;
  log: RaftLog;
  image: () => MetadataImage;
  snapshotsLoaded: number;
}

async function startMember(net: InMemoryNetwork, id: number, voters: number[], dir: string, fetchMaxBytes = 1 << 20): Promise<Member> {
  const logDir = join(dir, '__cluster_metadata-0');
  const partitionLog = await PartitionLog.open(logDir, { topic: '__cluster_metadata', partition: 0 }, defaultLogConfig({ fileDeleteDelayMs: 0, segmentBytes: 1024 }));
  const log = new RaftLog(partitionLog, silentLogger);
  const node = new RaftNode(
    { nodeId: id, clusterId: 'test-cluster', voterIds: voters, electionTimeoutMs: 100, fetchTimeoutMs: 400, electionBackoffMaxMs: 100, retryBackoffMs: 10, fetchMaxWaitMs: 50, fetchMaxBytes },
    log,
    new QuorumStateStore(logDir, voters),
    net.transport(id),
    silentLogger,
  );
  let image = EMPTY_IMAGE;
  const member: Member = { node, log, image: () => image, snapshotsLoaded: 0 };
  node.register({
    handleCommit: (batches) => {
      image = replay(image, batches.flatMap((b) => b.records), batches[batches.length - 1].lastOffset);
    },
    handleSnapshot: (snapshot) => {
      member.snapshotsLoaded++;
      image = replay(EMPTY_IMAGE, snapshot.records, snapshot.id.endOffset - 1n);
    },
    handleLeaderChange: () => undefined,
  });
  net.nodes.set(id, node);
  await node.start();
  return member;
}

async function until<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const topic = (n: number): MetadataRecord => ({ type: 'Topic', version: 0, record: { name: `topic-${n}`, topicId: uuid(n % 250) } }) as MetadataRecord;
const config = (n: number): MetadataRecord => ({ type: 'Config', version: 0, record: { resourceType: 2, resourceName: 'orders', name: `key-${n}`, value: 'x'.repeat(100) } }) as MetadataRecord;

/** Snapshots the member's committed image as MetadataLog does. */
async function snapshot(member: Member): Promise<void> {
  const image = member.image();
  const epoch = member.node.epoch;
  expect(await member.node.createSnapshot({ endOffset: image.offset + 1n, epoch }, { records: imageRecords(image), lastContainedLogTimestamp: BigInt(Date.now()) })).toBe(true);
}

let running: Member[] = [];
afterEach(async () => {
  for (const m of running) await m.node.close().catch(() => undefined);
  running = [];
});

describe('quorum members and snapshots', () => {
  it('retention trims the log to the latest snapshot; a restart loads it and replays the log after it', async () => {
    const net = new InMemoryNetwork();
    const dir = tempDir('raft-snap-');
    const leader = await startMember(net, 1, [1], dir);
    running.push(leader);
    await until('a leader', () => leader.node.role === 'leader');
    for (let i = 0; i < 20; i++) await leader.node.append([config(i)]);
    await snapshot(leader);
    for (let i = 20; i < 40; i++) await leader.node.append([config(i)]);
    await snapshot(leader);
    expect(leader.log.snapshots.list()).toHaveLength(2);
    // Nothing breaks the limits: nothing goes.
    expect(await leader.node.exclusive(() => cleanSnapshots(leader.log, { maxBytes: 1 << 30, maxMs: 3_600_000 }, Date.now()))).toBe(false);
    expect(await leader.node.exclusive(() => cleanSnapshots(leader.log, { maxBytes: 1, maxMs: -1 }, Date.now()))).toBe(true);
    const latest = leader.log.snapshots.latest!;
    expect(leader.log.snapshots.list()).toEqual([latest]);
    expect(leader.log.startOffset).toBe(latest.endOffset);
    expect(readdirSync(join(dir, '__cluster_metadata-0')).filter((n) => n.endsWith('.checkpoint'))).toEqual([snapshotFileName(latest)]);
    for (let i = 40; i < 45; i++) await leader.node.append([config(i)]);
    const before = leader.image();
    await leader.node.close();
    running = [];

    const restarted = await startMember(new InMemoryNetwork(), 1, [1], dir);
    running.push(restarted);
    // The log start is not checkpointed: it is the first segment's base, at or below the snapshot.
    expect(restarted.log.startOffset).toBeGreaterThan(0n);
    expect(restarted.log.startOffset).toBeLessThanOrEqual(latest.endOffset);
    await until('the image replayed', () => restarted.image().offset >= before.offset);
    expect(restarted.snapshotsLoaded).toBe(1);
    expect(restarted.image().configs).toEqual(before.configs);
  });

  it('a follower or observer with an empty log downloads the snapshot in chunks, follows from its end, and loads it again after a restart', async () => {
    const net = new InMemoryNetwork();
    const leader = await startMember(net, 1, [1, 2, 3], tempDir('raft-snap-'));
    const second = await startMember(net, 2, [1, 2, 3], tempDir('raft-snap-'));
    running.push(leader, second);
    const elected = await until('a leader', () => [leader, second].find((m) => m.node.role === 'leader'));
    for (let i = 0; i < 30; i++) await elected.node.append([topic(i), config(i)]);
    await snapshot(elected);
    await elected.node.exclusive(() => cleanSnapshots(elected.log, { maxBytes: 1, maxMs: -1 }, Date.now()));
    for (let i = 30; i < 35; i++) await elected.node.append([topic(i)]);
    await snapshot(elected);
    expect(await elected.node.exclusive(() => cleanSnapshots(elected.log, { maxBytes: 1, maxMs: -1 }, Date.now()))).toBe(true);
    expect(elected.log.startOffset).toBeGreaterThan(0n);

    // Chunks of 1000 bytes: the snapshot takes several FetchSnapshot requests.
    const third = await startMember(net, 3, [1, 2, 3], tempDir('raft-snap-'), 1000);
    running.push(third);
    await until('the third member caught up', () => third.image().offset === elected.image().offset && third.image().topicsByName.size === 35);
    expect(third.snapshotsLoaded).toBe(1);
    expect(net.snapshotRequests.filter((id) => id === 3).length).toBeGreaterThan(1);
    expect(third.log.startOffset).toBe(elected.log.snapshots.latest!.endOffset);
    expect(third.image().topicsByName).toEqual(elected.image().topicsByName);
    await elected.node.append([topic(99)]);
    await until('a commit after the snapshot', () => third.image().topicsByName.has('topic-99'));

    // An observer (no voter) does the same.
    const observer = await startMember(net, 4, [1, 2, 3], tempDir('raft-snap-'));
    running.push(observer);
    await until('the observer caught up', () => observer.image().topicsByName.has('topic-99') && observer.image().offset === elected.image().offset);
    expect(observer.snapshotsLoaded).toBe(1);
    expect(net.snapshotRequests).toContain(4);

    // Restarted, a log that starts exactly at its snapshot loads that snapshot first.
    const thirdDir = join(third.log.snapshots.dir, '..');
    await third.node.close();
    running = running.filter((m) => m !== third);
    const again = await startMember(net, 3, [1, 2, 3], thirdDir);
    running.push(again);
    await until('the restarted member replayed', () => again.image().topicsByName.has('topic-99'));
    expect(again.snapshotsLoaded).toBe(1);
    expect(again.image().topicsByName).toEqual(elected.image().topicsByName);
  });

  it('the leader answers FetchSnapshot errors as Kafka does', async () => {
    const net = new InMemoryNetwork();
    const leader = await startMember(net, 1, [1], tempDir('raft-snap-'));
    running.push(leader);
    await until('a leader', () => leader.node.role === 'leader');
    await leader.node.append([topic(1)]);
    await snapshot(leader);
    const id = leader.log.snapshots.latest!;
    const ask = (epoch: number, snapshotId: { endOffset: bigint; epoch: number }, position: bigint) => handleFetchSnapshot(leader.node, fetchSnapshotRequest('test-cluster', 2, epoch, snapshotId, position, 100));
    const code = async (response: ReturnType<typeof ask>) => (await response).topics[0].partitions[0].errorCode;
    expect(await code(ask(leader.node.epoch - 1, id, 0n))).toBe(ErrorCode.FENCED_LEADER_EPOCH);
    expect(await code(ask(leader.node.epoch + 1, id, 0n))).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH);
    expect(await code(ask(leader.node.epoch, { endOffset: 999n, epoch: 1 }, 0n))).toBe(ErrorCode.SNAPSHOT_NOT_FOUND);
    expect(await code(ask(leader.node.epoch, id, 1_000_000n))).toBe(POSITION_OUT_OF_RANGE);
    const first = (await ask(leader.node.epoch, id, 0n)).topics[0].partitions[0];
    expect(first).toMatchObject({ errorCode: ErrorCode.NONE, position: 0n, size: BigInt(await leader.log.snapshots.size(id)) });
    expect(first.unalignedRecords.length).toBe(100);
    expect((await handleFetchSnapshot(leader.node, { ...fetchSnapshotRequest('other', 2, 1, id, 0n, 100) })).errorCode).toBe(ErrorCode.INCONSISTENT_CLUSTER_ID);
    expect(existsSync(leader.log.snapshots.path(id))).toBe(true);
  });
});
