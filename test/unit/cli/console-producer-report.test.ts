// The failure lines and the JSON summary of tk console-producer.
import { describe, expect, it } from 'vitest';
import { DeliveryTally, exceptionLine, javaExceptionOf, sendFailureLine } from '../../../src/cli/console-producer/report.js';
import { ConnectionError } from '../../../src/client/connection.js';
import { ErrorCode, KafkaProtocolError } from '../../../src/protocol/errors.js';

describe('Java exception names', () => {
  it.each([
    [new KafkaProtocolError(ErrorCode.MESSAGE_TOO_LARGE, 'too big'), 'org.apache.kafka.common.errors.RecordTooLargeException: too big'],
    [new KafkaProtocolError(ErrorCode.NOT_ENOUGH_REPLICAS, 'isr'), 'org.apache.kafka.common.errors.NotEnoughReplicasException: isr'],
    [new KafkaProtocolError(ErrorCode.REQUEST_TIMED_OUT), 'org.apache.kafka.common.errors.TimeoutException: The request timed out.'],
    [new ConnectionError('connection to h:1 was closed by the broker', 'h:1'), 'org.apache.kafka.common.errors.NetworkException: connection to h:1 was closed by the broker'],
    [new Error('odd'), 'org.apache.kafka.common.KafkaException: odd'],
  ])('%s', (err, line) => {
    expect(exceptionLine(javaExceptionOf(err))).toBe(line);
  });
});

describe("ErrorLoggingCallback's line", () => {
  it('gives lengths, or null for a null key or value', () => {
    const e = { javaClass: 'org.apache.kafka.common.errors.RecordTooLargeException', message: 'm' };
    expect(sendFailureLine('t', -1, 5, e)).toBe('ERROR Error when sending message to topic t with key: null, value: 5 bytes with error: org.apache.kafka.common.errors.RecordTooLargeException: m\n');
    expect(sendFailureLine('t', 0, -1, e)).toBe('ERROR Error when sending message to topic t with key: 0 bytes, value: null with error: org.apache.kafka.common.errors.RecordTooLargeException: m\n');
  });
});

describe('the JSON summary', () => {
  it('lists partitions in order with their offset range as strings', () => {
    const tally = new DeliveryTally();
    tally.delivered(2, 7n);
    tally.delivered(0, 11n);
    tally.delivered(2, 5n);
    tally.delivered(0, 2n ** 60n);
    tally.failed = 1;
    expect(JSON.parse(tally.toJson('t'))).toEqual({
      topic: 't',
      records: 4,
      failed: 1,
      partitions: [
        { partition: 0, firstOffset: '11', lastOffset: '1152921504606846976', records: 2 },
        { partition: 2, firstOffset: '5', lastOffset: '7', records: 2 },
      ],
    });
  });
});
