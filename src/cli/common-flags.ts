// The flags every client command shares (--bootstrap-server, --command-config, --output) and
// what they turn into: the bootstrap list and the client options, read as Kafka's tools read
// them.
import { readFile } from 'node:fs/promises';
import { Flags } from '@oclif/core';
import type { ClusterOptions } from '../client/cluster.js';
import { JaasConfigError, loginModuleFor, SUPPORTED_SASL_MECHANISMS, parseJaasConfig, type SaslCredentials, type SaslMechanism } from '../client/sasl.js';
import { TlsConfigError, tlsSettingsFrom, type TlsSettings } from '../client/tls.js';
import { parseProperties } from '../config/properties.js';
import { UserError } from './base-command.js';

export const DEFAULT_BOOTSTRAP_SERVER = 'localhost:9092';

export const OUTPUT_FORMATS = ['text', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** --output, for every command: text as the Kafka tool prints it, or json for scripts. */
export const outputFlag = {
  output: Flags.string({
    description: 'Output format: text (as the Kafka tool prints it) or json.',
    options: [...OUTPUT_FORMATS],
    default: 'text',
  }),
};

export const clientFlags = {
  'bootstrap-server': Flags.string({
    description: `The Kafka server(s) to connect to, host:port[,host:port]. Default: $TK_BOOTSTRAP_SERVER, else ${DEFAULT_BOOTSTRAP_SERVER}.`,
    helpValue: 'HOST:PORT',
  }),
  'command-config': Flags.string({
    description: 'A properties file of client settings (client.id, request.timeout.ms, security.protocol, ...).',
    helpValue: 'FILE',
  }),
  ...outputFlag,
};

export interface ClientSettings {
  bootstrap: string;
  clientId: string | undefined;
  requestTimeoutMs: number | undefined;
  /** From security.protocol=SASL_PLAINTEXT, sasl.mechanism and sasl.jaas.config; absent for PLAINTEXT. */
  sasl?: SaslCredentials;
  /** From security.protocol=SSL or SASL_SSL and the ssl.* properties; absent for plain TCP. */
  tls?: TlsSettings;
}

const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];

/** The SASL identity of security.protocol=SASL_PLAINTEXT, read as Kafka's client reads it. */
function saslCredentialsFrom(props: ReadonlyMap<string, string>): SaslCredentials {
  const mechanism = (props.get('sasl.mechanism') ?? 'GSSAPI').trim();
  if (!(SUPPORTED_SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
    throw new UserError(`sasl.mechanism=${mechanism} is not supported: tk authenticates with ${SUPPORTED_SASL_MECHANISMS.join(', ')} only`);
  }
  const jaas = props.get('sasl.jaas.config');
  if (jaas === undefined) throw new UserError(`sasl.jaas.config must be set for sasl.mechanism=${mechanism} (tk reads no JAAS file)`);
  let entries;
  try {
    entries = parseJaasConfig(jaas);
  } catch (err) {
    if (err instanceof JaasConfigError) throw new UserError(`Invalid value for configuration sasl.jaas.config: ${err.message}`);
    throw err;
  }
  if (entries.length !== 1) throw new UserError(`Invalid value for configuration sasl.jaas.config: JAAS config property contains ${entries.length} login modules, should be 1 module`);
  const { loginModule, options } = entries[0]!;
  const expectedModule = loginModuleFor(mechanism as SaslMechanism);
  if (loginModule !== expectedModule) throw new UserError(`sasl.jaas.config must use ${expectedModule} for sasl.mechanism=${mechanism}, not ${loginModule}`);
  const username = options.get('username');
  const password = options.get('password');
  if (username === undefined || password === undefined) {
    throw new UserError(`sasl.jaas.config must give the ${expectedModule.slice(expectedModule.lastIndexOf('.') + 1)} a username and a password`);
  }
  return { mechanism: mechanism as SaslMechanism, username, password };
}

/** The flag when given, else TK_BOOTSTRAP_SERVER when set, else localhost:9092. */
export function resolveBootstrap(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== undefined) return flag;
  const fromEnv = env.TK_BOOTSTRAP_SERVER;
  return fromEnv !== undefined && fromEnv.trim() !== '' ? fromEnv : DEFAULT_BOOTSTRAP_SERVER;
}

function tlsFrom(props: ReadonlyMap<string, string>): TlsSettings {
  try {
    return tlsSettingsFrom(props);
  } catch (err) {
    if (err instanceof TlsConfigError) throw new UserError(err.message);
    throw err;
  }
}

/**
 * Client settings from command-config properties; throws UserError for what tk cannot honour.
 */
export function clientSettingsFrom(props: ReadonlyMap<string, string>, bootstrap: string): ClientSettings {
  const protocol = (props.get('security.protocol') ?? 'PLAINTEXT').trim().toUpperCase();
  if (!SECURITY_PROTOCOLS.includes(protocol)) {
    throw new UserError(`Invalid value ${props.get('security.protocol')} for configuration security.protocol: String must be one of: ${SECURITY_PROTOCOLS.join(', ')}`);
  }
  const sasl = protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL' ? saslCredentialsFrom(props) : null;
  const tls = protocol === 'SSL' || protocol === 'SASL_SSL' ? tlsFrom(props) : null;
  let requestTimeoutMs: number | undefined;
  const timeout = props.get('request.timeout.ms');
  if (timeout !== undefined) {
    requestTimeoutMs = Number(timeout.trim());
    if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs < 0) {
      throw new UserError(`Invalid value ${timeout} for configuration request.timeout.ms: Not a number of type INT`);
    }
  }
  const clientId = props.get('client.id');
  const settings: ClientSettings = { bootstrap, clientId: clientId === undefined || clientId === '' ? undefined : clientId, requestTimeoutMs };
  if (sasl !== null) settings.sasl = sasl;
  if (tls !== null) settings.tls = tls;
  return settings;
}

/** What a command's Cluster is opened with: the settings' identity, or the tool's own client id. */
export function clusterOptions(settings: ClientSettings, defaultClientId: string): ClusterOptions {
  return { clientId: settings.clientId ?? defaultClientId, requestTimeoutMs: settings.requestTimeoutMs, sasl: settings.sasl ?? null, tls: settings.tls ?? null };
}

/** Reads a Java properties file named by a flag; a missing or unreadable file is one clear line. */
export async function readPropertiesFile(file: string, flagName: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new UserError(`cannot read --${flagName} ${file}: ${reason}`);
  }
  return parseProperties(text);
}

/** Repeatable `key=value` flags (--producer-property, --property, ...) as a map; later ones win. */
export function parseKeyValueFlags(values: readonly string[], flagName: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const entry of values) {
    const at = entry.indexOf('=');
    if (at <= 0) throw new UserError(`Invalid --${flagName} '${entry}': expected key=value`);
    props.set(entry.slice(0, at).trim(), entry.slice(at + 1));
  }
  return props;
}

/** Reads --command-config (when given) and resolves the bootstrap list. */
export async function loadClientSettings(flags: { 'bootstrap-server'?: string; 'command-config'?: string }): Promise<ClientSettings> {
  const file = flags['command-config'];
  const props = file === undefined ? new Map<string, string>() : await readPropertiesFile(file, 'command-config');
  return clientSettingsFrom(props, resolveBootstrap(flags['bootstrap-server']));
}
