import { describe, expect, it } from 'vitest';
import { OutputBuffer, formatterConfigFrom, writeJson, writeText, writeTextBatch, type FormattableRecord } from '../../../src/cli/console-consumer/formatter.js';
import { TimestampType } from '../../../src/protocol/records.js';

const record = (over: Partial<FormattableRecord> = {}): FormattableRecord => ({
  topic: 'events',
  partition: 3,
  offset: 42n,
  timestamp: 1_700_000_000_000n,
  timestampType: TimestampType.CreateTime,
  key: Buffer.from('k'),
  value: Buffer.from('v'),
  headers: [
    { key: 'h1', value: Buffer.from('x') },
    { key: 'h2', value: Buffer.from('y') },
  ],
  leaderEpoch: 7,
  ...over,
});

function text(props: Record<string, string>, r: FormattableRecord = record()): Buffer {
  const out = new OutputBuffer();
  writeText(out, r, formatterConfigFrom(new Map(Object.entries(props))));
  return out.take();
}

const str = (props: Record<string, string>, r?: FormattableRecord): string => text(props, r).toString('latin1');

describe("DefaultMessageFormatter's output", () => {
  it('prints only the value and a newline by default', () => {
    expect(str({})).toBe('v\n');
  });

  it('prints every field in Kafka order, tab-separated', () => {
    const all = { 'print.timestamp': 'true', 'print.partition': 'true', 'print.offset': 'true', 'print.delivery': 'true', 'print.epoch': 'true', 'print.headers': 'true', 'print.key': 'true' };
    expect(str(all)).toBe('CreateTime:1700000000000\tPartition:3\tOffset:42\tDelivery:NOT_PRESENT\tEpoch:7\th1:x,h2:y\tk\tv\n');
  });

  it.each([
    ['print.timestamp', 'CreateTime:1700000000000\tv\n'],
    ['print.partition', 'Partition:3\tv\n'],
    ['print.offset', 'Offset:42\tv\n'],
    ['print.delivery', 'Delivery:NOT_PRESENT\tv\n'],
    ['print.epoch', 'Epoch:7\tv\n'],
    ['print.headers', 'h1:x,h2:y\tv\n'],
    ['print.key', 'k\tv\n'],
  ])('%s=true adds its field before the value', (property, expected) => {
    expect(str({ [property]: 'true' })).toBe(expected);
  });

  it('ends the last printed field with line.separator when the value is not printed', () => {
    expect(str({ 'print.value': 'false', 'print.key': 'true' })).toBe('k\n');
    expect(str({ 'print.value': 'false', 'print.offset': 'true', 'print.partition': 'true' })).toBe('Partition:3\tOffset:42\n');
    expect(str({ 'print.value': 'false' })).toBe('');
  });

  it('reads a print.* property as true only when it says true (any case, trimmed)', () => {
    expect(str({ 'print.key': ' TRUE ' })).toBe('k\tv\n');
    expect(str({ 'print.key': 'yes' })).toBe('v\n');
    expect(str({ 'print.value': 'no' })).toBe('');
  });

  it('uses key.separator, line.separator and headers.separator', () => {
    const props = { 'print.key': 'true', 'print.headers': 'true', 'key.separator': ' | ', 'line.separator': '\r\n', 'headers.separator': ';' };
    expect(str(props)).toBe('h1:x;h2:y | k | v\r\n');
    expect(str({ 'print.key': 'true', 'key.separator': '' })).toBe('kv\n');
  });

  it('prints null.literal for a null key, value or header value', () => {
    const r = record({ key: null, value: null, headers: [{ key: 'h', value: null }] });
    expect(str({ 'print.key': 'true', 'print.headers': 'true' }, r)).toBe('h:null\tnull\tnull\n');
    expect(str({ 'print.key': 'true', 'print.headers': 'true', 'null.literal': '<nil>' }, r)).toBe('h:<nil>\t<nil>\t<nil>\n');
  });

  it('prints NO_HEADERS for a record without headers', () => {
    expect(str({ 'print.headers': 'true' }, record({ headers: [] }))).toBe('NO_HEADERS\tv\n');
  });

  it('names the timestamp type, and NO_TIMESTAMP for a message without one', () => {
    expect(str({ 'print.timestamp': 'true' }, record({ timestampType: TimestampType.LogAppendTime, timestamp: 5n }))).toBe('LogAppendTime:5\tv\n');
    expect(str({ 'print.timestamp': 'true' }, record({ timestampType: TimestampType.NoTimestampType, timestamp: -1n }))).toBe('NO_TIMESTAMP\tv\n');
    expect(str({ 'print.timestamp': 'true' }, record({ timestamp: -1n }))).toBe('CreateTime:-1\tv\n');
  });

  it('prints Epoch:NOT_PRESENT without a leader epoch and Delivery:N for a share consumer count', () => {
    expect(str({ 'print.epoch': 'true', 'print.delivery': 'true' }, record({ leaderEpoch: null, deliveryCount: 2 }))).toBe('Delivery:2\tEpoch:NOT_PRESENT\tv\n');
  });

  it('writes keys, values and header values as their raw bytes, and separators as UTF-8', () => {
    const binary = Buffer.from([0xff, 0x00, 0xc3, 0x28]);
    const out = text({ 'print.key': 'true', 'print.headers': 'true', 'key.separator': '→' }, record({ key: binary, value: binary, headers: [{ key: 'é', value: binary }] }));
    expect(out).toEqual(Buffer.concat([Buffer.from('é:', 'utf8'), binary, Buffer.from('→', 'utf8'), binary, Buffer.from('→', 'utf8'), binary, Buffer.from('\n')]));
  });

  it('formats a batch into one buffer, growing past its first capacity', () => {
    const big = Buffer.alloc(700_000, 0x61);
    const out = new OutputBuffer();
    writeTextBatch(out, [record({ value: big }), record({ value: null }), record({ value: big })], formatterConfigFrom(new Map()));
    const bytes = out.take();
    expect(bytes.length).toBe(700_001 + 5 + 700_001);
    expect(bytes.subarray(700_001, 700_006).toString()).toBe('null\n');
    expect(out.take().length).toBe(0);
  });
});

describe('--output json', () => {
  it('writes one object per record per line', () => {
    const out = new OutputBuffer();
    writeJson(out, record());
    writeJson(out, record({ key: null, headers: [{ key: 'h', value: null }], leaderEpoch: null, timestampType: TimestampType.LogAppendTime }));
    const lines = out.take().toString('utf8').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0]!)).toEqual({
      topic: 'events',
      partition: 3,
      offset: 42,
      timestamp: 1_700_000_000_000,
      timestampType: 'CreateTime',
      key: 'k',
      value: 'v',
      headers: [
        { key: 'h1', value: 'x' },
        { key: 'h2', value: 'y' },
      ],
      leaderEpoch: 7,
    });
    expect(JSON.parse(lines[1]!)).toMatchObject({ key: null, headers: [{ key: 'h', value: null }], leaderEpoch: null, timestampType: 'LogAppendTime' });
  });

  it('adds the exact bytes in base64 next to bytes that are not UTF-8', () => {
    const out = new OutputBuffer();
    writeJson(out, record({ value: Buffer.from([0xff, 0x41]) }));
    expect(JSON.parse(out.take().toString('utf8'))).toMatchObject({ value: '\ufffdA', valueBase64: '/0E=' });
  });
});
