// SCRAM against the published examples: RFC 7677's SCRAM-SHA-256 exchange byte for byte (client
// and server side), RFC 5802's messages for their syntax (its example is SHA-1, which Kafka does
// not offer), and a SCRAM-SHA-512 round trip between tk's client and the daemon's server.
import { describe, expect, it } from 'vitest';
import {
  clientFirstMessage,
  clientFinalWithoutProof,
  clientProof,
  escapeSaslName,
  parseServerFirst,
  saltedPassword,
  ScramClient,
  ScramMessageError,
  serverKey,
  storedKey,
  unescapeSaslName,
} from '../../../src/client/scram.js';
import { ScramFailure, ScramServer, type ScramCredential } from '../../../daemon/security/scram.js';

const RFC7677 = {
  clientNonce: 'rOprNGfwEbeRWgbNEkqO',
  serverNonce: '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
  clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

function credentialFor(mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512', password: string, salt: Buffer, iterations: number): ScramCredential {
  const salted = saltedPassword(mechanism, password, salt, iterations);
  return { salt, storedKey: storedKey(mechanism, salted), serverKey: serverKey(mechanism, salted), iterations };
}

describe('SCRAM-SHA-256 (RFC 7677 section 3)', () => {
  it('the client sends the RFC client-first and client-final messages and accepts its server-final', () => {
    const client = new ScramClient('SCRAM-SHA-256', 'user', 'pencil', RFC7677.clientNonce);
    expect(client.firstMessage().toString()).toBe(RFC7677.clientFirst);
    expect(client.finalMessage(Buffer.from(RFC7677.serverFirst)).toString()).toBe(RFC7677.clientFinal);
    expect(() => client.verifyServerFinal(Buffer.from(RFC7677.serverFinal))).not.toThrow();
  });

  it('the client refuses a server signature that does not prove the credential', () => {
    const client = new ScramClient('SCRAM-SHA-256', 'user', 'pencil', RFC7677.clientNonce);
    client.finalMessage(Buffer.from(RFC7677.serverFirst));
    expect(() => client.verifyServerFinal(Buffer.from('v=AAAA'))).toThrow(ScramMessageError);
  });

  it('the client refuses a server nonce that does not extend its own, and too few iterations', () => {
    const client = new ScramClient('SCRAM-SHA-256', 'user', 'pencil', 'abc');
    expect(() => client.finalMessage(Buffer.from(RFC7677.serverFirst))).toThrow('does not start with client nonce');
    const weak = new ScramClient('SCRAM-SHA-256', 'user', 'pencil', RFC7677.clientNonce);
    expect(() => weak.finalMessage(Buffer.from(RFC7677.serverFirst.replace('i=4096', 'i=4095')))).toThrow('less than the minimum 4096');
  });

  it('the server answers the RFC client with the RFC server-first and server-final messages', () => {
    const credential = credentialFor('SCRAM-SHA-256', 'pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), 4096);
    const server = new ScramServer('SCRAM-SHA-256', (m, u) => (m === 'SCRAM-SHA-256' && u === 'user' ? credential : undefined), () => RFC7677.serverNonce);
    expect(server.evaluate(Buffer.from(RFC7677.clientFirst)).toString()).toBe(RFC7677.serverFirst);
    expect(server.evaluate(Buffer.from(RFC7677.clientFinal)).toString()).toBe(RFC7677.serverFinal);
    expect(server.user).toBe('user');
  });

  it('the server refuses a wrong proof and an unknown user alike', () => {
    const credential = credentialFor('SCRAM-SHA-256', 'not-pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), 4096);
    const server = new ScramServer('SCRAM-SHA-256', () => credential, () => RFC7677.serverNonce);
    server.evaluate(Buffer.from(RFC7677.clientFirst));
    expect(() => server.evaluate(Buffer.from(RFC7677.clientFinal))).toThrow(ScramFailure);
    expect(server.user).toBeNull();
    const nobody = new ScramServer('SCRAM-SHA-256', () => undefined);
    expect(() => nobody.evaluate(Buffer.from(RFC7677.clientFirst))).toThrow('Invalid user credentials');
  });
});

describe('SCRAM server leniency and strictness, as Kafka\'s ScramSaslServer', () => {
  const credential = credentialFor('SCRAM-SHA-256', 'pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), 4096);

  it('accepts a final nonce that only ends with the combined one (librdkafka prefixes its own nonce)', () => {
    const server = new ScramServer('SCRAM-SHA-256', () => credential, () => RFC7677.serverNonce);
    server.evaluate(Buffer.from(RFC7677.clientFirst));
    const withoutProof = `c=biws,r=${RFC7677.clientNonce}${RFC7677.clientNonce}${RFC7677.serverNonce}`;
    const authMessage = `${RFC7677.clientFirst.slice(3)},${RFC7677.serverFirst},${withoutProof}`;
    const proof = clientProof('SCRAM-SHA-256', saltedPassword('SCRAM-SHA-256', 'pencil', credential.salt, 4096), authMessage);
    expect(server.evaluate(Buffer.from(`${withoutProof},p=${proof.toString('base64')}`)).toString()).toMatch(/^v=/);
    expect(server.user).toBe('user');
  });

  it('refuses a final nonce that is not the combined one', () => {
    const server = new ScramServer('SCRAM-SHA-256', () => credential, () => RFC7677.serverNonce);
    server.evaluate(Buffer.from(RFC7677.clientFirst));
    expect(() => server.evaluate(Buffer.from(RFC7677.clientFinal.replace('hNlF$k0', 'hNlF$k1')))).toThrow('Invalid client nonce in the final client message.');
  });

  it('refuses an authorization id other than the user, with its own message', () => {
    const server = new ScramServer('SCRAM-SHA-256', () => credential);
    let failure: unknown;
    try {
      server.evaluate(Buffer.from('n,a=admin,n=user,r=abc'));
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(ScramFailure);
    expect(failure).toMatchObject({ generic: false, message: 'Authentication failed: Client requested an authorization id that is different from username' });
  });
});

describe('SCRAM messages (RFC 5802 section 5 example)', () => {
  it('builds the client-first message and the final message without proof', () => {
    expect(clientFirstMessage('user', 'fyko+d2lbbFgONRv9qkxdawL').message).toBe('n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL');
    expect(clientFinalWithoutProof('fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j')).toBe('c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j');
  });

  it('reads the server-first message', () => {
    const first = parseServerFirst('r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096');
    expect(first.nonce).toBe('fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j');
    expect(first.salt.toString('base64')).toBe('QSXCR+Q6sek8bf92');
    expect(first.iterations).toBe(4096);
    expect(() => parseServerFirst('e=other-error')).toThrow('other-error');
  });

  it('escapes = and , in user names (section 5.1)', () => {
    expect(escapeSaslName('a=b,c')).toBe('a=3Db=2Cc');
    expect(unescapeSaslName('a=3Db=2Cc')).toBe('a=b,c');
  });
});

describe('SCRAM-SHA-512 between tk client and daemon server', () => {
  const credential = credentialFor('SCRAM-SHA-512', 'secret', Buffer.from('salt-of-alice'), 8192);
  const lookup = (m: string, u: string): ScramCredential | undefined => (m === 'SCRAM-SHA-512' && u === 'al,ice' ? credential : undefined);

  it('authenticates with the right password, and each side proves itself', () => {
    const client = new ScramClient('SCRAM-SHA-512', 'al,ice', 'secret');
    const server = new ScramServer('SCRAM-SHA-512', lookup);
    const serverFinal = server.evaluate(client.finalMessage(server.evaluate(client.firstMessage())));
    client.verifyServerFinal(serverFinal);
    expect(server.user).toBe('al,ice');
  });

  it('refuses the wrong password', () => {
    const client = new ScramClient('SCRAM-SHA-512', 'al,ice', 'secreT');
    const server = new ScramServer('SCRAM-SHA-512', lookup);
    const final = client.finalMessage(server.evaluate(client.firstMessage()));
    expect(() => server.evaluate(final)).toThrow('Invalid client credentials');
  });
});
