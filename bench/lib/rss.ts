// A process's resident memory, read from /proc/PID/status (Linux): what `top` shows as RES.
import { readFileSync } from 'node:fs';

/** VmRSS of a live process in MB (1024 × 1024 bytes). */
export function rssMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) / 1024;
}
