// DescribeConfigs v0-4 for TOPIC and BROKER resources (KIP-133; synonyms and sources KIP-226,
// config types and documentation KIP-569). Topic values are the topic's dynamic overrides over
// the broker's settings. Documentation is always null. BROKER resources list the broker config
// definitions at their defaults, except the settings this broker exposes; broker synonyms are
// not resolved. Not done: BROKER_LOGGER, CLIENT_METRICS and GROUP resources (INVALID_REQUEST).
import { BROKER_CONFIG_DEF } from '../../src/config/broker-configs.js';
import { formatValue, isSensitive, type AnyConfigKey, type ConfigType } from '../../src/config/config-def.js';
import { brokerSynonymsOf, CONFIG_SOURCE_ID, TOPIC_CONFIG_DEF } from '../../src/config/topic-configs.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { DescribeConfigsRequest, type DescribeConfigsResource } from '../../src/protocol/generated/clients/describe-configs-request.js';
import {
  DescribeConfigsResponse,
  type DescribeConfigsResourceResult,
  type DescribeConfigsResult,
  type DescribeConfigsSynonym,
} from '../../src/protocol/generated/clients/describe-configs-response.js';
import type { BrokerSettings } from '../broker.js';
import { ConfigResourceType, topicConfigs } from '../controller/metadata-image.js';
import { defineHandler, type RequestContext } from './types.js';

/** Kafka's DescribeConfigsResponse.ConfigType ids. */
const CONFIG_TYPE_ID: Readonly<Record<ConfigType, number>> = {
  boolean: 1,
  string: 2,
  int: 3,
  short: 4,
  long: 5,
  double: 6,
  list: 7,
  class: 8,
  password: 9,
};

const { DYNAMIC_TOPIC_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG } = CONFIG_SOURCE_ID;

interface Options {
  includeSynonyms: boolean;
  version: number;
}

function entry(
  key: AnyConfigKey,
  value: string | null,
  source: number,
  readOnly: boolean,
  synonyms: DescribeConfigsSynonym[],
  options: Options,
): DescribeConfigsResourceResult {
  const sensitive = isSensitive(key);
  return {
    name: key.name,
    value: sensitive ? null : value,
    readOnly,
    // v0 has isDefault in place of a source; later versions must leave it unset.
    isDefault: options.version === 0 && source === DEFAULT_CONFIG,
    configSource: options.version >= 1 ? source : -1,
    isSensitive: sensitive,
    synonyms: options.includeSynonyms && options.version >= 1 ? synonyms.map((s) => (sensitive ? { ...s, value: null } : s)) : [],
    configType: options.version >= 3 ? CONFIG_TYPE_ID[key.type] : 0,
    documentation: null,
  };
}

/**
 * A topic config's synonyms, highest precedence first: the topic's override, the broker level
 * when the broker sets it (named by the topic config's primary broker synonym, as BrokerSettings
 * does not say which synonym was written), then the defaults of the broker synonyms.
 */
function topicSynonyms(name: string, override: string | undefined, brokerLevel: { value: string | null; source: number } | undefined): DescribeConfigsSynonym[] {
  const synonyms: DescribeConfigsSynonym[] = [];
  if (override !== undefined) synonyms.push({ name, value: override, source: DYNAMIC_TOPIC_CONFIG });
  const brokerNames = brokerSynonymsOf(name);
  if (brokerLevel && brokerLevel.source !== DEFAULT_CONFIG && brokerNames.length > 0) {
    synonyms.push({ name: brokerNames[0].name, value: brokerLevel.value, source: brokerLevel.source });
  }
  for (const synonym of brokerNames) {
    const key = BROKER_CONFIG_DEF.key(synonym.name);
    if (key && key.default !== null) synonyms.push({ name: synonym.name, value: formatValue(key.type, key.default), source: DEFAULT_CONFIG });
  }
  return synonyms;
}

function describeTopic(ctx: RequestContext, resource: DescribeConfigsResource, options: Options): DescribeConfigsResult {
  const result: DescribeConfigsResult = { errorCode: ErrorCode.NONE, errorMessage: null, resourceType: resource.resourceType, resourceName: resource.resourceName, configs: [] };
  if (!ctx.broker.image.topicsByName.has(resource.resourceName)) {
    return { ...result, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic ${resource.resourceName} does not exist.` };
  }
  const overrides = topicConfigs(ctx.broker.image, resource.resourceName);
  let effective;
  let brokerLevel;
  try {
    effective = ctx.broker.config.describeTopicConfigs(overrides);
    brokerLevel = new Map(ctx.broker.config.describeTopicConfigs(new Map()).map((c) => [c.name, { value: c.value, source: c.configSource }]));
  } catch (err) {
    return { ...result, errorCode: ErrorCode.INVALID_CONFIG, errorMessage: err instanceof Error ? err.message : String(err) };
  }
  const wanted = resource.configurationKeys === null ? null : new Set(resource.configurationKeys);
  for (const c of effective) {
    if (wanted !== null && !wanted.has(c.name)) continue;
    const key = TOPIC_CONFIG_DEF.key(c.name);
    if (!key) continue;
    result.configs.push(entry(key, c.value, c.configSource, false, topicSynonyms(c.name, overrides.get(c.name), brokerLevel.get(c.name)), options));
  }
  return result;
}

/** The broker settings BrokerSettings carries, as the config names they came from. */
function knownBrokerValues(config: BrokerSettings): Map<string, string> {
  const values = new Map<string, string>([
    ['node.id', String(config.nodeId)],
    ['log.dirs', config.logDirs.join(',')],
    ['num.partitions', String(config.numPartitions)],
    ['default.replication.factor', String(config.defaultReplicationFactor)],
    ['auto.create.topics.enable', String(config.autoCreateTopicsEnable)],
    ['delete.topic.enable', String(config.deleteTopicEnable)],
    ['socket.request.max.bytes', String(config.socketRequestMaxBytes)],
    ['connections.max.idle.ms', String(config.connectionsMaxIdleMs)],
    ['queued.max.requests', String(config.queuedMaxRequests)],
    ['log.retention.check.interval.ms', String(config.retentionCheckIntervalMs)],
  ]);
  if (config.rack !== null) values.set('broker.rack', config.rack);
  return values;
}

function describeBroker(ctx: RequestContext, resource: DescribeConfigsResource, options: Options): DescribeConfigsResult {
  const result: DescribeConfigsResult = { errorCode: ErrorCode.NONE, errorMessage: null, resourceType: resource.resourceType, resourceName: resource.resourceName, configs: [] };
  // An empty name is the cluster-wide default resource: no per-broker values there.
  const isDefaultResource = resource.resourceName === '';
  if (!isDefaultResource && resource.resourceName !== String(ctx.broker.nodeId)) {
    return { ...result, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unexpected broker id, expected ${ctx.broker.nodeId}, but received ${resource.resourceName}` };
  }
  const known = isDefaultResource ? new Map<string, string>() : knownBrokerValues(ctx.broker.config);
  const wanted = resource.configurationKeys === null ? null : new Set(resource.configurationKeys);
  const keys = BROKER_CONFIG_DEF.keys().sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const key of keys) {
    if (wanted !== null && !wanted.has(key.name)) continue;
    const defaultValue = formatValue(key.type, key.default);
    const value = known.get(key.name);
    const isStatic = value !== undefined && value !== defaultValue;
    if (isDefaultResource && key.default === null) continue;
    const source = isStatic ? STATIC_BROKER_CONFIG : DEFAULT_CONFIG;
    const synonyms: DescribeConfigsSynonym[] = [];
    if (isStatic) synonyms.push({ name: key.name, value, source: STATIC_BROKER_CONFIG });
    if (key.default !== null) synonyms.push({ name: key.name, value: defaultValue, source: DEFAULT_CONFIG });
    result.configs.push(entry(key, isStatic ? value : defaultValue, source, key.dynamic === 'read-only', synonyms, options));
  }
  return result;
}

export const describeConfigs = defineHandler({
  apiKey: ApiKey.DescribeConfigs,
  minVersion: 0,
  maxVersion: 4,
  request: DescribeConfigsRequest,
  response: DescribeConfigsResponse,
  handle(ctx, request) {
    const options: Options = { includeSynonyms: request.includeSynonyms, version: ctx.apiVersion };
    const results = request.resources.map((resource): DescribeConfigsResult => {
      if (resource.resourceType === ConfigResourceType.Topic) return describeTopic(ctx, resource, options);
      if (resource.resourceType === ConfigResourceType.Broker) return describeBroker(ctx, resource, options);
      return {
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage: `Unsupported resource type ${resource.resourceType}`,
        resourceType: resource.resourceType,
        resourceName: resource.resourceName,
        configs: [],
      };
    });
    return { throttleTimeMs: 0, results };
  },
});
