// The two checksums of Kafka's record formats, over one native module: CRC-32C (Castagnoli)
// guards a v2 record batch, the older CRC-32 (IEEE) guards each magic 0/1 message. Both
// return the unsigned 32-bit value so it compares directly with a uint32 read from the wire.
import { crc32 as nativeCrc32, crc32c as nativeCrc32c } from '@node-rs/crc32';

/** CRC-32C of `data`; pass a previous result as `initial` to continue over a second range. */
export function crc32c(data: Uint8Array, initial = 0): number {
  return nativeCrc32c(data, initial) >>> 0;
}

/** CRC-32 (IEEE, zlib's) of `data`, as legacy messages carry. */
export function crc32(data: Uint8Array, initial = 0): number {
  return nativeCrc32(data, initial) >>> 0;
}
