// The shape of one API handler, and what a handler may see of the request it serves.
import type { MessageCodec } from '../../src/protocol/codec.js';
import type { RequestHeader } from '../../src/protocol/generated/clients/request-header.js';
import type { Broker } from '../broker.js';

export interface RequestContext {
  readonly header: RequestHeader;
  readonly apiVersion: number;
  readonly listenerName: string;
  readonly clientAddress: string;
  /** The client's IP address alone, as ACL host entries name it. */
  readonly clientHost: string;
  /** Who the client authenticated as: `User:<name>` on a SASL listener, `User:ANONYMOUS` on PLAINTEXT. */
  readonly principal: string;
  readonly broker: Broker;
  /** On the active controller, a request a broker forwarded in an Envelope: that broker was the one the client chose. */
  readonly forwarded?: boolean;
}

/** A handler answers null when the protocol sends no response (Produce with acks=0). */
export interface ApiHandler<Req = unknown, Res = unknown> {
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly request: MessageCodec<Req>;
  readonly response: MessageCodec<Res>;
  handle(ctx: RequestContext, request: Req): Promise<Res | null> | Res | null;
}

/**
 * A request Kafka cannot even parse into its request object (e.g. an ACL naming the UNKNOWN
 * code): the connection is closed, as Kafka's RequestChannel does, and only an info line logged.
 */
export class UnparseableRequestError extends Error {
  override name = 'UnparseableRequestError';
}

export function defineHandler<Req, Res>(handler: ApiHandler<Req, Res>): ApiHandler {
  return handler as unknown as ApiHandler;
}
