// CreateAcls, DescribeAcls and DeleteAcls against a broker with the StandardAuthorizer:
// kafka-python 2.0.2's admin client speaks v1, tk's own connection and codecs the other versions
// and the requests kafka-python refuses to build. Every answer is compared with what Kafka 3.9's
// AclApis and AclControlManager send for the same state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerConnection, api } from '../../src/client/connection.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { CreateAclsRequest, type AclCreation } from '../../src/protocol/generated/clients/create-acls-request.js';
import { CreateAclsResponse } from '../../src/protocol/generated/clients/create-acls-response.js';
import { DeleteAclsRequest, type DeleteAclsFilter } from '../../src/protocol/generated/clients/delete-acls-request.js';
import { DeleteAclsResponse } from '../../src/protocol/generated/clients/delete-acls-response.js';
import { DescribeAclsRequest } from '../../src/protocol/generated/clients/describe-acls-request.js';
import { DescribeAclsResponse } from '../../src/protocol/generated/clients/describe-acls-response.js';
import { startAclBroker, type AclBroker, type AclUser } from '../harness/acl-broker.js';
import { HOST, runPython, startBroker, type RunningBroker } from '../harness/broker.js';

const createApi = api(CreateAclsRequest, CreateAclsResponse);
const describeApi = api(DescribeAclsRequest, DescribeAclsResponse);
const deleteApi = api(DeleteAclsRequest, DeleteAclsResponse);

// Kafka's codes: TOPIC 2, GROUP 3, CLUSTER 4; ANY 1, MATCH 2, LITERAL 3, PREFIXED 4;
// READ 3, WRITE 4, ALTER 7, DESCRIBE 8; DENY 2, ALLOW 3.
const creation = (overrides: Partial<AclCreation> = {}): AclCreation => ({
  resourceType: 2, resourceName: 'events', resourcePatternType: 3, principal: 'User:alice', host: '*', operation: 3, permissionType: 3, ...overrides,
});
const anyFilter = (overrides: Partial<DeleteAclsFilter> = {}): DeleteAclsFilter => ({
  resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1, ...overrides,
});

let acl: AclBroker;
/** The process broker.restart() starts in place of the first one. */
let restarted: RunningBroker | null = null;
const connections: BrokerConnection[] = [];

async function connectAs(user: AclUser | 'anonymous'): Promise<BrokerConnection> {
  const [host, port] = user === 'anonymous' ? [HOST, acl.broker.port] : acl.saslBootstrap.split(':');
  const sasl = user === 'anonymous' ? null : { mechanism: 'PLAIN' as const, username: user, password: `${user}-secret` };
  const connection = await BrokerConnection.connect(String(host), Number(port), { clientId: 'acl-apis-test', requestTimeoutMs: 15_000, sasl });
  connections.push(connection);
  return connection;
}

type Listed = [string, string, string, string, string, string, string];
const python = <T>(user: AclUser, command: string, ...args: object[]) =>
  runPython<T>('acl_admin.py', [JSON.stringify(acl.kafkaPythonConfig(user)), command, ...args.map((a) => JSON.stringify(a))], 40_000);
const pyAcl = (resourceType: string, name: string, patternType: string, principal: string, operation: string, permission: string) =>
  ({ resourceType, name, patternType, principal, host: '*', operation, permission });
const pyFilter = (overrides: Record<string, string | null> = {}) =>
  ({ resourceType: 'ANY', name: null, patternType: 'ANY', principal: null, host: null, operation: 'ANY', permission: 'ANY', ...overrides });

beforeAll(async () => {
  acl = await startAclBroker();
});

afterAll(async () => {
  for (const c of connections) c.close();
  await acl.stop();
  await restarted?.stop();
});

const ALICE_READ_EVENTS = pyAcl('TOPIC', 'events', 'LITERAL', 'User:alice', 'READ', 'ALLOW');
const BOB_DENY_EV = pyAcl('TOPIC', 'ev', 'PREFIXED', 'User:bob', 'WRITE', 'DENY');
const EVERYONE_READ_GROUPS = pyAcl('GROUP', '*', 'LITERAL', 'User:*', 'READ', 'ALLOW');
const CAROL_DESCRIBE_CLUSTER = pyAcl('CLUSTER', 'kafka-cluster', 'LITERAL', 'User:carol', 'DESCRIBE', 'ALLOW');
const listed = (a: ReturnType<typeof pyAcl>): Listed => [a.resourceType, a.name, a.patternType, a.principal, a.host, a.operation, a.permission];

describe('as the super user, with kafka-python (v1)', () => {
  it('creates ACLs, an ACL already present succeeding again without a second copy', async () => {
    const all = [ALICE_READ_EVENTS, BOB_DENY_EV, EVERYONE_READ_GROUPS, CAROL_DESCRIBE_CLUSTER];
    expect(await python('admin', 'create', ...all)).toEqual({ succeeded: all.map(listed), failed: [] });
    expect(await python('admin', 'create', ALICE_READ_EVENTS)).toEqual({ succeeded: [listed(ALICE_READ_EVENTS)], failed: [] });
    // Kafka's order: by resource type, then name in reverse, then pattern type.
    expect(await python('admin', 'describe', pyFilter())).toEqual({ acls: [ALICE_READ_EVENTS, BOB_DENY_EV, EVERYONE_READ_GROUPS, CAROL_DESCRIBE_CLUSTER].map(listed) });
  });

  it('describes with MATCH: the literal name, the literal * and the prefixes of the name', async () => {
    expect(await python('admin', 'describe', pyFilter({ resourceType: 'TOPIC', name: 'events', patternType: 'MATCH' }))).toEqual({ acls: [listed(ALICE_READ_EVENTS), listed(BOB_DENY_EV)] });
    expect(await python('admin', 'describe', pyFilter({ resourceType: 'GROUP', name: 'payments', patternType: 'MATCH' }))).toEqual({ acls: [listed(EVERYONE_READ_GROUPS)] });
    expect(await python('admin', 'describe', pyFilter({ resourceType: 'TOPIC', name: 'e', patternType: 'MATCH' }))).toEqual({ acls: [] });
    expect(await python('admin', 'describe', pyFilter({ name: 'ev', patternType: 'LITERAL' }))).toEqual({ acls: [] });
    expect(await python('admin', 'describe', pyFilter({ principal: 'User:bob' }))).toEqual({ acls: [listed(BOB_DENY_EV)] });
  });
});

describe('with tk\'s codecs at every version', () => {
  it('answers each creation on its own with Kafka\'s refusals (v3)', async () => {
    const admin = await connectAs('admin');
    const response = await admin.send(createApi, 3, {
      creations: [
        creation({ resourceType: 4, resourceName: 'other' }),
        creation({ resourceName: '' }),
        creation({ resourceType: 99 }),
        creation({ resourcePatternType: 99 }),
        creation({ operation: 99 }),
        creation({ permissionType: 99 }),
        creation({ resourceName: 'audit', principal: 'User:carol', operation: 4 }),
        creation({ resourceName: 'audit', principal: 'User:dave' }),
      ],
    });
    expect(response.results.map((r) => [r.errorCode, r.errorMessage])).toEqual([
      [ErrorCode.INVALID_REQUEST, 'The only valid name for the CLUSTER resource is kafka-cluster'],
      [ErrorCode.INVALID_REQUEST, 'Invalid empty resource name'],
      [ErrorCode.INVALID_REQUEST, 'Invalid resourceType UNKNOWN'],
      [ErrorCode.INVALID_REQUEST, 'Invalid patternType UNKNOWN'],
      [ErrorCode.INVALID_REQUEST, 'Invalid operation UNKNOWN'],
      [ErrorCode.INVALID_REQUEST, 'Invalid permissionType UNKNOWN'],
      [ErrorCode.NONE, ''],
      [ErrorCode.NONE, ''],
    ]);
  });

  it('fails a whole CreateAcls naming ANY or MATCH, as Kafka\'s AclBinding refuses to exist (v2)', async () => {
    const admin = await connectAs('admin');
    for (const bad of [{ operation: 1 }, { permissionType: 1 }, { resourceType: 1 }, { resourcePatternType: 2 }]) {
      const response = await admin.send(createApi, 2, { creations: [creation({ resourceName: 'never' }), creation(bad)] });
      expect(response.results.map((r) => [r.errorCode, r.errorMessage])).toEqual([[ErrorCode.UNKNOWN_SERVER_ERROR, null], [ErrorCode.UNKNOWN_SERVER_ERROR, null]]);
    }
    const described = await admin.send(describeApi, 3, { ...anyFilter(), resourceTypeFilter: 2, resourceNameFilter: 'never' });
    expect(described.resources).toEqual([]);
  });

  it('groups DescribeAcls by resource (v3), and v0 sees LITERAL ACLs only', async () => {
    const admin = await connectAs('admin');
    const v3 = await admin.send(describeApi, 3, { ...anyFilter(), resourceTypeFilter: 2 });
    expect(v3.errorCode).toBe(ErrorCode.NONE);
    const grouped = v3.resources.map((r) => [r.resourceType, r.resourceName, r.patternType, r.acls.map((a) => [a.principal, a.host, a.operation, a.permissionType])]);
    expect(grouped).toEqual([
      [2, 'events', 3, [['User:alice', '*', 3, 3]]],
      [2, 'ev', 4, [['User:bob', '*', 4, 2]]],
      [2, 'audit', 3, [['User:dave', '*', 3, 3], ['User:carol', '*', 4, 3]]],
    ]);
    const v0 = await admin.send(describeApi, 0, { ...anyFilter(), resourceTypeFilter: 2, patternTypeFilter: 3 });
    expect(v0.resources.map((r) => r.resourceName)).toEqual(['events', 'audit']);
  });

  it('refuses a DeleteAcls filter with codes Kafka does not know, per filter (v3)', async () => {
    const admin = await connectAs('admin');
    const response = await admin.send(deleteApi, 3, { filters: [anyFilter({ resourceTypeFilter: 99 }), anyFilter({ patternTypeFilter: 99 }), anyFilter({ operation: 99 }), anyFilter({ permissionType: 99 })] });
    expect(response.filterResults.map((r) => [r.errorCode, r.errorMessage, r.matchingAcls.length])).toEqual([
      [ErrorCode.INVALID_REQUEST, 'Unknown patternFilter.', 0],
      [ErrorCode.INVALID_REQUEST, 'Unknown patternFilter.', 0],
      [ErrorCode.INVALID_REQUEST, 'Unknown entryFilter.', 0],
      [ErrorCode.INVALID_REQUEST, 'Unknown entryFilter.', 0],
    ]);
  });

  it('speaks LITERAL only at v0: CreateAcls and DeleteAcls there leave PREFIXED ACLs alone', async () => {
    const admin = await connectAs('admin');
    const created = await admin.send(createApi, 0, { creations: [creation({ principal: 'User:legacy' })] });
    expect(created.results.map((r) => [r.errorCode, r.errorMessage])).toEqual([[ErrorCode.NONE, '']]);
    await admin.send(createApi, 1, { creations: [creation({ principal: 'User:legacy', resourcePatternType: 4 })] });
    const deleted = await admin.send(deleteApi, 0, { filters: [anyFilter({ principalFilter: 'User:legacy', patternTypeFilter: 3 })] });
    expect(deleted.filterResults.map((r) => [r.errorCode, r.errorMessage, r.matchingAcls.map((a) => [a.resourceName, a.patternType, a.principal])])).toEqual([
      [ErrorCode.NONE, null, [['events', 3, 'User:legacy']]],
    ]);
    const rest = await admin.send(deleteApi, 2, { filters: [anyFilter({ principalFilter: 'User:legacy' })] });
    expect(rest.filterResults[0].matchingAcls.map((a) => [a.resourceName, a.patternType])).toEqual([['events', 4]]);
  });

  it('closes the connection on a request naming UNKNOWN (code 0), as Kafka cannot parse it', async () => {
    const admin = await connectAs('admin');
    await expect(admin.send(describeApi, 3, { ...anyFilter(), operation: 0 })).rejects.toThrow();
  });
});

describe('authorization of the ACL APIs themselves', () => {
  it('answers CLUSTER_AUTHORIZATION_FAILED to principals without ALTER or DESCRIBE on the cluster', async () => {
    expect(await python('alice', 'create', ALICE_READ_EVENTS)).toEqual({ succeeded: [], failed: [[listed(ALICE_READ_EVENTS), 'ClusterAuthorizationFailedError']] });
    expect(await python('alice', 'describe', pyFilter())).toEqual({ error: 'ClusterAuthorizationFailedError' });
    expect(await python('alice', 'delete', pyFilter())).toEqual({ results: [{ error: 'ClusterAuthorizationFailedError', deleted: [] }] });
    const anonymous = await connectAs('anonymous');
    const created = await anonymous.send(createApi, 3, { creations: [creation(), creation()] });
    expect(created.results.map((r) => [r.errorCode, r.errorMessage])).toEqual([
      [ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.'],
      [ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.'],
    ]);
    const described = await anonymous.send(describeApi, 1, anyFilter());
    expect([described.errorCode, described.errorMessage, described.resources]).toEqual([ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.', []]);
  });

  it('lets carol describe with DESCRIBE on the cluster, but not create or delete', async () => {
    expect(await python('carol', 'describe', pyFilter({ resourceType: 'CLUSTER' }))).toEqual({ acls: [listed(CAROL_DESCRIBE_CLUSTER)] });
    expect(await python('carol', 'delete', pyFilter())).toEqual({ results: [{ error: 'ClusterAuthorizationFailedError', deleted: [] }] });
  });
});

describe('deletion and persistence', () => {
  it('deletes what each filter matches, an ACL matched twice listed by both (kafka-python)', async () => {
    const matchEvents = pyFilter({ resourceType: 'TOPIC', name: 'events', patternType: 'MATCH' });
    const bobOnly = pyFilter({ principal: 'User:bob' });
    expect(await python('admin', 'delete', matchEvents, bobOnly)).toEqual({
      results: [
        { error: null, deleted: [listed(ALICE_READ_EVENTS), listed(BOB_DENY_EV)] },
        { error: null, deleted: [listed(BOB_DENY_EV)] },
      ],
    });
    expect(await python('admin', 'delete', bobOnly)).toEqual({ results: [{ error: null, deleted: [] }] });
  });

  it('keeps the ACLs across a restart', async () => {
    const before = await python<{ acls: Listed[] }>('admin', 'describe', pyFilter());
    expect(before.acls.length).toBe(4);
    restarted = await acl.broker.restart();
    expect(await python('admin', 'describe', pyFilter())).toEqual(before);
  });
});

describe('without an authorizer', () => {
  let plain: RunningBroker;
  beforeAll(async () => {
    plain = await startBroker();
  });
  afterAll(async () => {
    await plain.stop();
  });

  it('answers SECURITY_DISABLED with Kafka\'s messages', async () => {
    const connection = await BrokerConnection.connect(plain.host, plain.port, { clientId: 'acl-apis-test', requestTimeoutMs: 15_000 });
    connections.push(connection);
    const created = await connection.send(createApi, 3, { creations: [creation()] });
    expect(created.results.map((r) => [r.errorCode, r.errorMessage])).toEqual([[ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.']]);
    const described = await connection.send(describeApi, 3, anyFilter());
    expect([described.errorCode, described.errorMessage]).toEqual([ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured on the broker']);
    const deleted = await connection.send(deleteApi, 3, { filters: [anyFilter()] });
    expect(deleted.filterResults.map((r) => [r.errorCode, r.errorMessage])).toEqual([[ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.']]);
    const fromPython = await runPython('acl_admin.py', [JSON.stringify({ bootstrap_servers: plain.bootstrap }), 'describe', JSON.stringify(pyFilter())], 40_000);
    expect(fromPython).toEqual({ error: 'SecurityDisabledError' });
  });
});
