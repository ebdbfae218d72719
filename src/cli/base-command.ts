// What every tk command shares: --debug, and errors as one line on stderr with a non-zero exit.
import { Command, Flags } from '@oclif/core';
import { connectionErrorLine } from './render/errors.js';

/** An error whose message is already the one line a user should read. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export abstract class TkCommand extends Command {
  static override baseFlags = {
    debug: Flags.boolean({ description: 'Show stack traces of errors.', default: false, helpGroup: 'GLOBAL' }),
  };

  /** A failure already worded as the Kafka tool words it: the line on stderr, exit 1. */
  protected failWith(line: string): void {
    process.stderr.write(`${line}\n`);
    process.exitCode = 1;
  }

  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    // oclif's own parse errors (bad flags) keep their usage text and exit code.
    if (err.oclif !== undefined) return super.catch(err);
    const debug = this.argv.includes('--debug');
    // A ConnectionError from src/client (matched by name: importing the client here would load it for every command).
    const address = (err as { address?: unknown }).address;
    const message = err.name === 'ConnectionError' && typeof address === 'string' ? connectionErrorLine(err.message, address) : err.message;
    process.stderr.write(debug ? `Error: ${message}\n${err.stack ?? ''}\n` : `Error: ${message}\n`);
    process.exitCode = err.exitCode ?? 1;
    return undefined;
  }
}
