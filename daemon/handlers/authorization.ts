// What handlers ask the authorizer, in the request's own terms. Without an authorizer
// (authorizer.class.name empty) every check passes and every supported operation is reported,
// as Kafka's AuthHelper does.
import { CLUSTER_RESOURCE_NAME, ResourceType, SUPPORTED_OPERATIONS, type AclOperation } from '../../src/protocol/acls.js';
import { errorInfo } from '../../src/protocol/errors.js';
import type { Requester } from '../security/authorizer.js';
import type { RequestContext } from './types.js';

function requester(ctx: RequestContext): Requester {
  return { principal: ctx.principal, host: ctx.clientHost };
}

/** May this request's principal perform `operation` on the named resource? */
export function authorize(ctx: RequestContext, operation: AclOperation, resourceType: ResourceType, resourceName: string): boolean {
  const authorizer = ctx.broker.authorizer();
  return authorizer === null || authorizer.authorize(requester(ctx), operation, resourceType, resourceName);
}

/** May it perform `operation` on some resource of this type (InitProducerId's fallback from IDEMPOTENT_WRITE)? */
export function authorizeByResourceType(ctx: RequestContext, operation: AclOperation, resourceType: ResourceType): boolean {
  const authorizer = ctx.broker.authorizer();
  return authorizer === null || authorizer.authorizeByResourceType(requester(ctx), operation, resourceType);
}

/** The bit set of operations it may perform on the resource (Metadata, DescribeGroups, DescribeCluster). */
export function authorizedOperations(ctx: RequestContext, resourceType: ResourceType, resourceName: string): number {
  const authorizer = ctx.broker.authorizer();
  if (authorizer !== null) return authorizer.authorizedOperations(requester(ctx), resourceType, resourceName);
  let bits = 0;
  for (const operation of SUPPORTED_OPERATIONS.get(resourceType) ?? []) bits |= 1 << operation;
  return bits;
}

/** May it perform `operation` on the cluster (the one resource named kafka-cluster)? */
export function authorizeCluster(ctx: RequestContext, operation: AclOperation): boolean {
  return authorize(ctx, operation, ResourceType.CLUSTER, CLUSTER_RESOURCE_NAME);
}

/**
 * A check of one operation on resources of one type, asked once per name however often a
 * request names it (Kafka's filterByAuthorized).
 */
export function authorizerFor(ctx: RequestContext, operation: AclOperation, resourceType: ResourceType): (resourceName: string) => boolean {
  const answers = new Map<string, boolean>();
  return (resourceName) => {
    let allowed = answers.get(resourceName);
    if (allowed === undefined) {
      allowed = authorize(ctx, operation, resourceType, resourceName);
      answers.set(resourceName, allowed);
    }
    return allowed;
  };
}

/** Kafka's default message for an error code, which its error responses carry. */
export function defaultMessage(errorCode: number): string {
  return errorInfo(errorCode).message;
}
