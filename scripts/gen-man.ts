// Writes man/ from the built commands' metadata (npm run man builds first): one page per command
// and tk.1, removing pages of commands that no longer exist. The rendering is src/cli/man.ts.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateManPages } from '../src/cli/man.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, 'man');
const pages = await generateManPages(root);
mkdirSync(dir, { recursive: true });
for (const file of readdirSync(dir)) {
  if (file.endsWith('.1') && !pages.has(file)) rmSync(join(dir, file));
}
for (const [file, text] of pages) writeFileSync(join(dir, file), text);
process.stdout.write(`wrote ${pages.size} man pages to ${dir}\n`);
