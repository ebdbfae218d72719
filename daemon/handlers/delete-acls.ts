// DeleteAcls v0-3, as Kafka's AclApis and AclControlManager answer it: ALTER on the cluster is
// required; each filter lists the ACLs it removed (AclBindingFilter matching), and the removals
// commit as RemoveAccessControlEntryRecords.
import { AclOperation, CLUSTER_RESOURCE_NAME, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode, errorInfo } from '../../src/protocol/errors.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { DeleteAclsRequest } from '../../src/protocol/generated/clients/delete-acls-request.js';
import { DeleteAclsResponse, type DeleteAclsFilterResult } from '../../src/protocol/generated/clients/delete-acls-response.js';
import { hasUnknownCodes, type AclError } from '../controller/acl-control.js';
import { authorize } from './authorization.js';
import { NO_AUTHORIZER_MESSAGE } from './create-acls.js';
import { defineHandler, UnparseableRequestError } from './types.js';

export const deleteAcls = defineHandler({
  apiKey: ApiKey.DeleteAcls,
  minVersion: 0,
  maxVersion: 3,
  request: DeleteAclsRequest,
  response: DeleteAclsResponse,
  async handle(ctx, request) {
    const filters = request.filters;
    const everyone = (error: AclError): DeleteAclsResponse => ({ throttleTimeMs: 0, filterResults: filters.map(() => ({ ...error, matchingAcls: [] })) });
    const codes = filters.map((f) => ({ resourceType: f.resourceTypeFilter, patternType: f.patternTypeFilter, operation: f.operation, permissionType: f.permissionType }));
    if (hasUnknownCodes(codes)) {
      // Kafka cannot parse such a request and closes the connection.
      throw new UnparseableRequestError('DeleteAcls names an UNKNOWN resource type, pattern type, operation or permission');
    }
    if (!authorize(ctx, AclOperation.ALTER, ResourceType.CLUSTER, CLUSTER_RESOURCE_NAME)) {
      return everyone({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: errorInfo(ErrorCode.CLUSTER_AUTHORIZATION_FAILED).message });
    }
    if (ctx.broker.authorizer() === null) return everyone({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: NO_AUTHORIZER_MESSAGE });

    const outcomes = await ctx.broker.controller.deleteAcls(filters);
    await ctx.broker.awaitMetadataApplied();
    const filterResults = outcomes.map(({ error, deleted }): DeleteAclsFilterResult => ({
      errorCode: error?.errorCode ?? ErrorCode.NONE,
      errorMessage: error?.errorMessage ?? null,
      matchingAcls: deleted.map((acl) => ({
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        resourceType: acl.resourceType,
        resourceName: acl.resourceName,
        patternType: acl.patternType,
        principal: acl.principal,
        host: acl.host,
        operation: acl.operation,
        permissionType: acl.permissionType,
      })),
    }));
    return { throttleTimeMs: 0, filterResults };
  },
});
