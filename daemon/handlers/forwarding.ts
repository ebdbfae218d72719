// Kafka's ForwardingManager: on a broker whose own controller is not the active one, the requests
// that change metadata travel to the active controller inside an Envelope (the request as the
// client sent it, header included, with the client's principal and address), and the controller's
// answer goes back to the client as is. The controller runs the same handler (envelope.ts), so its
// authorization checks apply once, there, to the client's principal. Applied where the broker
// builds its handler table (`withForwarding`), so no handler carries forwarding code.
import { isIPv4 } from 'node:net';
import { api } from '../../src/client/connection.js';
import { headerVersions } from '../../src/protocol/api-keys.js';
import { ApiKey } from '../../src/protocol/generated/api-keys.js';
import { DefaultPrincipalData } from '../../src/protocol/generated/clients/default-principal-data.js';
import { EnvelopeRequest } from '../../src/protocol/generated/clients/envelope-request.js';
import { EnvelopeResponse } from '../../src/protocol/generated/clients/envelope-response.js';
import { RequestHeader } from '../../src/protocol/generated/clients/request-header.js';
import { ResponseHeader } from '../../src/protocol/generated/clients/response-header.js';
import { KafkaProtocolError } from '../../src/protocol/errors.js';
import { Reader, Writer } from '../../src/protocol/primitives.js';
import type { ApiHandler, RequestContext } from './types.js';

/** The client APIs a broker forwards (those Kafka marks forwardable, plus DescribeQuorum, which only the quorum leader can answer). */
export const FORWARDED_APIS: ReadonlySet<number> = new Set([
  ApiKey.CreateTopics,
  ApiKey.DeleteTopics,
  ApiKey.CreatePartitions,
  ApiKey.AlterConfigs,
  ApiKey.IncrementalAlterConfigs,
  ApiKey.CreateAcls,
  ApiKey.DeleteAcls,
  ApiKey.AlterClientQuotas,
  ApiKey.AlterUserScramCredentials,
  ApiKey.ElectLeaders,
  ApiKey.AlterPartitionReassignments,
  ApiKey.ListPartitionReassignments,
  ApiKey.DescribeQuorum,
]);

const ENVELOPE = api(EnvelopeRequest, EnvelopeResponse);

/** The handler, run here while this node's controller is active, else forwarded to the active one. */
export function withForwarding(handler: ApiHandler): ApiHandler {
  return {
    ...handler,
    handle: (ctx, request) => (ctx.broker.controller.isActive ? handler.handle(ctx, request) : forward(ctx, handler, request)),
  };
}

async function forward(ctx: RequestContext, handler: ApiHandler, request: unknown): Promise<unknown> {
  const versions = headerVersions(handler.apiKey, ctx.apiVersion, handler.request.firstFlexibleVersion);
  const w = new Writer(256);
  RequestHeader.encode(w, ctx.header, versions.request);
  handler.request.encode(w, request, ctx.apiVersion);
  const envelope = await ctx.broker.controllerChannel.send(ENVELOPE, {
    requestData: w.finish(),
    requestPrincipal: serializePrincipal(ctx.principal),
    clientHostAddress: addressBytes(ctx.clientHost),
  });
  if (envelope.errorCode !== 0 || envelope.responseData === null) throw new KafkaProtocolError(envelope.errorCode, 'the active controller refused the forwarded request');
  const r = new Reader(envelope.responseData);
  ResponseHeader.decode(r, versions.response);
  return handler.response.decode(r, ctx.apiVersion);
}

/** `User:alice` as Kafka's DefaultKafkaPrincipalBuilder serializes it: a version, then DefaultPrincipalData. */
export function serializePrincipal(principal: string): Buffer {
  const colon = principal.indexOf(':');
  const w = new Writer(64);
  w.int16(0);
  DefaultPrincipalData.encode(w, { type: principal.slice(0, colon), name: principal.slice(colon + 1), tokenAuthenticated: false }, 0);
  return w.finish();
}

export function deserializePrincipal(bytes: Buffer): string {
  const r = new Reader(bytes);
  const version = r.int16();
  const data = DefaultPrincipalData.decode(r, version);
  return `${data.type}:${data.name}`;
}

/** The client's IP address as Java's InetAddress.getAddress() gives it: 4 or 16 bytes. */
export function addressBytes(host: string): Buffer {
  if (isIPv4(host)) return Buffer.from(host.split('.').map(Number));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host);
  if (mapped) return Buffer.from(mapped[1].split('.').map(Number));
  const [head, tail = ''] = host.split('::');
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const known = [...groups(head), ...groups(tail)];
  const all = host.includes('::') ? [...groups(head), ...Array(8 - known.length).fill('0'), ...groups(tail)] : known;
  const bytes = Buffer.alloc(16);
  all.forEach((g, i) => bytes.writeUInt16BE(parseInt(g, 16), i * 2));
  return bytes;
}

/** The other way, as Java's getHostAddress() prints it (IPv6 groups in full, without zero compression). */
export function addressString(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join('.');
  const groups: string[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return groups.join(':');
}
