// The broker's resident memory (VmRSS): with 1,000 idle client connections, and under a sustained
// load sampled every 10 s. The load is C clients: kcat -P fed 1 KiB lines at a fixed rate by this
// process, and kcat -C following the same topic to /dev/null.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { createTopics } from '../lib/data.js';
import type { Figures } from '../lib/report.js';
import { rssMb } from '../lib/rss.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const SETTLE_MS = 3_000;
const SAMPLE_EVERY_MS = 10_000;

/** ApiVersions v0 with client id "idle": each connection is a Kafka session the broker has answered once. */
function apiVersionsRequest(correlationId: number): Buffer {
  const clientId = Buffer.from('idle');
  const body = Buffer.alloc(10 + clientId.length);
  body.writeInt16BE(18, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(correlationId, 4);
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

async function openIdleConnection(port: number, id: number): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  socket.write(apiVersionsRequest(id));
  await once(socket, 'data');
  return socket;
}

export async function measureIdleConnections(figures: Figures, port: number, pid: number, count: number): Promise<void> {
  await sleep(SETTLE_MS);
  const before = figures.add({ figure: 'broker RSS before idle connections', value: rssMb(pid), unit: 'MB' });
  const sockets: Socket[] = [];
  try {
    // In batches of 100 so the broker's accept queue never overflows.
    for (let i = 0; i < count; i += 100) {
      sockets.push(...(await Promise.all(Array.from({ length: Math.min(100, count - i) }, (_, j) => openIdleConnection(port, i + j)))));
    }
    await sleep(SETTLE_MS);
    const after = rssMb(pid);
    figures.add({
      figure: `broker RSS with ${count.toLocaleString('en')} idle connections`,
      value: after,
      unit: 'MB',
      versus: { figure: 'before', ratio: after / before.value! },
      target: { text: '< 200 MB', met: after < 200 },
    });
  } finally {
    for (const socket of sockets) socket.destroy();
  }
}

export interface SoakSettings {
  bootstrap: string;
  pid: number;
  seconds: number;
  recordsPerSecond: number;
}

export async function measureSoak(figures: Figures, s: SoakSettings): Promise<void> {
  const topic = 'soak';
  // Retention keeps the disk bounded however long the run, and exercises segment deletion.
  await createTopics(s.bootstrap, [{ name: topic, configs: { 'segment.bytes': String(16 * 1024 * 1024), 'retention.bytes': String(64 * 1024 * 1024) } }]);
  const producer = spawn('kcat', ['-P', '-b', s.bootstrap, '-t', topic, '-p', '0', '-X', 'linger.ms=5'], { stdio: ['pipe', 'ignore', 'inherit'] });
  const consumer = spawn('kcat', ['-C', '-b', s.bootstrap, '-t', topic, '-p', '0', '-o', 'beginning', '-q'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tickMs = 100;
  const line = 'x'.repeat(1023) + '\n';
  const tick = Buffer.from(line.repeat(Math.max(1, Math.round((s.recordsPerSecond * tickMs) / 1000))));
  const feeder = setInterval(() => producer.stdin!.write(tick), tickMs);
  const samples: number[] = [];
  try {
    const start = Date.now();
    while (Date.now() - start < s.seconds * 1000) {
      await sleep(Math.min(SAMPLE_EVERY_MS, s.seconds * 1000 - (Date.now() - start)));
      if (producer.exitCode !== null || consumer.exitCode !== null) throw new Error('a kcat of the sustained load exited early');
      samples.push(rssMb(s.pid));
    }
  } finally {
    clearInterval(feeder);
    producer.stdin!.end();
    consumer.kill();
    await once(producer, 'exit');
  }
  const first = samples[0]!;
  const peak = Math.max(...samples);
  const name = `broker RSS, ${s.seconds} s of ${s.recordsPerSecond.toLocaleString('en')} x 1 KiB records/s in and out`;
  figures.add({ figure: `${name}: first sample`, value: first, unit: 'MB' });
  figures.add({ figure: `${name}: last sample`, value: samples[samples.length - 1]!, unit: 'MB', versus: { figure: 'first', ratio: samples[samples.length - 1]! / first } });
  figures.add({
    figure: `${name}: peak`,
    value: peak,
    unit: 'MB',
    versus: { figure: 'first', ratio: peak / first },
    target: { text: '< 300 MB and within 10% of first', met: peak < 300 && peak <= first * 1.1 },
    samples,
  });
  console.error(`  RSS samples (MB, every ${SAMPLE_EVERY_MS / 1000} s): ${samples.map((v) => v.toFixed(0)).join(' ')}`);
}
