// Byte-rate quotas as Kafka's ClientQuotaManager applies them: a rate over quota.window.num (11)
// samples of quota.window.size.seconds (1 s), measured over at least ten full windows; a client
// over its bound is throttled for (rate - bound) / bound × window, so that waiting that long
// brings its rate back to the bound.
import { applicableQuota, type ClientQuotaEntry } from './client-quota-entities.js';

const SAMPLE_MS = 1000;
const SAMPLES = 11;

interface Sample {
  start: number;
  total: number;
}

/** Kafka's SampledStat + Rate for one quota entity. */
export class SampledRate {
  private samples: Sample[] = [];

  record(value: number, now: number): void {
    this.purge(now);
    const current = this.samples.at(-1);
    if (current === undefined || now - current.start >= SAMPLE_MS) this.samples.push({ start: now, total: value });
    else current.total += value;
  }

  /** Bytes per second over the retained samples. */
  rate(now: number): number {
    return (this.total(now) * 1000) / this.windowMs(now);
  }

  /** The span the rate is measured over: never less than SAMPLES - 1 full windows. */
  windowMs(now: number): number {
    this.purge(now);
    const oldest = this.samples[0]?.start ?? now;
    let elapsed = now - oldest;
    const fullWindows = Math.floor(elapsed / SAMPLE_MS);
    if (fullWindows < SAMPLES - 1) elapsed += (SAMPLES - 1 - fullWindows) * SAMPLE_MS;
    return Math.max(elapsed, 1);
  }

  private total(now: number): number {
    this.purge(now);
    return this.samples.reduce((sum, s) => sum + s.total, 0);
  }

  private purge(now: number): void {
    while (this.samples.length > 0 && now - this.samples[0].start >= SAMPLES * SAMPLE_MS) this.samples.shift();
  }
}

/** One broker's byte-rate trackers for one quota key (producer_byte_rate or consumer_byte_rate). */
export class ByteRateThrottle {
  private readonly rates = new Map<string, SampledRate>();

  constructor(
    private readonly key: string,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Records bytes for a client and answers the throttle time in ms (0 within quota). `keep`
   * false takes the bytes back when throttled, as Kafka does for a fetch it answers empty.
   */
  recordAndGetThrottleTimeMs(quotas: ReadonlyMap<string, ClientQuotaEntry>, principal: string, clientId: string, bytes: number, keep = true): number {
    const user = principal.startsWith('User:') ? principal.slice(5) : principal;
    const quota = applicableQuota(quotas, this.key, user, clientId);
    if (quota === null) return 0;
    let rate = this.rates.get(quota.sharedBy);
    if (rate === undefined) this.rates.set(quota.sharedBy, (rate = new SampledRate()));
    const now = this.now();
    rate.record(bytes, now);
    const measured = rate.rate(now);
    if (measured <= quota.bound) return 0;
    if (!keep) rate.record(-bytes, now);
    return Math.round(((measured - quota.bound) / quota.bound) * rate.windowMs(now));
  }
}
