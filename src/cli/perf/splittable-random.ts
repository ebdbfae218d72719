// java.util.SplittableRandom, for the producer perf test's payloads: Kafka seeds one with 0 and
// draws every payload byte (or payload-file entry) from it, so the same run sends the same bytes
// as Kafka's tool. 64-bit arithmetic is done on two 32-bit halves: BigInt would cost seconds over
// the hundred million draws of a million 100-byte records.

const GOLDEN_GAMMA_HI = 0x9e3779b9;
const GOLDEN_GAMMA_LO = 0x7f4a7c15;
const MIX_A_HI = 0x62a9d9ed;
const MIX_A_LO = 0x799705f5;
const MIX_B_HI = 0xcb24d0a5;
const MIX_B_LO = 0xc88c35b3;

/** The high 32 bits of the 64-bit product of two unsigned 32-bit numbers. */
function mulHigh32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  // Every partial product is below 2^32 and their sum below 2^34: exact in a double, and
  // `>>> 0` after a division truncates as floor does for these non-negative values.
  const middle = a1 * b0 + a0 * b1 + ((a0 * b0) >>> 16);
  return (a1 * b1 + ((middle / 0x10000) >>> 0)) >>> 0;
}

export class SplittableRandom {
  private seedHi: number;
  private seedLo: number;

  /** Only seeds that fit a double exactly; Kafka uses 0. */
  constructor(seed: number) {
    this.seedHi = Math.floor(seed / 2 ** 32) >>> 0;
    this.seedLo = seed >>> 0;
  }

  /** Java's nextInt(): mix32 of the next seed, as a signed 32-bit integer. */
  nextInt32(): number {
    // seed += GOLDEN_GAMMA (mod 2^64)
    const lo = this.seedLo + GOLDEN_GAMMA_LO;
    this.seedLo = lo >>> 0;
    this.seedHi = (this.seedHi + GOLDEN_GAMMA_HI + (lo > 0xffffffff ? 1 : 0)) >>> 0;
    // z = (z ^ (z >>> 33)) * MIX_A
    let hi = this.seedHi;
    let lo1 = (this.seedLo ^ (hi >>> 1)) >>> 0;
    const productHi = (mulHigh32(lo1, MIX_A_LO) + Math.imul(lo1, MIX_A_HI) + Math.imul(hi, MIX_A_LO)) >>> 0;
    const productLo = Math.imul(lo1, MIX_A_LO) >>> 0;
    // (int) (((z ^ (z >>> 28)) * MIX_B) >>> 32)
    lo1 = (productLo ^ ((productLo >>> 28) | (productHi << 4))) >>> 0;
    hi = (productHi ^ (productHi >>> 28)) >>> 0;
    return (mulHigh32(lo1, MIX_B_LO) + Math.imul(lo1, MIX_B_HI) + Math.imul(hi, MIX_B_LO)) | 0;
  }

  /** Java's nextInt(bound): uniform in [0, bound), rejecting the values that would bias it. */
  nextInt(bound: number): number {
    if (!(bound > 0)) throw new RangeError('bound must be positive');
    const m = bound - 1;
    let r = this.nextInt32();
    if ((bound & m) === 0) return r & m;
    for (let u = r >>> 1; ((u + m - (r = u % bound)) | 0) < 0; u = this.nextInt32() >>> 1);
    return r;
  }
}

/** ProducerPerformance's random payload: every byte an upper-case letter, `random.nextInt(26) + 65`. */
export function fillRandomLetters(random: SplittableRandom, payload: Uint8Array): void {
  for (let i = 0; i < payload.length; i++) payload[i] = random.nextInt(26) + 65;
}
