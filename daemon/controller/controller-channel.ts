// A broker's line to the active controller (Kafka's NodeToControllerChannelManager): requests go
// to the quorum leader's controller listener, found from the Raft node's view of the leader and
// controller.quorum.voters. A request answered NOT_CONTROLLER, or lost with its connection, is
// sent again (to whoever leads by then) until its deadline passes. While this node's own
// controller is active, the broker's own requests are answered in-process.
import { BrokerConnection, ConnectionError, type Api } from '../../src/client/connection.js';
import { ErrorCode, KafkaProtocolError } from '../../src/protocol/errors.js';
import type { VoterAddress } from './raft/transport.js';

export interface ControllerChannelSettings {
  nodeId: number;
  voters: readonly VoterAddress[];
  /** The quorum leader this node knows of, -1 when none. */
  currentLeader(): number;
  requestTimeoutMs: number;
  retryBackoffMs: number;
  /**
   * Answers a request in-process while this node's own controller is active, as the broker itself
   * (its registration, heartbeats, producer id blocks); null sends it over the network.
   */
  local(apiKey: number, request: unknown): Promise<unknown> | null;
}

export interface ControllerSendOptions {
  /** Give up after this long (default: the request timeout). */
  timeoutMs?: number;
  /** The version to send; default the highest both sides speak. */
  version?: number;
}

export class ControllerChannel {
  private readonly connections = new Map<number, Promise<BrokerConnection>>();
  private closed = false;

  constructor(private readonly settings: ControllerChannelSettings) {}

  /** Sends to the active controller and returns its answer; retries as above, then throws the last failure. */
  async send<Req, Res>(target: Api<Req, Res>, request: Req, options: ControllerSendOptions = {}): Promise<Res> {
    const deadline = Date.now() + (options.timeoutMs ?? this.settings.requestTimeoutMs);
    let lastFailure: Error = new KafkaProtocolError(ErrorCode.NOT_CONTROLLER, 'no active controller is known');
    while (!this.closed && Date.now() < deadline) {
      const leaderId = this.settings.currentLeader();
      const answeredHere = this.settings.local(target.apiKey, request) as Promise<Res> | null;
      if (answeredHere !== null) {
        const response = await answeredHere;
        if ((response as { errorCode?: number }).errorCode !== ErrorCode.NOT_CONTROLLER) return response;
      } else if (leaderId >= 0) {
        try {
          const connection = await this.connection(leaderId);
          const version = options.version ?? connection.usableVersion(target.request);
          if (version === null) throw new KafkaProtocolError(ErrorCode.UNSUPPORTED_VERSION, `controller ${leaderId} does not speak ${target.request.name}`);
          const response = await connection.send(target, version, request);
          if ((response as { errorCode?: number }).errorCode !== ErrorCode.NOT_CONTROLLER) return response;
          lastFailure = new KafkaProtocolError(ErrorCode.NOT_CONTROLLER, `node ${leaderId} is not the active controller`);
        } catch (err) {
          if (!(err instanceof ConnectionError)) throw err;
          this.drop(leaderId);
          lastFailure = err;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(this.settings.retryBackoffMs, deadline - Date.now()))));
    }
    throw lastFailure;
  }

  close(): void {
    this.closed = true;
    for (const pending of this.connections.values()) pending.then((c) => c.close(), () => undefined);
    this.connections.clear();
  }

  private connection(id: number): Promise<BrokerConnection> {
    const open = this.connections.get(id);
    if (open !== undefined) return open;
    const voter = this.settings.voters.find((v) => v.id === id);
    if (voter === undefined) return Promise.reject(new ConnectionError(`the quorum leader ${id} is not in controller.quorum.voters`, String(id)));
    const pending = BrokerConnection.connect(voter.host, voter.port, {
      clientId: `broker-${this.settings.nodeId}-to-controller`,
      requestTimeoutMs: this.settings.requestTimeoutMs,
      sasl: null,
    });
    this.connections.set(id, pending);
    pending.then(
      (c) => {
        if (this.closed) c.close();
      },
      () => this.drop(id),
    );
    return pending;
  }

  private drop(id: number): void {
    const pending = this.connections.get(id);
    this.connections.delete(id);
    pending?.then((c) => c.close(), () => undefined);
  }
}
