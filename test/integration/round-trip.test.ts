// The round trip a CI script does with Kafka's tools, with tk on both ends: a file of 10,000
// keyed lines piped through `tk console-producer --property parse.key=true` and read back with
// `tk console-consumer --from-beginning --property print.key=true`. (kcat on one end and tk on
// the other: console-producer.test.ts and console-consumer.test.ts.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runTool, startBroker, type RunningBroker } from '../harness/broker.js';

const LINES = 10_000;
let broker: RunningBroker;
const scratch = mkdtempSync(join(tmpdir(), 'tk-round-trip-'));

beforeAll(async () => {
  broker = await startBroker();
});

afterAll(async () => {
  await broker.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** The values of each key, in the order they were read: keys are spread over partitions, and order is kept per partition. */
function valuesByKey(lines: readonly string[]): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const line of lines) {
    const [key, value] = line.split('\t');
    byKey.set(key!, [...(byKey.get(key!) ?? []), value!]);
  }
  return byKey;
}

it('10,000 keyed lines go through tk console-producer and come back from tk console-consumer unchanged', async () => {
  const tk = (...args: string[]) => ['node', 'bin/run.js', ...args, '--bootstrap-server', broker.bootstrap].join(' ');
  expect(await runTool('sh', ['-c', tk('topics', '--create', '--topic', 'round-trip', '--partitions', '3')])).toMatchObject({ code: 0 });
  // 100 keys, each used 100 times, so per-key order is checked across many records of one partition.
  const input = Array.from({ length: LINES }, (_, i) => `key-${i % 100}\tvalue-${i}`);
  const file = join(scratch, 'input.txt');
  writeFileSync(file, `${input.join('\n')}\n`);

  const produced = await runTool('sh', ['-c', `${tk('console-producer', '--topic', 'round-trip', '--property', 'parse.key=true')} < ${file}`], { timeoutMs: 60_000 });
  expect(produced).toEqual({ code: 0, stdout: '', stderr: '' });

  const consumed = await runTool('sh', ['-c', tk('console-consumer', '--topic', 'round-trip', '--from-beginning', '--max-messages', String(LINES), '--property', 'print.key=true')], {
    timeoutMs: 60_000,
  });
  expect(consumed.code).toBe(0);
  expect(consumed.stderr).toBe(`Processed a total of ${LINES} messages\n`);
  const output = consumed.stdout.split('\n');
  expect(output.pop()).toBe('');
  expect([...output].sort()).toEqual([...input].sort());
  expect(valuesByKey(output)).toEqual(valuesByKey(input));
});
