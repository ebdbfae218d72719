// DescribeAcls v0-3, as Kafka's AclApis answers it: DESCRIBE on the cluster is required; the
// ACLs matching the filter come back grouped by resource pattern.
import { AclOperation, CLUSTER_RESOURCE_NAME, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode, errorInfo } from '../../src/protocol/errors.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { DescribeAclsRequest } from '../../src/protocol/generated/clients/describe-acls-request.js';
import { DescribeAclsResponse } from '../../src/protocol/generated/clients/describe-acls-response.js';
import { describeAcls as matchingAclsByResource, hasUnknownCodes } from '../controller/acl-control.js';
import { authorize } from './authorization.js';
import { defineHandler, UnparseableRequestError } from './types.js';

export const describeAcls = defineHandler({
  apiKey: ApiKey.DescribeAcls,
  minVersion: 0,
  maxVersion: 3,
  request: DescribeAclsRequest,
  response: DescribeAclsResponse,
  handle(ctx, request) {
    const failed = (errorCode: number, errorMessage: string): DescribeAclsResponse => ({ throttleTimeMs: 0, errorCode, errorMessage, resources: [] });
    const { resourceTypeFilter: resourceType, patternTypeFilter: patternType, operation, permissionType } = request;
    if (hasUnknownCodes([{ resourceType, patternType, operation, permissionType }])) {
      // Kafka cannot parse such a request and closes the connection.
      throw new UnparseableRequestError('DescribeAcls names an UNKNOWN resource type, pattern type, operation or permission');
    }
    if (!authorize(ctx, AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_RESOURCE_NAME)) {
      return failed(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorInfo(ErrorCode.CLUSTER_AUTHORIZATION_FAILED).message);
    }
    if (ctx.broker.authorizer() === null) return failed(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured on the broker');
    // v0 carries no pattern type; its filter reads as LITERAL (the codec's default), so only LITERAL ACLs answer it.
    const resources = matchingAclsByResource(ctx.broker.image.acls.values(), request).map(({ pattern, entries }) => ({
      resourceType: pattern.resourceType,
      resourceName: pattern.resourceName,
      patternType: pattern.patternType,
      acls: entries.map(({ principal, host, operation, permissionType }) => ({ principal, host, operation, permissionType })),
    }));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: '', resources };
  },
});
