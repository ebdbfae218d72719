// ApiVersions v0-4 (KIP-511 client software name and version are accepted and not used).
// The advertised ranges come from the handler table itself, so they cannot drift from what is served.
import { ApiVersionsRequest } from '../../src/protocol/generated/clients/api-versions-request.js';
import { ApiVersionsResponse } from '../../src/protocol/generated/clients/api-versions-response.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import type { Broker } from '../broker.js';
import { defineHandler } from './types.js';

export function apiVersionsResponseFor(broker: Broker, errorCode: number = ErrorCode.NONE): ApiVersionsResponse {
  const apiKeys = [...broker.handlers.values()]
    .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }))
    .sort((a, b) => a.apiKey - b.apiKey);
  return {
    errorCode,
    apiKeys,
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1n,
    finalizedFeatures: [],
    zkMigrationReady: false,
  };
}

export const apiVersions = defineHandler({
  apiKey: ApiKey.ApiVersions,
  minVersion: 0,
  maxVersion: 4,
  request: ApiVersionsRequest,
  response: ApiVersionsResponse,
  handle: (ctx) => apiVersionsResponseFor(ctx.broker),
});
