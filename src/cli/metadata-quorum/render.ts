// kafka-metadata-quorum.sh describe's output, as MetadataQuorumCommand (3.9) prints it: the
// --status summary lines, and the --replication table (ToolsUtils.prettyPrintTable: each column
// padded to its widest cell, every cell followed by a tab). Also the JSON of both.
import type { QuorumInfo, QuorumReplica } from '../../client/quorum-admin.js';

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
const HEADERS = ['NodeId', 'DirectoryId', 'LogEndOffset', 'Lag', 'LastFetchTimestamp', 'LastCaughtUpTimestamp', 'Status'];

export type ReplicaStatus = 'Leader' | 'Follower' | 'Observer';

/** The leader's own entry among the voters; Kafka's tool cannot describe a quorum without one. */
function leaderOf(info: QuorumInfo): QuorumReplica {
  const leader = info.voters.find((v) => v.replicaId === info.leaderId);
  if (leader === undefined) throw new Error(`the quorum reports leader ${info.leaderId}, which is not among its voters`);
  return leader;
}

export interface QuorumStatus {
  clusterId: string;
  leaderId: number;
  leaderEpoch: number;
  highWatermark: bigint;
  maxFollowerLag: bigint;
  maxFollowerLagTimeMs: bigint;
  currentVoters: { id: number; directoryId: string | null; endpoints: string[] }[];
  currentObservers: { id: number; directoryId: string | null; endpoints: string[] }[];
}

export function quorumStatus(clusterId: string, info: QuorumInfo): QuorumStatus {
  const leader = leaderOf(info);
  // The first voter with the smallest log end offset, as Java's Stream.min picks it.
  const laggard = info.voters.reduce((min, v) => (v.logEndOffset < min.logEndOffset ? v : min));
  let maxFollowerLagTimeMs: bigint;
  if (laggard === leader) maxFollowerLagTimeMs = 0n;
  else if (leader.lastCaughtUpTimestamp !== null && laggard.lastCaughtUpTimestamp !== null) maxFollowerLagTimeMs = leader.lastCaughtUpTimestamp - laggard.lastCaughtUpTimestamp;
  else maxFollowerLagTimeMs = -1n;
  const node = (r: QuorumReplica): QuorumStatus['currentVoters'][number] => ({
    id: r.replicaId,
    directoryId: r.directoryId === ZERO_UUID ? null : r.directoryId,
    endpoints: (info.endpoints.get(r.replicaId) ?? []).map((e) => `${e.name}://${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}`),
  });
  return {
    clusterId,
    leaderId: info.leaderId,
    leaderEpoch: info.leaderEpoch,
    highWatermark: info.highWatermark,
    maxFollowerLag: leader.logEndOffset - laggard.logEndOffset,
    maxFollowerLagTimeMs,
    currentVoters: info.voters.map(node),
    currentObservers: info.observers.map(node),
  };
}

/** MetadataQuorumCommand's Node.toString: `{"id": 1, "directoryId": null, "endpoints": ["CONTROLLER://host:9093"]}`. */
function nodeText(n: QuorumStatus['currentVoters'][number]): string {
  const directory = n.directoryId === null ? 'null' : `"${n.directoryId}"`;
  const endpoints = n.endpoints.length === 0 ? '' : `, "endpoints": [${n.endpoints.map((e) => `"${e}"`).join(', ')}]`;
  return `{"id": ${n.id}, "directoryId": ${directory}${endpoints}}`;
}

export function renderStatusText(s: QuorumStatus): string {
  return [
    `ClusterId:              ${s.clusterId}`,
    `LeaderId:               ${s.leaderId}`,
    `LeaderEpoch:            ${s.leaderEpoch}`,
    `HighWatermark:          ${s.highWatermark}`,
    `MaxFollowerLag:         ${s.maxFollowerLag}`,
    `MaxFollowerLagTimeMs:   ${s.maxFollowerLagTimeMs}`,
    `CurrentVoters:          [${s.currentVoters.map(nodeText).join(', ')}]`,
    `CurrentObservers:       [${s.currentObservers.map(nodeText).join(', ')}]`,
  ].join('\n') + '\n';
}

export function renderStatusJson(s: QuorumStatus): string {
  return `${JSON.stringify({ ...s, highWatermark: Number(s.highWatermark), maxFollowerLag: Number(s.maxFollowerLag), maxFollowerLagTimeMs: Number(s.maxFollowerLagTimeMs) })}\n`;
}

export interface ReplicationRow {
  nodeId: number;
  directoryId: string;
  logEndOffset: bigint;
  lag: bigint;
  lastFetchTimestamp: bigint | null;
  lastCaughtUpTimestamp: bigint | null;
  status: ReplicaStatus;
}

/** The leader first, then the other voters, then the observers, each in the order the leader lists them. */
export function replicationRows(info: QuorumInfo): ReplicationRow[] {
  const leader = leaderOf(info);
  const row = (r: QuorumReplica, status: ReplicaStatus): ReplicationRow => ({
    nodeId: r.replicaId,
    directoryId: r.directoryId,
    logEndOffset: r.logEndOffset,
    lag: leader.logEndOffset - r.logEndOffset,
    lastFetchTimestamp: r.lastFetchTimestamp,
    lastCaughtUpTimestamp: r.lastCaughtUpTimestamp,
    status,
  });
  return [
    row(leader, 'Leader'),
    ...info.voters.filter((v) => v.replicaId !== info.leaderId).map((v) => row(v, 'Follower')),
    ...info.observers.map((o) => row(o, 'Observer')),
  ];
}

/** `N ms ago` for --human-readable; Kafka refuses a timestamp in the future or not after the epoch. */
function relativeTime(timestamp: bigint, what: string, now: bigint): string {
  if (!(timestamp > 0n && timestamp <= now)) {
    throw new Error(`Error while computing relative time, possible drift in system clock.\nCurrent timestamp is ${now}, ${what} timestamp is ${timestamp}`);
  }
  return `${now - timestamp} ms ago`;
}

export function renderReplicationText(rows: readonly ReplicationRow[], humanReadable: boolean, now = BigInt(Date.now())): string {
  const time = (t: bigint | null, what: string): string => (t === null ? '-1' : humanReadable ? relativeTime(t, what, now) : String(t));
  const cells = rows.map((r) => [String(r.nodeId), r.directoryId, String(r.logEndOffset), String(r.lag), time(r.lastFetchTimestamp, 'last fetch'), time(r.lastCaughtUpTimestamp, 'last caught up'), r.status]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  return [HEADERS, ...cells].map((c) => `${c.map((cell, i) => `${cell.padEnd(widths[i])}\t`).join('')}\n`).join('');
}

export function renderReplicationJson(rows: readonly ReplicationRow[]): string {
  const num = (v: bigint | null): number => (v === null ? -1 : Number(v));
  return `${JSON.stringify(rows.map((r) => ({ ...r, logEndOffset: Number(r.logEndOffset), lag: Number(r.lag), lastFetchTimestamp: num(r.lastFetchTimestamp), lastCaughtUpTimestamp: num(r.lastCaughtUpTimestamp) })))}\n`;
}
