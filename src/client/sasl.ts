// SASL as tk's client and daemon both need it: sasl.jaas.config read as Kafka's JaasConfig reads
// it (Java StreamTokenizer rules), and the SASL/PLAIN message (RFC 4616). SCRAM is in scram.ts.

/** The mechanisms tk speaks. */
export const SUPPORTED_SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanism = (typeof SUPPORTED_SASL_MECHANISMS)[number];

export const PLAIN_LOGIN_MODULE = 'org.apache.kafka.common.security.plain.PlainLoginModule';
export const SCRAM_LOGIN_MODULE = 'org.apache.kafka.common.security.scram.ScramLoginModule';

/** The login module sasl.jaas.config must name for a mechanism. */
export const loginModuleFor = (mechanism: SaslMechanism): string => (mechanism === 'PLAIN' ? PLAIN_LOGIN_MODULE : SCRAM_LOGIN_MODULE);

export interface SaslCredentials {
  mechanism: SaslMechanism;
  username: string;
  password: string;
}

export interface JaasEntry {
  loginModule: string;
  controlFlag: 'required' | 'requisite' | 'sufficient' | 'optional';
  options: Map<string, string>;
}

/** A sasl.jaas.config value tk cannot read; the message is Kafka's. */
export class JaasConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JaasConfigError';
  }
}

type Token = { kind: 'word' | 'quoted'; text: string } | { kind: 'number' } | { kind: 'char'; char: string };

const isWordStart = (c: string): boolean => /[A-Za-z_$-]/.test(c) || c.charCodeAt(0) >= 0xa0;
const isWordPart = (c: string): boolean => isWordStart(c) || /[0-9.]/.test(c);
const QUOTE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Java's StreamTokenizer as JaasConfig sets it up: words, quoted strings, numbers, comments, single characters. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c <= ' ') {
      i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === '/') {
      // `//` and, as StreamTokenizer's default comment character, a lone `/` run to the end of the line.
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (c === '"' || c === "'") {
      let value = '';
      i++;
      while (i < text.length && text[i] !== c && text[i] !== '\n' && text[i] !== '\r') {
        if (text[i] === '\\' && i + 1 < text.length) {
          const next = text[i + 1]!;
          const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4))?.[0];
          if (octal !== undefined) {
            value += String.fromCharCode(parseInt(octal, 8) & 0xff);
            i += 1 + octal.length;
          } else {
            value += QUOTE_ESCAPES[next] ?? next;
            i += 2;
          }
        } else {
          value += text[i++];
        }
      }
      if (text[i] === c) i++;
      tokens.push({ kind: 'quoted', text: value });
    } else if (/[0-9.]/.test(c)) {
      while (i < text.length && /[0-9.]/.test(text[i]!)) i++;
      tokens.push({ kind: 'number' });
    } else if (isWordStart(c)) {
      const start = i;
      while (i < text.length && isWordPart(text[i]!)) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i) });
    } else {
      tokens.push({ kind: 'char', char: c });
      i++;
    }
  }
  return tokens;
}

const textOf = (t: Token | undefined): string | null => (t !== undefined && (t.kind === 'word' || t.kind === 'quoted') ? t.text : null);

/** Parses a sasl.jaas.config value into its login module entries, refusing what Kafka refuses. */
export function parseJaasConfig(value: string): JaasEntry[] {
  const tokens = tokenize(value);
  const entries: JaasEntry[] = [];
  let i = 0;
  while (i < tokens.length) {
    const loginModule = textOf(tokens[i++]) ?? 'null';
    if (i >= tokens.length) throw new JaasConfigError('Login module control flag not specified in JAAS config');
    const flagText = textOf(tokens[i++]);
    if (flagText === null) throw new JaasConfigError('Login module control flag is not available in the JAAS config');
    const controlFlag = flagText.toLowerCase();
    if (controlFlag !== 'required' && controlFlag !== 'requisite' && controlFlag !== 'sufficient' && controlFlag !== 'optional') {
      throw new JaasConfigError(`Invalid login module control flag '${flagText}' in JAAS config`);
    }
    const options = new Map<string, string>();
    let terminated = false;
    while (i < tokens.length) {
      const token = tokens[i++]!;
      if (token.kind === 'char' && token.char === ';') {
        terminated = true;
        break;
      }
      const key = textOf(token) ?? 'null';
      const equals = tokens[i++];
      const optionValue = textOf(tokens[i++]);
      if (equals?.kind !== 'char' || equals.char !== '=' || optionValue === null) throw new JaasConfigError(`Value not specified for key '${key}' in JAAS config`);
      options.set(key, optionValue);
    }
    if (!terminated) throw new JaasConfigError('JAAS config entry not terminated by semi-colon');
    entries.push({ loginModule, controlFlag, options });
  }
  if (entries.length === 0) throw new JaasConfigError('Login module not specified in JAAS config');
  return entries;
}

/** The PLAIN client message: authorization id (empty: the same as the user), user, password. */
export function plainClientMessage(username: string, password: string): Buffer {
  return Buffer.from(`\0${username}\0${password}`, 'utf8');
}
