import { describe, expect, it } from 'vitest';
import { apiLines, nodeText, renderApiVersionsJson, renderApiVersionsText, type ClientApi } from '../../../src/cli/render/broker-api-versions.js';

const CLIENT: ClientApi[] = [
  { apiKey: 0, name: 'Produce', minVersion: 3, maxVersion: 11, brokerApi: true },
  { apiKey: 1, name: 'Fetch', minVersion: 4, maxVersion: 17, brokerApi: true },
  { apiKey: 2, name: 'ListOffsets', minVersion: 1, maxVersion: 9, brokerApi: true },
  { apiKey: 4, name: 'LeaderAndIsr', minVersion: 0, maxVersion: 7, brokerApi: true },
  { apiKey: 18, name: 'ApiVersions', minVersion: 0, maxVersion: 4, brokerApi: true },
  { apiKey: 52, name: 'Vote', minVersion: 0, maxVersion: 1, brokerApi: false },
];
const BROKER = { nodeId: 1, host: '127.0.0.1', port: 9092, rack: null };

describe('broker-api-versions', () => {
  it('prints Kafka’s Node.toString', () => {
    expect(nodeText(BROKER)).toBe('127.0.0.1:9092 (id: 1 rack: null)');
    expect(nodeText({ ...BROKER, rack: 'r1' })).toBe('127.0.0.1:9092 (id: 1 rack: r1)');
  });

  it('prints each API by key: usable versions, unusable ranges, UNSUPPORTED, UNKNOWN', () => {
    const versions = new Map([
      [18, { min: 0, max: 3 }],
      [0, { min: 12, max: 13 }],
      [1, { min: 0, max: 3 }],
      [2, { min: 1, max: 1 }],
      [99, { min: 0, max: 2 }],
    ]);
    expect(renderApiVersionsText([{ broker: BROKER, versions, error: null }], CLIENT)).toBe(
      '127.0.0.1:9092 (id: 1 rack: null) -> (\n' +
        '\tProduce(0): 12 to 13 [unusable: node too new],\n' +
        '\tFetch(1): 0 to 3 [unusable: node too old],\n' +
        '\tListOffsets(2): 1 [usable: 1],\n' +
        '\tLeaderAndIsr(4): UNSUPPORTED,\n' +
        '\tApiVersions(18): 0 to 3 [usable: 3],\n' +
        '\tUNKNOWN(99): 0 to 2\n' +
        ')\n',
    );
  });

  it('prints a broker that could not be asked as an error line', () => {
    expect(renderApiVersionsText([{ broker: BROKER, versions: new Map(), error: 'connection refused' }], CLIENT)).toBe('127.0.0.1:9092 (id: 1 rack: null) -> ERROR: connection refused\n');
  });

  it('JSON carries the same lines', () => {
    const versions = new Map([[2, { min: 1, max: 10 }]]);
    const doc = JSON.parse(renderApiVersionsJson([{ broker: BROKER, versions, error: null }], CLIENT));
    expect(doc.brokers[0].apis).toEqual(apiLines(versions, CLIENT));
    expect(doc.brokers[0]).toMatchObject({ id: 1, host: '127.0.0.1', port: 9092, rack: null });
    expect(doc.brokers[0].apis.find((a: { apiKey: number }) => a.apiKey === 2)).toEqual({ apiKey: 2, name: 'ListOffsets', minVersion: 1, maxVersion: 10, usableVersion: 9, status: 'usable' });
  });
});
