import { describe, expect, it } from 'vitest';
import { checkGetOffsetsOptions, parseOffsetSpec, topicAndPartitionsFilter, topicPartitionsFilter } from '../../../src/cli/get-offsets-options.js';
import { renderOffsetsJson, renderOffsetsText, renderSkippedLine } from '../../../src/cli/render/get-offsets.js';

const MALFORMED = (raw: string): string =>
  `Malformed time argument ${raw}. Please use -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered, or a specified long format timestamp`;

/** Which of these topic-partitions a filter selects. */
function selected(filter: ReturnType<typeof topicPartitionsFilter>, candidates: [string, number][]): string[] {
  return candidates.filter(([t, p]) => filter.isTopicPartitionAllowed(t, p)).map(([t, p]) => `${t}:${p}`);
}

const ALL: [string, number][] = [
  ['orders', 0],
  ['orders', 1],
  ['orders', 2],
  ['orders', 3],
  ['audit', 0],
  ['audit', 5],
];

describe('get-offsets --time', () => {
  it('names and special timestamps map to offset specs, other numbers are timestamps', () => {
    const cases: [string, unknown][] = [
      ['latest', 'latest'],
      ['-1', 'latest'],
      ['earliest', 'earliest'],
      ['-2', 'earliest'],
      ['max-timestamp', 'max-timestamp'],
      ['-3', 'max-timestamp'],
      ['earliest-local', 'earliest-local'],
      ['-4', 'earliest-local'],
      ['latest-tiered', 'latest-tiered'],
      ['-5', 'latest-tiered'],
      ['1700000000000', 1_700_000_000_000n],
      ['+7', 7n],
      ['-6', -6n],
      ['9223372036854775807', 9_223_372_036_854_775_807n],
    ];
    for (const [raw, spec] of cases) expect(parseOffsetSpec(raw), raw).toEqual(spec);
  });

  it('anything else is malformed, as Long.parseLong would refuse it', () => {
    for (const raw of ['soon', '', ' 1', '1.5', '9223372036854775808', 'LATEST']) expect(() => parseOffsetSpec(raw), raw).toThrow(MALFORMED(raw));
  });
});

describe('get-offsets --topic and --partitions', () => {
  it('matches the regex against whole names and keeps only the listed partitions', () => {
    expect(selected(topicAndPartitionsFilter('ord.*', '1,3'), ALL)).toEqual(['orders:1', 'orders:3']);
    expect(selected(topicAndPartitionsFilter('ord', undefined), ALL)).toEqual([]);
    expect(selected(topicAndPartitionsFilter(undefined, '0'), ALL)).toEqual(['orders:0', 'audit:0']);
    expect(selected(topicAndPartitionsFilter('orders,audit', ''), ALL)).toHaveLength(6);
  });

  it('refuses partition ids that are not numbers and regexes that do not compile', () => {
    expect(() => topicAndPartitionsFilter('t', '0,x')).toThrow('--partitions expects a comma separated list of numeric partition ids, but received: 0,x');
    expect(() => topicAndPartitionsFilter('a(', undefined)).toThrow('a( is an invalid regex.');
  });
});

describe('get-offsets --topic-partitions', () => {
  it('reads each rule: a partition, a half-open range, open ends, or every partition', () => {
    expect(selected(topicPartitionsFilter('orders:2'), ALL)).toEqual(['orders:2']);
    expect(selected(topicPartitionsFilter('orders:1-3'), ALL)).toEqual(['orders:1', 'orders:2']);
    expect(selected(topicPartitionsFilter('orders:2-'), ALL)).toEqual(['orders:2', 'orders:3']);
    expect(selected(topicPartitionsFilter('orders:-1'), ALL)).toEqual(['orders:0']);
    expect(selected(topicPartitionsFilter('audit'), ALL)).toEqual(['audit:0', 'audit:5']);
    expect(selected(topicPartitionsFilter(':0'), ALL)).toEqual(['orders:0', 'audit:0']);
  });

  it('selects what any rule selects', () => {
    expect(selected(topicPartitionsFilter('orders:0-2,audit:5'), ALL)).toEqual(['orders:0', 'orders:1', 'audit:5']);
    const filter = topicPartitionsFilter('orders:3,aud.*:9');
    expect([filter.isTopicAllowed('orders'), filter.isTopicAllowed('audit'), filter.isTopicAllowed('other')]).toEqual([true, true, false]);
  });

  it('refuses a rule outside the grammar with the message Kafka prints for it', () => {
    expect(() => topicPartitionsFilter('orders:x')).toThrow('org.apache.kafka.tools.TerseException: Invalid rule specification: orders:x');
    expect(() => topicPartitionsFilter('orders:1:2')).toThrow('Invalid rule specification: orders:1:2');
    expect(() => topicPartitionsFilter('orders:99999999999')).toThrow('For input string: "99999999999"');
  });
});

describe('get-offsets argument checks', () => {
  it('refuses --topic-partitions with --topic or --partitions before anything else', () => {
    expect(() => checkGetOffsetsOptions({ topicPartitions: 't', partitions: '0', time: 'bogus' })).toThrow('--topic-partitions cannot be used with --topic or --partitions');
    expect(() => checkGetOffsetsOptions({ topicPartitions: 't', topic: 't' })).toThrow('--topic-partitions cannot be used with --topic or --partitions');
  });

  it('checks --time before the filters', () => {
    expect(() => checkGetOffsetsOptions({ topic: 'a(', time: 'bogus' })).toThrow(MALFORMED('bogus'));
    expect(checkGetOffsetsOptions({}).spec).toBe('latest');
  });
});

describe('get-offsets output', () => {
  it('prints topic:partition:offset sorted as Java sorts the strings topic-partition', () => {
    const offsets = [
      { topic: 't', partition: 2, offset: 5n },
      { topic: 't', partition: 10, offset: 3n },
      { topic: 'other', partition: 1, offset: 0n },
      { topic: 't', partition: 1, offset: 7n },
      { topic: 'T', partition: 0, offset: 1n },
    ];
    expect(renderOffsetsText(offsets)).toBe('T:0:1\nother:1:0\nt:1:7\nt:10:3\nt:2:5\n');
    expect(renderOffsetsText([])).toBe('');
  });

  it('JSON carries the same offsets in the same order, and the skipped partitions', () => {
    const skipped = [{ topic: 'x', partition: 0, javaClass: 'org.apache.kafka.common.errors.KafkaStorageException', message: 'Disk error when trying to access log file on the disk.' }];
    expect(JSON.parse(renderOffsetsJson([{ topic: 't', partition: 10, offset: 3n }, { topic: 't', partition: 1, offset: 7n }], skipped))).toEqual({
      offsets: [
        { topic: 't', partition: 1, offset: 7 },
        { topic: 't', partition: 10, offset: 3 },
      ],
      errors: [{ topic: 'x', partition: 0, error: 'org.apache.kafka.common.errors.KafkaStorageException: Disk error when trying to access log file on the disk.' }],
    });
    expect(renderSkippedLine(skipped[0]!)).toBe(
      'Skip getting offsets for topic-partition x-0 due to error: org.apache.kafka.common.errors.KafkaStorageException: Disk error when trying to access log file on the disk.\n',
    );
  });
});
