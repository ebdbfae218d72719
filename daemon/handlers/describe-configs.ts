// DescribeConfigs v0-4 for TOPIC and BROKER resources (KIP-133; synonyms and sources KIP-226,
// config types and documentation KIP-569). Topic values are the topic's dynamic overrides over
// the broker's dynamic and static settings, with the chain of synonyms. Documentation is always
// null. BROKER resources: see describeBroker. Not done: BROKER_LOGGER, CLIENT_METRICS and GROUP resources (INVALID_REQUEST).
// Authorization: DESCRIBE_CONFIGS on the topic (TOPIC_AUTHORIZATION_FAILED) or, for a broker,
// on the cluster (CLUSTER_AUTHORIZATION_FAILED).
import { BROKER_CONFIG_DEF } from '../../src/config/broker-configs.js';
import { formatValue, isSensitive, type AnyConfigKey, type ConfigType } from '../../src/config/config-def.js';
import { CONFIG_SOURCE_ID } from '../../src/config/topic-configs.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
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
import { authorize, authorizeCluster, defaultMessage } from './authorization.js';
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

const { DYNAMIC_BROKER_CONFIG, DYNAMIC_DEFAULT_BROKER_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG } = CONFIG_SOURCE_ID;

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

function describeTopic(ctx: RequestContext, resource: DescribeConfigsResource, options: Options): DescribeConfigsResult {
  const result: DescribeConfigsResult = { errorCode: ErrorCode.NONE, errorMessage: null, resourceType: resource.resourceType, resourceName: resource.resourceName, configs: [] };
  if (!ctx.broker.image.topicsByName.has(resource.resourceName)) {
    return { ...result, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic ${resource.resourceName} does not exist.` };
  }
  let entries;
  try {
    entries = ctx.broker.config.topicConfigEntries(topicConfigs(ctx.broker.image, resource.resourceName), ctx.broker.dynamicBrokerConfigs());
  } catch (err) {
    return { ...result, errorCode: ErrorCode.INVALID_CONFIG, errorMessage: err instanceof Error ? err.message : String(err) };
  }
  const wanted = resource.configurationKeys === null ? null : new Set(resource.configurationKeys);
  for (const e of entries) {
    if (wanted !== null && !wanted.has(e.name)) continue;
    const synonyms = e.synonyms.map((s) => ({ name: s.name, value: s.value, source: CONFIG_SOURCE_ID[s.source] }));
    result.configs.push(entry(e.key, e.value, CONFIG_SOURCE_ID[e.source], false, synonyms, options));
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

/** A dynamic config Kafka does not define (a plugin's), described as a string. */
function undefinedKey(name: string): AnyConfigKey {
  return { name, type: 'string', default: null, importance: 'low', dynamic: 'cluster-wide', description: '' } as AnyConfigKey;
}

/**
 * A broker resource as Kafka describes it: for this broker, every config with its value from
 * the highest level that sets it (dynamic for this broker, dynamic cluster default, static,
 * default), those levels as synonyms; for the cluster default resource (empty name), only the
 * dynamic defaults. Synonym names of broker configs (log.retention.hours …) are not resolved.
 */
function describeBroker(ctx: RequestContext, resource: DescribeConfigsResource, options: Options): DescribeConfigsResult {
  const result: DescribeConfigsResult = { errorCode: ErrorCode.NONE, errorMessage: null, resourceType: resource.resourceType, resourceName: resource.resourceName, configs: [] };
  const isDefaultResource = resource.resourceName === '';
  if (!isDefaultResource && resource.resourceName !== String(ctx.broker.nodeId)) {
    return { ...result, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unexpected broker id, expected ${ctx.broker.nodeId}, but received ${resource.resourceName}` };
  }
  const dynamic = ctx.broker.dynamicBrokerConfigs();
  const staticValues = new Map([...knownBrokerValues(ctx.broker.config), ...ctx.broker.config.staticBrokerConfigs]);
  const layers: [number, ReadonlyMap<string, string>][] = [
    ...(isDefaultResource ? [] : [[DYNAMIC_BROKER_CONFIG, dynamic.perBroker] as [number, ReadonlyMap<string, string>]]),
    [DYNAMIC_DEFAULT_BROKER_CONFIG, dynamic.clusterDefault],
    [STATIC_BROKER_CONFIG, staticValues],
  ];
  const names = new Set(isDefaultResource ? dynamic.clusterDefault.keys() : [...BROKER_CONFIG_DEF.keys().map((k) => k.name), ...dynamic.perBroker.keys(), ...dynamic.clusterDefault.keys()]);
  const wanted = resource.configurationKeys === null ? null : new Set(resource.configurationKeys);
  for (const name of [...names].sort()) {
    if (wanted !== null && !wanted.has(name)) continue;
    const key = BROKER_CONFIG_DEF.key(name) ?? undefinedKey(name);
    const synonyms: DescribeConfigsSynonym[] = [];
    for (const [source, values] of layers) {
      const value = values.get(name);
      // A static value equal to the default reads as the default, as before dynamic configs.
      if (value !== undefined && !(source === STATIC_BROKER_CONFIG && value === formatValue(key.type, key.default))) synonyms.push({ name, value, source });
    }
    if (key.default !== null) synonyms.push({ name, value: formatValue(key.type, key.default), source: DEFAULT_CONFIG });
    const top = synonyms[0] ?? { value: null, source: DEFAULT_CONFIG };
    result.configs.push(entry(key, top.value, top.source, key.dynamic === 'read-only', synonyms, options));
  }
  return result;
}

/** The authorization error for describing this resource's configs, or null when it may. */
function describeRefusal(ctx: RequestContext, resource: DescribeConfigsResource): number | null {
  if (resource.resourceType === ConfigResourceType.Topic) {
    return authorize(ctx, AclOperation.DESCRIBE_CONFIGS, ResourceType.TOPIC, resource.resourceName) ? null : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
  }
  if (resource.resourceType === ConfigResourceType.Broker) {
    return authorizeCluster(ctx, AclOperation.DESCRIBE_CONFIGS) ? null : ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
  }
  return null;
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
      const refusal = describeRefusal(ctx, resource);
      if (refusal !== null) {
        return { errorCode: refusal, errorMessage: defaultMessage(refusal), resourceType: resource.resourceType, resourceName: resource.resourceName, configs: [] };
      }
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
