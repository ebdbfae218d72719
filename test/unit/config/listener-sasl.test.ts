import { describe, expect, it } from 'vitest';
import { embeddedDefaultProperties, resolveBrokerConfig, type BrokerConfig } from '../../../src/config/broker-configs.js';
import { checkInterBrokerSasl, listenerSasl } from '../../../daemon/security/listener-security.js';

const JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="a" user_admin="a" user_alice="alice-secret";';

function resolve(extra: Record<string, string>) {
  return resolveBrokerConfig(
    new Map([
      ...embeddedDefaultProperties({ TK_DATA_DIR: '/data/tk' }, '/home/u'),
      ['listeners', 'PLAINTEXT://:9092,CONTROLLER://:9093,SASL_PLAINTEXT://:9094'],
      ['listener.security.protocol.map', 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SECURE:SSL'],
      ...Object.entries(extra),
    ]),
  );
}

const saslOf = (config: BrokerConfig) => listenerSasl(config, config.listeners.find((l) => l.name === 'SASL_PLAINTEXT')!);

describe('SASL listener settings', () => {
  it('reads the mechanisms and the PLAIN users of a SASL_PLAINTEXT listener, and nothing for PLAINTEXT', () => {
    const { config, warnings } = resolve({ 'sasl.enabled.mechanisms': 'PLAIN', 'listener.name.sasl_plaintext.plain.sasl.jaas.config': JAAS });
    expect(warnings).toEqual([]);
    expect(saslOf(config)).toEqual({ mechanisms: ['PLAIN'], plainUsers: new Map([['admin', 'a'], ['alice', 'alice-secret']]) });
    expect(listenerSasl(config, config.listeners[0]!)).toBeNull();
  });

  it('lets the listener-prefixed mechanism list win over sasl.enabled.mechanisms (GSSAPI by default)', () => {
    const { config } = resolve({ 'listener.name.sasl_plaintext.sasl.enabled.mechanisms': 'PLAIN', 'listener.name.sasl_plaintext.plain.sasl.jaas.config': JAAS });
    expect(saslOf(config)?.mechanisms).toEqual(['PLAIN']);
    expect(() => saslOf(resolve({ 'listener.name.sasl_plaintext.plain.sasl.jaas.config': JAAS }).config)).toThrow(
      'sasl.enabled.mechanisms enables SASL mechanism GSSAPI on listener SASL_PLAINTEXT, which tk does not serve (it serves PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)',
    );
  });

  it('refuses a SASL listener without its JAAS config, or with a broken one', () => {
    expect(() => saslOf(resolve({ 'sasl.enabled.mechanisms': 'PLAIN' }).config)).toThrow(
      'SASL listener SASL_PLAINTEXT enables PLAIN but listener.name.sasl_plaintext.plain.sasl.jaas.config is not set (tk reads no JAAS file)',
    );
    const broken = resolve({ 'sasl.enabled.mechanisms': 'PLAIN', 'listener.name.sasl_plaintext.plain.sasl.jaas.config': 'M required user_a="x"' }).config;
    expect(() => saslOf(broken)).toThrow('Invalid value for configuration listener.name.sasl_plaintext.plain.sasl.jaas.config: JAAS config entry not terminated by semi-colon');
  });

  it('requires the inter-broker mechanism to be enabled on a SASL inter-broker listener', () => {
    const base = { 'sasl.enabled.mechanisms': 'PLAIN', 'listener.name.sasl_plaintext.plain.sasl.jaas.config': JAAS, 'inter.broker.listener.name': 'SASL_PLAINTEXT' };
    expect(() => checkInterBrokerSasl(resolve(base).config)).toThrow('sasl.mechanism.inter.broker.protocol must be included in sasl.enabled.mechanisms');
    expect(() => checkInterBrokerSasl(resolve({ ...base, 'sasl.mechanism.inter.broker.protocol': 'PLAIN' }).config)).not.toThrow();
  });

  it('still warns about listener-prefixed keys it does not read', () => {
    expect(resolve({ 'listener.name.sasl_plaintext.ssl.keystore.password': 'k' }).warnings).toEqual(["unknown configuration 'listener.name.sasl_plaintext.ssl.keystore.password' ignored"]);
  });
});
