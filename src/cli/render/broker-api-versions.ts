// What `tk broker-api-versions` prints: kafka-broker-api-versions.sh's block per broker, in the
// format of Kafka's NodeApiVersions.toString(true), with tk's own client standing where Kafka's
// Java client stands: "usable" is the highest version both tk and the broker speak.

/** An API as tk's client knows it (src/protocol/generated/apis.ts). */
export interface ClientApi {
  apiKey: number;
  /** Kafka's spelling: Produce, Fetch, ListOffsets, … */
  name: string;
  minVersion: number;
  maxVersion: number;
  /** Served by brokers (not only by controllers): Kafka lists such an API as UNSUPPORTED when a broker lacks it. */
  brokerApi: boolean;
}

export interface BrokerNode {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface BrokerVersions {
  broker: BrokerNode;
  /** The broker's range per API key; empty when it could not be asked. */
  versions: ReadonlyMap<number, { min: number; max: number }>;
  /** Why the broker could not be asked, null when it answered. */
  error: string | null;
}

export type ApiStatus = 'usable' | 'node too new' | 'node too old' | 'unsupported';

export interface ApiLine {
  apiKey: number;
  /** null for an API tk does not know (printed UNKNOWN). */
  name: string | null;
  /** The broker's range; null when the broker lacks the API. */
  minVersion: number | null;
  maxVersion: number | null;
  usableVersion: number | null;
  /** null for an API tk does not know. */
  status: ApiStatus | null;
}

/** Kafka's Node.toString. */
export function nodeText(b: BrokerNode): string {
  return `${b.host}:${b.port} (id: ${b.nodeId} rack: ${b.rack ?? 'null'})`;
}

/** One line per API the broker or tk's client knows, by API key. */
export function apiLines(versions: BrokerVersions['versions'], client: readonly ClientApi[]): ApiLine[] {
  const known = new Map(client.map((c) => [c.apiKey, c]));
  const lines = new Map<number, ApiLine>();
  for (const [apiKey, range] of versions) {
    const ours = known.get(apiKey);
    const line: ApiLine = { apiKey, name: ours?.name ?? null, minVersion: range.min, maxVersion: range.max, usableVersion: null, status: null };
    if (ours) {
      if (ours.maxVersion < range.min) line.status = 'node too new';
      else if (range.max < ours.minVersion) line.status = 'node too old';
      else {
        line.status = 'usable';
        line.usableVersion = Math.min(ours.maxVersion, range.max);
      }
    }
    lines.set(apiKey, line);
  }
  for (const c of client) {
    if (c.brokerApi && !lines.has(c.apiKey)) {
      lines.set(c.apiKey, { apiKey: c.apiKey, name: c.name, minVersion: null, maxVersion: null, usableVersion: null, status: 'unsupported' });
    }
  }
  return [...lines.values()].sort((a, b) => a.apiKey - b.apiKey);
}

function lineText(l: ApiLine): string {
  const head = `${l.name ?? 'UNKNOWN'}(${l.apiKey}): `;
  if (l.status === 'unsupported') return `${head}UNSUPPORTED`;
  const range = l.minVersion === l.maxVersion ? `${l.minVersion}` : `${l.minVersion} to ${l.maxVersion}`;
  if (l.status === null) return `${head}${range}`;
  return `${head}${range} ${l.status === 'usable' ? `[usable: ${l.usableVersion}]` : `[unusable: ${l.status}]`}`;
}

export function renderApiVersionsText(brokers: readonly BrokerVersions[], client: readonly ClientApi[]): string {
  return brokers
    .map((b) => {
      if (b.error !== null) return `${nodeText(b.broker)} -> ERROR: ${b.error}\n`;
      return `${nodeText(b.broker)} -> (\n\t${apiLines(b.versions, client).map(lineText).join(',\n\t')}\n)\n`;
    })
    .join('');
}

export function renderApiVersionsJson(brokers: readonly BrokerVersions[], client: readonly ClientApi[]): string {
  return `${JSON.stringify({
    brokers: brokers.map((b) => ({
      id: b.broker.nodeId,
      host: b.broker.host,
      port: b.broker.port,
      rack: b.broker.rack,
      ...(b.error !== null ? { error: b.error } : { apis: apiLines(b.versions, client) }),
    })),
  })}\n`;
}
