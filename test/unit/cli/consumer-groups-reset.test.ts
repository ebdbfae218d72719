import { describe, expect, it } from 'vitest';
import type { TopicPartition } from '../../../src/client/cluster.js';
import { keyOf, parseDateTime, parseDuration, parseResetCsv, planGroupReset, ResetFailure, type LogFacts, type ScenarioValue } from '../../../src/cli/consumer-groups/reset.js';
import { renderExportCsv } from '../../../src/cli/consumer-groups/render.js';

/** A log of partitions orders-0..2 holding offsets [start, end), a group with committed offsets, and records at 1000 ms per offset. */
function facts(committed: Record<string, bigint>): LogFacts {
  const start: Record<number, bigint> = { 0: 2n, 1: 0n, 2: 0n };
  const end: Record<number, bigint> = { 0: 10n, 1: 5n, 2: 0n };
  const pick = (ps: readonly TopicPartition[], f: (p: number) => bigint): Map<string, bigint> => new Map(ps.map((p) => [keyOf(p), f(p.partition)]));
  return {
    earliest: async (ps) => pick(ps, (p) => start[p]!),
    latest: async (ps) => pick(ps, (p) => end[p]!),
    forTimestamp: async (ps, ts) => pick(ps, (p) => (ts / 1000n < end[p]! ? (ts / 1000n > start[p]! ? ts / 1000n : start[p]!) : -1n)),
    committed: async () => new Map(Object.entries(committed).map(([p, o]) => [keyOf({ topic: 'orders', partition: Number(p) }), o])),
  };
}
const all = [0, 1, 2].map((partition) => ({ topic: 'orders', partition }));
const plan = async (value: ScenarioValue, committed: Record<string, bigint> = {}, partitions = all) => planGroupReset('g', partitions, value, facts(committed));
const offsets = async (value: ScenarioValue, committed: Record<string, bigint> = {}, partitions = all) => (await plan(value, committed, partitions)).offsets.map((o) => `${o.partition}:${o.offset}`);

describe('reset plans', () => {
  it('--to-earliest and --to-latest take the log start and end', async () => {
    expect(await offsets({ scenario: 'to-earliest' })).toEqual(['0:2', '1:0', '2:0']);
    expect(await offsets({ scenario: 'to-latest' })).toEqual(['0:10', '1:5', '2:0']);
  });

  it('--to-offset is clamped into the log, with Kafka\'s warnings on stderr', async () => {
    const result = await plan({ scenario: 'to-offset', amount: 7n });
    expect(result.offsets.map((o) => o.offset)).toEqual([7n, 5n, 0n]);
    expect(result.notes.map((n) => n.stream)).toEqual(['stderr', 'stderr']);
    expect(result.notes[0]!.text).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] WARN New offset \(7\) is higher than latest offset for topic partition orders-1\. Value will be set to 5 \(org\.apache\.kafka\.tools\.consumer\.group\.ConsumerGroupCommand\)\n$/);
    expect((await plan({ scenario: 'to-offset', amount: 1n }, {}, [all[0]!])).notes[0]!.text).toContain('WARN New offset (1) is lower than earliest offset for topic partition orders-0. Value will be set to 2 (');
  });

  it('--shift-by moves the committed offsets, clamped, and needs one for every partition', async () => {
    expect(await offsets({ scenario: 'shift-by', amount: -3n }, { 0: 4n, 1: 4n }, all.slice(0, 2))).toEqual(['0:2', '1:1']);
    expect(await offsets({ scenario: 'shift-by', amount: 3n }, { 0: 4n, 1: 4n }, all.slice(0, 2))).toEqual(['0:7', '1:5']);
    await expect(plan({ scenario: 'shift-by', amount: 1n }, { 0: 4n })).rejects.toThrow('Cannot shift offset for partition orders-1 since there is no current committed offset');
  });

  it('--to-current keeps committed offsets and takes the log end elsewhere', async () => {
    expect(await offsets({ scenario: 'to-current' }, { 1: 3n })).toEqual(['0:10', '1:3', '2:0']);
  });

  it('--to-datetime and --by-duration fall back to the log end for a partition with nothing newer, saying so on stdout', async () => {
    const result = await plan({ scenario: 'to-datetime', timestamp: 4_000n });
    expect(result.offsets.map((o) => `${o.partition}:${o.offset}`)).toEqual(['0:4', '1:4', '2:0']);
    expect(result.notes).toEqual([{ stream: 'stdout', text: '\nWarn: Partition 2 from topic orders is empty. Falling back to latest known offset.\n' }]);
  });

  it('--from-file takes the file\'s offsets, clamped, and reports a group the file does not name', async () => {
    const file = parseResetCsv('orders,0,1\norders,1,3\n', ['g']);
    expect(await offsets({ scenario: 'from-file', plan: file })).toEqual(['0:2', '1:3']);
    const other = await planGroupReset('h', [], { scenario: 'from-file', plan: file }, facts({}));
    expect(other).toEqual({ offsets: [], notes: [{ stream: 'stdout', text: '\nError: No reset plan for group h found\n' }] });
  });
});

describe('CSV plans', () => {
  it('reads back what --export writes, for one group and for several', () => {
    const plans = [
      { group: 'g1', offsets: [{ topic: 'orders', partition: 0, offset: 5n }] },
      { group: 'g,2', offsets: [{ topic: 'orders', partition: 1, offset: 7n }] },
    ];
    expect(parseResetCsv(renderExportCsv(plans.slice(0, 1), true), ['g1'])).toEqual(new Map([['g1', [{ topic: 'orders', partition: 0, offset: 5n }]]]));
    expect(parseResetCsv(`${renderExportCsv(plans, false)}\n`, ['g1', 'g,2'])).toEqual(
      new Map([
        ['g1', [{ topic: 'orders', partition: 0, offset: 5n }]],
        ['g,2', [{ topic: 'orders', partition: 1, offset: 7n }]],
      ]),
    );
  });

  it('refuses a line that is not a plan', () => {
    expect(() => parseResetCsv('orders,zero,5\n', ['g'])).toThrow(ResetFailure);
  });
});

describe('dates and durations', () => {
  it('reads Kafka\'s datetime format, UTC without a zone', () => {
    expect(parseDateTime('2024-01-02T03:04:05.678')).toBe(BigInt(Date.UTC(2024, 0, 2, 3, 4, 5, 678)));
    expect(parseDateTime('2024-01-02T03:04:05.678+01:00')).toBe(BigInt(Date.UTC(2024, 0, 2, 2, 4, 5, 678)));
    expect(parseDateTime('2024-01-02T03:04:05.678-0130')).toBe(BigInt(Date.UTC(2024, 0, 2, 4, 34, 5, 678)));
    expect(() => parseDateTime('2024-01-02')).toThrow("java.text.ParseException: Error parsing timestamp. It does not contain a 'T' according to ISO8601 format");
    expect(() => parseDateTime('2024-01-02T03:04:05')).toThrow('java.text.ParseException: Unparseable date: "2024-01-02T03:04:05Z"');
    expect(() => parseDateTime('2024-02-30T03:04:05.000')).toThrow('Unparseable date');
  });

  it('reads Java durations', () => {
    expect(parseDuration('PT1H30M')).toBe(5_400_000n);
    expect(parseDuration('P1DT0.5S')).toBe(86_400_500n);
    expect(parseDuration('-PT10S')).toBe(-10_000n);
    for (const bad of ['P', 'PT', '1H', 'PT1X']) expect(() => parseDuration(bad)).toThrow('Text cannot be parsed to a Duration');
  });
});
