// The server side of one connection's SASL exchange, as Kafka's SaslServerAuthenticator runs it:
// ApiVersions and SaslHandshake are the only requests before the handshake; SaslHandshake v1
// means tokens come in SaslAuthenticate requests, v0 means they come as bare size-prefixed
// frames. PLAIN (RFC 4616) checks the user against the listener's JAAS users; SCRAM-SHA-256/512
// run two rounds against the credentials of the metadata log (scram.ts).
import { timingSafeEqual } from 'node:crypto';
import { ApiKey } from '../../src/protocol/generated/api-keys.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import type { SaslHandshakeResponse } from '../../src/protocol/generated/clients/sasl-handshake-response.js';
import type { SaslMechanism } from '../../src/client/sasl.js';
import type { ListenerSasl } from './listener-security.js';
import { ScramFailure, ScramServer, type ScramCredentialLookup } from './scram.js';

/** A client that fails authentication; the message goes back to it, as Kafka's SaslAuthenticationException does. */
export class SaslAuthenticationFailure extends Error {}

const API_NAMES = new Map<number, string>(Object.entries(ApiKey).map(([name, key]) => [key, name]));
/** Kafka's ApiKeys enum constant for an API key, for its error messages (FETCH, SASL_AUTHENTICATE). */
const constantName = (apiKey: number): string => (API_NAMES.get(apiKey) ?? `API ${apiKey}`).replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks a PLAIN client message and returns the authenticated user, with Kafka's PlainSaslServer messages. */
export function verifyPlain(users: ReadonlyMap<string, string>, message: Buffer): string {
  // Kafka reads at most four NUL-separated tokens, so a message with extra NULs reports 4.
  const tokens = message.toString('utf8').split('\0');
  if (tokens.length !== 3) throw new SaslAuthenticationFailure(`Invalid SASL/PLAIN response: expected 3 tokens, got ${Math.min(tokens.length, 4)}`);
  const [authorizationId, username, password] = tokens as [string, string, string];
  if (username === '') throw new SaslAuthenticationFailure('Authentication failed: username not specified');
  if (password === '') throw new SaslAuthenticationFailure('Authentication failed: password not specified');
  const expected = users.get(username);
  if (expected === undefined || !sameSecret(expected, password)) throw new SaslAuthenticationFailure('Authentication failed: Invalid username or password');
  if (authorizationId !== '' && authorizationId !== username) {
    throw new SaslAuthenticationFailure('Authentication failed: Client requested an authorization id that is different from username');
  }
  return username;
}

type State = 'handshake' | 'authenticate' | 'complete';

export class SaslServerSession {
  private state: State = 'handshake';
  private mechanism: SaslMechanism | null = null;
  private scram: ScramServer | null = null;
  /** After a v0 handshake the tokens arrive without a Kafka request header. */
  private rawTokens = false;
  /** `User:<name>` once authenticated. */
  principal: string | null = null;

  constructor(
    private readonly settings: ListenerSasl,
    private readonly scramCredentials: ScramCredentialLookup,
  ) {}

  get isComplete(): boolean {
    return this.state === 'complete';
  }

  get expectsRawToken(): boolean {
    return this.state === 'authenticate' && this.rawTokens;
  }

  /** Why a request with this API key may not be served in the current state, or null when it may. */
  refusal(apiKey: number): string | null {
    if (this.state === 'handshake') {
      return apiKey === ApiKey.ApiVersions || apiKey === ApiKey.SaslHandshake ? null : `Unexpected Kafka request of type ${constantName(apiKey)} during SASL handshake.`;
    }
    if (this.state === 'authenticate') {
      return apiKey === ApiKey.SaslAuthenticate || apiKey === ApiKey.SaslHandshake ? null : `Unexpected Kafka request of type ${constantName(apiKey)} during SASL authentication.`;
    }
    return null;
  }

  /** The handshake answer; `accepted` false means the connection closes once it is sent. */
  handshake(mechanism: string, version: number): { response: SaslHandshakeResponse; accepted: boolean } {
    const mechanisms = [...this.settings.mechanisms];
    if (this.state !== 'handshake') return { response: { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] }, accepted: false };
    if (!(mechanisms as string[]).includes(mechanism)) return { response: { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms }, accepted: false };
    this.mechanism = mechanism as SaslMechanism;
    if (this.mechanism !== 'PLAIN') this.scram = new ScramServer(this.mechanism, this.scramCredentials);
    this.rawTokens = version === 0;
    this.state = 'authenticate';
    return { response: { errorCode: ErrorCode.NONE, mechanisms }, accepted: true };
  }

  /** Evaluates a client token; throws SaslAuthenticationFailure when the client may not in. */
  authenticate(token: Buffer): Buffer {
    if (this.scram === null) {
      const user = verifyPlain(this.settings.plainUsers, token);
      this.principal = `User:${user}`;
      this.state = 'complete';
      return Buffer.alloc(0);
    }
    let answer: Buffer;
    try {
      answer = this.scram.evaluate(token);
    } catch (err) {
      if (!(err instanceof ScramFailure)) throw err;
      // Kafka hides why a SCRAM login failed behind one message, but for a foreign authorization id.
      throw new SaslAuthenticationFailure(err.generic ? `Authentication failed during authentication due to invalid credentials with SASL mechanism ${this.mechanism}` : err.message);
    }
    if (this.scram.user !== null) {
      this.principal = `User:${this.scram.user}`;
      this.state = 'complete';
    }
    return answer;
  }
}
