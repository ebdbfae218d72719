// java.util.SplittableRandom, for the producer perf test's payloads: Kafka seeds one with 0 and
// draws every payload byte (or payload-file entry) from it, so the same run sends the same bytes
// as Kafka's tool. In JavaScript the 64-bit arithmetic is done on two 32-bit halves (BigInt would
// cost seconds over the hundred million draws of a million 100-byte records); the payload letters,
// nearly all of the draws, come from a few lines of WebAssembly, whose i64 multiply is native:
// about 40 ns per letter on halves, about 5 there.

const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;
const MIX_A = 0x62a9d9ed799705f5n;
const MIX_B = 0xcb24d0a5c88c35b3n;
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

// ---- the letter generator, in WebAssembly ----

/** Where the module leaves the seed (8 bytes, little-endian) and, after it, the letters. */
const SEED_AT = 0;
const LETTERS_AT = 8;
/** Letters per call: one 64 KiB page of memory, less the seed. */
const LETTERS_PER_CALL = 65_536 - LETTERS_AT;

const OP = {
  block: 0x02, loop: 0x03, end: 0x0b, br: 0x0c, brIf: 0x0d,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Store8: 0x3a, i64Store: 0x37, i32Const: 0x41, i64Const: 0x42,
  i32GeU: 0x4f, i32Add: 0x6a, i32RemU: 0x70, i32ShrU: 0x76,
  i64Add: 0x7c, i64Mul: 0x7e, i64Or: 0x84, i64Xor: 0x85, i64Shl: 0x86, i64ShrU: 0x88,
  i32WrapI64: 0xa7, i64ExtendI32U: 0xad,
} as const;
const VOID_BLOCK = 0x40;
const I32 = 0x7f;
const I64 = 0x7e;

function signedLeb128(value: bigint): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = Number(value & 0x7fn);
    value >>= 7n;
    const done = (value === 0n && (byte & 0x40) === 0) || (value === -1n && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}
/** i32.const takes a signed 32-bit value: `| 0` wraps constants of 2^31 and above. */
const i32Const = (n: number): number[] => [OP.i32Const, ...signedLeb128(BigInt(n | 0))];
const i64Const = (n: bigint): number[] => [OP.i64Const, ...signedLeb128(BigInt.asIntN(64, n))];
function unsignedLeb128(value: number): number[] {
  const bytes: number[] = [];
  for (; value >= 0x80; value >>>= 7) bytes.push((value & 0x7f) | 0x80);
  bytes.push(value);
  return bytes;
}
const section = (id: number, content: number[]): number[] => [id, ...unsignedLeb128(content.length), ...content];

// fill(seedHi, seedLo, count): `count` letters nextInt(26) + 65 at LETTERS_AT, the seed after
// them at SEED_AT. Locals after the three parameters: i, u, r (i32), seed, z (i64).
const [HI, LO, COUNT, I, U, R, SEED, Z] = [0, 1, 2, 3, 4, 5, 6, 7];
const FIRST_REJECTED = 26 * Math.floor(0x7fffffff / 26);
const FILL_BODY = [
  [2, 3, I32, 2, I64], // local declarations: 3 × i32, 2 × i64
  [OP.localGet, HI, OP.i64ExtendI32U, ...i64Const(32n), OP.i64Shl, OP.localGet, LO, OP.i64ExtendI32U, OP.i64Or, OP.localSet, SEED],
  [OP.block, VOID_BLOCK, OP.loop, VOID_BLOCK],
  [OP.localGet, I, OP.localGet, COUNT, OP.i32GeU, OP.brIf, 1], // all written: leave the block
  [OP.loop, VOID_BLOCK], // one draw, again while Java's nextInt(bound) rejects it
  [OP.localGet, SEED, ...i64Const(GOLDEN_GAMMA), OP.i64Add, OP.localTee, SEED, OP.localTee, Z],
  [OP.localGet, Z, ...i64Const(33n), OP.i64ShrU, OP.i64Xor, ...i64Const(MIX_A), OP.i64Mul, OP.localTee, Z],
  [OP.localGet, Z, ...i64Const(28n), OP.i64ShrU, OP.i64Xor, ...i64Const(MIX_B), OP.i64Mul],
  [...i64Const(32n), OP.i64ShrU, OP.i32WrapI64, ...i32Const(1), OP.i32ShrU, OP.localTee, U],
  // Java's test, u + 25 - u % 26 overflowing, holds exactly for u >= 26 * floor((2^31 - 1) / 26).
  [...i32Const(FIRST_REJECTED), OP.i32GeU, OP.brIf, 0],
  [OP.end],
  [OP.localGet, U, ...i32Const(26), OP.i32RemU, OP.localSet, R],
  [OP.localGet, I, OP.localGet, R, ...i32Const(65), OP.i32Add, OP.i32Store8, 0, LETTERS_AT],
  [OP.localGet, I, ...i32Const(1), OP.i32Add, OP.localSet, I, OP.br, 0],
  [OP.end, OP.end],
  [...i32Const(SEED_AT), OP.localGet, SEED, OP.i64Store, 3, 0],
  [OP.end],
].flat();

const MODULE_BYTES = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
  ...section(1, [1, 0x60, 3, I32, I32, I32, 0]), // one type: (i32, i32, i32) -> ()
  ...section(3, [1, 0]), // one function, of that type
  ...section(5, [1, 0, 1]), // one memory, at least one page
  ...section(7, [2, 6, ...Buffer.from('memory'), 2, 0, 4, ...Buffer.from('fill'), 0, 0]),
  ...section(10, [1, ...unsignedLeb128(FILL_BODY.length), ...FILL_BODY]),
]);

const letterModule = new WebAssembly.Instance(new WebAssembly.Module(MODULE_BYTES)).exports as {
  memory: WebAssembly.Memory;
  fill(seedHi: number, seedLo: number, count: number): void;
};
const letterMemory = Buffer.from(letterModule.memory.buffer);
// Low word first: WebAssembly memory is little-endian, as are the machines Node runs on.
const seedWords = new Uint32Array(letterModule.memory.buffer, SEED_AT, 2);

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

  /** `payload.length` draws of nextInt(26) + 65, in the WebAssembly module. */
  fillLetters(payload: Uint8Array): void {
    for (let at = 0; at < payload.length; at += LETTERS_PER_CALL) {
      const count = Math.min(LETTERS_PER_CALL, payload.length - at);
      letterModule.fill(this.seedHi, this.seedLo, count);
      this.seedLo = seedWords[0]!;
      this.seedHi = seedWords[1]!;
      letterMemory.copy(payload, at, LETTERS_AT, LETTERS_AT + count);
    }
  }
}

/** ProducerPerformance's random payload: every byte an upper-case letter, `random.nextInt(26) + 65`. */
export function fillRandomLetters(random: SplittableRandom, payload: Uint8Array): void {
  random.fillLetters(payload);
}
