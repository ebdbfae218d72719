// Consumer properties from --consumer-property / --consumer.config, read as Kafka's ConfigDef reads
// them, with its messages: shared by console-consumer and consumer-perf-test.
import { UserError } from './base-command.js';

const INT_MAX = 2 ** 31 - 1;

/** An INT consumer config (a number, at least 0), or undefined when not set. */
export function intProperty(props: ReadonlyMap<string, string>, name: string): number | undefined {
  const raw = props.get(name);
  if (raw === undefined) return undefined;
  const n = /^[+-]?\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n > INT_MAX) throw new UserError(`Invalid value ${raw} for configuration ${name}: Not a number of type INT`);
  if (n < 0) throw new UserError(`Invalid value ${raw} for configuration ${name}: Value must be at least 0`);
  return n;
}

/** A BOOLEAN consumer config, or undefined when not set. */
export function booleanProperty(props: ReadonlyMap<string, string>, name: string): boolean | undefined {
  const raw = props.get(name);
  if (raw === undefined) return undefined;
  const value = raw.trim().toLowerCase();
  if (value !== 'true' && value !== 'false') throw new UserError(`Invalid value ${raw} for configuration ${name}: Expected value to be either true or false`);
  return value === 'true';
}
