// The figures of a bench run: one row each, printed as one table and written as JSON.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';

export interface Row {
  /** What was measured, e.g. "kcat produce 1 KiB acks=1 none". */
  figure: string;
  /** null when the measurement could not be made (see note). */
  value: number | null;
  unit: string;
  /** Records per second, for throughput rows. */
  recordsPerSecond?: number;
  /** The figure this one is compared with (a ceiling or a peer) and value / that figure. */
  versus?: { figure: string; ratio: number };
  /** The issue's target, as text, and whether this run met it. */
  target?: { text: string; met: boolean };
  note?: string;
  /** Every sample behind the value, where there is a series (RSS over time). */
  samples?: number[];
}

export interface Report {
  date: string;
  machine: string;
  node: string;
  settings: Record<string, number>;
  wallSeconds: number;
  rows: Row[];
}

export function describeMachine(): string {
  return `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), ${Math.round(totalmem() / 1024 ** 3)} GiB RAM, ${process.platform}`;
}

/** Rows so far, in the order measured; a section that fails adds a row saying so instead of ending the run. */
export class Figures {
  readonly rows: Row[] = [];

  add(row: Row): Row {
    this.rows.push(row);
    console.error(`  ${row.figure}: ${row.value === null ? `unavailable (${row.note})` : `${format(row.value)} ${row.unit}`}`);
    return row;
  }

  /** A row compared with an earlier one: versus carries value / that row's value. */
  addVersus(row: Omit<Row, 'versus'>, base: Row | undefined): Row {
    const ratio = row.value !== null && base?.value ? row.value / base.value : null;
    return this.add(ratio === null || !base ? row : { ...row, versus: { figure: base.figure, ratio } });
  }

  find(figure: string): Row | undefined {
    return this.rows.find((r) => r.figure === figure);
  }
}

function format(value: number): string {
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en');
  return value >= 100 ? value.toFixed(0) : value.toFixed(value >= 10 ? 1 : 2);
}

export function renderTable(rows: readonly Row[]): string {
  const cells = rows.map((r) => [
    r.figure,
    r.value === null ? 'n/a' : format(r.value),
    r.unit,
    r.recordsPerSecond === undefined ? '' : format(r.recordsPerSecond),
    r.versus ? `${(r.versus.ratio * 100).toFixed(0)}% of ${r.versus.figure}` : '',
    r.target ? `${r.target.text} ${r.target.met ? 'met' : 'MISSED'}` : '',
    r.value === null ? (r.note ?? '') : '',
  ]);
  const header = ['figure', 'value', 'unit', 'records/s', 'ratio', 'target', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string =>
    c.map((cell, i) => (i === 1 || i === 3 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export function writeJson(path: string, report: Report): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(report, null, 2) + '\n');
}
