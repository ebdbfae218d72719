// What each listener demands of a client before it is served, from the broker configuration as
// Kafka names it: the mechanisms from (listener.name.<listener>.)sasl.enabled.mechanisms, the PLAIN
// users from the `user_<name>="<password>"` options of
// listener.name.<listener>.plain.sasl.jaas.config. A listener tk cannot secure as configured
// stops the broker at start-up: serving it unauthenticated would be worse than not serving it.
import type { BrokerConfig, Listener } from '../../src/config/broker-configs.js';
import { ConfigError } from '../../src/config/config-def.js';
import { JaasConfigError, PLAIN_LOGIN_MODULE, SUPPORTED_SASL_MECHANISMS, parseJaasConfig, type SaslMechanism } from '../../src/client/sasl.js';

export interface ListenerSasl {
  /** In the order configured; SaslHandshake answers with this list. */
  readonly mechanisms: readonly SaslMechanism[];
  /** PLAIN's user → password. */
  readonly plainUsers: ReadonlyMap<string, string>;
}

const listenerPrefix = (listener: string): string => `listener.name.${listener.toLowerCase()}.`;

function enabledMechanisms(config: BrokerConfig, listener: string): SaslMechanism[] {
  const prefixedKey = `${listenerPrefix(listener)}sasl.enabled.mechanisms`;
  const prefixed = config.originals.get(prefixedKey);
  const key = prefixed === undefined ? 'sasl.enabled.mechanisms' : prefixedKey;
  const mechanisms = prefixed === undefined ? config.parsed.get('sasl.enabled.mechanisms', 'list') : prefixed.split(',').map((m) => m.trim()).filter((m) => m !== '');
  if (mechanisms.length === 0) throw new ConfigError(`${key} must name at least one mechanism for SASL listener ${listener}`, key);
  for (const mechanism of mechanisms) {
    if (!(SUPPORTED_SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
      throw new ConfigError(`${key} enables SASL mechanism ${mechanism} on listener ${listener}, which tk does not serve (it serves ${SUPPORTED_SASL_MECHANISMS.join(', ')})`, key);
    }
  }
  return mechanisms as SaslMechanism[];
}

function plainUsers(config: BrokerConfig, listener: string): Map<string, string> {
  const key = `${listenerPrefix(listener)}plain.sasl.jaas.config`;
  const value = config.originals.get(key);
  if (value === undefined) throw new ConfigError(`SASL listener ${listener} enables PLAIN but ${key} is not set (tk reads no JAAS file)`, key);
  let entries;
  try {
    entries = parseJaasConfig(value);
  } catch (err) {
    if (err instanceof JaasConfigError) throw new ConfigError(`Invalid value for configuration ${key}: ${err.message}`, key);
    throw err;
  }
  const entry = entries.find((e) => e.loginModule === PLAIN_LOGIN_MODULE);
  if (entry === undefined) throw new ConfigError(`${key} must use ${PLAIN_LOGIN_MODULE}`, key);
  const users = new Map<string, string>();
  for (const [option, password] of entry.options) {
    if (option.startsWith('user_')) users.set(option.slice('user_'.length), password);
  }
  return users;
}

/** Null for PLAINTEXT and SSL; the SASL settings for SASL_PLAINTEXT and SASL_SSL; ConfigError for what tk cannot serve. */
export function listenerSasl(config: BrokerConfig, listener: Listener): ListenerSasl | null {
  if (listener.securityProtocol === 'PLAINTEXT' || listener.securityProtocol === 'SSL') return null;
  const mechanisms = enabledMechanisms(config, listener.name);
  return { mechanisms, plainUsers: mechanisms.includes('PLAIN') ? plainUsers(config, listener.name) : new Map() };
}

/** Kafka's check: a SASL inter-broker listener must enable the inter-broker mechanism. */
export function checkInterBrokerSasl(config: BrokerConfig): void {
  if (config.interBrokerSecurityProtocol !== 'SASL_PLAINTEXT' && config.interBrokerSecurityProtocol !== 'SASL_SSL') return;
  const listener = config.listeners.find((l) => l.name === config.interBrokerListenerName);
  if (listener === undefined) return;
  const mechanism = config.parsed.get('sasl.mechanism.inter.broker.protocol', 'string');
  if (!enabledMechanisms(config, listener.name).includes(mechanism as SaslMechanism)) {
    throw new ConfigError(
      `sasl.mechanism.inter.broker.protocol must be included in sasl.enabled.mechanisms when SASL is used for inter-broker communication`,
      'sasl.mechanism.inter.broker.protocol',
    );
  }
}
