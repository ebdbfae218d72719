// Writes oclif.manifest.json, the commands' metadata, after every build. With it oclif imports
// only the command being run; without it every command module is loaded to learn its flags,
// which costs each invocation tens of milliseconds. Part of `npm run build`, so it is never stale
// after a build; the file is not committed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';

const root = fileURLToPath(new URL('..', import.meta.url));
const plugin = new Plugin({ root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true });
await plugin.load();
writeFileSync(join(root, 'oclif.manifest.json'), `${JSON.stringify(plugin.manifest, null, 2)}\n`);
