// tk producer-perf-test's arguments, checked as ProducerPerformance's argparse4j parser checks
// them (Kafka 3.9), with its messages: a conversion or exclusivity error as the arguments come,
// then the last missing required argument, then the payload group, then the producer props.
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { readPropertiesFile } from '../common-flags.js';
import { ProducerConfigError, producerSettingsFrom, type ProducerSettings } from '../console-producer/options.js';
import { javaSplit } from './java-split.js';

/** An argparse4j error: Kafka prints `producer-performance: error: MESSAGE` after the usage. */
export class PerfUsageError extends Error {
  override name = 'PerfUsageError';
}

/** An exception Kafka's tool dies of (its stack trace's first line is this class and message). */
export class PerfRunError extends Error {
  override name = 'PerfRunError';
  constructor(
    readonly javaClass: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ProducerPerfFlags {
  topic?: string;
  'num-records'?: string;
  'record-size'?: string;
  'payload-file'?: string;
  'payload-delimiter'?: string;
  'payload-monotonic': boolean;
  throughput?: string;
  'producer-props'?: string[];
  'producer.config'?: string;
  'bootstrap-server'?: string;
}

export type PayloadSource = { kind: 'random'; recordSize: number } | { kind: 'file'; payloads: Buffer[] } | { kind: 'monotonic' };

export interface ProducerPerfPlan {
  topic: string;
  numRecords: number;
  throughput: number;
  payload: PayloadSource;
  producer: ProducerSettings;
}

const CONFIG_EXCEPTION = 'org.apache.kafka.common.config.ConfigException';
const PAYLOAD_FLAGS = ['record-size', 'payload-file', 'payload-monotonic'] as const;

/** Java's Long.valueOf / Integer.valueOf, as argparse4j converts an argument. */
function javaInteger(flag: string, value: string, type: 'Long' | 'Integer'): number {
  const bound = type === 'Long' ? 2n ** 63n : 2n ** 31n;
  if (/^[+-]?\d+$/.test(value) && BigInt(value) >= -bound && BigInt(value) < bound) return Number(value);
  throw new PerfUsageError(`argument --${flag}: could not convert '${value}' to ${type} (For input string: "${value}")`);
}

/** Java's Double.valueOf: surrounding whitespace, an optional f/d suffix, NaN and Infinity. */
function javaDouble(flag: string, value: string): number {
  const text = value.trim();
  const decimal = /^[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?)$/.exec(text);
  if (decimal !== null) return Number(text.replace(/[fFdD]$/, ''));
  const reason = text === '' ? 'empty String' : `For input string: "${value}"`;
  throw new PerfUsageError(`argument --${flag}: could not convert '${value}' to Double (${reason})`);
}

/** Where each flag first appears on the command line, so errors come in Kafka's order. */
function firstPositions(argv: readonly string[]): Map<string, number> {
  const positions = new Map<string, number>();
  argv.forEach((arg, i) => {
    const m = /^--([^=]+)/.exec(arg);
    if (m !== null && !positions.has(m[1]!)) positions.set(m[1]!, i);
  });
  return positions;
}

/** Checks the arguments; reads nothing. Throws PerfUsageError with argparse4j's message. */
export function checkProducerPerfArgs(flags: ProducerPerfFlags, argv: readonly string[]): { numRecords: number; throughput: number; recordSize: number | null } {
  const positions = firstPositions(argv);
  const given = (flag: string): boolean => positions.has(flag);
  let numRecords = 0;
  let throughput = 0;
  let recordSize: number | null = null;
  let payloadFlag: string | null = null;
  const inOrder = [...positions.entries()].sort((a, b) => a[1] - b[1]).map(([flag]) => flag);
  for (const flag of inOrder) {
    if (flag === 'num-records' && flags['num-records'] !== undefined) numRecords = javaInteger(flag, flags['num-records'], 'Long');
    if (flag === 'record-size' && flags['record-size'] !== undefined) recordSize = javaInteger(flag, flags['record-size'], 'Integer');
    if (flag === 'throughput' && flags.throughput !== undefined) throughput = javaDouble(flag, flags.throughput);
    if ((PAYLOAD_FLAGS as readonly string[]).includes(flag)) {
      if (payloadFlag !== null && payloadFlag !== flag) throw new PerfUsageError(`argument --${flag}: not allowed with argument --${payloadFlag}`);
      payloadFlag = flag;
    }
  }
  // argparse4j keeps the last required argument it finds missing, in declaration order.
  const missing = ['topic', 'num-records', 'throughput'].filter((flag) => !given(flag)).pop();
  if (missing !== undefined) throw new PerfUsageError(`argument --${missing} is required`);
  if (payloadFlag === null) throw new PerfUsageError('one of the arguments --record-size --payload-file --payload-monotonic is required');
  if (!given('producer-props') && !given('producer.config') && !given('bootstrap-server')) {
    throw new PerfUsageError('Either --producer-props or --producer.config must be specified.');
  }
  // Kafka 3.9 fails later on these with a Java exception; 4.x checks them here, as tk does.
  if (numRecords <= 0) throw new PerfUsageError('--num-records should be greater than zero');
  if (recordSize !== null && recordSize <= 0) throw new PerfUsageError('--record-size should be greater than zero');
  if (throughput === 0) throw new PerfUsageError('--throughput 0 would never send a record (Kafka waits forever): give a positive rate, or -1 for no limit');
  return { numRecords, throughput, recordSize };
}

/** Paths.get(p).toAbsolutePath(): relative to the working directory, not normalised. */
export function absolutePath(path: string): string {
  const cleaned = path.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
  return isAbsolute(cleaned) ? cleaned : `${process.cwd()}/${cleaned}`;
}

/** ProducerPerformance.readPayloadFile: the file split on the delimiter (a Java regex). */
export async function readPayloadFile(path: string, delimiter: string): Promise<Buffer[]> {
  const size = await stat(path).then((s) => (s.isDirectory() ? null : s.size), () => 0);
  if (size === 0) throw new PerfRunError('java.lang.IllegalArgumentException', 'File does not exist or empty file provided.');
  if (size === null) throw new PerfRunError('java.io.IOException', `${path}: Is a directory`);
  const text = (await readFile(path)).toString('utf8');
  try {
    return javaSplit(text, delimiter).map((payload) => Buffer.from(payload, 'utf8'));
  } catch (err) {
    if (err instanceof SyntaxError) throw new PerfRunError('java.util.regex.PatternSyntaxException', `--payload-delimiter ${delimiter}: ${err.message}`);
    throw err;
  }
}

/** ProducerPerformance.readProps, then tk's producer settings; refuses what tk's producer cannot do. */
export async function producerPerfSettings(flags: ProducerPerfFlags): Promise<ProducerSettings> {
  const props = flags['producer.config'] === undefined ? new Map<string, string>() : await readPropertiesFile(flags['producer.config'], 'producer.config');
  for (const prop of flags['producer-props'] ?? []) {
    const pieces = javaSplit(prop, '=');
    if (pieces.length !== 2) throw new PerfRunError('java.lang.IllegalArgumentException', `Invalid property: ${prop}`);
    props.set(pieces[0]!, pieces[1]!);
  }
  if (!props.get('client.id')) props.set('client.id', 'perf-producer-client');
  if (props.get('transactional.id')) throw new PerfRunError(CONFIG_EXCEPTION, 'transactional.id is not supported: tk\'s producer has no transactions yet');
  if (props.get('enable.idempotence')?.trim().toLowerCase() === 'true') {
    throw new PerfRunError(CONFIG_EXCEPTION, 'enable.idempotence=true is not supported yet: tk\'s producer sends without a producer id');
  }
  try {
    return producerSettingsFrom(props, flags['bootstrap-server']);
  } catch (err) {
    if (err instanceof ProducerConfigError) throw new PerfRunError(err.javaClass, err.message);
    throw err;
  }
}
