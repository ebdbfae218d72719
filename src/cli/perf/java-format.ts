// Java's formatting as the perf tools print with it: String.format's %.Nf and SimpleDateFormat.
// Java rounds %.Nf HALF_UP on the shortest decimal that names the double (Double.toString's
// digits), so 1.005 prints 1.01 where JavaScript's toFixed, working on the binary value, gives 1.00.

/** String.format(`%.${decimals}f`, value) as Java prints it (%f is six decimals). */
export function javaFixed(value: number, decimals: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  const negative = value < 0 || Object.is(value, -0);
  // toExponential() without an argument gives the shortest digits that round-trip.
  const [mantissa, exponent] = Math.abs(value).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const kept = Number(exponent) + 1 + decimals;
  let scaled: bigint;
  if (kept < 0) scaled = 0n;
  else if (kept >= digits.length) scaled = BigInt(digits + '0'.repeat(kept - digits.length));
  else scaled = BigInt(digits.slice(0, kept) || '0') + (digits.charCodeAt(kept) >= 0x35 ? 1n : 0n);
  const text = scaled.toString().padStart(decimals + 1, '0');
  const whole = decimals === 0 ? text : `${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
  return negative ? `-${whole}` : whole;
}

/** A SimpleDateFormat pattern that cannot be used (Java throws IllegalArgumentException). */
export class DatePatternError extends Error {
  override name = 'DatePatternError';
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
/** Every letter SimpleDateFormat knows; the ones tk does not render are refused by name. */
const JAVA_LETTERS = 'GyYMLwWDdFEuaHkKhmsSzZX';

type Field = (d: Date, count: number) => string;

const pad = (n: number, count: number): string => String(n).padStart(count, '0');

function offset(d: Date, style: 'Z' | 'X', count: number): string {
  const minutes = -d.getTimezoneOffset();
  if (style === 'X' && minutes === 0) return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const hh = pad(Math.floor(Math.abs(minutes) / 60), 2);
  const mm = pad(Math.abs(minutes) % 60, 2);
  if (style === 'Z') return `${sign}${hh}${mm}`;
  return count === 1 ? `${sign}${hh}` : count === 2 ? `${sign}${hh}${mm}` : `${sign}${hh}:${mm}`;
}

function dayOfYear(d: Date): number {
  const start = new Date(d.getFullYear(), 0, 1);
  return Math.round((Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) - Date.UTC(start.getFullYear(), 0, 1)) / 86_400_000) + 1;
}

const FIELDS: Record<string, Field> = {
  G: () => 'AD',
  y: (d, n) => (n === 2 ? pad(d.getFullYear() % 100, 2) : pad(d.getFullYear(), n)),
  M: (d, n) => (n >= 4 ? MONTHS[d.getMonth()]! : n === 3 ? MONTHS[d.getMonth()]!.slice(0, 3) : pad(d.getMonth() + 1, n)),
  d: (d, n) => pad(d.getDate(), n),
  D: (d, n) => pad(dayOfYear(d), n),
  F: (d, n) => pad(Math.floor((d.getDate() - 1) / 7) + 1, n),
  E: (d, n) => (n >= 4 ? DAYS[d.getDay()]! : DAYS[d.getDay()]!.slice(0, 3)),
  u: (d, n) => pad(d.getDay() === 0 ? 7 : d.getDay(), n),
  a: (d) => (d.getHours() < 12 ? 'AM' : 'PM'),
  H: (d, n) => pad(d.getHours(), n),
  k: (d, n) => pad(d.getHours() === 0 ? 24 : d.getHours(), n),
  K: (d, n) => pad(d.getHours() % 12, n),
  h: (d, n) => pad(d.getHours() % 12 === 0 ? 12 : d.getHours() % 12, n),
  m: (d, n) => pad(d.getMinutes(), n),
  s: (d, n) => pad(d.getSeconds(), n),
  S: (d, n) => pad(d.getMilliseconds(), n),
  Z: (d) => offset(d, 'Z', 4),
  X: (d, n) => offset(d, 'X', n),
};
FIELDS.L = FIELDS.M!;

type Part = string | { field: Field; count: number };

/**
 * Compiles a SimpleDateFormat pattern into a formatter of epoch milliseconds in the local time
 * zone, as Java's default zone. Throws DatePatternError for what Java refuses ("Illegal pattern
 * character") and for the week-based and zone-name letters tk does not render.
 */
export function javaDateFormatter(pattern: string): (epochMs: number) => string {
  const parts: Part[] = [];
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      // '' is a quote; 'text' is literal text, in which '' is a quote too.
      if (pattern[i + 1] === "'") {
        parts.push("'");
        i += 2;
        continue;
      }
      let text = '';
      let j = i + 1;
      for (; j < pattern.length; j++) {
        if (pattern[j] !== "'") text += pattern[j];
        else if (pattern[j + 1] === "'") text += pattern[j++];
        else break;
      }
      if (j >= pattern.length) throw new DatePatternError('Unterminated quote');
      parts.push(text);
      i = j + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) {
      parts.push(c);
      i++;
      continue;
    }
    if (!JAVA_LETTERS.includes(c)) throw new DatePatternError(`Illegal pattern character '${c}'`);
    const field = FIELDS[c];
    if (field === undefined) throw new DatePatternError(`pattern letter '${c}' is not supported by tk`);
    let count = 1;
    while (pattern[i + count] === c) count++;
    parts.push({ field, count });
    i += count;
  }
  return (epochMs) => {
    const date = new Date(epochMs);
    return parts.map((p) => (typeof p === 'string' ? p : p.field(date, p.count))).join('');
  };
}
