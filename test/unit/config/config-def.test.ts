import { describe, expect, it } from 'vitest';
import {
  type AnyConfigKey,
  ConfigDef,
  ConfigError,
  LONG_MAX_VALUE,
  Password,
  atLeast,
  between,
  eachOneOf,
  formatValue,
  oneOf,
  oneOfIgnoreCase,
  parseTyped,
  parseValue,
} from '../../../src/config/config-def.js';
import { ErrorCode } from '../../../src/protocol/errors.js';

const key = (k: Partial<AnyConfigKey> & Pick<AnyConfigKey, 'name' | 'type' | 'default'>): AnyConfigKey =>
  ({ importance: 'medium', dynamic: 'read-only', description: 'test key', ...k }) as AnyConfigKey;

describe('parsing a value by type, as Kafka does', () => {
  it('parses booleans ignoring case and surrounding whitespace', () => {
    expect(parseTyped('x', 'boolean', ' TRUE ')).toBe(true);
    expect(parseTyped('x', 'boolean', 'False')).toBe(false);
    expect(() => parseTyped('x', 'boolean', 'yes')).toThrow('Invalid value yes for configuration x: Expected value to be either true or false');
  });

  it('parses ints within 32 bits and names the key and type when a value is not one', () => {
    expect(parseTyped('num.partitions', 'int', ' +12 ')).toBe(12);
    expect(parseTyped('n', 'int', '-2147483648')).toBe(-2147483648);
    expect(() => parseTyped('num.partitions', 'int', 'abc')).toThrow('Invalid value abc for configuration num.partitions: Not a number of type INT');
    expect(() => parseTyped('n', 'int', '2147483648')).toThrow(/Not a number of type INT/);
    expect(() => parseTyped('n', 'int', '1.5')).toThrow(/Not a number of type INT/);
    expect(() => parseTyped('n', 'int', '')).toThrow(/Not a number of type INT/);
    expect(() => parseTyped('n', 'int', '1_000')).toThrow(/Not a number of type INT/);
  });

  it('parses shorts within 16 bits', () => {
    expect(parseTyped('rf', 'short', '3')).toBe(3);
    expect(() => parseTyped('rf', 'short', '32768')).toThrow(/Not a number of type SHORT/);
  });

  it('parses longs across the full 64-bit range, as numbers', () => {
    expect(parseTyped('ms', 'long', '604800000')).toBe(604800000);
    expect(parseTyped('ms', 'long', '9223372036854775807')).toBe(LONG_MAX_VALUE);
    expect(() => parseTyped('ms', 'long', '9223372036854775808')).toThrow(/Not a number of type LONG/);
  });

  it("parses doubles in Java's forms", () => {
    expect(parseTyped('r', 'double', '0.5')).toBe(0.5);
    expect(parseTyped('r', 'double', '.5')).toBe(0.5);
    expect(parseTyped('r', 'double', '1e-3')).toBe(0.001);
    expect(parseTyped('r', 'double', '2d')).toBe(2);
    expect(parseTyped('r', 'double', '-Infinity')).toBe(-Infinity);
    expect(() => parseTyped('r', 'double', 'half')).toThrow(/Not a number of type DOUBLE/);
  });

  it('splits lists on commas with their surrounding whitespace, keeping empty elements', () => {
    expect(parseTyped('l', 'list', ' compact , delete ')).toEqual(['compact', 'delete']);
    expect(parseTyped('l', 'list', 'a,,b')).toEqual(['a', '', 'b']);
    expect(parseTyped('l', 'list', '   ')).toEqual([]);
  });

  it('trims strings and hides passwords', () => {
    expect(parseTyped('s', 'string', '  x y  ')).toBe('x y');
    const secret = parseTyped('p', 'password', ' s3cret ');
    expect(secret).toBeInstanceOf(Password);
    expect(secret.value).toBe('s3cret');
    expect(`${secret}`).toBe('[hidden]');
    expect(JSON.stringify({ secret })).toBe('{"secret":"[hidden]"}');
  });

  it('takes class names as names, refusing what cannot be one', () => {
    expect(parseTyped('c', 'class', 'org.example.MyPolicy')).toBe('org.example.MyPolicy');
    expect(() => parseTyped('c', 'class', 'not a class')).toThrow(/Class not a class could not be found/);
  });
});

describe('validators', () => {
  it('report ranges in Kafka\'s words', () => {
    const k = key({ name: 'num.partitions', type: 'int', default: 1, validator: atLeast(1) });
    expect(() => parseValue(k, '0')).toThrow('Invalid value 0 for configuration num.partitions: Value must be at least 1');
    const ratio = key({ name: 'min.cleanable.dirty.ratio', type: 'double', default: 0.5, validator: between(0, 1) });
    expect(() => parseValue(ratio, '1.5')).toThrow('Value must be no more than 1');
    expect(parseValue(ratio, '1')).toBe(1);
  });

  it('check one-of for strings and each element of lists', () => {
    expect(oneOf('CreateTime', 'LogAppendTime').check('createtime')).toBe('String must be one of: CreateTime, LogAppendTime');
    expect(oneOfIgnoreCase('CreateTime', 'LogAppendTime').check('createtime')).toBeNull();
    expect(eachOneOf('compact', 'delete').check(['compact', 'delete'])).toBeNull();
    expect(eachOneOf('compact', 'delete').check(['compact', 'archive'])).toBe('String must be one of: compact, delete');
  });

  it('throw a ConfigError that carries the key, the value and INVALID_CONFIG', () => {
    const k = key({ name: 'num.partitions', type: 'int', default: 1 });
    try {
      parseValue(k, 'many');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const err = e as ConfigError;
      expect(err.configName).toBe('num.partitions');
      expect(err.value).toBe('many');
      expect(err.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    }
  });
});

describe('formatValue prints values as Kafka shows them', () => {
  it('prints Long.MAX_VALUE exactly, and integers without exponent', () => {
    expect(formatValue('long', LONG_MAX_VALUE)).toBe('9223372036854775807');
    expect(formatValue('long', -1)).toBe('-1');
    expect(formatValue('long', 1e15)).toBe('1000000000000000');
  });

  it("prints doubles in Java's notation", () => {
    expect(formatValue('double', 0.5)).toBe('0.5');
    expect(formatValue('double', 1)).toBe('1.0');
    expect(formatValue('double', 1e7)).toBe('1.0E7');
    expect(formatValue('double', 1.5e-4)).toBe('1.5E-4');
  });

  it('joins lists, hides passwords and keeps null as null', () => {
    expect(formatValue('list', ['compact', 'delete'])).toBe('compact,delete');
    expect(formatValue('password', new Password('x'))).toBe('[hidden]');
    expect(formatValue('string', null)).toBeNull();
  });
});

describe('ConfigDef', () => {
  const def = new ConfigDef([
    key({ name: 'log.retention.ms', type: 'long', default: null, synonyms: [{ name: 'log.retention.minutes', scale: 60_000 }, { name: 'log.retention.hours', scale: 3_600_000 }] }),
    key({ name: 'log.retention.minutes', type: 'int', default: null }),
    key({ name: 'log.retention.hours', type: 'int', default: 168 }),
    key({ name: 'num.partitions', type: 'int', default: 1, validator: atLeast(1) }),
  ]);

  it('refuses a key defined twice', () => {
    expect(() => new ConfigDef([key({ name: 'a', type: 'int', default: 1 }), key({ name: 'a', type: 'int', default: 2 })])).toThrow(/defined twice/);
  });

  it('fills defaults, tells explicit values apart and lists unknown names', () => {
    const parsed = def.parse(new Map([['num.partitions', '3'], ['foo', 'bar']]));
    expect(parsed.get('num.partitions', 'int')).toBe(3);
    expect(parsed.isSet('num.partitions')).toBe(true);
    expect(parsed.get('log.retention.hours', 'int')).toBe(168);
    expect(parsed.isSet('log.retention.hours')).toBe(false);
    expect(parsed.find('log.retention.ms', 'long')).toBeNull();
    expect(parsed.unknown).toEqual(['foo']);
  });

  it('throws at the first bad value', () => {
    expect(() => def.parse(new Map([['num.partitions', '0']]))).toThrow(/num.partitions: Value must be at least 1/);
  });

  it('guards against reading a key as the wrong type', () => {
    const parsed = def.parse(new Map());
    expect(() => parsed.get('num.partitions', 'long')).toThrow(/of type int, not long/);
  });

  it('resolves a key through its synonyms: explicit values first, in order, then defaults', () => {
    const resolve = (props: [string, string][]) => def.parse(new Map(props)).resolveNumber('log.retention.ms');
    expect(resolve([])).toEqual({ value: 168 * 3_600_000, from: 'log.retention.hours', explicit: false });
    expect(resolve([['log.retention.hours', '1']])).toEqual({ value: 3_600_000, from: 'log.retention.hours', explicit: true });
    expect(resolve([['log.retention.hours', '1'], ['log.retention.minutes', '5']])).toEqual({ value: 300_000, from: 'log.retention.minutes', explicit: true });
    expect(resolve([['log.retention.minutes', '5'], ['log.retention.ms', '42']])).toEqual({ value: 42, from: 'log.retention.ms', explicit: true });
  });
});
