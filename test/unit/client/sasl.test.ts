import { describe, expect, it } from 'vitest';
import { parseJaasConfig, plainClientMessage } from '../../../src/client/sasl.js';
import { SaslAuthenticationFailure, SaslServerSession, verifyPlain } from '../../../daemon/security/sasl-authenticator.js';
import { ApiKey } from '../../../src/protocol/generated/api-keys.js';
import { ErrorCode } from '../../../src/protocol/errors.js';

describe('parseJaasConfig (Kafka JaasConfig rules)', () => {
  it('reads the login module, its flag and quoted options', () => {
    const [entry, ...rest] = parseJaasConfig('org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="a b;c";');
    expect(rest).toEqual([]);
    expect(entry).toEqual({
      loginModule: 'org.apache.kafka.common.security.plain.PlainLoginModule',
      controlFlag: 'required',
      options: new Map([
        ['username', 'alice'],
        ['password', 'a b;c'],
      ]),
    });
  });

  it('takes unquoted words, single quotes, escapes, comments and several entries', () => {
    const entries = parseJaasConfig("A REQUIRED user_x=plain-word_$ /* c */ y='q\\\"t' // to the end\n; B optional;");
    expect(entries.map((e) => [e.loginModule, e.controlFlag, [...e.options]])).toEqual([
      ['A', 'required', [['user_x', 'plain-word_$'], ['y', 'q"t']]],
      ['B', 'optional', []],
    ]);
  });

  it.each([
    ['', 'Login module not specified in JAAS config'],
    ['M', 'Login module control flag not specified in JAAS config'],
    ['M maybe;', "Invalid login module control flag 'maybe' in JAAS config"],
    ['M required username="a"', 'JAAS config entry not terminated by semi-colon'],
    ['M required username;', "Value not specified for key 'username' in JAAS config"],
    ['M required port=9092;', "Value not specified for key 'port' in JAAS config"],
  ])('refuses %j: %s', (text, message) => {
    expect(() => parseJaasConfig(text)).toThrow(message);
  });
});

describe('SASL/PLAIN', () => {
  const users = new Map([['alice', 'alice-secret']]);

  it('sends an empty authorization id, the user and the password', () => {
    expect(plainClientMessage('alice', 'pw')).toEqual(Buffer.from('\0alice\0pw'));
  });

  it('accepts the right password, with or without an authorization id equal to the user', () => {
    expect(verifyPlain(users, plainClientMessage('alice', 'alice-secret'))).toBe('alice');
    expect(verifyPlain(users, Buffer.from('alice\0alice\0alice-secret'))).toBe('alice');
  });

  it.each([
    ['\0alice\0wrong', 'Authentication failed: Invalid username or password'],
    ['\0bob\0alice-secret', 'Authentication failed: Invalid username or password'],
    ['\0\0x', 'Authentication failed: username not specified'],
    ['\0alice\0', 'Authentication failed: password not specified'],
    ['alice', 'Invalid SASL/PLAIN response: expected 3 tokens, got 1'],
    ['a\0b\0c\0d\0e', 'Invalid SASL/PLAIN response: expected 3 tokens, got 4'],
    ['bob\0alice\0alice-secret', 'Authentication failed: Client requested an authorization id that is different from username'],
  ])('refuses %j with Kafka message', (message, expected) => {
    expect(() => verifyPlain(users, Buffer.from(message))).toThrow(new SaslAuthenticationFailure(expected));
  });
});

describe('SaslServerSession', () => {
  const NO_SCRAM_CREDENTIALS = (): undefined => undefined;
  const settings = { mechanisms: ['PLAIN' as const], plainUsers: new Map([['alice', 'pw']]) };

  it('serves only ApiVersions and SaslHandshake before the handshake, then only SaslAuthenticate', () => {
    const session = new SaslServerSession(settings, NO_SCRAM_CREDENTIALS);
    expect(session.refusal(ApiKey.ApiVersions)).toBeNull();
    expect(session.refusal(ApiKey.Metadata)).toBe('Unexpected Kafka request of type METADATA during SASL handshake.');
    expect(session.refusal(ApiKey.SaslAuthenticate)).toBe('Unexpected Kafka request of type SASL_AUTHENTICATE during SASL handshake.');
    expect(session.handshake('PLAIN', 1)).toEqual({ response: { errorCode: ErrorCode.NONE, mechanisms: ['PLAIN'] }, accepted: true });
    expect(session.refusal(ApiKey.Produce)).toBe('Unexpected Kafka request of type PRODUCE during SASL authentication.');
    expect(session.expectsRawToken).toBe(false);
    session.authenticate(plainClientMessage('alice', 'pw'));
    expect(session.isComplete).toBe(true);
    expect(session.principal).toBe('User:alice');
    expect(session.refusal(ApiKey.Metadata)).toBeNull();
  });

  it('answers an unknown mechanism with UNSUPPORTED_SASL_MECHANISM and the enabled list', () => {
    expect(new SaslServerSession(settings, NO_SCRAM_CREDENTIALS).handshake('SCRAM-SHA-256', 1)).toEqual({ response: { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: ['PLAIN'] }, accepted: false });
  });

  it('expects bare tokens after a v0 handshake and refuses a second handshake', () => {
    const session = new SaslServerSession(settings, NO_SCRAM_CREDENTIALS);
    session.handshake('PLAIN', 0);
    expect(session.expectsRawToken).toBe(true);
    expect(session.handshake('PLAIN', 0).response.errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE);
  });
});
