import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  CompressionType,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  DecompressionError,
  compress,
  compressionName,
  compressionTypeByName,
  decompress,
  xxh32,
  type DecompressionFailure,
} from '../../../src/protocol/compression.js';
import { DecodeError } from '../../../src/protocol/primitives.js';

const CODECS = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd] as const;
const COMPRESSING = CODECS.filter((c) => c !== CompressionType.None);
// The tests reach for the lz4 binding directly to hand-make frames.
const lz4 = createRequire(import.meta.url)('lz4-napi') as { compressSync: (data: Buffer) => Buffer };
const FIXTURES = fileURLToPath(new URL('../../fixtures/record-batches/codecs/', import.meta.url));

function text(size: number): Buffer {
  const line = Buffer.from('a line of a record value that compresses well, as logs and JSON do\n');
  const out = Buffer.alloc(size);
  for (let at = 0; at < size; at += line.length) line.copy(out, at, 0, Math.min(line.length, size - at));
  return out;
}

function failure(fn: () => unknown): { reason: DecompressionFailure; error: DecompressionError } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DecompressionError);
    expect(e).toBeInstanceOf(DecodeError);
    const error = e as DecompressionError;
    return { reason: error.reason, error };
  }
  throw new Error('expected a DecompressionError');
}

describe('compression types', () => {
  it('are the attribute codes and names Kafka uses', () => {
    expect(CompressionType).toEqual({ None: 0, Gzip: 1, Snappy: 2, Lz4: 3, Zstd: 4 });
    expect(CODECS.map(compressionName)).toEqual(['none', 'gzip', 'snappy', 'lz4', 'zstd']);
    expect(compressionTypeByName('zstd')).toBe(4);
    expect(compressionTypeByName('brotli')).toBeUndefined();
  });

  it('an attribute value that is not a codec is refused as such', () => {
    for (const type of [5, 6, 7]) expect(failure(() => decompress(type, Buffer.from('x'))).reason).toBe('unsupported-codec');
  });
});

describe('every codec round-trips', () => {
  const payloads: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['one byte', Buffer.from([0x2a])],
    ['compressible text larger than several blocks', text(300_000)],
    ['incompressible bytes', randomBytes(100_000)],
  ];
  for (const codec of CODECS) {
    for (const [name, payload] of payloads) {
      it(`${compressionName(codec)}: ${name}`, () => {
        expect(decompress(codec, compress(codec, payload)).equals(payload)).toBe(true);
      });
    }
  }

  it('gzip and zstd take a compression level (KIP-390)', () => {
    const payload = text(100_000);
    for (const codec of [CompressionType.Gzip, CompressionType.Zstd] as const) {
      const fast = compress(codec, payload, { level: 1 });
      const small = compress(codec, payload, { level: 9 });
      expect(decompress(codec, fast).equals(payload)).toBe(true);
      expect(decompress(codec, small).equals(payload)).toBe(true);
    }
  });
});

describe('the framings Kafka clients read', () => {
  it('snappy is written in the xerial framing Java clients expect, 32 KiB of input a block', () => {
    const payload = text(100_000);
    const out = compress(CompressionType.Snappy, payload);
    expect(out.subarray(0, 8)).toEqual(Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]));
    expect(out.readInt32BE(8)).toBe(1);
    expect(out.readInt32BE(12)).toBe(1);
    let blocks = 0;
    for (let at = 16; at < out.length; at += 4 + out.readInt32BE(at)) blocks++;
    expect(blocks).toBe(Math.ceil(payload.length / 32768));
  });

  it('lz4 is written as an LZ4 frame with independent blocks, the only kind Kafka reads', () => {
    const out = compress(CompressionType.Lz4, text(10_000));
    expect(out.readUInt32LE(0)).toBe(0x184d2204);
    const flg = out[4];
    expect(flg >> 6).toBe(1); // frame version
    expect(flg & 0x20).toBe(0x20); // block independence
  });

  const manifest = JSON.parse(readFileSync(`${FIXTURES}codecs.json`, 'utf8')) as {
    payload: string;
    variants: { file: string; compression: string; description: string }[];
  };
  const payload = readFileSync(`${FIXTURES}${manifest.payload}`);
  for (const variant of manifest.variants) {
    it(`decodes ${variant.compression} from another writer: ${variant.description}`, () => {
      const codec = compressionTypeByName(variant.compression);
      expect(codec).toBeDefined();
      const data = readFileSync(`${FIXTURES}${variant.file}`);
      const legacy = variant.file === 'lz4-legacy-checksum.bin';
      expect(decompress(codec as CompressionType, data, { lz4LegacyHeaderChecksum: legacy }).equals(payload)).toBe(true);
    });
  }

  it('the miscomputed lz4 header checksum of Kafka 0.8/0.9 is accepted only where asked for (magic 0)', () => {
    const data = readFileSync(`${FIXTURES}lz4-legacy-checksum.bin`);
    expect(failure(() => decompress(CompressionType.Lz4, data)).reason).toBe('corrupt');
  });
});

describe('xxh32', () => {
  it('matches the reference hashes (short and striped inputs)', () => {
    expect(xxh32(Buffer.alloc(0))).toBe(0x02cc5d05);
    expect(xxh32(Buffer.from('abc'))).toBe(0x32d153ff);
    expect(xxh32(Buffer.from('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f);
  });
});

describe('decompression of hostile input', () => {
  it('output over the bound is refused by every codec, and output at the bound is not', () => {
    const payload = text(200_000);
    for (const codec of CODECS) {
      const compressed = compress(codec, payload);
      expect(failure(() => decompress(codec, compressed, { maxOutputBytes: 100_000 })).reason).toBe('too-large');
      if (codec !== CompressionType.Lz4) {
        expect(decompress(codec, compressed, { maxOutputBytes: payload.length }).length).toBe(payload.length);
      }
    }
  });

  it('lz4 bounds output by block sizes, so it may refuse within one block of the limit but never beyond', () => {
    const payload = text(200_000);
    const compressed = compress(CompressionType.Lz4, payload);
    expect(decompress(CompressionType.Lz4, compressed, { maxOutputBytes: payload.length + 256 * 1024 }).equals(payload)).toBe(true);
  });

  it('a truncated payload is corrupt for every codec', () => {
    const payload = text(100_000);
    for (const codec of COMPRESSING) {
      const compressed = compress(codec, payload);
      for (const keep of [compressed.length - 1, Math.floor(compressed.length / 2), 3]) {
        expect(failure(() => decompress(codec, compressed.subarray(0, keep))).reason, `${compressionName(codec)} cut to ${keep}`).toBe('corrupt');
      }
    }
  });

  it('garbage is corrupt for every codec', () => {
    const garbage = Buffer.from('this is not compressed data at all, not even a little');
    for (const codec of COMPRESSING) expect(failure(() => decompress(codec, garbage)).reason).toBe('corrupt');
    for (const codec of [CompressionType.Gzip, CompressionType.Lz4, CompressionType.Zstd] as const) {
      expect(failure(() => decompress(codec, Buffer.alloc(0))).reason).toBe('corrupt');
    }
  });

  it('a 1 KiB gzip member that inflates to 1 MiB is stopped at the bound', () => {
    const bomb = gzipSync(Buffer.alloc(1 << 20), { level: 9 });
    expect(bomb.length).toBeLessThanOrEqual(1100);
    expect(failure(() => decompress(CompressionType.Gzip, bomb, { maxOutputBytes: 64 * 1024 })).reason).toBe('too-large');
  });

  it('a gzip bomb that inflates to 4 GiB is refused at the default bound, quickly', () => {
    // Deflate cannot exceed about 1032:1, so gigabytes need a few MiB of input: 4096 gzip
    // members of 1 MiB of zeros each, which gunzip reads as one stream.
    const member = gzipSync(Buffer.alloc(1 << 20), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 4096 }, () => member));
    const started = performance.now();
    const { reason, error } = failure(() => decompress(CompressionType.Gzip, bomb));
    expect(reason).toBe('too-large');
    expect(error.message).toContain(String(DEFAULT_MAX_DECOMPRESSED_BYTES));
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('a zstd bomb of RLE blocks, 32 KiB expanding to 1 GiB, is refused at the default bound', () => {
    expect(decompress(CompressionType.Zstd, zstdRleBomb(8)).length).toBe(8 * 131072);
    const bomb = zstdRleBomb(8192);
    expect(bomb.length).toBeLessThan(33 * 1024);
    expect(failure(() => decompress(CompressionType.Zstd, bomb)).reason).toBe('too-large');
  });

  it('a zstd frame demanding a window beyond the bound is refused before decoding', () => {
    const frame = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 21 << 3, 0x01, 0x00, 0x00]); // window 2^31
    expect(failure(() => decompress(CompressionType.Zstd, frame)).reason).toBe('too-large');
  });

  it('an lz4 frame of many highly compressed blocks is refused from its block sizes, before inflating', () => {
    expect(decompress(CompressionType.Lz4, lz4ZeroBomb(4)).length).toBe(4 * 65536);
    const { reason, error } = failure(() => decompress(CompressionType.Lz4, lz4ZeroBomb(2048)));
    expect(reason).toBe('too-large');
    expect(error.message).toContain('up to 134217728');
  });

  it('a snappy block claiming 4 GiB is refused from its length prefix', () => {
    const raw = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x61]);
    expect(failure(() => decompress(CompressionType.Snappy, raw)).reason).toBe('too-large');
    const xerial = Buffer.concat([compress(CompressionType.Snappy, Buffer.alloc(0)), Buffer.from([0, 0, 0, 7]), raw]);
    expect(failure(() => decompress(CompressionType.Snappy, xerial)).reason).toBe('too-large');
  });

  it('a xerial block length that is negative or past the end is corrupt', () => {
    const header = compress(CompressionType.Snappy, Buffer.alloc(0));
    for (const length of [-1, 0x7fffffff]) {
      const bad = Buffer.concat([header, Buffer.alloc(4), Buffer.from('abc')]);
      bad.writeInt32BE(length, 16);
      expect(failure(() => decompress(CompressionType.Snappy, bad)).reason).toBe('corrupt');
    }
  });
});

describe('loading', () => {
  it('the native codec bindings load on first use, not on import', () => {
    const modulePath = fileURLToPath(new URL('../../../src/protocol/records.ts', import.meta.url));
    const compressionPath = fileURLToPath(new URL('../../../src/protocol/compression.ts', import.meta.url));
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const natives = () => Object.keys(require.cache).filter((k) => /snappy|lz4-napi|zstd-napi/.test(k)).length;
      await import(${JSON.stringify(modulePath)});
      const before = natives();
      const c = await import(${JSON.stringify(compressionPath)});
      c.compress(c.CompressionType.Zstd, Buffer.from('x'));
      console.log(JSON.stringify({ before, after: natives() }));
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    const { before, after } = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { before: number; after: number };
    expect(before).toBe(0);
    expect(after).toBeGreaterThan(0);
  });
});


/** A hand-made zstd frame: no content size, a 128 KiB window, then RLE blocks of 128 KiB. */
function zstdRleBomb(blocks: number): Buffer {
  const parts = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 7 << 3])];
  for (let i = 0; i < blocks; i++) {
    const header = (131072 << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0);
    parts.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff, 0x00]));
  }
  return Buffer.concat(parts);
}

/** An lz4 frame repeating one block that inflates to 64 KiB of zeros. */
function lz4ZeroBomb(blocks: number): Buffer {
  const block = lz4.compressSync(Buffer.alloc(64 * 1024)).subarray(4); // drop lz4-napi's size prefix
  const header = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x00]);
  header[6] = (xxh32(header.subarray(4, 6)) >>> 8) & 0xff;
  const blockHeader = Buffer.alloc(4);
  blockHeader.writeUInt32LE(block.length, 0);
  return Buffer.concat([header, ...Array.from({ length: blocks }, () => Buffer.concat([blockHeader, block])), Buffer.alloc(4)]);
}
