// `tk dump-log` on the files a harness broker wrote, compared byte for byte with what
// kafka-dump-log.sh prints for them: record facts from kcat, batch facts from the batch headers.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool, startBroker, type RunningBroker } from '../harness/broker.js';
import { readBatchHeader } from '../../src/protocol/records.js';

let broker: RunningBroker;
const TOPIC = 'dumped';

beforeAll(async () => {
  broker = await startBroker();
  const created = await runTool('node', ['bin/run.js', 'topics', '--bootstrap-server', broker.bootstrap, '--create', '--topic', TOPIC, '--partitions', '1']);
  expect(created.code).toBe(0);
  const produced = await runTool('kcat', ['-P', '-b', broker.bootstrap, '-t', TOPIC, '-p', '0', '-K', ':', '-H', 'app=tk', '-H', 'trace=1', '-z', 'lz4'], {
    input: 'k1:hello\nk2:world\n:no key\n',
  });
  expect(produced.code).toBe(0);
}, 60_000);

afterAll(async () => {
  await broker.stop();
});

const tk = (...args: string[]) => runTool('node', ['bin/run.js', 'dump-log', ...args]);

describe('tk dump-log on a broker\'s files', () => {
  const segment = () => join(broker.logDir, `${TOPIC}-0`, '00000000000000000000.log');

  it('prints the batches and records of a segment as kafka-dump-log.sh --print-data-log does', async () => {
    const consumed = await runTool('kcat', ['-C', '-b', broker.bootstrap, '-t', TOPIC, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%o|%T|%K|%k|%S|%s|%h\n']);
    expect(consumed.code).toBe(0);
    const records = consumed.stdout.trim().split('\n').map((line) => {
      const [offset, timestamp, keyLength, key, valueLength, value] = line.split('|');
      return { offset, timestamp, keyLength, key, valueLength, value };
    });
    expect(records.map((r) => r.value)).toEqual(['hello', 'world', 'no key']);

    // The broker's append may reach the file just after the fetch is served.
    let bytes = readFileSync(segment());
    for (let tries = 0; bytes.length === 0 && tries < 200; tries++) {
      await new Promise((r) => setTimeout(r, 100));
      bytes = readFileSync(segment());
    }
    const expected = [`Dumping ${segment()}`, 'Log starting offset: 0'];
    let recordIndex = 0;
    for (let at = 0; at < bytes.length; ) {
      const h = readBatchHeader(bytes, at);
      const size = 12 + h.batchLength;
      const last = h.baseOffset + BigInt(h.lastOffsetDelta);
      expected.push(
        `baseOffset: ${h.baseOffset} lastOffset: ${last} count: ${h.recordCount} baseSequence: ${h.baseSequence} lastSequence: ${h.baseSequence < 0 ? -1 : h.baseSequence + h.lastOffsetDelta}` +
          ` producerId: ${h.producerId} producerEpoch: ${h.producerEpoch} partitionLeaderEpoch: ${h.partitionLeaderEpoch} isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty` +
          ` position: ${at} CreateTime: ${h.maxTimestamp} size: ${size} magic: 2 compresscodec: ${['none', 'gzip', 'snappy', 'lz4', 'zstd'][h.compression]} crc: ${h.crc} isvalid: true`,
      );
      for (let i = 0; i < h.recordCount; i++, recordIndex++) {
        const r = records[recordIndex];
        const sequence = h.baseSequence < 0 ? -1 : h.baseSequence + Number(BigInt(r.offset) - h.baseOffset);
        // kcat -K gives the keyless line an empty key, not a null one.
        const key = r.keyLength === '-1' ? '' : ` key: ${r.key}`;
        expected.push(`| offset: ${r.offset} CreateTime: ${r.timestamp} keySize: ${r.keyLength} valueSize: ${r.valueLength} sequence: ${sequence} headerKeys: [app,trace]${key} payload: ${r.value}`);
      }
      at += size;
    }
    expect(recordIndex).toBe(3);
    expect(await tk('--files', segment(), '--print-data-log')).toEqual({ code: 0, stdout: `${expected.join('\n')}\n`, stderr: '' });
  });

  it('gives the same facts with --output json', async () => {
    const text = await tk('--files', segment(), '--deep-iteration');
    const json = await tk('--files', segment(), '--print-data-log', '--output', 'json');
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { files: { batches: { crc: number; size: number; records: { offset: number; key: string | null; payload: string }[] }[] }[] };
    const batches = parsed.files[0].batches;
    const crcs = [...text.stdout.matchAll(/crc: (\d+) isvalid: true/g)].map((m) => Number(m[1]));
    expect(batches.map((b) => b.crc)).toEqual(crcs);
    expect(batches.flatMap((b) => b.records.map((r) => [r.offset, r.key, r.payload]))).toEqual([
      [0, 'k1', 'hello'],
      [1, 'k2', 'world'],
      [2, '', 'no key'],
    ]);
  });

  it('prints the offset and time indexes, each entry pointing at a batch end', async () => {
    const index = segment().replace(/\.log$/, '.index');
    const timeIndex = segment().replace(/\.log$/, '.timeindex');
    const result = await tk('--files', `${index},${timeIndex}`);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const readIfThere = (path: string): Buffer => (existsSync(path) ? readFileSync(path) : Buffer.alloc(0));
    const indexBytes = readIfThere(index);
    const timeBytes = readIfThere(timeIndex);
    const lines = [`Dumping ${index}`];
    if (indexBytes.length === 0) lines.push(`${index} is empty.`);
    for (let at = 0; at + 8 <= indexBytes.length; at += 8) lines.push(`offset: ${indexBytes.readInt32BE(at)} position: ${indexBytes.readInt32BE(at + 4)}`);
    lines.push(`Dumping ${timeIndex}`);
    for (let at = 0; at + 12 <= timeBytes.length; at += 12) lines.push(`timestamp: ${timeBytes.readBigInt64BE(at)} offset: ${timeBytes.readInt32BE(at + 8)}`);
    expect(result.stdout).toBe(`${lines.join('\n')}\n`);
  });

  it('decodes the cluster metadata log: the topic and its partition by name', async () => {
    const metadata = join(broker.logDir, '__cluster_metadata-0', '00000000000000000000.log');
    const result = await tk('--cluster-metadata-decoder', '--files', metadata);
    expect(result.code).toBe(0);
    const topic = result.stdout.match(new RegExp(`payload: \\{"type":"TOPIC_RECORD","version":0,"data":\\{"name":"${TOPIC}","topicId":"([A-Za-z0-9_-]{22})"\\}\\}`));
    expect(topic).not.toBeNull();
    expect(result.stdout).toMatch(
      new RegExp(`payload: \\{"type":"PARTITION_RECORD","version":\\d,"data":\\{"partitionId":0,"topicId":"${topic![1]}","replicas":\\[\\d+\\],"isr":\\[\\d+\\],"removingReplicas":\\[\\],"addingReplicas":\\[\\],"leader":\\d+,"leaderEpoch":0,"partitionEpoch":0`),
    );
    expect(result.stdout).toContain('"type":"REGISTER_BROKER_RECORD"');
  });

  it('stops on a missing file with one line and a non-zero exit', async () => {
    const missing = join(broker.logDir, 'nope-0', '00000000000000000000.log');
    expect(await tk('--files', missing)).toEqual({
      code: 1,
      stdout: `Dumping ${missing}\nLog starting offset: 0\n`,
      stderr: `Error: java.nio.file.NoSuchFileException: ${missing}\n`,
    });
  });
});
