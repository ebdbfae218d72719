// Java's %.Nf (HALF_UP on Double.toString's digits), SimpleDateFormat and SplittableRandom, each
// checked against what OpenJDK 17 printed for the same inputs.
import { describe, expect, it } from 'vitest';
import { javaDateFormatter, javaFixed, DatePatternError } from '../../../src/cli/perf/java-format.js';
import { javaSplit } from '../../../src/cli/perf/java-split.js';
import { fillRandomLetters, SplittableRandom } from '../../../src/cli/perf/splittable-random.js';

// [value, %.1f, %.2f, %.4f, %f] from String.format on OpenJDK 17.
const JAVA_FORMATTED: [number, string, string, string, string][] = [
  [0.125, '0.1', '0.13', '0.1250', '0.125000'],
  [1.005, '1.0', '1.01', '1.0050', '1.005000'],
  [2.675, '2.7', '2.68', '2.6750', '2.675000'],
  [0.05, '0.1', '0.05', '0.0500', '0.050000'],
  [0.15, '0.2', '0.15', '0.1500', '0.150000'],
  [1.45, '1.5', '1.45', '1.4500', '1.450000'],
  [1234567.891, '1234567.9', '1234567.89', '1234567.8910', '1234567.891000'],
  [0, '0.0', '0.00', '0.0000', '0.000000'],
  [-1.005, '-1.0', '-1.01', '-1.0050', '-1.005000'],
  [-0.04, '-0.0', '-0.04', '-0.0400', '-0.040000'],
  [1e-7, '0.0', '0.00', '0.0000', '0.000000'],
  [9.995, '10.0', '10.00', '9.9950', '9.995000'],
  [99.95, '100.0', '99.95', '99.9500', '99.950000'],
  [0.045, '0.0', '0.05', '0.0450', '0.045000'],
  [123456789012.345, '123456789012.3', '123456789012.35', '123456789012.3450', '123456789012.345000'],
  [1 / 3, '0.3', '0.33', '0.3333', '0.333333'],
  [2 / 3, '0.7', '0.67', '0.6667', '0.666667'],
  [5e-5, '0.0', '0.00', '0.0001', '0.000050'],
  [1e21, '1000000000000000000000.0', '1000000000000000000000.00', '1000000000000000000000.0000', '1000000000000000000000.000000'],
  [12.3456785, '12.3', '12.35', '12.3457', '12.345679'],
  [0.9999999, '1.0', '1.00', '1.0000', '1.000000'],
];

describe("Java's %.Nf", () => {
  it.each(JAVA_FORMATTED)('formats %d as Java does', (value, one, two, four, six) => {
    expect([javaFixed(value, 1), javaFixed(value, 2), javaFixed(value, 4), javaFixed(value, 6)]).toEqual([one, two, four, six]);
  });

  it('rounds half up where toFixed does not', () => {
    expect((1.005).toFixed(2)).toBe('1.00');
    expect(javaFixed(1.005, 2)).toBe('1.01');
  });

  it('prints NaN and the infinities as Java does', () => {
    expect([javaFixed(0 / 0, 1), javaFixed(1 / 0, 4), javaFixed(-1 / 0, 6)]).toEqual(['NaN', 'Infinity', '-Infinity']);
  });
});

describe('SimpleDateFormat', () => {
  // OpenJDK 17, TimeZone UTC, 1700000000123 ms.
  const at = Date.UTC(2023, 10, 14, 22, 13, 20, 123);
  const utcOffset = new Date(at).getTimezoneOffset() === 0;

  it.runIf(utcOffset).each([
    ['yyyy-MM-dd HH:mm:ss:SSS', '2023-11-14 22:13:20:123'],
    ['yy/M/d h:m:s a', '23/11/14 10:13:20 PM'],
    ['EEE, d MMM yyyy HH:mm:ss Z', 'Tue, 14 Nov 2023 22:13:20 +0000'],
    ["EEEE MMMM dd ''yy 'at' hh 'o''clock' S", "Tuesday November 14 '23 at 10 o'clock 123"],
    ["yyyy-MM-dd'T'HH:mm:ss.SSSXXX", '2023-11-14T22:13:20.123Z'],
    ['D k K', '318 22 10'],
  ])('formats %s as Java does', (pattern, expected) => {
    expect(javaDateFormatter(pattern)(at)).toBe(expected);
  });

  it('formats in the local time zone, as Java uses the default zone', () => {
    const local = new Date(at);
    expect(javaDateFormatter('HH:mm')(at)).toBe(`${String(local.getHours()).padStart(2, '0')}:${String(local.getMinutes()).padStart(2, '0')}`);
  });

  it("refuses a letter Java refuses, with Java's message", () => {
    expect(() => javaDateFormatter('yyyy-qq')).toThrow(new DatePatternError("Illegal pattern character 'q'"));
  });
});

describe('SplittableRandom(0)', () => {
  it("draws the letters Java's SplittableRandom(0).nextInt(26) + 65 draws", () => {
    const payload = new Uint8Array(60);
    fillRandomLetters(new SplittableRandom(0), payload);
    expect(Buffer.from(payload).toString()).toBe('YQHHNEBSEPDNSEIFGAMSUJXKOLTXSPLGHDIOYZJFNIDSPWHZMKVJAXDBZFCO');
  });

  it('draws the same bounded ints as Java, small and large bounds', () => {
    const random = new SplittableRandom(0);
    const small = Array.from({ length: 12 }, () => random.nextInt(7));
    const large = Array.from({ length: 6 }, () => random.nextInt(1_000_003));
    expect([...small, ...large]).toEqual([6, 2, 0, 5, 4, 6, 3, 2, 2, 2, 5, 2, 119992, 5134, 271201, 427932, 434236, 505551]);
  });
});

describe("Java's String.split", () => {
  it.each([
    ['a\nb\n\n', '\n', ['a', 'b']],
    ['\na\nb', '\n', ['', 'a', 'b']],
    ['\n\n', '\n', []],
    ['x,y;z', '[,;]', ['x', 'y', 'z']],
    ['abc', '', ['a', 'b', 'c']],
    ['key=value', '=', ['key', 'value']],
    ['key=', '=', ['key']],
    ['a=b=', '=', ['a', 'b']],
    ['a(b', '(\\()', ['a', 'b']],
  ])('splits %j on %j as Java does', (text, pattern, expected) => {
    expect(javaSplit(text, pattern)).toEqual(expected);
  });
});
