// Client TLS settings from command-config properties, as Kafka's client names them, and the
// principal the broker derives from a client certificate's subject.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sslPrincipal } from '../../../daemon/security/tls.js';
import { TlsConfigError, tlsConnectOptions, tlsSettingsFrom } from '../../../src/client/tls.js';

const dir = mkdtempSync(join(tmpdir(), 'tk-tls-unit-'));
const caFile = join(dir, 'ca.pem');
writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const props = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('tlsSettingsFrom', () => {
  it('trusts the system CAs and checks host names when nothing is set', () => {
    expect(tlsSettingsFrom(props({}))).toEqual({ ca: undefined, passphrase: undefined, verifyHostname: true });
  });

  it('reads a PEM truststore file', () => {
    expect(tlsSettingsFrom(props({ 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': caFile })).ca).toContain('BEGIN CERTIFICATE');
  });

  it('takes inline PEM stores whatever the store type', () => {
    const settings = tlsSettingsFrom(props({ 'ssl.truststore.certificates': 'CAS', 'ssl.keystore.key': 'KEY', 'ssl.keystore.certificate.chain': 'CHAIN', 'ssl.key.password': 'pw' }));
    expect(settings).toEqual({ ca: 'CAS', key: 'KEY', cert: 'CHAIN', passphrase: 'pw', verifyHostname: true });
  });

  it('refuses JKS and PKCS12 stores naming the key', () => {
    expect(() => tlsSettingsFrom(props({ 'ssl.truststore.location': caFile }))).toThrow(
      new TlsConfigError('ssl.truststore.type=JKS is not supported: tk reads PEM stores only (set ssl.truststore.type=PEM)'),
    );
    expect(() => tlsSettingsFrom(props({ 'ssl.keystore.type': 'pkcs12', 'ssl.keystore.location': caFile }))).toThrow(
      'ssl.keystore.type=PKCS12 is not supported: tk reads PEM stores only (set ssl.keystore.type=PEM)',
    );
  });

  it('names a missing store file', () => {
    expect(() => tlsSettingsFrom(props({ 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': join(dir, 'nope.pem') }))).toThrow(
      `cannot read ssl.truststore.location ${join(dir, 'nope.pem')}: no such file`,
    );
  });

  it('wants the inline key and chain together', () => {
    expect(() => tlsSettingsFrom(props({ 'ssl.keystore.key': 'KEY' }))).toThrow('ssl.keystore.key is set but ssl.keystore.certificate.chain is not');
  });

  it('skips the host name check for an empty ssl.endpoint.identification.algorithm, as Kafka does', () => {
    const settings = tlsSettingsFrom(props({ 'ssl.endpoint.identification.algorithm': '' }));
    expect(settings.verifyHostname).toBe(false);
    expect(tlsConnectOptions(settings, 'broker', 9093).checkServerIdentity?.('broker', {} as never)).toBeUndefined();
    expect(tlsConnectOptions(tlsSettingsFrom(props({})), 'broker', 9093).checkServerIdentity).toBeUndefined();
    expect(() => tlsSettingsFrom(props({ 'ssl.endpoint.identification.algorithm': 'ldap' }))).toThrow(
      'ssl.endpoint.identification.algorithm=ldap is not supported: use https or leave it empty',
    );
  });

  it('sends SNI for host names only', () => {
    const settings = tlsSettingsFrom(props({}));
    expect(tlsConnectOptions(settings, 'localhost', 1).servername).toBe('localhost');
    expect(tlsConnectOptions(settings, '127.0.0.1', 1).servername).toBeUndefined();
    expect(tlsConnectOptions(settings, '::1', 1).servername).toBeUndefined();
  });
});

describe('sslPrincipal', () => {
  it('prints the subject most specific part first, as Java formats an RFC 2253 name', () => {
    expect(sslPrincipal({ C: 'US', O: 'tk', OU: ['a', 'b'], CN: 'client' })).toBe('User:CN=client,OU=b,OU=a,O=tk,C=US');
  });

  it('escapes the characters RFC 2253 reserves', () => {
    expect(sslPrincipal({ O: 'Acme, Inc.', CN: '#lead' })).toBe('User:CN=\\#lead,O=Acme\\, Inc.');
  });

  it('is ANONYMOUS without a verified certificate', () => {
    expect(sslPrincipal(undefined)).toBe('User:ANONYMOUS');
    expect(sslPrincipal({})).toBe('User:ANONYMOUS');
  });
});
