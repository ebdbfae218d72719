// --bootstrap-server as Kafka's tools take it: a comma-separated host:port list.
import { describe, expect, it } from 'vitest';
import { parseBootstrap } from '../../../src/client/cluster.js';

describe('parseBootstrap', () => {
  it('splits a comma-separated list and trims spaces', () => {
    expect(parseBootstrap('a:9092, b.example.com:19092 ,')).toEqual([
      { host: 'a', port: 9092 },
      { host: 'b.example.com', port: 19092 },
    ]);
  });

  it('takes bracketed IPv6 literals', () => {
    expect(parseBootstrap(['[::1]:9092'])).toEqual([{ host: '::1', port: 9092 }]);
  });

  it('refuses an address without a port and an empty list', () => {
    expect(() => parseBootstrap('localhost')).toThrow('"localhost" is not host:port');
    expect(() => parseBootstrap(' , ')).toThrow('empty');
  });
});
