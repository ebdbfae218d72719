// How a quorum member reaches the others: one request to one voter, answered or failed. The
// network transport keeps a connection per voter (re-opened after a failure) and puts fetches
// (and snapshot downloads) on a connection of their own, so a parked long-poll fetch never
// delays a vote behind it.
import { BrokerConnection, type Api } from '../../../src/client/connection.js';
import { ApiKey } from '../../../src/protocol/api-keys.js';

export interface RaftTransport {
  send<Req, Res>(to: number, target: Api<Req, Res>, request: Req): Promise<Res>;
  close(): void;
}

export interface VoterAddress {
  id: number;
  host: string;
  port: number;
}

export class NetworkTransport implements RaftTransport {
  private readonly connections = new Map<string, Promise<BrokerConnection>>();
  private closed = false;

  constructor(
    private readonly voters: ReadonlyMap<number, VoterAddress>,
    private readonly localId: number,
    private readonly requestTimeoutMs: number,
  ) {}

  async send<Req, Res>(to: number, target: Api<Req, Res>, request: Req): Promise<Res> {
    const key = `${to}/${target.apiKey === ApiKey.Fetch || target.apiKey === ApiKey.FetchSnapshot ? 'fetch' : 'control'}`;
    const connection = await this.connection(key, to);
    const version = connection.usableVersion(target.request);
    if (version === null) throw new Error(`voter ${to} does not speak API ${target.apiKey}`);
    try {
      return await connection.send(target, version, request);
    } catch (err) {
      this.drop(key, connection);
      throw err;
    }
  }

  close(): void {
    this.closed = true;
    for (const pending of this.connections.values()) pending.then((c) => c.close(), () => undefined);
    this.connections.clear();
  }

  private connection(key: string, to: number): Promise<BrokerConnection> {
    if (this.closed) return Promise.reject(new Error('the quorum transport is closed'));
    const open = this.connections.get(key);
    if (open !== undefined) return open;
    const voter = this.voters.get(to);
    if (voter === undefined) return Promise.reject(new Error(`node ${to} is not a voter`));
    const pending = BrokerConnection.connect(voter.host, voter.port, { clientId: `raft-client-${this.localId}`, requestTimeoutMs: this.requestTimeoutMs, sasl: null });
    this.connections.set(key, pending);
    pending.catch(() => {
      if (this.connections.get(key) === pending) this.connections.delete(key);
    });
    return pending;
  }

  private drop(key: string, connection: BrokerConnection): void {
    connection.close();
    void this.connections.get(key)?.then((c) => {
      if (c === connection) this.connections.delete(key);
    });
  }
}
