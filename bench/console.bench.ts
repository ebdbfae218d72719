// The console tools against kcat on the same data: 1,000,000 short lines (`seq`) piped into
// `tk console-producer` and into `kcat -P`, then read back to /dev/null with
// `tk console-consumer --max-messages` and `kcat -C -c`. Each run writes to its own fresh topic
// (one partition) and includes the tool's start-up. Run with `npm run build && npm run bench:console`;
// prints the median of 3 runs per tool and tk's throughput as a share of kcat's.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBenchBroker } from './bench-broker.js';

const RUNS = 3;
const LINES = 1_000_000;

/** Wall seconds of a shell pipeline; a failure aborts the bench. */
function timedShell(script: string): number {
  const start = process.hrtime.bigint();
  execFileSync('sh', ['-c', script], { stdio: ['ignore', 'ignore', 'inherit'] });
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const broker = await startBenchBroker('console');
const input = join(broker.dir, 'lines.txt');
writeFileSync(input, Array.from({ length: LINES }, (_, i) => `${i + 1}\n`).join(''));
const tk = `node bin/run.js`;
const b = broker.bootstrap;
try {
  const times: Record<string, number[]> = { 'tk produce': [], 'kcat produce': [], 'tk consume': [], 'kcat consume': [] };
  for (let run = 0; run < RUNS; run++) {
    for (const tool of ['tk', 'kcat'] as const) {
      const topic = `${tool}-${run}`;
      execFileSync('node', ['bin/run.js', 'topics', '--create', '--topic', topic, '--bootstrap-server', b], { stdio: 'ignore' });
      const produce = tool === 'tk' ? `${tk} console-producer --bootstrap-server ${b} --topic ${topic} < ${input}` : `kcat -P -b ${b} -t ${topic} -l ${input}`;
      times[`${tool} produce`]!.push(timedShell(produce));
      const consume =
        tool === 'tk'
          ? `${tk} console-consumer --bootstrap-server ${b} --topic ${topic} --from-beginning --max-messages ${LINES} > /dev/null 2>&1`
          : `kcat -C -b ${b} -t ${topic} -o beginning -c ${LINES} -q > /dev/null`;
      times[`${tool} consume`]!.push(timedShell(consume));
    }
  }
  console.log(`node ${process.version}; ${LINES.toLocaleString('en')} lines of 1-7 bytes, one partition, median of ${RUNS} runs, start-up included\n`);
  for (const [name, values] of Object.entries(times)) {
    const s = median(values);
    console.log(`${name.padEnd(14)} ${s.toFixed(2).padStart(6)} s ${Math.round(LINES / s).toString().padStart(9)} lines/s   runs: ${values.map((v) => v.toFixed(2)).join(', ')}`);
  }
  for (const side of ['produce', 'consume']) {
    console.log(`tk ${side} / kcat ${side}: ${((median(times[`kcat ${side}`]!) / median(times[`tk ${side}`]!)) * 100).toFixed(0)}% of kcat's throughput`);
  }
} finally {
  await broker.stop();
}
