// One client connection: size-prefixed frames in, responses out in request order.
// A frame that cannot be parsed closes this connection only; nothing a client sends reaches
// past it as an exception. On a SASL listener nothing but the SASL exchange (and ApiVersions)
// is served until the client has authenticated.
import type { Socket } from 'node:net';
import { headerVersions } from '../../src/protocol/api-keys.js';
import { ApiKey } from '../../src/protocol/generated/apis.js';
import { RequestHeader } from '../../src/protocol/generated/clients/request-header.js';
import { ResponseHeader } from '../../src/protocol/generated/clients/response-header.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { DecodeError, Reader, Writer } from '../../src/protocol/primitives.js';
import type { Broker } from '../broker.js';
import { UnparseableRequestError, type ApiHandler, type RequestContext } from '../handlers/types.js';
import type { Logger } from '../logger.js';
import { apiVersionsResponseFor } from '../handlers/api-versions.js';
import type { ListenerSasl } from '../security/listener-security.js';
import { SaslAuthenticationFailure, SaslServerSession } from '../security/sasl-authenticator.js';
import { scramCredentialKey } from '../security/scram.js';
import type { SaslAuthenticateResponse } from '../../src/protocol/generated/clients/sasl-authenticate-response.js';
import { bufferPool } from '../log/buffer-pool.js';
import { PiecewiseWriter } from './frame-buffers.js';

/** The principal of a client nothing has authenticated (PLAINTEXT, TLS without a client certificate). */
export const ANONYMOUS_PRINCIPAL = 'User:ANONYMOUS';

export interface ConnectionLimits {
  maxRequestBytes: number;
  maxInFlightRequests: number;
  idleTimeoutMs: number;
}

interface PendingResponse {
  /** Undefined while the handler runs; null when the API sends no response; pieces to write in order. */
  bytes: Buffer | Buffer[] | null | undefined;
}

export class KafkaConnection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly pending: PendingResponse[] = [];
  private readingPaused = false;
  private processing = false;
  /** Set while a quota throttle holds this connection's reads (Kafka mutes the channel). */
  private throttledUntil = 0;
  private throttleTimer: NodeJS.Timeout | null = null;
  /**
   * While client quotas exist, a Produce or Fetch is served alone, as Kafka serves every request
   * of a connection: its throttle must hold the client before the next request is read.
   */
  private quotaGate: PendingResponse | null = null;
  private closed = false;
  /** Set when a response must reach the client before the connection closes (a failed authentication). */
  private closeAfterFlush: string | null = null;
  private readonly sasl: SaslServerSession | null;
  readonly remote: string;
  private readonly remoteHost: string;

  constructor(
    private readonly socket: Socket,
    private readonly listenerName: string,
    private readonly handlers: ReadonlyMap<number, ApiHandler>,
    private readonly broker: Broker,
    private readonly limits: ConnectionLimits,
    private readonly log: Logger,
    saslSettings: ListenerSasl | null = null,
    /** Who the transport identified (a TLS client certificate's subject); SASL, when used, replaces it. */
    private readonly transportPrincipal = ANONYMOUS_PRINCIPAL,
  ) {
    // SCRAM logins read the credentials of the broker's current metadata image.
    this.sasl = saslSettings === null ? null : new SaslServerSession(saslSettings, (mechanism, user) => broker.image.scramCredentials.get(scramCredentialKey(mechanism, user)));
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d; ACL hosts name it a.b.c.d.
    this.remoteHost = (socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
    socket.setNoDelay(true);
    socket.setTimeout(limits.idleTimeoutMs, () => {
      if (this.pending.length === 0) this.close('idle for longer than connections.max.idle.ms');
    });
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('drain', () => this.updateReading());
    socket.on('error', (err) => this.log.debug(`connection ${this.remote}: ${err.message}`));
    socket.on('close', () => (this.closed = true));
  }

  get inFlight(): number {
    return this.pending.length;
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.log.info(`closing connection from ${this.remote}: ${reason}`);
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.processBuffered();
  }

  /** Dispatches buffered frames while fewer than queued.max.requests wait for their response. */
  private processBuffered(): void {
    // A handler that answers synchronously flushes from inside this loop: the loop itself goes on.
    if (this.processing) return;
    this.processing = true;
    try {
      this.dispatchFrames();
    } finally {
      this.processing = false;
    }
    this.updateReading();
  }

  private dispatchFrames(): void {
    while (!this.closed && this.closeAfterFlush === null && !this.throttled && this.quotaGateOpen && this.buffered >= 4 && this.pending.length < this.limits.maxInFlightRequests) {
      const size = this.peekSize();
      if (size < 0 || size > this.limits.maxRequestBytes) {
        this.close(`request size ${size} is outside 0..${this.limits.maxRequestBytes} (socket.request.max.bytes)`);
        return;
      }
      if (this.buffered < 4 + size) break;
      const { frame, pooled } = this.take(4 + size);
      if (this.sasl?.expectsRawToken) this.authenticateRawToken(frame.subarray(4));
      else this.dispatch(frame.subarray(4), pooled);
    }
  }

  private peekSize(): number {
    if (this.chunks[0].length < 4) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0].readInt32BE(0);
  }

  /**
   * The next `n` bytes as one buffer: a view when one chunk holds them, else copied together,
   * into a pooled buffer for a large Produce request (its bytes are done with when it completes).
   */
  private take(n: number): { frame: Buffer; pooled: Buffer | null } {
    const first = this.chunks[0];
    this.buffered -= n;
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return { frame: first.subarray(0, n), pooled: null };
    }
    const isProduce = first.length >= 6 && first.readInt16BE(4) === ApiKey.Produce;
    const pooled = isProduce ? bufferPool.take(n) : null;
    const frame = pooled === null ? Buffer.allocUnsafe(n) : pooled.subarray(0, n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0];
      const used = Math.min(chunk.length, n - filled);
      chunk.copy(frame, filled, 0, used);
      filled += used;
      if (used === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
    }
    return { frame, pooled };
  }

  /** `pooled`, when set, holds the frame and goes back to the pool once the handler is done with it. */
  private dispatch(frame: Buffer, pooled: Buffer | null): void {
    if (frame.length < 8) {
      this.close(`request of ${frame.length} bytes is too short for a header`);
      return;
    }
    const apiKey = frame.readInt16BE(0);
    const apiVersion = frame.readInt16BE(2);
    const refusal = this.sasl?.refusal(apiKey) ?? null;
    if (refusal !== null) {
      this.close(refusal);
      return;
    }
    const handler = this.handlers.get(apiKey);
    if (!handler) {
      this.close(`unknown API key ${apiKey}`);
      return;
    }
    const versions = headerVersions(apiKey, apiVersion, handler.request.firstFlexibleVersion);
    const r = new Reader(frame);
    let header: RequestHeader;
    try {
      header = RequestHeader.decode(r, versions.request);
    } catch (err) {
      this.close(`malformed request header: ${(err as Error).message}`);
      return;
    }
    const slot: PendingResponse = { bytes: undefined };
    this.pending.push(slot);
    if ((apiKey === ApiKey.Produce || apiKey === ApiKey.Fetch) && this.broker.image.clientQuotas.size > 0) this.quotaGate = slot;

    if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
      if (apiKey === ApiKey.ApiVersions) {
        // KIP-511: answer a version we do not speak with v0 and our ranges, so the client can pick one.
        const response = apiVersionsResponseFor(this.broker, ErrorCode.UNSUPPORTED_VERSION);
        this.complete(slot, handler, header.correlationId, 0, 0, response);
      } else {
        this.close(`unsupported version ${apiVersion} of API ${apiKey}`);
      }
      return;
    }

    let request: unknown;
    try {
      request = handler.request.decode(r, apiVersion);
    } catch (err) {
      if (!(err instanceof DecodeError)) this.log.error(`decoding API ${apiKey} v${apiVersion} from ${this.remote}`, err);
      this.close(`malformed API ${apiKey} v${apiVersion} request: ${(err as Error).message}`);
      return;
    }
    if (this.sasl && !this.sasl.isComplete && apiKey !== ApiKey.ApiVersions) {
      this.authenticateStep(slot, handler, header.correlationId, apiVersion, versions.response, request);
      return;
    }
    const principal = this.sasl?.principal ?? this.transportPrincipal;
    const ctx: RequestContext = {
      header,
      apiVersion,
      listenerName: this.listenerName,
      clientAddress: this.remote,
      clientHost: this.remoteHost,
      principal,
      broker: this.broker,
    };
    let result: ReturnType<ApiHandler['handle']>;
    try {
      result = handler.handle(ctx, request);
    } catch (err) {
      this.fail(apiKey, apiVersion, err);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (response) => this.complete(slot, handler, header.correlationId, apiVersion, versions.response, response),
        (err) => this.fail(apiKey, apiVersion, err),
      );
      // Only Produce frames are pooled: its handler keeps no request bytes once it has settled.
      if (pooled !== null) result.finally(() => bufferPool.release(pooled)).catch(() => undefined);
    } else {
      this.complete(slot, handler, header.correlationId, apiVersion, versions.response, result);
      if (pooled !== null) bufferPool.release(pooled);
    }
  }

  /** SaslHandshake or SaslAuthenticate before authentication: answered here, never by the handler table. */
  private authenticateStep(slot: PendingResponse, handler: ApiHandler, correlationId: number, apiVersion: number, headerVersion: number, request: unknown): void {
    const session = this.sasl!;
    if (handler.apiKey === ApiKey.SaslHandshake) {
      const { mechanism } = request as { mechanism: string };
      const { response, accepted } = session.handshake(mechanism, apiVersion);
      if (!accepted) this.closeAfterFlush = `SASL handshake refused (mechanism ${JSON.stringify(mechanism)}, error ${response.errorCode})`;
      this.complete(slot, handler, correlationId, apiVersion, headerVersion, response);
      return;
    }
    const response: SaslAuthenticateResponse = { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0n };
    try {
      response.authBytes = session.authenticate((request as { authBytes: Buffer }).authBytes);
      this.log.debug(`connection ${this.remote} authenticated as ${session.principal}`);
    } catch (err) {
      if (!(err instanceof SaslAuthenticationFailure)) throw err;
      response.errorCode = ErrorCode.SASL_AUTHENTICATION_FAILED;
      response.errorMessage = err.message;
      this.closeAfterFlush = `SASL authentication failed: ${err.message}`;
    }
    this.complete(slot, handler, correlationId, apiVersion, headerVersion, response);
  }

  /** A token after a v0 handshake: the answer is a bare size-prefixed token; a failure just closes. */
  private authenticateRawToken(token: Buffer): void {
    let answer: Buffer;
    try {
      answer = this.sasl!.authenticate(token);
    } catch (err) {
      if (!(err instanceof SaslAuthenticationFailure)) throw err;
      this.close(`SASL authentication failed: ${err.message}`);
      return;
    }
    const frame = Buffer.alloc(4 + answer.length);
    frame.writeInt32BE(answer.length, 0);
    answer.copy(frame, 4);
    this.pending.push({ bytes: frame });
    this.flush();
  }

  /** A handler that throws has a bug: the client gets a closed connection, the log gets the stack. */
  private fail(apiKey: number, apiVersion: number, err: unknown): void {
    if (err instanceof UnparseableRequestError) {
      this.close(`unparseable API ${apiKey} v${apiVersion} request: ${err.message}`);
      return;
    }
    this.log.error(`handling API ${apiKey} v${apiVersion} from ${this.remote}`, err);
    this.close('internal error while handling a request');
  }

  private complete(slot: PendingResponse, handler: ApiHandler, correlationId: number, apiVersion: number, headerVersion: number, response: unknown): void {
    if (this.closed) return;
    if (response === null) {
      slot.bytes = null;
    } else {
      try {
        // A fetch response's record sets are written from the buffers the log read them into.
        const w = handler.apiKey === ApiKey.Fetch ? new PiecewiseWriter(256) : new Writer(256);
        const sizeAt = w.reserve(4);
        ResponseHeader.encode(w, { correlationId }, headerVersion);
        handler.response.encode(w, response, apiVersion);
        if (w instanceof PiecewiseWriter) {
          w.patchInt32(sizeAt, w.length - 4);
          slot.bytes = w.pieces();
        } else {
          w.patchInt32(sizeAt, w.offset - 4);
          slot.bytes = w.finish();
        }
        this.throttleFor((response as { throttleTimeMs?: number }).throttleTimeMs ?? 0);
      } catch (err) {
        this.fail(handler.apiKey, apiVersion, err);
        return;
      }
    }
    this.flush();
  }

  private flush(): void {
    let released = false;
    // Corked, the responses ready now (and the pieces of each) leave in one writev.
    this.socket.cork();
    while (this.pending.length > 0 && this.pending[0].bytes !== undefined) {
      const { bytes } = this.pending.shift()!;
      // A record set read into a pooled buffer goes back to the pool once the socket has it.
      if (Array.isArray(bytes)) for (const piece of bytes) this.socket.write(piece, bufferPool.owns(piece) ? () => bufferPool.release(piece) : undefined);
      else if (bytes) this.socket.write(bytes);
      released = true;
    }
    this.socket.uncork();
    if (this.closeAfterFlush !== null && this.pending.length === 0) {
      this.log.info(`closing connection from ${this.remote}: ${this.closeAfterFlush}`);
      this.closed = true;
      this.socket.end();
      return;
    }
    if (released && this.buffered > 0) this.processBuffered();
    else this.updateReading();
  }

  private get quotaGateOpen(): boolean {
    return this.quotaGate === null || this.quotaGate.bytes !== undefined;
  }

  private get throttled(): boolean {
    return this.throttledUntil > Date.now();
  }

  /**
   * A quota throttle: the response goes out now, then nothing more is read or dispatched from this
   * client until the throttle time has passed (KIP-219), so a client that ignores it still waits.
   */
  private throttleFor(ms: number): void {
    if (ms <= 0) return;
    const until = Date.now() + ms;
    if (until <= this.throttledUntil) return;
    this.throttledUntil = until;
    if (this.throttleTimer === null) this.resumeAfterThrottle();
  }

  private resumeAfterThrottle(): void {
    const remaining = this.throttledUntil - Date.now();
    this.throttleTimer = remaining > 0 ? setTimeout(() => this.resumeAfterThrottle(), remaining).unref() : null;
    if (this.throttleTimer === null && !this.closed) this.processBuffered();
  }

  /** Back-pressure: stop reading while throttled, too many requests wait or the socket's write buffer is full. */
  private updateReading(): void {
    if (this.closed) return;
    const busy = this.throttled || this.pending.length >= this.limits.maxInFlightRequests || this.socket.writableNeedDrain;
    if (busy && !this.readingPaused) {
      this.socket.pause();
      this.readingPaused = true;
    } else if (!busy && this.readingPaused) {
      this.readingPaused = false;
      this.socket.resume();
    }
  }
}
