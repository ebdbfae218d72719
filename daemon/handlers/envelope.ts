// Envelope v0 (KIP-590), on the controller listener: a request a broker forwards for its client
// (forwarding.ts). The inner request runs through the client table's handler with the client's
// principal and address, so its authorization applies here; the answer goes back with its header.
// Authorization: CLUSTER_ACTION on the cluster for the broker that sends the envelope. Only the
// APIs brokers forward are accepted (else INVALID_REQUEST); NOT_CONTROLLER when this controller is
// not active, which the broker's controller channel retries elsewhere.
import { headerVersions } from '../../src/protocol/api-keys.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { EnvelopeRequest } from '../../src/protocol/generated/clients/envelope-request.js';
import { EnvelopeResponse } from '../../src/protocol/generated/clients/envelope-response.js';
import { RequestHeader } from '../../src/protocol/generated/clients/request-header.js';
import { ResponseHeader } from '../../src/protocol/generated/clients/response-header.js';
import { AclOperation } from '../../src/protocol/acls.js';
import { DecodeError, Reader, Writer } from '../../src/protocol/primitives.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { authorizeCluster } from './authorization.js';
import { addressString, deserializePrincipal, FORWARDED_APIS } from './forwarding.js';
import { handlerTable } from './index.js';
import { defineHandler } from './types.js';

export const envelope = defineHandler({
  apiKey: ApiKey.Envelope,
  minVersion: 0,
  maxVersion: 0,
  request: EnvelopeRequest,
  response: EnvelopeResponse,
  async handle(ctx, request): Promise<EnvelopeResponse> {
    const refused = (errorCode: number): EnvelopeResponse => ({ responseData: null, errorCode });
    if (!authorizeCluster(ctx, AclOperation.CLUSTER_ACTION)) return refused(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    if (!ctx.broker.controller.isActive) return refused(ErrorCode.NOT_CONTROLLER);
    const data = request.requestData;
    const handler = data.length >= 4 ? handlerTable.get(data.readInt16BE(0)) : undefined;
    if (handler === undefined || !FORWARDED_APIS.has(handler.apiKey) || request.requestPrincipal === null) return refused(ErrorCode.INVALID_REQUEST);
    const apiVersion = data.readInt16BE(2);
    if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) return refused(ErrorCode.UNSUPPORTED_VERSION);
    const versions = headerVersions(handler.apiKey, apiVersion, handler.request.firstFlexibleVersion);
    let header: RequestHeader;
    let inner: unknown;
    let principal: string;
    try {
      const r = new Reader(data);
      header = RequestHeader.decode(r, versions.request);
      inner = handler.request.decode(r, apiVersion);
      principal = deserializePrincipal(request.requestPrincipal);
    } catch (err) {
      if (err instanceof DecodeError) return refused(ErrorCode.INVALID_REQUEST);
      throw err;
    }
    const clientHost = addressString(request.clientHostAddress);
    const response = await handler.handle({ ...ctx, header, apiVersion, principal, clientHost, clientAddress: clientHost, forwarded: true }, inner);
    const w = new Writer(256);
    ResponseHeader.encode(w, { correlationId: header.correlationId }, versions.response);
    handler.response.encode(w, response, apiVersion);
    return { responseData: w.finish(), errorCode: ErrorCode.NONE };
  },
});
