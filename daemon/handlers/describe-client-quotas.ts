// DescribeClientQuotas v0-1 (KIP-546): the quotas of every entity matching the filter. A
// component matches a name exactly (0), the default (1) or any entity with that type (2); strict
// also requires the entity to have no other types. A bad filter is refused as a whole.
// Authorization: DESCRIBE_CONFIGS on the cluster, else CLUSTER_AUTHORIZATION_FAILED.
import { AclOperation } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { DescribeClientQuotasRequest, type ComponentData } from '../../src/protocol/generated/clients/describe-client-quotas-request.js';
import { DescribeClientQuotasResponse, type EntryData } from '../../src/protocol/generated/clients/describe-client-quotas-response.js';
import { CLIENT_ID, IP, USER, type ClientQuotaEntry } from '../quotas/client-quota-entities.js';
import { authorizeCluster, defaultMessage } from './authorization.js';
import { defineHandler } from './types.js';

const MATCH_EXACT = 0;
const MATCH_DEFAULT = 1;
const MATCH_SPECIFIED = 2;

class FilterError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

interface Filter {
  /** Entity type → the name it must have (null: the default). */
  readonly exact: Map<string, string | null>;
  /** Entity types that must be present, with any name. */
  readonly present: Set<string>;
}

function parseFilter(components: readonly ComponentData[]): Filter {
  const exact = new Map<string, string | null>();
  const present = new Set<string>();
  const invalid = (message: string) => new FilterError(ErrorCode.INVALID_REQUEST, message);
  for (const { entityType, matchType, match } of components) {
    if (entityType === '') throw invalid('Invalid empty entity type.');
    if (exact.has(entityType) || present.has(entityType)) throw invalid(`Entity type ${entityType} cannot appear more than once in the filter.`);
    if (entityType !== USER && entityType !== CLIENT_ID && entityType !== IP) throw new FilterError(ErrorCode.UNSUPPORTED_VERSION, `Unsupported entity type ${entityType}`);
    if (matchType === MATCH_EXACT) {
      if (match === null) throw invalid('Request specified MATCH_TYPE_EXACT, but set match string to null.');
      exact.set(entityType, match);
    } else if (matchType === MATCH_DEFAULT) {
      if (match !== null) throw invalid('Request specified MATCH_TYPE_DEFAULT, but also specified a match string.');
      exact.set(entityType, null);
    } else if (matchType === MATCH_SPECIFIED) {
      if (match !== null) throw invalid('Request specified MATCH_TYPE_SPECIFIED, but also specified a match string.');
      present.add(entityType);
    } else {
      throw invalid(`Unknown match type ${matchType}`);
    }
  }
  const uses = (type: string) => exact.has(type) || present.has(type);
  if (uses(IP) && (uses(USER) || uses(CLIENT_ID))) {
    throw invalid('Invalid entity filter component combination. IP filter component should not be used with user or clientId filter component.');
  }
  return { exact, present };
}

function matches(entry: ClientQuotaEntry, filter: Filter, strict: boolean): boolean {
  const names = new Map(entry.entity.map((p) => [p.entityType, p.entityName]));
  if (strict && names.size !== filter.exact.size + filter.present.size) return false;
  for (const [type, name] of filter.exact) if (!names.has(type) || names.get(type) !== name) return false;
  for (const type of filter.present) if (!names.has(type)) return false;
  return true;
}

export const describeClientQuotas = defineHandler({
  apiKey: ApiKey.DescribeClientQuotas,
  minVersion: 0,
  maxVersion: 1,
  request: DescribeClientQuotasRequest,
  response: DescribeClientQuotasResponse,
  handle(ctx, request) {
    if (!authorizeCluster(ctx, AclOperation.DESCRIBE_CONFIGS)) {
      const errorCode = ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
      return { throttleTimeMs: 0, errorCode, errorMessage: defaultMessage(errorCode), entries: null };
    }
    let filter: Filter;
    try {
      filter = parseFilter(request.components);
    } catch (err) {
      if (!(err instanceof FilterError)) throw err;
      return { throttleTimeMs: 0, errorCode: err.errorCode, errorMessage: err.message, entries: null };
    }
    const entries: EntryData[] = [];
    for (const entry of ctx.broker.image.clientQuotas.values()) {
      if (!matches(entry, filter, request.strict)) continue;
      entries.push({
        entity: entry.entity.map(({ entityType, entityName }) => ({ entityType, entityName })),
        values: [...entry.values].map(([key, value]) => ({ key, value })),
      });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, entries };
  },
});
