// SaslAuthenticate v0-2 once a connection is past authentication, or on a PLAINTEXT listener:
// ILLEGAL_SASL_STATE with Kafka's message. Tokens of a connection still authenticating are
// evaluated before any handler runs (daemon/network/connection.ts).
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { SaslAuthenticateRequest } from '../../src/protocol/generated/clients/sasl-authenticate-request.js';
import { SaslAuthenticateResponse } from '../../src/protocol/generated/clients/sasl-authenticate-response.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { defineHandler } from './types.js';

export const saslAuthenticate = defineHandler({
  apiKey: ApiKey.SaslAuthenticate,
  minVersion: 0,
  maxVersion: 2,
  request: SaslAuthenticateRequest,
  response: SaslAuthenticateResponse,
  handle: (): SaslAuthenticateResponse => ({
    errorCode: ErrorCode.ILLEGAL_SASL_STATE,
    errorMessage: 'SaslAuthenticate request received after successful authentication',
    authBytes: Buffer.alloc(0),
    sessionLifetimeMs: 0n,
  }),
});
