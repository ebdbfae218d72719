// Throwaway certificates for TLS tests, made with openssl in a temp dir: a CA, a server
// certificate for 127.0.0.1 and localhost, and a client certificate, all signed by the CA. Each
// key and certificate is a PEM file of its own, and each keystore (key then certificate) too,
// as Kafka's PEM keystores and librdkafka's ssl.key.location/ssl.certificate.location expect.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  readonly dir: string;
  readonly caCert: string;
  readonly serverKey: string;
  readonly serverCert: string;
  /** serverKey and serverCert in one file: a PEM keystore. */
  readonly serverKeystore: string;
  /** serverKey as encrypted PKCS#8, its password ENCRYPTED_KEY_PASSWORD (Kafka's ssl.key.password). */
  readonly serverEncryptedKey: string;
  readonly clientKey: string;
  readonly clientCert: string;
  readonly clientKeystore: string;
  /** The client certificate's subject as Kafka's principal prints it. */
  readonly clientPrincipal: string;
  remove(): void;
}

export const ENCRYPTED_KEY_PASSWORD = 'key-secret';
const CLIENT_SUBJECT = '/C=US/O=tk/OU=test/CN=client';

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
}

/** A P-256 key and a certificate for `subject` signed by the CA in `dir`, with optional extensions. */
function signed(dir: string, name: string, subject: string, extensions: string): void {
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-out', `${name}.pem`, '-extfile', `${name}.ext`], dir);
  writeFileSync(join(dir, `${name}-keystore.pem`), readFileSync(join(dir, `${name}.key`), 'utf8') + readFileSync(join(dir, `${name}.pem`), 'utf8'));
}

export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'tk-tls-'));
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=tk-test-ca'], dir);
  signed(dir, 'server', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  signed(dir, 'client', CLIENT_SUBJECT, 'extendedKeyUsage=clientAuth\n');
  openssl(['pkcs8', '-topk8', '-in', 'server.key', '-out', 'server-encrypted.key', '-passout', `pass:${ENCRYPTED_KEY_PASSWORD}`, '-v2', 'aes-256-cbc'], dir);
  const at = (file: string) => join(dir, file);
  return {
    dir,
    caCert: at('ca.pem'),
    serverKey: at('server.key'),
    serverCert: at('server.pem'),
    serverKeystore: at('server-keystore.pem'),
    serverEncryptedKey: at('server-encrypted.key'),
    clientKey: at('client.key'),
    clientCert: at('client.pem'),
    clientKeystore: at('client-keystore.pem'),
    clientPrincipal: 'User:CN=client,OU=test,O=tk,C=US',
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
