// Listeners: one TCP server per configured listener (a TLS server for SSL and SASL_SSL), each
// connection a KafkaConnection. A failed TLS handshake closes that socket only.
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { Broker } from '../broker.js';
import type { ApiHandler } from '../handlers/types.js';
import type { Logger } from '../logger.js';
import type { ListenerSasl } from '../security/listener-security.js';
import { sslPrincipal, type ListenerTls } from '../security/tls.js';
import { ANONYMOUS_PRINCIPAL, KafkaConnection, type ConnectionLimits } from './connection.js';

export interface ListenerSpec {
  name: string;
  host: string;
  port: number;
  /** Kafka's SecurityProtocol id: 0 PLAINTEXT, 1 SSL, 2 SASL_PLAINTEXT, 3 SASL_SSL. */
  securityProtocol?: number;
  /** What a SASL_PLAINTEXT or SASL_SSL listener's clients must prove. */
  sasl?: ListenerSasl | null;
  /** The certificate and client-auth policy of an SSL or SASL_SSL listener. */
  tls?: ListenerTls | null;
}

const SSL = 1;
const SASL_PLAINTEXT = 2;
const SASL_SSL = 3;

export interface BoundListener extends ListenerSpec {
  /** The port actually bound: differs from the spec when it asked for port 0. */
  boundPort: number;
}

export class SocketServer {
  private readonly servers: Server[] = [];
  private readonly connections = new Set<KafkaConnection>();
  private readonly sockets = new Set<Socket>();

  private requestsEnabled: Promise<void> = Promise.resolve();

  constructor(
    private readonly handlers: ReadonlyMap<number, ApiHandler>,
    private readonly limits: ConnectionLimits,
    private readonly log: Logger,
  ) {}

  /**
   * Connections accepted before `enabled` resolves are held unread until it does (Kafka's
   * enableRequestProcessing): a restarting broker binds its ports to register them, but must not
   * answer from metadata it has not caught up with yet.
   */
  holdRequestsUntil(enabled: Promise<void>): void {
    this.requestsEnabled = enabled;
  }

  async listen(listener: ListenerSpec, broker: Broker): Promise<BoundListener> {
    const protocol = listener.securityProtocol ?? 0;
    const sasl = listener.sasl ?? null;
    const tls = listener.tls ?? null;
    // Never serve a secured listener without its security.
    const needsSasl = protocol === SASL_PLAINTEXT || protocol === SASL_SSL;
    const needsTls = protocol === SSL || protocol === SASL_SSL;
    if (protocol < 0 || protocol > SASL_SSL || (needsSasl && sasl === null) || (needsTls && tls === null)) {
      throw new Error(`cannot serve listener ${listener.name}: security protocol ${protocol} needs settings tk does not have`);
    }
    /** `principal`: who the transport says the client is (its TLS certificate), until SASL says otherwise. */
    const serve = (socket: Socket, principal = ANONYMOUS_PRINCIPAL): void => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      // Until requests are enabled the socket is not read: what the client sent waits in its buffer,
      // and a reset meanwhile only closes it.
      const closeQuietly = (): void => void socket.destroy();
      socket.on('error', closeQuietly);
      const start = (): void => {
        socket.off('error', closeQuietly);
        if (socket.destroyed) return;
        const connection = new KafkaConnection(socket, listener.name, this.handlers, broker, this.limits, this.log, sasl, principal);
        this.connections.add(connection);
        socket.on('close', () => this.connections.delete(connection));
      };
      void this.requestsEnabled.then(start, () => socket.destroy());
    };
    let server: Server;
    if (tls === null) {
      server = createServer(serve);
    } else {
      server = createTlsServer(
        { ...tls.context, requestCert: tls.clientAuth !== 'none', rejectUnauthorized: tls.clientAuth === 'required' },
        (socket: TLSSocket) => {
          // A requested certificate that does not verify is not an identity: the client stays anonymous.
          const subject = socket.authorized ? socket.getPeerCertificate().subject : undefined;
          serve(socket, needsSasl ? ANONYMOUS_PRINCIPAL : sslPrincipal(subject));
        },
      );
      // Tracked from the first byte, so that shutdown does not wait on a client stuck in its handshake.
      server.on('connection', (raw: Socket) => {
        this.sockets.add(raw);
        raw.on('close', () => this.sockets.delete(raw));
      });
      server.on('tlsClientError', (err, socket) => {
        this.log.debug(`TLS handshake with ${socket.remoteAddress}:${socket.remotePort} on ${listener.name} failed: ${err.message}`);
        socket.destroy();
      });
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const where = `${listener.name}://${listener.host}:${listener.port}`;
        const hint = err.code === 'EADDRINUSE' ? ': the port is in use (another broker? `tk broker stop` stops tk brokers)' : `: ${err.message}`;
        reject(new Error(`cannot listen on ${where}${hint}`));
      });
      // An empty host binds every interface, as in Kafka's `PLAINTEXT://:9092`.
      server.listen({ host: listener.host === '' ? undefined : listener.host, port: listener.port }, () => {
        server.removeAllListeners('error');
        resolve();
      });
    });
    server.on('error', (err) => this.log.error(`listener ${listener.name}`, err));
    this.servers.push(server);
    const address = server.address();
    const boundPort = typeof address === 'object' && address !== null ? address.port : listener.port;
    return { ...listener, boundPort };
  }

  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then closes what is left. */
  async shutdown(graceMs: number): Promise<void> {
    // close() stops accepting at once; its callback waits until every connection has ended.
    const closed = this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    const deadline = Date.now() + graceMs;
    while ([...this.connections].some((c) => c.inFlight > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(closed);
  }
}
