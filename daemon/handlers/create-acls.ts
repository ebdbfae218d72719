// CreateAcls v0-3, as Kafka's AclApis and AclControlManager answer it: ALTER on the cluster is
// required; the broker refuses a CLUSTER ACL not named kafka-cluster and an empty resource name;
// the controller refuses UNKNOWN codes and commits each new ACL as an AccessControlEntryRecord.
import { AclOperation, CLUSTER_RESOURCE_NAME, ResourceType } from '../../src/protocol/acls.js';
import { ErrorCode, errorInfo } from '../../src/protocol/errors.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { CreateAclsRequest } from '../../src/protocol/generated/clients/create-acls-request.js';
import { CreateAclsResponse, type AclCreationResult } from '../../src/protocol/generated/clients/create-acls-response.js';
import {
  UNCONSTRUCTIBLE_REQUEST_ERROR,
  brokerCreationError,
  hasUnknownCodes,
  isConstructible,
  toStandardAcl,
  type AclError,
} from '../controller/acl-control.js';
import { authorize } from './authorization.js';
import { defineHandler, UnparseableRequestError } from './types.js';

export const NO_AUTHORIZER_MESSAGE = 'No Authorizer is configured.';

export const createAcls = defineHandler({
  apiKey: ApiKey.CreateAcls,
  minVersion: 0,
  maxVersion: 3,
  request: CreateAclsRequest,
  response: CreateAclsResponse,
  async handle(ctx, request) {
    const creations = request.creations;
    const everyone = (error: AclError): CreateAclsResponse => ({ throttleTimeMs: 0, results: creations.map(() => ({ ...error })) });
    if (hasUnknownCodes(creations.map((c) => ({ ...c, patternType: c.resourcePatternType })))) {
      // Kafka cannot parse such a request and closes the connection.
      throw new UnparseableRequestError('CreateAcls names an UNKNOWN resource type, pattern type, operation or permission');
    }
    if (!authorize(ctx, AclOperation.ALTER, ResourceType.CLUSTER, CLUSTER_RESOURCE_NAME)) {
      return everyone({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: errorInfo(ErrorCode.CLUSTER_AUTHORIZATION_FAILED).message });
    }
    if (ctx.broker.authorizer() === null) return everyone({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: NO_AUTHORIZER_MESSAGE });
    if (!creations.every(isConstructible)) return everyone(UNCONSTRUCTIBLE_REQUEST_ERROR);

    const acls = creations.map(toStandardAcl);
    const brokerErrors = acls.map(brokerCreationError);
    const outcomes = await ctx.broker.controller.createAcls(acls.filter((_, i) => brokerErrors[i] === null));
    await ctx.broker.awaitMetadataApplied();
    let next = 0;
    const results = brokerErrors.map((refused): AclCreationResult => {
      const error = refused ?? outcomes[next++];
      // A success carries the empty message, as Kafka's default AclCreationResult does.
      return error === null ? { errorCode: ErrorCode.NONE, errorMessage: '' } : { ...error };
    });
    return { throttleTimeMs: 0, results };
  },
});
