// Quota text details kafka-configs.sh gets from Java: Double.toString and java.util.HashMap order.
import { describe, expect, it } from 'vitest';
import { javaDouble, renderQuotas } from '../../../src/cli/configs/quotas.js';

describe('javaDouble', () => {
  it('prints as Java prints a double', () => {
    expect(javaDouble(1024)).toBe('1024.0');
    expect(javaDouble(12.5)).toBe('12.5');
    expect(javaDouble(1e7)).toBe('1.0E7');
    expect(javaDouble(123456789)).toBe('1.23456789E8');
    expect(javaDouble(0.0005)).toBe('5.0E-4');
  });
});

describe('renderQuotas', () => {
  it('lists keys in HashMap order and names the default entity', () => {
    const values = new Map([
      ['request_percentage', 50],
      ['producer_byte_rate', 1024],
      ['consumer_byte_rate', 2048],
    ]);
    // new HashMap<>(3) has 4 buckets; each key's bucket is its spread String.hashCode & 3.
    const text = renderQuotas([{ entity: new Map([['user', null]]), values }]);
    expect(text.startsWith('Quota configs for the default user-principal are ')).toBe(true);
    expect(text).toBe('Quota configs for the default user-principal are consumer_byte_rate=2048.0, request_percentage=50.0, producer_byte_rate=1024.0\n');
  });
});
