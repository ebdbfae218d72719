// The broker side of TLS: what an SSL or SASL_SSL listener serves with, read from the broker
// configuration as Kafka names it, with openssl certificates made for the test.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddedDefaultProperties, resolveBrokerConfig } from '../../../src/config/broker-configs.js';
import { listenerTls } from '../../../daemon/security/tls.js';
import { ENCRYPTED_KEY_PASSWORD, makeTestCertificates } from '../../harness/tls.js';

const certs = makeTestCertificates();
afterAll(() => certs.remove());

function resolve(extra: Record<string, string>) {
  return resolveBrokerConfig(
    new Map([
      ...embeddedDefaultProperties({ TK_DATA_DIR: '/data/tk' }, '/home/u'),
      ['listeners', 'PLAINTEXT://:9092,CONTROLLER://:9093,SSL://:9094,INTERNAL://:9095'],
      ['listener.security.protocol.map', 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL,INTERNAL:SASL_SSL'],
      ...Object.entries(extra),
    ]),
  );
}

const tlsOf = (extra: Record<string, string>, listener = 'SSL') => {
  const { config } = resolve(extra);
  return listenerTls(config, config.listeners.find((l) => l.name === listener)!);
};

const PEM_KEYSTORE = { 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': certs.serverKeystore };

describe('listenerTls', () => {
  it('reads a PEM keystore and truststore, and nothing for PLAINTEXT', () => {
    const { config, warnings } = resolve({ ...PEM_KEYSTORE, 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': certs.caCert });
    expect(warnings).toEqual([]);
    const tls = listenerTls(config, config.listeners.find((l) => l.name === 'SSL')!);
    expect(tls?.clientAuth).toBe('none');
    expect(tls?.context.ca).toBe(readFileSync(certs.caCert, 'utf8'));
    expect(listenerTls(config, config.listeners[0]!)).toBeNull();
  });

  it('lets listener.name.<listener>.ssl.* win over the plain key, without a warning', () => {
    const { config, warnings } = resolve({ ...PEM_KEYSTORE, 'ssl.client.auth': 'none', 'listener.name.internal.ssl.client.auth': 'required' });
    expect(warnings).toEqual([]);
    expect(listenerTls(config, config.listeners.find((l) => l.name === 'SSL')!)?.clientAuth).toBe('none');
    expect(listenerTls(config, config.listeners.find((l) => l.name === 'INTERNAL')!)?.clientAuth).toBe('required');
  });

  it('takes an inline key and chain, the key encrypted with ssl.key.password', () => {
    const inline = {
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.key': readFileSync(certs.serverEncryptedKey, 'utf8'),
      'ssl.keystore.certificate.chain': readFileSync(certs.serverCert, 'utf8'),
    };
    expect(tlsOf({ ...inline, 'ssl.key.password': ENCRYPTED_KEY_PASSWORD })?.context.passphrase).toBe(ENCRYPTED_KEY_PASSWORD);
    expect(() => tlsOf({ ...inline, 'ssl.key.password': 'wrong' })).toThrow(/^cannot use the keystore of listener SSL: /);
  });

  it('refuses what tk cannot serve with one line naming the key', () => {
    expect(() => tlsOf({ 'ssl.keystore.location': certs.serverKeystore })).toThrow(
      'ssl.keystore.type=JKS is not supported on listener SSL: tk reads PEM stores only (set ssl.keystore.type=PEM)',
    );
    expect(() => tlsOf({ ...PEM_KEYSTORE, 'listener.name.ssl.ssl.truststore.type': 'PKCS12', 'ssl.truststore.location': certs.caCert })).toThrow(
      'listener.name.ssl.ssl.truststore.type=PKCS12 is not supported on listener SSL: tk reads PEM stores only (set listener.name.ssl.ssl.truststore.type=PEM)',
    );
    expect(() => tlsOf({})).toThrow('SSL listener SSL has no keystore: set ssl.keystore.location (PEM) or ssl.keystore.key and ssl.keystore.certificate.chain');
    expect(() => tlsOf({ 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': '/nonexistent.pem' })).toThrow('cannot read ssl.keystore.location /nonexistent.pem: no such file');
    expect(() => tlsOf({ ...PEM_KEYSTORE, 'listener.name.ssl.ssl.client.auth': 'always' })).toThrow(
      'Invalid value always for configuration listener.name.ssl.ssl.client.auth: String must be one of: required, requested, none',
    );
  });
});
