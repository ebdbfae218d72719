// The compression codecs of Kafka's record formats, behind one compress/decompress pair.
//
// Decompression reads bytes from an untrusted peer, so every codec is bounded: output larger
// than `maxOutputBytes` is refused before it is produced (or, for gzip and zstd, as soon as
// the bound is crossed), never after a bomb has been expanded into memory. The native
// bindings (snappy, lz4, zstd) load on first use, so a command that never compresses never
// loads them; gzip is node's own zlib.
import { createRequire } from 'node:module';
import { gunzipSync, gzipSync } from 'node:zlib';
import type * as Lz4Napi from 'lz4-napi';
import type * as SnappyNapi from 'snappy';
import type * as ZstdBinding from 'zstd-napi/binding.js';
import { DecodeError } from './primitives.js';

/** The codec in bits 0-2 of a batch's (or legacy message's) attributes. */
export const CompressionType = {
  None: 0,
  Gzip: 1,
  Snappy: 2,
  Lz4: 3,
  Zstd: 4,
} as const;
export type CompressionType = (typeof CompressionType)[keyof typeof CompressionType];

const COMPRESSION_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CompressionName = (typeof COMPRESSION_NAMES)[number];

export function isCompressionType(value: number): value is CompressionType {
  return Number.isInteger(value) && value >= 0 && value < COMPRESSION_NAMES.length;
}

/** The name a topic's `compression.type` and the Java client use for the codec. */
export function compressionName(type: CompressionType): CompressionName {
  return COMPRESSION_NAMES[type];
}

export function compressionTypeByName(name: string): CompressionType | undefined {
  const index = (COMPRESSION_NAMES as readonly string[]).indexOf(name);
  return index < 0 ? undefined : (index as CompressionType);
}

/**
 * The default ceiling on a decompressed records section. Producers size batches by their
 * compressed bytes (Kafka's `batch.size`, `max.request.size` around 1 MiB by default), so a
 * legitimate batch decompresses to a few MiB; 64 MiB leaves room for very compressible data
 * while keeping one hostile batch from taking the process's memory.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

export type DecompressionFailure = 'corrupt' | 'too-large' | 'unsupported-codec';

/** Compressed bytes that cannot be expanded: corrupt, over the output bound, or an unknown codec. */
export class DecompressionError extends DecodeError {
  constructor(
    readonly compression: number,
    readonly reason: DecompressionFailure,
    message: string,
    offset = 0,
  ) {
    super(`${codecLabel(compression)}: ${message}`, offset);
    this.name = 'DecompressionError';
  }
}

function codecLabel(type: number): string {
  return isCompressionType(type) ? compressionName(type) : `compression type ${type}`;
}

export interface CompressOptions {
  /** gzip 1-9 or zstd's levels (KIP-390); snappy and lz4 have none here. */
  level?: number;
}

export interface DecompressOptions {
  /** Refuse output beyond this many bytes. */
  maxOutputBytes?: number;
  /**
   * Magic 0 messages compressed with lz4 by Kafka 0.8/0.9 carry a frame header checksum
   * computed over the wrong bytes (KIP-57); accept it rather than checking it.
   */
  lz4LegacyHeaderChecksum?: boolean;
}

export function compress(type: CompressionType, data: Buffer, options: CompressOptions = {}): Buffer {
  switch (type) {
    case CompressionType.None:
      return data;
    case CompressionType.Gzip:
      return gzipSync(data, options.level === undefined ? {} : { level: options.level });
    case CompressionType.Snappy:
      return snappyXerialCompress(data);
    case CompressionType.Lz4:
      return lz4().compressFrameSync(data);
    case CompressionType.Zstd:
      return zstdCompress(data, options.level);
    default:
      throw new RangeError(`unknown compression type ${String(type)}`);
  }
}

export function decompress(type: number, data: Buffer, options: DecompressOptions = {}): Buffer {
  const max = options.maxOutputBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  if (!Number.isSafeInteger(max) || max < 0) throw new RangeError(`maxOutputBytes must be a non-negative integer, got ${max}`);
  switch (type) {
    case CompressionType.None:
      if (data.length > max) throw tooLarge(type, data.length, max);
      return data;
    case CompressionType.Gzip:
      return gzipDecompress(data, max);
    case CompressionType.Snappy:
      return snappyDecompress(data, max);
    case CompressionType.Lz4:
      return lz4Decompress(data, max, options.lz4LegacyHeaderChecksum ?? false);
    case CompressionType.Zstd:
      return zstdDecompress(data, max);
    default:
      throw new DecompressionError(type, 'unsupported-codec', 'not a codec Kafka defines');
  }
}

function tooLarge(type: number, size: number | string, max: number): DecompressionError {
  return new DecompressionError(type, 'too-large', `decompressed size ${size} exceeds the limit of ${max} bytes`);
}

function corrupt(type: number, message: string, offset = 0): DecompressionError {
  return new DecompressionError(type, 'corrupt', message, offset);
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// ---- lazy native bindings ----

const requireNative = createRequire(import.meta.url);
let snappyModule: typeof SnappyNapi | undefined;
let lz4Module: typeof Lz4Napi | undefined;
let zstdModule: typeof ZstdBinding | undefined;

function snappy(): typeof SnappyNapi {
  return (snappyModule ??= requireNative('snappy') as typeof SnappyNapi);
}
function lz4(): typeof Lz4Napi {
  return (lz4Module ??= requireNative('lz4-napi') as typeof Lz4Napi);
}
function zstd(): typeof ZstdBinding {
  return (zstdModule ??= requireNative('zstd-napi/binding.js') as typeof ZstdBinding);
}

// ---- gzip ----

function gzipDecompress(data: Buffer, max: number): Buffer {
  let out: Buffer;
  try {
    // zlib stops inflating once maxOutputLength is crossed, so a bomb costs at most `max`.
    // Its floor is one byte, hence the second check for a bound of zero.
    out = gunzipSync(data, { maxOutputLength: Math.max(1, max) });
  } catch (e) {
    if (e instanceof RangeError && (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw tooLarge(CompressionType.Gzip, `over ${max}`, max);
    }
    throw corrupt(CompressionType.Gzip, messageOf(e));
  }
  if (out.length > max) throw tooLarge(CompressionType.Gzip, out.length, max);
  return out;
}

// ---- snappy ----
// Java clients write snappy through xerial's SnappyOutputStream: a 16-byte header, then
// blocks of (int32 length, raw snappy block) each covering at most 32 KiB of input. Other
// clients (librdkafka, sarama) write one raw snappy block.

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
const XERIAL_BLOCK_SIZE = 32 * 1024;

function snappyXerialCompress(data: Buffer): Buffer {
  const { compressSync } = snappy();
  const parts: Buffer[] = [];
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8); // format version
  header.writeInt32BE(1, 12); // oldest version able to read it
  parts.push(header);
  for (let at = 0; at < data.length; at += XERIAL_BLOCK_SIZE) {
    const block = compressSync(data.subarray(at, at + XERIAL_BLOCK_SIZE));
    const length = Buffer.allocUnsafe(4);
    length.writeInt32BE(block.length, 0);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

function isXerial(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_SIZE && data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC);
}

function snappyDecompress(data: Buffer, max: number): Buffer {
  if (!isXerial(data)) return snappyBlock(data, 0, max);
  // Every raw block states its output length up front, so the whole stream is bounded
  // before anything is inflated.
  const blocks: { block: Buffer; at: number }[] = [];
  let total = 0;
  let at = XERIAL_HEADER_SIZE;
  while (at < data.length) {
    if (data.length - at < 4) throw corrupt(CompressionType.Snappy, 'truncated xerial block length', at);
    const length = data.readInt32BE(at);
    at += 4;
    if (length < 0 || length > data.length - at) {
      throw corrupt(CompressionType.Snappy, `xerial block length ${length} exceeds the ${data.length - at} bytes remaining`, at);
    }
    const block = data.subarray(at, at + length);
    total += snappyUncompressedLength(block, at);
    if (total > max) throw tooLarge(CompressionType.Snappy, `at least ${total}`, max);
    blocks.push({ block, at });
    at += length;
  }
  const out = blocks.map(({ block, at: blockAt }) => snappyBlock(block, blockAt, max));
  return out.length === 1 ? out[0] : Buffer.concat(out, total);
}

/** The uvarint a raw snappy block starts with: its uncompressed length. */
function snappyUncompressedLength(block: Buffer, offset: number): number {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    if (i >= block.length) break;
    const b = block[i];
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return value;
  }
  throw corrupt(CompressionType.Snappy, 'bad uncompressed length in snappy block', offset);
}

function snappyBlock(block: Buffer, offset: number, max: number): Buffer {
  const size = snappyUncompressedLength(block, offset);
  if (size > max) throw tooLarge(CompressionType.Snappy, size, max);
  try {
    return snappy().uncompressSync(block, { asBuffer: true }) as Buffer;
  } catch (e) {
    throw corrupt(CompressionType.Snappy, messageOf(e), offset);
  }
}

// ---- lz4 ----
// Kafka uses the LZ4 frame format (not raw blocks). The frame is walked here, without
// inflating it, to bound its output by its block sizes; the binding then decodes it and
// checks its checksums.

const LZ4_FRAME_MAGIC = 0x184d2204;
const LZ4_SKIPPABLE_MASK = 0xfffffff0;
const LZ4_SKIPPABLE_MAGIC = 0x184d2a50;
const LZ4_MAX_EXPANSION = 256;
const LZ4_BLOCK_MAX_SIZES: Record<number, number> = { 4: 64 * 1024, 5: 256 * 1024, 6: 1024 * 1024, 7: 4 * 1024 * 1024 };

interface Lz4Frame {
  start: number;
  end: number;
  headerChecksumAt: number;
}

function lz4Decompress(data: Buffer, max: number, legacyHeaderChecksum: boolean): Buffer {
  const frames: Lz4Frame[] = [];
  let bound = 0;
  let at = 0;
  if (data.length === 0) throw corrupt(CompressionType.Lz4, 'no lz4 frame');
  while (at < data.length) {
    if (data.length - at < 4) throw corrupt(CompressionType.Lz4, 'trailing bytes after the last frame', at);
    const magic = data.readUInt32LE(at);
    if ((magic & LZ4_SKIPPABLE_MASK) >>> 0 === LZ4_SKIPPABLE_MAGIC) {
      if (data.length - at < 8) throw corrupt(CompressionType.Lz4, 'truncated skippable frame', at);
      const size = data.readUInt32LE(at + 4);
      if (size > data.length - at - 8) throw corrupt(CompressionType.Lz4, 'truncated skippable frame', at);
      at += 8 + size;
      continue;
    }
    if (magic !== LZ4_FRAME_MAGIC) throw corrupt(CompressionType.Lz4, `bad frame magic 0x${magic.toString(16)}`, at);
    const frame = walkLz4Frame(data, at, max);
    bound += frame.bound;
    // The bound may exceed the real output by part of one block: close to the limit, a frame
    // can be refused that would just have fitted.
    if (bound > max) throw tooLarge(CompressionType.Lz4, `up to ${bound}`, max);
    frames.push(frame);
    at = frame.end;
  }
  const out: Buffer[] = [];
  let total = 0;
  for (const frame of frames) {
    let bytes = data.subarray(frame.start, frame.end);
    if (legacyHeaderChecksum) {
      bytes = Buffer.from(bytes);
      const descriptor = bytes.subarray(4, frame.headerChecksumAt - frame.start);
      bytes[frame.headerChecksumAt - frame.start] = (xxh32(descriptor) >>> 8) & 0xff;
    }
    let decoded: Buffer;
    try {
      decoded = lz4().decompressFrameSync(bytes);
    } catch (e) {
      throw corrupt(CompressionType.Lz4, messageOf(e), frame.start);
    }
    total += decoded.length;
    if (total > max) throw tooLarge(CompressionType.Lz4, total, max);
    out.push(decoded);
  }
  return out.length === 1 ? out[0] : Buffer.concat(out, total);
}

function walkLz4Frame(data: Buffer, start: number, max: number): Lz4Frame & { bound: number } {
  const fail = (message: string, at: number): DecompressionError => corrupt(CompressionType.Lz4, message, at);
  let at = start + 4;
  if (data.length - at < 3) throw fail('truncated frame descriptor', at);
  const flg = data[at];
  const bd = data[at + 1];
  if (flg >> 6 !== 1) throw fail(`unsupported frame version ${flg >> 6}`, at);
  const blockChecksum = (flg & 0x10) !== 0;
  const contentSizePresent = (flg & 0x08) !== 0;
  const contentChecksum = (flg & 0x04) !== 0;
  const dictionaryId = (flg & 0x01) !== 0;
  const blockMax = LZ4_BLOCK_MAX_SIZES[(bd >> 4) & 0x07];
  if (blockMax === undefined) throw fail(`bad block maximum size in descriptor byte 0x${bd.toString(16)}`, at + 1);
  at += 2;
  if (contentSizePresent) {
    if (data.length - at < 8) throw fail('truncated frame descriptor', at);
    const contentSize = data.readBigUInt64LE(at);
    if (contentSize > BigInt(max)) throw tooLarge(CompressionType.Lz4, contentSize.toString(), max);
    at += 8;
  }
  if (dictionaryId) at += 4;
  if (data.length - at < 1) throw fail('truncated frame descriptor', at);
  const headerChecksumAt = at;
  at += 1;
  let bound = 0;
  for (;;) {
    if (data.length - at < 4) throw fail('truncated block header', at);
    const word = data.readUInt32LE(at);
    at += 4;
    if (word === 0) break;
    const uncompressed = (word & 0x80000000) !== 0;
    const size = word & 0x7fffffff;
    if (size > blockMax) throw fail(`block of ${size} bytes exceeds the frame's block maximum ${blockMax}`, at - 4);
    const extra = blockChecksum ? 4 : 0;
    if (size + extra > data.length - at) throw fail('truncated block', at);
    at += size + extra;
    // LZ4 expands one input byte into at most 255 output bytes (a match-length byte), so a
    // short final block is bounded by its own size rather than the frame's block maximum.
    bound += uncompressed ? size : Math.min(blockMax, size * LZ4_MAX_EXPANSION);
  }
  if (contentChecksum) {
    if (data.length - at < 4) throw fail('truncated content checksum', at);
    at += 4;
  }
  return { start, end: at, headerChecksumAt, bound };
}

const PRIME32_1 = 0x9e3779b1;
const PRIME32_2 = 0x85ebca77;
const PRIME32_3 = 0xc2b2ae3d;
const PRIME32_4 = 0x27d4eb2f;
const PRIME32_5 = 0x165667b1;

const rotl32 = (x: number, r: number): number => (x << r) | (x >>> (32 - r));
const xxRound = (acc: number, lane: number): number => Math.imul(rotl32((acc + Math.imul(lane, PRIME32_2)) | 0, 13), PRIME32_1);

/** XXH32, the hash an LZ4 frame's header checksum is taken from. */
export function xxh32(data: Uint8Array, seed = 0): number {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const n = data.length;
  let i = 0;
  let acc: number;
  if (n >= 16) {
    let v1 = (seed + PRIME32_1 + PRIME32_2) | 0;
    let v2 = (seed + PRIME32_2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - PRIME32_1) | 0;
    for (; i <= n - 16; i += 16) {
      v1 = xxRound(v1, view.getUint32(i, true));
      v2 = xxRound(v2, view.getUint32(i + 4, true));
      v3 = xxRound(v3, view.getUint32(i + 8, true));
      v4 = xxRound(v4, view.getUint32(i + 12, true));
    }
    acc = (rotl32(v1, 1) + rotl32(v2, 7) + rotl32(v3, 12) + rotl32(v4, 18)) | 0;
  } else {
    acc = (seed + PRIME32_5) | 0;
  }
  acc = (acc + n) | 0;
  for (; i <= n - 4; i += 4) {
    acc = Math.imul(rotl32((acc + Math.imul(view.getUint32(i, true), PRIME32_3)) | 0, 17), PRIME32_4);
  }
  for (; i < n; i++) {
    acc = Math.imul(rotl32((acc + Math.imul(data[i], PRIME32_5)) | 0, 11), PRIME32_1);
  }
  acc ^= acc >>> 15;
  acc = Math.imul(acc, PRIME32_2);
  acc ^= acc >>> 13;
  acc = Math.imul(acc, PRIME32_3);
  acc ^= acc >>> 16;
  return acc >>> 0;
}

// ---- zstd ----

const ZSTD_DEFAULT_LEVEL = 3;
const ZSTD_CHUNK = 256 * 1024;
let zstdCompressContext: ZstdBinding.CCtx | undefined;
let zstdDecompressContext: ZstdBinding.DCtx | undefined;

function zstdCompress(data: Buffer, level = ZSTD_DEFAULT_LEVEL): Buffer {
  const binding = zstd();
  zstdCompressContext ??= new binding.CCtx();
  const out = Buffer.allocUnsafe(binding.compressBound(data.length));
  const written = zstdCompressContext.compress(out, data, level);
  return out.subarray(0, written);
}

function zstdDecompress(data: Buffer, max: number): Buffer {
  if (data.length === 0) throw corrupt(CompressionType.Zstd, 'no zstd frame');
  const binding = zstd();
  const dctx = (zstdDecompressContext ??= new binding.DCtx());
  dctx.reset(binding.ResetDirective.sessionOnly);
  // A frame may demand a window of up to 2 GiB before producing a byte; no window needs
  // to exceed the output the caller accepts.
  const windowLog = Math.min(31, Math.max(20, Math.ceil(Math.log2(Math.max(max, 1)))));
  dctx.setParameter(binding.DParameter.windowLogMax, windowLog);
  const out: Buffer[] = [];
  let total = 0;
  let src = data;
  let frameOpen = false;
  try {
    while (src.length > 0 || frameOpen) {
      // One byte beyond the allowance reveals output over the bound without producing more.
      const chunk = Buffer.allocUnsafe(Math.min(ZSTD_CHUNK, max - total + 1));
      const [pending, produced, consumed] = dctx.decompressStream(chunk, src);
      src = src.subarray(consumed);
      total += produced;
      if (total > max) throw tooLarge(CompressionType.Zstd, `over ${max}`, max);
      if (produced > 0) out.push(chunk.subarray(0, produced));
      frameOpen = pending !== 0;
      if (frameOpen && src.length === 0 && produced === 0) {
        throw corrupt(CompressionType.Zstd, 'truncated frame', data.length);
      }
    }
  } catch (e) {
    dctx.reset(binding.ResetDirective.sessionOnly);
    if (e instanceof DecompressionError) throw e;
    // zstd refuses a frame whose window exceeds windowLogMax before decoding any of it.
    if (/too much memory/i.test(messageOf(e))) throw tooLarge(CompressionType.Zstd, 'a window', max);
    throw corrupt(CompressionType.Zstd, messageOf(e));
  }
  return out.length === 1 ? out[0] : Buffer.concat(out, total);
}
