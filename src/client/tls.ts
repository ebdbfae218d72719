// TLS for security.protocol=SSL and SASL_SSL, from client properties as Kafka names them: the
// trusted CAs from a PEM truststore (ssl.truststore.location or inline
// ssl.truststore.certificates; the system's CAs without one), an optional PEM keystore for
// mutual TLS (ssl.keystore.location, or inline ssl.keystore.key + ssl.keystore.certificate.chain,
// with ssl.key.password), and ssl.endpoint.identification.algorithm: `https` (the default)
// checks the broker's certificate names the host connected to, empty skips that check.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsConnectOptions } from 'node:tls';

export interface TlsSettings {
  /** PEM CA certificates; undefined trusts the system's CAs. */
  readonly ca?: string;
  /** PEM private key and certificate chain presented to the broker. */
  readonly key?: string;
  readonly cert?: string;
  readonly passphrase?: string;
  readonly verifyHostname: boolean;
}

/** A client property tk cannot use; the message is one line naming the key. */
export class TlsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsConfigError';
  }
}

function requirePem(props: ReadonlyMap<string, string>, key: 'ssl.keystore.type' | 'ssl.truststore.type'): void {
  // Kafka's default store type is JKS; a store given inline is PEM whatever the type says.
  const type = (props.get(key) ?? 'JKS').trim().toUpperCase();
  if (type !== 'PEM') throw new TlsConfigError(`${key}=${type} is not supported: tk reads PEM stores only (set ${key}=PEM)`);
}

function readPem(props: ReadonlyMap<string, string>, key: string): string {
  const file = props.get(key)!.trim();
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new TlsConfigError(`cannot read ${key} ${file}: ${reason}`);
  }
}

function trustedCas(props: ReadonlyMap<string, string>): string | undefined {
  const inline = props.get('ssl.truststore.certificates');
  if (inline !== undefined) return inline;
  if (props.get('ssl.truststore.location') === undefined) return undefined;
  requirePem(props, 'ssl.truststore.type');
  return readPem(props, 'ssl.truststore.location');
}

function clientKeystore(props: ReadonlyMap<string, string>): { key: string; cert: string } | undefined {
  const key = props.get('ssl.keystore.key');
  const chain = props.get('ssl.keystore.certificate.chain');
  if (key !== undefined || chain !== undefined) {
    if (key === undefined) throw new TlsConfigError('ssl.keystore.certificate.chain is set but ssl.keystore.key is not');
    if (chain === undefined) throw new TlsConfigError('ssl.keystore.key is set but ssl.keystore.certificate.chain is not');
    return { key, cert: chain };
  }
  if (props.get('ssl.keystore.location') === undefined) return undefined;
  requirePem(props, 'ssl.keystore.type');
  const pem = readPem(props, 'ssl.keystore.location');
  return { key: pem, cert: pem };
}

/** The TLS settings of security.protocol=SSL or SASL_SSL; TlsConfigError for what tk cannot use. */
export function tlsSettingsFrom(props: ReadonlyMap<string, string>): TlsSettings {
  const algorithm = (props.get('ssl.endpoint.identification.algorithm') ?? 'https').trim();
  if (algorithm !== '' && algorithm.toLowerCase() !== 'https') {
    throw new TlsConfigError(`ssl.endpoint.identification.algorithm=${algorithm} is not supported: use https or leave it empty`);
  }
  const keystore = clientKeystore(props);
  return { ca: trustedCas(props), ...keystore, passphrase: props.get('ssl.key.password'), verifyHostname: algorithm !== '' };
}

/** Options for node:tls connect(); the certificate chain is always verified, the host name when asked. */
export function tlsConnectOptions(settings: TlsSettings, host: string, port: number): TlsConnectOptions {
  return {
    host,
    port,
    ca: settings.ca,
    key: settings.key,
    cert: settings.cert,
    passphrase: settings.passphrase,
    rejectUnauthorized: true,
    // SNI carries host names only, never an IP address.
    servername: /^[\d.]+$|:/.test(host) ? undefined : host,
    ...(settings.verifyHostname ? {} : { checkServerIdentity: () => undefined }),
  };
}
