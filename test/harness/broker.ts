// `tk broker start` as a child process on random loopback ports, and the third-party client
// tools (kcat, the Python scripts in test/compat/python/) that black-box tests run against it.
// Every process started here is killed, and every temp dir removed, after the test file's last
// test (or when the test process exits), whether the tests passed or not. When a test fails, the
// tail of each broker's log is printed. Nothing listens or connects beyond 127.0.0.1.
import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach } from 'vitest';

export const HOST = '127.0.0.1';
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin', 'run.js');
const BUILT_COMMAND = join(REPO, 'dist', 'commands', 'broker', 'start.js');
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 20_000;
/** Keeps a chatty broker from growing the test process without bound; the tail is what matters. */
const MAX_CAPTURED_CHARS = 4 * 1024 * 1024;

export interface StartBrokerOptions {
  /** Extra `--override key=value` pairs, applied after (and so winning over) the harness's own. */
  overrides?: Record<string, string>;
  /** A log dir to use instead of a fresh temp dir; the caller owns it and removes it. */
  logDir?: string;
  /** More listener names (e.g. SASL_PLAINTEXT), each bound on a port of its own after PLAINTEXT; see `listenerPorts`. */
  extraListeners?: string[];
}

export interface RunningBroker {
  /** `127.0.0.1:<port>` of the PLAINTEXT listener. */
  readonly bootstrap: string;
  readonly host: string;
  readonly port: number;
  readonly controllerPort: number;
  /** The port of each of StartBrokerOptions.extraListeners, by name. */
  readonly listenerPorts: Readonly<Record<string, number>>;
  readonly logDir: string;
  readonly pid: number;
  /** Everything the process has written to stderr (its log) so far. */
  stderr(): string;
  stdout(): string;
  /** True until the process has exited. */
  isRunning(): boolean;
  /** SIGTERM (a controlled shutdown), then the exit code; a signal death counts as 128 + signal. */
  stop(): Promise<number>;
  /** SIGKILL: no shutdown at all, as `kill -9`. */
  kill(): Promise<void>;
  /** Stops this process if it still runs (SIGTERM), then starts a new one on the same dir and ports. */
  restart(): Promise<RunningBroker>;
}

type BrokerChild = ChildProcessByStdio<null, Readable, Readable>;

/** Brokers and client tools alike: whatever is still running at the end is SIGKILLed. */
const live = new Set<ChildProcess>();
const tempDirs = new Set<string>();
/** The brokers this file started, for the log tail printed when a test fails. */
const started: { name: string; stderr: () => string }[] = [];
const LOG_TAIL_LINES = 40;

function killEverythingNow(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Kills every broker and tool this file started and removes the temp dirs. Registered for each test file. */
export async function stopAllBrokers(): Promise<void> {
  const children = [...live];
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  await Promise.all(children.map((child) => exited(child)));
  killEverythingNow();
}

// Importing this module from a test file registers the clean-up on that file's root suite, so it
// runs after the file's last test even when tests fail; the exit hook covers a worker that dies.
afterAll(stopAllBrokers, STOP_TIMEOUT_MS);
// A failed assertion about a client rarely says why the broker did what it did; its log does.
beforeEach((context) => {
  context.onTestFailed(() => {
    for (const b of started) {
      const tail = b.stderr().trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n');
      process.stderr.write(`--- last ${LOG_TAIL_LINES} log lines of ${b.name} after "${context.task.name}" failed ---\n${tail}\n`);
    }
  });
});
process.once('exit', killEverythingNow);

/** A port that was free a moment ago: bind 127.0.0.1:0, read the port, close. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: HOST, port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('no port from a listening socket'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function exitCodeOf(child: BrokerChild): number {
  if (child.exitCode !== null) return child.exitCode;
  if (child.signalCode !== null) return 128 + constants.signals[child.signalCode];
  throw new Error(`process ${child.pid} has not exited`);
}

interface Placement {
  port: number;
  controllerPort: number;
  logDir: string;
  overrides: Record<string, string>;
  listenerPorts: Record<string, number>;
}

function brokerArgs(p: Placement): string[] {
  const settings: Record<string, string> = {
    'node.id': '1',
    'process.roles': 'broker,controller',
    listeners: [`PLAINTEXT://${HOST}:${p.port}`, `CONTROLLER://${HOST}:${p.controllerPort}`, ...Object.entries(p.listenerPorts).map(([name, port]) => `${name}://${HOST}:${port}`)].join(','),
    'controller.listener.names': 'CONTROLLER',
    'controller.quorum.voters': `1@${HOST}:${p.controllerPort}`,
    'log.dirs': p.logDir,
    'offsets.topic.replication.factor': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    ...p.overrides,
  };
  return ['broker', 'start', ...Object.entries(settings).flatMap(([k, v]) => ['--override', `${k}=${v}`])];
}

async function launch(p: Placement): Promise<RunningBroker> {
  const child: BrokerChild = spawn(process.execPath, [BIN, ...brokerArgs(p)], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    // The default data dir must never be the developer's own, whatever a test forgets to pass.
    env: { ...process.env, TK_DATA_DIR: p.logDir },
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    err += chunk;
    if (err.length > MAX_CAPTURED_CHARS) err = err.slice(-MAX_CAPTURED_CHARS / 2);
  });

  const readyLine = `tk broker 1 ready on PLAINTEXT://${HOST}:${p.port}`;
  await new Promise<void>((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`broker on ${HOST}:${p.port} (log dir ${p.logDir}) ${why}\n--- stdout ---\n${out}\n--- stderr ---\n${err}`));
    };
    const timer = setTimeout(() => fail(`printed no ready line within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => fail(`exited (code ${code}, signal ${signal}) before it was ready`);
    child.once('exit', onExit);
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const lines = out.split('\n');
      if (lines.slice(0, -1).some((line) => line === readyLine)) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve();
      } else if (lines.length > 1) {
        fail(`printed ${JSON.stringify(lines[0])} on stdout, expected ${JSON.stringify(readyLine)}`);
      }
    });
  });

  started.push({ name: `broker pid ${child.pid} on ${HOST}:${p.port}`, stderr: () => err });
  const broker: RunningBroker = {
    bootstrap: `${HOST}:${p.port}`,
    host: HOST,
    port: p.port,
    controllerPort: p.controllerPort,
    listenerPorts: p.listenerPorts,
    logDir: p.logDir,
    pid: child.pid!,
    stderr: () => err,
    stdout: () => out,
    isRunning: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (broker.isRunning()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited(child);
        clearTimeout(timer);
      }
      return exitCodeOf(child);
    },
    async kill() {
      if (broker.isRunning()) child.kill('SIGKILL');
      await exited(child);
    },
    async restart() {
      await broker.stop();
      return launch(p);
    },
  };
  return broker;
}

/** Starts `tk broker start` as one combined broker and controller and waits for its ready line. */
export async function startBroker(options: StartBrokerOptions = {}): Promise<RunningBroker> {
  if (!existsSync(BUILT_COMMAND)) throw new Error(`${BUILT_COMMAND} is missing: run \`npm run build\` first`);
  let logDir = options.logDir;
  if (logDir === undefined) {
    const root = mkdtempSync(join(tmpdir(), 'tk-broker-'));
    tempDirs.add(root);
    logDir = join(root, 'data');
  }
  const overrides = options.overrides ?? {};
  // Another process may take a port between our probe and the broker's bind; one retry covers it.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    let controllerPort = await freePort();
    while (controllerPort === port) controllerPort = await freePort();
    const listenerPorts: Record<string, number> = {};
    for (const name of options.extraListeners ?? []) {
      let extra = await freePort();
      while ([port, controllerPort, ...Object.values(listenerPorts)].includes(extra)) extra = await freePort();
      listenerPorts[name] = extra;
    }
    try {
      return await launch({ port, controllerPort, logDir, overrides, listenerPorts });
    } catch (e) {
      if (attempt >= 2 || !/EADDRINUSE/.test((e as Error).message)) throw e;
    }
  }
}

// ---- client tools (kcat, the Python clients) as tracked child processes ----

/** Debian's python3-kafka and python3-confluent-kafka import only under this interpreter. */
export const PYTHON = '/usr/bin/python3';

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunningTool {
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout or stderr (as chosen) matches, rejects when the time is up or the tool exits first. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp | ((text: string) => boolean), timeoutMs?: number): Promise<void>;
  /** Closes the tool's stdin. */
  endInput(): void;
  /** Resolves with the exit code (128 + signal for a signal death), whenever the tool ends. */
  readonly exit: Promise<ToolResult>;
  /** SIGTERM (or the signal given) and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<ToolResult>;
}

/** Starts a client tool and leaves it running; it is killed with the brokers at the end. */
export function startTool(command: string, args: readonly string[], options: { input?: string } = {}): RunningTool {
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(command, args, { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  const notify = (): void => waiters.forEach((w) => w());
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
    notify();
  });
  child.stderr.on('data', (chunk: string) => {
    err += chunk;
    if (err.length > MAX_CAPTURED_CHARS) err = err.slice(-MAX_CAPTURED_CHARS / 2);
    notify();
  });
  child.stdin.on('error', () => {}); // a tool that exits early closes its stdin under us
  if (options.input !== undefined) child.stdin.end(options.input);
  const exit = new Promise<ToolResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      live.delete(child);
      notify();
      resolve({ code: code ?? 128 + (signal ? constants.signals[signal] : 0), stdout: out, stderr: err });
    });
  });
  const done = (): boolean => child.exitCode !== null || child.signalCode !== null;
  return {
    pid: child.pid ?? -1,
    stdout: () => out,
    stderr: () => err,
    endInput: () => child.stdin.end(),
    exit,
    waitFor(stream, pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const matches = typeof pattern === 'function' ? pattern : (text: string): boolean => pattern.test(text);
        const check = (): void => {
          if (matches(stream === 'stdout' ? out : err)) finish(null);
          else if (done()) finish(`${command} exited before its ${stream} matched ${pattern}`);
        };
        const finish = (why: string | null): void => {
          clearTimeout(timer);
          waiters.delete(check);
          if (why === null) resolve();
          else reject(new Error(`${why}\n--- stdout ---\n${out}\n--- stderr ---\n${err}`));
        };
        const timer = setTimeout(() => finish(`${command}'s ${stream} did not match ${pattern} within ${timeoutMs} ms`), timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (!done()) child.kill(signal);
      return exit;
    },
  };
}

/** Runs a client tool to its end; past the time limit it is killed and the promise rejects with what it printed. */
export async function runTool(command: string, args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<ToolResult> {
  const tool = startTool(command, args, { input: options.input ?? '' });
  const timeoutMs = options.timeoutMs ?? 25_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void tool.stop('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${timeoutMs} ms\n--- stdout ---\n${tool.stdout()}\n--- stderr ---\n${tool.stderr()}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([tool.exit, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs one of the scripts in test/compat/python/ and parses the JSON object it prints last. */
export async function runPython<T>(script: string, args: readonly (string | number)[], timeoutMs?: number): Promise<T> {
  const path = join(REPO, 'test', 'compat', 'python', script);
  const result = await runTool(PYTHON, [path, ...args.map(String)], { timeoutMs });
  const last = result.stdout.trim().split('\n').pop() ?? '';
  if (result.code !== 0 || !last.startsWith('{')) {
    throw new Error(`${script} ${args.join(' ')} exited with ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
  }
  return JSON.parse(last) as T;
}
