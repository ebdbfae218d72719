import { describe, expect, it } from 'vitest';
import { clientSettingsFrom, resolveBootstrap } from '../../../src/cli/common-flags.js';
import { connectionErrorLine } from '../../../src/cli/render/errors.js';

describe('--bootstrap-server', () => {
  it.each([
    ['the flag wins', 'h:1', { TK_BOOTSTRAP_SERVER: 'e:2' }, 'h:1'],
    ['then TK_BOOTSTRAP_SERVER', undefined, { TK_BOOTSTRAP_SERVER: 'e:2' }, 'e:2'],
    ['then localhost:9092', undefined, {}, 'localhost:9092'],
    ['an empty variable counts as unset', undefined, { TK_BOOTSTRAP_SERVER: '' }, 'localhost:9092'],
  ])('%s', (_, flag, env, expected) => {
    expect(resolveBootstrap(flag, env)).toBe(expected);
  });
});

describe('--command-config properties', () => {
  it('reads client.id and request.timeout.ms', () => {
    expect(clientSettingsFrom(new Map([['client.id', 'me'], ['request.timeout.ms', '5000']]), 'h:1')).toEqual({ bootstrap: 'h:1', clientId: 'me', requestTimeoutMs: 5000 });
  });

  it('refuses a security.protocol Kafka does not know, naming the ones it does', () => {
    expect(() => clientSettingsFrom(new Map([['security.protocol', 'TLS']]), 'h:1')).toThrow(
      'Invalid value TLS for configuration security.protocol: String must be one of: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL',
    );
  });

  it('accepts security.protocol=PLAINTEXT', () => {
    expect(clientSettingsFrom(new Map([['security.protocol', 'plaintext']]), 'h:1').bootstrap).toBe('h:1');
  });

  it('refuses a request.timeout.ms that is not a number', () => {
    expect(() => clientSettingsFrom(new Map([['request.timeout.ms', 'soon']]), 'h:1')).toThrow('Invalid value soon for configuration request.timeout.ms');
  });
});

describe('connection failures', () => {
  it.each([
    [
      'refused',
      'no broker is reachable at localhost:9092 (cannot connect to localhost:9092: connection refused)',
      'localhost:9092',
      'cannot connect to localhost:9092 (connection refused). Is a broker running? Start one with: tk broker start',
    ],
    [
      'two addresses',
      'no broker is reachable at a:1, b:2 (cannot connect to a:1: connection refused; cannot connect to b:2: getaddrinfo ENOTFOUND b)',
      'a:1, b:2',
      'cannot connect to a:1, b:2 (connection refused; getaddrinfo ENOTFOUND b). Is a broker running? Start one with: tk broker start',
    ],
    [
      'timed out',
      'no broker is reachable at h:1 (timed out connecting to h:1)',
      'h:1',
      'cannot connect to h:1 (timed out). Is a broker running? Start one with: tk broker start',
    ],
    ['closed later', 'connection to h:1 was closed by the broker', 'h:1', 'connection to h:1 was closed by the broker'],
  ])('%s', (_, message, address, expected) => {
    expect(connectionErrorLine(message, address)).toBe(expected);
  });
});
