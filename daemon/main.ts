// The broker process: read the configuration, format empty log dirs, start, and shut down
// cleanly on SIGTERM or SIGINT.
import { readFile } from 'node:fs/promises';
import { embeddedDefaultProperties, resolveBrokerConfig, type BrokerConfig, type Listener } from '../src/config/broker-configs.js';
import { parseOverride, parseProperties } from '../src/config/properties.js';
import { Broker, type BrokerSettings, type ListenerSettings } from './broker.js';
import { groupCoordinatorSettings } from './coordinator/group-coordinator.js';
import { systemClock } from './log/clock.js';
import { createLogger, type Logger } from './logger.js';
import type { ListenerSpec } from './network/socket-server.js';
import { checkInterBrokerSasl, listenerSasl } from './security/listener-security.js';
import { listenerTls } from './security/tls.js';
import { ensureFormatted, readMetaProperties } from './storage.js';
import { topicSettingsFor } from './topic-settings.js';

const SECURITY_PROTOCOL_IDS = { PLAINTEXT: 0, SSL: 1, SASL_PLAINTEXT: 2, SASL_SSL: 3 } as const;

export interface BrokerStartOptions {
  /** A server.properties file; without one the embedded single-node default is used. */
  propertiesFile?: string;
  /** `key=value` strings that take precedence over the file. */
  overrides: readonly string[];
}

/** Reads the properties file (or the embedded default) and applies the overrides. */
export async function loadBrokerProperties(options: BrokerStartOptions): Promise<Map<string, string>> {
  const props = options.propertiesFile === undefined ? embeddedDefaultProperties() : parseProperties(await readFile(options.propertiesFile, 'utf8'));
  for (const override of options.overrides) {
    const [key, value] = parseOverride(override);
    props.set(key, value);
  }
  return props;
}

function listenerSettings(l: Listener): ListenerSettings {
  return { name: l.name, host: l.host, port: l.port, securityProtocol: SECURITY_PROTOCOL_IDS[l.securityProtocol] };
}

/** A served listener carries what its clients must prove (SocketServer reads `sasl` and `tls`). */
function servedListenerSettings(config: BrokerConfig, l: Listener): ListenerSettings & ListenerSpec {
  return { ...listenerSettings(l), sasl: listenerSasl(config, l), tls: listenerTls(config, l) };
}

export function brokerSettings(config: BrokerConfig, clusterId: string): BrokerSettings {
  const controllerNames = new Set(config.controllerListenerNames);
  const topics = topicSettingsFor(config);
  return {
    nodeId: config.nodeId,
    clusterId,
    processRoles: [...config.processRoles],
    listeners: config.listeners.filter((l) => !controllerNames.has(l.name)).map((l) => servedListenerSettings(config, l)),
    controllerListeners: config.processRoles.includes('controller') ? config.controllerListeners.map((l) => servedListenerSettings(config, l)) : [],
    quorum: {
      listenerName: config.controllerListenerNames[0] ?? 'CONTROLLER',
      voters: config.quorumVoters.map((v) => ({ id: v.id, host: v.host, port: v.port })),
      electionTimeoutMs: config.quorumElectionTimeoutMs,
      fetchTimeoutMs: config.quorumFetchTimeoutMs,
      electionBackoffMaxMs: config.quorumElectionBackoffMaxMs,
      requestTimeoutMs: config.quorumRequestTimeoutMs,
      retryBackoffMs: config.quorumRetryBackoffMs,
      segmentBytes: config.metadataLogSegmentBytes,
      segmentMs: config.metadataLogSegmentMs,
      snapshots: { maxBytesBetweenSnapshots: config.metadataSnapshotMaxNewRecordBytes, maxIntervalMs: config.metadataSnapshotMaxIntervalMs },
      retention: { maxBytes: config.metadataMaxRetentionBytes, maxMs: config.metadataMaxRetentionMs },
    },
    advertisedListeners: config.advertisedListeners.map(listenerSettings),
    logDirs: [...config.logDirs],
    rack: config.brokerRack,
    numPartitions: config.numPartitions,
    defaultReplicationFactor: config.defaultReplicationFactor,
    autoCreateTopicsEnable: config.autoCreateTopicsEnable,
    deleteTopicEnable: config.deleteTopicEnable,
    uncleanLeaderElectionEnable: config.uncleanLeaderElectionEnable,
    leaderImbalanceCheckIntervalMs: config.autoLeaderRebalanceEnable ? config.leaderImbalanceCheckIntervalSeconds * 1000 : null,
    brokerHeartbeatIntervalMs: config.brokerHeartbeatIntervalMs,
    brokerSessionTimeoutMs: config.brokerSessionTimeoutMs,
    socketRequestMaxBytes: config.socketRequestMaxBytes,
    connectionsMaxIdleMs: config.connectionsMaxIdleMs,
    queuedMaxRequests: config.queuedMaxRequests,
    retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
    logManager: {
      cleanerBackoffMs: config.logCleanerBackoffMs,
      checkpointIntervalMs: Math.min(config.logFlushOffsetCheckpointIntervalMs, config.logFlushStartOffsetCheckpointIntervalMs),
      highWatermarkCheckpointIntervalMs: config.replicaHighWatermarkCheckpointIntervalMs,
      producerIdExpirationMs: config.producerIdExpirationMs,
    },
    groupCoordinator: groupCoordinatorSettings(config),
    authorizer: config.authorizer,
    ...topics,
  };
}

export interface RunningBrokerProcess {
  broker: Broker;
  readyLine: string;
  stop(): Promise<void>;
}

/** A dynamic quorum (KIP-853) is not supported: the voters must be listed. Refused before anything is written. */
function checkSupportedQuorum(config: BrokerConfig): void {
  if (config.quorumVoters.length === 0) {
    throw new Error('controller.quorum.bootstrap.servers without controller.quorum.voters (a dynamic quorum, KIP-853) is not supported: list the voters in controller.quorum.voters');
  }
}

/**
 * A node of a quorum of several voters, or a broker joining a quorum it is not in, must share
 * the others' cluster id, which only `tk storage format -t ID` gives it: a random id per node
 * would leave every vote or registration refused.
 */
async function checkFormattedForQuorum(config: BrokerConfig): Promise<void> {
  const soleVoter = config.quorumVoters.length === 1 && config.quorumVoters[0].id === config.nodeId;
  if (soleVoter) return;
  const metas = await Promise.all(config.logDirs.map(readMetaProperties));
  if (metas.every((m) => m === null)) {
    throw new Error(
      `${config.logDirs[0]} is not formatted: ${config.quorumVoters.length > 1 ? `the ${config.quorumVoters.length} voters of controller.quorum.voters` : 'this broker and the controller of controller.quorum.voters'} must share one cluster id, so format each node first with \`tk storage format -t <cluster id>\` (\`tk storage random-uuid\` makes one)`,
    );
  }
}

/** Starts a broker in this process. The caller prints the ready line and wires the signals. */
/** TK_DEBUG=1 adds the debug lines (quorum requests, connections) to the log. */
export async function startBrokerProcess(options: BrokerStartOptions, log: Logger = createLogger(undefined, process.env.TK_DEBUG === '1')): Promise<RunningBrokerProcess> {
  const { config, warnings } = resolveBrokerConfig(await loadBrokerProperties(options));
  for (const w of warnings) log.warn(w);
  // Every listener, the controller's too, must be one tk can secure as configured, before anything is written.
  for (const listener of config.listeners) {
    listenerSasl(config, listener);
    listenerTls(config, listener);
  }
  checkInterBrokerSasl(config);
  checkSupportedQuorum(config);
  await checkFormattedForQuorum(config);
  const { clusterId, formatted } = await ensureFormatted(config.logDirs, config.nodeId);
  for (const dir of formatted) log.info(`formatted ${dir} for cluster ${clusterId}, node ${config.nodeId}`);
  const broker = await Broker.start(brokerSettings(config, clusterId), log, systemClock);
  const role = broker.isBroker ? 'broker' : 'controller';
  const first = broker.isBroker ? broker.boundListeners[0] : broker.controllerBoundListeners[0];
  const advertised = (broker.isBroker ? config.advertisedListeners : config.advertisedControllerListeners).find((l) => l.name === first?.name);
  const host = advertised?.host || first?.host || 'localhost';
  const readyLine = `tk ${role} ${config.nodeId} ready on ${first?.name ?? 'PLAINTEXT'}://${host}:${first?.boundPort ?? 0}`;
  let stopping: Promise<void> | null = null;
  return {
    broker,
    readyLine,
    stop: () => (stopping ??= broker.shutdown()),
  };
}
