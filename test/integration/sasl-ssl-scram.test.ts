// SCRAM-SHA-512 over SASL_SSL, the way production clusters are reached: credentials created with
// `tk configs` over the PLAINTEXT listener, then kcat and kafka-python log in over TLS with them;
// a wrong password gets an authentication error and no access.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, PYTHON, runTool, startBroker, type RunningBroker } from '../harness/broker.js';
import { makeTestCertificates, type TestCertificates } from '../harness/tls.js';

const certs: TestCertificates = makeTestCertificates();
let broker: RunningBroker;
let saslSsl: string;

beforeAll(async () => {
  broker = await startBroker({
    extraListeners: ['SASL_SSL'],
    overrides: {
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL',
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': certs.serverKeystore,
      'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
    },
  });
  saslSsl = `${HOST}:${broker.listenerPorts.SASL_SSL}`;
  const created = await runTool('node', ['bin/run.js', 'configs', '--bootstrap-server', broker.bootstrap, '--alter', '--user', 'carol', '--add-config', 'SCRAM-SHA-512=[password=carol-secret]']);
  expect(created).toEqual({ code: 0, stdout: 'Completed updating config for user carol.\n', stderr: '' });
});

afterAll(async () => {
  await broker.stop();
  certs.remove();
});

const kcat = (password: string) => [
  '-b', saslSsl, '-X', 'security.protocol=SASL_SSL', '-X', `ssl.ca.location=${certs.caCert}`,
  '-X', 'sasl.mechanisms=SCRAM-SHA-512', '-X', 'sasl.username=carol', '-X', `sasl.password=${password}`,
];

describe('SASL_SSL with SCRAM-SHA-512', () => {
  it('kcat produces and consumes', async () => {
    expect(await runTool('kcat', [...kcat('carol-secret'), '-P', '-t', 'secure-kcat'], { input: 'one\ntwo\n' })).toMatchObject({ code: 0 });
    const read = await runTool('kcat', [...kcat('carol-secret'), '-C', '-t', 'secure-kcat', '-o', 'beginning', '-e', '-q']);
    expect(read).toMatchObject({ code: 0, stdout: 'one\ntwo\n' });
  });

  it('kafka-python produces and consumes', async () => {
    const result = await runTool(PYTHON, ['test/compat/python/secure_client.py', saslSsl, 'secure-python', '3', 'security_protocol=SASL_SSL', 'sasl_mechanism=SCRAM-SHA-512', 'sasl_plain_username=carol', 'sasl_plain_password=carol-secret', `ssl_cafile=${certs.caCert}`], { timeoutMs: 30_000 });
    expect(result).toEqual({ code: 0, stdout: 'record-0\nrecord-1\nrecord-2\n', stderr: '' });
  });

  it('a wrong password gets an authentication error and no access', async () => {
    const refused = await runTool('kcat', [...kcat('wrong'), '-L', '-m', '3']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512');
    const python = await runTool(PYTHON, ['test/compat/python/secure_client.py', saslSsl, 'secure-refused', '1', 'security_protocol=SASL_SSL', 'sasl_mechanism=SCRAM-SHA-512', 'sasl_plain_username=carol', 'sasl_plain_password=wrong', `ssl_cafile=${certs.caCert}`], { timeoutMs: 30_000 });
    expect(python).toMatchObject({ code: 1, stdout: '' });
    // Nothing the refused clients sent was served: their topic was never auto-created.
    const topics = await runTool('node', ['bin/run.js', 'topics', '--list', '--bootstrap-server', broker.bootstrap]);
    expect(topics.stdout.split('\n')).not.toContain('secure-refused');
  });
});
