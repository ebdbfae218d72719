import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CompressionType, compress, xxh32 } from '../../../src/protocol/compression.js';
import { crc32 } from '../../../src/protocol/crc32c.js';
import { decodeMessageSet, legacyRecords } from '../../../src/protocol/legacy-records.js';
import { DecodeError } from '../../../src/protocol/primitives.js';
import { CorruptBatchError, TimestampType, buildBatch, type BatchFailureReason } from '../../../src/protocol/records.js';

// tk never writes legacy messages, so the tests make their own; the kafka-python fixtures
// (test/compat) check the decoder against an independent writer.
interface MessageSpec {
  offset: bigint;
  magic: 0 | 1;
  attributes?: number;
  timestamp?: bigint;
  key?: Buffer | null;
  value?: Buffer | null;
}

function message(spec: MessageSpec): Buffer {
  const field = (b: Buffer | null | undefined): Buffer => {
    const length = Buffer.alloc(4);
    length.writeInt32BE(b === null || b === undefined ? -1 : b.length, 0);
    return b === null || b === undefined ? length : Buffer.concat([length, b]);
  };
  const head = Buffer.alloc(spec.magic === 1 ? 10 : 2);
  head.writeInt8(spec.magic, 0);
  head.writeInt8(spec.attributes ?? 0, 1);
  if (spec.magic === 1) head.writeBigInt64BE(spec.timestamp ?? 0n, 2);
  const body = Buffer.concat([head, field(spec.key), field(spec.value)]);
  const prefix = Buffer.alloc(16);
  prefix.writeBigInt64BE(spec.offset, 0);
  prefix.writeInt32BE(body.length + 4, 8);
  prefix.writeUInt32BE(crc32(body), 12);
  return Buffer.concat([prefix, body]);
}

type LegacyCodec = typeof CompressionType.Gzip | typeof CompressionType.Snappy | typeof CompressionType.Lz4;

function wrapper(magic: 0 | 1, codec: LegacyCodec, inner: Buffer[], offset: bigint, extra: Partial<MessageSpec> = {}): Buffer {
  return message({ offset, magic, attributes: codec, timestamp: 0n, value: compress(codec, Buffer.concat(inner)), ...extra });
}

function reasonOf(fn: () => unknown): BatchFailureReason {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CorruptBatchError);
    expect(e).toBeInstanceOf(DecodeError);
    return (e as CorruptBatchError).failure.reason;
  }
  throw new Error('expected a CorruptBatchError');
}

const text = (s: string): Buffer => Buffer.from(s);

describe('plain legacy messages', () => {
  it('magic 0 carries no timestamp', () => {
    const [record] = legacyRecords(message({ offset: 12n, magic: 0, key: text('k'), value: text('v') }));
    expect(record).toMatchObject({ offset: 12n, timestamp: -1n, timestampType: TimestampType.NoTimestampType, magic: 0, headers: [] });
    expect(record.key).toEqual(text('k'));
    expect(record.value).toEqual(text('v'));
  });

  it('magic 1 carries a create or log append timestamp', () => {
    const [create] = legacyRecords(message({ offset: 1n, magic: 1, timestamp: 1234n, key: null, value: text('v') }));
    expect(create).toMatchObject({ timestamp: 1234n, timestampType: TimestampType.CreateTime, key: null });
    const [append] = legacyRecords(message({ offset: 1n, magic: 1, attributes: 0x08, timestamp: 99n, value: null }));
    expect(append).toMatchObject({ timestamp: 99n, timestampType: TimestampType.LogAppendTime, value: null });
  });

  it('a message set of several messages decodes in order', () => {
    const set = Buffer.concat([0n, 1n, 2n].map((offset) => message({ offset: 40n + offset, magic: 1, timestamp: offset, value: text(`v${offset}`) })));
    const { records, truncated } = decodeMessageSet(set);
    expect(records.map((r) => [r.offset, r.value?.toString()])).toEqual([
      [40n, 'v0'],
      [41n, 'v1'],
      [42n, 'v2'],
    ]);
    expect(truncated).toBeNull();
  });
});

describe('compressed wrappers', () => {
  const inner = (magic: 0 | 1, offsets: bigint[]): Buffer[] =>
    offsets.map((offset, i) => message({ offset, magic, timestamp: 1000n + BigInt(i), key: text(`k${i}`), value: text(`value ${i} `.repeat(10)) }));

  for (const codec of [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4] as const) {
    it(`magic 1 inner offsets are relative to the wrapper's last offset (codec ${codec})`, () => {
      const records = legacyRecords(wrapper(1, codec, inner(1, [0n, 1n, 2n]), 502n));
      expect(records.map((r) => r.offset)).toEqual([500n, 501n, 502n]);
      expect(records.map((r) => r.timestamp)).toEqual([1000n, 1001n, 1002n]);
      expect(records.every((r) => r.timestampType === TimestampType.CreateTime)).toBe(true);
    });
  }

  it('magic 0 inner offsets are absolute already', () => {
    const records = legacyRecords(wrapper(0, CompressionType.Gzip, inner(0, [70n, 71n]), 71n));
    expect(records.map((r) => r.offset)).toEqual([70n, 71n]);
    expect(records.every((r) => r.timestamp === -1n)).toBe(true);
  });

  it('a LogAppendTime wrapper gives its timestamp to every inner message', () => {
    const records = legacyRecords(wrapper(1, CompressionType.Gzip, inner(1, [0n, 1n]), 11n, { attributes: CompressionType.Gzip | 0x08, timestamp: 4242n }));
    expect(records.map((r) => [r.timestamp, r.timestampType])).toEqual([
      [4242n, TimestampType.LogAppendTime],
      [4242n, TimestampType.LogAppendTime],
    ]);
  });

  it('reads Kafka 0.8/0.9 lz4 framing in magic 0, whose header checksum covers the wrong bytes', () => {
    const frame = compress(CompressionType.Lz4, Buffer.concat(inner(0, [5n, 6n])));
    // Those brokers hashed the frame magic as well as the descriptor.
    frame[6] = (xxh32(frame.subarray(0, 6)) >>> 8) & 0xff;
    const records = legacyRecords(message({ offset: 6n, magic: 0, attributes: CompressionType.Lz4, value: frame }));
    expect(records.map((r) => r.offset)).toEqual([5n, 6n]);
  });

  it('nested compression is refused', () => {
    const nested = wrapper(1, CompressionType.Gzip, inner(1, [0n]), 0n);
    expect(reasonOf(() => legacyRecords(wrapper(1, CompressionType.Gzip, [nested], 0n)))).toBe('corrupt-record');
  });

  it('zstd, which arrived with magic 2, is refused in a legacy message', () => {
    expect(reasonOf(() => legacyRecords(message({ offset: 0n, magic: 1, attributes: CompressionType.Zstd, value: text('x') })))).toBe(
      'unsupported-compression',
    );
  });

  it('a wrapper with a null value or no inner messages is corrupt', () => {
    expect(reasonOf(() => legacyRecords(message({ offset: 0n, magic: 1, attributes: CompressionType.Gzip, value: null })))).toBe('corrupt-record');
    expect(reasonOf(() => legacyRecords(message({ offset: 0n, magic: 1, attributes: CompressionType.Gzip, value: gzipSync(Buffer.alloc(0)) })))).toBe(
      'corrupt-record',
    );
  });

  it('a truncated inner message set is corrupt, not a partial result', () => {
    const set = Buffer.concat(inner(1, [0n, 1n]));
    const cut = message({ offset: 1n, magic: 1, attributes: CompressionType.Gzip, value: gzipSync(set.subarray(0, set.length - 3)) });
    expect(reasonOf(() => legacyRecords(cut))).toBe('size-mismatch');
  });

  it('a gzip bomb in a wrapper is refused by the decompressed-size bound', () => {
    const bomb = message({ offset: 0n, magic: 1, attributes: CompressionType.Gzip, value: gzipSync(Buffer.alloc(1 << 20)) });
    expect(reasonOf(() => legacyRecords(bomb, { maxDecompressedBytes: 64 * 1024 }))).toBe('decompressed-too-large');
  });

  it('a corrupt compressed value fails decompression', () => {
    const broken = message({ offset: 0n, magic: 1, attributes: CompressionType.Snappy, value: text('not snappy at all') });
    expect(reasonOf(() => legacyRecords(broken))).toBe('decompression-failed');
  });
});

describe('hostile legacy input', () => {
  const good = (): Buffer => message({ offset: 3n, magic: 1, timestamp: 5n, key: text('key'), value: text('value') });

  it('a CRC-32 mismatch is reported unless the check is turned off', () => {
    const bad = good();
    bad[bad.length - 1] ^= 0xff;
    expect(reasonOf(() => legacyRecords(bad))).toBe('crc-mismatch');
    expect(legacyRecords(bad, { verifyCrc: false })).toHaveLength(1);
  });

  it('a magic other than 0 or 1 is refused', () => {
    const bad = good();
    bad[16] = 2;
    expect(reasonOf(() => legacyRecords(bad, { verifyCrc: false }))).toBe('bad-magic');
  });

  it('sizes too small, past the end, or below the v1 minimum are refused', () => {
    expect(reasonOf(() => legacyRecords(good().subarray(0, 20)))).toBe('truncated');
    const past = good();
    past.writeInt32BE(0x7fffffff, 8);
    expect(reasonOf(() => legacyRecords(past))).toBe('size-mismatch');
    const negative = good();
    negative.writeInt32BE(-1, 8);
    expect(reasonOf(() => legacyRecords(negative))).toBe('size-mismatch');
    const v1 = message({ offset: 0n, magic: 0, key: null, value: null });
    v1[16] = 1;
    expect(reasonOf(() => legacyRecords(v1, { verifyCrc: false }))).toBe('size-mismatch');
  });

  it('key and value lengths below -1 or past the message, or bytes after the value, are corrupt', () => {
    const keyAt = 12 + 4 + 2 + 8;
    for (const length of [-2, 1_000_000]) {
      const bad = good();
      bad.writeInt32BE(length, keyAt);
      expect(reasonOf(() => legacyRecords(bad, { verifyCrc: false })), `key length ${length}`).toBe('corrupt-record');
    }
    const trailing = good();
    trailing.writeInt32BE(2, keyAt + 4 + 3); // value shorter than the message
    expect(reasonOf(() => legacyRecords(trailing, { verifyCrc: false }))).toBe('corrupt-record');
  });

  it('a message set that ends inside a message reports where', () => {
    const set = Buffer.concat([good(), good().subarray(0, 17)]);
    const { records, truncated } = decodeMessageSet(set);
    expect(records).toHaveLength(1);
    expect(truncated).toEqual({ offset: good().length, available: 17 });
  });

  it('a magic 2 batch inside a legacy message set is refused', () => {
    const set = Buffer.concat([good(), buildBatch({ records: [{ value: text('x') }] })]);
    expect(reasonOf(() => decodeMessageSet(set))).toBe('bad-magic');
  });
});
