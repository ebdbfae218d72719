// The server's side of SCRAM-SHA-256/512 (RFC 5802) against credentials kept in the metadata
// log, as Kafka's ScramSaslServer: client-first → server-first → client-final → server-final.
// Every failure but a foreign authorization id gives the client Kafka's one generic message, so
// an unknown user and a wrong password look alike.
import {
  digest,
  hmac,
  randomScramString,
  sameBytes,
  scramAttributes,
  serverSignature,
  unescapeSaslName,
  xor,
  ScramMessageError,
  type ScramMechanismName,
} from '../../src/client/scram.js';

/** What the broker keeps of a password: never the password itself. */
export interface ScramCredential {
  readonly salt: Buffer;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
  readonly iterations: number;
}

/** The credential of a user for a mechanism, or undefined. */
export type ScramCredentialLookup = (mechanism: ScramMechanismName, user: string) => ScramCredential | undefined;

/** Why the client may not in; `generic` failures reach it as Kafka's invalid-credentials message. */
export class ScramFailure extends Error {
  constructor(
    message: string,
    readonly generic: boolean,
  ) {
    super(message);
  }
}

interface AwaitingFinal {
  user: string;
  credential: ScramCredential;
  nonce: string;
  authMessagePrefix: string;
}

export class ScramServer {
  private awaiting: AwaitingFinal | null = null;
  /** The authenticated user, once the exchange is complete. */
  user: string | null = null;

  constructor(
    private readonly mechanism: ScramMechanismName,
    private readonly credentials: ScramCredentialLookup,
    private readonly serverNonce: () => string = randomScramString,
  ) {}

  /** Evaluates one client message and returns the server's answer. */
  evaluate(token: Buffer): Buffer {
    try {
      return this.awaiting === null ? this.clientFirst(token.toString('utf8')) : this.clientFinal(token.toString('utf8'), this.awaiting);
    } catch (err) {
      if (err instanceof ScramMessageError) throw new ScramFailure(err.message, true);
      throw err;
    }
  }

  private clientFirst(message: string): Buffer {
    const header = /^([ny]),(?:a=([^,]*))?,(.*)$/.exec(message);
    if (header === null) throw new ScramFailure(`Invalid SCRAM client first message: channel binding or gs2 header not supported`, true);
    const authorizationId = header[2] === undefined ? '' : unescapeSaslName(header[2]);
    const bare = header[3]!;
    const attributes = scramAttributes(bare);
    const name = attributes.get('n');
    const clientNonce = attributes.get('r');
    if (name === undefined || clientNonce === undefined || clientNonce === '') throw new ScramFailure('Invalid SCRAM client first message', true);
    const user = unescapeSaslName(name);
    const credential = this.credentials(this.mechanism, user);
    if (credential === undefined) throw new ScramFailure('Authentication failed: Invalid user credentials', true);
    if (authorizationId !== '' && authorizationId !== user) {
      throw new ScramFailure('Authentication failed: Client requested an authorization id that is different from username', false);
    }
    const nonce = clientNonce + this.serverNonce();
    const serverFirst = `r=${nonce},s=${credential.salt.toString('base64')},i=${credential.iterations}`;
    this.awaiting = { user, credential, nonce, authMessagePrefix: `${bare},${serverFirst}` };
    return Buffer.from(serverFirst, 'utf8');
  }

  private clientFinal(message: string, state: AwaitingFinal): Buffer {
    const proofAt = message.lastIndexOf(',p=');
    if (proofAt < 0) throw new ScramFailure('Invalid SCRAM client final message: no proof', true);
    const withoutProof = message.slice(0, proofAt);
    const proof = Buffer.from(message.slice(proofAt + 3), 'base64');
    // As Kafka's ClientFinalMessage: channel binding, nonce, then any extensions; only the nonce is
    // checked, and only its end: librdkafka puts its own nonce before the combined one.
    const parts = /^c=[^,]*,r=([^,]*)/.exec(withoutProof);
    if (parts === null) throw new ScramFailure('Invalid SCRAM client final message', true);
    if (!parts[1]!.endsWith(state.nonce)) throw new ScramFailure('Invalid client nonce in the final client message.', true);
    const authMessage = `${state.authMessagePrefix},${withoutProof}`;
    const signature = hmac(this.mechanism, state.credential.storedKey, authMessage);
    if (proof.length !== signature.length || !sameBytes(digest(this.mechanism, xor(proof, signature)), state.credential.storedKey)) {
      throw new ScramFailure('Invalid client credentials', true);
    }
    this.user = state.user;
    return Buffer.from(`v=${serverSignature(this.mechanism, state.credential.serverKey, authMessage).toString('base64')}`, 'utf8');
  }
}

export const scramCredentialKey = (mechanism: ScramMechanismName, user: string): string => `${mechanism}:${user}`;
