// Java `.properties` text, read and written the way java.util.Properties does, so a
// server.properties or client.properties written for Kafka's tools means the same to tk.
//
// The reader follows Properties.load's two passes: first natural lines (ended by \n, \r or
// \r\n) are joined into logical lines (a line ending in an odd number of backslashes
// continues on the next, whose leading whitespace is dropped; comments and blank lines are
// skipped), then each logical line is split at the first unescaped `=`, `:` or whitespace and
// its escapes are decoded. Kafka's tools read files as ISO-8859-1; tk takes already decoded
// text, so callers decode files as UTF-8, which agrees with ISO-8859-1 on ASCII files and
// keeps non-ASCII values readable.

/** Raised for text Properties.load would also reject (a malformed \uXXXX escape) and for bad --override flags. */
export class PropertiesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PropertiesError';
  }
}

const isLineWhitespace = (c: string): boolean => c === ' ' || c === '\t' || c === '\f';
const isLineBreak = (c: string): boolean => c === '\n' || c === '\r';

/** Joins natural lines into logical lines, dropping comments, blank lines and continuation backslashes. */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let line = '';
  let skipWhitespace = true; // at the start of a natural line
  let continuing = false; // that natural line continues the previous one
  let precedingBackslash = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i++]!;
    if (skipWhitespace) {
      if (isLineWhitespace(c)) continue;
      // Blank lines are skipped, except that one directly after a continuation ends the logical line.
      if (!continuing && isLineBreak(c)) continue;
      skipWhitespace = false;
      continuing = false;
    }
    // A comment is recognised only where a logical line would start.
    if (line.length === 0 && (c === '#' || c === '!')) {
      while (i < text.length && !isLineBreak(text[i]!)) i++;
      skipWhitespace = true;
      continue;
    }
    if (!isLineBreak(c)) {
      line += c;
      precedingBackslash = c === '\\' ? !precedingBackslash : false;
      continue;
    }
    if (line.length === 0) {
      skipWhitespace = true;
      continue;
    }
    if (precedingBackslash) {
      line = line.slice(0, -1);
      skipWhitespace = true;
      continuing = true;
      precedingBackslash = false;
      if (c === '\r' && text[i] === '\n') i++;
      continue;
    }
    lines.push(line);
    line = '';
    skipWhitespace = true;
  }
  // At the end of the text a trailing continuation backslash is simply dropped.
  if (line.length > 0) lines.push(precedingBackslash ? line.slice(0, -1) : line);
  return lines;
}

function unescape(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i++]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    if (i >= s.length) break; // a lone trailing backslash stands for nothing
    const e = s[i++]!;
    if (e === 'u') {
      const hex = s.slice(i, i + 4);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new PropertiesError('Malformed \\uxxxx encoding.');
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else if (e === 't') out += '\t';
    else if (e === 'n') out += '\n';
    else if (e === 'r') out += '\r';
    else if (e === 'f') out += '\f';
    else out += e; // any other escaped character stands for itself: \\ \= \: \# \! \  and also \b → b
  }
  return out;
}

function splitKeyValue(line: string): [key: string, value: string] {
  let keyEnd = 0;
  let valueStart = line.length;
  let hasSeparator = false;
  let precedingBackslash = false;
  while (keyEnd < line.length) {
    const c = line[keyEnd]!;
    if ((c === '=' || c === ':') && !precedingBackslash) {
      valueStart = keyEnd + 1;
      hasSeparator = true;
      break;
    }
    if (isLineWhitespace(c) && !precedingBackslash) {
      valueStart = keyEnd + 1;
      break;
    }
    precedingBackslash = c === '\\' ? !precedingBackslash : false;
    keyEnd++;
  }
  // Whitespace around the separator is dropped; `key = value` and `key value` both work, and
  // after a whitespace separator one `=` or `:` is still taken as the separator.
  while (valueStart < line.length) {
    const c = line[valueStart]!;
    if (!isLineWhitespace(c)) {
      if (!hasSeparator && (c === '=' || c === ':')) hasSeparator = true;
      else break;
    }
    valueStart++;
  }
  return [unescape(line.slice(0, keyEnd)), unescape(line.slice(valueStart))];
}

/**
 * Parses `.properties` text. Keys keep the order of their first appearance; a key given twice
 * keeps its last value, as Properties.load does.
 */
export function parseProperties(text: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const line of logicalLines(text)) {
    const [key, value] = splitKeyValue(line);
    props.set(key, value);
  }
  return props;
}

function escape(s: string, isKey: boolean, escapeUnicode: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const code = c.charCodeAt(0);
    switch (c) {
      case '\\':
        out += '\\\\';
        break;
      case ' ':
        // A space inside a value is kept as is; in a key, or leading a value, it would be read as a separator or dropped.
        out += isKey || i === 0 ? '\\ ' : ' ';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\f':
        out += '\\f';
        break;
      case '=':
      case ':':
      case '#':
      case '!':
        out += `\\${c}`;
        break;
      default:
        if (escapeUnicode && (code < 0x20 || code > 0x7e)) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
        else out += c;
    }
  }
  return out;
}

export interface StringifyPropertiesOptions {
  /** Written first, each line prefixed with `#` (lines already starting with `#` or `!` are kept). */
  comments?: string;
  /**
   * Escape characters outside printable ASCII as \uXXXX, as Properties.store(OutputStream) does
   * (default). With false they are written as they are, as store(Writer) does.
   */
  escapeUnicode?: boolean;
}

/**
 * Writes properties as Properties.store does: `key=value` lines with `\`, `=`, `:`, `#`, `!`,
 * control characters and significant spaces escaped, so parseProperties reads back the same map.
 * Unlike store, no date comment is written: tk's files stay byte-for-byte reproducible.
 */
export function stringifyProperties(props: ReadonlyMap<string, string>, options: StringifyPropertiesOptions = {}): string {
  const escapeUnicode = options.escapeUnicode ?? true;
  let out = '';
  if (options.comments !== undefined) {
    for (const line of options.comments.split(/\r\n|\r|\n/)) {
      out += line.startsWith('#') || line.startsWith('!') ? `${line}\n` : `#${line}\n`;
    }
  }
  for (const [key, value] of props) {
    out += `${escape(key, true, escapeUnicode)}=${escape(value, false, escapeUnicode)}\n`;
  }
  return out;
}

/**
 * Parses one `--override key=value` flag (kafka-server-start.sh's `--override`). The value is
 * everything after the first `=`, so it may itself contain `=`; `key=` gives an empty value.
 */
export function parseOverride(arg: string): [key: string, value: string] {
  const eq = arg.indexOf('=');
  if (eq < 0) throw new PropertiesError(`Invalid override '${arg}': expected key=value`);
  const key = arg.slice(0, eq);
  if (key.length === 0) throw new PropertiesError(`Invalid override '${arg}': the key is empty`);
  return [key, arg.slice(eq + 1)];
}
