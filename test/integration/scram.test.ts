// SASL_PLAINTEXT with SCRAM-SHA-256/512 against a harness broker: `tk configs` creates, describes
// and deletes credentials (kept in the metadata log); kcat, kafka-python and tk itself log in with
// them; a wrong password or a deleted credential gets nothing served; a restart keeps them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, PYTHON, runTool, startBroker, type RunningBroker } from '../harness/broker.js';

const SCRAM_MODULE = 'org.apache.kafka.common.security.scram.ScramLoginModule';
const SASL_OVERRIDES = {
  'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
  'sasl.enabled.mechanisms': 'SCRAM-SHA-256,SCRAM-SHA-512',
};
const FAILED_256 = 'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256';
const dir = mkdtempSync(join(tmpdir(), 'tk-scram-'));

let broker: RunningBroker;
let sasl: string;

beforeAll(async () => {
  broker = await startBroker({ extraListeners: ['SASL_PLAINTEXT'], overrides: SASL_OVERRIDES });
  sasl = `${HOST}:${broker.listenerPorts.SASL_PLAINTEXT}`;
});

afterAll(async () => {
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `tk configs` over the PLAINTEXT listener, as an operator would bootstrap the first users. */
const configs = (...args: string[]) => runTool('node', ['bin/run.js', 'configs', '--bootstrap-server', broker.bootstrap, ...args]);

const kcatScram = (mechanism: string, user: string, password: string) => [
  '-b', sasl, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', `sasl.mechanisms=${mechanism}`, '-X', `sasl.username=${user}`, '-X', `sasl.password=${password}`,
];

function scramConfig(name: string, mechanism: string, user: string, password: string): string {
  const file = join(dir, name);
  writeFileSync(file, `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=${mechanism}\nsasl.jaas.config=${SCRAM_MODULE} required username="${user}" password="${password}";\n`);
  return file;
}

describe('tk configs for users: SCRAM credentials', () => {
  it('adds credentials for both mechanisms and describes them as kafka-configs.sh does', async () => {
    // Kafka's controller (ScramControlManager) keys a request's alterations by user: two mechanisms at once is "twice".
    const both = ['--alter', '--entity-type', 'users', '--entity-name', 'alice', '--add-config', 'SCRAM-SHA-256=[iterations=8192,password=alice-secret],SCRAM-SHA-512=[password=alice-secret]'];
    expect(await configs(...both)).toEqual({
      code: 1,
      stdout: '',
      stderr: `Error while executing config command with args '--bootstrap-server ${broker.bootstrap} ${both.join(' ')}'\njava.util.concurrent.ExecutionException: org.apache.kafka.common.errors.DuplicateResourceException: A user credential cannot be altered twice in the same request\n`,
    });
    expect(await configs('--alter', '--entity-type', 'users', '--entity-name', 'alice', '--add-config', 'SCRAM-SHA-256=[iterations=8192,password=alice-secret]')).toEqual({
      code: 0,
      stdout: 'Completed updating config for user alice.\n',
      stderr: '',
    });
    expect(await configs('--alter', '--user', 'alice', '--add-config', 'SCRAM-SHA-512=[password=alice-secret]')).toMatchObject({ code: 0, stdout: 'Completed updating config for user alice.\n' });
    expect(await configs('--alter', '--user', 'bob', '--add-config', 'SCRAM-SHA-256=[password=bob-secret]')).toMatchObject({ code: 0, stdout: 'Completed updating config for user bob.\n' });
    expect(await configs('--describe', '--user', 'alice')).toEqual({
      code: 0,
      stdout: "SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=8192, SCRAM-SHA-512=iterations=4096\n",
      stderr: '',
    });
    const all = await configs('--describe', '--entity-type', 'users');
    expect(all.code).toBe(0);
    expect(all.stdout.split('\n').sort()).toEqual([
      '',
      "SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=8192, SCRAM-SHA-512=iterations=4096",
      "SCRAM credential configs for user-principal 'bob' are SCRAM-SHA-256=iterations=4096",
    ]);
    expect(await configs('--describe', '--user', 'alice', '--output', 'json')).toEqual({
      code: 0,
      stdout: '{"users":[{"user":"alice","credentials":[{"mechanism":"SCRAM-SHA-256","iterations":8192},{"mechanism":"SCRAM-SHA-512","iterations":4096}]}]}\n',
      stderr: '',
    });
    // A user without credentials is left out, as Kafka's DescribeUserScramCredentialsResult.users() does.
    expect(await configs('--describe', '--user', 'nobody')).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('refuses what ConfigCommand refuses, one line each', async () => {
    expect(await configs('--alter', '--user', 'carol', '--add-config', 'SCRAM-SHA-256=[iterations=1000,password=x]')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Iterations 1000 is less than the minimum 4096 required for SCRAM-SHA-256\n',
    });
    expect(await configs('--alter', '--user', 'carol', '--add-config', 'SCRAM-SHA-256=secret')).toEqual({ code: 1, stdout: '', stderr: 'Invalid credential property SCRAM-SHA-256=secret\n' });
    expect(await configs('--alter', '--user', 'carol', '--add-config', 'producer_byte_rate=1024,SCRAM-SHA-256=[password=x]')).toEqual({
      code: 1,
      stdout: '',
      stderr: "Cannot alter both quota and SCRAM credential configs simultaneously for 'users' using --bootstrap-server.\n",
    });
  });

  it('reports a broker refusal as kafka-configs.sh does: too many iterations, deleting what is not there', async () => {
    const args = ['--alter', '--user', 'carol', '--add-config', 'SCRAM-SHA-256=[iterations=20000,password=x]'];
    expect(await configs(...args)).toEqual({
      code: 1,
      stdout: '',
      stderr: `Error while executing config command with args '--bootstrap-server ${broker.bootstrap} ${args.join(' ')}'\njava.util.concurrent.ExecutionException: org.apache.kafka.common.errors.UnacceptableCredentialException: Too many iterations\n`,
    });
    const del = ['--alter', '--user', 'carol', '--delete-config', 'SCRAM-SHA-512'];
    expect(await configs(...del)).toEqual({
      code: 1,
      stdout: '',
      stderr: `Error while executing config command with args '--bootstrap-server ${broker.bootstrap} ${del.join(' ')}'\njava.util.concurrent.ExecutionException: org.apache.kafka.common.errors.ResourceNotFoundException: Attempt to delete a user credential that does not exist\n`,
    });
  });
});

describe('SASL_PLAINTEXT with SCRAM', () => {
  it('lets kcat with SCRAM-SHA-512 produce and consume', async () => {
    const produced = await runTool('kcat', [...kcatScram('SCRAM-SHA-512', 'alice', 'alice-secret'), '-P', '-t', 'kcat-scram', '-p', '0'], { input: 'one\ntwo\n' });
    expect(produced).toMatchObject({ code: 0, stderr: '' });
    const consumed = await runTool('kcat', [...kcatScram('SCRAM-SHA-512', 'alice', 'alice-secret'), '-C', '-t', 'kcat-scram', '-o', 'beginning', '-e', '-q']);
    expect(consumed).toEqual({ code: 0, stdout: 'one\ntwo\n', stderr: '' });
  });

  it('lets kafka-python with SCRAM-SHA-256 produce and consume', async () => {
    const result = await runTool(PYTHON, ['test/compat/python/secure_client.py', sasl, 'python-scram', '3', 'security_protocol=SASL_PLAINTEXT', 'sasl_mechanism=SCRAM-SHA-256', 'sasl_plain_username=bob', 'sasl_plain_password=bob-secret'], { timeoutMs: 30_000 });
    expect(result).toEqual({ code: 0, stdout: 'record-0\nrecord-1\nrecord-2\n', stderr: '' });
  });

  it('refuses a wrong password with Kafka\'s message and serves nothing', async () => {
    const result = await runTool('kcat', [...kcatScram('SCRAM-SHA-256', 'alice', 'wrong'), '-L', '-m', '3']);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`SASL authentication error: ${FAILED_256}`);
    const python = await runTool(PYTHON, ['test/compat/python/secure_client.py', sasl, 'python-refused', '1', 'security_protocol=SASL_PLAINTEXT', 'sasl_mechanism=SCRAM-SHA-256', 'sasl_plain_username=alice', 'sasl_plain_password=wrong'], { timeoutMs: 30_000 });
    expect(python).toMatchObject({ code: 1, stdout: '' });
    // A mechanism the user has no credential for fails the same way.
    const bob512 = await runTool('kcat', [...kcatScram('SCRAM-SHA-512', 'bob', 'bob-secret'), '-L', '-m', '3']);
    expect(bob512.code).not.toBe(0);
    const list = await runTool('kcat', [...kcatScram('SCRAM-SHA-256', 'alice', 'alice-secret'), '-L', '-m', '5']);
    expect(list.code).toBe(0);
    expect(list.stdout).not.toContain('python-refused');
  });

  it('serves tk topics --list with a SCRAM command config, and refuses a wrong password in one line', async () => {
    const good = scramConfig('alice.properties', 'SCRAM-SHA-256', 'alice', 'alice-secret');
    const listed = await runTool('node', ['bin/run.js', 'topics', '--bootstrap-server', sasl, '--command-config', good, '--list']);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout.split('\n')).toEqual(expect.arrayContaining(['kcat-scram', 'python-scram']));
    const bad = scramConfig('wrong.properties', 'SCRAM-SHA-512', 'alice', 'wrong');
    const refused = await runTool('node', ['bin/run.js', 'topics', '--bootstrap-server', sasl, '--command-config', bad, '--list']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512');
  });

  it('keeps credentials across a restart, and a deleted credential no longer logs in', async () => {
    broker = await broker.restart();
    expect(await configs('--describe', '--user', 'alice')).toMatchObject({
      code: 0,
      stdout: "SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=8192, SCRAM-SHA-512=iterations=4096\n",
    });
    const before = await runTool('kcat', [...kcatScram('SCRAM-SHA-256', 'alice', 'alice-secret'), '-L', '-m', '5']);
    expect(before.code).toBe(0);
    expect(await configs('--alter', '--user', 'alice', '--delete-config', 'SCRAM-SHA-256')).toEqual({ code: 0, stdout: 'Completed updating config for user alice.\n', stderr: '' });
    expect(await configs('--describe', '--user', 'alice')).toMatchObject({ code: 0, stdout: "SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-512=iterations=4096\n" });
    const after = await runTool('kcat', [...kcatScram('SCRAM-SHA-256', 'alice', 'alice-secret'), '-L', '-m', '3']);
    expect(after.code).not.toBe(0);
    expect(after.stderr).toContain(FAILED_256);
    const still512 = await runTool('kcat', [...kcatScram('SCRAM-SHA-512', 'alice', 'alice-secret'), '-L', '-m', '5']);
    expect(still512.code).toBe(0);
  });
});
