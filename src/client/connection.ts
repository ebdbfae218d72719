// One connection to one broker: requests out with a correlation id, responses matched back.
// Used by the commands, by tests, and by the daemon when brokers talk to each other.
// With SASL credentials it authenticates as Kafka's clients do: ApiVersions, SaslHandshake v1,
// then SaslAuthenticate, before any other request.
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { headerVersions } from '../protocol/api-keys.js';
import type { MessageCodec } from '../protocol/codec.js';
import { ApiKey } from '../protocol/generated/api-keys.js';
import { ApiVersionsRequest } from '../protocol/generated/clients/api-versions-request.js';
import { ApiVersionsResponse } from '../protocol/generated/clients/api-versions-response.js';
import { RequestHeader } from '../protocol/generated/clients/request-header.js';
import { ResponseHeader } from '../protocol/generated/clients/response-header.js';
import { ErrorCode, KafkaProtocolError } from '../protocol/errors.js';
import { Reader, Writer } from '../protocol/primitives.js';
import { SaslAuthenticateRequest } from '../protocol/generated/clients/sasl-authenticate-request.js';
import { SaslAuthenticateResponse } from '../protocol/generated/clients/sasl-authenticate-response.js';
import { SaslHandshakeRequest } from '../protocol/generated/clients/sasl-handshake-request.js';
import { SaslHandshakeResponse } from '../protocol/generated/clients/sasl-handshake-response.js';
import { plainClientMessage, type SaslCredentials } from './sasl.js';
import { tlsConnectOptions, type TlsSettings } from './tls.js';
import { ScramClient, ScramMessageError } from './scram.js';

export interface Api<Req, Res> {
  apiKey: number;
  request: MessageCodec<Req>;
  response: MessageCodec<Res>;
}

export function api<Req, Res>(request: MessageCodec<Req>, response: MessageCodec<Res>): Api<Req, Res> {
  return { apiKey: request.apiKey!, request, response };
}

export interface ConnectionOptions {
  clientId?: string;
  /** How long a connection attempt or a request may take. */
  requestTimeoutMs?: number;
  /** Upper bound on a response frame, so a confused peer cannot make us allocate without limit. */
  maxResponseBytes?: number;
  /** Authenticate with these (security.protocol=SASL_PLAINTEXT); null connects without SASL. Default: defaultSaslCredentials(). */
  sasl?: SaslCredentials | null;
  /** Connect over TLS with these (security.protocol=SSL or SASL_SSL); null connects over plain TCP. */
  tls?: TlsSettings | null;
}

/** The connection failed or was closed: the broker is unreachable, not wrong. */
export class ConnectionError extends Error {
  constructor(
    message: string,
    readonly address: string,
  ) {
    super(message);
    this.name = 'ConnectionError';
  }
}

interface InFlight {
  apiKey: number;
  decode(body: Reader): unknown;
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RESPONSE_BYTES = 512 * 1024 * 1024;

export class BrokerConnection {
  private nextCorrelationId = 1;
  private readonly inFlight = new Map<number, InFlight>();
  private chunks: Buffer[] = [];
  private buffered = 0;
  private closedError: Error | null = null;
  /** The broker's version range per API key, from ApiVersions. */
  readonly versions = new Map<number, { min: number; max: number }>();

  private constructor(
    private readonly socket: Socket,
    readonly address: string,
    private readonly options: Required<ConnectionOptions>,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.shutdown(new ConnectionError(`connection to ${address} failed: ${err.message}`, address)));
    socket.on('close', () => this.shutdown(new ConnectionError(`connection to ${address} was closed by the broker`, address)));
  }

  /** Connects and negotiates API versions. */
  static async connect(host: string, port: number, options: ConnectionOptions = {}): Promise<BrokerConnection> {
    const opts: Required<ConnectionOptions> = {
      clientId: options.clientId ?? 'tk',
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      sasl: options.sasl ?? null,
      tls: options.tls ?? null,
    };
    const address = `${host}:${port}`;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const tls = opts.tls;
      const s = tls === null ? connectTcp({ host, port }) : connectTls(tlsConnectOptions(tls, host, port));
      const timer = setTimeout(() => {
        s.destroy();
        reject(new ConnectionError(`timed out connecting to ${address}`, address));
      }, opts.requestTimeoutMs);
      s.once(tls === null ? 'connect' : 'secureConnect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const reason = err.code === 'ECONNREFUSED' ? 'connection refused' : err.message;
        reject(new ConnectionError(`cannot connect to ${address}: ${reason}`, address));
      });
    });
    const connection = new BrokerConnection(socket, address, opts);
    try {
      await connection.negotiateVersions();
      if (opts.sasl !== null) await connection.authenticate(opts.sasl);
    } catch (err) {
      connection.close();
      throw err;
    }
    return connection;
  }

  private async negotiateVersions(): Promise<void> {
    const apiVersions = api(ApiVersionsRequest, ApiVersionsResponse);
    const ours = ApiVersionsRequest.validVersions.max;
    let response = await this.send(apiVersions, ours, { clientSoftwareName: 'tk', clientSoftwareVersion: '0.1.0' });
    if (response.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
      // The broker answered with v0 and its own range: retry at the highest version both speak.
      const range = response.apiKeys.find((k) => k.apiKey === ApiKey.ApiVersions);
      response = await this.send(apiVersions, Math.min(ours, range?.maxVersion ?? 0), { clientSoftwareName: 'tk', clientSoftwareVersion: '0.1.0' });
    }
    if (response.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(response.errorCode, 'ApiVersions failed');
    for (const k of response.apiKeys) this.versions.set(k.apiKey, { min: k.minVersion, max: k.maxVersion });
  }

  private async authenticate(credentials: SaslCredentials): Promise<void> {
    // v1 carries the tokens in SaslAuthenticate requests; v0 (bare tokens) is for clients older than Kafka 1.0.
    if (this.usableVersion(SaslHandshakeRequest) !== 1) {
      throw new ConnectionError(`broker ${this.address} does not offer SaslHandshake v1: it is not a SASL listener tk can authenticate with`, this.address);
    }
    const handshake = await this.send(api(SaslHandshakeRequest, SaslHandshakeResponse), 1, { mechanism: credentials.mechanism });
    if (handshake.errorCode === ErrorCode.UNSUPPORTED_SASL_MECHANISM) {
      throw new KafkaProtocolError(handshake.errorCode, `Client SASL mechanism '${credentials.mechanism}' not enabled in the server, enabled mechanisms are [${handshake.mechanisms.join(', ')}]`);
    }
    if (handshake.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(handshake.errorCode, `SaslHandshake with ${this.address} failed`);
    const version = this.usableVersion(SaslAuthenticateRequest);
    if (version === null) throw new ConnectionError(`broker ${this.address} does not offer SaslAuthenticate`, this.address);
    const exchange = async (authBytes: Buffer): Promise<Buffer> => {
      const response = await this.send(api(SaslAuthenticateRequest, SaslAuthenticateResponse), version, { authBytes });
      if (response.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(response.errorCode, response.errorMessage);
      return response.authBytes;
    };
    if (credentials.mechanism === 'PLAIN') {
      await exchange(plainClientMessage(credentials.username, credentials.password));
      return;
    }
    const scram = new ScramClient(credentials.mechanism, credentials.username, credentials.password);
    try {
      const serverFirst = await exchange(scram.firstMessage());
      scram.verifyServerFinal(await exchange(scram.finalMessage(serverFirst)));
    } catch (err) {
      if (err instanceof ScramMessageError) throw new KafkaProtocolError(ErrorCode.SASL_AUTHENTICATION_FAILED, err.message);
      throw err;
    }
  }

  /** The highest version of an API that both sides speak, or null when there is none. */
  usableVersion(codec: MessageCodec<unknown>, max = codec.validVersions.max): number | null {
    const broker = this.versions.get(codec.apiKey!);
    if (!broker) return null;
    const version = Math.min(broker.max, max);
    return version >= Math.max(broker.min, codec.validVersions.min) ? version : null;
  }

  send<Req, Res>(target: Api<Req, Res>, version: number, request: Req): Promise<Res> {
    return this.write(target, version, request, true) as Promise<Res>;
  }

  /** For requests that get no response (Produce with acks=0): resolves once written. */
  sendWithoutResponse<Req>(target: Api<Req, unknown>, version: number, request: Req): Promise<void> {
    return this.write(target, version, request, false) as Promise<void>;
  }

  private write<Req, Res>(target: Api<Req, Res>, version: number, request: Req, expectResponse: boolean): Promise<Res | void> {
    if (this.closedError) return Promise.reject(this.closedError);
    const correlationId = this.nextCorrelationId++ & 0x7fffffff;
    const header = headerVersions(target.apiKey, version, target.request.firstFlexibleVersion);
    const w = new Writer(128);
    const sizeAt = w.reserve(4);
    RequestHeader.encode(w, { requestApiKey: target.apiKey, requestApiVersion: version, correlationId, clientId: this.options.clientId }, header.request);
    target.request.encode(w, request, version);
    w.patchInt32(sizeAt, w.offset - 4);
    const frame = w.finish();
    if (!expectResponse) {
      return new Promise<void>((resolve, reject) => this.socket.write(frame, (err) => (err ? reject(err) : resolve())));
    }
    return new Promise<Res>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.inFlight.delete(correlationId);
        reject(new ConnectionError(`request ${target.request.name} v${version} to ${this.address} timed out after ${this.options.requestTimeoutMs} ms`, this.address));
      }, this.options.requestTimeoutMs);
      this.inFlight.set(correlationId, {
        apiKey: target.apiKey,
        decode: (body) => {
          ResponseHeader.decode(body, header.response);
          return target.response.decode(body, version);
        },
        resolve: resolve as (value: unknown) => void,
        reject,
        timer,
      });
      this.socket.write(frame);
    });
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      if (this.chunks[0].length < 4) this.chunks = [Buffer.concat(this.chunks)];
      const size = this.chunks[0].readInt32BE(0);
      if (size < 4 || size > this.options.maxResponseBytes) {
        this.shutdown(new ConnectionError(`broker ${this.address} sent a response frame of ${size} bytes`, this.address));
        this.socket.destroy();
        return;
      }
      if (this.buffered < 4 + size) return;
      const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
      const frame = all.subarray(4, 4 + size);
      this.chunks = all.length > 4 + size ? [all.subarray(4 + size)] : [];
      this.buffered -= 4 + size;
      this.onFrame(frame);
    }
  }

  private onFrame(frame: Buffer): void {
    const correlationId = frame.readInt32BE(0);
    const pending = this.inFlight.get(correlationId);
    if (!pending) return; // a response to a request that already timed out
    this.inFlight.delete(correlationId);
    clearTimeout(pending.timer);
    try {
      pending.resolve(pending.decode(new Reader(frame)));
    } catch (err) {
      pending.reject(err as Error);
    }
  }

  private shutdown(err: Error): void {
    if (this.closedError) return;
    this.closedError = err;
    for (const pending of this.inFlight.values()) {
      clearTimeout(pending.timer);
      pending.reject(err);
    }
    this.inFlight.clear();
  }

  get isClosed(): boolean {
    return this.closedError !== null;
  }

  close(): void {
    this.shutdown(new ConnectionError(`connection to ${this.address} is closed`, this.address));
    this.socket.destroy();
  }
}
