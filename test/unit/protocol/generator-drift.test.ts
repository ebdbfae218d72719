import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../../scripts/gen-protocol.js';
import { generatedDir } from '../../harness/generated-messages.js';

const definitions = fileURLToPath(new URL('../../../../shared/kafka-protocol', import.meta.url));
const definitionsPresent = existsSync(join(definitions, 'clients'));

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

// The committed output lets a clone build without the definitions; CI has them beside the repo.
describe.skipIf(!definitionsPresent)('the committed generated protocol code', () => {
  const out = mkdtempSync(join(tmpdir(), 'tk-gen-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('is exactly what the generator writes from the definitions today', () => {
    generate(definitions, out);
    const fresh = listFiles(out).map((p) => relative(out, p)).sort();
    const committed = listFiles(generatedDir).map((p) => relative(generatedDir, p)).sort();
    expect(committed).toEqual(fresh);
    const differing = fresh.filter((p) => !readFileSync(join(out, p)).equals(readFileSync(join(generatedDir, p))));
    expect(differing, 'run `npm run gen` and commit the result').toEqual([]);
  });
});
