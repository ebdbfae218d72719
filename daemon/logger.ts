// The daemon's log lines: `[timestamp] LEVEL message`, on stderr (or the log file under --daemon).
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
}

export function createLogger(write: (line: string) => void = (l) => process.stderr.write(l), debugEnabled = false): Logger {
  const emit = (level: LogLevel, message: string): void => write(`[${new Date().toISOString()}] ${level} ${message}\n`);
  return {
    debug: (m) => debugEnabled && emit('DEBUG', m),
    info: (m) => emit('INFO', m),
    warn: (m) => emit('WARN', m),
    error: (m, err) => emit('ERROR', err === undefined ? m : `${m}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
