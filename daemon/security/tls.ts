// What an SSL or SASL_SSL listener serves with, from the broker configuration as Kafka names it:
// the key and certificate chain from a PEM keystore (ssl.keystore.location, or inline
// ssl.keystore.key + ssl.keystore.certificate.chain), ssl.key.password for an encrypted key,
// the CAs trusted for client certificates from a PEM truststore, and ssl.client.auth. Each key
// may be given per listener as listener.name.<listener>.ssl.*, which wins over the plain key.
// tk reads PEM only: a JKS or PKCS12 store stops the broker at start-up, naming the key.
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { BrokerConfig, Listener } from '../../src/config/broker-configs.js';
import { ConfigError } from '../../src/config/config-def.js';

export type SslClientAuth = 'none' | 'requested' | 'required';

export interface ListenerTls {
  /** Key, chain, passphrase and trusted CAs, as node:tls createServer() takes them. */
  readonly context: SecureContextOptions;
  readonly clientAuth: SslClientAuth;
}

/** The listener's own value of an ssl.* key when set, else the broker-wide one, with the key it came from. */
function sslSetting(config: BrokerConfig, listener: string, name: string): { key: string; value: string } | undefined {
  const prefixed = `listener.name.${listener.toLowerCase()}.${name}`;
  const own = config.originals.get(prefixed);
  if (own !== undefined) return { key: prefixed, value: own };
  const shared = config.originals.get(name);
  return shared === undefined ? undefined : { key: name, value: shared };
}

function requirePem(config: BrokerConfig, listener: string, store: 'keystore' | 'truststore'): void {
  const type = sslSetting(config, listener, `ssl.${store}.type`);
  // Kafka's default type is JKS; a store given inline is PEM whatever the type says.
  const value = type?.value.trim().toUpperCase() ?? 'JKS';
  if (value !== 'PEM') {
    const key = type?.key ?? `ssl.${store}.type`;
    throw new ConfigError(`${key}=${value} is not supported on listener ${listener}: tk reads PEM stores only (set ${key}=PEM)`, key);
  }
}

function readPem(setting: { key: string; value: string }): string {
  try {
    return readFileSync(setting.value.trim(), 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new ConfigError(`cannot read ${setting.key} ${setting.value}: ${reason}`, setting.key);
  }
}

function clientAuth(config: BrokerConfig, listener: string): SslClientAuth {
  const setting = sslSetting(config, listener, 'ssl.client.auth');
  const value = setting?.value.trim().toLowerCase() ?? 'none';
  if (value !== 'none' && value !== 'requested' && value !== 'required') {
    const key = setting!.key;
    throw new ConfigError(`Invalid value ${setting!.value} for configuration ${key}: String must be one of: required, requested, none`, key);
  }
  return value;
}

/** The key and chain a listener presents, as one PEM text each. */
function keystore(config: BrokerConfig, listener: string): { key: string; cert: string } {
  const inlineKey = sslSetting(config, listener, 'ssl.keystore.key');
  const inlineChain = sslSetting(config, listener, 'ssl.keystore.certificate.chain');
  if (inlineKey !== undefined || inlineChain !== undefined) {
    if (inlineKey === undefined || inlineChain === undefined) {
      const missing = inlineKey === undefined ? 'ssl.keystore.key' : 'ssl.keystore.certificate.chain';
      throw new ConfigError(`listener ${listener} sets ${inlineKey?.key ?? inlineChain!.key} but not ${missing}`, missing);
    }
    return { key: inlineKey.value, cert: inlineChain.value };
  }
  const location = sslSetting(config, listener, 'ssl.keystore.location');
  if (location === undefined) {
    throw new ConfigError(`SSL listener ${listener} has no keystore: set ssl.keystore.location (PEM) or ssl.keystore.key and ssl.keystore.certificate.chain`, 'ssl.keystore.location');
  }
  requirePem(config, listener, 'keystore');
  const pem = readPem(location);
  return { key: pem, cert: pem };
}

function truststore(config: BrokerConfig, listener: string): string | undefined {
  const inline = sslSetting(config, listener, 'ssl.truststore.certificates');
  if (inline !== undefined) return inline.value;
  const location = sslSetting(config, listener, 'ssl.truststore.location');
  if (location === undefined) return undefined;
  requirePem(config, listener, 'truststore');
  return readPem(location);
}

/** Null for PLAINTEXT and SASL_PLAINTEXT; the TLS settings of SSL and SASL_SSL; ConfigError for what tk cannot serve. */
export function listenerTls(config: BrokerConfig, listener: Listener): ListenerTls | null {
  if (listener.securityProtocol !== 'SSL' && listener.securityProtocol !== 'SASL_SSL') return null;
  const { key, cert } = keystore(config, listener.name);
  const passphrase = sslSetting(config, listener.name, 'ssl.key.password')?.value;
  const ca = truststore(config, listener.name);
  const auth = clientAuth(config, listener.name);
  const context = { key, cert, passphrase, ca };
  try {
    // Here, so that a bad key or a wrong password stops the broker at start-up, naming the listener.
    createSecureContext(context);
    return { context, clientAuth: auth };
  } catch (err) {
    throw new ConfigError(`cannot use the keystore of listener ${listener.name}: ${(err as Error).message}`, 'ssl.keystore.location');
  }
}

/**
 * Kafka's principal for an SSL client without SASL: `User:` and the subject of its certificate
 * as an RFC 2253 name (most specific part first, as Java prints it); ANONYMOUS without one.
 */
export function sslPrincipal(subject: { readonly [attribute: string]: string | string[] | undefined } | undefined): string {
  if (subject === undefined || Object.keys(subject).length === 0) return 'User:ANONYMOUS';
  const parts: string[] = [];
  for (const [attribute, value] of Object.entries(subject)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) parts.push(`${attribute}=${escapeRdnValue(v)}`);
  }
  return `User:${parts.reverse().join(',')}`;
}

function escapeRdnValue(value: string): string {
  return value.replace(/[,+"\\<>;]/g, (c) => `\\${c}`).replace(/^[ #]/, (c) => `\\${c}`).replace(/ $/, '\\ ');
}
