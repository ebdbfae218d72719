// Expected values were checked against java.util.Properties (JDK 17): load(Reader) for
// parsing, store(OutputStream) and store(Writer) for writing.
import { describe, expect, it } from 'vitest';
import { PropertiesError, parseOverride, parseProperties, stringifyProperties } from '../../../src/config/properties.js';

const parse = (text: string): Record<string, string> => Object.fromEntries(parseProperties(text));

describe('parseProperties reads what java.util.Properties reads', () => {
  it('accepts =, : and whitespace as the separator', () => {
    expect(parse('a=1\nb: 2\nc 3\n')).toEqual({ a: '1', b: '2', c: '3' });
  });

  it('drops whitespace around the separator, and takes one = or : after a whitespace separator', () => {
    expect(parse('key = value\nk2   :   v2\nk3\t\tv3\nk4 = = v4\nk5 : :v5\nk6  v6 = x\n')).toEqual({
      key: 'value',
      k2: 'v2',
      k3: 'v3',
      k4: '= v4',
      k5: ':v5',
      k6: 'v6 = x',
    });
  });

  it('skips # and ! comments, including indented ones, but not a # inside a value', () => {
    expect(parse('# c1\n! c2\n  # indented\na=1 # not a comment\n#x=y\n')).toEqual({ a: '1 # not a comment' });
  });

  it('skips blank and whitespace-only lines', () => {
    expect(parse('\n\n   \n\t\na=1\n\n')).toEqual({ a: '1' });
  });

  it('joins a line ending in a backslash with the next, dropping that line\'s leading whitespace', () => {
    expect(parse('a=hello \\\n    world\nb=one\\\n\ttwo\\\n  three\n')).toEqual({ a: 'hello world', b: 'onetwothree' });
  });

  it('continues only after an odd number of backslashes', () => {
    expect(parse('a=x\\\\\nb=y\n')).toEqual({ a: 'x\\', b: 'y' });
    expect(parse('a=x\\\\\\\n  y\n')).toEqual({ a: 'x\\y' });
  });

  it('drops a continuation backslash at the end of the text', () => {
    expect(parse('a=x\\')).toEqual({ a: 'x' });
  });

  it('ends a continued line at a blank line', () => {
    expect(parse('a=x\\\n   \nb=y\n')).toEqual({ a: 'x', b: 'y' });
  });

  it('reads a # on a continuation line as data, and a comment ending in a backslash as a whole comment', () => {
    expect(parse('a=x\\\n# not comment\nb=y\n')).toEqual({ a: 'x# not comment', b: 'y' });
    expect(parse('# comment \\\na=1\n')).toEqual({ a: '1' });
  });

  it('treats a continuation of an empty line as the start of a logical line', () => {
    expect(parse('\\\n#c\nx=1\n')).toEqual({ x: '1' });
    expect(parse('abc\\\n=1\n')).toEqual({ abc: '1' });
  });

  it('accepts \\r\\n and lone \\r line endings', () => {
    expect(parse('a=1\r\nb=2\r\nc=3\\\r\n  4\r\n')).toEqual({ a: '1', b: '2', c: '34' });
    expect(parse('a=1\rb=2\\\r  3\r')).toEqual({ a: '1', b: '23' });
  });

  it('decodes \\t \\n \\r \\f \\\\ and \\uXXXX; any other escaped character stands for itself', () => {
    expect(parse('a=\\t\\n\\r\\f\\\\\\u0041\\u00e9\nb=\\b\\x\\"\n')).toEqual({ a: '\t\n\r\f\\Aé', b: 'bx"' });
  });

  it('allows escaped separators and spaces in keys', () => {
    expect(parse('my\\ key=v\nk\\=x=v2\nk\\:y:v3\n\\#h=v4\n')).toEqual({ 'my key': 'v', 'k=x': 'v2', 'k:y': 'v3', '#h': 'v4' });
  });

  it('gives a key without a value the empty string, and allows an empty key', () => {
    expect(parse('a=\nb\nc:\n d \n')).toEqual({ a: '', b: '', c: '', d: '' });
    expect(parse('=v\n:w\n')).toEqual({ '': 'w' });
  });

  it('keeps trailing whitespace of a value and drops leading whitespace', () => {
    expect(parse('a=   v  \n')).toEqual({ a: 'v  ' });
  });

  it('keeps everything after the first separator, separators included', () => {
    expect(parse('url=http://x:9092/a=b\n')).toEqual({ url: 'http://x:9092/a=b' });
  });

  it('keeps non-ASCII text as it is', () => {
    expect(parse('name=caf\u00e9 \u2603\n')).toEqual({ name: 'café ☃' });
  });

  it('lets the last of a repeated key win while keeping the order of first appearance', () => {
    const props = parseProperties('a=1\nb=2\na=3\n');
    expect([...props]).toEqual([
      ['a', '3'],
      ['b', '2'],
    ]);
  });

  it('refuses a malformed \\u escape, as Properties.load does', () => {
    expect(() => parseProperties('a=\\u12G4\n')).toThrow(PropertiesError);
    expect(() => parseProperties('a=\\u12\n')).toThrow(/Malformed \\uxxxx encoding/);
  });

  it('reads a stock Kafka KRaft server.properties', () => {
    const text = [
      '############################# Server Basics #############################',
      '',
      '# The role of this server. Setting this puts us in KRaft mode',
      'process.roles=broker,controller',
      'node.id=1',
      'controller.quorum.voters=1@localhost:9093',
      'listeners=PLAINTEXT://:9092,CONTROLLER://:9093',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
      'log.dirs=/tmp/kraft-combined-logs',
      '#log.flush.interval.messages=10000',
      'log.retention.hours=168',
      '',
    ].join('\n');
    expect(parse(text)).toMatchObject({
      'process.roles': 'broker,controller',
      'node.id': '1',
      listeners: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      'log.retention.hours': '168',
    });
    expect(parseProperties(text).has('log.flush.interval.messages')).toBe(false);
  });
});

describe('stringifyProperties writes what Properties.store writes', () => {
  const props = new Map([
    ['plain', 'value'],
    ['sp ace', ' lead and inner space '],
    ['eq=colon:hash#bang!', 'a=b:c#d!e'],
    ['ctl', 't\tn\nr\rf\f'],
    ['back\\slash', 'c:\\dir\\x'],
    ['uni', 'caf\u00e9 \u2603 \u007f'],
    ['', ''],
  ]);

  it('escapes separators, comment characters, control characters and significant spaces', () => {
    expect(stringifyProperties(props).split('\n')).toEqual([
      'plain=value',
      'sp\\ ace=\\ lead and inner space ',
      'eq\\=colon\\:hash\\#bang\\!=a\\=b\\:c\\#d\\!e',
      'ctl=t\\tn\\nr\\rf\\f',
      'back\\\\slash=c\\:\\\\dir\\\\x',
      'uni=caf\\u00E9 \\u2603 \\u007F',
      '=',
      '',
    ]);
  });

  it('writes non-ASCII characters as they are when asked, as store(Writer) does', () => {
    expect(stringifyProperties(props, { escapeUnicode: false })).toContain('uni=café ☃ \u007f\n');
  });

  it('round-trips through parseProperties', () => {
    expect([...parseProperties(stringifyProperties(props))]).toEqual([...props]);
    expect([...parseProperties(stringifyProperties(props, { escapeUnicode: false }))]).toEqual([...props]);
  });

  it('writes comments first, one # line each', () => {
    const text = stringifyProperties(new Map([['cluster.id', 'abc']]), { comments: 'written by tk\n#kept' });
    expect(text).toBe('#written by tk\n#kept\ncluster.id=abc\n');
  });
});

describe('parseOverride', () => {
  it('splits at the first =', () => {
    expect(parseOverride('log.dirs=/data')).toEqual(['log.dirs', '/data']);
    expect(parseOverride('listeners=PLAINTEXT://:9092,X=Y')).toEqual(['listeners', 'PLAINTEXT://:9092,X=Y']);
  });

  it('accepts an empty value', () => {
    expect(parseOverride('advertised.listeners=')).toEqual(['advertised.listeners', '']);
  });

  it('refuses a flag without = or without a key', () => {
    expect(() => parseOverride('num.partitions')).toThrow(/Invalid override 'num.partitions': expected key=value/);
    expect(() => parseOverride('=3')).toThrow(PropertiesError);
  });
});
