// kill -9 in the middle of a stream of acknowledged writes, then a restart on the same log dir:
// nothing acknowledged is lost or doubled, offsets stay contiguous, no corrupt batch is served.
// A clean stop (SIGTERM) leaves a marker, and the next start skips the recovery scan.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PYTHON, runPython, runTool, startBroker, startTool, type RunningBroker } from '../harness/broker.js';

const STREAM = fileURLToPath(new URL('../compat/python/confluent_stream.py', import.meta.url));
const TOPIC = 'crash';
const PARTITIONS = 3;
/** Acknowledged records to wait for before the kill: enough that segments hold many batches. */
const ACKED_BEFORE_KILL = 3000;
// How the daemon reports, as it loads the logs, whether the last shutdown left the clean-shutdown
// marker: "loaded N logs from DIR (clean shutdown before)", or "(unclean shutdown before)" when it
// has to recover. The parenthesis keeps the first from matching the second.
const CLEAN_START = /loaded \d+ logs from .* \(clean shutdown before\)/;
const UNCLEAN_START = /loaded \d+ logs from .* \(unclean shutdown before\)/;

interface Ack {
  value: string;
  partition: number;
  offset: number;
  error: string | null;
}

interface Stored {
  partition: number;
  offset: number;
  value: string;
}

const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

/** Every record of the topic from the beginning, CRCs checked by librdkafka (off by default). */
async function readAll(broker: RunningBroker): Promise<Stored[]> {
  const result = await runTool('kcat', ['-b', broker.bootstrap, '-X', 'check.crcs=true', '-C', '-t', TOPIC, '-o', 'beginning', '-e', '-f', '%p\\t%o\\t%s\\n']);
  expect(result.stderr, 'kcat reports no error (a corrupt batch or CRC mismatch would be one)').not.toMatch(/ERROR|corrupt|CRC/i);
  expect(result.code).toBe(0);
  return lines(result.stdout).map((l) => {
    const [partition, offset, value] = l.split('\t');
    return { partition: Number(partition), offset: Number(offset), value };
  });
}

function expectContiguousPerPartition(stored: Stored[]): void {
  for (let p = 0; p < PARTITIONS; p++) {
    const offsets = stored.filter((r) => r.partition === p).map((r) => r.offset);
    expect(offsets, `partition ${p} offsets`).toEqual(offsets.map((_, i) => i));
  }
}

describe('crash recovery', () => {
  it('after kill -9 during acknowledged writes, a restart serves every acknowledged record exactly once at contiguous offsets; a clean stop then skips recovery', async () => {
    const broker = await startBroker();
    expect(await runPython('confluent_admin.py', [broker.bootstrap, 'create', TOPIC, PARTITIONS])).toEqual({ results: { [TOPIC]: null } });

    const stream = startTool(PYTHON, [STREAM, broker.bootstrap, TOPIC, String(PARTITIONS)]);
    await stream.waitFor('stdout', (out) => lines(out).length >= ACKED_BEFORE_KILL, 20_000);
    await broker.kill();
    // Responses that were already on the wire still reach the producer; give them a moment.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await stream.stop();
    const acked = lines(stream.stdout())
      .map((l) => JSON.parse(l) as Ack)
      .filter((a) => a.error === null);
    expect(acked.length).toBeGreaterThanOrEqual(ACKED_BEFORE_KILL);

    const recovered = await broker.restart();
    expect(recovered.stderr()).toMatch(UNCLEAN_START);
    expect(recovered.stderr()).not.toMatch(CLEAN_START);
    const stored = await readAll(recovered);
    expectContiguousPerPartition(stored);
    const values = stored.map((r) => r.value);
    expect(new Set(values).size, 'no record is stored twice').toBe(values.length);
    const where = new Map(stored.map((r) => [r.value, r]));
    const lostOrMoved = acked.filter((a) => {
      const s = where.get(a.value);
      return s === undefined || s.partition !== a.partition || s.offset !== a.offset;
    });
    expect(lostOrMoved, 'every acknowledged record is where its acknowledgement said').toEqual([]);

    // A controlled shutdown, then a start that trusts the clean-shutdown marker.
    expect(await recovered.stop()).toBe(0);
    const restarted = await recovered.restart();
    expect(restarted.stderr()).toMatch(CLEAN_START);
    expect(restarted.stderr()).not.toMatch(UNCLEAN_START);
    expect(await readAll(restarted)).toEqual(stored);
  }, 60_000);
});
