// Protocol-layer throughput: Produce request encode/decode, CRC-32C, and each compression codec.
// Run with `npm run bench`; prints the median of several timed rounds per measurement.
import { randomBytes } from 'node:crypto';
import { CompressionType, compress, decompress, compressionName } from '../src/protocol/compression.js';
import { crc32c } from '../src/protocol/crc32c.js';
import { ProduceRequest } from '../src/protocol/generated/clients/produce-request.js';
import { Reader, Writer } from '../src/protocol/primitives.js';
import { buildBatch, decodeBatch, validateBatch } from '../src/protocol/records.js';

const ROUNDS = 9;
const MIB = 1024 * 1024;

/** Runs fn until it has taken ~200 ms, ROUNDS times; returns the median MB/s for `bytes` per call. */
function measure(bytes: number, fn: () => void): number {
  const rates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let calls = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < 200) {
      fn();
      calls++;
      elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    }
    rates.push((bytes * calls) / MIB / (elapsed / 1000));
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}

/** MB/s, and the time one call on 1 MiB takes, which reads better for the zero-copy paths. */
function row(name: string, mbPerSecond: number, bytes = MIB): void {
  const microseconds = (bytes / MIB / mbPerSecond) * 1e6;
  console.log(`${name.padEnd(48)} ${mbPerSecond.toFixed(0).padStart(8)} MB/s ${microseconds.toFixed(1).padStart(9)} µs/call`);
}

// Records of 100 bytes with text-like values, so codecs see realistic (compressible) data.
const words = 'kafka topic partition offset record batch producer consumer leader replica '.split(' ');
function recordValue(i: number): Buffer {
  let s = `${i}:`;
  while (s.length < 100) s += words[(i * 7 + s.length) % words.length] + ' ';
  return Buffer.from(s.slice(0, 100));
}
const recordCount = Math.floor(MIB / 100);
const records = Array.from({ length: recordCount }, (_, i) => ({ value: recordValue(i), timestamp: 1700000000000n + BigInt(i) }));

console.log(`node ${process.version}, ${recordCount} records of 100 B (1 MiB) per batch, median of ${ROUNDS} rounds\n`);

// Produce request: one partition carrying the 1 MiB batch (v9+, flexible encoding).
const batch = buildBatch({ records });
const produce = { transactionalId: null, acks: -1, timeoutMs: 30000, topicData: [{ name: 'bench', partitionData: [{ index: 0, records: batch }] }] };
const encodedProduce = (() => {
  const w = new Writer();
  ProduceRequest.encode(w, produce, 9);
  return Buffer.from(w.finish());
})();
row('Produce v9 encode (1 MiB batch)', measure(encodedProduce.length, () => ProduceRequest.encode(new Writer(encodedProduce.length + 64), produce, 9)));
row('Produce v9 decode (1 MiB batch)', measure(encodedProduce.length, () => ProduceRequest.decode(new Reader(encodedProduce), 9)));
row('batch header check + CRC (broker produce path)', measure(batch.length, () => validateBatch(batch)));
row(`batch build (${recordCount} records)`, measure(batch.length, () => buildBatch({ records })));
row('batch decode, every record', measure(batch.length, () => decodeBatch(batch)));

const random = randomBytes(MIB);
row('CRC-32C (1 MiB)', measure(MIB, () => crc32c(random)));

const plain = Buffer.concat(records.map((r) => r.value));
console.log('');
for (const type of [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]) {
  const packed = compress(type, plain);
  const ratio = (plain.length / packed.length).toFixed(1);
  row(`${compressionName(type)} compress (ratio ${ratio}:1)`, measure(plain.length, () => compress(type, plain)));
  row(`${compressionName(type)} decompress`, measure(plain.length, () => decompress(type, packed)));
}
