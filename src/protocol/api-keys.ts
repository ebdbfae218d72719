// API keys and the header versions each request and response version uses.
// ApiKey comes from generated/api-keys.ts, which loads no codec; the full table
// (generated/apis.ts) loads every codec, so a command that needs one API imports that API's
// module directly instead.
import { ApiKey } from './generated/api-keys.js';

export { ApiKey, type ApiName } from './generated/api-keys.js';

export interface HeaderVersions {
  request: number;
  response: number;
}

/**
 * Flexible request versions use request header v2 and response header v1, older ones v1 and v0.
 * Two exceptions keep old clients working: ApiVersions responses always use header v0, because a
 * client reads them before it knows which versions the broker speaks (KIP-511), and
 * ControlledShutdown v0 predates the client id in the header.
 */
export function headerVersions(apiKey: number, apiVersion: number, firstFlexibleVersion: number | null): HeaderVersions {
  const flexible = firstFlexibleVersion !== null && apiVersion >= firstFlexibleVersion;
  const request = apiKey === ApiKey.ControlledShutdown && apiVersion === 0 ? 0 : flexible ? 2 : 1;
  const response = apiKey === ApiKey.ApiVersions ? 0 : flexible ? 1 : 0;
  return { request, response };
}
