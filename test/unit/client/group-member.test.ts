// The consumer protocol's subscription and assignment bytes as Kafka's ConsumerProtocol writes
// them (an int16 version, then the struct), read back, and read from an older version.
import { describe, expect, it } from 'vitest';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '../../../src/client/consumer-protocol.js';

describe('consumer protocol bytes', () => {
  it('writes a v3 subscription: topics, user data, owned partitions, generation, rack', () => {
    const { plain, withGeneration } = encodeSubscription(['t'], [{ topic: 't', partition: 2 }], 7);
    expect(plain.toString('hex')).toBe(
      ['0003', '00000001', '0001', '74', 'ffffffff', '00000001', '0001', '74', '00000001', '00000002', '00000007', 'ffff'].join(''),
    );
    // cooperative-sticky also carries the generation in its user data, for members that read v0/v1.
    expect(withGeneration.toString('hex')).toContain('0000000400000007');
    expect(decodeSubscription(withGeneration)).toEqual({ topics: ['t'], ownedPartitions: [{ topic: 't', partition: 2 }], generation: 7 });
  });

  it('reads a v0 subscription (kafka-python) with no owned partitions and an unknown generation', () => {
    const v0 = Buffer.from(['0000', '00000002', '0001', '61', '0001', '62', '00000000'].join(''), 'hex');
    expect(decodeSubscription(v0)).toEqual({ topics: ['a', 'b'], ownedPartitions: [], generation: -1 });
  });

  it('round-trips an assignment grouped by topic, and reads an empty one as nothing', () => {
    const partitions = [{ topic: 'x', partition: 0 }, { topic: 'x', partition: 3 }, { topic: 'y', partition: 1 }];
    const bytes = encodeAssignment(partitions);
    expect(bytes.subarray(0, 2).toString('hex')).toBe('0003');
    expect(decodeAssignment(bytes)).toEqual(partitions);
    expect(decodeAssignment(Buffer.alloc(0))).toEqual([]);
  });
});
