// A small typed configuration definition system in the spirit of Kafka's ConfigDef: each key
// has a type, a default, a validator, an importance, whether it can change at run time, its
// synonyms and a one-line description. Values arrive as strings (properties files, --override,
// AlterConfigs requests) and are parsed the way Kafka parses them, so a value Kafka accepts is
// accepted here and one it rejects is rejected, with an error naming the key.
//
// LONG values are JavaScript numbers, not bigints. Every long config is a duration in ms, a
// byte count or a message count; realistic values are far below 2^53, and arithmetic with
// Date.now() and file positions wants numbers. Kafka's "unbounded" defaults (Long.MAX_VALUE,
// e.g. flush.messages, max.compaction.lag.ms) become 2^63 as a number: still larger than any
// real value, so comparisons behave, and formatValue prints them back as 9223372036854775807.
// Values between 2^53 and 2^63 lose precision, which no real duration or size notices.
import { ErrorCode } from '../protocol/errors.js';

/** Kafka's ConfigDef.Type names, lower-cased. `short` is there for replication factors, which Kafka types as SHORT. */
export type ConfigType = 'boolean' | 'short' | 'int' | 'long' | 'double' | 'string' | 'list' | 'class' | 'password';

/** A secret (Kafka's Password): it prints as `[hidden]` so it never reaches a log line by accident. */
export class Password {
  constructor(readonly value: string) {}
  toString(): string {
    return Password.HIDDEN;
  }
  toJSON(): string {
    return Password.HIDDEN;
  }
  static readonly HIDDEN = '[hidden]';
}

export interface ConfigValueByType {
  boolean: boolean;
  short: number;
  int: number;
  long: number;
  double: number;
  string: string;
  list: readonly string[];
  /** A Java class name. tk loads no classes; the name is kept so it can be described and refused with a clear message. */
  class: string;
  password: Password;
}
export type ConfigValue = ConfigValueByType[ConfigType];

/** Java's Long.MAX_VALUE as a number (2^63, see above): Kafka's default for "no limit". */
export const LONG_MAX_VALUE = 2 ** 63;
/** Java's Integer.MAX_VALUE. */
export const INT_MAX_VALUE = 2 ** 31 - 1;

export type ConfigImportance = 'high' | 'medium' | 'low';

/**
 * Whether a broker config can change without a restart, as Kafka's docs classify it:
 * `read-only` only from server.properties; `per-broker` dynamically for one broker;
 * `cluster-wide` dynamically for one broker or as a cluster-wide default.
 * Topic configs are all `cluster-wide`: a topic's override applies on every broker and can
 * be altered at any time.
 */
export type DynamicUpdateMode = 'read-only' | 'per-broker' | 'cluster-wide';

/** Checks a parsed value; returns what is wrong with it, or null. */
export interface Validator<V> {
  /** The valid values in words, for descriptions (`[1,...]`, `[compact, delete]`). */
  readonly describe: string;
  check(value: V): string | null;
}

/** A lower-precedence name for the same setting, e.g. log.retention.hours for log.retention.ms. */
export interface ConfigSynonym {
  readonly name: string;
  /** What a value of the synonym is multiplied by to be in this key's unit (3_600_000 for hours → ms). */
  readonly scale?: number;
}

export interface ConfigKey<T extends ConfigType = ConfigType> {
  readonly name: string;
  readonly type: T;
  /** null: no default; the key is unset unless given (Kafka's null defaults, e.g. log.retention.ms). */
  readonly default: ConfigValueByType[T] | null;
  readonly validator?: Validator<ConfigValueByType[T]>;
  readonly importance: ConfigImportance;
  readonly dynamic: DynamicUpdateMode;
  /** Other names for this setting, highest precedence first; this key's own value wins over all of them. */
  readonly synonyms?: readonly ConfigSynonym[];
  readonly description: string;
}
/** Any key, as a union discriminated by `type`, so a table of keys keeps each default typed. */
export type AnyConfigKey = { [T in ConfigType]: ConfigKey<T> }[ConfigType];

/** A value that is not acceptable for a key, or a combination of keys that is not. Maps to INVALID_CONFIG. */
export class ConfigError extends Error {
  readonly errorCode = ErrorCode.INVALID_CONFIG;
  constructor(
    message: string,
    /** The key the problem is about, when there is one. */
    readonly configName: string | null = null,
    readonly value: string | null = null,
  ) {
    super(message);
    this.name = 'ConfigError';
  }

  /** `Invalid value <value> for configuration <name>: <problem>`, the shape Kafka's tools and clients print. */
  static invalidValue(name: string, value: string, problem: string): ConfigError {
    return new ConfigError(`Invalid value ${value} for configuration ${name}: ${problem}`, name, value);
  }
}

// --- validators -----------------------------------------------------------------------------

function formatNumber(n: number): string {
  return Number.isInteger(n) ? formatLong(n) : String(n);
}

/** value ≥ min */
export function atLeast(min: number): Validator<number> {
  return {
    describe: `[${formatNumber(min)},...]`,
    check: (v) => (v < min ? `Value must be at least ${formatNumber(min)}` : null),
  };
}

/** min ≤ value ≤ max */
export function between(min: number, max: number): Validator<number> {
  return {
    describe: `[${formatNumber(min)},...,${formatNumber(max)}]`,
    check: (v) => {
      if (v < min) return `Value must be at least ${formatNumber(min)}`;
      if (v > max) return `Value must be no more than ${formatNumber(max)}`;
      return null;
    },
  };
}

/** One of the given strings, matched exactly (Kafka's ValidString). */
export function oneOf(...allowed: string[]): Validator<string> {
  return {
    describe: `[${allowed.join(', ')}]`,
    check: (v) => (allowed.includes(v) ? null : `String must be one of: ${allowed.join(', ')}`),
  };
}

/** One of the given strings, ignoring case (Kafka's CaseInsensitiveValidString). */
export function oneOfIgnoreCase(...allowed: string[]): Validator<string> {
  const lower = allowed.map((a) => a.toLowerCase());
  return {
    describe: `[${allowed.join(', ')}] (case insensitive)`,
    check: (v) => (lower.includes(v.toLowerCase()) ? null : `String must be one of (case insensitive): ${allowed.join(', ')}`),
  };
}

/** Every element of a list is one of the given strings (Kafka's ValidList). */
export function eachOneOf(...allowed: string[]): Validator<readonly string[]> {
  return {
    describe: `[${allowed.join(', ')}]`,
    check: (list) => (list.every((v) => allowed.includes(v)) ? null : `String must be one of: ${allowed.join(', ')}`),
  };
}

/** A validator written for one key. */
export function custom<V>(describe: string, check: (value: V) => string | null): Validator<V> {
  return { describe, check };
}

// --- parsing and formatting -----------------------------------------------------------------

// Java's String.trim removes every character up to and including the space, control characters included.
function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

const INTEGER = /^[+-]?\d+$/;
// Double.parseDouble's decimal forms, including a trailing type suffix (1.5d) and NaN/Infinity.
const DOUBLE = /^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?)$/;

const INTEGER_BOUNDS = {
  short: [-(2n ** 15n), 2n ** 15n - 1n],
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
} as const;

function parseInteger(name: string, raw: string, trimmed: string, type: 'short' | 'int' | 'long'): number {
  const [min, max] = INTEGER_BOUNDS[type];
  if (!INTEGER.test(trimmed)) throw ConfigError.invalidValue(name, raw, `Not a number of type ${type.toUpperCase()}`);
  const n = BigInt(trimmed);
  if (n < min || n > max) throw ConfigError.invalidValue(name, raw, `Not a number of type ${type.toUpperCase()}`);
  return Number(n);
}

const JAVA_CLASS_NAME = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

/** Parses a string into the key's type, the way Kafka's ConfigDef.parseType does (surrounding whitespace is ignored). */
export function parseTyped<T extends ConfigType>(name: string, type: T, raw: string): ConfigValueByType[T];
export function parseTyped(name: string, type: ConfigType, raw: string): ConfigValue {
  const trimmed = javaTrim(raw);
  switch (type) {
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      throw ConfigError.invalidValue(name, raw, 'Expected value to be either true or false');
    }
    case 'short':
    case 'int':
    case 'long':
      return parseInteger(name, raw, trimmed, type);
    case 'double': {
      if (!DOUBLE.test(trimmed)) throw ConfigError.invalidValue(name, raw, 'Not a number of type DOUBLE');
      const sign = trimmed.startsWith('-') ? -1 : 1;
      const unsigned = trimmed.replace(/^[+-]/, '');
      if (unsigned === 'NaN') return NaN;
      if (unsigned === 'Infinity') return sign * Infinity;
      return sign * Number(unsigned.replace(/[fFdD]$/, ''));
    }
    case 'string':
      return trimmed;
    case 'list':
      // Kafka splits on commas with the whitespace around them; empty elements are kept, an empty string is an empty list.
      return trimmed.length === 0 ? [] : trimmed.split(/\s*,\s*/);
    case 'class':
      if (!JAVA_CLASS_NAME.test(trimmed)) throw ConfigError.invalidValue(name, raw, `Class ${raw} could not be found.`);
      return trimmed;
    case 'password':
      return new Password(trimmed);
  }
}

/** What the key's validator finds wrong with an already typed value, or null. */
export function checkValue<T extends ConfigType>(key: ConfigKey<T>, value: ConfigValueByType[T]): string | null {
  return key.validator?.check(value) ?? null;
}

/** Parses and validates a value for a key. Throws ConfigError naming the key. */
export function parseValue<T extends ConfigType>(key: ConfigKey<T>, raw: string): ConfigValueByType[T] {
  const value = parseTyped(key.name, key.type, raw);
  const problem = checkValue(key, value);
  if (problem !== null) throw ConfigError.invalidValue(key.name, raw, problem);
  return value;
}

function formatLong(n: number): string {
  // 2^63 is how Long.MAX_VALUE arrives as a number; print what Kafka prints.
  if (n >= LONG_MAX_VALUE) return '9223372036854775807';
  if (n <= -LONG_MAX_VALUE) return '-9223372036854775808';
  return BigInt(n).toString();
}

// Double.toString: always a fraction digit; scientific notation outside [10^-3, 10^7).
function formatDouble(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  const abs = Math.abs(n);
  if (abs === 0 || (abs >= 1e-3 && abs < 1e7)) {
    const s = String(n);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = n.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}

/**
 * A value as Kafka shows it (ConfigDef.convertToString): lists joined with commas, doubles in
 * Java's notation, passwords hidden. This is the string DescribeConfigs returns.
 */
export function formatValue(type: ConfigType, value: ConfigValue | null): string | null {
  if (value === null) return null;
  if (value instanceof Password) return Password.HIDDEN;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return type === 'double' ? formatDouble(value) : formatLong(value);
  if (typeof value === 'string') return value;
  return value.join(',');
}

/** Kafka treats passwords as sensitive: DescribeConfigs returns no value for them. */
export function isSensitive(key: AnyConfigKey): boolean {
  return key.type === 'password';
}

// --- a set of keys, and the values parsed against it -----------------------------------------

/** A set of config keys (Kafka's ConfigDef). */
export class ConfigDef {
  private readonly byName = new Map<string, AnyConfigKey>();

  constructor(keys: readonly AnyConfigKey[]) {
    for (const key of keys) {
      if (this.byName.has(key.name)) throw new Error(`config ${key.name} is defined twice`);
      this.byName.set(key.name, key);
    }
  }

  key(name: string): AnyConfigKey | undefined {
    return this.byName.get(name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  keys(): AnyConfigKey[] {
    return [...this.byName.values()];
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /**
   * Parses every given value of a known key (throwing ConfigError at the first bad one) and
   * fills in defaults. Names this definition does not know are listed in `unknown`.
   */
  parse(props: ReadonlyMap<string, string>): ParsedConfig {
    const values = new Map<string, ConfigValue | null>();
    const unknown: string[] = [];
    for (const [name, raw] of props) {
      const key = this.byName.get(name);
      if (key === undefined) unknown.push(name);
      else values.set(name, parseValue(key as ConfigKey, raw));
    }
    return new ParsedConfig(this, props, values, unknown);
  }
}

/** A value with the key that supplied it: the key itself or one of its synonyms. */
export interface ResolvedValue<V> {
  readonly value: V;
  /** The name whose value (or default) was used. */
  readonly from: string;
  /** Whether that name was set explicitly, rather than its default used. */
  readonly explicit: boolean;
}

/** Values parsed against a ConfigDef (Kafka's AbstractConfig). */
export class ParsedConfig {
  constructor(
    readonly def: ConfigDef,
    /** The properties as given, known and unknown. */
    readonly originals: ReadonlyMap<string, string>,
    private readonly explicitValues: ReadonlyMap<string, ConfigValue | null>,
    /** Given names that the definition does not know, in the order given. */
    readonly unknown: readonly string[],
  ) {}

  /** Whether the key was given explicitly. */
  isSet(name: string): boolean {
    return this.explicitValues.has(name);
  }

  private keyOf(name: string, type: ConfigType): AnyConfigKey {
    const key = this.def.key(name);
    if (key === undefined) throw new Error(`config ${name} is not defined`);
    if (key.type !== type) throw new Error(`config ${name} is of type ${key.type}, not ${type}`);
    return key;
  }

  /** The value, or the default; null when neither exists. */
  find<T extends ConfigType>(name: string, type: T): ConfigValueByType[T] | null {
    const key = this.keyOf(name, type);
    const value = this.explicitValues.has(name) ? this.explicitValues.get(name)! : key.default;
    return value as ConfigValueByType[T] | null;
  }

  /** The value, or the default; for keys that always have one. */
  get<T extends ConfigType>(name: string, type: T): ConfigValueByType[T] {
    const value = this.find(name, type);
    if (value === null) throw new Error(`config ${name} has no value and no default`);
    return value;
  }

  /**
   * A numeric value following the key's synonyms, as Kafka's KafkaConfig does for
   * log.retention.ms/minutes/hours: the first name in [key, ...synonyms] that was set
   * explicitly wins; failing that, the first one with a default. Synonym values are scaled to
   * the key's unit.
   */
  resolveNumber(name: string): ResolvedValue<number> {
    const key = this.def.key(name);
    if (key === undefined) throw new Error(`config ${name} is not defined`);
    const chain: ConfigSynonym[] = [{ name }, ...(key.synonyms ?? [])];
    const numberOf = (synonym: ConfigSynonym, value: ConfigValue | null): number | null => {
      if (value === null) return null;
      if (typeof value !== 'number') throw new Error(`config ${synonym.name} is not numeric`);
      return value * (synonym.scale ?? 1);
    };
    for (const synonym of chain) {
      if (!this.explicitValues.has(synonym.name)) continue;
      const value = numberOf(synonym, this.explicitValues.get(synonym.name)!);
      if (value !== null) return { value, from: synonym.name, explicit: true };
    }
    for (const synonym of chain) {
      const value = numberOf(synonym, this.def.key(synonym.name)?.default ?? null);
      if (value !== null) return { value, from: synonym.name, explicit: false };
    }
    throw new Error(`config ${name} has no value and no default`);
  }
}
