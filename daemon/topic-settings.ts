// Topic settings as the broker applies them: Kafka's topic configs resolved over the broker's
// own properties and its dynamic broker configs (src/config), turned into what the log layer
// and the produce path read.
import type { BrokerConfig } from '../src/config/broker-configs.js';
import { CONFIG_SOURCE_ID, effectiveTopicConfig, validateTopicConfigs, type BrokerConfigLayers } from '../src/config/topic-configs.js';
import type { CreatableTopicConfigs } from '../src/protocol/generated/clients/create-topics-response.js';
import type { BrokerSettings, DynamicBrokerConfigs, TopicSettings } from './broker.js';
import { defaultLogConfig } from './log/log-config.js';

type TopicSettingsFunctions = Pick<BrokerSettings, 'topicSettings' | 'validateTopicConfig' | 'validateTopicConfigs' | 'describeTopicConfigs' | 'topicConfigEntries' | 'staticBrokerConfigs'>;

const NO_DYNAMIC_CONFIGS: DynamicBrokerConfigs = { perBroker: new Map(), clusterDefault: new Map() };

export function topicSettingsFor(broker: BrokerConfig): TopicSettingsFunctions {
  const layers = (dynamic: DynamicBrokerConfigs): BrokerConfigLayers => ({
    originals: broker.originals,
    dynamicBrokerConfigs: dynamic.perBroker,
    dynamicDefaultBrokerConfigs: dynamic.clusterDefault,
  });
  // Dynamic config maps are immutable and replaced when they change: cache by identity, so the
  // produce path does not resolve every topic config on every request. A change of the dynamic
  // broker configs starts a new cache, as every topic's defaults may have moved.
  let cache = new WeakMap<ReadonlyMap<string, string>, TopicSettings>();
  let cachedFor: DynamicBrokerConfigs = NO_DYNAMIC_CONFIGS;
  return {
    staticBrokerConfigs: broker.originals,
    topicSettings(overrides, dynamic = NO_DYNAMIC_CONFIGS) {
      if (dynamic.perBroker !== cachedFor.perBroker || dynamic.clusterDefault !== cachedFor.clusterDefault) {
        cache = new WeakMap();
        cachedFor = dynamic;
      }
      const cached = cache.get(overrides);
      if (cached) return cached;
      const c = effectiveTopicConfig(overrides, layers(dynamic)).config;
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
    validateTopicConfigs(configs, dynamic) {
      const errors = validateTopicConfigs(configs, layers(dynamic));
      return errors.length === 0 ? null : errors[0].message;
    },
    topicConfigEntries(overrides, dynamic) {
      return [...effectiveTopicConfig(overrides, layers(dynamic)).entries.values()];
    },
    describeTopicConfigs(overrides, dynamic = NO_DYNAMIC_CONFIGS): CreatableTopicConfigs[] {
      return [...effectiveTopicConfig(overrides, layers(dynamic)).entries.values()].map((e) => ({
        name: e.name,
        value: e.value,
        readOnly: false,
        configSource: CONFIG_SOURCE_ID[e.source],
        isSensitive: false,
      }));
    },
  };
}
