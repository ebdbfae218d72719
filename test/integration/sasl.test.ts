// SASL_PLAINTEXT with PLAIN against a harness broker: third-party clients (kcat, kafka-python)
// and tk itself authenticate with the listener's JAAS users; a wrong password, another mechanism
// or a client without SASL gets nothing served, and the broker keeps serving the others.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerConnection, api } from '../../src/client/connection.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { SaslHandshakeRequest } from '../../src/protocol/generated/clients/sasl-handshake-request.js';
import { SaslHandshakeResponse } from '../../src/protocol/generated/clients/sasl-handshake-response.js';
import { HOST, PYTHON, freePort, runTool, startBroker, type RunningBroker } from '../harness/broker.js';

const PLAIN_MODULE = 'org.apache.kafka.common.security.plain.PlainLoginModule';
const SASL_OVERRIDES = {
  'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
  'sasl.enabled.mechanisms': 'PLAIN',
  'listener.name.sasl_plaintext.plain.sasl.jaas.config': `${PLAIN_MODULE} required username="admin" password="admin-secret" user_admin="admin-secret" user_alice="alice-secret";`,
};
const dir = mkdtempSync(join(tmpdir(), 'tk-sasl-'));

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

const kcatSasl = (user: string, password: string, mechanism = 'PLAIN') => [
  '-b', sasl, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', `sasl.mechanisms=${mechanism}`, '-X', `sasl.username=${user}`, '-X', `sasl.password=${password}`,
];

function commandConfig(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const plainConfig = (user: string, password: string) =>
  `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=${PLAIN_MODULE} required username="${user}" password="${password}";\n`;

describe('SASL_PLAINTEXT listener with PLAIN', () => {
  it('lets kcat with the right password produce and consume', async () => {
    const produced = await runTool('kcat', [...kcatSasl('alice', 'alice-secret'), '-P', '-t', 'kcat-sasl', '-p', '0'], { input: 'one\ntwo\n' });
    expect(produced).toMatchObject({ code: 0, stderr: '' });
    const consumed = await runTool('kcat', [...kcatSasl('alice', 'alice-secret'), '-C', '-t', 'kcat-sasl', '-o', 'beginning', '-e', '-q']);
    expect(consumed).toEqual({ code: 0, stdout: 'one\ntwo\n', stderr: '' });
  });

  it('lets kafka-python with the right password produce and consume', async () => {
    const result = await runTool(PYTHON, ['test/compat/python/secure_client.py', sasl, 'python-sasl', '3', 'security_protocol=SASL_PLAINTEXT', 'sasl_mechanism=PLAIN', 'sasl_plain_username=alice', 'sasl_plain_password=alice-secret'], { timeoutMs: 30_000 });
    expect(result).toEqual({ code: 0, stdout: 'record-0\nrecord-1\nrecord-2\n', stderr: '' });
  });

  it('refuses a wrong password with SASL_AUTHENTICATION_FAILED and serves nothing', async () => {
    const result = await runTool('kcat', [...kcatSasl('alice', 'wrong'), '-L', '-m', '3']);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('SASL authentication error: Authentication failed: Invalid username or password');
    const python = await runTool(PYTHON, ['test/compat/python/secure_client.py', sasl, 'python-refused', '1', 'security_protocol=SASL_PLAINTEXT', 'sasl_mechanism=PLAIN', 'sasl_plain_username=alice', 'sasl_plain_password=wrong'], { timeoutMs: 30_000 });
    expect(python).toMatchObject({ code: 1, stdout: '' });
    // Nothing reached the refused client's producer: its topic was never auto-created.
    const list = await runTool('kcat', [...kcatSasl('alice', 'alice-secret'), '-L', '-m', '5']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('topic "kcat-sasl"');
    expect(list.stdout).not.toContain('python-refused');
    expect(broker.stderr()).toContain('SASL authentication failed: Authentication failed: Invalid username or password');
  });

  it('answers a mechanism it does not enable with the enabled list', async () => {
    const result = await runTool('kcat', [...kcatSasl('alice', 'alice-secret', 'SCRAM-SHA-256'), '-L', '-m', '3']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("Unsupported SASL mechanism: broker's supported mechanisms: PLAIN");
  });

  it('closes on a client without SASL and keeps serving the good one', async () => {
    const plain = await runTool('kcat', ['-b', sasl, '-L', '-m', '3']);
    expect(plain.code).not.toBe(0);
    expect(plain.stdout).toBe('');
    expect(broker.stderr()).toContain('Unexpected Kafka request of type METADATA during SASL handshake.');
    expect(broker.isRunning()).toBe(true);
    const consumed = await runTool('kcat', [...kcatSasl('alice', 'alice-secret'), '-C', '-t', 'kcat-sasl', '-o', 'beginning', '-e', '-q']);
    expect(consumed).toEqual({ code: 0, stdout: 'one\ntwo\n', stderr: '' });
  });

  it('answers SaslHandshake with ILLEGAL_SASL_STATE on a PLAINTEXT listener, as Kafka does', async () => {
    const connection = await BrokerConnection.connect(HOST, broker.port, { sasl: null });
    try {
      const response = await connection.send(api(SaslHandshakeRequest, SaslHandshakeResponse), 1, { mechanism: 'PLAIN' });
      expect(response).toEqual({ errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] });
    } finally {
      connection.close();
    }
  });
});

/** A request frame with header v1 (client id "raw"). */
function requestFrame(apiKey: number, version: number, correlationId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(version, 2);
  header.writeInt32BE(correlationId, 4);
  return sizePrefixed(Buffer.concat([header, kafkaString('raw'), body]));
}
const kafkaString = (s: string): Buffer => Buffer.concat([Buffer.from([0, s.length]), Buffer.from(s)]);
function sizePrefixed(payload: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

/** Reads whole frames from a socket; null once the broker has closed it. */
function frameReader(socket: Socket): () => Promise<Buffer | null> {
  let buffered = Buffer.alloc(0);
  let ended = false;
  let wake: (() => void) | null = null;
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    wake?.();
  });
  socket.on('close', () => {
    ended = true;
    wake?.();
  });
  return async () => {
    for (;;) {
      if (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
        const size = buffered.readInt32BE(0);
        const frame = buffered.subarray(4, 4 + size);
        buffered = buffered.subarray(4 + size);
        return frame;
      }
      if (ended) return null;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
}

describe('SaslHandshake v0 (bare tokens, clients before Kafka 1.0)', () => {
  async function handshakeV0(token: string): Promise<{ tokenReply: Buffer | null; afterwards: Buffer | null }> {
    const socket = connect({ host: HOST, port: broker.listenerPorts.SASL_PLAINTEXT! });
    const next = frameReader(socket);
    try {
      socket.write(requestFrame(17, 0, 1, kafkaString('PLAIN')));
      const handshake = await next();
      expect(handshake?.readInt32BE(0)).toBe(1);
      expect(handshake?.readInt16BE(4)).toBe(ErrorCode.NONE);
      socket.write(sizePrefixed(Buffer.from(token)));
      const tokenReply = await next();
      // Metadata v0 for every topic: served only to an authenticated connection.
      if (!socket.destroyed) socket.write(requestFrame(3, 0, 2, Buffer.from([0, 0, 0, 0])));
      return { tokenReply, afterwards: await next() };
    } finally {
      socket.destroy();
    }
  }

  it('authenticates with a bare token and answers with an empty one', async () => {
    const { tokenReply, afterwards } = await handshakeV0('\0alice\0alice-secret');
    expect(tokenReply).toEqual(Buffer.alloc(0));
    expect(afterwards?.readInt32BE(0)).toBe(2);
  });

  it('closes the connection on a wrong password', async () => {
    expect(await handshakeV0('\0alice\0wrong')).toEqual({ tokenReply: null, afterwards: null });
  });
});

describe('tk over SASL_PLAINTEXT (--command-config)', () => {
  const tk = (...args: string[]) => runTool('node', ['bin/run.js', ...args]);

  it('lists topics as kafka-topics.sh does', async () => {
    const config = commandConfig('alice.properties', plainConfig('alice', 'alice-secret'));
    expect(await tk('topics', '--create', '--topic', 'tk-sasl', '--bootstrap-server', sasl, '--command-config', config)).toEqual({ code: 0, stdout: 'Created topic tk-sasl.\n', stderr: '' });
    expect(await tk('topics', '--list', '--exclude-internal', '--bootstrap-server', sasl, '--command-config', config)).toEqual({
      code: 0,
      stdout: 'kcat-sasl\npython-sasl\ntk-sasl\n',
      stderr: '',
    });
  });

  it('reads the console consumer through the same settings', async () => {
    const config = commandConfig('consumer.properties', plainConfig('alice', 'alice-secret'));
    const result = await tk('console-consumer', '--bootstrap-server', sasl, '--consumer.config', config, '--topic', 'kcat-sasl', '--from-beginning', '--max-messages', '2');
    expect(result).toEqual({ code: 0, stdout: 'one\ntwo\n', stderr: 'Processed a total of 2 messages\n' });
  });

  it('produces with the console producer and lists groups through the same settings', async () => {
    const config = commandConfig('producer.properties', plainConfig('alice', 'alice-secret'));
    const produced = await runTool('node', ['bin/run.js', 'console-producer', '--bootstrap-server', sasl, '--producer.config', config, '--topic', 'tk-sasl'], { input: 'from-tk\n' });
    expect(produced).toEqual({ code: 0, stdout: '', stderr: '' });
    const consumed = await runTool('kcat', [...kcatSasl('alice', 'alice-secret'), '-C', '-t', 'tk-sasl', '-o', 'beginning', '-e', '-q']);
    expect(consumed).toEqual({ code: 0, stdout: 'from-tk\n', stderr: '' });
    const grouped = await tk('console-consumer', '--bootstrap-server', sasl, '--consumer.config', config, '--topic', 'tk-sasl', '--group', 'sasl-group', '--from-beginning', '--max-messages', '1');
    expect(grouped).toEqual({ code: 0, stdout: 'from-tk\n', stderr: 'Processed a total of 1 messages\n' });
    expect(await tk('consumer-groups', '--list', '--bootstrap-server', sasl, '--command-config', config)).toEqual({ code: 0, stdout: 'sasl-group\n', stderr: '' });
  });

  it('fails with one line on a wrong password', async () => {
    const config = commandConfig('bad.properties', plainConfig('alice', 'nope'));
    expect(await tk('topics', '--list', '--bootstrap-server', sasl, '--command-config', config)).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error: SASL_AUTHENTICATION_FAILED: Authentication failed: Invalid username or password\n',
    });
  });

  it.each([
    ['sasl.mechanism=SCRAM-SHA-256\n', 'Error: sasl.jaas.config must be set for sasl.mechanism=SCRAM-SHA-256 (tk reads no JAAS file)\n'],
    ['sasl.mechanism=PLAIN\n', 'Error: sasl.jaas.config must be set for sasl.mechanism=PLAIN (tk reads no JAAS file)\n'],
    [`sasl.mechanism=PLAIN\nsasl.jaas.config=${PLAIN_MODULE} required username="a"\n`, 'Error: Invalid value for configuration sasl.jaas.config: JAAS config entry not terminated by semi-colon\n'],
  ])('refuses settings it cannot honour before connecting: %j', async (extra, stderr) => {
    const config = commandConfig('refused.properties', `security.protocol=SASL_PLAINTEXT\n${extra}`);
    expect(await tk('topics', '--list', '--bootstrap-server', '127.0.0.1:1', '--command-config', config)).toEqual({ code: 1, stdout: '', stderr });
  });
});

describe('tk broker start with a listener it cannot secure', () => {
  it('fails with one clear line for an SSL listener without a keystore', async () => {
    const [port, controllerPort] = [await freePort(), await freePort()];
    const logDir = join(dir, 'ssl-broker');
    const result = await runTool('node', [
      'bin/run.js', 'broker', 'start',
      '--override', 'node.id=1',
      '--override', 'process.roles=broker,controller',
      '--override', `listeners=SSL://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}`,
      '--override', 'listener.security.protocol.map=SSL:SSL,CONTROLLER:PLAINTEXT',
      '--override', 'inter.broker.listener.name=SSL',
      '--override', 'controller.listener.names=CONTROLLER',
      '--override', `controller.quorum.voters=1@${HOST}:${controllerPort}`,
      '--override', `log.dirs=${logDir}`,
    ]);
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'Error: SSL listener SSL has no keystore: set ssl.keystore.location (PEM) or ssl.keystore.key and ssl.keystore.certificate.chain\n' });
  });
});
