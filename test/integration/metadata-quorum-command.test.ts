// tk metadata-quorum as kafka-metadata-quorum.sh (3.9) prints it: describe --status and
// --replication through a combined single node's client listener (--bootstrap-server) and
// through controller listeners (--bootstrap-controller) of three dedicated controllers; JSON;
// the argument errors as Kafka words them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, BrokerConnection } from '../../src/client/connection.js';
import { DescribeQuorumRequest } from '../../src/protocol/generated/clients/describe-quorum-request.js';
import { DescribeQuorumResponse } from '../../src/protocol/generated/clients/describe-quorum-response.js';
import { freePort, HOST, runTool, startBroker, type RunningBroker } from '../harness/broker.js';
import { startQuorum, type Quorum } from '../harness/quorum.js';

let broker: RunningBroker;
let clusterId: string;

beforeAll(async () => {
  broker = await startBroker();
  clusterId = /cluster\.id=(\S+)/.exec(readFileSync(join(broker.logDir, 'meta.properties'), 'utf8'))![1];
});

afterAll(async () => {
  await broker.stop();
});

const tk = (...args: string[]) => runTool(process.execPath, ['bin/run.js', 'metadata-quorum', ...args]);

async function highWatermark(port: number): Promise<bigint> {
  const connection = await BrokerConnection.connect(HOST, port);
  try {
    const response = await connection.send(api(DescribeQuorumRequest, DescribeQuorumResponse), 2, { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] });
    return response.topics[0].partitions[0].highWatermark;
  } finally {
    connection.close();
  }
}

/** ToolsUtils.prettyPrintTable: every cell padded to its column's widest, each followed by a tab. */
function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => `${r.map((c, i) => `${c.padEnd(widths[i])}\t`).join('')}\n`).join('');
}
const HEADER = ['NodeId', 'DirectoryId', 'LogEndOffset', 'Lag', 'LastFetchTimestamp', 'LastCaughtUpTimestamp', 'Status'];
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

describe('tk metadata-quorum on a combined single node', () => {
  it('describe --status prints the quorum summary', async () => {
    const hw = await highWatermark(broker.port);
    expect(await tk('--bootstrap-server', broker.bootstrap, 'describe', '--status')).toEqual({
      code: 0,
      stdout: [
        `ClusterId:              ${clusterId}`,
        'LeaderId:               1',
        'LeaderEpoch:            1',
        `HighWatermark:          ${hw}`,
        'MaxFollowerLag:         0',
        'MaxFollowerLagTimeMs:   0',
        `CurrentVoters:          [{"id": 1, "directoryId": null, "endpoints": ["CONTROLLER://${HOST}:${broker.controllerPort}"]}]`,
        'CurrentObservers:       []',
        '',
      ].join('\n'),
      stderr: '',
    });
    // The controller listener answers the same (DescribeCluster for the controllers, KIP-919).
    const direct = await tk('--bootstrap-controller', `${HOST}:${broker.controllerPort}`, 'describe', '--status');
    expect(direct.stdout).toBe((await tk('--bootstrap-server', broker.bootstrap, 'describe', '--status')).stdout);
  });

  it('describe --replication prints the table, the leader first', async () => {
    const before = Date.now();
    const result = await tk('--bootstrap-server', broker.bootstrap, 'describe', '--replication');
    const after = Date.now();
    expect(result.code).toBe(0);
    const hw = await highWatermark(broker.port);
    const [fetched, caughtUp] = result.stdout.split('\n')[1].split('\t').slice(4, 6).map((s) => Number(s.trim()));
    expect(fetched).toBeGreaterThanOrEqual(before);
    expect(fetched).toBeLessThanOrEqual(after);
    expect(result.stdout).toBe(table([HEADER, ['1', ZERO_UUID, String(hw), '0', String(fetched), String(caughtUp), 'Leader']]));

    const human = await tk('--bootstrap-server', broker.bootstrap, 'describe', '--replication', '--human-readable');
    expect(human.stdout).toMatch(new RegExp(`^NodeId\\tDirectoryId           \\tLogEndOffset\\tLag\\tLastFetchTimestamp\\tLastCaughtUpTimestamp\\tStatus\\t\\n1     \\t${ZERO_UUID}\\t${hw} +\\t0  \\t\\d+ ms ago +\\t\\d+ ms ago +\\tLeader\\t\\n$`));
  });

  it('--output json', async () => {
    const status = JSON.parse((await tk('--bootstrap-server', broker.bootstrap, 'describe', '--status', '--output', 'json')).stdout);
    expect(status).toMatchObject({ clusterId, leaderId: 1, leaderEpoch: 1, maxFollowerLag: 0, maxFollowerLagTimeMs: 0, currentVoters: [{ id: 1, directoryId: null, endpoints: [`CONTROLLER://${HOST}:${broker.controllerPort}`] }], currentObservers: [] });
    const rows = JSON.parse((await tk('--bootstrap-server', broker.bootstrap, 'describe', '--replication', '--output', 'json')).stdout);
    expect(rows).toMatchObject([{ nodeId: 1, directoryId: ZERO_UUID, lag: 0, status: 'Leader' }]);
  });

  it('refuses what kafka-metadata-quorum.sh refuses, with its words', async () => {
    const refusal = (line: string) => ({ code: 1, stdout: '', stderr: `${line}\n` });
    expect(await tk('--bootstrap-server', broker.bootstrap, 'describe')).toEqual(refusal('One of --status or --replication must be specified with describe sub-command'));
    expect(await tk('--bootstrap-server', broker.bootstrap, 'describe', '--status', '--replication')).toEqual(refusal('Only one of --status or --replication should be specified with describe sub-command'));
    expect(await tk('--bootstrap-server', broker.bootstrap, 'describe', '--status', '--human-readable')).toEqual(refusal('The option --human-readable is only supported along with --replication'));
    const both = await tk('--bootstrap-server', broker.bootstrap, '--bootstrap-controller', broker.bootstrap, 'describe', '--status');
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('--bootstrap-controller');
  });

  it('names an unreachable server in one line', async () => {
    const port = await freePort();
    const result = await tk('--bootstrap-server', `${HOST}:${port}`, 'describe', '--status');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`${HOST}:${port}`);
  });
});

describe('tk metadata-quorum --bootstrap-controller on three dedicated controllers', () => {
  let quorum: Quorum;
  beforeAll(async () => {
    quorum = await startQuorum(3);
  });

  it('finds the leader among the controllers and describes the quorum', async () => {
    // Until every voter has fetched once the leader reports some as unknown: wait for a steady quorum.
    let replication = '';
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
      replication = (await tk('--bootstrap-controller', quorum.bootstrap, 'describe', '--replication')).stdout;
      if (/^(.*\n){4}$/.test(replication) && replication.split('\n').slice(1, 4).every((l) => /^\d+\s+\tA+\s*\t(\d+)\s*\t0\s*\t\d{13}\s*\t\d{13}\s*\t/.test(l))) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const rows = replication.trimEnd().split('\n').map((l) => l.split('\t').slice(0, 7).map((c) => c.trim()));
    expect(rows[0]).toEqual(HEADER);
    expect(rows.slice(1).map((r) => r[6])).toEqual(['Leader', 'Follower', 'Follower']);
    const leaderId = Number(rows[1][0]);
    expect(rows.slice(1).map((r) => Number(r[0])).sort()).toEqual([1, 2, 3]);
    expect(replication).toBe(table(rows));

    const status = await tk('--bootstrap-controller', quorum.bootstrap, 'describe', '--status');
    expect(status.code).toBe(0);
    const voters = quorum.nodes.map((n) => `{"id": ${n.id}, "directoryId": null, "endpoints": ["CONTROLLER://${HOST}:${n.port}"]}`);
    expect(status.stdout).toMatch(
      new RegExp(
        `^ClusterId: {14}${quorum.clusterId}\\nLeaderId: {15}${leaderId}\\nLeaderEpoch: {12}\\d+\\nHighWatermark: {10}\\d+\\nMaxFollowerLag: {9}0\\nMaxFollowerLagTimeMs: {3}-?\\d+\\n` +
          `CurrentVoters: {10}\\[${voters.join(', ').replace(/[[\]{}]/g, '\\$&')}\\]\\nCurrentObservers: {7}\\[\\]\\n$`,
      ),
    );
  });
});
