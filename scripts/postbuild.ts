// The steps after tsc in `npm run build`:
// - oclif.manifest.json, the commands' metadata. With it oclif imports only the command being
//   run; without it every command module is loaded to learn its flags, which costs each
//   invocation tens of milliseconds. Written on every build, so never stale after one; not committed.
// - schema.json beside the compiled protocol code, where `tk dump-log`'s decoders read it.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';

const root = fileURLToPath(new URL('..', import.meta.url));
copyFileSync(join(root, 'src/protocol/generated/schema.json'), join(root, 'dist/src/protocol/generated/schema.json'));
const plugin = new Plugin({ root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true });
await plugin.load();
writeFileSync(join(root, 'oclif.manifest.json'), `${JSON.stringify(plugin.manifest, null, 2)}\n`);
