// What every tk command promises, checked on the built commands' metadata so a new command cannot
// forget it: --output text|json for scripts, --debug for stack traces, a summary for --help and
// the man pages, and --bootstrap-server wherever a broker is reached.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Config } from '@oclif/core';
import { expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** Commands that read files or run the daemon, and so have no broker to reach. */
const OFFLINE = new Set(['broker:start', 'broker:stop', 'storage:format', 'storage:random-uuid', 'dump-log', 'cluster:up', 'cluster:down', 'cluster:status']);

it('every command has --output text|json, --debug and a summary; the client commands --bootstrap-server', async () => {
  expect(existsSync(join(REPO, 'dist', 'commands', 'topics.js')), 'dist/ is missing: run npm run build').toBe(true);
  const config = await Config.load(REPO);
  const commands = config.commands.filter((c) => !c.hidden);
  expect(commands.length).toBeGreaterThan(10);
  const lacking = commands.flatMap((c) => {
    const output = c.flags.output as { options?: string[]; default?: unknown } | undefined;
    const problems = [
      output?.options?.join('|') === 'text|json' && output.default === 'text' ? null : '--output text|json',
      c.flags.debug ? null : '--debug',
      c.summary ? null : 'a summary',
      OFFLINE.has(c.id) || c.flags['bootstrap-server'] ? null : '--bootstrap-server',
    ].filter((p) => p !== null);
    return problems.length > 0 ? [`${c.id}: ${problems.join(', ')}`] : [];
  });
  expect(lacking).toEqual([]);
});
