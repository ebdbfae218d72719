import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-def.js';
import {
  BROKER_CONFIG_DEF,
  EMBEDDED_DEFAULT_PROPERTIES,
  defaultDataDir,
  embeddedDefaultProperties,
  parseListeners,
  parseQuorumVoters,
  parseSecurityProtocolMap,
  resolveBrokerConfig,
} from '../../../src/config/broker-configs.js';
import { parseProperties } from '../../../src/config/properties.js';

const combined = (extra: Record<string, string> = {}): Map<string, string> =>
  new Map([...embeddedDefaultProperties({ TK_DATA_DIR: '/data/tk' }, '/home/u'), ...Object.entries(extra)]);

const resolve = (extra: Record<string, string> = {}) => resolveBrokerConfig(combined(extra));

const brokerOnly = (extra: Record<string, string> = {}): Map<string, string> =>
  new Map(
    Object.entries({
      'process.roles': 'broker',
      'node.id': '2',
      listeners: 'PLAINTEXT://:9092',
      'controller.listener.names': 'CONTROLLER',
      'controller.quorum.voters': '1@ctl:9093',
      'log.dirs': '/data',
      ...extra,
    }),
  );

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('the embedded single-node defaults', () => {
  it('resolve to one combined node on localhost with no warnings', () => {
    const { config, warnings } = resolveBrokerConfig(embeddedDefaultProperties({ TK_DATA_DIR: '/data/tk' }, '/home/u'));
    expect(warnings).toEqual([]);
    expect(config.nodeId).toBe(1);
    expect(config.processRoles).toEqual(['broker', 'controller']);
    expect(config.listeners).toEqual([
      { name: 'PLAINTEXT', host: 'localhost', port: 9092, securityProtocol: 'PLAINTEXT' },
      { name: 'CONTROLLER', host: 'localhost', port: 9093, securityProtocol: 'PLAINTEXT' },
    ]);
    expect(config.advertisedListeners.map((l) => l.name)).toEqual(['PLAINTEXT']);
    expect(config.controllerListeners.map((l) => l.name)).toEqual(['CONTROLLER']);
    expect(config.quorumVoters).toEqual([{ id: 1, host: 'localhost', port: 9093 }]);
    expect(config.logDirs).toEqual(['/data/tk']);
    expect(config.metadataLogDir).toBe('/data/tk');
    expect(config.offsetsTopicReplicationFactor).toBe(1);
    expect(config.transactionStateLogReplicationFactor).toBe(1);
    expect(config.transactionStateLogMinIsr).toBe(1);
    expect(config.interBrokerListenerName).toBe('PLAINTEXT');
  });

  it('put data under $TK_DATA_DIR, else ~/.tk/data', () => {
    expect(defaultDataDir({ TK_DATA_DIR: '/srv/tk' }, '/home/u')).toBe('/srv/tk');
    expect(defaultDataDir({}, '/home/u')).toBe('/home/u/.tk/data');
    expect(embeddedDefaultProperties({}, '/home/u').get('log.dirs')).toBe('/home/u/.tk/data');
    expect(EMBEDDED_DEFAULT_PROPERTIES.has('log.dirs')).toBe(false);
  });
});

describe('retention, roll and flush follow Kafka\'s precedence', () => {
  it('defaults to 168 hours', () => {
    expect(resolve().config.logRetentionMs).toBe(604_800_000);
  });

  it('takes hours, then minutes over hours, then ms over both', () => {
    expect(resolve({ 'log.retention.hours': '24' }).config.logRetentionMs).toBe(86_400_000);
    expect(resolve({ 'log.retention.hours': '24', 'log.retention.minutes': '30' }).config.logRetentionMs).toBe(1_800_000);
    expect(resolve({ 'log.retention.hours': '24', 'log.retention.minutes': '30', 'log.retention.ms': '1000' }).config.logRetentionMs).toBe(1000);
  });

  it('reads any negative retention as -1, keep forever', () => {
    expect(resolve({ 'log.retention.ms': '-5' }).config.logRetentionMs).toBe(-1);
    expect(resolve({ 'log.retention.hours': '-1' }).config.logRetentionMs).toBe(-1);
  });

  it('refuses a retention of 0, naming the key that set it', () => {
    const e = configError(() => resolve({ 'log.retention.minutes': '0' }));
    expect(e.configName).toBe('log.retention.minutes');
    expect(e.message).toMatch(/log.retention.minutes must be unlimited \(-1\) or at least 1 ms/);
  });

  it('rolls on log.roll.ms over log.roll.hours', () => {
    expect(resolve().config.logRollMs).toBe(604_800_000);
    expect(resolve({ 'log.roll.hours': '1' }).config.logRollMs).toBe(3_600_000);
    expect(resolve({ 'log.roll.hours': '1', 'log.roll.ms': '5000' }).config.logRollMs).toBe(5000);
  });

  it('flushes on log.flush.interval.ms, else the scheduler interval', () => {
    expect(resolve({ 'log.flush.scheduler.interval.ms': '2000' }).config.logFlushIntervalMs).toBe(2000);
    expect(resolve({ 'log.flush.scheduler.interval.ms': '2000', 'log.flush.interval.ms': '100' }).config.logFlushIntervalMs).toBe(100);
  });
});

describe('bad values and unknown keys', () => {
  it('throws a ConfigError naming the key and the value', () => {
    const e = configError(() => resolve({ 'num.partitions': 'abc' }));
    expect(e.message).toBe('Invalid value abc for configuration num.partitions: Not a number of type INT');
    expect(e.configName).toBe('num.partitions');
    expect(() => resolve({ 'num.partitions': '0' })).toThrow('Invalid value 0 for configuration num.partitions: Value must be at least 1');
    expect(() => resolve({ 'log.cleanup.policy': 'archive' })).toThrow(/log.cleanup.policy: String must be one of: compact, delete/);
    expect(() => resolve({ 'auto.create.topics.enable': 'yes' })).toThrow(/auto.create.topics.enable: Expected value to be either true or false/);
    expect(() => resolve({ 'compression.type': 'brotli' })).toThrow(/String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer/);
  });

  it('warns about unknown keys and goes on', () => {
    const { warnings } = resolve({ foo: 'bar', 'zookeeper.connect': 'localhost:2181' });
    expect(warnings).toEqual(["unknown configuration 'foo' ignored", "unknown configuration 'zookeeper.connect' ignored"]);
  });

  it('accepts thread pool sizes with a note that they do not apply', () => {
    const { config, warnings } = resolve({ 'num.network.threads': '3', 'num.io.threads': '8' });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^configuration 'num.network.threads' accepted but ignored: .*one event loop/);
    expect(config.parsed.get('num.io.threads', 'int')).toBe(8);
  });

  it('loads a stock Kafka KRaft server.properties with no warnings', () => {
    const text = `
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:9093
listeners=PLAINTEXT://:9092,CONTROLLER://:9093
inter.broker.listener.name=PLAINTEXT
advertised.listeners=PLAINTEXT://localhost:9092
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
num.network.threads=3
num.io.threads=8
socket.send.buffer.bytes=102400
socket.receive.buffer.bytes=102400
socket.request.max.bytes=104857600
log.dirs=/tmp/kraft-combined-logs
num.partitions=1
num.recovery.threads.per.data.dir=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
log.retention.hours=168
log.segment.bytes=1073741824
log.retention.check.interval.ms=300000
`;
    const { config, warnings } = resolveBrokerConfig(parseProperties(text));
    expect(warnings.filter((w) => w.startsWith('unknown'))).toEqual([]);
    expect(config.listeners.map((l) => `${l.name}://${l.host}:${l.port}`)).toEqual(['PLAINTEXT://:9092', 'CONTROLLER://:9093']);
    expect(config.advertisedListeners).toEqual([{ name: 'PLAINTEXT', host: 'localhost', port: 9092, securityProtocol: 'PLAINTEXT' }]);
    expect(config.advertisedControllerListeners).toEqual([{ name: 'CONTROLLER', host: '', port: 9093, securityProtocol: 'PLAINTEXT' }]);
  });
});

describe('node.id and process.roles', () => {
  it('requires process.roles: tk has no ZooKeeper mode', () => {
    const props = combined();
    props.delete('process.roles');
    expect(configError(() => resolveBrokerConfig(props)).configName).toBe('process.roles');
    expect(() => resolve({ 'process.roles': 'broker,zookeeper' })).toThrow(/process.roles: String must be one of: broker, controller/);
    expect(() => resolve({ 'process.roles': 'broker,broker' })).toThrow(/Duplicate role names/);
  });

  it('requires node.id when process.roles is set, and takes broker.id in its place', () => {
    const props = combined();
    props.delete('node.id');
    expect(() => resolveBrokerConfig(props)).toThrow(/Missing configuration `node.id`/);
    props.set('broker.id', '1');
    expect(resolveBrokerConfig(props).config.nodeId).toBe(1);
  });

  it('refuses node.id and broker.id that disagree', () => {
    expect(() => resolve({ 'broker.id': '2' })).toThrow('You must set `node.id` to the same value as `broker.id`.');
    expect(resolve({ 'broker.id': '1' }).config.nodeId).toBe(1);
  });
});

describe('listeners', () => {
  const kafkaDefaultMap = parseSecurityProtocolMap('SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT');

  it("default Kafka's security protocol map to the four protocols by their own names", () => {
    expect(BROKER_CONFIG_DEF.key('listener.security.protocol.map')?.default).toBe('SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT');
    expect([...kafkaDefaultMap.keys()].sort()).toEqual(['PLAINTEXT', 'SASL_PLAINTEXT', 'SASL_SSL', 'SSL']);
  });

  it('parse names case-insensitively, hosts as written, IPv6 in brackets, and an empty host as every interface', () => {
    const map = new Map([...kafkaDefaultMap, ['INTERNAL', 'SSL' as const]]);
    expect(parseListeners('plaintext://:9092, INTERNAL://10.0.0.1:9094,SSL://[::1]:9093', map)).toEqual([
      { name: 'PLAINTEXT', host: '', port: 9092, securityProtocol: 'PLAINTEXT' },
      { name: 'INTERNAL', host: '10.0.0.1', port: 9094, securityProtocol: 'SSL' },
      { name: 'SSL', host: '::1', port: 9093, securityProtocol: 'SSL' },
    ]);
  });

  it('refuse an endpoint that does not parse, a name without a protocol, and duplicates', () => {
    expect(() => parseListeners('PLAINTEXT:9092', kafkaDefaultMap)).toThrow(/unable to parse 'PLAINTEXT:9092'/);
    expect(() => parseListeners('EXTERNAL://:9092', kafkaDefaultMap)).toThrow(/No security protocol defined for listener EXTERNAL/);
    expect(() => parseListeners('PLAINTEXT://:9092,PLAINTEXT://:9093', kafkaDefaultMap)).toThrow(/Each listener must have a different name/);
    expect(() => parseListeners('PLAINTEXT://:9092,SSL://:9092', kafkaDefaultMap)).toThrow(/different port/);
    expect(() => parseListeners('PLAINTEXT://:70000', kafkaDefaultMap)).toThrow(/out of range/);
  });

  it('allow one IPv4 and one IPv6 listener on the same port, and port 0 twice', () => {
    expect(parseListeners('PLAINTEXT://127.0.0.1:9092,SSL://[::1]:9092', kafkaDefaultMap)).toHaveLength(2);
    expect(parseListeners('PLAINTEXT://:0,SSL://:0', kafkaDefaultMap)).toHaveLength(2);
  });

  it('refuse an unknown protocol in the map', () => {
    expect(() => parseSecurityProtocolMap('INTERNAL:TLS')).toThrow('Invalid security protocol `TLS` defined in listener.security.protocol.map');
    expect(() => parseSecurityProtocolMap('INTERNAL')).toThrow(/LISTENER_NAME:SECURITY_PROTOCOL/);
  });

  it('map controller listener names to PLAINTEXT only while the map is left at its default', () => {
    expect(resolve().config.listenerSecurityProtocolMap.get('CONTROLLER')).toBe('PLAINTEXT');
    const explicit = { 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT' };
    expect(() => resolve(explicit)).toThrow(/No security protocol defined for listener CONTROLLER/);
    const withSsl = { listeners: 'SSL://localhost:9092,CONTROLLER://localhost:9093', 'security.inter.broker.protocol': 'SSL' };
    expect(() => resolve(withSsl)).toThrow(/No security protocol defined for listener CONTROLLER/);
  });

  it('advertise listeners minus the controller listeners when advertised.listeners is unset', () => {
    const { config } = resolve({ listeners: 'PLAINTEXT://:9092,CONTROLLER://:9093' });
    expect(config.advertisedListeners).toEqual([{ name: 'PLAINTEXT', host: '', port: 9092, securityProtocol: 'PLAINTEXT' }]);
  });

  it('advertise what advertised.listeners says, which must name existing listeners and not 0.0.0.0', () => {
    const { config } = resolve({ listeners: 'PLAINTEXT://0.0.0.0:9092,CONTROLLER://:9093', 'advertised.listeners': 'PLAINTEXT://broker1.example:19092' });
    expect(config.advertisedListeners).toEqual([{ name: 'PLAINTEXT', host: 'broker1.example', port: 19092, securityProtocol: 'PLAINTEXT' }]);
    expect(() => resolve({ 'advertised.listeners': 'PLAINTEXT://0.0.0.0:9092' })).toThrow(/nonroutable meta-address 0.0.0.0/);
    expect(() => resolve({ 'advertised.listeners': 'PLAINTEXT://h:9092,SSL://h:9094' })).toThrow(/subset of the ones defined in listeners/);
  });

  it('require the inter-broker listener among the advertised broker listeners', () => {
    expect(() => resolve({ 'inter.broker.listener.name': 'CONTROLLER' })).toThrow(/inter.broker.listener.name must be a listener name defined in advertised.listeners/);
    expect(() => resolve({ 'inter.broker.listener.name': 'PLAINTEXT', 'security.inter.broker.protocol': 'PLAINTEXT' })).toThrow(/Only one of/);
    expect(() => resolve({ 'inter.broker.listener.name': 'NOPE' })).toThrow(/not found in listener.security.protocol.map/);
  });

  it('require controller.listener.names to name a listener on a controller', () => {
    const props = combined({ 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT' });
    props.delete('controller.listener.names');
    expect(configError(() => resolveBrokerConfig(props)).message).toMatch(/controller.listener.names must name at least one listener from 'listeners'/);
    // Left at its default, the security protocol map knows CONTROLLER only through controller.listener.names (as in Kafka).
    props.delete('listener.security.protocol.map');
    expect(() => resolveBrokerConfig(props)).toThrow(/No security protocol defined for listener CONTROLLER/);
    expect(() => resolve({ 'controller.listener.names': 'CONTROLLER,OTHER' })).toThrow(/controller.listener.names must only name listeners from 'listeners'/);
  });

  it('refuse a broker whose every listener is a controller listener', () => {
    expect(() => resolve({ listeners: 'CONTROLLER://:9093' })).toThrow(/at least one broker advertised listener/);
  });
});

describe('roles and the quorum', () => {
  it('parse voters and refuse malformed ones', () => {
    expect(parseQuorumVoters(['1@a:9093', '2@[::1]:9093'])).toEqual([
      { id: 1, host: 'a', port: 9093 },
      { id: 2, host: '::1', port: 9093 },
    ]);
    expect(() => parseQuorumVoters(['a:9093'])).toThrow(/\{id\}@\{host\}:\{port\}/);
    expect(() => parseQuorumVoters(['x@a:9093'])).toThrow(/voter id x is not an integer/);
    expect(() => parseQuorumVoters(['1@a'])).toThrow(/cannot read host and port/);
    expect(() => parseQuorumVoters(['1@0.0.0.0:9093'])).toThrow(/not routable/);
    expect(() => parseQuorumVoters(['1@a:1', '1@b:2'])).toThrow(/appears twice/);
  });

  it('require a controller to be one of the voters', () => {
    expect(() => resolve({ 'controller.quorum.voters': '2@localhost:9093' })).toThrow(/node.id 1 is not in controller.quorum.voters=2/);
  });

  it('require voters or bootstrap servers', () => {
    const props = combined();
    props.delete('controller.quorum.voters');
    expect(() => resolveBrokerConfig(props)).toThrow(/controller.quorum.voters or controller.quorum.bootstrap.servers/);
    props.set('controller.quorum.bootstrap.servers', 'localhost:9093');
    expect(resolveBrokerConfig(props).config.quorumBootstrapServers).toEqual([{ host: 'localhost', port: 9093 }]);
  });

  it('accept a broker-only node that reaches the controllers by a listener name it does not bind', () => {
    const { config, warnings } = resolveBrokerConfig(brokerOnly());
    expect(warnings).toEqual([]);
    expect(config.controllerListeners).toEqual([]);
    expect(config.controllerListenerNames).toEqual(['CONTROLLER']);
    expect(config.listenerSecurityProtocolMap.get('CONTROLLER')).toBe('PLAINTEXT');
  });

  it('refuse a broker-only node that is a voter or binds a controller listener', () => {
    expect(() => resolveBrokerConfig(brokerOnly({ 'controller.quorum.voters': '2@h:9093' }))).toThrow(/broker-only node must not be a voter/);
    expect(() => resolveBrokerConfig(brokerOnly({ listeners: 'PLAINTEXT://:9092,CONTROLLER://:9093' }))).toThrow(/must not name a listener from 'listeners'/);
    expect(() => resolveBrokerConfig(brokerOnly({ 'controller.listener.names': '' }))).toThrow(/must name at least one listener when process.roles=broker/);
  });

  it('warn when a broker-only node is given several controller listener names', () => {
    const map = 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,CONTROLLER2:SSL';
    const { warnings } = resolveBrokerConfig(brokerOnly({ 'controller.listener.names': 'CONTROLLER,CONTROLLER2', 'listener.security.protocol.map': map }));
    expect(warnings).toEqual(['controller.listener.names has several entries; with process.roles=broker only the first (CONTROLLER) is used']);
  });

  it('require a controller-only node to bind only controller listeners', () => {
    const props = { 'process.roles': 'controller', 'node.id': '1', 'controller.quorum.voters': '1@localhost:9093', 'log.dirs': '/d', 'controller.listener.names': 'CONTROLLER' };
    expect(resolveBrokerConfig(new Map(Object.entries({ ...props, listeners: 'CONTROLLER://:9093' }))).config.processRoles).toEqual(['controller']);
    expect(() => resolveBrokerConfig(new Map(Object.entries({ ...props, listeners: 'CONTROLLER://:9093,PLAINTEXT://:9092' })))).toThrow(
      /process.roles=controller, listeners must only contain controller listeners/,
    );
  });
});

describe('other start-up checks', () => {
  it('take log.dirs over log.dir and require at least one directory', () => {
    const props = combined();
    props.delete('log.dirs');
    expect(resolveBrokerConfig(props).config.logDirs).toEqual(['/tmp/kafka-logs']);
    props.set('log.dir', '/a');
    expect(resolveBrokerConfig(props).config.logDirs).toEqual(['/a']);
    props.set('log.dirs', '/b, /c');
    expect(resolveBrokerConfig(props).config.logDirs).toEqual(['/b', '/c']);
    props.set('log.dirs', ' , ');
    expect(() => resolveBrokerConfig(props)).toThrow(/At least one log directory/);
  });

  it('keep follower fetches inside the socket timeout and the ISR lag time', () => {
    expect(() => resolve({ 'replica.fetch.wait.max.ms': '40000' })).toThrow(/replica.socket.timeout.ms must be at least replica.fetch.wait.max.ms/);
    expect(() => resolve({ 'replica.lag.time.max.ms': '100' })).toThrow(/replica.fetch.wait.max.ms must be at most replica.lag.time.max.ms/);
  });

  it('keep consumer group session and heartbeat bounds ordered', () => {
    expect(() => resolve({ 'group.consumer.session.timeout.ms': '90000' })).toThrow(/group.consumer.max.session.timeout.ms must be greater than or equal to group.consumer.session.timeout.ms/);
  });

  it('derive the offsets retention in ms and keep unbounded defaults as Long.MAX_VALUE', () => {
    const { config } = resolve({ 'offsets.retention.minutes': '60' });
    expect(config.offsetsRetentionMs).toBe(3_600_000);
    expect(config.logFlushIntervalMessages).toBe(2 ** 63);
  });

  it('classify every broker config by dynamic update mode', () => {
    const mode = (name: string) => BROKER_CONFIG_DEF.key(name)?.dynamic;
    expect(mode('log.retention.ms')).toBe('cluster-wide');
    expect(mode('log.retention.hours')).toBe('read-only');
    expect(mode('listeners')).toBe('per-broker');
    expect(mode('node.id')).toBe('read-only');
    for (const key of BROKER_CONFIG_DEF.keys()) expect(key.description.length).toBeGreaterThan(0);
  });
});

describe('the authorizer', () => {
  const STANDARD = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer';

  it('is off by default, so nothing is checked', () => {
    expect(resolve({}).config.authorizer).toBeNull();
    expect(resolve({ 'authorizer.class.name': '' }).warnings).toEqual([]);
  });

  it("reads super.users (semicolon-separated) and allow.everyone.if.no.acl.found as Kafka's StandardAuthorizer does", () => {
    const { config, warnings } = resolve({
      'authorizer.class.name': STANDARD,
      'super.users': 'User:admin; User:CN=broker,OU=ops ;',
      'allow.everyone.if.no.acl.found': 'TRUE',
    });
    expect(config.authorizer).toEqual({ superUsers: ['User:admin', 'User:CN=broker,OU=ops'], allowEveryoneIfNoAclFound: true });
    expect(warnings).toEqual([]);
    expect(resolve({ 'authorizer.class.name': STANDARD, 'allow.everyone.if.no.acl.found': 'yes' }).config.authorizer).toEqual({ superUsers: [], allowEveryoneIfNoAclFound: false });
  });

  it('refuses an authorizer tk does not have and a super user without a principal type', () => {
    expect(() => resolve({ 'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer' })).toThrow(
      `Invalid value kafka.security.authorizer.AclAuthorizer for configuration authorizer.class.name: tk's only authorizer is ${STANDARD}`,
    );
    expect(() => resolve({ 'authorizer.class.name': STANDARD, 'super.users': 'admin' })).toThrow('Invalid principal admin in super.users: expected TYPE:NAME, e.g. User:admin');
  });
});
