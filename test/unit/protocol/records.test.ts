import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CompressionType, compress, compressionName } from '../../../src/protocol/compression.js';
import { crc32, crc32c } from '../../../src/protocol/crc32c.js';
import { DecodeError, Writer } from '../../../src/protocol/primitives.js';
import {
  ControlRecordType,
  CorruptBatchError,
  LOG_OVERHEAD,
  RECORD_BATCH_HEADER_SIZE,
  TimestampType,
  batchSize,
  buildBatch,
  buildEndTransactionBatch,
  decodeBatch,
  decodeControlRecordKey,
  decodeEndTransactionMarker,
  deleteHorizonMs,
  encodeControlRecordKey,
  encodeEndTransactionMarker,
  iterateBatches,
  lastOffset,
  readBatchHeader,
  records,
  setBaseOffset,
  setMaxTimestamp,
  setPartitionLeaderEpoch,
  validateBatch,
  type BatchFailure,
  type BatchFailureReason,
  type Record as KafkaRecord,
  type RecordInput,
} from '../../../src/protocol/records.js';

const CODECS = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd] as const;
const T0 = 1_700_000_000_000n;

const SAMPLE: RecordInput[] = [
  { key: Buffer.from('k0'), value: Buffer.from('v0'), timestamp: T0, headers: [{ key: 'trace', value: Buffer.from('abc') }] },
  { key: null, value: Buffer.from('no key'), timestamp: T0 + 7n },
  { key: Buffer.from('tombstone'), value: null, timestamp: T0 + 3n },
  { key: Buffer.alloc(0), value: Buffer.alloc(0), timestamp: T0 - 20n, headers: [{ key: 'ключ', value: null }, { key: '', value: Buffer.from([0, 255]) }] },
  { key: Buffer.from('big'), value: Buffer.alloc(100_000, 'x'), timestamp: T0 + 1000n },
];

/** Recomputes the CRC after a test tampers with a field it covers. */
function resign(batch: Buffer): Buffer {
  batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
  return batch;
}

/** A batch header over an arbitrary records section, correctly sized and signed. */
function rawBatch(section: Buffer, fields: { recordCount: number; compression?: number; lastOffsetDelta?: number }): Buffer {
  const header = buildBatch({ records: [] }).subarray(0, RECORD_BATCH_HEADER_SIZE);
  const batch = Buffer.concat([header, section]);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, 8);
  batch.writeInt16BE(fields.compression ?? 0, 21);
  batch.writeInt32BE(fields.lastOffsetDelta ?? Math.max(fields.recordCount - 1, 0), 23);
  batch.writeInt32BE(fields.recordCount, 57);
  return resign(batch);
}

/** One record's bytes, length prefix included, from its raw body. */
function recordBytes(body: (w: Writer) => void): Buffer {
  const inner = new Writer();
  body(inner);
  const bytes = Buffer.from(inner.finish());
  return Buffer.from(new Writer().varint(bytes.length).raw(bytes).finish());
}

function failureOf(fn: () => unknown): BatchFailure {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CorruptBatchError);
    expect(e).toBeInstanceOf(DecodeError);
    return (e as CorruptBatchError).failure;
  }
  throw new Error('expected a CorruptBatchError');
}

function reasonOfRecords(batch: Buffer, options?: Parameters<typeof records>[1]): BatchFailureReason {
  return failureOf(() => [...records(batch, options)]).reason;
}

function reasonOfValidation(batch: Buffer, deep = false): BatchFailureReason | 'valid' {
  const result = validateBatch(batch, 0, { deep });
  return result.valid ? 'valid' : result.failure.reason;
}

const hex = (b: Uint8Array | null | undefined): string | null => (b === null || b === undefined ? null : Buffer.from(b).toString('hex'));

function expectRecordsMatch(actual: KafkaRecord[], input: RecordInput[], baseOffset: bigint): void {
  // Compared as hex: deep equality walks large Buffers byte by byte, slowly.
  expect(actual.map((r) => ({ ...r, key: hex(r.key), value: hex(r.value), headers: r.headers.map((h) => ({ key: h.key, value: hex(h.value) })) }))).toEqual(
    input.map((want, i) => ({
      offset: baseOffset + BigInt(want.offsetDelta ?? i),
      timestamp: want.timestamp,
      key: hex(want.key),
      value: hex(want.value),
      headers: (want.headers ?? []).map((h) => ({ key: h.key, value: hex(h.value) })),
      attributes: 0,
    })),
  );
}

describe('checksums', () => {
  it('CRC-32C of "123456789" is the Castagnoli check value 0xe3069283', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('CRC-32 of "123456789" is the IEEE check value 0xcbf43926, unsigned', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('a CRC continues across ranges', () => {
    expect(crc32c(Buffer.from('6789'), crc32c(Buffer.from('12345')))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });
});

describe('building a batch', () => {
  it('lays out the 61-byte header Kafka defines, with a CRC-32C from the attributes to the end', () => {
    const batch = buildBatch({
      records: SAMPLE.slice(0, 3),
      baseOffset: 42n,
      partitionLeaderEpoch: 9,
      producerId: 1234n,
      producerEpoch: 5,
      baseSequence: 77,
      isTransactional: true,
    });
    expect(batch.readBigInt64BE(0)).toBe(42n);
    expect(batch.readInt32BE(8)).toBe(batch.length - 12);
    expect(batch.readInt32BE(12)).toBe(9);
    expect(batch.readInt8(16)).toBe(2);
    expect(batch.readUInt32BE(17)).toBe(crc32c(batch.subarray(21)));
    expect(batch.readInt16BE(21)).toBe(0x10);
    expect(batch.readInt32BE(23)).toBe(2);
    expect(batch.readBigInt64BE(27)).toBe(T0);
    expect(batch.readBigInt64BE(35)).toBe(T0 + 7n);
    expect(batch.readBigInt64BE(43)).toBe(1234n);
    expect(batch.readInt16BE(51)).toBe(5);
    expect(batch.readInt32BE(53)).toBe(77);
    expect(batch.readInt32BE(57)).toBe(3);

    const header = readBatchHeader(batch);
    expect(header).toMatchObject({
      baseOffset: 42n,
      partitionLeaderEpoch: 9,
      magic: 2,
      compression: 0,
      timestampType: TimestampType.CreateTime,
      isTransactional: true,
      isControl: false,
      hasDeleteHorizonMs: false,
      lastOffsetDelta: 2,
      baseTimestamp: T0,
      maxTimestamp: T0 + 7n,
      producerId: 1234n,
      producerEpoch: 5,
      baseSequence: 77,
      recordCount: 3,
    });
    expect(batchSize(header)).toBe(batch.length);
    expect(lastOffset(header)).toBe(44n);
  });

  it('encodes a record as Kafka does: varint length, attributes, deltas, varint-prefixed key, value and headers', () => {
    const batch = buildBatch({ records: [{ key: Buffer.from('k'), value: null, timestamp: 100n, headers: [{ key: 'h', value: Buffer.from('v') }] }] });
    expect(batch.subarray(RECORD_BATCH_HEADER_SIZE).toString('hex')).toBe(
      [
        '16', // length 11, zig-zag
        '00', // attributes
        '00', // timestampDelta
        '00', // offsetDelta
        '02', '6b', // key length 1, 'k'
        '01', // value length -1: null
        '02', // one header
        '02', '68', // 'h'
        '02', '76', // 'v'
      ].join(''),
    );
  });

  it('defaults to no producer, no leader epoch and the first record time, as a plain producer sends', () => {
    const header = readBatchHeader(buildBatch({ records: [{ value: Buffer.from('x'), timestamp: 5n }] }));
    expect(header).toMatchObject({ producerId: -1n, producerEpoch: -1, baseSequence: -1, partitionLeaderEpoch: -1, baseTimestamp: 5n, baseOffset: 0n });
  });

  it('refuses offset deltas that do not rise', () => {
    expect(() => buildBatch({ records: [{ offsetDelta: 1 }, { offsetDelta: 1 }] })).toThrow(RangeError);
    expect(() => buildBatch({ records: [{ offsetDelta: -1 }] })).toThrow(RangeError);
  });
});

describe('records round-trip through every codec', () => {
  for (const compression of CODECS) {
    it(compressionName(compression), () => {
      const batch = buildBatch({ records: SAMPLE, compression, baseOffset: 1000n });
      const header = readBatchHeader(batch);
      expect(header.compression).toBe(compression);
      expect(validateBatch(batch, 0, { deep: true })).toMatchObject({ valid: true, size: batch.length });
      expectRecordsMatch([...records(batch)], SAMPLE, 1000n);
      if (compression !== CompressionType.None) expect(batch.length).toBeLessThan(10_000);
    });
  }

  it('a compacted batch keeps its offset gaps and its last offset delta', () => {
    const input: RecordInput[] = [
      { offsetDelta: 0, key: Buffer.from('a'), value: Buffer.from('1'), timestamp: T0 },
      { offsetDelta: 3, key: Buffer.from('b'), value: Buffer.from('2'), timestamp: T0 },
    ];
    const batch = buildBatch({ records: input, baseOffset: 10n, lastOffsetDelta: 6 });
    expect(readBatchHeader(batch).lastOffsetDelta).toBe(6);
    expect([...records(batch)].map((r) => r.offset)).toEqual([10n, 13n]);
    expect(validateBatch(batch).valid).toBe(true);
  });

  it('an empty batch, kept for its producer state, has no records', () => {
    const batch = buildBatch({ records: [], producerId: 7n, producerEpoch: 1, lastOffsetDelta: 4 });
    expect(readBatchHeader(batch)).toMatchObject({ recordCount: 0, lastOffsetDelta: 4, maxTimestamp: -1n });
    expect([...records(batch)]).toEqual([]);
    expect(validateBatch(batch, 0, { deep: true }).valid).toBe(true);
  });

  it('under LogAppendTime every record reads the batch maxTimestamp', () => {
    const batch = buildBatch({ records: SAMPLE, timestampType: TimestampType.LogAppendTime, maxTimestamp: 9n });
    expect(readBatchHeader(batch).timestampType).toBe(TimestampType.LogAppendTime);
    expect([...records(batch)].map((r) => r.timestamp)).toEqual(SAMPLE.map(() => 9n));
  });

  it('a delete horizon (KIP-534) is stored as baseTimestamp without moving record timestamps', () => {
    const batch = buildBatch({ records: SAMPLE.slice(0, 2), deleteHorizonMs: T0 + 86_400_000n });
    const header = readBatchHeader(batch);
    expect(header.hasDeleteHorizonMs).toBe(true);
    expect(deleteHorizonMs(header)).toBe(T0 + 86_400_000n);
    expect(deleteHorizonMs(readBatchHeader(buildBatch({ records: [] })))).toBeNull();
    expect([...records(batch)].map((r) => r.timestamp)).toEqual([T0, T0 + 7n]);
  });

  it('decodeBatch gives the header and every record at once', () => {
    const batch = buildBatch({ records: SAMPLE.slice(0, 2), compression: CompressionType.Zstd, baseOffset: 5n });
    const { header, records: all } = decodeBatch(batch);
    expect(header.recordCount).toBe(2);
    expectRecordsMatch(all, SAMPLE.slice(0, 2), 5n);
  });

  it('records are decoded lazily: nothing is read before the first step', () => {
    const corrupt = Buffer.from(buildBatch({ records: SAMPLE }));
    corrupt[100] ^= 0xff;
    const iterator = records(corrupt);
    expect(() => iterator.next()).toThrow(CorruptBatchError);
  });
});

describe('patching a batch in place, as a leader appends it', () => {
  it('baseOffset and partitionLeaderEpoch lie outside the CRC', () => {
    const record = Buffer.concat([Buffer.from('junk before'), buildBatch({ records: SAMPLE, compression: CompressionType.Lz4 })]);
    const at = 'junk before'.length;
    setBaseOffset(record, at, 123_456_789_012n);
    setPartitionLeaderEpoch(record, at, 31);
    expect(validateBatch(record, at).valid).toBe(true);
    const batch = record.subarray(at);
    expect(readBatchHeader(batch)).toMatchObject({ baseOffset: 123_456_789_012n, partitionLeaderEpoch: 31 });
    expect([...records(batch)].map((r) => r.offset)).toEqual(SAMPLE.map((_, i) => 123_456_789_012n + BigInt(i)));
  });

  it('stamping LogAppendTime rewrites the attributes and maxTimestamp and re-signs the batch', () => {
    const batch = buildBatch({ records: SAMPLE, compression: CompressionType.Gzip });
    setMaxTimestamp(batch, 0, TimestampType.LogAppendTime, 77n);
    expect(validateBatch(batch, 0, { deep: true }).valid).toBe(true);
    expect(readBatchHeader(batch)).toMatchObject({ timestampType: TimestampType.LogAppendTime, maxTimestamp: 77n, compression: CompressionType.Gzip });
    expect([...records(batch)].every((r) => r.timestamp === 77n)).toBe(true);
    setMaxTimestamp(batch, 0, TimestampType.CreateTime, T0 + 1000n);
    expect([...records(batch)].map((r) => r.timestamp)).toEqual(SAMPLE.map((r) => r.timestamp));
  });
});

describe('walking a record set', () => {
  const a = buildBatch({ records: SAMPLE.slice(0, 2), baseOffset: 0n });
  const b = buildBatch({ records: SAMPLE.slice(2), baseOffset: 2n, compression: CompressionType.Snappy });

  it('yields each batch with its byte range and header', () => {
    const set = Buffer.concat([a, b]);
    const entries = [...iterateBatches(set)];
    expect(entries.map((e) => e.kind)).toEqual(['batch', 'batch']);
    expect(entries.map((e) => (e.kind === 'batch' ? [e.offset, e.size, e.header.baseOffset] : null))).toEqual([
      [0, a.length, 0n],
      [a.length, b.length, 2n],
    ]);
  });

  it('reports a trailing partial batch, as a fetch response may end, instead of throwing', () => {
    for (const cut of [1, 11, 12, 60, b.length - 1]) {
      const set = Buffer.concat([a, b.subarray(0, cut)]);
      const entries = [...iterateBatches(set)];
      expect(entries).toHaveLength(2);
      expect(entries[1]).toEqual({ kind: 'truncated', offset: a.length, available: cut, declaredSize: cut < 12 ? null : b.length });
    }
  });

  it('a batch length of 2^31-1 is a truncated entry when walking, and a size mismatch when validating', () => {
    const huge = Buffer.from(a);
    huge.writeInt32BE(0x7fffffff, 8);
    expect([...iterateBatches(huge)]).toEqual([{ kind: 'truncated', offset: 0, available: a.length, declaredSize: 0x7fffffff + 12 }]);
    expect(reasonOfValidation(huge)).toBe('size-mismatch');
    expect(reasonOfRecords(huge)).toBe('size-mismatch');
  });

  it('an entry size too small for any entry, or an unknown magic, stops the walk with an error', () => {
    const small = Buffer.from(a);
    small.writeInt32BE(3, 8);
    expect(failureOf(() => [...iterateBatches(small)]).reason).toBe('size-mismatch');
    const negative = Buffer.from(a);
    negative.writeInt32BE(-1, 8);
    expect(failureOf(() => [...iterateBatches(negative)]).reason).toBe('size-mismatch');
    const magic = Buffer.from(a);
    magic[16] = 3;
    expect(failureOf(() => [...iterateBatches(Buffer.concat([b, magic]))])).toMatchObject({ reason: 'bad-magic', magic: 3 });
  });

  it('recognises legacy entries by their magic and hands them on', () => {
    const legacy = Buffer.alloc(12 + 14);
    legacy.writeBigInt64BE(99n, 0);
    legacy.writeInt32BE(14, 8);
    legacy[16] = 0; // magic 0
    legacy.writeInt32BE(-1, 18);
    legacy.writeInt32BE(-1, 22);
    const entries = [...iterateBatches(Buffer.concat([legacy, a]))];
    expect(entries[0]).toEqual({ kind: 'legacy', offset: 0, size: 26, magic: 0, lastOffset: 99n });
    expect(entries[1].kind).toBe('batch');
  });

  it('an empty set has no entries', () => {
    expect([...iterateBatches(Buffer.alloc(0))]).toEqual([]);
  });
});

describe('validating a batch', () => {
  const good = (): Buffer => buildBatch({ records: SAMPLE.slice(0, 3), baseOffset: 5n });

  it('accepts a well-formed batch and returns its header', () => {
    const result = validateBatch(good());
    expect(result.valid).toBe(true);
    if (result.valid) expect(result.header.recordCount).toBe(3);
  });

  it('reports a magic other than 2', () => {
    const batch = good();
    batch[16] = 1;
    expect(validateBatch(batch)).toMatchObject({ valid: false, failure: { reason: 'bad-magic', magic: 1 } });
  });

  it('reports a CRC mismatch, with both values', () => {
    const batch = good();
    batch[RECORD_BATCH_HEADER_SIZE + 3] ^= 0x01;
    const result = validateBatch(batch);
    expect(result).toMatchObject({ valid: false, failure: { reason: 'crc-mismatch', stored: batch.readUInt32BE(17) } });
    expect(reasonOfRecords(batch)).toBe('crc-mismatch');
  });

  it('reports fewer bytes than a header as truncated', () => {
    expect(reasonOfValidation(good().subarray(0, 40))).toBe('truncated');
    expect(reasonOfValidation(good().subarray(0, 5))).toBe('truncated');
    expect(failureOf(() => readBatchHeader(good().subarray(0, 60))).reason).toBe('truncated');
  });

  it('reports a declared size that disagrees with the bytes', () => {
    expect(reasonOfValidation(good().subarray(0, 70))).toBe('size-mismatch');
    const small = good();
    small.writeInt32BE(20, 8);
    expect(reasonOfValidation(small)).toBe('size-mismatch');
  });

  it('reports a negative record count', () => {
    const batch = good();
    batch.writeInt32BE(-1, 57);
    expect(reasonOfValidation(resign(batch))).toBe('invalid-record-count');
    expect(reasonOfRecords(batch)).toBe('invalid-record-count');
    batch.writeInt32BE(-2147483648, 57);
    expect(reasonOfValidation(resign(batch))).toBe('invalid-record-count');
  });

  it('reports a record count that disagrees with the records present', () => {
    for (const declared of [2, 4, 1_000_000]) {
      const batch = good();
      batch.writeInt32BE(declared, 57);
      batch.writeInt32BE(Math.max(declared - 1, 2), 23);
      const result = validateBatch(resign(batch));
      expect(result).toMatchObject({ valid: false, failure: { reason: 'record-count-mismatch', declared, actual: 3 } });
      expect(reasonOfRecords(batch)).toBe('record-count-mismatch');
    }
  });

  it('reports more records than the offset range can hold', () => {
    const batch = good();
    batch.writeInt32BE(1, 23);
    expect(reasonOfValidation(resign(batch))).toBe('offset-range-mismatch');
  });

  it('reports compression bits that name no codec', () => {
    const batch = good();
    batch.writeInt16BE(6, 21);
    expect(validateBatch(resign(batch))).toMatchObject({ valid: false, failure: { reason: 'unsupported-compression', compression: 6 } });
    expect(reasonOfRecords(batch)).toBe('unsupported-compression');
  });

  it('checks a compressed batch record by record only when asked (deep)', () => {
    const section = Buffer.concat([recordBytes((w) => w.int8(0).varlong(0n).varint(0).varint(-1).varint(-1).varint(0)), Buffer.from([0x7f])]);
    const batch = rawBatch(compress(CompressionType.Gzip, section), { recordCount: 1, compression: CompressionType.Gzip });
    expect(reasonOfValidation(batch)).toBe('valid');
    expect(reasonOfValidation(batch, true)).toBe('corrupt-record');
  });
});

describe('decoding hostile records', () => {
  const minimal = (w: Writer): Writer => w.int8(0).varlong(0n).varint(0);

  it('a varint that never ends', () => {
    const batch = rawBatch(Buffer.alloc(16, 0xff), { recordCount: 1 });
    expect(reasonOfValidation(batch)).toBe('corrupt-record');
    expect(reasonOfRecords(batch)).toBe('corrupt-record');
    const inside = rawBatch(recordBytes((w) => minimal(w).raw(Buffer.alloc(8, 0xff))), { recordCount: 1 });
    expect(reasonOfRecords(inside)).toBe('corrupt-record');
  });

  it('a record length that is negative, too small or past the end', () => {
    for (const length of [-5, 2, 1_000_000]) {
      const batch = rawBatch(Buffer.concat([Buffer.from(new Writer().varint(length).finish()), Buffer.alloc(10)]), { recordCount: 1 });
      expect(reasonOfRecords(batch), `length ${length}`).toBe('corrupt-record');
    }
  });

  it('key, value and header lengths that are below -1 or past the record', () => {
    const cases: [string, (w: Writer) => void][] = [
      ['key -2', (w) => minimal(w).varint(-2).varint(-1).varint(0)],
      ['key 2^30', (w) => minimal(w).varint(1 << 30).varint(-1).varint(0)],
      ['value past the end', (w) => minimal(w).varint(-1).varint(50).raw(Buffer.alloc(5)).varint(0)],
      ['header count 2^30', (w) => minimal(w).varint(-1).varint(-1).varint(1 << 30).raw(Buffer.alloc(4))],
      ['negative header count', (w) => minimal(w).varint(-1).varint(-1).varint(-3)],
      ['null header key', (w) => minimal(w).varint(-1).varint(-1).varint(1).varint(-1).varint(-1)],
      ['header key past the end', (w) => minimal(w).varint(-1).varint(-1).varint(1).varint(40).raw(Buffer.alloc(3))],
      ['bytes left after the headers', (w) => minimal(w).varint(-1).varint(-1).varint(0).raw(Buffer.alloc(3))],
    ];
    for (const [name, body] of cases) {
      const batch = rawBatch(recordBytes(body), { recordCount: 1 });
      expect(reasonOfRecords(batch), name).toBe('corrupt-record');
    }
  });

  it('a truncated compressed payload fails decompression for every codec', () => {
    for (const compression of CODECS.filter((c) => c !== CompressionType.None)) {
      const full = buildBatch({ records: SAMPLE, compression });
      const payload = full.subarray(RECORD_BATCH_HEADER_SIZE);
      const cut = rawBatch(payload.subarray(0, payload.length - 9), { recordCount: SAMPLE.length, compression });
      expect(reasonOfRecords(cut), compressionName(compression)).toBe('decompression-failed');
      expect(reasonOfValidation(cut, true)).toBe('decompression-failed');
    }
  });

  it('a gzip bomb in a batch is refused by the decompressed-size bound', () => {
    const bomb = gzipSync(Buffer.alloc(1 << 20), { level: 9 });
    expect(bomb.length).toBeLessThan(1100);
    const batch = rawBatch(bomb, { recordCount: 1, compression: CompressionType.Gzip });
    expect(reasonOfRecords(batch, { maxDecompressedBytes: 64 * 1024 })).toBe('decompressed-too-large');
    expect(validateBatch(batch, 0, { deep: true, maxDecompressedBytes: 64 * 1024 })).toMatchObject({
      valid: false,
      failure: { reason: 'decompressed-too-large' },
    });
  });

  it('a huge declared record count allocates nothing before it is refused', () => {
    const batch = rawBatch(Buffer.alloc(0), { recordCount: 0x7fffffff, lastOffsetDelta: 0x7fffffff });
    expect(reasonOfValidation(batch)).toBe('record-count-mismatch');
    expect(reasonOfRecords(batch)).toBe('record-count-mismatch');
  });

  it('skipping the CRC check is possible for data already verified', () => {
    const batch = buildBatch({ records: SAMPLE.slice(0, 1) });
    batch.writeUInt32BE(0, 17);
    expect(reasonOfRecords(batch)).toBe('crc-mismatch');
    expect([...records(batch, { verifyCrc: false })]).toHaveLength(1);
  });
});

describe('control records', () => {
  it('a transaction marker batch is a transactional control batch with one marker record', () => {
    const batch = buildEndTransactionBatch({
      type: ControlRecordType.Commit,
      producerId: 55n,
      producerEpoch: 2,
      coordinatorEpoch: 17,
      timestamp: T0,
      baseOffset: 300n,
      partitionLeaderEpoch: 4,
    });
    const header = readBatchHeader(batch);
    expect(header).toMatchObject({ isControl: true, isTransactional: true, producerId: 55n, producerEpoch: 2, baseSequence: -1, recordCount: 1 });
    const [marker] = [...records(batch)];
    expect(marker.offset).toBe(300n);
    expect(marker.timestamp).toBe(T0);
    expect(decodeControlRecordKey(marker.key)).toEqual({ version: 0, type: ControlRecordType.Commit });
    expect(decodeEndTransactionMarker(marker.value)).toEqual({ version: 0, coordinatorEpoch: 17 });
  });

  it('keys and markers have the fixed layouts Kafka reads', () => {
    expect(encodeControlRecordKey(ControlRecordType.Abort).toString('hex')).toBe('00000000');
    expect(encodeControlRecordKey(ControlRecordType.Commit).toString('hex')).toBe('00000001');
    expect(encodeEndTransactionMarker(0x01020304).toString('hex')).toBe('000001020304');
  });

  it('an unknown control type is returned for the reader to skip; a later marker version keeps its known fields', () => {
    expect(decodeControlRecordKey(Buffer.from([0, 0, 0, 99]))).toEqual({ version: 0, type: 99 });
    expect(decodeEndTransactionMarker(Buffer.from([0, 1, 0, 0, 0, 9, 0xaa, 0xbb]))).toEqual({ version: 1, coordinatorEpoch: 9 });
  });

  it('short, null or negatively versioned control keys and markers are decode errors', () => {
    expect(() => decodeControlRecordKey(null)).toThrow(DecodeError);
    expect(() => decodeControlRecordKey(Buffer.from([0, 0, 1]))).toThrow(DecodeError);
    expect(() => decodeControlRecordKey(Buffer.from([0xff, 0xff, 0, 1]))).toThrow(DecodeError);
    expect(() => decodeEndTransactionMarker(Buffer.from([0, 0, 0, 0, 1]))).toThrow(DecodeError);
    expect(() => decodeEndTransactionMarker(Buffer.from([0xff, 0xfe, 0, 0, 0, 1]))).toThrow(DecodeError);
  });
});
