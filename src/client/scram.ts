// SCRAM (RFC 5802, RFC 7677) as Kafka speaks it for SCRAM-SHA-256 and SCRAM-SHA-512: the key
// derivation both sides and AlterUserScramCredentials need, the four messages, and the client's
// side of the exchange. No channel binding (gs2 header `n,,`), as Kafka's clients.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type ScramMechanismName = (typeof SCRAM_MECHANISMS)[number];

/** Kafka's ScramMechanism: the type byte of its records and requests, the hash, the iteration range. */
export const SCRAM_MECHANISM_TYPES: Readonly<Record<ScramMechanismName, number>> = { 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 };
export const SCRAM_MIN_ITERATIONS = 4096;
export const SCRAM_MAX_ITERATIONS = 16384;

export const isScramMechanism = (name: string): name is ScramMechanismName => (SCRAM_MECHANISMS as readonly string[]).includes(name);
export const scramMechanismOfType = (type: number): ScramMechanismName | undefined => SCRAM_MECHANISMS.find((m) => SCRAM_MECHANISM_TYPES[m] === type);

const hashOf = (mechanism: ScramMechanismName): 'sha256' | 'sha512' => (mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512');
const hashLength = (mechanism: ScramMechanismName): number => (mechanism === 'SCRAM-SHA-256' ? 32 : 64);

export const hmac = (mechanism: ScramMechanismName, key: Buffer, text: string | Buffer): Buffer => createHmac(hashOf(mechanism), key).update(text).digest();
export const digest = (mechanism: ScramMechanismName, data: Buffer): Buffer => createHash(hashOf(mechanism)).update(data).digest();

/** Hi(password, salt, i): PBKDF2 with the mechanism's HMAC. */
export function saltedPassword(mechanism: ScramMechanismName, password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, hashLength(mechanism), hashOf(mechanism));
}

export const clientKey = (mechanism: ScramMechanismName, salted: Buffer): Buffer => hmac(mechanism, salted, 'Client Key');
export const serverKey = (mechanism: ScramMechanismName, salted: Buffer): Buffer => hmac(mechanism, salted, 'Server Key');
export const storedKey = (mechanism: ScramMechanismName, salted: Buffer): Buffer => digest(mechanism, clientKey(mechanism, salted));

export function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A printable nonce or salt, as Kafka's ScramFormatter makes them (base-36 digits of 130 random bits). */
export function randomScramString(): string {
  return BigInt(`0x${randomBytes(17).toString('hex')}`).toString(36);
}

/** saslname: `=` and `,` escaped as =3D and =2C. */
export const escapeSaslName = (name: string): string => name.replace(/=/g, '=3D').replace(/,/g, '=2C');
export const unescapeSaslName = (name: string): string => name.replace(/=2C/g, ',').replace(/=3D/g, '=');

/** A SCRAM message that does not parse; the text says which part. */
export class ScramMessageError extends Error {}

/** `k=v,k=v` attributes in order; a value may itself contain `=`. */
export function scramAttributes(message: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const part of message.split(',')) {
    if (!/^[a-zA-Z]=/.test(part)) throw new ScramMessageError(`Invalid SCRAM attribute: ${part}`);
    attributes.set(part[0]!, part.slice(2));
  }
  return attributes;
}

/** The client-first message without its gs2 header, and the whole message sent. */
export function clientFirstMessage(username: string, clientNonce: string): { bare: string; message: string } {
  const bare = `n=${escapeSaslName(username)},r=${clientNonce}`;
  return { bare, message: `n,,${bare}` };
}

export interface ServerFirst {
  nonce: string;
  salt: Buffer;
  iterations: number;
}

export function parseServerFirst(message: string): ServerFirst {
  const attributes = scramAttributes(message);
  const nonce = attributes.get('r');
  const salt = attributes.get('s');
  const iterations = Number(attributes.get('i'));
  if (attributes.has('e')) throw new ScramMessageError(`Server error: ${attributes.get('e')}`);
  if (nonce === undefined || salt === undefined || !Number.isInteger(iterations) || iterations <= 0) throw new ScramMessageError(`Invalid server first message: ${message}`);
  return { nonce, salt: Buffer.from(salt, 'base64'), iterations };
}

/** `c=biws,r=<nonce>`: the channel binding of `n,,` in base64, before the proof. */
export const clientFinalWithoutProof = (nonce: string): string => `c=${Buffer.from('n,,').toString('base64')},r=${nonce}`;

/** ClientProof = ClientKey XOR HMAC(StoredKey, AuthMessage). */
export function clientProof(mechanism: ScramMechanismName, salted: Buffer, authMessage: string): Buffer {
  const key = clientKey(mechanism, salted);
  return xor(key, hmac(mechanism, digest(mechanism, key), authMessage));
}

/** ServerSignature = HMAC(ServerKey, AuthMessage). */
export const serverSignature = (mechanism: ScramMechanismName, serverKeyBytes: Buffer, authMessage: string): Buffer => hmac(mechanism, serverKeyBytes, authMessage);

/** The client's side of one exchange: first() → final(server-first) → verify(server-final). */
export class ScramClient {
  private readonly first: { bare: string; message: string };
  private expectedServerSignature: Buffer | null = null;

  constructor(
    private readonly mechanism: ScramMechanismName,
    username: string,
    private readonly password: string,
    private readonly clientNonce: string = randomScramString(),
  ) {
    this.first = clientFirstMessage(username, clientNonce);
  }

  firstMessage(): Buffer {
    return Buffer.from(this.first.message, 'utf8');
  }

  finalMessage(serverFirstBytes: Buffer): Buffer {
    const serverFirstText = serverFirstBytes.toString('utf8');
    const serverFirst = parseServerFirst(serverFirstText);
    if (!serverFirst.nonce.startsWith(this.clientNonce)) throw new ScramMessageError('Invalid server nonce: does not start with client nonce');
    if (serverFirst.iterations < SCRAM_MIN_ITERATIONS) {
      throw new ScramMessageError(`Requested iterations ${serverFirst.iterations} is less than the minimum ${SCRAM_MIN_ITERATIONS} for ${this.mechanism}`);
    }
    const salted = saltedPassword(this.mechanism, this.password, serverFirst.salt, serverFirst.iterations);
    const withoutProof = clientFinalWithoutProof(serverFirst.nonce);
    const authMessage = `${this.first.bare},${serverFirstText},${withoutProof}`;
    this.expectedServerSignature = serverSignature(this.mechanism, serverKey(this.mechanism, salted), authMessage);
    return Buffer.from(`${withoutProof},p=${clientProof(this.mechanism, salted, authMessage).toString('base64')}`, 'utf8');
  }

  /** Checks the server-final message proves the server knows the credential. */
  verifyServerFinal(serverFinalBytes: Buffer): void {
    const attributes = scramAttributes(serverFinalBytes.toString('utf8'));
    if (attributes.has('e')) throw new ScramMessageError(`Sasl authentication using ${this.mechanism} failed with error: ${attributes.get('e')}`);
    const signature = attributes.get('v');
    if (signature === undefined || this.expectedServerSignature === null || !sameBytes(Buffer.from(signature, 'base64'), this.expectedServerSignature)) {
      throw new ScramMessageError('Invalid server signature in server final message');
    }
  }
}
