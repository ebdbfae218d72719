// The files a detached broker (`tk broker start --daemon`) keeps in its first log directory. Shared
// by the daemon, which writes them, and `tk cluster`, which reads them to find and stop its nodes.
import { join } from 'node:path';

/** The running broker's pid, one line; removed on a clean shutdown. */
export function brokerPidFile(logDir: string): string {
  return join(logDir, 'tk-broker.pid');
}

/** Where a detached broker's stdout and stderr go. */
export function brokerLogFile(logDir: string): string {
  return join(logDir, 'tk-broker.log');
}
