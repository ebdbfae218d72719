// LineMessageReader's behaviour (Kafka 3.9 ConsoleProducer.LineMessageReader): properties,
// parsing, and its exception messages word for word.
import { describe, expect, it } from 'vitest';
import { configureLineReader, javaSplit, LineParser, LineSplitter, ReaderError, type ParsedLine } from '../../../src/cli/console-producer/line-reader.js';

const parserWith = (props: Record<string, string>): LineParser => new LineParser('t', configureLineReader(new Map(Object.entries(props))));

/** Parsed records as strings, for readable expectations. */
function show(p: ParsedLine): { key: string | null; value: string | null; headers?: [string, string | null][] } {
  const out: ReturnType<typeof show> = { key: p.key?.toString('utf8') ?? null, value: p.value?.toString('utf8') ?? null };
  if (p.headers) out.headers = p.headers.map((h) => [h.key, h.value?.toString('utf8') ?? null]);
  return out;
}
const parse = (props: Record<string, string>, line: string | Buffer, n = 1) => show(parserWith(props).parse(Buffer.isBuffer(line) ? line : Buffer.from(line), n));

describe('line splitting as BufferedReader.readLine', () => {
  const split = (...chunks: string[]): string[] => {
    const s = new LineSplitter();
    const lines = chunks.flatMap((c) => s.push(Buffer.from(c, 'latin1')).map((l) => l.toString('latin1')));
    const last = s.end();
    return last === null ? lines : [...lines, last.toString('latin1')];
  };

  it.each([
    ['\\n', ['a\nb\n'], ['a', 'b']],
    ['\\r\\n', ['a\r\nb\r\n'], ['a', 'b']],
    ['a lone \\r', ['a\rb\r'], ['a', 'b']],
    ['a last line without a terminator', ['a\nb'], ['a', 'b']],
    ['empty lines', ['\n\na\n'], ['', '', 'a']],
    ['\\r\\r\\n as two terminators', ['a\r\r\nb'], ['a', '', 'b']],
    ['\\r at a chunk end and \\n at the next start as one', ['a\r', '\nb'], ['a', 'b']],
    ['\\r at a chunk end then text', ['a\r', 'b\n'], ['a', 'b']],
    ['a line across three chunks', ['ab', 'cd', 'e\nf'], ['abcde', 'f']],
    ['no input', [], []],
    ['an empty chunk', ['a', '', 'b\n'], ['ab']],
  ])('%s', (_, chunks, lines) => {
    expect(split(...chunks)).toEqual(lines);
  });
});

describe('parsing a line', () => {
  it('is the whole line as the value by default, with a null key', () => {
    expect(parse({}, 'a\tb:c')).toEqual({ key: null, value: 'a\tb:c' });
  });

  it('splits the key at the first key.separator', () => {
    expect(parse({ 'parse.key': 'true' }, 'k\tv\tw')).toEqual({ key: 'k', value: 'v\tw' });
    expect(parse({ 'parse.key': ' TRUE ' }, 'k\tv')).toEqual({ key: 'k', value: 'v' });
    expect(parse({ 'parse.key': 'yes' }, 'k\tv')).toEqual({ key: null, value: 'k\tv' });
  });

  it('takes a multi-character key.separator', () => {
    expect(parse({ 'parse.key': 'true', 'key.separator': '::' }, 'a:b::c::d')).toEqual({ key: 'a:b', value: 'c::d' });
  });

  it('gives an empty key and value when the line is only the separator', () => {
    expect(parse({ 'parse.key': 'true' }, '\t')).toEqual({ key: '', value: '' });
  });

  it('reads headers, then the key, then the value', () => {
    expect(parse({ 'parse.key': 'true', 'parse.headers': 'true' }, 'h1:v1,h2:v2\tk\tv')).toEqual({
      key: 'k',
      value: 'v',
      headers: [
        ['h1', 'v1'],
        ['h2', 'v2'],
      ],
    });
  });

  it('splits a header at its first headers.key.separator; the value may be empty', () => {
    expect(parse({ 'parse.headers': 'true' }, 'a:b:c,d:\tv').headers).toEqual([
      ['a', 'b:c'],
      ['d', ''],
    ]);
  });

  it('uses the configured header delimiters and separators', () => {
    expect(parse({ 'parse.headers': 'true', 'headers.delimiter': '|', 'headers.separator': ';', 'headers.key.separator': '=' }, 'a=1;b=2|v')).toEqual({
      key: null,
      value: 'v',
      headers: [
        ['a', '1'],
        ['b', '2'],
      ],
    });
  });

  it('treats headers.separator as a regular expression, as Java does', () => {
    expect(parse({ 'parse.headers': 'true', 'headers.separator': '[,;]' }, 'a:1;b:2,c:3\tv').headers).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
  });

  it('drops trailing empty header pairs as Java split does', () => {
    expect(parse({ 'parse.headers': 'true' }, 'a:1,,\tv').headers).toEqual([['a', '1']]);
  });

  it('fails on an empty headers section unless errors are ignored', () => {
    expect(() => parse({ 'parse.headers': 'true' }, '\tv', 4)).toThrow(new ReaderError("No header key separator found in pair '' on line number 4"));
    expect(parse({ 'parse.headers': 'true', 'ignore.error': 'true' }, '\tv').headers).toEqual([['', null]]);
  });

  it('replaces a key, value or header value equal to null.marker with null', () => {
    const props = { 'parse.key': 'true', 'parse.headers': 'true', 'null.marker': 'NULL' };
    expect(parse(props, 'h:NULL,g:x\tNULL\tNULL')).toEqual({ key: null, value: null, headers: [['h', null], ['g', 'x']] });
    expect(parse(props, 'h:1\tNULLx\tNULL ')).toEqual({ key: 'NULLx', value: 'NULL ', headers: [['h', '1']] });
  });

  it('drops all headers when the headers section equals null.marker', () => {
    expect(parse({ 'parse.headers': 'true', 'null.marker': '-' }, '-\tv')).toEqual({ key: null, value: 'v' });
  });

  it('an empty null.marker makes empty values null', () => {
    expect(parse({ 'null.marker': '' }, '')).toEqual({ key: null, value: null });
  });

  it('refuses a header key equal to null.marker, even when ignoring errors', () => {
    expect(() => parse({ 'parse.headers': 'true', 'null.marker': 'N', 'ignore.error': 'true' }, 'N:1\tv')).toThrow(
      new ReaderError("Header keys should not be equal to the null marker 'N' as they can't be null"),
    );
  });

  it('builds records for the configured topic', () => {
    expect(parserWith({}).parse(Buffer.from('v'), 1).topic).toBe('t');
  });

  it('matches separators on UTF-8 text', () => {
    expect(parse({ 'parse.key': 'true', 'key.separator': '→' }, Buffer.from('ké→v€', 'utf8'))).toEqual({ key: 'ké', value: 'v€' });
  });
});

describe("bytes as Java's UTF-8 decode and String.getBytes(UTF_8) leave them", () => {
  const lines = (...chunks: Buffer[]): Buffer[] => {
    const s = new LineSplitter();
    const out = chunks.flatMap((c) => s.push(c));
    const last = s.end();
    return last === null ? out : [...out, last];
  };

  it('keeps valid UTF-8 byte for byte, also when a character spans two chunks', () => {
    const text = Buffer.from('ké\t€ 😀\nnext', 'utf8');
    expect(lines(text)).toEqual([Buffer.from('ké\t€ 😀', 'utf8'), Buffer.from('next')]);
    const at = text.indexOf(Buffer.from('😀')) + 2;
    expect(lines(text.subarray(0, at), text.subarray(at))).toEqual([Buffer.from('ké\t€ 😀', 'utf8'), Buffer.from('next')]);
  });

  it('turns malformed sequences into U+FFFD, only in the lines that have them', () => {
    const input = Buffer.concat([Buffer.from('ok\n'), Buffer.from([0x61, 0xff, 0x62, 0xe2, 0x82]), Buffer.from('\nfine')]);
    expect(lines(input)).toEqual([Buffer.from('ok'), Buffer.from('a\ufffdb\ufffd', 'utf8'), Buffer.from('fine')]);
  });

  it('checks a joined line whose first part came from a malformed chunk', () => {
    expect(lines(Buffer.from([0x0a, 0xff, 0x61]), Buffer.from('b\n'))).toEqual([Buffer.from(''), Buffer.from('\ufffdab', 'utf8')]);
  });
});

describe('parse errors, as Kafka words them', () => {
  it.each([
    ['a missing key separator', { 'parse.key': 'true' }, 'no-separator', 7, "No key separator found on line number 7: 'no-separator'"],
    ['a missing headers delimiter', { 'parse.headers': 'true' }, 'h:1', 2, "No headers delimiter found on line number 2: 'h:1'"],
    ['a header pair without its key separator', { 'parse.headers': 'true' }, 'h1:1,h2\tv', 3, "No header key separator found in pair 'h2' on line number 3"],
    ['the key separator searched after the headers', { 'parse.headers': 'true', 'parse.key': 'true' }, 'h:1\tv', 5, "No key separator found on line number 5: 'h:1\tv'"],
  ])('%s', (_, props, line, n, message) => {
    let error: unknown;
    try {
      parse(props, line, n);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ReaderError);
    expect((error as ReaderError).message).toBe(message);
    expect((error as ReaderError).javaClass).toBe('org.apache.kafka.common.KafkaException');
  });

  it('with ignore.error a line without a key separator is all value with a null key', () => {
    expect(parse({ 'parse.key': 'true', 'ignore.error': 'true' }, 'just a value')).toEqual({ key: null, value: 'just a value' });
  });

  it('with ignore.error missing headers give no headers and the key is searched from the start', () => {
    expect(parse({ 'parse.headers': 'true', 'parse.key': 'true', 'ignore.error': 'true' }, 'k,v')).toEqual({ key: null, value: 'k,v' });
    expect(parse({ 'parse.headers': 'true', 'ignore.error': 'true' }, 'a:1,h2\tv').headers).toEqual([
      ['a', '1'],
      ['h2', null],
    ]);
  });
});

describe('configuration checks at start', () => {
  it.each([
    [{ 'headers.delimiter': ',' }, 'headers.delimiter and headers.separator may not be equal'],
    [{ 'headers.delimiter': ':' }, 'headers.delimiter and headers.key.separator may not be equal'],
    [{ 'headers.separator': ':' }, 'headers.separator and headers.key.separator may not be equal'],
    [{ 'null.marker': '\t' }, 'null.marker and key.separator may not be equal'],
    [{ 'null.marker': ',' }, 'null.marker and headers.separator may not be equal'],
    [{ 'key.separator': '|', 'null.marker': '\t' }, 'null.marker and headers.delimiter may not be equal'],
    [{ 'null.marker': ':' }, 'null.marker and headers.key.separator may not be equal'],
  ])('%o is refused: %s', (props, message) => {
    expect(() => configureLineReader(new Map(Object.entries(props)))).toThrow(new ReaderError(message));
  });

  it('has Kafka defaults', () => {
    expect(configureLineReader(new Map())).toEqual({
      parseKey: false,
      keySeparator: '\t',
      parseHeaders: false,
      headersDelimiter: '\t',
      headersSeparator: ',',
      headersKeySeparator: ':',
      ignoreError: false,
      nullMarker: undefined,
    });
  });

  it('refuses a headers.separator that is not a regular expression', () => {
    expect(() => configureLineReader(new Map([['headers.separator', '(']]))).toThrow(ReaderError);
  });
});

describe("Java's Pattern.split", () => {
  it.each([
    ['a,b', ',', ['a', 'b']],
    ['', ',', ['']],
    [',', ',', []],
    [',a', ',', ['', 'a']],
    ['a,,', ',', ['a']],
    ['abc', '', ['a', 'b', 'c']],
    ['a😀b', '', ['a', '😀', 'b']],
    ['nomatch', ';', ['nomatch']],
  ])('%j split by /%s/', (input, regex, parts) => {
    expect(javaSplit(input, new RegExp(regex, 'gu'))).toEqual(parts);
  });
});
