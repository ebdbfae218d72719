// The byte-rate tracker against Kafka's arithmetic: an 11 × 1 s sampled rate measured over at
// least ten windows, throttle = (rate - bound) / bound × window, and the quota lookup order.
import { describe, expect, it } from 'vitest';
import { ByteRateThrottle, SampledRate } from '../../../daemon/quotas/byte-rate-throttle.js';
import { applicableQuota, quotaEntityKey, type ClientQuotaEntry, type QuotaEntityPart } from '../../../daemon/quotas/client-quota-entities.js';

function quotas(...entries: [QuotaEntityPart[], Record<string, number>][]): Map<string, ClientQuotaEntry> {
  return new Map(entries.map(([entity, values]) => [quotaEntityKey(entity), { entity, values: new Map(Object.entries(values)) }]));
}

describe('SampledRate', () => {
  it('measures over at least ten full windows, then over the samples kept', () => {
    const rate = new SampledRate();
    rate.record(10_000, 0);
    expect(rate.windowMs(0)).toBe(10_000);
    expect(rate.rate(0)).toBe(1000);
    rate.record(10_000, 10_500);
    expect(rate.windowMs(10_500)).toBe(10_500);
    // At 11 s the first sample has expired: 10000 bytes over 0.5 s plus ten padding windows.
    expect(rate.rate(11_000)).toBeCloseTo((10_000 * 1000) / 10_500);
  });
});

describe('ByteRateThrottle', () => {
  const slow = quotas([[{ entityType: 'client-id', entityName: 'slow' }], { producer_byte_rate: 1000 }]);

  it('answers 0 within the quota and for clients without one', () => {
    const throttle = new ByteRateThrottle('producer_byte_rate', () => 0);
    expect(throttle.recordAndGetThrottleTimeMs(slow, 'User:ANONYMOUS', 'slow', 10_000)).toBe(0);
    expect(throttle.recordAndGetThrottleTimeMs(slow, 'User:ANONYMOUS', 'fast', 1_000_000)).toBe(0);
  });

  it("throttles by Kafka's formula: (rate - bound) / bound × window", () => {
    const throttle = new ByteRateThrottle('producer_byte_rate', () => 0);
    // 30000 bytes over a 10 s window: 3000 B/s against 1000 → (3000 - 1000) / 1000 × 10 s.
    expect(throttle.recordAndGetThrottleTimeMs(slow, 'User:ANONYMOUS', 'slow', 30_000)).toBe(20_000);
  });

  it('takes the bytes back when asked (a fetch answered empty)', () => {
    const throttle = new ByteRateThrottle('producer_byte_rate', () => 0);
    expect(throttle.recordAndGetThrottleTimeMs(slow, 'User:ANONYMOUS', 'slow', 30_000, false)).toBe(20_000);
    expect(throttle.recordAndGetThrottleTimeMs(slow, 'User:ANONYMOUS', 'slow', 10_000)).toBe(0);
  });
});

describe('applicableQuota', () => {
  const user = (name: string | null) => ({ entityType: 'user', entityName: name });
  const client = (name: string | null) => ({ entityType: 'client-id', entityName: name });
  const all = quotas(
    [[user('alice'), client('app')], { producer_byte_rate: 1 }],
    [[user('alice')], { producer_byte_rate: 3 }],
    [[user(null)], { producer_byte_rate: 6 }],
    [[client('app')], { producer_byte_rate: 7 }],
    [[client(null)], { producer_byte_rate: 8 }],
  );

  it("follows Kafka's precedence: user+client, user, default user, client, default client", () => {
    expect(applicableQuota(all, 'producer_byte_rate', 'alice', 'app')?.bound).toBe(1);
    expect(applicableQuota(all, 'producer_byte_rate', 'alice', 'other')?.bound).toBe(3);
    expect(applicableQuota(all, 'producer_byte_rate', 'bob', 'app')?.bound).toBe(6);
    const noUsers = quotas([[client('app')], { producer_byte_rate: 7 }], [[client(null)], { producer_byte_rate: 8 }]);
    expect(applicableQuota(noUsers, 'producer_byte_rate', 'bob', 'app')?.bound).toBe(7);
    expect(applicableQuota(noUsers, 'producer_byte_rate', 'bob', 'x')?.bound).toBe(8);
    expect(applicableQuota(noUsers, 'consumer_byte_rate', 'bob', 'x')).toBeNull();
  });

  it("shares one rate among a user's clients when the quota is the user's", () => {
    expect(applicableQuota(all, 'producer_byte_rate', 'alice', 'a')?.sharedBy).toBe(applicableQuota(all, 'producer_byte_rate', 'alice', 'b')?.sharedBy);
    expect(applicableQuota(all, 'producer_byte_rate', 'bob', 'a')?.sharedBy).not.toBe(applicableQuota(all, 'producer_byte_rate', 'carol', 'a')?.sharedBy);
  });
});
