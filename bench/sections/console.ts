// The console tools against kcat on the same data: short lines (`seq`-like, 1-7 bytes) piped into
// `tk console-producer` and `kcat -P`, then read to /dev/null with `tk console-consumer
// --max-messages` and `kcat -C -c`. Each run writes to a fresh one-partition topic; each time
// includes the tool's start-up.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTopics } from '../lib/data.js';
import { TK, timedShell } from '../lib/process.js';
import type { Figures } from '../lib/report.js';
import { median } from '../lib/stats.js';

export type ConsoleTimes = Record<'tk produce' | 'kcat produce' | 'tk consume' | 'kcat consume', number[]>;

export async function timeConsoleTools(bootstrap: string, dir: string, lines: number, runs: number): Promise<ConsoleTimes> {
  const input = join(dir, 'lines.txt');
  writeFileSync(input, Array.from({ length: lines }, (_, i) => `${i + 1}\n`).join(''));
  const tk = TK.join(' ');
  const times: ConsoleTimes = { 'tk produce': [], 'kcat produce': [], 'tk consume': [], 'kcat consume': [] };
  for (let i = 0; i < runs; i++) {
    for (const tool of ['tk', 'kcat'] as const) {
      const topic = `console-${tool}-${i}`;
      await createTopics(bootstrap, [{ name: topic }]);
      times[`${tool} produce`].push(
        timedShell(tool === 'tk' ? `${tk} console-producer --bootstrap-server ${bootstrap} --topic ${topic} < ${input}` : `kcat -P -b ${bootstrap} -t ${topic} -l ${input}`),
      );
      times[`${tool} consume`].push(
        timedShell(
          tool === 'tk'
            ? `${tk} console-consumer --bootstrap-server ${bootstrap} --topic ${topic} --from-beginning --max-messages ${lines} > /dev/null 2>&1`
            : `kcat -C -b ${bootstrap} -t ${topic} -o beginning -c ${lines} -q > /dev/null`,
        ),
      );
    }
  }
  return times;
}

export async function measureConsole(figures: Figures, bootstrap: string, dir: string, lines: number, runs: number): Promise<void> {
  const times = await timeConsoleTools(bootstrap, dir, lines, runs);
  const tools = { produce: ['kcat -P', 'tk console-producer'], consume: ['kcat -C', 'tk console-consumer'] } as const;
  for (const side of ['produce', 'consume'] as const) {
    const [peer, own] = tools[side];
    const kcatSeconds = median(times[`kcat ${side}`]);
    figures.add({ figure: `${peer} (${lines.toLocaleString('en')} short lines)`, value: kcatSeconds, unit: 's', recordsPerSecond: lines / kcatSeconds });
    const seconds = median(times[`tk ${side}`]);
    // A ratio of rates, so 100% is kcat's speed: kcat's time over tk's.
    const ratio = kcatSeconds / seconds;
    figures.add({
      figure: `${own} (same lines)`,
      value: seconds,
      unit: 's',
      recordsPerSecond: lines / seconds,
      versus: { figure: peer, ratio },
      target: { text: ">= 50% of kcat's rate", met: ratio >= 0.5 },
    });
  }
}
