// The console tools against kcat on the same data (see sections/console.ts for what is timed).
// Run with `npm run build && npm run bench:console`; prints the median of 3 runs per tool and tk's
// throughput as a share of kcat's.
import { startBenchBroker } from './lib/broker.js';
import { median } from './lib/stats.js';
import { timeConsoleTools } from './sections/console.js';

const RUNS = 3;
const LINES = 1_000_000;

const broker = await startBenchBroker('console');
try {
  const times = await timeConsoleTools(broker.bootstrap, broker.dir, LINES, RUNS);
  console.log(`node ${process.version}; ${LINES.toLocaleString('en')} lines of 1-7 bytes, one partition, median of ${RUNS} runs, start-up included\n`);
  for (const [name, values] of Object.entries(times)) {
    const s = median(values);
    console.log(`${name.padEnd(14)} ${s.toFixed(2).padStart(6)} s ${Math.round(LINES / s).toString().padStart(9)} lines/s   runs: ${values.map((v) => v.toFixed(2)).join(', ')}`);
  }
  for (const side of ['produce', 'consume'] as const) {
    console.log(`tk ${side} / kcat ${side}: ${((median(times[`kcat ${side}`]) / median(times[`tk ${side}`])) * 100).toFixed(0)}% of kcat's throughput`);
  }
} finally {
  await broker.stop();
}
