// The frame around a KRaft metadata record in a record's value: frame version, record type and
// record version as unsigned varints, then the record in its flexible encoding.
import type { MessageCodec } from './codec.js';
import { metadataRecordCodecs } from './generated/metadata-records.js';
import { DecodeError, Reader, Writer } from './primitives.js';

const FRAME_VERSION = 1;

export interface FramedRecord {
  type: number;
  version: number;
  message: unknown;
}

export function encodeMetadataFrame<T>(codec: MessageCodec<T>, message: T, version: number): Buffer {
  const w = new Writer(64);
  w.unsignedVarint(FRAME_VERSION).unsignedVarint(codec.apiKey!).unsignedVarint(version);
  codec.encode(w, message, version);
  return Buffer.from(w.finish());
}

export function decodeMetadataFrame(value: Buffer): FramedRecord {
  const r = new Reader(value);
  const frameVersion = r.unsignedVarint();
  if (frameVersion !== FRAME_VERSION) throw new DecodeError(`unknown metadata frame version ${frameVersion}`, 0);
  const type = r.unsignedVarint();
  const version = r.unsignedVarint();
  const codec = metadataRecordCodecs.get(type);
  if (!codec) throw new DecodeError(`unknown metadata record type ${type}`, r.offset);
  if (version < codec.validVersions.min || version > codec.validVersions.max) {
    throw new DecodeError(`unsupported version ${version} of metadata record ${codec.name}`, r.offset);
  }
  return { type, version, message: codec.decode(r, version) };
}
