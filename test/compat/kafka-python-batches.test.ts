// tk's record formats against kafka-python, an implementation written independently of
// tk: the fixtures in test/fixtures/record-batches were produced and decoded by kafka-python
// (make.py), and batches tk builds are handed to kafka-python to decode.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressionType, compressionName } from '../../src/protocol/compression.js';
import { decodeMessageSet } from '../../src/protocol/legacy-records.js';
import {
  ControlRecordType,
  TimestampType,
  buildBatch,
  buildEndTransactionBatch,
  iterateBatches,
  records,
  setMaxTimestamp,
  validateBatch,
  type RecordBatchHeader,
  type RecordInput,
} from '../../src/protocol/records.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/record-batches/', import.meta.url));
const PYTHON = '/usr/bin/python3';

type JsonBytes = { hex: string } | { length: number; sha256: string } | null;

interface V2Fixture {
  magic: 2;
  batches: {
    position: number;
    size: number;
    header: { [K in keyof RecordBatchHeader]?: string | number | boolean };
    records: { offset: string; timestamp: string; key: JsonBytes; value: JsonBytes; headers: { key: string; value: JsonBytes }[] }[];
  }[];
  truncated: { position: number; available: number } | null;
}

interface LegacyFixture {
  magic: 0 | 1;
  records: { offset: string; timestamp: string | null; timestampType: number | null; key: JsonBytes; value: JsonBytes }[];
  truncated: { position: number; available: number } | null;
}

/** Bytes in the fixtures' JSON form: hex, or length and sha256 past 512 bytes. */
function jsonBytes(b: Buffer | null): JsonBytes {
  if (b === null) return null;
  if (b.length <= 512) return { hex: b.toString('hex') };
  return { length: b.length, sha256: createHash('sha256').update(b).digest('hex') };
}

function headerJson(h: RecordBatchHeader): V2Fixture['batches'][number]['header'] {
  return {
    baseOffset: String(h.baseOffset),
    batchLength: h.batchLength,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    magic: h.magic,
    crc: h.crc,
    attributes: h.attributes,
    compression: h.compression,
    timestampType: h.timestampType,
    isTransactional: h.isTransactional,
    isControl: h.isControl,
    lastOffsetDelta: h.lastOffsetDelta,
    baseTimestamp: String(h.baseTimestamp),
    maxTimestamp: String(h.maxTimestamp),
    producerId: String(h.producerId),
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    recordCount: h.recordCount,
  };
}

const fixtureNames = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.bin'))
  .map((f) => f.slice(0, -4))
  .sort();

describe('fixtures written by kafka-python decode to what kafka-python reads', () => {
  it('cover every codec and both legacy magics', () => {
    for (const c of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) expect(fixtureNames).toContain(`v2-${c}`);
    for (const m of [0, 1]) for (const c of ['none', 'gzip', 'snappy', 'lz4']) expect(fixtureNames).toContain(`legacy-v${m}-${c}`);
  });

  for (const name of fixtureNames.filter((n) => n.startsWith('v2-'))) {
    it(name, () => {
      const data = readFileSync(join(FIXTURES, `${name}.bin`));
      const expected = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as V2Fixture;
      const batches: V2Fixture['batches'] = [];
      let truncated: V2Fixture['truncated'] = null;
      for (const entry of iterateBatches(data)) {
        if (entry.kind === 'truncated') {
          truncated = { position: entry.offset, available: entry.available };
          continue;
        }
        expect(entry.kind).toBe('batch');
        if (entry.kind !== 'batch') continue;
        const batch = data.subarray(entry.offset, entry.offset + entry.size);
        expect(validateBatch(batch, 0, { deep: true }).valid).toBe(true);
        batches.push({
          position: entry.offset,
          size: entry.size,
          header: headerJson(entry.header),
          records: [...records(batch)].map((r) => ({
            offset: String(r.offset),
            timestamp: String(r.timestamp),
            key: jsonBytes(r.key),
            value: jsonBytes(r.value),
            headers: r.headers.map((h) => ({ key: h.key, value: jsonBytes(h.value) })),
          })),
        });
      }
      expect(batches).toEqual(expected.batches);
      expect(truncated).toEqual(expected.truncated);
    });
  }

  for (const name of fixtureNames.filter((n) => n.startsWith('legacy-'))) {
    it(name, () => {
      const data = readFileSync(join(FIXTURES, `${name}.bin`));
      const expected = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as LegacyFixture;
      const { records: decoded, truncated } = decodeMessageSet(data);
      expect(
        decoded.map((r) => ({
          offset: String(r.offset),
          timestamp: r.magic === 0 ? null : String(r.timestamp),
          timestampType: r.timestampType === TimestampType.NoTimestampType ? null : r.timestampType,
          key: jsonBytes(r.key),
          value: jsonBytes(r.value),
        })),
      ).toEqual(expected.records);
      expect(decoded.every((r) => r.magic === expected.magic)).toBe(true);
      expect(truncated === null ? null : { position: truncated.offset, available: truncated.available }).toEqual(expected.truncated);
    });
  }
});

/** make.py's large_text: numbered lines cut to n bytes. */
function largeText(n: number): Buffer {
  const lines: string[] = [];
  let length = 0;
  for (let i = 0; length < n; i++) {
    const line = `line ${i}: a record value long enough to span several compression blocks\n`;
    lines.push(line);
    length += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, n);
}

describe('uncompressed batches are byte-identical to kafka-python\'s', () => {
  const T = 1700000000123n;
  it('v2-none: nulls, empties, headers, a timestamp before the first', () => {
    const input: RecordInput[] = [
      { key: Buffer.from('key-0'), value: Buffer.from('value-0 '.repeat(20)), timestamp: T, headers: [{ key: 'trace-id', value: Buffer.from('abc123') }, { key: 'empty', value: Buffer.alloc(0) }, { key: 'null-value', value: null }] },
      { key: null, value: Buffer.from('no key here'), timestamp: T + 5n },
      { key: Buffer.from('tombstone'), value: null, timestamp: T + 3n },
      { key: Buffer.alloc(0), value: Buffer.alloc(0), timestamp: T - 10n, headers: [{ key: 'ключ', value: Buffer.from([0x00, 0xff]) }] },
      { key: Buffer.from(Array.from({ length: 256 }, (_, i) => i)), value: largeText(40000), timestamp: T + 100n },
      { key: Buffer.from('last'), value: Buffer.alloc(5), timestamp: T + 100n, headers: [{ key: 'a', value: null }, { key: 'b', value: Buffer.from('x') }] },
    ];
    const ours = buildBatch({ records: input, baseOffset: 1000n, partitionLeaderEpoch: 7, producerId: 4242n, producerEpoch: 3, baseSequence: 17 });
    expect(ours.equals(readFileSync(join(FIXTURES, 'v2-none.bin')))).toBe(true);
  });

  it('v2-transactional-gaps: a transactional batch with offset gaps', () => {
    const ours = buildBatch({
      records: [
        { offsetDelta: 0, timestamp: T, key: Buffer.from('k0'), value: Buffer.from('v0') },
        { offsetDelta: 2, timestamp: T + 1n, key: Buffer.from('k2'), value: Buffer.from('v2') },
        { offsetDelta: 5, timestamp: T + 2n, key: Buffer.from('k5'), value: null },
      ],
      baseOffset: 2000n,
      partitionLeaderEpoch: 12,
      producerId: 77n,
      producerEpoch: 0,
      baseSequence: 0,
      isTransactional: true,
    });
    expect(ours.equals(readFileSync(join(FIXTURES, 'v2-transactional-gaps.bin')))).toBe(true);
  });
});

// ---- the other direction: kafka-python decodes what tk builds ----

const DECODER = `
import json, sys
from kafka.record.memory_records import MemoryRecords

def b(v):
    return None if v is None else bytes(v).hex()

out = {}
for path in sys.argv[1:]:
    data = open(path, 'rb').read()
    record_set = MemoryRecords(data)
    batches = []
    while record_set.has_next():
        batch = record_set.next_batch()
        crc_valid = batch.validate_crc()  # before iterating, as kafka-python requires
        h = batch._header_data
        batches.append({
            'crcValid': crc_valid,
            'baseOffset': str(h[0]), 'partitionLeaderEpoch': h[2], 'magic': h[3],
            'compression': batch.compression_type, 'timestampType': batch.timestamp_type,
            'isTransactional': batch.is_transactional, 'isControl': batch.is_control_batch,
            'lastOffsetDelta': h[6], 'maxTimestamp': str(h[8]), 'producerId': str(h[9]),
            'producerEpoch': h[10], 'baseSequence': h[11],
            'records': [{
                'offset': str(r.offset), 'timestamp': str(r.timestamp), 'key': b(r.key), 'value': b(r.value),
                'headers': [[k, b(v)] for k, v in r.headers],
            } for r in batch],
        })
    out[path] = {'batches': batches, 'validBytes': record_set.valid_bytes(), 'size': len(data)}
print(json.dumps(out))
`;

function probePython(): { ok: true } | { ok: false; reason: string } {
  const probe = spawnSync(PYTHON, ['-c', 'import kafka.record.memory_records'], { encoding: 'utf8' });
  if (probe.error) return { ok: false, reason: `${PYTHON} cannot run (${probe.error.message})` };
  if (probe.status !== 0) return { ok: false, reason: `${PYTHON} cannot import kafka (apt-get install python3-kafka)` };
  return { ok: true };
}

const python = probePython();
const pythonTitle = python.ok
  ? 'kafka-python decodes the batches tk builds'
  : `kafka-python decodes the batches tk builds (skipped: ${python.reason})`;

describe.skipIf(!python.ok)(pythonTitle, () => {
  const T = 1_700_000_000_000n;
  const input: RecordInput[] = [
    { key: Buffer.from('k0'), value: Buffer.from('v0'), timestamp: T, headers: [{ key: 'trace', value: Buffer.from('abc') }, { key: 'nil', value: null }] },
    { key: null, value: Buffer.from('no key'), timestamp: T + 9n },
    { key: Buffer.from('tombstone'), value: null, timestamp: T - 4n },
    { key: Buffer.alloc(0), value: Buffer.alloc(0), timestamp: T + 1n, headers: [{ key: 'ключ', value: Buffer.from([0, 255]) }] },
    { key: Buffer.from('big'), value: largeText(100_000), timestamp: T + 2n },
  ];
  const hex = (b: Uint8Array | null | undefined): string | null => (b === null || b === undefined ? null : Buffer.from(b).toString('hex'));
  const codecs = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd] as const;

  // Each file is a record set: a transactional batch, a LogAppendTime batch, a commit marker.
  let dir = '';
  let decodedByCodec = new Map<number, { batches: unknown[]; validBytes: number; size: number }>();
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tk-batches-'));
    const paths = codecs.map((compression) => {
      const first = buildBatch({ records: input, compression, baseOffset: 100n, partitionLeaderEpoch: 3, producerId: 9n, producerEpoch: 1, baseSequence: 0, isTransactional: true });
      const second = buildBatch({ records: input.slice(0, 2), compression, baseOffset: 105n, partitionLeaderEpoch: 3 });
      setMaxTimestamp(second, 0, TimestampType.LogAppendTime, T + 500n);
      const marker = buildEndTransactionBatch({ type: ControlRecordType.Commit, producerId: 9n, producerEpoch: 1, coordinatorEpoch: 4, timestamp: T + 600n, baseOffset: 107n });
      const path = join(dir, `${compressionName(compression)}.bin`);
      writeFileSync(path, Buffer.concat([first, second, marker]));
      return path;
    });
    const codecsPresent = spawnSync(PYTHON, ['-c', 'import kafka.codec as c; print(c.has_snappy() and c.has_lz4() and c.has_zstd())'], { encoding: 'utf8' });
    if (codecsPresent.stdout.trim() !== 'True') throw new Error('kafka-python lacks a codec here: apt-get install python3-snappy python3-lz4 python3-zstandard');
    const run = spawnSync(PYTHON, ['-c', DECODER, ...paths], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (run.status !== 0) throw new Error(`kafka-python failed to decode tk's batches:\n${run.stderr}`);
    const decoded = JSON.parse(run.stdout) as Record<string, { batches: unknown[]; validBytes: number; size: number }>;
    decodedByCodec = new Map(codecs.map((c, i) => [c, decoded[paths[i]]]));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const compression of codecs) {
    it(compressionName(compression), () => {
      const decoded = decodedByCodec.get(compression);
      if (decoded === undefined) throw new Error('no result from kafka-python');
      expect(decoded.validBytes).toBe(decoded.size);
      const wantRecords = (list: RecordInput[], baseOffset: bigint, appendTime?: bigint): unknown[] =>
        list.map((r, i) => ({
          offset: String(baseOffset + BigInt(i)),
          timestamp: String(appendTime ?? r.timestamp),
          key: hex(r.key),
          value: hex(r.value),
          headers: (r.headers ?? []).map((h) => [h.key, hex(h.value)]),
        }));
      expect(decoded.batches).toEqual([
        {
          crcValid: true,
          baseOffset: '100',
          partitionLeaderEpoch: 3,
          magic: 2,
          compression,
          timestampType: 0,
          isTransactional: true,
          isControl: false,
          lastOffsetDelta: 4,
          maxTimestamp: String(T + 9n),
          producerId: '9',
          producerEpoch: 1,
          baseSequence: 0,
          records: wantRecords(input, 100n),
        },
        {
          crcValid: true,
          baseOffset: '105',
          partitionLeaderEpoch: 3,
          magic: 2,
          compression,
          timestampType: 1,
          isTransactional: false,
          isControl: false,
          lastOffsetDelta: 1,
          maxTimestamp: String(T + 500n),
          producerId: '-1',
          producerEpoch: -1,
          baseSequence: -1,
          records: wantRecords(input.slice(0, 2), 105n, T + 500n),
        },
        {
          crcValid: true,
          baseOffset: '107',
          partitionLeaderEpoch: -1,
          magic: 2,
          compression: 0,
          timestampType: 0,
          isTransactional: true,
          isControl: true,
          lastOffsetDelta: 0,
          maxTimestamp: String(T + 600n),
          producerId: '9',
          producerEpoch: 1,
          baseSequence: -1,
          records: [{ offset: '107', timestamp: String(T + 600n), key: '00000001', value: '000000000004', headers: [] }],
        },
      ]);
    });
  }
});
