// SaslHandshake v0-1 once a connection is past authentication, or on a PLAINTEXT listener: always
// ILLEGAL_SASL_STATE, as Kafka answers. The handshake proper happens before any handler runs
// (daemon/network/connection.ts with daemon/security/sasl-authenticator.ts).
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { SaslHandshakeRequest } from '../../src/protocol/generated/clients/sasl-handshake-request.js';
import { SaslHandshakeResponse } from '../../src/protocol/generated/clients/sasl-handshake-response.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { defineHandler } from './types.js';

export const saslHandshake = defineHandler({
  apiKey: ApiKey.SaslHandshake,
  minVersion: 0,
  maxVersion: 1,
  request: SaslHandshakeRequest,
  response: SaslHandshakeResponse,
  handle: (): SaslHandshakeResponse => ({ errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] }),
});
