// kafka-dump-log.sh's text for segments and indexes built by hand, field by field.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumpFile, type DumpOptions } from '../../../src/cli/dump-log/dump.js';
import { renderFileText, renderJson, renderSummaryText, type FileDump } from '../../../src/cli/dump-log/render.js';
import { CompressionType } from '../../../src/protocol/compression.js';
import { crc32c } from '../../../src/protocol/crc32c.js';
import { buildBatch, buildEndTransactionBatch, ControlRecordType } from '../../../src/protocol/records.js';
import { encodeMetadataFrame } from '../../../src/protocol/metadata-frame.js';
import { TopicRecord } from '../../../src/protocol/generated/metadata/topic-record.js';
import { PartitionRecord } from '../../../src/protocol/generated/metadata/partition-record.js';

const T = 1700000000000n;
const text = (s: string): Buffer => Buffer.from(s, 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'tk-dump-log-'));
const options = (over: Partial<DumpOptions> = {}): DumpOptions => ({
  printDataLog: false,
  deepIteration: false,
  verifyIndexOnly: false,
  indexSanityCheck: false,
  skipRecordMetadata: false,
  maxBytes: 2147483647,
  maxMessageSize: 5 * 1024 * 1024,
  decoder: 'string',
  ...over,
});

async function dumpText(file: string, over: Partial<DumpOptions> = {}): Promise<{ stdout: string; stderr: string; dump: FileDump }> {
  const o = options(over);
  const dump = await dumpFile(file, o);
  const out = renderFileText(dump, { skipRecordMetadata: o.skipRecordMetadata, verifyOnly: o.verifyIndexOnly });
  return { ...out, stderr: out.stderr + renderSummaryText([dump], (f) => f), dump };
}

const plain = buildBatch({
  baseOffset: 0n,
  partitionLeaderEpoch: 0,
  records: [
    { key: text('k1'), value: text('hello'), timestamp: T, headers: [{ key: 'h1', value: text('v') }, { key: 'h2', value: null }] },
    { key: null, value: text('world'), timestamp: T + 5n },
    { key: text('gone'), value: null, timestamp: T + 2n },
  ],
});
const compressed = buildBatch({ baseOffset: 3n, partitionLeaderEpoch: 0, compression: CompressionType.Gzip, records: [{ value: text('zipped'), timestamp: T + 10n }] });
const transactional = buildBatch({
  baseOffset: 4n,
  partitionLeaderEpoch: 1,
  producerId: 7n,
  producerEpoch: 0,
  baseSequence: 0,
  isTransactional: true,
  records: [{ value: text('a'), timestamp: T + 20n }, { value: text('b'), timestamp: T + 20n }],
});
const marker = buildEndTransactionBatch({ type: ControlRecordType.Commit, producerId: 7n, producerEpoch: 0, coordinatorEpoch: 3, timestamp: T + 30n, baseOffset: 6n, partitionLeaderEpoch: 1 });
const segment = Buffer.concat([plain, compressed, transactional, marker]);
const logFile = join(dir, '00000000000000000000.log');
writeFileSync(logFile, segment);

const crcOf = (batch: Buffer): number => batch.readUInt32BE(17);
const positions = [0, plain.length, plain.length + compressed.length, plain.length + compressed.length + transactional.length];

const batchLines = [
  `baseOffset: 0 lastOffset: 2 count: 3 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: ${T + 5n} size: ${plain.length} magic: 2 compresscodec: none crc: ${crcOf(plain)} isvalid: true`,
  `baseOffset: 3 lastOffset: 3 count: 1 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: ${positions[1]} CreateTime: ${T + 10n} size: ${compressed.length} magic: 2 compresscodec: gzip crc: ${crcOf(compressed)} isvalid: true`,
  `baseOffset: 4 lastOffset: 5 count: 2 baseSequence: 0 lastSequence: 1 producerId: 7 producerEpoch: 0 partitionLeaderEpoch: 1 isTransactional: true isControl: false deleteHorizonMs: OptionalLong.empty position: ${positions[2]} CreateTime: ${T + 20n} size: ${transactional.length} magic: 2 compresscodec: none crc: ${crcOf(transactional)} isvalid: true`,
  `baseOffset: 6 lastOffset: 6 count: 1 baseSequence: -1 lastSequence: -1 producerId: 7 producerEpoch: 0 partitionLeaderEpoch: 1 isTransactional: true isControl: true deleteHorizonMs: OptionalLong.empty position: ${positions[3]} CreateTime: ${T + 30n} size: ${marker.length} magic: 2 compresscodec: none crc: ${crcOf(marker)} isvalid: true`,
];

describe('dumping a .log segment', () => {
  it('prints one line per batch without deep iteration', async () => {
    const { stdout, stderr } = await dumpText(logFile);
    expect(stdout).toBe([`Dumping ${logFile}`, 'Log starting offset: 0', ...batchLines, ''].join('\n'));
    expect(stderr).toBe('');
  });

  it('prints every record with its key, payload, headers, sequence and the transaction marker', async () => {
    const { stdout } = await dumpText(logFile, { printDataLog: true });
    expect(stdout).toBe(
      [
        `Dumping ${logFile}`,
        'Log starting offset: 0',
        batchLines[0],
        `| offset: 0 CreateTime: ${T} keySize: 2 valueSize: 5 sequence: -1 headerKeys: [h1,h2] key: k1 payload: hello`,
        `| offset: 1 CreateTime: ${T + 5n} keySize: -1 valueSize: 5 sequence: -1 headerKeys: [] payload: world`,
        `| offset: 2 CreateTime: ${T + 2n} keySize: 4 valueSize: -1 sequence: -1 headerKeys: [] key: gone`,
        batchLines[1],
        `| offset: 3 CreateTime: ${T + 10n} keySize: -1 valueSize: 6 sequence: -1 headerKeys: [] payload: zipped`,
        batchLines[2],
        `| offset: 4 CreateTime: ${T + 20n} keySize: -1 valueSize: 1 sequence: 0 headerKeys: [] payload: a`,
        `| offset: 5 CreateTime: ${T + 20n} keySize: -1 valueSize: 1 sequence: 1 headerKeys: [] payload: b`,
        batchLines[3],
        `| offset: 6 CreateTime: ${T + 30n} keySize: 4 valueSize: 6 sequence: -1 headerKeys: [] endTxnMarker: COMMIT coordinatorEpoch: 3`,
        '',
      ].join('\n'),
    );
  });

  it('prints only keys and payloads with --skip-record-metadata', async () => {
    const { stdout } = await dumpText(logFile, { printDataLog: true, skipRecordMetadata: true });
    const records = stdout.split('\n').filter((l) => !l.startsWith('baseOffset') && !l.startsWith('Dumping') && !l.startsWith('Log'));
    expect(records).toEqual(['| key: k1 payload: hello', ' payload: world', '| key: gone', ' payload: zipped', ' payload: a', ' payload: b', '', '']);
  });

  it('reports the bytes of a truncated last batch, as Kafka does', async () => {
    const cut = join(dir, '00000000000000000100.log');
    writeFileSync(cut, Buffer.concat([plain, compressed.subarray(0, 30)]));
    const { stdout } = await dumpText(cut);
    expect(stdout.split('\n').slice(1, 2)).toEqual(['Log starting offset: 100']);
    expect(stdout.endsWith(`isvalid: true\nFound 30 invalid bytes at the end of 00000000000000000100.log\n`)).toBe(true);
  });

  it('marks a batch whose CRC does not hold, and lists offsets that skip', async () => {
    const bad = Buffer.from(plain);
    bad[bad.indexOf('hello')] = 0x48; // 'H': the records still decode, the CRC no longer holds
    const gap = buildBatch({ baseOffset: 10n, records: [{ value: text('x'), timestamp: T }] });
    const file = join(dir, '00000000000000000200.log');
    writeFileSync(file, Buffer.concat([bad, gap]));
    const { stdout, stderr } = await dumpText(file, { deepIteration: true });
    expect(stdout.split('\n')[2]).toContain(`crc: ${crcOf(plain)} isvalid: false`);
    expect(stderr).toBe(`Non-consecutive offsets in ${file}\n  2 is followed by 10\n`);
  });

  it('stops on a missing file after the heading, with the exception Kafka throws', async () => {
    const missing = join(dir, '00000000000000000300.log');
    const { stdout, dump } = await dumpText(missing);
    expect(stdout).toBe(`Dumping ${missing}\nLog starting offset: 300\n`);
    expect(dump.abort?.javaClass).toBe('java.nio.file.NoSuchFileException');
    expect(dump.abort?.message).toBe(missing);
  });

  it('decodes KRaft metadata records as Kafka\'s JSON', async () => {
    const topicId = Buffer.alloc(16, 1).toString('base64url');
    const batch = buildBatch({
      records: [
        { value: encodeMetadataFrame(TopicRecord, { name: 'events', topicId }, 0), timestamp: T },
        { value: encodeMetadataFrame(PartitionRecord, { ...PartitionRecord.defaults(), partitionId: 0, topicId, replicas: [1], isr: [1], leader: 1, leaderEpoch: 0, partitionEpoch: 0, directories: [] }, 1), timestamp: T },
      ],
    });
    const file = join(dir, '00000000000000000400.log');
    writeFileSync(file, batch);
    const { stdout } = await dumpText(file, { decoder: 'cluster-metadata' });
    const lines = stdout.split('\n');
    expect(lines[3]).toBe(`| offset: 0 CreateTime: ${T} keySize: -1 valueSize: ${lines[3].match(/valueSize: (\d+)/)![1]} sequence: -1 headerKeys: [] payload: {"type":"TOPIC_RECORD","version":0,"data":{"name":"events","topicId":"${topicId}"}}`);
    expect(lines[4]).toContain(
      `payload: {"type":"PARTITION_RECORD","version":1,"data":{"partitionId":0,"topicId":"${topicId}","replicas":[1],"isr":[1],"removingReplicas":[],"addingReplicas":[],"leader":1,"leaderEpoch":0,"partitionEpoch":0,"directories":[]}}`,
    );
  });

  it('gives the same facts as JSON', async () => {
    const dump = await dumpFile(logFile, options({ printDataLog: true }));
    const parsed = JSON.parse(renderJson([dump])) as { files: { batches: { lastOffset: number; crc: number; records: { offset: number; payload: string | null }[] }[] }[] };
    const batches = parsed.files[0].batches;
    expect(batches.map((b) => b.lastOffset)).toEqual([2, 3, 5, 6]);
    expect(batches[0].crc).toBe(crcOf(plain));
    expect(batches[0].records.map((r) => r.payload)).toEqual(['hello', 'world', null]);
  });
});

describe('dumping indexes', () => {
  const index = join(dir, '00000000000000000000.index');
  const timeIndex = join(dir, '00000000000000000000.timeindex');

  it('prints offset index entries and reports those that miss a batch end', async () => {
    const entries = Buffer.alloc(16);
    entries.writeInt32BE(3, 0);
    entries.writeInt32BE(positions[1], 4);
    entries.writeInt32BE(4, 8); // the batch at this position ends at 5
    entries.writeInt32BE(positions[2], 12);
    writeFileSync(index, entries);
    const { stdout, stderr } = await dumpText(index);
    expect(stdout).toBe(`Dumping ${index}\noffset: 3 position: ${positions[1]}\noffset: 4 position: ${positions[2]}\n`);
    expect(stderr).toBe(`Mismatches in :${index}\n  Index offset: 4, log offset: 5\n`);
    expect((await dumpText(index, { verifyIndexOnly: true })).stdout).toBe(`Dumping ${index}\n`);
    expect((await dumpText(index, { indexSanityCheck: true })).stdout).toBe(`Dumping ${index}\n${index} passed sanity check.\n`);
  });

  it('says an empty index is empty', async () => {
    const empty = join(dir, '00000000000000000100.index');
    writeFileSync(empty, Buffer.alloc(0));
    expect((await dumpText(empty)).stdout).toBe(`Dumping ${empty}\n${empty} is empty.\n`);
  });

  it('prints time index entries and checks their timestamps against the batches', async () => {
    const entries = Buffer.alloc(24);
    entries.writeBigInt64BE(T + 10n, 0);
    entries.writeInt32BE(3, 8);
    entries.writeBigInt64BE(T + 99n, 12); // batch 4-5 holds T+20
    entries.writeInt32BE(5, 20);
    writeFileSync(timeIndex, entries);
    const { stdout, stderr } = await dumpText(timeIndex);
    expect(stdout).toBe(`Dumping ${timeIndex}\ntimestamp: ${T + 10n} offset: 3\ntimestamp: ${T + 99n} offset: 5\n`);
    expect(stderr).toBe(`Found timestamp mismatch in :${timeIndex}\n  Index timestamp: ${T + 99n}, log timestamp: ${T + 20n}\n`);
  });
});

describe('dumping producer snapshots and unknown files', () => {
  it('prints each producer with its last batch', async () => {
    const snap = Buffer.alloc(6 + 4 + 46);
    snap.writeInt16BE(1, 0);
    snap.writeInt32BE(1, 6);
    let at = 10;
    snap.writeBigInt64BE(7n, at);
    snap.writeInt16BE(0, at + 8);
    snap.writeInt32BE(4, at + 10); // last sequence
    snap.writeBigInt64BE(5n, at + 14); // last offset
    snap.writeInt32BE(1, at + 22); // offset delta
    snap.writeBigInt64BE(T, at + 26);
    snap.writeInt32BE(2, at + 34);
    snap.writeBigInt64BE(4n, at + 38);
    snap.writeUInt32BE(crc32c(snap.subarray(6)), 2);
    const file = join(dir, '00000000000000000006.snapshot');
    writeFileSync(file, snap);
    expect((await dumpText(file)).stdout).toBe(
      `Dumping ${file}\nproducerId: 7 producerEpoch: 0 coordinatorEpoch: 2 currentTxnFirstOffset: OptionalLong[4] lastTimestamp: ${T} firstSequence: 3 lastSequence: 4 lastOffset: 5 offsetDelta: 1 timestamp: ${T}\n`,
    );
  });

  it('ignores a file it does not know, on stderr', async () => {
    const file = join(dir, 'leader-epoch-checkpoint');
    expect(await dumpText(file)).toMatchObject({ stdout: `Dumping ${file}\n`, stderr: `Ignoring unknown file ${file}\n` });
  });
});
