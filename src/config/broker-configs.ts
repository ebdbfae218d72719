// The broker's configuration: Kafka's names, types, defaults and validation for the settings
// tk's daemon reads, and resolveBrokerConfig, which turns server.properties (plus --override
// flags) into a typed BrokerConfig with the derived values worked out (retention in ms from
// ms/minutes/hours, listeners parsed, quorum voters parsed) and Kafka's start-up cross-checks
// applied. tk runs in KRaft mode only, so process.roles is required (as in Kafka 4.0).
//
// Keys Kafka knows but tk does not define are reported as warnings, never errors, so a stock
// Kafka server.properties starts a tk broker. Of the security settings only SASL's are defined;
// their per-listener forms (listener.name.<listener>.…) are read by daemon/security/.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isIPv4, isIPv6 } from 'node:net';
import {
  type AnyConfigKey,
  ConfigDef,
  ConfigError,
  INT_MAX_VALUE,
  LONG_MAX_VALUE,
  type ParsedConfig,
  atLeast,
  between,
  custom,
  eachOneOf,
  oneOf,
} from './config-def.js';

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MIB = 1024 * 1024;
const WEEK_MS = 7 * 24 * MS_PER_HOUR;

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

/** compression.type at the broker and topic level: a codec, or `producer` to keep what the producer sent. */
export const BROKER_COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] as const;
export type BrokerCompressionType = (typeof BROKER_COMPRESSION_TYPES)[number];

export const CLEANUP_POLICIES = ['compact', 'delete'] as const;
export type CleanupPolicy = (typeof CLEANUP_POLICIES)[number];

/** Kafka's KRaft authorizer, the one authorizer.class.name tk accepts. */
export const STANDARD_AUTHORIZER_CLASS = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer';

export const TIMESTAMP_TYPES = ['CreateTime', 'LogAppendTime'] as const;
export type TimestampType = (typeof TIMESTAMP_TYPES)[number];

export type ProcessRole = 'broker' | 'controller';

/** The smallest segment that can hold a record (Kafka's LegacyRecord.RECORD_OVERHEAD_V0). */
const MIN_SEGMENT_BYTES = 14;
/** Kafka's default maximum batch size: 1 MiB plus the 12-byte log entry overhead. */
const DEFAULT_MAX_MESSAGE_BYTES = MIB + 12;

/** Kafka's message.format.version values ("0.10.0", "2.8-IV1", "3.0"): accepted for compatibility, never acted on. */
export const kafkaVersion = custom<string>('[0.8.0, ..., 3.9-IV0]', (v) =>
  /^(0\.(8|9|10|11)\.\d+(\.\d+)?|[1-9]\.\d+(\.\d+)?)(-IV\d+)?$/.test(v) ? null : `Version ${v} is not a valid version`,
);

export const compressionTypes = oneOf(...BROKER_COMPRESSION_TYPES);
export const gzipLevel = custom<number>('[1,...,9] or -1', (v) =>
  v === -1 || (v >= 1 && v <= 9) ? null : 'Value must be between 1 and 9 or equal to -1',
);
export const lz4Level = between(1, 17);
export const zstdLevel = between(-131072, 22);

// Reconfigurable at run time, per Kafka's DynamicBrokerConfig: the first broker synonym of each
// topic config, the cleaner and thread-pool settings, and the listener settings (per broker).
const K: AnyConfigKey[] = [
  // Identity and roles
  { name: 'node.id', type: 'int', default: -1, importance: 'high', dynamic: 'read-only', synonyms: [{ name: 'broker.id' }], description: 'This node\'s id in the cluster; the id it votes with when it is a controller.' },
  { name: 'broker.id', type: 'int', default: -1, importance: 'high', dynamic: 'read-only', description: 'Older name for node.id; if both are set they must agree.' },
  { name: 'process.roles', type: 'list', default: [], validator: eachOneOf('broker', 'controller'), importance: 'high', dynamic: 'read-only', description: 'What this node does: broker, controller, or both (combined mode).' },
  { name: 'broker.rack', type: 'string', default: null, importance: 'medium', dynamic: 'read-only', description: 'Rack (or zone) of this broker, used to spread replicas and for follower fetching.' },

  // Listeners
  { name: 'listeners', type: 'string', default: 'PLAINTEXT://:9092', importance: 'high', dynamic: 'per-broker', description: 'Comma-separated NAME://host:port endpoints to accept connections on; an empty host binds every interface.' },
  { name: 'advertised.listeners', type: 'string', default: null, importance: 'high', dynamic: 'per-broker', description: 'Endpoints clients are told to connect to, when they differ from listeners.' },
  { name: 'listener.security.protocol.map', type: 'string', default: 'SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT', importance: 'low', dynamic: 'per-broker', description: 'NAME:PROTOCOL pairs giving each listener name its security protocol.' },
  { name: 'controller.listener.names', type: 'string', default: null, importance: 'high', dynamic: 'read-only', description: 'Listener names the controllers are reached on; the first is used to connect to them.' },
  { name: 'inter.broker.listener.name', type: 'string', default: null, importance: 'medium', dynamic: 'read-only', description: 'Listener brokers use to talk to each other (replication).' },
  { name: 'security.inter.broker.protocol', type: 'string', default: 'PLAINTEXT', validator: oneOf(...SECURITY_PROTOCOLS), importance: 'medium', dynamic: 'read-only', description: 'Older way to pick the inter-broker listener, by protocol; set this or inter.broker.listener.name, not both.' },
  { name: 'authorizer.class.name', type: 'string', default: '', validator: custom(`"" or ${STANDARD_AUTHORIZER_CLASS}`, (v: string) => (v === '' || v === STANDARD_AUTHORIZER_CLASS ? null : `tk's only authorizer is ${STANDARD_AUTHORIZER_CLASS}`)), importance: 'low', dynamic: 'read-only', description: `The ACL authorizer: ${STANDARD_AUTHORIZER_CLASS} checks every request against the ACLs in the metadata log (super.users and allow.everyone.if.no.acl.found configure it); empty for none.` },
  { name: 'sasl.enabled.mechanisms', type: 'list', default: ['GSSAPI'], importance: 'medium', dynamic: 'read-only', description: 'SASL mechanisms SASL listeners accept; listener.name.<listener>.sasl.enabled.mechanisms overrides it for one listener. tk serves PLAIN.' },
  { name: 'sasl.mechanism.inter.broker.protocol', type: 'string', default: 'GSSAPI', importance: 'medium', dynamic: 'read-only', description: 'SASL mechanism brokers use to talk to each other over a SASL inter-broker listener.' },
  // TLS of SSL and SASL_SSL listeners, read by daemon/security/tls.ts; listener.name.<listener>.ssl.* overrides each for one listener. tk reads PEM stores only.
  { name: 'ssl.keystore.type', type: 'string', default: 'JKS', importance: 'medium', dynamic: 'per-broker', description: 'Format of the keystore; tk reads PEM only.' },
  { name: 'ssl.keystore.location', type: 'string', default: null, importance: 'high', dynamic: 'per-broker', description: 'A PEM file holding the private key and certificate chain SSL listeners present.' },
  { name: 'ssl.keystore.key', type: 'password', default: null, importance: 'high', dynamic: 'per-broker', description: 'The private key in PEM, given inline instead of ssl.keystore.location.' },
  { name: 'ssl.keystore.certificate.chain', type: 'password', default: null, importance: 'high', dynamic: 'per-broker', description: 'The certificate chain in PEM, given inline with ssl.keystore.key.' },
  { name: 'ssl.key.password', type: 'password', default: null, importance: 'high', dynamic: 'per-broker', description: 'Password of an encrypted private key.' },
  { name: 'ssl.truststore.type', type: 'string', default: 'JKS', importance: 'medium', dynamic: 'per-broker', description: 'Format of the truststore; tk reads PEM only.' },
  { name: 'ssl.truststore.location', type: 'string', default: null, importance: 'high', dynamic: 'per-broker', description: 'A PEM file of the CA certificates client certificates are verified against.' },
  { name: 'ssl.truststore.certificates', type: 'password', default: null, importance: 'high', dynamic: 'per-broker', description: 'The trusted CA certificates in PEM, given inline instead of ssl.truststore.location.' },
  { name: 'ssl.client.auth', type: 'string', default: 'none', validator: oneOf('required', 'requested', 'none'), importance: 'medium', dynamic: 'per-broker', description: 'Whether SSL listeners ask clients for a certificate: required, requested or none.' },

  // KRaft quorum
  { name: 'controller.quorum.voters', type: 'list', default: [], importance: 'high', dynamic: 'read-only', description: 'The static controller quorum as id@host:port entries.' },
  { name: 'controller.quorum.bootstrap.servers', type: 'list', default: [], importance: 'high', dynamic: 'read-only', description: 'host:port entries used to find the controller quorum when voters are not listed (KIP-853).' },
  { name: 'controller.quorum.election.timeout.ms', type: 'int', default: 1000, importance: 'high', dynamic: 'read-only', description: 'How long a voter waits without hearing from a leader before it starts an election.' },
  { name: 'controller.quorum.fetch.timeout.ms', type: 'int', default: 2000, importance: 'high', dynamic: 'read-only', description: 'How long without a successful fetch before a voter becomes a candidate, or a leader without fetches from a majority resigns.' },
  { name: 'controller.quorum.election.backoff.max.ms', type: 'int', default: 1000, importance: 'high', dynamic: 'read-only', description: 'Upper bound of the randomised backoff between elections.' },
  { name: 'controller.quorum.append.linger.ms', type: 'int', default: 25, importance: 'medium', dynamic: 'read-only', description: 'How long the quorum leader lets metadata writes accumulate before flushing them.' },
  { name: 'controller.quorum.request.timeout.ms', type: 'int', default: 2000, importance: 'medium', dynamic: 'read-only', description: 'Timeout of requests between quorum members.' },
  { name: 'controller.quorum.retry.backoff.ms', type: 'int', default: 20, importance: 'low', dynamic: 'read-only', description: 'Pause before retrying a failed quorum request.' },
  { name: 'broker.heartbeat.interval.ms', type: 'int', default: 2000, importance: 'medium', dynamic: 'read-only', description: 'How often a broker heartbeats to the active controller.' },
  { name: 'broker.session.timeout.ms', type: 'int', default: 9000, importance: 'medium', dynamic: 'read-only', description: 'A broker that has not heartbeaten for this long is fenced.' },
  { name: 'initial.broker.registration.timeout.ms', type: 'int', default: 60000, importance: 'medium', dynamic: 'read-only', description: 'How long a starting broker waits to register with the controller before giving up.' },
  { name: 'metadata.log.dir', type: 'string', default: null, importance: 'high', dynamic: 'read-only', description: 'Directory of the __cluster_metadata log; the first log directory when unset.' },
  { name: 'metadata.log.segment.bytes', type: 'int', default: 1024 * MIB, validator: atLeast(12), importance: 'high', dynamic: 'read-only', description: 'Segment size of the metadata log.' },
  { name: 'metadata.log.segment.ms', type: 'long', default: WEEK_MS, importance: 'high', dynamic: 'read-only', description: 'Age at which the active metadata log segment is rolled.' },
  { name: 'metadata.max.retention.bytes', type: 'long', default: 100 * MIB, importance: 'high', dynamic: 'read-only', description: 'Metadata log size above which old segments covered by a snapshot are deleted.' },
  { name: 'metadata.max.retention.ms', type: 'long', default: WEEK_MS, importance: 'high', dynamic: 'read-only', description: 'Age after which metadata log segments covered by a snapshot are deleted.' },
  { name: 'metadata.log.max.record.bytes.between.snapshots', type: 'long', default: 20 * MIB, validator: atLeast(1), importance: 'high', dynamic: 'read-only', description: 'Bytes of new metadata records after which a snapshot is taken.' },
  { name: 'metadata.log.max.snapshot.interval.ms', type: 'long', default: MS_PER_HOUR, validator: atLeast(0), importance: 'high', dynamic: 'read-only', description: 'Longest time between snapshots while new metadata records arrive; 0 disables the time trigger.' },

  // Log directories and topic creation
  { name: 'log.dirs', type: 'string', default: null, importance: 'high', dynamic: 'read-only', description: 'Comma-separated directories holding partition data; overrides log.dir.' },
  { name: 'log.dir', type: 'string', default: '/tmp/kafka-logs', importance: 'high', dynamic: 'read-only', description: 'The data directory when log.dirs is not set.' },
  { name: 'num.partitions', type: 'int', default: 1, validator: atLeast(1), importance: 'medium', dynamic: 'read-only', description: 'Partition count of a topic created without one (including auto-created topics).' },
  { name: 'default.replication.factor', type: 'int', default: 1, importance: 'medium', dynamic: 'read-only', description: 'Replication factor of a topic created without one.' },
  { name: 'auto.create.topics.enable', type: 'boolean', default: true, importance: 'high', dynamic: 'read-only', description: 'Create a topic when a client asks for metadata of one that does not exist.' },
  { name: 'delete.topic.enable', type: 'boolean', default: true, importance: 'high', dynamic: 'read-only', description: 'Allow topics to be deleted.' },

  // Log defaults (each is the broker-wide default of a topic config)
  { name: 'log.segment.bytes', type: 'int', default: 1024 * MIB, validator: atLeast(MIN_SEGMENT_BYTES), importance: 'high', dynamic: 'cluster-wide', description: 'Size at which a log segment is rolled.' },
  { name: 'log.roll.ms', type: 'long', default: null, importance: 'high', dynamic: 'cluster-wide', synonyms: [{ name: 'log.roll.hours', scale: MS_PER_HOUR }], description: 'Age at which the active segment is rolled even if not full; wins over log.roll.hours.' },
  { name: 'log.roll.hours', type: 'int', default: 168, validator: atLeast(1), importance: 'high', dynamic: 'read-only', description: 'log.roll.ms in hours.' },
  { name: 'log.roll.jitter.ms', type: 'long', default: null, importance: 'high', dynamic: 'cluster-wide', synonyms: [{ name: 'log.roll.jitter.hours', scale: MS_PER_HOUR }], description: 'Random amount taken off the roll time so segments of many partitions do not roll together.' },
  { name: 'log.roll.jitter.hours', type: 'int', default: 0, validator: atLeast(0), importance: 'high', dynamic: 'read-only', description: 'log.roll.jitter.ms in hours.' },
  { name: 'log.retention.ms', type: 'long', default: null, importance: 'high', dynamic: 'cluster-wide', synonyms: [{ name: 'log.retention.minutes', scale: MS_PER_MINUTE }, { name: 'log.retention.hours', scale: MS_PER_HOUR }], description: 'Age after which a segment is deleted; -1 keeps data forever. Wins over minutes and hours.' },
  { name: 'log.retention.minutes', type: 'int', default: null, importance: 'high', dynamic: 'read-only', description: 'log.retention.ms in minutes; wins over log.retention.hours.' },
  { name: 'log.retention.hours', type: 'int', default: 168, importance: 'high', dynamic: 'read-only', description: 'log.retention.ms in hours.' },
  { name: 'log.retention.bytes', type: 'long', default: -1, importance: 'high', dynamic: 'cluster-wide', description: 'Size a partition may reach before its oldest segments are deleted; -1 for no limit.' },
  { name: 'log.retention.check.interval.ms', type: 'long', default: 5 * MS_PER_MINUTE, validator: atLeast(1), importance: 'medium', dynamic: 'read-only', description: 'How often retention is enforced.' },
  { name: 'log.cleanup.policy', type: 'list', default: ['delete'], validator: eachOneOf(...CLEANUP_POLICIES), importance: 'medium', dynamic: 'cluster-wide', description: 'What happens to old segments: delete them, compact them (keep the last record per key), or both.' },
  { name: 'log.index.interval.bytes', type: 'int', default: 4096, validator: atLeast(0), importance: 'medium', dynamic: 'cluster-wide', description: 'Bytes of batches between two offset index entries.' },
  { name: 'log.index.size.max.bytes', type: 'int', default: 10 * MIB, validator: atLeast(4), importance: 'medium', dynamic: 'cluster-wide', description: 'Largest offset or time index; a full index rolls the segment.' },
  { name: 'log.flush.interval.messages', type: 'long', default: LONG_MAX_VALUE, validator: atLeast(1), importance: 'high', dynamic: 'cluster-wide', description: 'Records appended to a partition before it is fsynced; unlimited by default (replication provides durability).' },
  { name: 'log.flush.interval.ms', type: 'long', default: null, importance: 'high', dynamic: 'cluster-wide', synonyms: [{ name: 'log.flush.scheduler.interval.ms' }], description: 'Longest time a record stays in the page cache before an fsync.' },
  { name: 'log.flush.scheduler.interval.ms', type: 'long', default: LONG_MAX_VALUE, importance: 'high', dynamic: 'read-only', description: 'How often partitions are checked for a due fsync; also the flush interval when log.flush.interval.ms is unset.' },
  { name: 'log.flush.offset.checkpoint.interval.ms', type: 'int', default: 60000, validator: atLeast(0), importance: 'high', dynamic: 'read-only', description: 'How often the recovery point checkpoint is written.' },
  { name: 'log.flush.start.offset.checkpoint.interval.ms', type: 'int', default: 60000, validator: atLeast(0), importance: 'high', dynamic: 'read-only', description: 'How often the log start offset checkpoint is written.' },
  { name: 'log.segment.delete.delay.ms', type: 'long', default: 60000, validator: atLeast(0), importance: 'high', dynamic: 'cluster-wide', description: 'Delay between a segment leaving the log and its files being removed.' },
  { name: 'log.preallocate', type: 'boolean', default: false, importance: 'medium', dynamic: 'cluster-wide', description: 'Preallocate a new segment file at its full size.' },
  { name: 'log.message.timestamp.type', type: 'string', default: 'CreateTime', validator: oneOf(...TIMESTAMP_TYPES), importance: 'medium', dynamic: 'cluster-wide', description: 'Record timestamps as the producer set them (CreateTime) or as the broker appends them (LogAppendTime).' },
  { name: 'log.message.timestamp.difference.max.ms', type: 'long', default: LONG_MAX_VALUE, validator: atLeast(0), importance: 'medium', dynamic: 'cluster-wide', description: 'Deprecated: largest allowed gap between a record\'s CreateTime and the broker clock, either way.' },
  { name: 'log.message.timestamp.before.max.ms', type: 'long', default: LONG_MAX_VALUE, validator: atLeast(0), importance: 'medium', dynamic: 'cluster-wide', description: 'How far in the past a record\'s CreateTime may be.' },
  { name: 'log.message.timestamp.after.max.ms', type: 'long', default: LONG_MAX_VALUE, validator: atLeast(0), importance: 'medium', dynamic: 'cluster-wide', description: 'How far in the future a record\'s CreateTime may be.' },
  { name: 'log.message.format.version', type: 'string', default: '3.0-IV1', validator: kafkaVersion, importance: 'medium', dynamic: 'read-only', description: 'Deprecated record format version; ignored, batches are always v2.' },
  { name: 'log.message.downconversion.enable', type: 'boolean', default: true, importance: 'low', dynamic: 'cluster-wide', description: 'Convert batches to an older format for fetchers that need one.' },
  { name: 'log.local.retention.ms', type: 'long', default: -2, validator: atLeast(-2), importance: 'medium', dynamic: 'cluster-wide', description: 'Local retention time under tiered storage; -2 means the same as retention.' },
  { name: 'log.local.retention.bytes', type: 'long', default: -2, validator: atLeast(-2), importance: 'medium', dynamic: 'cluster-wide', description: 'Local retention size under tiered storage; -2 means the same as retention.' },
  { name: 'log.cleaner.enable', type: 'boolean', default: true, importance: 'medium', dynamic: 'read-only', description: 'Run the log cleaner, which compacts topics with cleanup.policy=compact.' },
  { name: 'log.cleaner.threads', type: 'int', default: 1, validator: atLeast(0), importance: 'medium', dynamic: 'cluster-wide', description: 'Threads compacting logs.' },
  { name: 'log.cleaner.backoff.ms', type: 'long', default: 15000, validator: atLeast(0), importance: 'medium', dynamic: 'cluster-wide', description: 'Pause of the cleaner when there is nothing to compact.' },
  { name: 'log.cleaner.delete.retention.ms', type: 'long', default: 24 * MS_PER_HOUR, validator: atLeast(0), importance: 'medium', dynamic: 'cluster-wide', description: 'How long tombstones stay in a compacted log after compaction reaches them.' },
  { name: 'log.cleaner.min.compaction.lag.ms', type: 'long', default: 0, validator: atLeast(0), importance: 'medium', dynamic: 'cluster-wide', description: 'Shortest time a record stays uncompacted.' },
  { name: 'log.cleaner.max.compaction.lag.ms', type: 'long', default: LONG_MAX_VALUE, validator: atLeast(1), importance: 'medium', dynamic: 'cluster-wide', description: 'Longest time a record may stay uncompacted.' },
  { name: 'log.cleaner.min.cleanable.ratio', type: 'double', default: 0.5, validator: between(0, 1), importance: 'medium', dynamic: 'cluster-wide', description: 'Share of a log that must be uncompacted before the cleaner compacts it.' },
  { name: 'num.recovery.threads.per.data.dir', type: 'int', default: 1, validator: atLeast(1), importance: 'high', dynamic: 'cluster-wide', description: 'Threads per data directory recovering logs at start-up.' },
  { name: 'min.insync.replicas', type: 'int', default: 1, validator: atLeast(1), importance: 'high', dynamic: 'cluster-wide', description: 'In-sync replicas needed for an acks=all write to succeed.' },
  { name: 'unclean.leader.election.enable', type: 'boolean', default: false, importance: 'high', dynamic: 'cluster-wide', description: 'Allow a replica outside the ISR to become leader, at the cost of losing acknowledged data.' },
  { name: 'message.max.bytes', type: 'int', default: DEFAULT_MAX_MESSAGE_BYTES, validator: atLeast(0), importance: 'high', dynamic: 'cluster-wide', description: 'Largest record batch a topic accepts.' },
  { name: 'compression.type', type: 'string', default: 'producer', validator: compressionTypes, importance: 'high', dynamic: 'cluster-wide', description: 'Codec batches are stored with; producer keeps the producer\'s codec.' },
  { name: 'compression.gzip.level', type: 'int', default: -1, validator: gzipLevel, importance: 'medium', dynamic: 'cluster-wide', description: 'gzip level when the broker compresses.' },
  { name: 'compression.lz4.level', type: 'int', default: 9, validator: lz4Level, importance: 'medium', dynamic: 'cluster-wide', description: 'lz4 level when the broker compresses.' },
  { name: 'compression.zstd.level', type: 'int', default: 3, validator: zstdLevel, importance: 'medium', dynamic: 'cluster-wide', description: 'zstd level when the broker compresses.' },

  // Network
  { name: 'socket.request.max.bytes', type: 'int', default: 100 * MIB, validator: atLeast(1), importance: 'high', dynamic: 'read-only', description: 'Largest request frame accepted; a larger one closes the connection.' },
  { name: 'socket.send.buffer.bytes', type: 'int', default: 100 * 1024, importance: 'high', dynamic: 'read-only', description: 'Socket send buffer size; -1 for the OS default.' },
  { name: 'socket.receive.buffer.bytes', type: 'int', default: 100 * 1024, importance: 'high', dynamic: 'read-only', description: 'Socket receive buffer size; -1 for the OS default.' },
  { name: 'socket.listen.backlog.size', type: 'int', default: 50, validator: atLeast(1), importance: 'medium', dynamic: 'read-only', description: 'Pending connections a listener queues.' },
  { name: 'connections.max.idle.ms', type: 'long', default: 10 * MS_PER_MINUTE, importance: 'medium', dynamic: 'read-only', description: 'Idle connections are closed after this long.' },
  { name: 'queued.max.requests', type: 'int', default: 500, validator: atLeast(1), importance: 'high', dynamic: 'read-only', description: 'Requests in flight before the broker stops reading from connections.' },
  { name: 'max.connections', type: 'int', default: INT_MAX_VALUE, validator: atLeast(0), importance: 'medium', dynamic: 'cluster-wide', description: 'Most connections the broker accepts at once.' },
  { name: 'max.connections.per.ip', type: 'int', default: INT_MAX_VALUE, validator: atLeast(0), importance: 'medium', dynamic: 'cluster-wide', description: 'Most connections accepted from one IP address.' },
  { name: 'num.network.threads', type: 'int', default: 3, validator: atLeast(1), importance: 'high', dynamic: 'cluster-wide', description: 'Threads reading and writing sockets.' },
  { name: 'num.io.threads', type: 'int', default: 8, validator: atLeast(1), importance: 'high', dynamic: 'cluster-wide', description: 'Threads handling requests.' },
  { name: 'background.threads', type: 'int', default: 10, validator: atLeast(1), importance: 'high', dynamic: 'cluster-wide', description: 'Threads for background work such as deleting files.' },
  { name: 'fetch.max.bytes', type: 'int', default: 55 * MIB, validator: atLeast(1024), importance: 'medium', dynamic: 'read-only', description: 'Most bytes one consumer fetch response carries.' },

  // Replication
  { name: 'replica.lag.time.max.ms', type: 'long', default: 30000, importance: 'high', dynamic: 'read-only', description: 'A follower that has not caught up for this long is removed from the ISR.' },
  { name: 'replica.fetch.max.bytes', type: 'int', default: MIB, validator: atLeast(0), importance: 'medium', dynamic: 'read-only', description: 'Bytes a follower asks for per partition.' },
  { name: 'replica.fetch.response.max.bytes', type: 'int', default: 10 * MIB, validator: atLeast(0), importance: 'medium', dynamic: 'read-only', description: 'Bytes a follower asks for per fetch.' },
  { name: 'replica.fetch.wait.max.ms', type: 'int', default: 500, importance: 'high', dynamic: 'read-only', description: 'How long a follower fetch waits at the leader for data.' },
  { name: 'replica.fetch.min.bytes', type: 'int', default: 1, importance: 'high', dynamic: 'read-only', description: 'Bytes a follower fetch waits for before the leader answers.' },
  { name: 'replica.fetch.backoff.ms', type: 'int', default: 1000, validator: atLeast(0), importance: 'medium', dynamic: 'read-only', description: 'Pause after a follower fetch fails.' },
  { name: 'replica.socket.timeout.ms', type: 'int', default: 30000, importance: 'high', dynamic: 'read-only', description: 'Timeout of follower fetch requests.' },
  { name: 'replica.high.watermark.checkpoint.interval.ms', type: 'long', default: 5000, importance: 'high', dynamic: 'read-only', description: 'How often high watermarks are checkpointed to disk.' },
  { name: 'num.replica.fetchers', type: 'int', default: 1, importance: 'high', dynamic: 'cluster-wide', description: 'Fetcher threads per source broker.' },
  { name: 'auto.leader.rebalance.enable', type: 'boolean', default: true, importance: 'high', dynamic: 'read-only', description: 'Move leadership back to preferred replicas when they are in sync.' },
  { name: 'leader.imbalance.check.interval.seconds', type: 'long', default: 300, validator: atLeast(1), importance: 'high', dynamic: 'read-only', description: 'How often leadership balance is checked.' },
  { name: 'leader.imbalance.per.broker.percentage', type: 'int', default: 10, importance: 'high', dynamic: 'read-only', description: 'Share of non-preferred leaders on a broker that triggers a rebalance.' },

  // Group coordinator
  { name: 'offsets.topic.num.partitions', type: 'int', default: 50, validator: atLeast(1), importance: 'high', dynamic: 'read-only', description: 'Partitions of __consumer_offsets; fixed once the topic exists.' },
  { name: 'offsets.topic.replication.factor', type: 'short', default: 3, validator: atLeast(1), importance: 'high', dynamic: 'read-only', description: 'Replication factor of __consumer_offsets.' },
  { name: 'offsets.topic.segment.bytes', type: 'int', default: 100 * MIB, validator: atLeast(1), importance: 'high', dynamic: 'read-only', description: 'Segment size of __consumer_offsets.' },
  { name: 'offsets.topic.compression.codec', type: 'int', default: 0, importance: 'high', dynamic: 'read-only', description: 'Codec id for writes to __consumer_offsets (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd).' },
  { name: 'offsets.retention.minutes', type: 'int', default: 7 * 24 * 60, validator: atLeast(1), importance: 'high', dynamic: 'read-only', description: 'How long committed offsets of an empty group are kept.' },
  { name: 'offsets.retention.check.interval.ms', type: 'long', default: 600000, validator: atLeast(1), importance: 'high', dynamic: 'read-only', description: 'How often expired offsets are removed.' },
  { name: 'offsets.commit.timeout.ms', type: 'int', default: 5000, validator: atLeast(1), importance: 'high', dynamic: 'read-only', description: 'How long an offset commit waits for __consumer_offsets to replicate it.' },
  { name: 'offset.metadata.max.bytes', type: 'int', default: 4096, importance: 'high', dynamic: 'read-only', description: 'Largest metadata string stored with a committed offset.' },
  { name: 'group.initial.rebalance.delay.ms', type: 'int', default: 3000, importance: 'medium', dynamic: 'read-only', description: 'How long the first rebalance of a new classic group waits for more members to join.' },
  { name: 'group.min.session.timeout.ms', type: 'int', default: 6000, importance: 'medium', dynamic: 'read-only', description: 'Smallest session timeout a classic group member may ask for.' },
  { name: 'group.max.session.timeout.ms', type: 'int', default: 1800000, importance: 'medium', dynamic: 'read-only', description: 'Largest session timeout a classic group member may ask for.' },
  { name: 'group.max.size', type: 'int', default: INT_MAX_VALUE, validator: atLeast(1), importance: 'medium', dynamic: 'read-only', description: 'Most members a classic group may have.' },
  // Kafka 3.9 defaults to classic only; 4.0 (KIP-848 generally available) adds consumer, which tk serves.
  { name: 'group.coordinator.rebalance.protocols', type: 'list', default: ['classic', 'consumer'], validator: eachOneOf('classic', 'consumer', 'share'), importance: 'medium', dynamic: 'read-only', description: 'Group protocols the coordinator accepts.' },
  { name: 'group.consumer.session.timeout.ms', type: 'int', default: 45000, validator: atLeast(1), importance: 'medium', dynamic: 'read-only', description: 'Session timeout of consumer-protocol (KIP-848) group members.' },
  { name: 'group.consumer.min.session.timeout.ms', type: 'int', default: 45000, validator: atLeast(1), importance: 'medium', dynamic: 'read-only', description: 'Smallest session timeout of a consumer-protocol group.' },
  { name: 'group.consumer.max.session.timeout.ms', type: 'int', default: 60000, validator: atLeast(1), importance: 'medium', dynamic: 'read-only', description: 'Largest session timeout of a consumer-protocol group.' },
  { name: 'group.consumer.heartbeat.interval.ms', type: 'int', default: 5000, validator: atLeast(1), importance: 'medium', dynamic: 'read-only', description: 'Heartbeat interval the coordinator gives consumer-protocol members.' },
  { name: 'group.consumer.min.heartbeat.interval.ms', type: 'int', default: 5000, validator: atLeast(1), importance: 'medium', dynamic: 'read-only', description: 'Smallest heartbeat interval of a consumer-protocol group.' },
  { name: 'group.consumer.max.heartbeat.interval.ms', type: 'int', default: 15000, validator: atLeast(1), importance: 'medium', dynamic: 'read-only', description: 'Largest heartbeat interval of a consumer-protocol group.' },
  { name: 'group.consumer.max.size', type: 'int', default: INT_MAX_VALUE, validator: atLeast(1), importance: 'medium', dynamic: 'read-only', description: 'Most members a consumer-protocol group may have.' },

  // Transaction coordinator and producer state
  { name: 'transaction.state.log.num.partitions', type: 'int', default: 50, validator: atLeast(1), importance: 'high', dynamic: 'read-only', description: 'Partitions of __transaction_state; fixed once the topic exists.' },
  { name: 'transaction.state.log.replication.factor', type: 'short', default: 3, validator: atLeast(1), importance: 'high', dynamic: 'read-only', description: 'Replication factor of __transaction_state.' },
  { name: 'transaction.state.log.min.isr', type: 'int', default: 2, validator: atLeast(1), importance: 'high', dynamic: 'read-only', description: 'min.insync.replicas of __transaction_state.' },
  { name: 'transaction.state.log.segment.bytes', type: 'int', default: 100 * MIB, validator: atLeast(1), importance: 'high', dynamic: 'read-only', description: 'Segment size of __transaction_state.' },
  { name: 'transaction.max.timeout.ms', type: 'int', default: 15 * MS_PER_MINUTE, validator: atLeast(1), importance: 'high', dynamic: 'read-only', description: 'Largest transaction timeout a producer may ask for.' },
  { name: 'transactional.id.expiration.ms', type: 'int', default: 7 * 24 * MS_PER_HOUR, validator: atLeast(1), importance: 'high', dynamic: 'read-only', description: 'How long an idle transactional id is remembered.' },
  { name: 'transaction.abort.timed.out.transaction.cleanup.interval.ms', type: 'int', default: 10000, validator: atLeast(1), importance: 'low', dynamic: 'read-only', description: 'How often timed-out transactions are aborted.' },
  { name: 'transaction.remove.expired.transaction.cleanup.interval.ms', type: 'int', default: MS_PER_HOUR, validator: atLeast(1), importance: 'low', dynamic: 'read-only', description: 'How often expired transactional ids are removed.' },
  { name: 'producer.id.expiration.ms', type: 'int', default: 24 * MS_PER_HOUR, validator: atLeast(1), importance: 'low', dynamic: 'cluster-wide', description: 'How long an idle producer id\'s sequence state is kept per partition.' },
];

export const BROKER_CONFIG_DEF = new ConfigDef(K);

/** Keys tk accepts (so a Kafka server.properties loads) but does not act on, with the reason. */
export const IGNORED_BROKER_CONFIGS: ReadonlyMap<string, string> = new Map([
  ...['num.network.threads', 'num.io.threads', 'background.threads', 'num.recovery.threads.per.data.dir', 'num.replica.fetchers', 'log.cleaner.threads'].map(
    (name): [string, string] => [name, 'tk serves everything from one event loop, so thread pool sizes do not apply'],
  ),
  ['log.message.format.version', 'tk always writes record batch v2, as Kafka does from 3.0'],
]);

// --- the authorizer ---------------------------------------------------------------------------

/** Keys the authorizer reads from the broker's properties, outside Kafka's broker config definitions. */
const AUTHORIZER_KEYS = ['super.users', 'allow.everyone.if.no.acl.found'];

export interface AuthorizerConfig {
  /** Principals allowed everything: super.users split on semicolons. */
  readonly superUsers: readonly string[];
  readonly allowEveryoneIfNoAclFound: boolean;
}

function resolveAuthorizer(className: string, props: ReadonlyMap<string, string>): AuthorizerConfig | null {
  if (className === '') return null;
  const superUsers = (props.get('super.users') ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const principal of superUsers) {
    check(/^[^:]+:.+$/.test(principal), `Invalid principal ${principal} in super.users: expected TYPE:NAME, e.g. User:admin`, 'super.users');
  }
  // Java's Boolean.parseBoolean: "true" in any case, anything else is false.
  const allowEveryoneIfNoAclFound = (props.get('allow.everyone.if.no.acl.found') ?? '').trim().toLowerCase() === 'true';
  return { superUsers, allowEveryoneIfNoAclFound };
}

// --- listeners ------------------------------------------------------------------------------

/** One listener endpoint. An empty host means every interface (bind); a daemon advertises the machine's host name for it, as Kafka does. */
export interface Listener {
  /** Upper-case listener name, e.g. PLAINTEXT, CONTROLLER, INTERNAL. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly securityProtocol: SecurityProtocol;
}

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface QuorumVoter extends HostPort {
  readonly id: number;
}

const isSecurityProtocol = (s: string): s is SecurityProtocol => (SECURITY_PROTOCOLS as readonly string[]).includes(s);

/** Kafka's Csv.parseCsvList: split on commas with surrounding whitespace, drop empty entries. */
function csvList(value: string): string[] {
  return value.length === 0 ? [] : value.split(/\s*,\s*/).filter((v) => v.length > 0);
}

/** Parses listener.security.protocol.map (`NAME:PROTOCOL,...`); names and protocols are case-insensitive. */
export function parseSecurityProtocolMap(value: string, configName = 'listener.security.protocol.map'): Map<string, SecurityProtocol> {
  const map = new Map<string, SecurityProtocol>();
  if (value.length === 0) return map;
  for (const entry of value.split(/\s*,\s*/)) {
    const colon = entry.lastIndexOf(':');
    if (colon < 0) throw ConfigError.invalidValue(configName, value, `entry '${entry}' is not of the form LISTENER_NAME:SECURITY_PROTOCOL`);
    const name = entry.slice(0, colon).trim().toUpperCase();
    const protocol = entry.slice(colon + 1).trim().toUpperCase();
    if (!isSecurityProtocol(protocol)) throw new ConfigError(`Invalid security protocol \`${protocol}\` defined in ${configName}`, configName, value);
    map.set(name, protocol);
  }
  return map;
}

// NAME://host:port, NAME://[ipv6]:port, NAME://:port (all interfaces).
const LISTENER = /^(.*):\/\/\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$/;

/**
 * Parses a listeners-style value into endpoints, resolving each name's security protocol.
 * Names must be distinct; with requireDistinctPorts (listeners, not advertised.listeners) so
 * must ports, except that an IPv4 and an IPv6 address may share one.
 */
export function parseListeners(
  value: string,
  protocolMap: ReadonlyMap<string, SecurityProtocol>,
  configName = 'listeners',
  requireDistinctPorts = true,
): Listener[] {
  const listeners: Listener[] = [];
  for (const entry of csvList(value.trim())) {
    const m = LISTENER.exec(entry);
    if (m === null) throw ConfigError.invalidValue(configName, value, `unable to parse '${entry}' as NAME://host:port`);
    const name = m[1]!.toUpperCase();
    const port = Number(m[3]);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw ConfigError.invalidValue(configName, value, `port ${m[3]} of listener ${name} is out of range`);
    const securityProtocol = protocolMap.get(name);
    if (securityProtocol === undefined) throw ConfigError.invalidValue(configName, value, `No security protocol defined for listener ${name}`);
    listeners.push({ name, host: m[2]!, port, securityProtocol });
  }
  if (new Set(listeners.map((l) => l.name)).size !== listeners.length) {
    throw ConfigError.invalidValue(configName, value, 'Each listener must have a different name');
  }
  if (requireDistinctPorts) {
    for (const port of new Set(listeners.map((l) => l.port))) {
      const same = listeners.filter((l) => l.port === port);
      if (port === 0 || same.length < 2) continue;
      const [a, b] = same as [Listener, Listener];
      const ipv4AndIpv6 = same.length === 2 && ((isIPv4(a.host) && isIPv6(b.host)) || (isIPv6(a.host) && isIPv4(b.host)));
      if (!ipv4AndIpv6) {
        throw ConfigError.invalidValue(configName, value, `Each listener must have a different port unless one has an IPv4 address and the other an IPv6 address; port ${port} is shared`);
      }
    }
  }
  return listeners;
}

const HOST_PORT = /^\[?([0-9a-zA-Z\-%._:]+)\]?:([0-9]+)$/;

function parseHostPort(entry: string): HostPort | null {
  const m = HOST_PORT.exec(entry);
  if (m === null) return null;
  const port = Number(m[2]);
  return port <= 65535 ? { host: m[1]!, port } : null;
}

/** Parses controller.quorum.voters entries (`id@host:port`). */
export function parseQuorumVoters(entries: readonly string[]): QuorumVoter[] {
  const name = 'controller.quorum.voters';
  const value = entries.join(',');
  const voters: QuorumVoter[] = [];
  for (const entry of entries) {
    const parts = entry.split('@');
    if (parts.length !== 2) throw ConfigError.invalidValue(name, value, 'each entry must be of the form {id}@{host}:{port}');
    const [idText, address] = parts as [string, string];
    if (!/^[+-]?\d+$/.test(idText) || Number(idText) > INT_MAX_VALUE) throw ConfigError.invalidValue(name, value, `voter id ${idText} is not an integer`);
    const hostPort = parseHostPort(address);
    if (hostPort === null) throw ConfigError.invalidValue(name, value, `cannot read host and port from '${entry}'; each entry must be of the form {id}@{host}:{port}`);
    if (hostPort.host === '0.0.0.0') throw ConfigError.invalidValue(name, value, `host 0.0.0.0 of voter ${idText} is not routable`);
    const id = Number(idText);
    if (voters.some((v) => v.id === id)) throw ConfigError.invalidValue(name, value, `voter id ${id} appears twice`);
    voters.push({ id, ...hostPort });
  }
  return voters;
}

/** Parses controller.quorum.bootstrap.servers entries (`host:port`). */
export function parseQuorumBootstrapServers(entries: readonly string[]): HostPort[] {
  return entries.map((entry) => {
    const hostPort = parseHostPort(entry);
    if (hostPort === null) throw ConfigError.invalidValue('controller.quorum.bootstrap.servers', entries.join(','), `cannot read host and port from '${entry}'`);
    return hostPort;
  });
}

// --- the resolved configuration ---------------------------------------------------------------

export interface BrokerConfig {
  /** The properties as given (server.properties plus overrides), known and unknown keys alike. */
  readonly originals: ReadonlyMap<string, string>;
  /** Every value parsed and defaulted, for generic access (DescribeConfigs) and for keys not surfaced below. */
  readonly parsed: ParsedConfig;

  readonly nodeId: number;
  readonly processRoles: readonly ProcessRole[];
  readonly brokerRack: string | null;

  /** Every listener this node binds, controller listeners included. */
  readonly listeners: readonly Listener[];
  /** The broker listeners clients are told about: advertised.listeners (or listeners) without the controller listeners. */
  readonly advertisedListeners: readonly Listener[];
  /** Listeners named in controller.listener.names that this node binds (none on a broker-only node). */
  readonly controllerListeners: readonly Listener[];
  /** How this node's controller listeners are advertised to the quorum. */
  readonly advertisedControllerListeners: readonly Listener[];
  readonly controllerListenerNames: readonly string[];
  /** Kafka's effective map: the configured one, plus CONTROLLER-style names mapped to PLAINTEXT when it was left at its default. */
  readonly listenerSecurityProtocolMap: ReadonlyMap<string, SecurityProtocol>;
  readonly interBrokerListenerName: string;
  readonly interBrokerSecurityProtocol: SecurityProtocol;

  readonly quorumVoters: readonly QuorumVoter[];
  readonly quorumBootstrapServers: readonly HostPort[];
  readonly quorumElectionTimeoutMs: number;
  readonly quorumFetchTimeoutMs: number;
  readonly quorumElectionBackoffMaxMs: number;
  readonly quorumAppendLingerMs: number;
  readonly quorumRequestTimeoutMs: number;
  readonly quorumRetryBackoffMs: number;
  readonly brokerHeartbeatIntervalMs: number;
  readonly brokerSessionTimeoutMs: number;
  readonly initialBrokerRegistrationTimeoutMs: number;
  readonly metadataLogDir: string;
  readonly metadataLogSegmentBytes: number;
  readonly metadataLogSegmentMs: number;
  readonly metadataMaxRetentionBytes: number;
  readonly metadataMaxRetentionMs: number;
  readonly metadataSnapshotMaxNewRecordBytes: number;
  readonly metadataSnapshotMaxIntervalMs: number;

  readonly logDirs: readonly string[];
  readonly numPartitions: number;
  readonly defaultReplicationFactor: number;
  readonly autoCreateTopicsEnable: boolean;
  readonly deleteTopicEnable: boolean;

  /** Effective retention: log.retention.ms, else minutes, else hours; any negative value is -1 (keep forever). */
  readonly logRetentionMs: number;
  readonly logRetentionBytes: number;
  readonly logSegmentBytes: number;
  /** Effective roll time: log.roll.ms, else log.roll.hours. */
  readonly logRollMs: number;
  readonly logRollJitterMs: number;
  readonly logRetentionCheckIntervalMs: number;
  readonly logCleanupPolicy: readonly CleanupPolicy[];
  readonly logIndexIntervalBytes: number;
  readonly logIndexSizeMaxBytes: number;
  readonly logFlushIntervalMessages: number;
  /** Effective flush interval: log.flush.interval.ms, else log.flush.scheduler.interval.ms. */
  readonly logFlushIntervalMs: number;
  readonly logFlushSchedulerIntervalMs: number;
  readonly logFlushOffsetCheckpointIntervalMs: number;
  readonly logFlushStartOffsetCheckpointIntervalMs: number;
  readonly logSegmentDeleteDelayMs: number;
  readonly logMessageTimestampType: TimestampType;
  readonly logCleanerEnable: boolean;
  readonly logCleanerBackoffMs: number;
  readonly logCleanerDeleteRetentionMs: number;
  readonly minInsyncReplicas: number;
  readonly uncleanLeaderElectionEnable: boolean;
  readonly messageMaxBytes: number;
  readonly compressionType: BrokerCompressionType;
  /** The ACL authorizer's settings, or null when authorizer.class.name is empty (no ACL checks). */
  readonly authorizer: AuthorizerConfig | null;

  readonly socketRequestMaxBytes: number;
  readonly socketSendBufferBytes: number;
  readonly socketReceiveBufferBytes: number;
  readonly socketListenBacklogSize: number;
  readonly connectionsMaxIdleMs: number;
  readonly queuedMaxRequests: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  readonly fetchMaxBytes: number;

  readonly replicaLagTimeMaxMs: number;
  readonly replicaFetchMaxBytes: number;
  readonly replicaFetchResponseMaxBytes: number;
  readonly replicaFetchWaitMaxMs: number;
  readonly replicaFetchMinBytes: number;
  readonly replicaFetchBackoffMs: number;
  readonly replicaSocketTimeoutMs: number;
  readonly replicaHighWatermarkCheckpointIntervalMs: number;
  readonly autoLeaderRebalanceEnable: boolean;
  readonly leaderImbalanceCheckIntervalSeconds: number;
  readonly leaderImbalancePerBrokerPercentage: number;

  readonly offsetsTopicNumPartitions: number;
  readonly offsetsTopicReplicationFactor: number;
  readonly offsetsTopicSegmentBytes: number;
  readonly offsetsTopicCompressionCodec: number;
  /** offsets.retention.minutes in ms. */
  readonly offsetsRetentionMs: number;
  readonly offsetsRetentionCheckIntervalMs: number;
  readonly offsetsCommitTimeoutMs: number;
  readonly offsetMetadataMaxBytes: number;
  readonly groupInitialRebalanceDelayMs: number;
  readonly groupMinSessionTimeoutMs: number;
  readonly groupMaxSessionTimeoutMs: number;
  readonly groupMaxSize: number;
  readonly groupCoordinatorRebalanceProtocols: readonly string[];
  readonly groupConsumerSessionTimeoutMs: number;
  readonly groupConsumerMinSessionTimeoutMs: number;
  readonly groupConsumerMaxSessionTimeoutMs: number;
  readonly groupConsumerHeartbeatIntervalMs: number;
  readonly groupConsumerMinHeartbeatIntervalMs: number;
  readonly groupConsumerMaxHeartbeatIntervalMs: number;
  readonly groupConsumerMaxSize: number;

  readonly transactionStateLogNumPartitions: number;
  readonly transactionStateLogReplicationFactor: number;
  readonly transactionStateLogMinIsr: number;
  readonly transactionStateLogSegmentBytes: number;
  readonly transactionMaxTimeoutMs: number;
  readonly transactionalIdExpirationMs: number;
  readonly transactionAbortTimedOutTransactionCleanupIntervalMs: number;
  readonly transactionRemoveExpiredTransactionCleanupIntervalMs: number;
  readonly producerIdExpirationMs: number;
}

export interface ResolvedBrokerConfig {
  readonly config: BrokerConfig;
  /** One line each: unknown keys, keys accepted but ignored, Kafka's start-up warnings. */
  readonly warnings: string[];
}

function check(condition: boolean, message: string, configName: string | null = null): asserts condition {
  if (!condition) throw new ConfigError(message, configName);
}

function parseProcessRoles(p: ParsedConfig): ProcessRole[] {
  const roles = p.get('process.roles', 'list');
  check(roles.length > 0, 'process.roles must be set (broker, controller, or both): tk runs in KRaft mode only', 'process.roles');
  check(new Set(roles).size === roles.length, `Duplicate role names found in process.roles: ${roles.join(',')}`, 'process.roles');
  return roles as ProcessRole[];
}

function resolveNodeId(p: ParsedConfig): number {
  // Kafka fills whichever of node.id and broker.id is missing from the other; both set must agree.
  if (p.isSet('node.id') && p.isSet('broker.id')) {
    check(p.get('node.id', 'int') === p.get('broker.id', 'int'), 'You must set `node.id` to the same value as `broker.id`.', 'node.id');
  }
  const nodeId = p.resolveNumber('node.id').value;
  check(nodeId >= 0, 'Missing configuration `node.id`, which is required when `process.roles` is set (KRaft mode)', 'node.id');
  return nodeId;
}

const SSL_OR_SASL = new Set<string>(['SSL', 'SASL_SSL', 'SASL_PLAINTEXT']);

/** The configured map; left at its default, it also maps each controller listener name to PLAINTEXT unless SSL or SASL is in use. */
function effectiveSecurityProtocolMap(p: ParsedConfig, controllerListenerNames: readonly string[]): Map<string, SecurityProtocol> {
  const map = parseSecurityProtocolMap(p.get('listener.security.protocol.map', 'string'));
  if (p.isSet('listener.security.protocol.map')) return map;
  const listenerNames = csvList(p.get('listeners', 'string')).map((l) => l.split('://')[0]!.toUpperCase());
  if ([...controllerListenerNames, ...listenerNames].some((n) => SSL_OR_SASL.has(n))) return map;
  for (const name of controllerListenerNames) if (name !== 'PLAINTEXT') map.set(name, 'PLAINTEXT');
  return map;
}

function interBrokerListener(p: ParsedConfig, map: ReadonlyMap<string, SecurityProtocol>): [string, SecurityProtocol] {
  const name = p.find('inter.broker.listener.name', 'string');
  if (name === null) {
    const protocol = p.get('security.inter.broker.protocol', 'string') as SecurityProtocol;
    return [protocol, protocol];
  }
  check(!p.isSet('security.inter.broker.protocol'), 'Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.', 'inter.broker.listener.name');
  const normalised = name.toUpperCase();
  const protocol = map.get(normalised);
  check(protocol !== undefined, `Listener with name ${normalised} defined in inter.broker.listener.name not found in listener.security.protocol.map.`, 'inter.broker.listener.name');
  return [normalised, protocol];
}

/** listener.name.<listener>.sasl.enabled.mechanisms and listener.name.<listener>.<mechanism>.sasl.jaas.config. */
export function isListenerSaslKey(name: string): boolean {
  return /^listener\.name\.[^.]+\.(sasl\.enabled\.mechanisms|[^.]+\.sasl\.jaas\.config)$/.test(name);
}

/** listener.name.<listener>.ssl.*: one listener's form of an ssl.* key tk defines. */
function isListenerSslKey(name: string): boolean {
  const m = /^listener\.name\.[^.]+\.(ssl\..+)$/.exec(name);
  return m !== null && BROKER_CONFIG_DEF.has(m[1]!);
}

/**
 * Parses and checks a broker's properties. Unknown keys become warnings; a bad value or a
 * combination Kafka would refuse at start-up throws ConfigError naming the key.
 */
export function resolveBrokerConfig(props: ReadonlyMap<string, string>): ResolvedBrokerConfig {
  const p = BROKER_CONFIG_DEF.parse(props);
  const warnings: string[] = p.unknown.filter((name) => !isListenerSaslKey(name) && !isListenerSslKey(name) && !AUTHORIZER_KEYS.includes(name)).map((name) => `unknown configuration '${name}' ignored`);
  for (const [name, reason] of IGNORED_BROKER_CONFIGS) {
    if (p.isSet(name)) warnings.push(`configuration '${name}' accepted but ignored: ${reason}`);
  }

  const authorizer = resolveAuthorizer(p.get('authorizer.class.name', 'string') ?? '', props);

  const processRoles = parseProcessRoles(p);
  const nodeId = resolveNodeId(p);
  const isBroker = processRoles.includes('broker');
  const isController = processRoles.includes('controller');

  // Listeners (Kafka's KafkaConfig.validateValues, KRaft branches).
  const controllerListenerNames = csvList(p.find('controller.listener.names', 'string') ?? '').map((n) => n.toUpperCase());
  const protocolMap = effectiveSecurityProtocolMap(p, controllerListenerNames);
  const listeners = parseListeners(p.get('listeners', 'string'), protocolMap);
  const advertisedValue = p.find('advertised.listeners', 'string');
  const advertised = advertisedValue === null ? listeners : parseListeners(advertisedValue, protocolMap, 'advertised.listeners', false);
  const isControllerListener = (l: Listener): boolean => controllerListenerNames.includes(l.name);
  const controllerListeners = listeners.filter(isControllerListener);
  const advertisedListeners = advertised.filter((l) => !isControllerListener(l));
  const advertisedControllerListeners = controllerListenerNames.flatMap((name) => {
    const l = advertised.find((a) => a.name === name) ?? listeners.find((a) => a.name === name);
    return l === undefined ? [] : [l];
  });
  const listenerNames = new Set(listeners.map((l) => l.name));
  const [interBrokerListenerName, interBrokerSecurityProtocol] = interBrokerListener(p, protocolMap);

  // The quorum.
  const quorumVoters = parseQuorumVoters(p.get('controller.quorum.voters', 'list'));
  const quorumBootstrapServers = parseQuorumBootstrapServers(p.get('controller.quorum.bootstrap.servers', 'list'));
  check(
    quorumVoters.length > 0 || quorumBootstrapServers.length > 0,
    'Either controller.quorum.voters or controller.quorum.bootstrap.servers must list the controllers',
    'controller.quorum.voters',
  );
  const voterIds = quorumVoters.map((v) => v.id);
  const voters = `controller.quorum.voters=${voterIds.join(',')}`;

  if (isController) {
    check(voterIds.length === 0 || voterIds.includes(nodeId), `A node with the controller role must be one of the voters: node.id ${nodeId} is not in ${voters}`, 'controller.quorum.voters');
    check(advertisedControllerListeners.length > 0, "controller.listener.names must name at least one listener from 'listeners' on a node with the controller role", 'controller.listener.names');
    check(
      controllerListenerNames.every((n) => listenerNames.has(n)),
      "controller.listener.names must only name listeners from 'listeners' on a node with the controller role",
      'controller.listener.names',
    );
    if (!isBroker) {
      check(listeners.every(isControllerListener), 'With process.roles=controller, listeners must only contain controller listeners from controller.listener.names', 'listeners');
    }
  } else {
    check(!voterIds.includes(nodeId), `A broker-only node must not be a voter: node.id ${nodeId} is in ${voters}`, 'controller.quorum.voters');
    check(controllerListenerNames.length > 0, 'controller.listener.names must name at least one listener when process.roles=broker', 'controller.listener.names');
    check(controllerListeners.length === 0, "With process.roles=broker, controller.listener.names must not name a listener from 'listeners'", 'controller.listener.names');
    for (const name of controllerListenerNames) {
      check(protocolMap.has(name), `Controller listener with name ${name} defined in controller.listener.names not found in listener.security.protocol.map`, 'listener.security.protocol.map');
    }
    if (controllerListenerNames.length > 1) {
      warnings.push(`controller.listener.names has several entries; with process.roles=broker only the first (${controllerListenerNames[0]}) is used`);
    }
  }
  if (isBroker) {
    const advertisedNames = advertisedListeners.map((l) => l.name);
    check(
      advertisedListeners.length > 0,
      'There must be at least one broker advertised listener. Perhaps all listeners appear in controller.listener.names?',
      'advertised.listeners',
    );
    check(
      advertisedNames.includes(interBrokerListenerName),
      `inter.broker.listener.name must be a listener name defined in advertised.listeners. The valid options based on currently configured listeners are ${advertisedNames.join(',')}`,
      'inter.broker.listener.name',
    );
    check(
      advertisedNames.every((n) => listenerNames.has(n)),
      `advertised.listeners listener names must be equal to or a subset of the ones defined in listeners. Found ${advertisedNames.join(',')}; listeners has ${[...listenerNames].join(',')}`,
      'advertised.listeners',
    );
  }
  check(
    ![...advertisedListeners, ...advertisedControllerListeners].some((l) => l.host === '0.0.0.0'),
    'advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. Use a routable IP address.',
    'advertised.listeners',
  );

  // Log directories and derived log values.
  const logDirs = csvList(p.find('log.dirs', 'string') ?? p.get('log.dir', 'string'));
  check(logDirs.length > 0, 'At least one log directory must be defined via log.dirs or log.dir.', 'log.dirs');
  const retention = p.resolveNumber('log.retention.ms');
  const logRetentionMs = retention.value < 0 ? -1 : retention.value;
  check(logRetentionMs === -1 || logRetentionMs >= 1, `${retention.from} must be unlimited (-1) or at least 1 ms`, retention.from);
  const roll = p.resolveNumber('log.roll.ms');
  check(roll.value >= 1, `${roll.from} must be at least 1`, roll.from);
  const jitter = p.resolveNumber('log.roll.jitter.ms');
  check(jitter.value >= 0, `${jitter.from} must be at least 0`, jitter.from);
  const flush = p.resolveNumber('log.flush.interval.ms');
  check(flush.value >= 0, `${flush.from} must be at least 0`, flush.from);

  // Replication and group coordinator cross-checks.
  const int = (name: string): number => p.get(name, 'int');
  const long = (name: string): number => p.get(name, 'long');
  check(int('replica.fetch.wait.max.ms') <= int('replica.socket.timeout.ms'), 'replica.socket.timeout.ms must be at least replica.fetch.wait.max.ms, or follower fetches time out', 'replica.socket.timeout.ms');
  check(int('replica.fetch.wait.max.ms') <= long('replica.lag.time.max.ms'), 'replica.fetch.wait.max.ms must be at most replica.lag.time.max.ms, or the ISR changes needlessly', 'replica.fetch.wait.max.ms');
  const atMost = (lower: string, upper: string): void => check(int(lower) <= int(upper), `${upper} must be greater than or equal to ${lower}`, upper);
  atMost('group.consumer.min.heartbeat.interval.ms', 'group.consumer.max.heartbeat.interval.ms');
  atMost('group.consumer.min.heartbeat.interval.ms', 'group.consumer.heartbeat.interval.ms');
  atMost('group.consumer.heartbeat.interval.ms', 'group.consumer.max.heartbeat.interval.ms');
  atMost('group.consumer.min.session.timeout.ms', 'group.consumer.max.session.timeout.ms');
  atMost('group.consumer.min.session.timeout.ms', 'group.consumer.session.timeout.ms');
  atMost('group.consumer.session.timeout.ms', 'group.consumer.max.session.timeout.ms');

  const config: BrokerConfig = {
    originals: new Map(props),
    parsed: p,
    nodeId,
    processRoles,
    brokerRack: p.find('broker.rack', 'string'),
    listeners,
    advertisedListeners,
    controllerListeners,
    advertisedControllerListeners,
    controllerListenerNames,
    listenerSecurityProtocolMap: protocolMap,
    interBrokerListenerName,
    interBrokerSecurityProtocol,
    quorumVoters,
    quorumBootstrapServers,
    quorumElectionTimeoutMs: int('controller.quorum.election.timeout.ms'),
    quorumFetchTimeoutMs: int('controller.quorum.fetch.timeout.ms'),
    quorumElectionBackoffMaxMs: int('controller.quorum.election.backoff.max.ms'),
    quorumAppendLingerMs: int('controller.quorum.append.linger.ms'),
    quorumRequestTimeoutMs: int('controller.quorum.request.timeout.ms'),
    quorumRetryBackoffMs: int('controller.quorum.retry.backoff.ms'),
    brokerHeartbeatIntervalMs: int('broker.heartbeat.interval.ms'),
    brokerSessionTimeoutMs: int('broker.session.timeout.ms'),
    initialBrokerRegistrationTimeoutMs: int('initial.broker.registration.timeout.ms'),
    metadataLogDir: p.find('metadata.log.dir', 'string') ?? logDirs[0]!,
    metadataLogSegmentBytes: int('metadata.log.segment.bytes'),
    metadataLogSegmentMs: long('metadata.log.segment.ms'),
    metadataMaxRetentionBytes: long('metadata.max.retention.bytes'),
    metadataMaxRetentionMs: long('metadata.max.retention.ms'),
    metadataSnapshotMaxNewRecordBytes: long('metadata.log.max.record.bytes.between.snapshots'),
    metadataSnapshotMaxIntervalMs: long('metadata.log.max.snapshot.interval.ms'),

    logDirs,
    numPartitions: int('num.partitions'),
    defaultReplicationFactor: int('default.replication.factor'),
    autoCreateTopicsEnable: p.get('auto.create.topics.enable', 'boolean'),
    deleteTopicEnable: p.get('delete.topic.enable', 'boolean'),

    logRetentionMs,
    logRetentionBytes: long('log.retention.bytes'),
    logSegmentBytes: int('log.segment.bytes'),
    logRollMs: roll.value,
    logRollJitterMs: jitter.value,
    logRetentionCheckIntervalMs: long('log.retention.check.interval.ms'),
    logCleanupPolicy: p.get('log.cleanup.policy', 'list') as CleanupPolicy[],
    logIndexIntervalBytes: int('log.index.interval.bytes'),
    logIndexSizeMaxBytes: int('log.index.size.max.bytes'),
    logFlushIntervalMessages: long('log.flush.interval.messages'),
    logFlushIntervalMs: flush.value,
    logFlushSchedulerIntervalMs: long('log.flush.scheduler.interval.ms'),
    logFlushOffsetCheckpointIntervalMs: int('log.flush.offset.checkpoint.interval.ms'),
    logFlushStartOffsetCheckpointIntervalMs: int('log.flush.start.offset.checkpoint.interval.ms'),
    logSegmentDeleteDelayMs: long('log.segment.delete.delay.ms'),
    logMessageTimestampType: p.get('log.message.timestamp.type', 'string') as TimestampType,
    logCleanerEnable: p.get('log.cleaner.enable', 'boolean'),
    logCleanerBackoffMs: long('log.cleaner.backoff.ms'),
    logCleanerDeleteRetentionMs: long('log.cleaner.delete.retention.ms'),
    minInsyncReplicas: int('min.insync.replicas'),
    uncleanLeaderElectionEnable: p.get('unclean.leader.election.enable', 'boolean'),
    messageMaxBytes: int('message.max.bytes'),
    compressionType: p.get('compression.type', 'string') as BrokerCompressionType,

    socketRequestMaxBytes: int('socket.request.max.bytes'),
    socketSendBufferBytes: int('socket.send.buffer.bytes'),
    socketReceiveBufferBytes: int('socket.receive.buffer.bytes'),
    socketListenBacklogSize: int('socket.listen.backlog.size'),
    connectionsMaxIdleMs: long('connections.max.idle.ms'),
    queuedMaxRequests: int('queued.max.requests'),
    maxConnections: int('max.connections'),
    maxConnectionsPerIp: int('max.connections.per.ip'),
    fetchMaxBytes: int('fetch.max.bytes'),

    replicaLagTimeMaxMs: long('replica.lag.time.max.ms'),
    replicaFetchMaxBytes: int('replica.fetch.max.bytes'),
    replicaFetchResponseMaxBytes: int('replica.fetch.response.max.bytes'),
    replicaFetchWaitMaxMs: int('replica.fetch.wait.max.ms'),
    replicaFetchMinBytes: int('replica.fetch.min.bytes'),
    replicaFetchBackoffMs: int('replica.fetch.backoff.ms'),
    replicaSocketTimeoutMs: int('replica.socket.timeout.ms'),
    replicaHighWatermarkCheckpointIntervalMs: long('replica.high.watermark.checkpoint.interval.ms'),
    autoLeaderRebalanceEnable: p.get('auto.leader.rebalance.enable', 'boolean'),
    leaderImbalanceCheckIntervalSeconds: long('leader.imbalance.check.interval.seconds'),
    leaderImbalancePerBrokerPercentage: int('leader.imbalance.per.broker.percentage'),

    offsetsTopicNumPartitions: int('offsets.topic.num.partitions'),
    offsetsTopicReplicationFactor: p.get('offsets.topic.replication.factor', 'short'),
    offsetsTopicSegmentBytes: int('offsets.topic.segment.bytes'),
    offsetsTopicCompressionCodec: int('offsets.topic.compression.codec'),
    offsetsRetentionMs: int('offsets.retention.minutes') * MS_PER_MINUTE,
    offsetsRetentionCheckIntervalMs: long('offsets.retention.check.interval.ms'),
    offsetsCommitTimeoutMs: int('offsets.commit.timeout.ms'),
    offsetMetadataMaxBytes: int('offset.metadata.max.bytes'),
    groupInitialRebalanceDelayMs: int('group.initial.rebalance.delay.ms'),
    groupMinSessionTimeoutMs: int('group.min.session.timeout.ms'),
    groupMaxSessionTimeoutMs: int('group.max.session.timeout.ms'),
    groupMaxSize: int('group.max.size'),
    groupCoordinatorRebalanceProtocols: p.get('group.coordinator.rebalance.protocols', 'list'),
    groupConsumerSessionTimeoutMs: int('group.consumer.session.timeout.ms'),
    groupConsumerMinSessionTimeoutMs: int('group.consumer.min.session.timeout.ms'),
    groupConsumerMaxSessionTimeoutMs: int('group.consumer.max.session.timeout.ms'),
    groupConsumerHeartbeatIntervalMs: int('group.consumer.heartbeat.interval.ms'),
    groupConsumerMinHeartbeatIntervalMs: int('group.consumer.min.heartbeat.interval.ms'),
    groupConsumerMaxHeartbeatIntervalMs: int('group.consumer.max.heartbeat.interval.ms'),
    groupConsumerMaxSize: int('group.consumer.max.size'),

    transactionStateLogNumPartitions: int('transaction.state.log.num.partitions'),
    transactionStateLogReplicationFactor: p.get('transaction.state.log.replication.factor', 'short'),
    transactionStateLogMinIsr: int('transaction.state.log.min.isr'),
    transactionStateLogSegmentBytes: int('transaction.state.log.segment.bytes'),
    transactionMaxTimeoutMs: int('transaction.max.timeout.ms'),
    transactionalIdExpirationMs: int('transactional.id.expiration.ms'),
    transactionAbortTimedOutTransactionCleanupIntervalMs: int('transaction.abort.timed.out.transaction.cleanup.interval.ms'),
    transactionRemoveExpiredTransactionCleanupIntervalMs: int('transaction.remove.expired.transaction.cleanup.interval.ms'),
    producerIdExpirationMs: int('producer.id.expiration.ms'),
    authorizer,
  };
  return { config, warnings };
}

// --- the embedded single-node defaults ----------------------------------------------------------

/**
 * What `tk broker start` runs with when given no properties file: one node in combined mode,
 * a quorum of one, internal topics with one replica. log.dirs is added by
 * embeddedDefaultProperties(), since it depends on the environment.
 */
export const EMBEDDED_DEFAULT_PROPERTIES: ReadonlyMap<string, string> = new Map([
  ['node.id', '1'],
  ['process.roles', 'broker,controller'],
  ['listeners', 'PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093'],
  ['controller.listener.names', 'CONTROLLER'],
  ['controller.quorum.voters', '1@localhost:9093'],
  ['num.partitions', '1'],
  ['offsets.topic.replication.factor', '1'],
  ['transaction.state.log.replication.factor', '1'],
  // With one replica, Kafka's default of 2 would make every transactional write fail NOT_ENOUGH_REPLICAS.
  ['transaction.state.log.min.isr', '1'],
]);

/** tk's data directory: $TK_DATA_DIR, or ~/.tk/data. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const fromEnv = env['TK_DATA_DIR'];
  return fromEnv !== undefined && fromEnv.length > 0 ? fromEnv : join(home, '.tk', 'data');
}

/** EMBEDDED_DEFAULT_PROPERTIES plus log.dirs from defaultDataDir(); a fresh map the caller may add to. */
export function embeddedDefaultProperties(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): Map<string, string> {
  return new Map([...EMBEDDED_DEFAULT_PROPERTIES, ['log.dirs', defaultDataDir(env, home)]]);
}
