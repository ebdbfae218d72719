import { describe, expect, it } from 'vitest';
import { checkConfigsOptions, checkConfigsToAdd, entitiesOf, parseAddConfig, type ConfigsFlags } from '../../../src/cli/configs/options.js';

const flags = (over: Partial<ConfigsFlags>): ConfigsFlags => ({
  describe: false,
  alter: false,
  all: false,
  entityType: [],
  entityName: [],
  entityDefault: false,
  brokerDefaults: false,
  userDefaults: false,
  clientDefaults: false,
  deleteConfig: [],
  ...over,
});
const problem = (over: Partial<ConfigsFlags>): string => {
  try {
    checkConfigsOptions(flags(over));
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
};

describe('parseAddConfig', () => {
  it('splits on commas outside brackets and drops the brackets', () => {
    expect(parseAddConfig('retention.ms=1000,cleanup.policy=[compact,delete],x = y ')).toEqual(
      new Map([
        ['retention.ms', '1000'],
        ['cleanup.policy', 'compact,delete'],
        ['x', 'y'],
      ]),
    );
  });

  it('keeps an empty value and ignores a trailing comma, as Java split does', () => {
    expect(parseAddConfig('ssl.endpoint.identification.algorithm=,')).toEqual(new Map([['ssl.endpoint.identification.algorithm', '']]));
  });

  it("refuses a pair without '=' or with two, in Kafka's words", () => {
    for (const bad of ['retention.ms', 'a=b=c']) expect(() => parseAddConfig(bad)).toThrow('Invalid entity config: all configs to be added must be in the format "key=val".');
  });
});

describe('checkConfigsToAdd', () => {
  it('refuses a key with characters Kafka does not allow', () => {
    expect(() => checkConfigsToAdd(new Map([['retention ms', '1']]))).toThrow('Invalid character found for config key: retention ms');
  });

  it('warns about message.format.version', () => {
    expect(checkConfigsToAdd(new Map([['message.format.version', '2.8']]))[0]).toMatch(/^WARNING: The configuration message.format.version=2.8 is specified\. /);
    expect(checkConfigsToAdd(new Map([['retention.ms', '1']]))).toEqual([]);
  });
});

describe('checkConfigsOptions', () => {
  it('resolves the entity from --entity-* or the shorthands', () => {
    expect(checkConfigsOptions(flags({ describe: true, topic: 't' }))).toEqual({ action: 'describe', entityType: 'topics', entityName: 't', all: false, deleteConfigs: [] });
    expect(checkConfigsOptions(flags({ alter: true, entityType: ['brokers'], entityDefault: true, deleteConfig: ['a,b', ' c'] }))).toEqual({
      action: 'alter',
      entityType: 'brokers',
      entityName: '',
      all: false,
      deleteConfigs: ['a', 'b', 'c'],
    });
    expect(checkConfigsOptions(flags({ describe: true, entityType: ['brokers'] })).entityName).toBeUndefined();
  });

  it.each([
    [{}, 'Command must include exactly one action: --describe, --alter'],
    [{ describe: true, alter: true, topic: 't' }, 'Command must include exactly one action: --describe, --alter'],
    [{ describe: true }, 'At least one entity type must be specified'],
    [{ describe: true, entityType: ['topics', 'topics'] }, 'Duplicate entity type(s) specified: topics'],
    [{ describe: true, entityType: ['things'] }, 'Invalid entity type things, the entity type must be one of topics, clients, users, brokers, ips, broker-loggers, client-metrics, groups with a --bootstrap-server or --bootstrap-controller argument'],
    [{ describe: true, entityType: ['ips'] }, 'Entity type ips is not supported yet: tk configs handles topics, brokers, users and clients'],
    [{ describe: true, entityType: ['topics', 'brokers'] }, "Only 'users' and 'clients' entity types may be specified together"],
    [{ describe: true, entityType: ['brokers'], broker: '1' }, 'Duplicate entity type(s) specified: brokers'],
    [{ describe: true, entityName: ['x'], topic: 't' }, '--entity-{type,name,default} should not be used in conjunction with specific entity flags'],
    [{ describe: true, broker: 'one' }, 'The entity name for brokers must be a valid integer broker id, but it is: one'],
    [{ describe: true, entityType: ['topics'], entityDefault: true }, '--entity-default must not be specified with --describe of topics'],
    [{ alter: true, entityType: ['brokers'], addConfig: 'a=b' }, 'An entity-name or default entity must be specified with --alter of users, clients, brokers or ips'],
    [{ alter: true, entityType: ['topics'], addConfig: 'a=b' }, 'An entity name must be specified with --alter of topics'],
    [{ alter: true, topic: 't', addConfig: 'a=b', addConfigFile: 'f' }, 'Only one of --add-config or --add-config-file must be specified'],
    [{ alter: true, topic: 't' }, 'At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter'],
    [{ describe: true, topic: 't', addConfig: 'a=b' }, 'Option "[describe]" can\'t be used with option "[add-config]"'],
    [{ alter: true, entityType: ['topics'], entityName: ['a', 'b'], addConfig: 'a=b' }, 'An entity name must be specified for every entity type'],
  ])('%j → %s', (over, message) => {
    expect(problem(over as Partial<ConfigsFlags>)).toBe(message);
  });
});

describe('entity shorthands', () => {
  it("orders types and names as ConfigCommand does: named shorthands (topic, client, user, broker), then the defaults", () => {
    expect(entitiesOf(flags({ user: 'alice', client: 'app' }))).toEqual({ types: ['clients', 'users'], names: ['app', 'alice'] });
    expect(entitiesOf(flags({ user: 'alice', clientDefaults: true }))).toEqual({ types: ['users', 'clients'], names: ['alice', ''] });
    expect(entitiesOf(flags({ userDefaults: true }))).toEqual({ types: ['users'], names: [''] });
    expect(checkConfigsOptions(flags({ alter: true, client: 'app', addConfig: 'producer_byte_rate=1024' }))).toMatchObject({ entityType: 'clients', entityName: 'app' });
    expect(checkConfigsOptions(flags({ describe: true, clientDefaults: true }))).toMatchObject({ entityType: 'clients', entityName: '' });
  });

  it('refuses a shorthand beside --entity-* and a type given twice', () => {
    expect(problem({ describe: true, entityType: ['users'], clientDefaults: true })).toBe('--entity-{type,name,default} should not be used in conjunction with specific entity flags');
    expect(problem({ describe: true, user: 'alice', userDefaults: true })).toBe('Duplicate entity type(s) specified: users');
  });
});
