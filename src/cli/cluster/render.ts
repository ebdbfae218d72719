// What `tk cluster up`, `down` and `status` print: plain text in a pipe (in the manner of Kafka's
// tools: `key: value` lines, tables padded as ToolsUtils.prettyPrintTable pads them), a table on
// a terminal, and JSON with --output json.
import type { Terminal } from '../terminal.js';
import type { DownResult, NodeState, StatusResult, UpResult } from './lifecycle.js';

const json = (value: unknown): string => `${JSON.stringify(value)}\n`;

/** Only the bootstrap servers, so `export TK_BOOTSTRAP_SERVER=$(tk cluster up)` works. */
export function renderUpText(result: UpResult): string {
  return `${result.bootstrapServers}\n`;
}

export function renderUpJson(result: UpResult): string {
  return json(result);
}

export function renderDownText(result: DownResult): string {
  const lines = result.stopped.map((s) =>
    s.signal === 'SIGTERM' ? `Stopped node ${s.nodeId} (${s.roles.join(',')}, pid ${s.pid}).` : `Killed node ${s.nodeId} (${s.roles.join(',')}, pid ${s.pid}): it did not exit after SIGTERM.`,
  );
  if (result.deleted) lines.push(`Deleted ${result.dataDir}.`);
  return lines.map((l) => `${l}\n`).join('');
}

export function renderDownJson(result: DownResult): string {
  return json(result);
}

const STATUS_HEADERS = ['NodeId', 'Roles', 'Listener', 'Pid', 'Status'];

const statusCells = (n: NodeState): string[] => [String(n.nodeId), n.roles.join(','), n.listener, n.pid === null ? '-' : String(n.pid), n.pid === null ? 'not running' : 'running'];

function summaryLines(s: StatusResult): string[] {
  return [
    `ClusterId: ${s.clusterId ?? '-'}`,
    `DataDir: ${s.dataDir}`,
    s.quorum === null ? `Quorum: unavailable (${s.quorumError})` : `LeaderId: ${s.quorum.leaderId}\tLeaderEpoch: ${s.quorum.leaderEpoch}`,
  ];
}

export function renderStatusText(s: StatusResult): string {
  const cells = s.nodes.map(statusCells);
  const widths = STATUS_HEADERS.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const table = [STATUS_HEADERS, ...cells].map((row) => `${row.map((cell, i) => `${cell.padEnd(widths[i]!)}\t`).join('')}\n`).join('');
  return `${summaryLines(s).join('\n')}\n${table}`;
}

export function renderStatusTable(s: StatusResult, terminal: Terminal): string {
  const { colours } = terminal;
  const rows = s.nodes.map((n) => {
    const cells = statusCells(n);
    if (n.pid === null) cells[4] = colours.bad(cells[4]!);
    if (s.quorum?.leaderId === n.nodeId) cells[1] = `${cells[1]} ${colours.strong('(quorum leader)')}`;
    return cells;
  });
  const summary = summaryLines(s).map((l) => (l.startsWith('Quorum: ') ? colours.bad(l) : l));
  return `${summary.join('\n')}\n${terminal.table(STATUS_HEADERS, rows)}`;
}

export function renderStatusJson(s: StatusResult): string {
  return json(s);
}
