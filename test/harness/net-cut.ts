// Cuts one node of a test cluster off from the others. A TCP proxy stands in front of each
// listener the nodes use between themselves (each controller's CONTROLLER listener, each broker's
// inter-broker listener); the nodes are pointed at the proxies (controller.quorum.voters and
// advertised.listeners, through startCluster's overridesFromPorts). The proxy reads the client id
// in the header of a connection's first request — the daemon's own clients call themselves
// `broker-N-fetcher-0`, `broker-N-to-controller` and `raft-client-N` — to learn which node
// connects, and while a node is cut it refuses (destroys) every connection from or to that node,
// and drops those already open when the cut begins. Other clients (the test's) always pass.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll } from 'vitest';
import { HOST } from './broker.js';
import type { NodePorts } from './cluster.js';

/** size, api key, api version, correlation id, client id length. */
const HEADER_PREFIX = 4 + 2 + 2 + 4 + 2;
const INTERNAL_CLIENT = /^(?:broker-(\d+)-|raft-client-(\d+)$)/;

/** The node a daemon-internal client id names, or null for any other client. */
export function nodeOfClientId(clientId: string): number | null {
  const m = INTERNAL_CLIENT.exec(clientId);
  return m === null ? null : Number(m[1] ?? m[2]);
}

/** The client id of a request frame's header, null until enough bytes have come (or when it has none). */
export function clientIdOfFirstRequest(bytes: Buffer): string | null | undefined {
  if (bytes.length < HEADER_PREFIX) return undefined;
  const length = bytes.readInt16BE(HEADER_PREFIX - 2);
  if (length < 0) return null;
  if (bytes.length < HEADER_PREFIX + length) return undefined;
  return bytes.toString('utf8', HEADER_PREFIX, HEADER_PREFIX + length);
}

interface Link {
  /** The node connecting, null for a client that is not a node. */
  from: number | null;
  to: number;
  sockets: Socket[];
}

const cuts: NetCut[] = [];
afterAll(async () => {
  await Promise.all(cuts.splice(0).map((c) => c.close()));
});

export class NetCut {
  private readonly servers: Server[] = [];
  private readonly links = new Set<Link>();
  private readonly cutOff = new Set<number>();
  /** Connections refused so far, per cut node. */
  readonly refused = new Map<number, number>();

  constructor(private readonly interBrokerListener: string) {
    cuts.push(this);
  }

  /**
   * For startCluster's overridesFromPorts: a proxy in front of every controller listener and
   * every broker's inter-broker listener, and the overrides that point the nodes at them.
   */
  readonly addressesFromPorts = async (nodes: readonly NodePorts[]): Promise<Record<number, Record<string, string>>> => {
    const voters: string[] = [];
    const overrides: Record<number, Record<string, string>> = {};
    for (const node of nodes) {
      overrides[node.id] = {};
      if (node.controllerPort !== 0) voters.push(`${node.id}@${HOST}:${await this.proxy(node.id, node.controllerPort)}`);
      if (node.port !== 0) {
        const interBroker = await this.proxy(node.id, node.listenerPorts[this.interBrokerListener]);
        overrides[node.id]['advertised.listeners'] = `PLAINTEXT://${HOST}:${node.port},${this.interBrokerListener}://${HOST}:${interBroker}`;
      }
    }
    for (const node of nodes) overrides[node.id]['controller.quorum.voters'] = voters.join(',');
    return overrides;
  };

  /** From now on the node reaches no other node and none reaches it; open connections are dropped. */
  cut(nodeId: number): void {
    this.cutOff.add(nodeId);
    for (const link of this.links) if (this.isCut(link.from, link.to)) this.drop(link);
  }

  heal(nodeId: number): void {
    this.cutOff.delete(nodeId);
  }

  async close(): Promise<void> {
    for (const link of this.links) this.drop(link);
    await Promise.all(this.servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private isCut(from: number | null, to: number): boolean {
    return from !== null && from !== to && (this.cutOff.has(from) || this.cutOff.has(to));
  }

  private drop(link: Link): void {
    this.links.delete(link);
    for (const s of link.sockets) s.destroy();
  }

  /** Listens on a free port and forwards to `targetPort` on node `to`; resolves with the proxy's port. */
  private async proxy(to: number, targetPort: number): Promise<number> {
    const server = createServer((client) => this.accept(client, to, targetPort));
    this.servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: HOST, port: 0 }, () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port from a listening proxy');
    return address.port;
  }

  private accept(client: Socket, to: number, targetPort: number): void {
    client.on('error', () => client.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const clientId = clientIdOfFirstRequest(head);
      if (clientId === undefined) return;
      client.off('data', onData);
      client.pause();
      const from = clientId === null ? null : nodeOfClientId(clientId);
      if (this.isCut(from, to)) {
        const cutNode = this.cutOff.has(to) ? to : from!;
        this.refused.set(cutNode, (this.refused.get(cutNode) ?? 0) + 1);
        client.destroy();
        return;
      }
      const upstream = connect({ host: HOST, port: targetPort });
      const link: Link = { from, to, sockets: [client, upstream] };
      this.links.add(link);
      const close = (): void => this.drop(link);
      upstream.on('error', close);
      upstream.on('close', close);
      client.on('close', close);
      upstream.write(head);
      client.pipe(upstream);
      upstream.pipe(client);
    };
    client.on('data', onData);
  }
}
