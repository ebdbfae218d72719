// Start-up figures: `tk topics --list` wall time (process start to exit) against a running broker,
// and the broker's own start-up on a log dir holding 1,000 partitions (a clean stop, then spawn to
// the ready line).
import { startBenchBroker } from '../lib/broker.js';
import { createTopics } from '../lib/data.js';
import { TK, timeRuns } from '../lib/process.js';
import type { Figures } from '../lib/report.js';
import { median } from '../lib/stats.js';

export function measureTopicsList(figures: Figures, bootstrap: string, runs: number): void {
  const floor = figures.add({ figure: 'node -e "" (process floor)', value: median(timeRuns(process.execPath, ['-e', ''], runs)), unit: 'ms' });
  const list = median(timeRuns(TK[0], [TK[1], 'topics', '--list', '--bootstrap-server', bootstrap], runs));
  figures.add({ figure: 'tk topics --list', value: list, unit: 'ms', versus: { figure: 'process floor', ratio: list / floor.value! }, target: { text: '< 300 ms', met: list < 300 } });
}

export async function measureBrokerStartup(figures: Figures, partitions: number, restarts: number): Promise<void> {
  const broker = await startBenchBroker('startup');
  try {
    // Topics of 100 partitions each, as a cluster's partitions are usually spread.
    const perTopic = 100;
    await createTopics(
      broker.bootstrap,
      Array.from({ length: Math.ceil(partitions / perTopic) }, (_, i) => ({ name: `startup-${i}`, partitions: Math.min(perTopic, partitions - i * perTopic) })),
    );
    const times: number[] = [];
    for (let i = 0; i < restarts; i++) times.push(await broker.restart());
    figures.add({ figure: `broker start to ready line, ${partitions.toLocaleString('en')} partitions`, value: median(times), unit: 'ms', samples: times });
  } finally {
    await broker.stop();
  }
}
