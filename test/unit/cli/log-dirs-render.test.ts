import { describe, expect, it } from 'vitest';
import { brokersToQuery, parseBrokerList, parseTopicList } from '../../../src/cli/log-dirs-options.js';
import { KEY_ORDER, QUERYING_LINE, logDirsDocument, renderLogDirsJson, renderLogDirsText, type BrokerLogDirsView } from '../../../src/cli/render/log-dirs.js';
import { javaHashOrder, javaStringHash } from '../../../src/cli/render/java.js';

const replica = (topic: string, partition: number, size = 0n) => ({ topic, partition, size, offsetLag: 0n, isFuture: false });

const BROKERS: BrokerLogDirsView[] = [
  {
    broker: 1,
    logDirs: [{ logDir: '/data/kafka', error: null, replicas: [replica('other', 0), replica('other', 1, 70n), replica('t', 0, 123n)] }],
  },
];

describe('log-dirs arguments', () => {
  it('splits the lists at commas, dropping empty entries', () => {
    expect([...parseTopicList('a,,b,')]).toEqual(['a', 'b']);
    expect([...parseTopicList(undefined)]).toEqual([]);
    expect(parseBrokerList('3,1,,2,1')).toEqual([1, 2, 3]);
    // Java 17 iterates a HashSet of these ids in this order.
    expect(parseBrokerList('5,1,4,17,33,2')).toEqual([1, 17, 33, 2, 4, 5]);
    expect(parseBrokerList(undefined)).toEqual([]);
  });

  it('refuses a broker id Integer.valueOf refuses, with its message', () => {
    expect(() => parseBrokerList('1,x')).toThrow('For input string: "x"');
    expect(() => parseBrokerList('99999999999')).toThrow('For input string: "99999999999"');
  });

  it('queries the brokers asked for, or all, and names the ones the cluster lacks', () => {
    expect(brokersToQuery([], [3, 1, 2])).toEqual([1, 2, 3]);
    expect(brokersToQuery([2], [1, 2, 3])).toEqual([2]);
    expect(() => brokersToQuery([5, 1, 4], [1, 2])).toThrow('ERROR: The given brokers do not exist from --broker-list: 4,5. Current existent brokers: 1,2');
  });
});

describe('log-dirs output', () => {
  it('writes each map with its keys in Java HashMap order', () => {
    // The order LogDirsCommand puts the keys in, then the order Java 17 printed them in.
    const putOrder = [
      ['version', 'brokers'],
      ['broker', 'logDirs'],
      ['logDir', 'error', 'partitions'],
      ['partition', 'size', 'offsetLag', 'isFuture'],
    ];
    expect(putOrder.map((keys) => javaHashOrder(keys, javaStringHash, 16))).toEqual(Object.values(KEY_ORDER));
    const doc = logDirsDocument(BROKERS, new Set()) as { brokers: { logDirs: object[] }[] };
    expect(Object.keys(doc)).toEqual(KEY_ORDER.root);
    expect(Object.keys(doc.brokers[0]!)).toEqual(KEY_ORDER.broker);
    expect(Object.keys(doc.brokers[0]!.logDirs[0]!)).toEqual(KEY_ORDER.logDir);
  });

  it('prints the two progress lines and the JSON line, partitions in TopicPartition hash order (as Java 17 ordered them)', () => {
    expect(QUERYING_LINE + renderLogDirsText([1], BROKERS, new Set())).toBe(
      'Querying brokers for log directories information\n' +
        'Received log directory information from brokers 1\n' +
        '{"brokers":[{"broker":1,"logDirs":[{"partitions":[' +
        '{"partition":"other-1","size":70,"offsetLag":0,"isFuture":false},' +
        '{"partition":"other-0","size":0,"offsetLag":0,"isFuture":false},' +
        '{"partition":"t-0","size":123,"offsetLag":0,"isFuture":false}' +
        '],"error":null,"logDir":"/data/kafka"}]}],"version":1}\n',
    );
  });

  it('keeps only the partitions of --topic-list, and writes 64-bit sizes whole', () => {
    const big: BrokerLogDirsView[] = [{ broker: 2, logDirs: [{ logDir: '/d', error: 'org.apache.kafka.common.errors.KafkaStorageException', replicas: [replica('t', 0, 2n ** 60n), replica('x', 0)] }] }];
    expect(renderLogDirsJson(big, new Set(['t']))).toBe(
      '{"brokers":[{"broker":2,"logDirs":[{"partitions":[{"partition":"t-0","size":1152921504606846976,"offsetLag":0,"isFuture":false}],"error":"org.apache.kafka.common.errors.KafkaStorageException","logDir":"/d"}]}],"version":1}\n',
    );
  });
});
