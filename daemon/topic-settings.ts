// Topic settings as the broker applies them: Kafka's topic configs resolved over the broker's
// own properties (src/config), turned into what the log layer and the produce path read.
import type { BrokerConfig } from '../src/config/broker-configs.js';
import { CONFIG_SOURCE_ID, effectiveTopicConfig, validateTopicConfigs } from '../src/config/topic-configs.js';
import type { CreatableTopicConfigs } from '../src/protocol/generated/clients/create-topics-response.js';
import type { BrokerSettings, TopicSettings } from './broker.js';
import { defaultLogConfig } from './log/log-config.js';

type TopicSettingsFunctions = Pick<BrokerSettings, 'topicSettings' | 'validateTopicConfig' | 'describeTopicConfigs'>;

export function topicSettingsFor(broker: BrokerConfig): TopicSettingsFunctions {
  // Dynamic config maps are immutable and replaced when they change: cache by identity, so the
  // produce path does not resolve every topic config on every request.
  const cache = new WeakMap<ReadonlyMap<string, string>, TopicSettings>();
  return {
    topicSettings(overrides) {
      const cached = cache.get(overrides);
      if (cached) return cached;
      const c = effectiveTopicConfig(overrides, broker).config;
      const settings: TopicSettings = {
        minInsyncReplicas: c.minInsyncReplicas,
        log: defaultLogConfig({
          segmentBytes: c.segmentBytes,
          segmentMs: c.segmentMs,
          segmentIndexBytes: c.segmentIndexBytes,
          indexIntervalBytes: c.indexIntervalBytes,
          retentionMs: c.retentionMs,
          retentionBytes: c.retentionBytes,
          cleanupPolicy: [...c.cleanupPolicy],
          deleteRetentionMs: c.deleteRetentionMs,
          minCompactionLagMs: c.minCompactionLagMs,
          maxMessageBytes: c.maxMessageBytes,
          messageTimestampType: c.messageTimestampType,
          messageTimestampBeforeMaxMs: c.messageTimestampBeforeMaxMs,
          messageTimestampAfterMaxMs: c.messageTimestampAfterMaxMs,
          flushMessages: c.flushMessages,
          flushMs: c.flushMs,
          fileDeleteDelayMs: c.fileDeleteDelayMs,
        }),
      };
      cache.set(overrides, settings);
      return settings;
    },
    validateTopicConfig(name, value) {
      if (value === null) return null;
      const errors = validateTopicConfigs(new Map([[name, value]]), broker);
      return errors.length === 0 ? null : errors[0].message;
    },
    describeTopicConfigs(overrides): CreatableTopicConfigs[] {
      return [...effectiveTopicConfig(overrides, broker).entries.values()].map((e) => ({
        name: e.name,
        value: e.value,
        readOnly: false,
        configSource: CONFIG_SOURCE_ID[e.source],
        isSensitive: false,
      }));
    },
  };
}
