// `tk configs` as a user runs it (the built binary, stdout a pipe) against a harness broker:
// exact bytes as kafka-configs.sh prints them, and the changes taking effect on the broker.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin, AlterConfigOpType, ConfigResourceType } from '../../src/client/admin.js';
import { Cluster } from '../../src/client/cluster.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { runTool, startBroker, type RunningBroker } from '../harness/broker.js';

let broker: RunningBroker;
let admin: Admin;

beforeAll(async () => {
  broker = await startBroker({ overrides: { 'log.retention.check.interval.ms': '200', 'file.delete.delay.ms': '0', 'log.segment.delete.delay.ms': '0' } });
  const created = await runTool('node', ['bin/run.js', 'topics', '--bootstrap-server', broker.bootstrap, '--create', '--topic', 'events']);
  expect(created.code).toBe(0);
  admin = new Admin(await Cluster.connect(broker.bootstrap));
});

afterAll(async () => {
  admin.close();
  await broker.stop();
});

const tk = (...args: string[]) => runTool('node', ['bin/run.js', 'configs', '--bootstrap-server', broker.bootstrap, ...args]);
const segmentFiles = (topic: string) => readdirSync(join(broker.logDir, `${topic}-0`)).filter((f) => f.endsWith('.log'));

describe('tk configs: topics', () => {
  it('sets topic configs, list values in brackets, and says so', async () => {
    expect(await tk('--alter', '--topic', 'events', '--add-config', 'retention.ms=3600000,cleanup.policy=[compact,delete]')).toEqual({
      code: 0,
      stdout: 'Completed updating config for topic events.\n',
      stderr: '',
    });
  });

  it('describes the dynamic configs with their synonyms', async () => {
    expect(await tk('--describe', '--entity-type', 'topics', '--entity-name', 'events')).toEqual({
      code: 0,
      stdout:
        'Dynamic configs for topic events are:\n' +
        '  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}\n' +
        '  retention.ms=3600000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=3600000, DEFAULT_CONFIG:log.retention.hours=168}\n',
      stderr: '',
    });
  });

  it('deletes a config, and refuses to delete one that is not set', async () => {
    expect(await tk('--alter', '--topic', 'events', '--delete-config', 'cleanup.policy')).toEqual({ code: 0, stdout: 'Completed updating config for topic events.\n', stderr: '' });
    expect((await tk('--describe', '--topic', 'events')).stdout).toBe('Dynamic configs for topic events are:\n  retention.ms=3600000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=3600000, DEFAULT_CONFIG:log.retention.hours=168}\n');
    expect(await tk('--alter', '--topic', 'events', '--delete-config', 'cleanup.policy')).toEqual({ code: 1, stdout: '', stderr: 'Invalid config(s): cleanup.policy\n' });
  });

  it('passes on the broker refusing an unknown config, naming the key', async () => {
    const args = ['--alter', '--topic', 'events', '--add-config', 'retention.msec=1'];
    expect(await tk(...args)).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `Error while executing config command with args '--bootstrap-server ${broker.bootstrap} ${args.join(' ')}'\n` +
        'java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.InvalidConfigurationException: Unknown topic config name: retention.msec\n',
    });
  });

  it('refuses entity types it does not serve yet, and a bad --add-config', async () => {
    expect(await tk('--describe', '--entity-type', 'ips')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Entity type ips is not supported yet: tk configs handles topics, brokers, users and clients\n',
    });
    expect(await tk('--alter', '--topic', 'events', '--add-config', 'retention.ms')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Invalid entity config: all configs to be added must be in the format "key=val".\n',
    });
  });

  it('reads the configs to add from --add-config-file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tk-configs-')), 'add.properties');
    writeFileSync(file, '# sizes\nretention.bytes=1000000\n');
    expect(await tk('--alter', '--topic', 'events', '--add-config-file', file)).toEqual({ code: 0, stdout: 'Completed updating config for topic events.\n', stderr: '' });
    expect((await tk('--describe', '--topic', 'events')).stdout).toContain('  retention.bytes=1000000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.bytes=1000000, DEFAULT_CONFIG:log.retention.bytes=-1}\n');
    expect((await tk('--alter', '--topic', 'events', '--delete-config', 'retention.bytes')).code).toBe(0);
  });

  it('describes as json', async () => {
    const { code, stdout } = await tk('--describe', '--topic', 'events', '--output', 'json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      entities: [
        {
          entityType: 'topics',
          entityName: 'events',
          configs: [{ name: 'retention.ms', value: '3600000', source: 'DYNAMIC_TOPIC_CONFIG', sensitive: false, readOnly: false, synonyms: [{ name: 'retention.ms', value: '3600000', source: 'DYNAMIC_TOPIC_CONFIG' }, { name: 'log.retention.hours', value: '168', source: 'DEFAULT_CONFIG' }] }],
        },
      ],
    });
  });
});

describe('tk configs: brokers', () => {
  it('sets a per-broker config and describes it', async () => {
    expect(await tk('--alter', '--broker', '1', '--add-config', 'log.retention.bytes=1000000')).toEqual({ code: 0, stdout: 'Completed updating config for broker 1.\n', stderr: '' });
    expect(await tk('--describe', '--broker', '1')).toEqual({
      code: 0,
      stdout: 'Dynamic configs for broker 1 are:\n  log.retention.bytes=1000000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.retention.bytes=1000000, DEFAULT_CONFIG:log.retention.bytes=-1}\n',
      stderr: '',
    });
  });

  it('sets the cluster-wide default, which reaches topics without an override', async () => {
    expect(await tk('--alter', '--broker-defaults', '--add-config', 'log.segment.bytes=2000000')).toEqual({
      code: 0,
      stdout: 'Completed updating default config for brokers in the cluster.\n',
      stderr: '',
    });
    expect(await tk('--describe', '--entity-type', 'brokers', '--entity-default')).toEqual({
      code: 0,
      stdout: 'Default configs for brokers in the cluster are:\n  log.segment.bytes=2000000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.segment.bytes=2000000, DEFAULT_CONFIG:log.segment.bytes=1073741824}\n',
      stderr: '',
    });
    const all = await tk('--describe', '--topic', 'events', '--all');
    expect(all.stdout).toContain('  segment.bytes=2000000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.segment.bytes=2000000, DEFAULT_CONFIG:log.segment.bytes=1073741824}\n');
    expect(await tk('--alter', '--broker-defaults', '--delete-config', 'log.segment.bytes')).toEqual({ code: 0, stdout: 'Completed updating default config for brokers in the cluster.\n', stderr: '' });
  });

  it('refuses a read-only broker config as Kafka does', async () => {
    const args = ['--alter', '--broker', '1', '--add-config', 'num.partitions=3'];
    expect(await tk(...args)).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `Error while executing config command with args '--bootstrap-server ${broker.bootstrap} ${args.join(' ')}'\n` +
        'java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.InvalidRequestException: Cannot update these configs dynamically: Set(num.partitions)\n',
    });
  });
});

describe('topic config changes take effect on existing partitions', () => {
  it('a lowered max.message.bytes makes a big record fail', async () => {
    await runTool('node', ['bin/run.js', 'topics', '--bootstrap-server', broker.bootstrap, '--create', '--topic', 'sized']);
    const big = 'x'.repeat(5000);
    const produce = () => runTool('kcat', ['-P', '-b', broker.bootstrap, '-t', 'sized', '-X', 'message.max.bytes=1000000'], { input: `${big}\n` });
    expect((await produce()).code).toBe(0);
    expect((await tk('--alter', '--topic', 'sized', '--add-config', 'max.message.bytes=1000')).code).toBe(0);
    const refused = await produce();
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/too large|MSG_SIZE_TOO_LARGE/i);
  });

  it('a lowered segment.bytes rolls small segments, and a lowered retention.ms makes old ones go', async () => {
    await runTool('node', ['bin/run.js', 'topics', '--bootstrap-server', broker.bootstrap, '--create', '--topic', 'aging']);
    expect((await tk('--alter', '--topic', 'aging', '--add-config', 'segment.bytes=1024')).code).toBe(0);
    const lines = Array.from({ length: 40 }, (_, i) => `record-${i}-${'y'.repeat(100)}`).join('\n');
    expect((await runTool('kcat', ['-P', '-b', broker.bootstrap, '-t', 'aging', '-p', '0', '-X', 'batch.num.messages=1'], { input: `${lines}\n` })).code).toBe(0);
    expect(segmentFiles('aging').length).toBeGreaterThan(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await tk('--alter', '--topic', 'aging', '--add-config', 'retention.ms=100')).code).toBe(0);
    const deadline = Date.now() + 10_000;
    while (segmentFiles('aging').length > 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(segmentFiles('aging')).toHaveLength(1);
  });
});

describe('broker dynamic configs take effect on topics without an override', () => {
  it('a cluster-wide log.retention.ms makes old segments go', async () => {
    await runTool('node', ['bin/run.js', 'topics', '--bootstrap-server', broker.bootstrap, '--create', '--topic', 'defaulted', '--config', 'segment.bytes=1024']);
    const lines = Array.from({ length: 40 }, (_, i) => `record-${i}-${'z'.repeat(100)}`).join('\n');
    expect((await runTool('kcat', ['-P', '-b', broker.bootstrap, '-t', 'defaulted', '-p', '0', '-X', 'batch.num.messages=1'], { input: `${lines}\n` })).code).toBe(0);
    expect(segmentFiles('defaulted').length).toBeGreaterThan(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await tk('--alter', '--entity-type', 'brokers', '--entity-default', '--add-config', 'log.retention.ms=100')).code).toBe(0);
    const deadline = Date.now() + 10_000;
    while (segmentFiles('defaulted').length > 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(segmentFiles('defaulted')).toHaveLength(1);
    expect((await tk('--alter', '--entity-type', 'brokers', '--entity-default', '--delete-config', 'log.retention.ms')).code).toBe(0);
  });
});

describe('IncrementalAlterConfigs in the daemon', () => {
  const topic = { type: ConfigResourceType.TOPIC, name: 'events' };
  const dynamicValue = async (name: string) => {
    const [d] = await admin.describeConfigs([{ ...topic, configNames: [name] }]);
    const entry = d!.configs[0]!;
    return entry.source === 'DYNAMIC_TOPIC_CONFIG' ? entry.value : null;
  };

  it('APPENDs to and SUBTRACTs from a list config, starting from its default', async () => {
    const [appended] = await admin.incrementalAlterConfigs([{ resource: topic, ops: [{ name: 'cleanup.policy', op: AlterConfigOpType.APPEND, value: 'compact' }] }]);
    expect(appended!.error).toBeNull();
    expect(await dynamicValue('cleanup.policy')).toBe('delete,compact');
    await admin.incrementalAlterConfigs([{ resource: topic, ops: [{ name: 'cleanup.policy', op: AlterConfigOpType.SUBTRACT, value: 'delete' }] }]);
    expect(await dynamicValue('cleanup.policy')).toBe('compact');
    await admin.incrementalAlterConfigs([{ resource: topic, ops: [{ name: 'cleanup.policy', op: AlterConfigOpType.DELETE, value: null }] }]);
    expect(await dynamicValue('cleanup.policy')).toBeNull();
  });

  it('refuses APPEND to a config that is not a list, and an invalid value, with INVALID_CONFIG', async () => {
    const [append] = await admin.incrementalAlterConfigs([{ resource: topic, ops: [{ name: 'retention.ms', op: AlterConfigOpType.APPEND, value: '1' }] }]);
    expect(append!.error).toMatchObject({ code: ErrorCode.INVALID_CONFIG, message: "INVALID_CONFIG: Can't APPEND to key retention.ms because its type is not LIST." });
    const [invalid] = await admin.incrementalAlterConfigs([{ resource: topic, ops: [{ name: 'segment.bytes', op: AlterConfigOpType.SET, value: '10' }] }]);
    expect(invalid!.error).toMatchObject({ code: ErrorCode.INVALID_CONFIG });
    expect(invalid!.error!.message).toContain('segment.bytes');
  });

  it('answers each resource on its own: an unknown topic, a default topic resource, validateOnly', async () => {
    const set = (name: string) => ({ resource: { type: ConfigResourceType.TOPIC, name }, ops: [{ name: 'retention.ms', op: AlterConfigOpType.SET, value: '5000' }] });
    const outcomes = await admin.incrementalAlterConfigs([set('no-such-topic'), set(''), set('events')], { validateOnly: true });
    expect(outcomes.map((o) => o.error?.message ?? null)).toEqual([
      "UNKNOWN_TOPIC_OR_PARTITION: The topic 'no-such-topic' does not exist.",
      'INVALID_REQUEST: Default topic resources are not allowed.',
      null,
    ]);
    expect(await dynamicValue('retention.ms')).toBe('3600000');
  });

  it('refuses a per-broker-only config at the cluster default level', async () => {
    const [outcome] = await admin.incrementalAlterConfigs([
      { resource: { type: ConfigResourceType.BROKER, name: '' }, ops: [{ name: 'listeners', op: AlterConfigOpType.SET, value: 'PLAINTEXT://:1' }] },
    ]);
    expect(outcome!.error?.message).toBe('INVALID_REQUEST: Cannot update these configs at default cluster level, broker id must be specified: Set(listeners)');
  });
});
