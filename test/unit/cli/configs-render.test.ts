import { describe, expect, it } from 'vitest';
import { renderAltered, renderCommandFailure, renderConfigLines, renderDescribeHeader } from '../../../src/cli/configs/render.js';

describe('configs render', () => {
  it("prints ConfigCommand's headers", () => {
    expect(renderDescribeHeader('topics', 'events', false)).toBe('Dynamic configs for topic events are:\n');
    expect(renderDescribeHeader('brokers', '1', true)).toBe('All configs for broker 1 are:\n');
    expect(renderDescribeHeader('brokers', '', true)).toBe('Default configs for brokers in the cluster are:\n');
  });

  it('prints one line per config with its synonyms, null for a sensitive value', () => {
    expect(
      renderConfigLines([
        {
          name: 'retention.ms',
          value: '1000',
          source: 'DYNAMIC_TOPIC_CONFIG',
          isDefault: false,
          readOnly: false,
          isSensitive: false,
          synonyms: [
            { name: 'retention.ms', value: '1000', source: 'DYNAMIC_TOPIC_CONFIG' },
            { name: 'log.retention.hours', value: '168', source: 'DEFAULT_CONFIG' },
          ],
        },
        { name: 'ssl.key.password', value: null, source: 'DYNAMIC_BROKER_CONFIG', isDefault: false, readOnly: false, isSensitive: true, synonyms: [] },
      ]),
    ).toBe(
      '  retention.ms=1000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=1000, DEFAULT_CONFIG:log.retention.hours=168}\n' +
        '  ssl.key.password=null sensitive=true synonyms={}\n',
    );
  });

  it('says what was altered, and words a broker failure as ConfigCommand does', () => {
    expect(renderAltered('topics', 'events')).toBe('Completed updating config for topic events.\n');
    expect(renderAltered('brokers', '')).toBe('Completed updating default config for brokers in the cluster.\n');
    expect(renderCommandFailure(['--alter', '--topic', 't'], 'org.apache.kafka.common.errors.InvalidConfigurationException: Unknown topic config name: x')).toBe(
      "Error while executing config command with args '--alter --topic t'\njava.util.concurrent.ExecutionException: org.apache.kafka.common.errors.InvalidConfigurationException: Unknown topic config name: x\n",
    );
  });
});
