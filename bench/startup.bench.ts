// CLI start-up: wall time of `tk topics --list` against a running broker, beside the floors it
// cannot beat (an empty `node` process, loading @oclif/core from node_modules and from the build's
// bundle) and a C peer (`kcat -L`).
// Run with `npm run build && npm run bench:startup`; prints the median and spread of 15 runs each
// after 2 warm-up runs, all in one run so the ratios compare like with like.
import { spawnSync } from 'node:child_process';
import { startBenchBroker } from './lib/broker.js';
import { timeRuns } from './lib/process.js';
import { quantile } from './lib/stats.js';

const RUNS = 15;

const broker = await startBenchBroker('startup');
try {
  spawnSync(process.execPath, ['bin/run.js', 'topics', '--create', '--topic', 'startup', '--partitions', '3', '--bootstrap-server', broker.bootstrap]);
  const cases: [string, string, string[]][] = [
    ['node -e "" (process floor)', process.execPath, ['-e', '']],
    ['node: import @oclif/core', process.execPath, ['-e', 'import("@oclif/core")']],
    // What bin/run.js loads instead since the build bundles oclif (scripts/postbuild.ts).
    ['node: import dist/cli.js', process.execPath, ['--input-type=module', '-e', 'await import("./dist/cli.js")']],
    ['tk --version', process.execPath, ['bin/run.js', '--version']],
    ['tk topics --list', process.execPath, ['bin/run.js', 'topics', '--list', '--bootstrap-server', broker.bootstrap]],
    ['tk topics --describe', process.execPath, ['bin/run.js', 'topics', '--describe', '--bootstrap-server', broker.bootstrap]],
  ];
  if (spawnSync('kcat', ['-V']).status === 0) cases.push(['kcat -L (C peer)', 'kcat', ['-L', '-b', broker.bootstrap]]);
  let listMedian = 0;
  const rows: [string, number, number, number][] = [];
  for (const [name, command, args] of cases) {
    const times = timeRuns(command, args, RUNS).sort((a, b) => a - b);
    const median = quantile(times, 0.5);
    if (name === 'tk topics --list') listMedian = median;
    rows.push([name, median, times[0]!, times[times.length - 1]!]);
  }
  console.log(`${'command'.padEnd(30)} ${'median'.padStart(9)} ${'min'.padStart(9)} ${'max'.padStart(9)}  vs tk topics --list`);
  for (const [name, median, min, max] of rows) {
    console.log(`${name.padEnd(30)} ${median.toFixed(0).padStart(6)} ms ${min.toFixed(0).padStart(6)} ms ${max.toFixed(0).padStart(6)} ms  ${(median / listMedian).toFixed(2)}`);
  }
} finally {
  await broker.stop();
}
