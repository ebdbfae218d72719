// kafka-console-producer.sh's LineMessageReader: stdin split into lines as Java's
// BufferedReader.readLine splits them (\n, \r or \r\n), and each line parsed into headers, key
// and value by the reader properties, with Kafka's validation and error messages word for word.
//
// Lines stay bytes: a line that is valid UTF-8 is passed through untouched, which is what Java's
// decode-then-String.getBytes(UTF_8) round trip gives for it, and separators are matched on their
// UTF-8 bytes (UTF-8 is self-synchronising, so a byte match is a character match). Only a line
// with malformed UTF-8 is decoded, its bad sequences becoming U+FFFD as Java's decoder makes them;
// the splitter checks whole chunks, so valid input costs one check per chunk, not one per line.
import { isUtf8 } from 'node:buffer';

/** Kafka's KafkaException from the reader: configuration that cannot work, or a line that does not parse. */
export class ReaderError extends Error {
  constructor(
    message: string,
    /** The Java exception class Kafka's tool names on stderr. */
    readonly javaClass = 'org.apache.kafka.common.KafkaException',
  ) {
    super(message);
    this.name = 'ReaderError';
  }
}

export interface LineReaderConfig {
  parseKey: boolean;
  keySeparator: string;
  parseHeaders: boolean;
  headersDelimiter: string;
  headersSeparator: string;
  headersKeySeparator: string;
  ignoreError: boolean;
  /** Unset unless given: a key, value or header value equal to it becomes null. */
  nullMarker: string | undefined;
}

export interface ParsedHeader {
  key: string;
  value: Buffer | null;
}

/** A record as Kafka's reader builds it: ProducerRecord(topic, key, value) with headers. */
export interface ParsedLine {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Absent when headers are not parsed, or equal the null marker. */
  headers?: ParsedHeader[];
}

// Java's String.trim().equalsIgnoreCase("true").
const isTrue = (value: string | undefined): boolean => value !== undefined && value.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '').toLowerCase() === 'true';

/** LineMessageReader.configure: the properties with their defaults, checked in Kafka's order. */
export function configureLineReader(props: ReadonlyMap<string, string>): LineReaderConfig {
  const config: LineReaderConfig = {
    parseKey: isTrue(props.get('parse.key')),
    keySeparator: props.get('key.separator') ?? '\t',
    parseHeaders: isTrue(props.get('parse.headers')),
    headersDelimiter: props.get('headers.delimiter') ?? '\t',
    headersSeparator: props.get('headers.separator') ?? ',',
    headersKeySeparator: props.get('headers.key.separator') ?? ':',
    ignoreError: isTrue(props.get('ignore.error')),
    nullMarker: props.get('null.marker'),
  };
  // Kafka compiles headers.separator as a regular expression before any other check.
  headersSeparatorPattern(config.headersSeparator);
  const { headersDelimiter, headersSeparator, headersKeySeparator, keySeparator, nullMarker } = config;
  if (headersDelimiter === headersSeparator) throw new ReaderError('headers.delimiter and headers.separator may not be equal');
  if (headersDelimiter === headersKeySeparator) throw new ReaderError('headers.delimiter and headers.key.separator may not be equal');
  if (headersSeparator === headersKeySeparator) throw new ReaderError('headers.separator and headers.key.separator may not be equal');
  if (nullMarker === keySeparator) throw new ReaderError('null.marker and key.separator may not be equal');
  if (nullMarker === headersSeparator) throw new ReaderError('null.marker and headers.separator may not be equal');
  if (nullMarker === headersDelimiter) throw new ReaderError('null.marker and headers.delimiter may not be equal');
  if (nullMarker === headersKeySeparator) throw new ReaderError('null.marker and headers.key.separator may not be equal');
  return config;
}

function headersSeparatorPattern(source: string): RegExp {
  // Java's Pattern works on code points, as the u flag does; a few Java-only escapes need it off.
  try {
    return new RegExp(source, 'gu');
  } catch {
    try {
      return new RegExp(source, 'g');
    } catch (err) {
      throw new ReaderError((err as Error).message, 'java.util.regex.PatternSyntaxException');
    }
  }
}

/**
 * Java's Pattern.split(input) with limit 0: no match gives the input itself; a zero-width match
 * at the start yields no leading empty string; trailing empty strings are dropped.
 */
export function javaSplit(input: string, pattern: RegExp): string[] {
  const parts: string[] = [];
  let index = 0;
  let matched = false;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(input); m !== null; m = pattern.exec(input)) {
    const start = m.index;
    const end = start + m[0].length;
    // An empty match moves on by one code point, as Java's Matcher does.
    if (end === start) pattern.lastIndex = start + ((input.codePointAt(start) ?? 0) > 0xffff ? 2 : 1);
    if (end === 0) continue;
    parts.push(input.slice(index, start));
    index = end;
    matched = true;
  }
  if (!matched) return [input];
  parts.push(input.slice(index));
  let length = parts.length;
  while (length > 0 && parts[length - 1] === '') length--;
  return parts.slice(0, length);
}

/** A line as the bytes Java would produce for it: itself when valid UTF-8, else re-encoded with U+FFFD. */
function asJavaUtf8(line: Buffer): Buffer {
  return isUtf8(line) ? line : Buffer.from(line.toString('utf8'), 'utf8');
}

/**
 * Parses lines from a LineSplitter (valid UTF-8) by a LineReaderConfig; line numbers count
 * from 1, as Kafka's messages do.
 */
export class LineParser {
  private readonly keySeparator: Buffer;
  private readonly headersDelimiter: Buffer;
  private readonly nullMarker: Buffer | null;
  private readonly headersPattern: RegExp;

  constructor(
    private readonly topic: string,
    private readonly config: LineReaderConfig,
  ) {
    this.keySeparator = Buffer.from(config.keySeparator);
    this.headersDelimiter = Buffer.from(config.headersDelimiter);
    this.nullMarker = config.nullMarker === undefined ? null : Buffer.from(config.nullMarker);
    this.headersPattern = headersSeparatorPattern(config.headersSeparator);
  }

  parse(line: Buffer, lineNumber: number): ParsedLine {
    const { config, nullMarker } = this;
    let valueStart = 0;
    let headers: Buffer | null = null;
    if (config.parseHeaders) {
      const at = this.find(line, 0, this.headersDelimiter, 'headers delimiter', lineNumber);
      if (at >= 0) {
        headers = line.subarray(0, at);
        valueStart = at + this.headersDelimiter.length;
      }
    }
    let key: Buffer | null = null;
    if (config.parseKey) {
      const at = this.find(line, valueStart, this.keySeparator, 'key separator', lineNumber);
      if (at >= 0) {
        key = line.subarray(valueStart, at);
        valueStart = at + this.keySeparator.length;
      }
    }
    const value = valueStart === 0 ? line : line.subarray(valueStart);
    const parsed: ParsedLine = {
      topic: this.topic,
      key: key !== null && !(nullMarker !== null && key.equals(nullMarker)) ? key : null,
      value: nullMarker !== null && value.equals(nullMarker) ? null : value,
    };
    if (headers !== null && !(nullMarker !== null && headers.equals(nullMarker))) parsed.headers = this.splitHeaders(headers.toString('utf8'), lineNumber);
    return parsed;
  }

  /** Where the separator is, from `start`; -1 when it is missing and errors are ignored. */
  private find(line: Buffer, start: number, separator: Buffer, name: string, lineNumber: number): number {
    const at = line.indexOf(separator, start);
    if (at === -1 && !this.config.ignoreError) {
      throw new ReaderError(`No ${name} found on line number ${lineNumber}: '${line.toString('utf8')}'`);
    }
    return at;
  }

  private splitHeaders(headers: string, lineNumber: number): ParsedHeader[] {
    const { headersKeySeparator, nullMarker, ignoreError } = this.config;
    return javaSplit(headers, this.headersPattern).map((pair) => {
      const at = pair.indexOf(headersKeySeparator);
      if (at === -1) {
        if (ignoreError) return { key: pair, value: null };
        throw new ReaderError(`No header key separator found in pair '${pair}' on line number ${lineNumber}`);
      }
      const key = pair.slice(0, at);
      if (key === nullMarker) throw new ReaderError(`Header keys should not be equal to the null marker '${nullMarker}' as they can't be null`);
      const value = pair.slice(at + headersKeySeparator.length);
      return { key, value: value === nullMarker ? null : Buffer.from(value, 'utf8') };
    });
  }
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into lines as BufferedReader.readLine does: a line ends at \n, \r or
 * \r\n (a \r at the end of one chunk and a \n at the start of the next are one terminator), and
 * a last line without a terminator still counts. Lines are views into the chunks when they can be.
 */
export class LineSplitter {
  private carry: Buffer[] = [];
  /** Whether every chunk the carried bytes came from was valid UTF-8 as a whole. */
  private carryUtf8 = true;
  private skipLF = false;

  /** The lines the chunk completes, in order, each as Java's UTF-8 round trip leaves it. */
  push(chunk: Buffer): Buffer[] {
    const lines: Buffer[] = [];
    if (chunk.length === 0) return lines;
    // Line ends are ASCII, so every line inside a valid chunk is valid; a line joined with
    // carried bytes is when those chunks were too.
    const chunkUtf8 = isUtf8(chunk);
    let start = 0;
    if (this.skipLF) {
      this.skipLF = false;
      if (chunk[0] === LF) start = 1;
    }
    let nextLF = chunk.indexOf(LF, start);
    let nextCR = chunk.indexOf(CR, start);
    while (nextLF !== -1 || nextCR !== -1) {
      let end: number;
      let next: number;
      if (nextCR === -1 || (nextLF !== -1 && nextLF < nextCR)) {
        end = nextLF;
        next = end + 1;
      } else {
        end = nextCR;
        if (end + 1 < chunk.length) next = chunk[end + 1] === LF ? end + 2 : end + 1;
        else {
          next = end + 1;
          this.skipLF = true;
        }
      }
      lines.push(this.complete(chunk.subarray(start, end), chunkUtf8));
      start = next;
      if (nextLF !== -1 && nextLF < start) nextLF = chunk.indexOf(LF, start);
      if (nextCR !== -1 && nextCR < start) nextCR = chunk.indexOf(CR, start);
    }
    if (start < chunk.length) {
      this.carry.push(chunk.subarray(start));
      this.carryUtf8 &&= chunkUtf8;
    }
    return lines;
  }

  /** At end of input: the last line when it had no terminator. */
  end(): Buffer | null {
    if (this.carry.length === 0) return null;
    return this.complete(Buffer.alloc(0), true);
  }

  private complete(piece: Buffer, pieceUtf8: boolean): Buffer {
    if (this.carry.length === 0) return pieceUtf8 ? piece : asJavaUtf8(piece);
    const line = Buffer.concat([...this.carry, piece]);
    const known = this.carryUtf8 && pieceUtf8;
    this.carry = [];
    this.carryUtf8 = true;
    return known ? line : asJavaUtf8(line);
  }
}
