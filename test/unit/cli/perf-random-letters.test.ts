// The payload letters come from a WebAssembly loop; Java's nextInt(26), as the JavaScript
// nextInt(bound) computes it (pinned against Java in perf-java-format.test.ts), is the reference.
import { describe, expect, it } from 'vitest';
import { fillRandomLetters, SplittableRandom } from '../../../src/cli/perf/splittable-random.js';

describe('fillRandomLetters', () => {
  it('draws exactly what nextInt(26) + 65 draws, over many payloads and across the 64 KiB chunking', () => {
    const bulk = new SplittableRandom(0);
    const oneByOne = new SplittableRandom(0);
    for (const size of [1, 100, 1024, 70_000, 0, 3]) {
      const payload = new Uint8Array(size);
      fillRandomLetters(bulk, payload);
      const expected = Uint8Array.from({ length: size }, () => oneByOne.nextInt(26) + 65);
      expect(Buffer.from(payload).equals(Buffer.from(expected))).toBe(true);
    }
    // The generators end in the same state.
    expect(bulk.nextInt32()).toBe(oneByOne.nextInt32());
  });

  it('keeps the state of a generator seeded with a large seed', () => {
    const bulk = new SplittableRandom(2 ** 52 + 12_345);
    const oneByOne = new SplittableRandom(2 ** 52 + 12_345);
    const payload = new Uint8Array(500);
    fillRandomLetters(bulk, payload);
    expect([...payload]).toEqual(Array.from({ length: 500 }, () => oneByOne.nextInt(26) + 65));
    expect(bulk.nextInt(1_000_003)).toBe(oneByOne.nextInt(1_000_003));
  });
});
