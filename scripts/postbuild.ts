// The steps after tsc in `npm run build`:
// - schema.json beside the compiled protocol code, where `tk dump-log`'s decoders read it.
// - oclif.manifest.json, the commands' metadata. With it oclif imports only the command being
//   run; without it every command module is loaded to learn its flags, which costs each
//   invocation tens of milliseconds. Written on every build, so never stale after one; not committed.
// - The start-up bundle (see bundleCli): written last, over tsc's dist/commands.
import { copyFileSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';
import { build, type Plugin as EsbuildPlugin } from 'esbuild';

/** `new URL('<path>', import.meta.url)`: a file named relative to the compiled module (see fileRelativeUrls). */
const FILE_RELATIVE_URL = /new URL\(([^,()]+), import\.meta\.url\)/;

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
copyFileSync(join(root, 'src/protocol/generated/schema.json'), join(dist, 'src/protocol/generated/schema.json'));
const plugin = new Plugin({ root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true });
await plugin.load();
writeFileSync(join(root, 'oclif.manifest.json'), `${JSON.stringify(plugin.manifest, null, 2)}\n`);
await bundleCli();

/**
 * Node spends most of a command's start-up finding, reading and compiling modules (~700 of them,
 * most of it @oclif/core and its dependencies). esbuild rewrites each compiled command as one file
 * holding its static imports, with @oclif/core and the code commands share in chunks under
 * dist/chunks, and dist/cli.js exporting oclif's `execute` from the same chunk, so the runner and
 * the commands share one copy of oclif. Modules a command imports lazily stay lazy (chunks of
 * their own). Packages other than @oclif/core stay outside (native addons, and nothing else is on
 * the start-up path). dist/src and dist/daemon keep tsc's output for whoever imports them directly.
 */
async function bundleCli(): Promise<void> {
  const started = Date.now();
  const commandsDir = join(dist, 'commands');
  const commands = readdirSync(commandsDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .map((f) => join(commandsDir, f));
  const result = await build({
    entryPoints: [...commands, { in: 'tk:cli', out: 'cli' }],
    outdir: dist,
    outbase: dist,
    allowOverwrite: true,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    // @oclif/core is CommonJS: give its code the require and __dirname an ES module lacks.
    banner: {
      js: "import { createRequire as __tkCreateRequire } from 'node:module'; import { dirname as __tkDirname } from 'node:path'; import { fileURLToPath as __tkFileURLToPath } from 'node:url'; const require = __tkCreateRequire(import.meta.url); const __filename = __tkFileURLToPath(import.meta.url); const __dirname = __tkDirname(__filename);",
    },
    plugins: [cliEntry(), onlyOclifInside(), fileRelativeUrls()],
  });
  // An earlier build's chunks (other hashes) are referenced by nothing now; a chunk written since
  // this build started belongs to a build running beside it, and stays.
  const written = new Set(Object.keys(result.metafile.outputs).map((o) => join(root, o)));
  const chunksDir = join(dist, 'chunks');
  for (const f of readdirSync(chunksDir)) {
    const path = join(chunksDir, f);
    if (!written.has(path) && statSync(path).mtimeMs < started) rmSync(path, { force: true });
  }
  for (const [output, meta] of Object.entries(result.metafile.outputs)) {
    const depth = relative(dist, join(root, output)).split(sep).length - 1;
    const moved = Object.keys(meta.inputs).filter((i) => i.startsWith('dist/') && FILE_RELATIVE_URL.test(readFileSync(join(root, i), 'utf8')));
    if (moved.length > 0 && depth !== 1) throw new Error(`${output} holds ${moved.join(', ')}, whose file-relative URLs assume an output one folder below dist/`);
  }
}

/** dist/cli.js: oclif's runner, from the same chunk as the commands' oclif. */
function cliEntry(): EsbuildPlugin {
  return {
    name: 'tk-cli-entry',
    setup(b) {
      b.onResolve({ filter: /^tk:cli$/ }, () => ({ path: 'cli', namespace: 'tk' }));
      b.onLoad({ filter: /.*/, namespace: 'tk' }, () => ({ contents: "export { execute } from '@oclif/core';", resolveDir: root, loader: 'js' }));
    },
  };
}

/** Bundles @oclif/core and what it needs (but typescript); every other package is imported from node_modules as before. */
function onlyOclifInside(): EsbuildPlugin {
  const builtins = new Set(builtinModules);
  return {
    name: 'tk-only-oclif-inside',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('node:') || builtins.has(args.path.split('/')[0]!)) return { path: args.path, external: true };
        // oclif loads typescript only to run a CLI from its .ts sources, which tk never does.
        if (args.path === 'typescript') return { path: args.path, external: true };
        const fromPackage = args.importer.includes(`${sep}node_modules${sep}`) || args.namespace === 'tk';
        if (fromPackage || args.path === '@oclif/core' || args.path.startsWith('@oclif/core/')) return undefined;
        return { path: args.path, external: true };
      });
    },
  };
}


/**
 * `new URL('../x', import.meta.url)` in our code names a file beside the compiled module (dump-log's
 * schema.json). Bundled, the module runs from another file, so its URL is made relative to where
 * tsc put it; bundleCli checks that every output holding such a module sits one folder below dist/.
 */
function fileRelativeUrls(): EsbuildPlugin {
  return {
    name: 'tk-file-relative-urls',
    setup(b) {
      b.onLoad({ filter: /[\\/]dist[\\/](src|commands|daemon)[\\/].*\.js$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!FILE_RELATIVE_URL.test(source)) return undefined;
        const fromOutput = `../${relative(dist, args.path).split(sep).join('/')}`;
        return {
          contents: source.replace(new RegExp(FILE_RELATIVE_URL, 'g'), `new URL($1, new URL(${JSON.stringify(fromOutput)}, import.meta.url))`),
          resolveDir: dirname(args.path),
          loader: 'js',
        };
      });
    },
  };
}
