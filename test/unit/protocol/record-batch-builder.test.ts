// RecordBatchBuilder (the producer's record-by-record path, with its fast path for records
// without headers or timestamps) must write exactly what buildBatch writes for the same records.
import { describe, expect, it } from 'vitest';
import { CompressionType } from '../../../src/protocol/compression.js';
import { buildBatch, decodeBatch, RecordBatchBuilder, type RecordInput } from '../../../src/protocol/records.js';

const BASE = 1_700_000_000_000n;

function viaBuilder(records: RecordInput[], compression: CompressionType = CompressionType.None): Buffer {
  const builder = new RecordBatchBuilder(BASE, 16);
  for (const r of records) builder.append(r.key ?? null, r.value ?? null, r.headers, r.timestamp);
  return builder.build(compression);
}

const bytes = (n: number, fill: number): Buffer => Buffer.alloc(n, fill);

describe('RecordBatchBuilder', () => {
  it('writes plain records as buildBatch does: null and empty keys and values, 1- and 2-byte varints, short and long copies, 200 offset deltas', () => {
    const records: RecordInput[] = [];
    for (let i = 0; i < 200; i++) {
      const size = [0, 1, 31, 32, 63, 64, 127, 128, 1000, 20_000][i % 10];
      records.push({ key: i % 3 === 0 ? null : bytes(i % 70, 0x41 + (i % 26)), value: i % 7 === 0 ? null : bytes(size, i & 0xff) });
    }
    const built = viaBuilder(records);
    expect(built.equals(buildBatch({ records, baseTimestamp: BASE }))).toBe(true);
    expect(decodeBatch(built).records.map((r) => r.value?.length ?? -1)).toEqual(records.map((r) => (r.value as Buffer | null)?.length ?? -1));
  });

  it('mixes plain records with timestamped and headed ones, the max timestamp from both', () => {
    const records: RecordInput[] = [
      { key: null, value: bytes(5, 1) },
      { key: bytes(2, 2), value: bytes(3, 3), timestamp: BASE - 10n },
      { key: null, value: bytes(1, 4), headers: [{ key: 'h', value: bytes(2, 5) }] },
      { key: bytes(1, 6), value: null },
      { key: null, value: bytes(4, 7), timestamp: BASE + 99n, headers: [{ key: 'x', value: null }] },
    ];
    expect(viaBuilder(records).equals(buildBatch({ records, baseTimestamp: BASE }))).toBe(true);
    // Only records older than the base: the base (the untimed record) is the max.
    const older: RecordInput[] = [{ key: null, value: bytes(1, 1), timestamp: BASE - 5n }, { key: null, value: bytes(1, 2) }];
    expect(decodeBatch(viaBuilder(older)).header.maxTimestamp).toBe(BASE);
    const onlyTimed: RecordInput[] = [{ key: null, value: bytes(1, 1), timestamp: BASE - 5n }];
    expect(decodeBatch(viaBuilder(onlyTimed)).header.maxTimestamp).toBe(BASE - 5n);
  });

  it('compresses the same records to the same batch', () => {
    const records: RecordInput[] = Array.from({ length: 50 }, (_, i) => ({ key: null, value: bytes(40 + i, i) }));
    expect(viaBuilder(records, CompressionType.Gzip).equals(buildBatch({ records, baseTimestamp: BASE, compression: CompressionType.Gzip }))).toBe(true);
  });
});
