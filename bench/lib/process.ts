// Running the tools a bench measures: every run is bounded in time, and a failure aborts the
// measurement with the tool's own message, since the time of a failed run would mean nothing.
import { spawnSync } from 'node:child_process';

/** The built CLI, run by the same node that runs the bench. */
export const TK = [process.execPath, 'bin/run.js'] as const;

const DEFAULT_TIMEOUT_MS = 300_000;

export interface RunResult {
  stdout: string;
  seconds: number;
}

/** Runs a command to completion and returns its stdout and wall time; throws if it fails or overruns. */
export function run(command: string, args: readonly string[], timeoutMs = DEFAULT_TIMEOUT_MS): RunResult {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.error) throw new Error(`${command} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status ?? result.signal}: ${result.stderr.toString().trim().split('\n').pop()}`);
  return { stdout: result.stdout.toString(), seconds };
}

/** Wall seconds of a shell pipeline (redirections included), bounded like run(). */
export function timedShell(script: string, timeoutMs = DEFAULT_TIMEOUT_MS): number {
  return run('bash', ['-c', script], timeoutMs).seconds;
}

/** Wall seconds of `tk <args>`. */
export const runTk = (args: readonly string[], timeoutMs?: number): RunResult => run(TK[0], [TK[1], ...args], timeoutMs);

export function hasCommand(name: string): boolean {
  return spawnSync('bash', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Wall milliseconds of each of `runs` invocations after `warmup` untimed ones. */
export function timeRuns(command: string, args: readonly string[], runs: number, warmup = 2): number[] {
  const times: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const { seconds } = run(command, args, 60_000);
    if (i >= warmup) times.push(seconds * 1000);
  }
  return times;
}
