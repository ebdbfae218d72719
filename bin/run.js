#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ keeps compiled code between runs; every command starts faster from the second run.
module.enableCompileCache?.();

// dist/cli.js is @oclif/core's runner from the build's bundle (scripts/postbuild.ts): the same copy
// of oclif as the bundled commands, read from a few files instead of hundreds.
const cli = new URL('../dist/cli.js', import.meta.url);
let execute;
try {
  ({ execute } = await import(cli.href));
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !err.message.includes(cli.pathname)) throw err;
  process.stderr.write('Error: tk is not built: run npm run build\n');
  process.exit(1);
}
await execute({ dir: import.meta.url });
