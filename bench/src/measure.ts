/**
 * Small measuring helpers for things timed once in the bench process (a whole-shop pass, a sync). Load
 * (many requests, rates, percentiles) is generated in a separate process: see load/process.ts.
 */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : "n/a";
