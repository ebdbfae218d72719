import { describe, expect, it } from 'vitest';
import { deepEqual } from '../../../src/protocol/codec.js';
import { DecodeError, Reader, Writer } from '../../../src/protocol/primitives.js';
import { loadGeneratedMessages, sampleMessage, type Variant } from '../../harness/generated-messages.js';

const messages = await loadGeneratedMessages();
const variants: Variant[] = ['full', 'sparse', 'unknownTags'];

function encode(m: (typeof messages)[number], value: unknown, version: number): Buffer {
  const w = new Writer();
  m.codec.encode(w, value, version);
  return Buffer.from(w.finish());
}

describe('generated codecs', () => {
  it('cover every request and response of the definitions, and the other message kinds', () => {
    const kinds = new Map<string, number>();
    for (const m of messages) kinds.set(m.schema.type, (kinds.get(m.schema.type) ?? 0) + 1);
    expect(kinds.get('request')).toBe(kinds.get('response'));
    expect(kinds.get('request')).toBeGreaterThanOrEqual(80);
    expect(kinds.get('header')).toBe(2);
    expect(kinds.get('metadata')).toBeGreaterThanOrEqual(20);
  });

  for (const m of messages) {
    const [min, max] = m.schema.valid;
    it(`${m.schema.name} round-trips at every version ${min}-${max}`, () => {
      for (let version = min; version <= max; version++) {
        for (const variant of variants) {
          const value = sampleMessage(m, version, variant);
          const bytes = encode(m, value, version);
          const r = new Reader(bytes);
          const decoded = m.codec.decode(r, version);
          if (!deepEqual(decoded, value)) expect(decoded, `${m.schema.name} v${version} ${variant}`).toEqual(value);
          expect(r.remaining(), `${m.schema.name} v${version} ${variant}: bytes left over`).toBe(0);
          expect(encode(m, decoded, version).equals(bytes), `${m.schema.name} v${version} ${variant}: re-encoding differs`).toBe(true);
        }
      }
    });
  }

  it('every truncation of an encoded message is a DecodeError, never another exception', () => {
    for (const m of messages) {
      const version = m.schema.valid[1];
      const bytes = encode(m, sampleMessage(m, version, 'full'), version);
      for (let cut = 0; cut < bytes.length; cut += Math.max(1, Math.floor(bytes.length / 16))) {
        expect(() => m.codec.decode(new Reader(bytes.subarray(0, cut)), version), `${m.schema.name} cut at ${cut}`).toThrow(DecodeError);
      }
    }
  });

  it('random corruption of encoded messages decodes or fails with a DecodeError', () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (const m of messages) {
      const version = m.schema.valid[1];
      const bytes = encode(m, sampleMessage(m, version, 'full'), version);
      for (let round = 0; round < 20; round++) {
        const mutated = Buffer.from(bytes);
        for (let flips = 0; flips < 3; flips++) mutated[random(mutated.length)] = random(256);
        try {
          m.codec.decode(new Reader(mutated), version);
        } catch (err) {
          expect(err, `${m.schema.name} v${version}`).toBeInstanceOf(DecodeError);
        }
      }
    }
  });

  it('refuses to write a field at a version that does not have it', () => {
    const produce = messages.find((m) => m.schema.name === 'ProduceRequest')!;
    const value = { ...(produce.codec.defaults() as object), transactionalId: 'txn' };
    expect(() => encode(produce, value, 2)).toThrow(/TransactionalId cannot be set .* version 2/);
    expect(() => encode(produce, value, 3)).not.toThrow();
  });
});
