import { describe, expect, it } from 'vitest';
import { DecodeError, Reader, Writer } from '../../../src/protocol/primitives.js';
import { MetadataRequest } from '../../../src/protocol/generated/clients/metadata-request.js';

const bytes = (...b: number[]): Buffer => Buffer.from(b);

describe('varints', () => {
  it('zig-zag encode signed values as Kafka records do', () => {
    const cases: [number, number[]][] = [
      [0, [0x00]],
      [-1, [0x01]],
      [1, [0x02]],
      [-64, [0x7f]],
      [64, [0x80, 0x01]],
      [2147483647, [0xfe, 0xff, 0xff, 0xff, 0x0f]],
      [-2147483648, [0xff, 0xff, 0xff, 0xff, 0x0f]],
    ];
    for (const [value, encoded] of cases) {
      expect(new Writer().varint(value).finish()).toEqual(Buffer.from(encoded));
      expect(new Reader(Buffer.from(encoded)).varint()).toBe(value);
    }
  });

  it('round-trip 64-bit varlongs at the extremes', () => {
    for (const v of [0n, -1n, 1n, 9223372036854775807n, -9223372036854775808n, 1700000000000n]) {
      const encoded = new Writer().varlong(v).finish();
      expect(new Reader(encoded).varlong()).toBe(v);
    }
    expect(new Writer().varlong(-9223372036854775808n).finish().length).toBe(10);
  });

  it('reject a varint that never ends', () => {
    expect(() => new Reader(bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)).unsignedVarint()).toThrow(DecodeError);
    expect(() => new Reader(Buffer.alloc(11, 0xff)).varlong()).toThrow(DecodeError);
    expect(() => new Reader(bytes(0xff, 0xff)).unsignedVarint()).toThrow(/needs 1 bytes but only 0 remain/);
  });
});

describe('length-prefixed values from an untrusted peer', () => {
  it('a string length of 2^15-1 with three bytes behind it is a DecodeError', () => {
    expect(() => new Reader(bytes(0x7f, 0xff, 0x61, 0x62, 0x63)).string()).toThrow(/string length 32767 exceeds the 3 bytes remaining/);
  });

  it('a bytes length of 2^31-1 is refused before anything is allocated', () => {
    const r = new Reader(bytes(0x7f, 0xff, 0xff, 0xff, 0x00));
    expect(() => r.bytes()).toThrow(DecodeError);
  });

  it('an array count of 2^31-1 or a negative one is refused before any element is read', () => {
    let elementsRead = 0;
    const element = (r: Reader): number => {
      elementsRead++;
      return r.int8();
    };
    expect(() => new Reader(bytes(0x7f, 0xff, 0xff, 0xff, 0x01)).array(false, element)).toThrow(/array length 2147483647/);
    expect(() => new Reader(bytes(0xff, 0xff, 0xff, 0xfb, 0x01)).array(false, element)).toThrow(/negative array length -5/);
    expect(() => new Reader(bytes(0xff, 0xff, 0xff, 0xff)).array(false, element)).toThrow(/null array/);
    expect(elementsRead).toBe(0);
  });

  it('a Metadata request claiming 2^31-1 topics fails at once', () => {
    const started = performance.now();
    const hostile = bytes(0x7f, 0xff, 0xff, 0xff, 0x00, 0x01);
    expect(() => MetadataRequest.decode(new Reader(hostile), 4)).toThrow(DecodeError);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('compact strings and bytes carry length + 1, with 0 for null', () => {
    const w = new Writer().compactNullableString(null).compactString('héllo').compactNullableBytes(bytes(1, 2));
    const r = new Reader(w.finish());
    expect(r.compactNullableString()).toBeNull();
    expect(r.compactString()).toBe('héllo');
    expect(r.compactNullableBytes()).toEqual(bytes(1, 2));
    expect(r.remaining()).toBe(0);
  });

  it('bytes are read as slices of the input, not copies', () => {
    const input = bytes(0, 0, 0, 2, 7, 8);
    const slice = new Reader(input).bytes();
    input[4] = 9;
    expect(slice[0]).toBe(9);
  });
});

describe('Writer', () => {
  it('grows past its initial size and keeps what it wrote', () => {
    const w = new Writer(4);
    for (let i = 0; i < 1000; i++) w.int32(i);
    const r = new Reader(w.finish());
    for (let i = 0; i < 1000; i++) expect(r.int32()).toBe(i);
  });

  it('writes uuids from their base64url form and refuses anything but 16 bytes', () => {
    const id = Buffer.from('00112233445566778899aabbccddeeff', 'hex').toString('base64url');
    expect(new Reader(new Writer().uuid(id).finish()).uuid()).toBe(id);
    expect(() => new Writer().uuid('short')).toThrow(RangeError);
  });
});
