// DescribeUserScramCredentials v0 (KIP-554): each user's mechanisms and iterations, never the
// keys. No users (null or empty) means every user with a credential; a user named twice gets
// DUPLICATE_RESOURCE and one without credentials RESOURCE_NOT_FOUND, with Kafka's messages.
// Authorization: DESCRIBE on the cluster, else CLUSTER_AUTHORIZATION_FAILED for the request and
// for each user named (as Kafka's error response, without the user's name).
import { SCRAM_MECHANISMS, SCRAM_MECHANISM_TYPES } from '../../src/client/scram.js';
import { AclOperation } from '../../src/protocol/acls.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { DescribeUserScramCredentialsRequest } from '../../src/protocol/generated/clients/describe-user-scram-credentials-request.js';
import { DescribeUserScramCredentialsResponse, type DescribeUserScramCredentialsResult } from '../../src/protocol/generated/clients/describe-user-scram-credentials-response.js';
import { scramCredentialKey } from '../security/scram.js';
import { authorizeCluster, defaultMessage } from './authorization.js';
import { defineHandler } from './types.js';

export const describeUserScramCredentials = defineHandler({
  apiKey: ApiKey.DescribeUserScramCredentials,
  minVersion: 0,
  maxVersion: 0,
  request: DescribeUserScramCredentialsRequest,
  response: DescribeUserScramCredentialsResponse,
  handle(ctx, request) {
    if (!authorizeCluster(ctx, AclOperation.DESCRIBE)) {
      const errorCode = ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
      const errorMessage = defaultMessage(errorCode);
      const results = (request.users ?? []).map(() => ({ user: '', errorCode, errorMessage, credentialInfos: [] }));
      return { throttleTimeMs: 0, errorCode, errorMessage, results };
    }
    const credentials = ctx.broker.image.scramCredentials;
    // user → named more than once
    const users = new Map<string, boolean>();
    if (request.users === null || request.users.length === 0) {
      for (const key of credentials.keys()) users.set(key.slice(key.indexOf(':') + 1), false);
    } else {
      for (const { name } of request.users) users.set(name, users.has(name));
    }
    const results: DescribeUserScramCredentialsResult[] = [...users].map(([user, duplicated]) => {
      if (duplicated) {
        return { user, errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: `Cannot describe SCRAM credentials for the same user twice in a single request: ${user}`, credentialInfos: [] };
      }
      const credentialInfos = SCRAM_MECHANISMS.flatMap((mechanism) => {
        const credential = credentials.get(scramCredentialKey(mechanism, user));
        return credential === undefined ? [] : [{ mechanism: SCRAM_MECHANISM_TYPES[mechanism], iterations: credential.iterations }];
      });
      if (credentialInfos.length === 0) {
        return { user, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: `Attempt to describe a user credential that does not exist: ${user}`, credentialInfos };
      }
      return { user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos };
    });
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results };
  },
});
