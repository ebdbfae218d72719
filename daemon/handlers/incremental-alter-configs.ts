// IncrementalAlterConfigs v0-1 (KIP-339) for TOPIC and BROKER resources: SET, DELETE, APPEND and
// SUBTRACT on single configs. Also the checks AlterConfigs shares: the resource names Kafka
// accepts, topic configs validated as a whole (INVALID_CONFIG naming the key), broker configs
// that are read-only or per-broker only (INVALID_REQUEST, as Kafka's broker-side preprocessing).
// Each change is a ConfigRecord in the metadata log; the broker applies it when it publishes the
// new image. Not done: BROKER_LOGGER, CLIENT_METRICS and GROUP resources (INVALID_REQUEST).
// Authorization (both APIs): ALTER_CONFIGS on the topic (TOPIC_AUTHORIZATION_FAILED) or, for a
// broker, on the cluster (CLUSTER_AUTHORIZATION_FAILED).
import { BROKER_CONFIG_DEF } from '../../src/config/broker-configs.js';
import { ConfigError, formatValue, parseValue } from '../../src/config/config-def.js';
import { TOPIC_CONFIG_DEF } from '../../src/config/topic-configs.js';
import { AclOperation, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { IncrementalAlterConfigsRequest, type AlterableConfig } from '../../src/protocol/generated/clients/incremental-alter-configs-request.js';
import { IncrementalAlterConfigsResponse, type AlterConfigsResourceResponse } from '../../src/protocol/generated/clients/incremental-alter-configs-response.js';
import { ConfigResourceType, resourceConfigs, type MetadataImage } from '../controller/metadata-image.js';
import type { ConfigAlteration, ConfigAlterationError } from '../controller/quorum-controller.js';
import { authorize, authorizeCluster, defaultMessage } from './authorization.js';
import { defineHandler, type RequestContext } from './types.js';

const OP = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;
const OP_NAMES = ['SET', 'DELETE', 'APPEND', 'SUBTRACT'];

const refuse = (errorCode: number, errorMessage: string): ConfigAlterationError => ({ errorCode, errorMessage });
const isRefusal = (x: unknown): x is ConfigAlterationError => typeof x === 'object' && x !== null && 'errorCode' in x;
/** Scala's Set.toString, which Kafka's broker config messages print. */
const scalaSet = (names: readonly string[]): string => `Set(${names.join(', ')})`;

/** Why a broker's dynamic configs cannot be as given (Kafka's DynamicBrokerConfig.validateConfigs), or null. */
function brokerConfigsProblem(configs: ReadonlyMap<string, string>, perBroker: boolean): string | null {
  const names = [...configs.keys()];
  const readOnly = names.filter((n) => BROKER_CONFIG_DEF.key(n)?.dynamic === 'read-only');
  if (readOnly.length > 0) return `Cannot update these configs dynamically: ${scalaSet(readOnly)}`;
  for (const [name, raw] of configs) {
    const key = BROKER_CONFIG_DEF.key(name);
    if (key === undefined) continue; // Kafka keeps configs it does not know (plugins read them)
    try {
      parseValue(key, raw);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return e.message;
    }
  }
  const perBrokerOnly = names.filter((n) => BROKER_CONFIG_DEF.key(n)?.dynamic === 'per-broker');
  if (!perBroker && perBrokerOnly.length > 0) return `Cannot update these configs at default cluster level, broker id must be specified: ${scalaSet(perBrokerOnly)}`;
  return null;
}

/** A resource name Kafka refuses for this type, before anything is looked at. */
function resourceProblem(ctx: RequestContext, resourceType: number, resourceName: string): ConfigAlterationError | null {
  if (resourceType === ConfigResourceType.Topic) {
    return resourceName === '' ? refuse(ErrorCode.INVALID_REQUEST, 'Default topic resources are not allowed.') : null;
  }
  if (resourceType === ConfigResourceType.Broker) {
    if (resourceName === '') return null;
    if (!/^-?\d+$/.test(resourceName)) return refuse(ErrorCode.INVALID_REQUEST, `Node id must be an integer, but it is: ${resourceName}`);
    // Kafka's broker checks it names itself (the Admin sends a broker's configs to that broker); a
    // forwarded request was sent to the broker that forwarded it, and Kafka's controller has no such check.
    if (!ctx.forwarded && Number(resourceName) !== ctx.broker.nodeId) return refuse(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${ctx.broker.nodeId}, but received ${resourceName}`);
    return null;
  }
  return refuse(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${resourceType}`);
}

/**
 * The alteration of one resource: `nextConfigs` gives its whole set of dynamic configs after
 * the change, from the set before it; what differs becomes records once the result is valid.
 */
export function configAlteration(
  ctx: RequestContext,
  resourceType: number,
  resourceName: string,
  nextConfigs: (current: ReadonlyMap<string, string>) => Map<string, string> | ConfigAlterationError,
): ConfigAlteration | ConfigAlterationError {
  const problem = resourceProblem(ctx, resourceType, resourceName);
  if (problem !== null) return problem;
  return {
    resourceType,
    resourceName,
    plan(image: MetadataImage) {
      const current = resourceConfigs(image, resourceType, resourceName);
      const next = nextConfigs(current);
      if (isRefusal(next)) return next;
      if (resourceType === ConfigResourceType.Topic) {
        const dynamic = {
          perBroker: resourceConfigs(image, ConfigResourceType.Broker, String(ctx.broker.nodeId)),
          clusterDefault: resourceConfigs(image, ConfigResourceType.Broker, ''),
        };
        const invalid = ctx.broker.config.validateTopicConfigs(next, dynamic);
        if (invalid !== null) return refuse(ErrorCode.INVALID_CONFIG, invalid);
        if (!image.topicsByName.has(resourceName)) return refuse(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${resourceName}' does not exist.`);
      } else {
        const invalid = brokerConfigsProblem(next, resourceName !== '');
        if (invalid !== null) return refuse(ErrorCode.INVALID_REQUEST, invalid);
      }
      const changes = new Map<string, string | null>();
      for (const [name, value] of next) if (current.get(name) !== value) changes.set(name, value);
      for (const name of current.keys()) if (!next.has(name)) changes.set(name, null);
      return changes;
    },
  };
}

/** The authorization refusal for altering this resource's configs, or null when it may. */
function alterRefusal(ctx: RequestContext, resourceType: number, resourceName: string): ConfigAlterationError | null {
  const refusal = (errorCode: number) => refuse(errorCode, defaultMessage(errorCode));
  if (resourceType === ConfigResourceType.Topic) {
    return authorize(ctx, AclOperation.ALTER_CONFIGS, ResourceType.TOPIC, resourceName) ? null : refusal(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  }
  if (resourceType === ConfigResourceType.Broker) {
    return authorizeCluster(ctx, AclOperation.ALTER_CONFIGS) ? null : refusal(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
  }
  return null;
}

/**
 * Checks every resource appears once and may be altered by the caller, and answers the refused
 * ones; alters the rest in one controller operation.
 */
export async function alterResources<R extends { resourceType: number; resourceName: string }>(
  ctx: RequestContext,
  resources: readonly R[],
  validateOnly: boolean,
  alterationOf: (resource: R) => ConfigAlteration | ConfigAlterationError,
): Promise<AlterConfigsResourceResponse[]> {
  const idOf = (r: R): string => `${r.resourceType}:${r.resourceName}`;
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(idOf(r), (counts.get(idOf(r)) ?? 0) + 1);
  const outcomes: (ConfigAlteration | ConfigAlterationError)[] = resources.map((r) =>
    counts.get(idOf(r))! > 1 ? refuse(ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.') : (alterRefusal(ctx, r.resourceType, r.resourceName) ?? alterationOf(r)),
  );
  const accepted = outcomes.filter((o): o is ConfigAlteration => !isRefusal(o));
  const results = await ctx.broker.controller.alterConfigs(accepted, validateOnly);
  if (!validateOnly) await ctx.broker.awaitMetadataApplied();
  return resources.map((r, i) => {
    const outcome = outcomes[i];
    const error = isRefusal(outcome) ? outcome : results[accepted.indexOf(outcome)];
    return { errorCode: error?.errorCode ?? ErrorCode.NONE, errorMessage: error?.errorMessage ?? null, resourceType: r.resourceType, resourceName: r.resourceName };
  });
}

/** The request-level checks Kafka makes before looking at values: duplicate keys, missing values. */
export function configsProblem(configs: readonly { name: string; value: string | null }[], allowsNull: (i: number) => boolean): ConfigAlterationError | null {
  if (new Set(configs.map((c) => c.name)).size !== configs.length) return refuse(ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys');
  const nulls = configs.filter((c, i) => c.value === null && !allowsNull(i)).map((c) => c.name);
  if (nulls.length > 0) return refuse(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${nulls.join(', ')}`);
  return null;
}

/** A list config's current items: its override, else its default. */
function listItems(resourceType: number, name: string, current: string | undefined): string[] {
  const key = resourceType === ConfigResourceType.Topic ? TOPIC_CONFIG_DEF.key(name) : BROKER_CONFIG_DEF.key(name);
  const value = current ?? (key && key.default !== null ? formatValue(key.type, key.default) ?? '' : '');
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function applyOperations(resourceType: number, ops: readonly AlterableConfig[], current: ReadonlyMap<string, string>): Map<string, string> | ConfigAlterationError {
  const next = new Map(current);
  for (const op of ops) {
    if (op.configOperation === OP.SET) next.set(op.name, op.value!);
    else if (op.configOperation === OP.DELETE) next.delete(op.name);
    else {
      const key = resourceType === ConfigResourceType.Topic ? TOPIC_CONFIG_DEF.key(op.name) : BROKER_CONFIG_DEF.key(op.name);
      if (key?.type !== 'list') {
        return resourceType === ConfigResourceType.Topic
          ? refuse(ErrorCode.INVALID_CONFIG, `Can't ${OP_NAMES[op.configOperation]} to key ${op.name} because its type is not LIST.`)
          : refuse(ErrorCode.INVALID_CONFIG, `Config value ${op.configOperation === OP.APPEND ? 'append' : 'subtract'} is not allowed for config key: ${op.name}`);
      }
      const items = listItems(resourceType, op.name, next.get(op.name));
      const given = (op.value ?? '').split(',');
      const result = op.configOperation === OP.APPEND ? [...items, ...given.filter((v) => !items.includes(v))] : items.filter((v) => !given.includes(v));
      next.set(op.name, result.join(','));
    }
  }
  return next;
}

export const incrementalAlterConfigs = defineHandler({
  apiKey: ApiKey.IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
  request: IncrementalAlterConfigsRequest,
  response: IncrementalAlterConfigsResponse,
  async handle(ctx, request) {
    const responses = await alterResources(ctx, request.resources, request.validateOnly, (resource) => {
      const unknownOp = resource.configs.find((c) => !OP_NAMES[c.configOperation]);
      if (unknownOp) return refuse(ErrorCode.INVALID_REQUEST, `Unknown operations type ${unknownOp.configOperation}`);
      const problem = configsProblem(resource.configs, (i) => resource.configs[i].configOperation === OP.DELETE);
      if (problem !== null) return problem;
      return configAlteration(ctx, resource.resourceType, resource.resourceName, (current) => applyOperations(resource.resourceType, resource.configs, current));
    });
    return { throttleTimeMs: 0, responses };
  },
});
