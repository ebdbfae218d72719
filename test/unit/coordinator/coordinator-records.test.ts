// The __consumer_offsets record formats byte for byte as Kafka writes them, and the group's
// partition from Java's String.hashCode.
import { describe, expect, it } from 'vitest';
import { decodeCoordinatorRecord, encodeCoordinatorRecord } from '../../../daemon/coordinator/coordinator-records.js';
import { javaStringHashCode, offsetsPartitionFor } from '../../../daemon/coordinator/group-coordinator.js';

const hex = (s: string): Buffer => Buffer.from(s.replaceAll(' ', ''), 'hex');

describe('offsets partition of a group', () => {
  it('hashes as Java String.hashCode does, over UTF-16 code units', () => {
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('a')).toBe(97);
    expect(javaStringHashCode('hello')).toBe(99162322);
    expect(javaStringHashCode('hello world')).toBe(1794106052);
    expect(javaStringHashCode('Aa')).toBe(javaStringHashCode('BB'));
    expect(javaStringHashCode('é')).toBe(233);
    expect(javaStringHashCode('\u{1F600}')).toBe(0xd83d * 31 + 0xde00);
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
  });

  it('takes Utils.abs of the hash modulo the partition count (Integer.MIN_VALUE maps to 0)', () => {
    expect(offsetsPartitionFor('polygenelubricants', 50)).toBe(0);
    expect(offsetsPartitionFor('hello', 50)).toBe(99162322 % 50);
    // "g1".hashCode() = 103 * 31 + 49.
    expect(offsetsPartitionFor('g1', 50)).toBe(3242 % 50);
    // A negative hash is made positive first; checked against 32-bit wrapping done in BigInt.
    const name = 'console-consumer-63291';
    let wrapped = 0n;
    for (const c of name) wrapped = BigInt.asIntN(32, wrapped * 31n + BigInt(c.charCodeAt(0)));
    expect(javaStringHashCode(name)).toBe(Number(wrapped));
    expect(offsetsPartitionFor(name, 50)).toBe(Math.abs(Number(wrapped)) % 50);
  });
});

describe('coordinator records', () => {
  const offset = { offset: 42n, leaderEpoch: 3, metadata: 'm', commitTimestamp: 1700000000000n, expireTimestamp: -1n };

  it('writes an offset commit as key v1 and value v3', () => {
    const encoded = encodeCoordinatorRecord({ type: 'offset', group: 'g', topic: 't', partition: 7, value: offset });
    expect(encoded.key).toEqual(hex('0001 0001 67 0001 74 00000007'));
    expect(encoded.value).toEqual(hex('0003 000000000000002a 00000003 0001 6d 0000018bcfe56800'));
    expect(decodeCoordinatorRecord(encoded.key, encoded.value)).toEqual({ type: 'offset', group: 'g', topic: 't', partition: 7, value: offset });
  });

  it('writes value v1 with the expire timestamp when the commit has its own retention', () => {
    const encoded = encodeCoordinatorRecord({ type: 'offset', group: 'g', topic: 't', partition: 0, value: { ...offset, expireTimestamp: 1700000060000n } });
    expect(encoded.value!.readInt16BE(0)).toBe(1);
    expect(decodeCoordinatorRecord(encoded.key, encoded.value)).toMatchObject({ value: { offset: 42n, leaderEpoch: -1, expireTimestamp: 1700000060000n } });
  });

  it('writes group metadata as key v2 and value v3, and tombstones with a null value', () => {
    const value = {
      protocolType: 'consumer',
      generation: 5,
      protocol: 'range',
      leader: 'm-1',
      currentStateTimestamp: 1700000000000n,
      members: [{ memberId: 'm-1', groupInstanceId: 'i-1', clientId: 'c', clientHost: '/127.0.0.1', rebalanceTimeout: 300000, sessionTimeout: 45000, subscription: hex('0001'), assignment: hex('02') }],
    };
    const encoded = encodeCoordinatorRecord({ type: 'group', group: 'g', value });
    expect(encoded.key).toEqual(hex('0002 0001 67'));
    expect(encoded.value!.readInt16BE(0)).toBe(3);
    expect(decodeCoordinatorRecord(encoded.key, encoded.value)).toEqual({ type: 'group', group: 'g', value });
    const tombstone = encodeCoordinatorRecord({ type: 'group', group: 'g', value: null });
    expect(tombstone.value).toBeNull();
    expect(decodeCoordinatorRecord(tombstone.key, null)).toEqual({ type: 'group', group: 'g', value: null });
  });

  it('skips record types it does not know, and keyless records', () => {
    expect(decodeCoordinatorRecord(hex('0064 0001 67'), hex('0000'))).toBeNull();
    expect(decodeCoordinatorRecord(null, null)).toBeNull();
  });
});
