// Order statistics for bench figures: a median resists the noise of a shared machine better than a mean.

export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** Bytes per second as Kafka's perf tools print it: MB means 1024 × 1024 bytes. */
export const mbPerSecond = (bytes: number, seconds: number): number => bytes / 1024 / 1024 / seconds;
