import { describe, expect, it } from 'vitest';
import { nodeToString, parseJson, parseOffsetJson } from '../../../src/cli/delete-records-options.js';
import { deleteRecordsResultOrder, renderDeleteRecordsJson, renderDeleteRecordsText } from '../../../src/cli/render/delete-records.js';
import { javaExceptionClass, javaHashMapCapacity, javaHashOrder, javaStringHash, topicPartitionHash } from '../../../src/cli/render/java.js';

const tp = (spec: string): { topic: string; partition: number } => {
  const at = spec.lastIndexOf(':');
  return { topic: spec.slice(0, at), partition: Number(spec.slice(at + 1)) };
};
const names = (list: readonly { topic: string; partition: number }[]): string => list.map((t) => `${t.topic}-${t.partition}`).join(',');

describe('Java hash order', () => {
  it('hashes strings and topic partitions as Java does', () => {
    expect(javaStringHash('hello')).toBe(99162322);
    expect(javaStringHash('')).toBe(0);
    expect(javaStringHash('a-rather-long-topic-name-that-overflows')).toBe(javaStringHash('a-rather-long-topic-name-that-overflows') | 0);
    expect(topicPartitionHash({ topic: 'hello', partition: 0 })).toBe(31 * 31 + 99162322);
  });

  it('sizes tables as HashMap does: 16 by default, doubled past three quarters', () => {
    expect([0, 12, 13, 24, 25].map((n) => javaHashMapCapacity(n))).toEqual([16, 16, 32, 32, 64]);
    expect(javaHashMapCapacity(1, 1)).toBe(2);
    expect(javaHashMapCapacity(3, 3)).toBe(4);
  });

  it('orders the keys of the small maps as java.util.HashMap does (seen from Java 17)', () => {
    const order = (keys: string[]): string[] => javaHashOrder(keys, javaStringHash, 16);
    expect(order(['version', 'brokers'])).toEqual(['brokers', 'version']);
    expect(order(['logDir', 'error', 'partitions'])).toEqual(['partitions', 'error', 'logDir']);
    expect(order(['partition', 'size', 'offsetLag', 'isFuture'])).toEqual(['partition', 'size', 'offsetLag', 'isFuture']);
  });

  it('prints delete results in the order DeleteRecordsCommand prints them (seen from Java 17)', () => {
    // The file order below, run through the same HashMap/HashSet steps in Java, printed this.
    const file = 't:0 t:1 t:2 t:3 t:4 t:5 t:6 t:7 t:8 t:9 t:10 t:11 other:0 other:1 events:3 events:17 a:0 zz:5 longer-topic-name:12 x:100 y:7 q:1 q:2 q:3 q:4 q:5 q:6'.split(' ').map(tp);
    expect(names(deleteRecordsResultOrder(file))).toBe(
      'other-0,t-11,t-9,q-5,t-7,q-3,t-5,q-1,t-3,y-7,t-1,x-100,zz-5,a-0,other-1,t-10,q-6,longer-topic-name-12,t-8,q-4,events-17,t-6,q-2,events-3,t-4,t-2,t-0',
    );
  });
  it('agrees with Java on a file of 60 entries with repeats and bucket collisions', () => {
    // Generated at random; Java 17 printed the two orders below for the same file.
    const file = 't:9 x:3 orders:34 orders:23 metrics.cpu:3 metrics.cpu:13 orders:5 x:26 orders:15 orders:35 x:3 zz:36 orders:14 a_b:40 metrics.cpu:3 metrics.cpu:37 x:3 audit:2 metrics.cpu:8 t:26 audit:34 orders:36 t:35 zz:11 orders:37 metrics.cpu:40 audit:23 orders:35 a_b:4 metrics.cpu:3 metrics.cpu:13 x:34 x:20 x:37 x:23 t:15 zz:11 a_b:15 orders:36 t:33 x:21 a_b:28 t:38 orders:7 metrics.cpu:26 audit:21 audit:31 x:2 a_b:4 zz:35 metrics.cpu:20 t:22 metrics.cpu:31 metrics.cpu:29 orders:5 t:30 a_b:4 orders:19 a_b:36 a_b:28'.split(' ').map(tp);
    const unique = file.filter((t, i) => file.findIndex((u) => u.topic === t.topic && u.partition === t.partition) === i);
    expect(names(deleteRecordsResultOrder(unique))).toBe(
      'a_b-4,metrics.cpu-20,x-23,x-21,t-15,orders-14,t-9,metrics.cpu-26,t-38,audit-31,metrics.cpu-37,metrics.cpu-31,x-3,zz-11,a_b-15,t-30,x-34,audit-2,orders-34,t-26,a_b-40,orders-36,metrics.cpu-8,zz-36,orders-5,t-22,x-26,a_b-36,orders-7,x-20,a_b-28,orders-15,audit-23,metrics.cpu-29,audit-21,orders-19,orders-23,metrics.cpu-3,t-35,t-33,x-37,audit-34,x-2,metrics.cpu-13,orders-35,metrics.cpu-40,zz-35,orders-37',
    );
    expect(() => parseOffsetJson(JSON.stringify({ partitions: file.map((t) => ({ ...t, offset: 1 })) }))).toThrow(
      'Offset json file contains duplicate topic partitions: a_b-4,metrics.cpu-3,zz-11,x-3,a_b-28,metrics.cpu-13,orders-35,orders-36,orders-5',
    );
  });
});

describe('the offset JSON file', () => {
  it('reads partitions in file order; version defaults to 1', () => {
    expect(parseOffsetJson('{"partitions":[{"topic":"t","partition":1,"offset":10},{"topic":"u","partition":0,"offset":-1}],"version":1}')).toEqual([
      { topic: 't', partition: 1, offset: 10n },
      { topic: 'u', partition: 0, offset: -1n },
    ]);
    expect(parseOffsetJson('{"partitions":[{"topic":"t","partition":0,"offset":9007199254740993}]} trailing')).toEqual([{ topic: 't', partition: 0, offset: 9007199254740993n }]);
    expect(parseOffsetJson('{"partitions":[]}')).toEqual([]);
  });

  it('refuses what Kafka refuses, with its messages', () => {
    const cases: [string, string][] = [
      ['', 'The input string is not a valid JSON'],
      ['{"partitions":[}', 'The input string is not a valid JSON'],
      ["{'partitions':[]}", 'The input string is not a valid JSON'],
      ['{"partitions":[],}', 'The input string is not a valid JSON'],
      ['[1, 2]', 'Expected JSON object, received [1,2]'],
      ['{"version":2,"partitions":[]}', 'Not supported version field value 2'],
      ['{"version":"1","partitions":[]}', 'Expected `Integer` value, received "1"'],
      ['{"version":null}', 'Expected `Integer` value, received null'],
      ['{"version":1}', 'Missing partitions field'],
      ['{"partitions":{"topic":"t"}}', 'Expected JSON array, received {"topic":"t"}'],
      ['{"partitions":[3]}', 'Expected JSON object, received 3'],
      ['{"partitions":[{"partition":0,"offset":1}]}', 'No such field exists: `topic`'],
      ['{"partitions":[{"topic":"t","offset":1}]}', 'No such field exists: `partition`'],
      ['{"partitions":[{"topic":"t","partition":0}]}', 'No such field exists: `offset`'],
      ['{"partitions":[{"topic":5,"partition":0,"offset":1}]}', 'Expected `String` value, received 5'],
      ['{"partitions":[{"topic":"t","partition":1.0,"offset":1}]}', 'Expected `Integer` value, received 1.0'],
      ['{"partitions":[{"topic":"t","partition":3000000000,"offset":1}]}', 'Expected `Integer` value, received 3000000000'],
      ['{"partitions":[{"topic":"t","partition":0,"offset":"5"}]}', 'Expected `Long` value, received "5"'],
      ['{"partitions":[{"topic":"t","partition":0,"offset":1e3}]}', 'Expected `Long` value, received 1000.0'],
      ['{"partitions":[{"topic":"t","partition":0,"offset":1},{"topic":"t","partition":0,"offset":2}]}', 'Offset json file contains duplicate topic partitions: t-0'],
    ];
    for (const [text, message] of cases) expect(() => parseOffsetJson(text), text).toThrow(message);
  });

  it('names every duplicate partition in Java set order', () => {
    const text = JSON.stringify({ partitions: ['t:1', 'a:0', 'a:0', 't:1', 'zz:5'].map((s) => ({ ...tp(s), offset: 1 })) });
    expect(() => parseOffsetJson(text)).toThrow('Offset json file contains duplicate topic partitions: a-0,t-1');
  });

  it('quotes nodes as Jackson prints them', () => {
    expect(nodeToString(parseJson('{"a" : [1, 2.5, 1e10, -0.0001, true, null, "q\\"\\n"]}'))).toBe('{"a":[1,2.5,1.0E10,-1.0E-4,true,null,"q\\"\\n"]}');
  });
});

describe('delete-records output', () => {
  const outcomes = [
    { topic: 't', partition: 0, lowWatermark: 10n, error: null },
    { topic: 't', partition: 1, lowWatermark: null, error: 'org.apache.kafka.common.errors.OffsetOutOfRangeException: The requested offset is not within the range of offsets maintained by the server.' },
  ];

  it('prints a line per partition with its low watermark or its error', () => {
    expect(renderDeleteRecordsText(outcomes)).toBe(
      'Records delete operation completed:\n' +
        'partition: t-0\tlow_watermark: 10\n' +
        'partition: t-1\terror: org.apache.kafka.common.errors.OffsetOutOfRangeException: The requested offset is not within the range of offsets maintained by the server.\n',
    );
  });

  it('JSON carries the same facts in the same order', () => {
    expect(JSON.parse(renderDeleteRecordsJson(outcomes))).toEqual({
      partitions: [
        { topic: 't', partition: 0, lowWatermark: 10 },
        { topic: 't', partition: 1, error: outcomes[1]!.error },
      ],
    });
  });

  it('names Kafka exceptions as its Errors enum does', () => {
    expect(javaExceptionClass('OFFSET_OUT_OF_RANGE')).toBe('org.apache.kafka.common.errors.OffsetOutOfRangeException');
    expect(javaExceptionClass('KAFKA_STORAGE_ERROR')).toBe('org.apache.kafka.common.errors.KafkaStorageException');
    expect(javaExceptionClass('TOPIC_AUTHORIZATION_FAILED')).toBe('org.apache.kafka.common.errors.TopicAuthorizationException');
    expect(javaExceptionClass('INVALID_TOPIC_EXCEPTION')).toBe('org.apache.kafka.common.errors.InvalidTopicException');
    expect(javaExceptionClass('REQUEST_TIMED_OUT')).toBe('org.apache.kafka.common.errors.TimeoutException');
    expect(javaExceptionClass('UNKNOWN_SERVER_ERROR')).toBe('org.apache.kafka.common.errors.UnknownServerException');
  });
});
