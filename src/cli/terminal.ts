// What a person at a terminal gets instead of the Kafka tools' text: tables drawn with cli-table3
// and colour from chalk. Both are loaded only by loadTerminal(), so a piped run never pays for
// them; renderers take a Terminal and stay pure, so tests can pass one with or without colour.

/** The colours renderers use, each a no-op when colour is off. */
export interface Colours {
  /** Something broken: no leader, offline. */
  bad(text: string): string;
  /** Something degraded: under-replicated. */
  warn(text: string): string;
  /** Headings and names. */
  strong(text: string): string;
  /** Secondary facts (internal topics, empty values). */
  faint(text: string): string;
}

export interface Terminal {
  readonly colours: Colours;
  /** A boxed table: a header row (drawn strong) over the rows, one string per cell. */
  table(head: readonly string[], rows: readonly (readonly string[])[]): string;
}

/** Tables and colour are for people: only when stdout is a terminal. */
export function isInteractive(stream: { isTTY?: boolean } = process.stdout): boolean {
  return stream.isTTY === true;
}

/**
 * The chalk colour level for this environment, or undefined to let chalk decide from the stream
 * and TERM. FORCE_COLOR wins over NO_COLOR, as in Node itself; chalk 5 reads FORCE_COLOR but not
 * NO_COLOR (https://no-color.org: set and non-empty turns colour off).
 */
export function forcedColourLevel(env: NodeJS.ProcessEnv = process.env): 0 | undefined {
  if ('FORCE_COLOR' in env) return undefined;
  return env.NO_COLOR !== undefined && env.NO_COLOR !== '' ? 0 : undefined;
}

/** Builds a Terminal: `level` 0 means no colour, 1–3 the ANSI colour depth, undefined what chalk detects. */
export async function loadTerminal(level: 0 | 1 | 2 | 3 | undefined = forcedColourLevel()): Promise<Terminal> {
  const { Chalk } = await import('chalk');
  const { default: Table } = await import('cli-table3');
  const chalk = level === undefined ? new Chalk() : new Chalk({ level });
  const colours: Colours = {
    bad: (text) => chalk.red(text),
    warn: (text) => chalk.yellow(text),
    strong: (text) => chalk.bold(text),
    faint: (text) => chalk.dim(text),
  };
  return {
    colours,
    table(head, rows) {
      // cli-table3 would colour the header and borders itself (through @colors/colors, which
      // ignores NO_COLOR); chalk does all colouring here instead.
      const table = new Table({ head: head.map((h) => colours.strong(h)), style: { head: [], border: [], compact: true } });
      for (const row of rows) table.push([...row]);
      return `${table.toString()}\n`;
    },
  };
}
