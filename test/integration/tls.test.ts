// SSL and SASL_SSL listeners against a harness broker with throwaway openssl certificates:
// kcat and kafka-python produce and consume over TLS, a listener with ssl.client.auth=required
// refuses a client without a certificate, a plaintext client on a TLS port gets nothing and
// harms nothing, and tk itself connects with PEM stores from --command-config.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, PYTHON, freePort, runTool, startBroker, type RunningBroker } from '../harness/broker.js';
import { makeTestCertificates, type TestCertificates } from '../harness/tls.js';

const PLAIN_MODULE = 'org.apache.kafka.common.security.plain.PlainLoginModule';
const certs: TestCertificates = makeTestCertificates();

let broker: RunningBroker;
let ssl: string;
let mtls: string;
let saslSsl: string;

beforeAll(async () => {
  broker = await startBroker({
    extraListeners: ['SSL', 'MTLS', 'SASL_SSL'],
    overrides: {
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL,MTLS:SSL,SASL_SSL:SASL_SSL',
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': certs.serverKeystore,
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': certs.caCert,
      // The listener's own key wins over the broker-wide ssl.client.auth=none.
      'ssl.client.auth': 'none',
      'listener.name.mtls.ssl.client.auth': 'required',
      'sasl.enabled.mechanisms': 'PLAIN',
      'listener.name.sasl_ssl.plain.sasl.jaas.config': `${PLAIN_MODULE} required user_alice="alice-secret";`,
    },
  });
  ssl = `${HOST}:${broker.listenerPorts.SSL}`;
  mtls = `${HOST}:${broker.listenerPorts.MTLS}`;
  saslSsl = `${HOST}:${broker.listenerPorts.SASL_SSL}`;
});

afterAll(async () => {
  await broker.stop();
  certs.remove();
});

const kcatTls = (bootstrap: string, withCertificate = true) => [
  '-b', bootstrap, '-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${certs.caCert}`,
  ...(withCertificate ? ['-X', `ssl.certificate.location=${certs.clientCert}`, '-X', `ssl.key.location=${certs.clientKey}`] : []),
];

const tk = (...args: string[]) => runTool('node', ['bin/run.js', ...args]);

function commandConfig(name: string, text: string): string {
  const file = join(certs.dir, name);
  writeFileSync(file, text);
  return file;
}

describe('SSL listener', () => {
  it('lets kcat produce and consume', async () => {
    const produced = await runTool('kcat', [...kcatTls(ssl), '-P', '-t', 'kcat-tls', '-p', '0'], { input: 'one\ntwo\n' });
    expect(produced).toMatchObject({ code: 0, stderr: '' });
    const consumed = await runTool('kcat', [...kcatTls(ssl, false), '-C', '-t', 'kcat-tls', '-o', 'beginning', '-e', '-q']);
    expect(consumed).toEqual({ code: 0, stdout: 'one\ntwo\n', stderr: '' });
  });

  it('lets tk list topics with a PEM truststore from --command-config', async () => {
    const config = commandConfig('ssl.properties', `security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.location=${certs.caCert}\n`);
    expect(await tk('topics', '--list', '--exclude-internal', '--bootstrap-server', ssl, '--command-config', config)).toEqual({ code: 0, stdout: 'kcat-tls\n', stderr: '' });
  });

  it('gets a plaintext client nothing and keeps serving TLS clients', async () => {
    const plain = await runTool('kcat', ['-b', ssl, '-L', '-m', '3']);
    expect(plain.code).not.toBe(0);
    expect(plain.stdout).toBe('');
    const tkPlain = await tk('topics', '--list', '--bootstrap-server', ssl);
    expect(tkPlain.code).toBe(1);
    expect(tkPlain.stdout).toBe('');
    expect(broker.isRunning()).toBe(true);
    const consumed = await runTool('kcat', [...kcatTls(ssl), '-C', '-t', 'kcat-tls', '-o', 'beginning', '-e', '-q']);
    expect(consumed).toEqual({ code: 0, stdout: 'one\ntwo\n', stderr: '' });
  });

  it('makes tk refuse a broker whose certificate its truststore does not vouch for', async () => {
    const config = commandConfig('wrong-ca.properties', `security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.location=${certs.clientCert}\n`);
    const result = await tk('topics', '--list', '--bootstrap-server', ssl, '--command-config', config);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Error: cannot connect to 127\.0\.0\.1:\d+ \(self-signed certificate in certificate chain\)/);
    expect(result.stderr.split('\n')).toHaveLength(2);
  });
});

describe('SSL listener with ssl.client.auth=required', () => {
  it('lets kafka-python with a client certificate produce and consume', async () => {
    const result = await runTool(PYTHON, ['test/compat/python/secure_client.py', mtls, 'python-tls', '3', 'security_protocol=SSL', `ssl_cafile=${certs.caCert}`, `ssl_certfile=${certs.clientCert}`, `ssl_keyfile=${certs.clientKey}`], { timeoutMs: 30_000 });
    expect(result).toEqual({ code: 0, stdout: 'record-0\nrecord-1\nrecord-2\n', stderr: '' });
  });

  it('lets tk with a PEM keystore in', async () => {
    const config = commandConfig('mtls.properties', [
      'security.protocol=SSL', 'ssl.truststore.type=PEM', `ssl.truststore.location=${certs.caCert}`, 'ssl.keystore.type=PEM', `ssl.keystore.location=${certs.clientKeystore}`, '',
    ].join('\n'));
    const result = await tk('topics', '--list', '--exclude-internal', '--bootstrap-server', mtls, '--command-config', config);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('python-tls\n');
  });

  it('refuses kcat and tk without a client certificate', async () => {
    const kcat = await runTool('kcat', [...kcatTls(mtls, false), '-L', '-m', '3']);
    expect(kcat.code).not.toBe(0);
    expect(kcat.stdout).toBe('');
    const config = commandConfig('no-keystore.properties', `security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.location=${certs.caCert}\n`);
    const result = await tk('topics', '--list', '--bootstrap-server', mtls, '--command-config', config);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Error: no broker is reachable at 127\.0\.0\.1:\d+ \(/);
    expect(broker.isRunning()).toBe(true);
  });
});

describe('SASL_SSL listener with PLAIN', () => {
  const kcatSaslSsl = (password: string) => [
    '-b', saslSsl, '-X', 'security.protocol=SASL_SSL', '-X', `ssl.ca.location=${certs.caCert}`, '-X', 'sasl.mechanisms=PLAIN', '-X', 'sasl.username=alice', '-X', `sasl.password=${password}`,
  ];

  it('lets kcat with the right password produce and consume', async () => {
    const produced = await runTool('kcat', [...kcatSaslSsl('alice-secret'), '-P', '-t', 'kcat-sasl-ssl', '-p', '0'], { input: 'secret\n' });
    expect(produced).toMatchObject({ code: 0, stderr: '' });
    const consumed = await runTool('kcat', [...kcatSaslSsl('alice-secret'), '-C', '-t', 'kcat-sasl-ssl', '-o', 'beginning', '-e', '-q']);
    expect(consumed).toEqual({ code: 0, stdout: 'secret\n', stderr: '' });
  });

  it('refuses a wrong password', async () => {
    const result = await runTool('kcat', [...kcatSaslSsl('wrong'), '-L', '-m', '3']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('Authentication failed: Invalid username or password');
  });

  it('lets tk in with PLAIN over TLS', async () => {
    const config = commandConfig('sasl-ssl.properties', [
      'security.protocol=SASL_SSL', 'ssl.truststore.type=PEM', `ssl.truststore.location=${certs.caCert}`,
      'sasl.mechanism=PLAIN', `sasl.jaas.config=${PLAIN_MODULE} required username="alice" password="alice-secret";`, '',
    ].join('\n'));
    const result = await tk('topics', '--describe', '--topic', 'kcat-sasl-ssl', '--bootstrap-server', saslSsl, '--command-config', config);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Topic: kcat-sasl-ssl\tTopicId: /);
  });
});

describe('TLS settings tk cannot use', () => {
  it('refuses a JKS truststore in --command-config with one line', async () => {
    const config = commandConfig('jks.properties', `security.protocol=SSL\nssl.truststore.location=${certs.caCert}\n`);
    expect(await tk('topics', '--list', '--bootstrap-server', ssl, '--command-config', config)).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error: ssl.truststore.type=JKS is not supported: tk reads PEM stores only (set ssl.truststore.type=PEM)\n',
    });
  });

  it('stops a broker whose SSL listener has a JKS keystore before it formats anything', async () => {
    const [port, controllerPort] = [await freePort(), await freePort()];
    const logDir = mkdtempSync(join(tmpdir(), 'tk-tls-jks-'));
    const result = await runTool('node', [
      'bin/run.js', 'broker', 'start',
      '--override', `listeners=SSL://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}`,
      '--override', `controller.quorum.voters=1@${HOST}:${controllerPort}`,
      '--override', 'listener.security.protocol.map=SSL:SSL,CONTROLLER:PLAINTEXT',
      '--override', 'inter.broker.listener.name=SSL',
      '--override', `log.dirs=${logDir}`,
      '--override', `ssl.keystore.location=${certs.serverKeystore}`,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ssl.keystore.type=JKS is not supported on listener SSL: tk reads PEM stores only (set ssl.keystore.type=PEM)');
    expect(readdirSync(logDir)).toEqual([]);
    rmSync(logDir, { recursive: true, force: true });
  });
});

// Last, as it stops the shared broker.
describe('shutdown', () => {
  it('does not wait for a client stalled in its TLS handshake', async () => {
    const stalled = connect({ host: HOST, port: broker.listenerPorts.SSL! });
    await new Promise<void>((resolve, reject) => stalled.once('connect', resolve).once('error', reject));
    try {
      const begun = Date.now();
      expect(await broker.stop()).toBe(0);
      expect(Date.now() - begun).toBeLessThan(10_000);
    } finally {
      stalled.destroy();
    }
  });
});
