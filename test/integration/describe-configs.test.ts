// DescribeConfigs served by the daemon: topic configs with sources and synonyms, the broker's own
// configs, unknown topics, key filters, and the fields each version carries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin, ConfigResourceType } from '../../src/client/admin.js';
import { Cluster } from '../../src/client/cluster.js';
import { api } from '../../src/client/connection.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { DescribeConfigsRequest } from '../../src/protocol/generated/clients/describe-configs-request.js';
import { DescribeConfigsResponse } from '../../src/protocol/generated/clients/describe-configs-response.js';
import { startBroker, type RunningBroker } from '../harness/broker.js';

let broker: RunningBroker;
let admin: Admin;

beforeAll(async () => {
  broker = await startBroker({ overrides: { 'log.retention.hours': '24' } });
  admin = new Admin(await Cluster.connect(broker.bootstrap));
  const [created] = await admin.createTopics([{ name: 'configured', numPartitions: 1, configs: { 'retention.ms': '1000', 'cleanup.policy': 'compact' } }]);
  expect(created!.errorCode).toBe(ErrorCode.NONE);
});

afterAll(async () => {
  admin.close();
  await broker.stop();
});

describe('DescribeConfigs', () => {
  it('describes a topic: overrides as DYNAMIC_TOPIC_CONFIG, broker settings as STATIC_BROKER_CONFIG, the rest DEFAULT_CONFIG', async () => {
    const [topic] = await admin.describeConfigs([{ type: ConfigResourceType.TOPIC, name: 'configured' }], { includeSynonyms: true });
    expect(topic!.errorCode).toBe(ErrorCode.NONE);
    const byName = new Map(topic!.configs.map((c) => [c.name, c]));
    expect(byName.get('retention.ms')).toMatchObject({ value: '1000', source: 'DYNAMIC_TOPIC_CONFIG', isDefault: false, readOnly: false, isSensitive: false });
    expect(byName.get('retention.ms')!.synonyms[0]).toEqual({ name: 'retention.ms', value: '1000', source: 'DYNAMIC_TOPIC_CONFIG' });
    expect(byName.get('cleanup.policy')).toMatchObject({ value: 'compact', source: 'DYNAMIC_TOPIC_CONFIG' });
    expect(byName.get('segment.bytes')).toMatchObject({ value: '1073741824', source: 'DEFAULT_CONFIG', isDefault: true });
    expect(byName.get('segment.bytes')!.synonyms).toContainEqual({ name: 'log.segment.bytes', value: '1073741824', source: 'DEFAULT_CONFIG' });
    expect(byName.get('min.insync.replicas')).toMatchObject({ value: '1', source: 'DEFAULT_CONFIG' });
  });

  it('a topic without overrides takes the broker setting, converted to the topic unit', async () => {
    await admin.createTopics([{ name: 'plain', numPartitions: 1 }]);
    const [topic] = await admin.describeConfigs([{ type: ConfigResourceType.TOPIC, name: 'plain', configNames: ['retention.ms'] }]);
    expect(topic!.configs).toEqual([{ name: 'retention.ms', value: '86400000', source: 'STATIC_BROKER_CONFIG', isDefault: false, readOnly: false, isSensitive: false, synonyms: [] }]);
  });

  it('an unknown topic is UNKNOWN_TOPIC_OR_PARTITION, alongside other resources', async () => {
    const [missing, present] = await admin.describeConfigs([
      { type: ConfigResourceType.TOPIC, name: 'missing' },
      { type: ConfigResourceType.TOPIC, name: 'configured', configNames: ['cleanup.policy'] },
    ]);
    expect(missing!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(missing!.configs).toEqual([]);
    expect(present!.configs.map((c) => c.name)).toEqual(['cleanup.policy']);
  });

  it('describes the broker it is asked of, and refuses another broker id', async () => {
    const [own] = await admin.describeConfigs([{ type: ConfigResourceType.BROKER, name: '1', configNames: ['num.partitions', 'node.id'] }]);
    expect(own!.errorCode).toBe(ErrorCode.NONE);
    expect(own!.configs.map((c) => [c.name, c.source, c.readOnly])).toEqual([
      ['node.id', 'STATIC_BROKER_CONFIG', true],
      ['num.partitions', 'DEFAULT_CONFIG', true],
    ]);
    // Admin refuses to route to a broker it does not know, so ask this broker about another id directly.
    const connection = await admin.cluster.anyConnection();
    const response = await connection.send(api(DescribeConfigsRequest, DescribeConfigsResponse), 4, {
      resources: [{ resourceType: 4, resourceName: '7', configurationKeys: null }],
      includeSynonyms: false,
      includeDocumentation: false,
    });
    expect(response.results[0]).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Unexpected broker id, expected 1, but received 7', configs: [] });
  });

  it.each([0, 1, 2, 3, 4])('v%i carries the fields of its version', async (version) => {
    const connection = await admin.cluster.anyConnection();
    const response = await connection.send(api(DescribeConfigsRequest, DescribeConfigsResponse), version, {
      resources: [{ resourceType: 2, resourceName: 'configured', configurationKeys: ['retention.ms', 'segment.bytes'] }],
      includeSynonyms: version >= 1,
      includeDocumentation: false,
    });
    const [retention, segment] = response.results[0]!.configs;
    expect(retention!.value).toBe('1000');
    if (version === 0) {
      expect([retention!.isDefault, segment!.isDefault]).toEqual([false, true]);
    } else {
      expect([retention!.configSource, segment!.configSource]).toEqual([1, 5]);
      expect(retention!.synonyms.length).toBeGreaterThan(0);
    }
    expect(retention!.configType).toBe(version >= 3 ? 5 : 0);
    if (version >= 3) expect(retention!.documentation).toBeNull();
  });
});
