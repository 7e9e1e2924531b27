/** Small, dependency-free measuring helpers: wall time, rates and latency percentiles. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  const i = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, i)]!;
}

/**
 * Runs `total` calls with `concurrency` in flight and returns each call's latency and the throughput.
 * Bounded in count, so a load test always stops by itself.
 */
export async function load(total: number, concurrency: number, call: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const t0 = performance.now();
      await call(i);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = performance.now() - start;
  latencies.sort((a, b) => a - b);
  return { perSecond: (total / ms) * 1000, p50: percentile(latencies, 50), p99: percentile(latencies, 99), ms };
}

export const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "n/a");

/**
 * An open-loop load: call i is due at start + i / rate, whether or not earlier calls have answered, and
 * its latency counts from when it was due (so a stall shows up in the percentiles instead of hiding).
 */
export async function loadAtRate(total: number, perSecond: number, call: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(call(i).then(() => void latencies.push(performance.now() - due)));
  }
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), achieved: (total / (performance.now() - start)) * 1000 };
}
