// `tk acls` run as a user runs it (the built binary, stdout a pipe) as the super user admin
// against a broker with the StandardAuthorizer, comparing exact bytes with what kafka-acls.sh
// (Kafka 3.9) prints. Within a resource kafka-acls.sh keeps the broker's order of up to four
// entries; across resources its order is a JVM hash order, so each listing here names one
// resource, except where tk's own order (the broker's) is the point.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool, startBroker } from '../harness/broker.js';
import { startAclBroker, type AclBroker, type AclUser } from '../harness/acl-broker.js';

let acl: AclBroker;

beforeAll(async () => {
  acl = await startAclBroker();
});

afterAll(async () => {
  await acl?.stop();
});

const as = (user: AclUser, args: readonly string[], input = '') =>
  runTool('node', ['bin/run.js', 'acls', '--bootstrap-server', acl.saslBootstrap, '--command-config', acl.commandConfig(user), ...args], { input });
const tk = (...args: string[]) => as('admin', args);

const resource = (type: string, name: string, pattern = 'LITERAL'): string => `ResourcePattern(resourceType=${type}, name=${name}, patternType=${pattern})`;
const entry = (principal: string, operation: string, permission = 'ALLOW', host = '*'): string => `(principal=${principal}, host=${host}, operation=${operation}, permissionType=${permission})`;
/** One of kafka-acls.sh's blocks: println of `<header>: ⏎ <tab-indented entries> ⏎`. */
const block = (header: 'Adding ACLs for resource' | 'Current ACLs for resource', pattern: string, entries: readonly string[]): string =>
  `${header} \`${pattern}\`: \n ${entries.map((e) => `\t${e}`).join('\n')} \n\n`;
const adding = (pattern: string, entries: readonly string[]) => block('Adding ACLs for resource', pattern, entries);
const current = (pattern: string, entries: readonly string[]) => block('Current ACLs for resource', pattern, entries);
const ok = (stdout: string) => ({ code: 0, stdout, stderr: '' });

describe('tk acls --add and --list', () => {
  it('adds ACLs on a topic and lists them', async () => {
    expect(await tk('--add', '--allow-principal', 'User:alice', '--operation', 'Read', '--operation', 'describe', '--topic', 'events')).toEqual(
      ok(adding(resource('TOPIC', 'events'), [entry('User:alice', 'READ'), entry('User:alice', 'DESCRIBE')])),
    );
    expect(await tk('--list', '--topic', 'events')).toEqual(ok(current(resource('TOPIC', 'events'), [entry('User:alice', 'READ'), entry('User:alice', 'DESCRIBE')])));
  });

  it('adds on a group, the cluster and a transactional id, deny rules with their hosts', async () => {
    expect(await tk('--add', '--deny-principal', 'User:carol', '--deny-host', '10.0.0.7', '--operation', 'Read', '--group', 'billing')).toEqual(
      ok(adding(resource('GROUP', 'billing'), [entry('User:carol', 'READ', 'DENY', '10.0.0.7')])),
    );
    expect(await tk('--list', '--group', 'billing')).toEqual(ok(current(resource('GROUP', 'billing'), [entry('User:carol', 'READ', 'DENY', '10.0.0.7')])));
    expect(await tk('--add', '--allow-principal', 'User:bob', '--operation', 'DescribeConfigs', '--cluster')).toEqual(
      ok(adding(resource('CLUSTER', 'kafka-cluster'), [entry('User:bob', 'DESCRIBE_CONFIGS')])),
    );
    expect(await tk('--list', '--cluster')).toEqual(ok(current(resource('CLUSTER', 'kafka-cluster'), [entry('User:bob', 'DESCRIBE_CONFIGS')])));
    expect(await tk('--add', '--allow-principal', 'User:bob', '--operation', 'Write', '--transactional-id', 'tx-1')).toEqual(
      ok(adding(resource('TRANSACTIONAL_ID', 'tx-1'), [entry('User:bob', 'WRITE')])),
    );
    expect(await tk('--list', '--transactional-id', 'tx-1')).toEqual(ok(current(resource('TRANSACTIONAL_ID', 'tx-1'), [entry('User:bob', 'WRITE')])));
  });

  it('prefixed patterns: listed by their own filter, not by a literal filter of a name they cover, and by match for it', async () => {
    expect(await tk('--add', '--allow-principal', 'User:bob', '--operation', 'Write', '--topic', 'orders-', '--resource-pattern-type', 'prefixed')).toEqual(
      ok(adding(resource('TOPIC', 'orders-', 'PREFIXED'), [entry('User:bob', 'WRITE')])),
    );
    expect(await tk('--list', '--topic', 'orders-', '--resource-pattern-type', 'prefixed')).toEqual(ok(current(resource('TOPIC', 'orders-', 'PREFIXED'), [entry('User:bob', 'WRITE')])));
    expect(await tk('--list', '--topic', 'orders-eu', '--resource-pattern-type', 'LITERAL')).toEqual(ok(''));
    expect(await tk('--list', '--topic', 'orders-eu', '--resource-pattern-type', 'match')).toEqual(ok(current(resource('TOPIC', 'orders-', 'PREFIXED'), [entry('User:bob', 'WRITE')])));
  });

  it('--producer --idempotent: WRITE, DESCRIBE, CREATE on the topic, WRITE, DESCRIBE on the transactional id, IDEMPOTENT_WRITE on the cluster', async () => {
    expect(await tk('--add', '--allow-principal', 'User:carol', '--producer', '--topic', 'audit', '--transactional-id', 'audit-tx', '--idempotent')).toEqual(
      ok(
        adding(resource('TOPIC', 'audit'), [entry('User:carol', 'WRITE'), entry('User:carol', 'DESCRIBE'), entry('User:carol', 'CREATE')]) +
          adding(resource('TRANSACTIONAL_ID', 'audit-tx'), [entry('User:carol', 'WRITE'), entry('User:carol', 'DESCRIBE')]) +
          adding(resource('CLUSTER', 'kafka-cluster'), [entry('User:carol', 'IDEMPOTENT_WRITE')]),
      ),
    );
    const { stdout } = await tk('--list', '--topic', 'audit');
    expect(stdout.startsWith(`Current ACLs for resource \`${resource('TOPIC', 'audit')}\`: \n \t`)).toBe(true);
    expect(stdout.split('\n').filter((l) => l.includes('User:carol')).length).toBe(3);
  });

  it('--consumer: READ, DESCRIBE on the topic and READ on the group', async () => {
    expect(await tk('--add', '--allow-principal', 'User:bob', '--allow-host', '127.0.0.1', '--consumer', '--topic', 'audit', '--group', 'auditors')).toEqual(
      ok(
        adding(resource('TOPIC', 'audit'), [entry('User:bob', 'READ', 'ALLOW', '127.0.0.1'), entry('User:bob', 'DESCRIBE', 'ALLOW', '127.0.0.1')]) +
          adding(resource('GROUP', 'auditors'), [entry('User:bob', 'READ', 'ALLOW', '127.0.0.1')]),
      ),
    );
    expect(await tk('--list', '--group', 'auditors')).toEqual(ok(current(resource('GROUP', 'auditors'), [entry('User:bob', 'READ', 'ALLOW', '127.0.0.1')])));
  });

  it('--principal: a header per principal, then only its entries', async () => {
    expect(await tk('--list', '--topic', 'events', '--principal', 'User:alice', '--principal', 'User:nobody')).toEqual(
      ok(`ACLs for principal \`User:alice\`\n${current(resource('TOPIC', 'events'), [entry('User:alice', 'READ'), entry('User:alice', 'DESCRIBE')])}ACLs for principal \`User:nobody\`\n`),
    );
  });

  it('--output json carries the same facts', async () => {
    const { code, stdout } = await tk('--list', '--topic', 'events', '--output', 'json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      resources: [
        {
          resource: { resourceType: 'TOPIC', name: 'events', patternType: 'LITERAL' },
          acls: [
            { principal: 'User:alice', host: '*', operation: 'READ', permissionType: 'ALLOW' },
            { principal: 'User:alice', host: '*', operation: 'DESCRIBE', permissionType: 'ALLOW' },
          ],
        },
      ],
    });
  });
});

describe('tk acls --remove', () => {
  const removeRead = ['--remove', '--allow-principal', 'User:alice', '--operation', 'Read', '--topic', 'events'];
  const question = `Are you sure you want to remove ACLs: \n \t${entry('User:alice', 'READ')} \n from resource filter \`${resource('TOPIC', 'events')}\`? (y/n)\n`;

  it('asks on stdin even in a pipe: n keeps the ACL', async () => {
    expect(await as('admin', removeRead, 'n\n')).toEqual(ok(question));
    expect((await tk('--list', '--topic', 'events')).stdout).toContain(entry('User:alice', 'READ'));
  });

  it('y removes it', async () => {
    expect(await as('admin', removeRead, 'Y\n')).toEqual(ok(question));
    expect(await tk('--list', '--topic', 'events')).toEqual(ok(current(resource('TOPIC', 'events'), [entry('User:alice', 'DESCRIBE')])));
  });

  it('stdin at its end fails as Kafka does (StdIn.readLine() is null)', async () => {
    expect(await as('admin', removeRead, '')).toEqual({
      code: 1,
      stdout: `${question}Error while executing ACL command: Cannot invoke "String.equalsIgnoreCase(String)" because the return value of "scala.io.StdIn$.readLine()" is null\n`,
      stderr: '',
    });
  });

  it('--force removes without asking; without principals every ACL of the filter goes, one question per filter', async () => {
    expect(await tk('--remove', '--force', '--topic', 'orders-', '--resource-pattern-type', 'prefixed')).toEqual(ok(''));
    expect(await tk('--list', '--topic', 'orders-', '--resource-pattern-type', 'prefixed')).toEqual(ok(''));
    expect(await as('admin', ['--remove', '--group', 'billing', '--group', 'auditors'], 'y\nn\n')).toEqual(
      ok(
        `Are you sure you want to delete all ACLs for resource filter \`${resource('GROUP', 'billing')}\`? (y/n)\n` +
          `Are you sure you want to delete all ACLs for resource filter \`${resource('GROUP', 'auditors')}\`? (y/n)\n`,
      ),
    );
    expect(await tk('--list', '--group', 'billing')).toEqual(ok(''));
    expect((await tk('--list', '--group', 'auditors')).stdout).toContain('User:bob');
  });

  it('--output json: what was added, and per filter what was asked, confirmed and removed', async () => {
    const added = await tk('--add', '--allow-principal', 'User:dave', '--operation', 'Alter', '--topic', 'json-t', '--output', 'json');
    expect(added.code).toBe(0);
    const dave = { principal: 'User:dave', host: '*', operation: 'ALTER', permissionType: 'ALLOW' };
    const jsonT = { resourceType: 'TOPIC', name: 'json-t', patternType: 'LITERAL' };
    expect(JSON.parse(added.stdout)).toEqual({ added: [{ resource: jsonT, acls: [dave] }] });
    const removed = await tk('--remove', '--force', '--topic', 'json-t', '--output', 'json');
    expect(removed.code).toBe(0);
    expect(JSON.parse(removed.stdout)).toEqual({ removals: [{ filter: jsonT, acls: [], confirmed: true, removed: [{ resource: jsonT, acl: dave }] }] });
  });
});

describe('tk acls failures', () => {
  it("argument errors: Kafka's message alone on stderr, exit 1", async () => {
    expect(await tk('--add', '--list')).toEqual({ code: 1, stdout: '', stderr: 'Command must include exactly one action: --list, --add, --remove. \n' });
    expect(await tk('--add', '--consumer', '--topic', 't', '--allow-principal', 'User:a')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'With --consumer you must specify a --topic and a --group and no --cluster or --transactional-id option should be specified.\n',
    });
    expect(await tk('--add', '--topic', 't', '--resource-pattern-type', 'any', '--allow-principal', 'User:a')).toEqual({
      code: 1,
      stdout: '',
      stderr: "A '--resource-pattern-type' value of 'ANY' is not valid when adding acls.\n",
    });
    expect(await tk('--add', '--topic', 't', '--allow-principal', 'alice')).toEqual({
      code: 1,
      stdout: 'Error while executing ACL command: expected a string in format principalType:principalName but got alice\n',
      stderr: '',
    });
  });

  it("a user who may not alter the cluster: the announcement, then the broker's refusal", async () => {
    expect(await as('alice', ['--add', '--allow-principal', 'User:alice', '--topic', 'mine'])).toEqual({
      code: 1,
      stdout: `${adding(resource('TOPIC', 'mine'), [entry('User:alice', 'ALL')])}Error while executing ACL command: org.apache.kafka.common.errors.ClusterAuthorizationException: Cluster authorization failed.\n`,
      stderr: '',
    });
  });

  it('a broker without an authorizer: SECURITY_DISABLED in the words of each API', async () => {
    const plain = await startBroker();
    try {
      const run = (...args: string[]) => runTool('node', ['bin/run.js', 'acls', '--bootstrap-server', plain.bootstrap, ...args]);
      expect(await run('--list')).toEqual({
        code: 1,
        stdout: 'Error while executing ACL command: org.apache.kafka.common.errors.SecurityDisabledException: No Authorizer is configured on the broker\n',
        stderr: '',
      });
      expect(await run('--add', '--allow-principal', 'User:a', '--operation', 'Read', '--topic', 't')).toEqual({
        code: 1,
        stdout: `${adding(resource('TOPIC', 't'), [entry('User:a', 'READ')])}Error while executing ACL command: org.apache.kafka.common.errors.SecurityDisabledException: No Authorizer is configured.\n`,
        stderr: '',
      });
    } finally {
      await plain.stop();
    }
  });
});

describe('the ACLs bite', () => {
  it('after --producer for alice on a topic, kcat as alice can produce to it and bob cannot', async () => {
    await tk('--add', '--allow-principal', 'User:alice', '--producer', '--topic', 'guarded');
    const produce = (user: AclUser) => runTool('kcat', ['-P', ...acl.kcatArgs(user), '-t', 'guarded', '-X', 'message.timeout.ms=5000'], { input: `from ${user}\n` });
    const alice = await produce('alice');
    expect(alice.code, alice.stderr).toBe(0);
    const bob = await produce('bob');
    expect(bob.code).not.toBe(0);
    expect(bob.stderr).toMatch(/Topic authorization failed|TOPIC_AUTHORIZATION_FAILED/);
    const consumed = await runTool('kcat', ['-C', ...acl.kcatArgs('admin'), '-t', 'guarded', '-e', '-o', 'beginning', '-q']);
    expect(consumed.stdout).toBe('from alice\n');
  });
});
