// Keyed records must land where Kafka's Java producer would put them: the hash is checked
// against the vectors of Kafka's own UtilsTest.testMurmur2.
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from '../../../src/client/producer.js';

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('murmur2', () => {
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
    ['', 275646681],
  ])('hashes %j as Kafka Utils.murmur2 does', (input, expected) => {
    expect(murmur2(bytes(input))).toBe(expected);
  });

  it('reads bytes above 0x7f as unsigned, as Java masks them with & 0xff', () => {
    // Kafka's vectors are all ASCII; this one is from kafka-python's independent port
    // (kafka.partitioner.default.murmur2, which returns the same bits unsigned).
    expect(murmur2(Buffer.from([0xff, 0x80, 0xfe, 0x81, 0x90]))).toBe(234866925);
    expect(murmur2(new Uint8Array([0xff, 0x80, 0xfe, 0x81, 0x90]))).toBe(234866925);
  });
});

describe('partitionForKey', () => {
  it('takes the positive hash modulo the partition count', () => {
    // toPositive(-790332482) = 1357151166, and 1357151166 % 50 = 16.
    expect(partitionForKey(bytes('foobar'), 50)).toBe(16);
    expect(partitionForKey(bytes('21'), 1)).toBe(0);
  });

  it('never returns a partition out of range', () => {
    for (let i = 0; i < 2000; i++) {
      const p = partitionForKey(bytes(`key-${i}`), 7);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(7);
    }
  });
});
