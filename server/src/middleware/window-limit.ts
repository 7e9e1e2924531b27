/**
 * A fixed-window request counter per key, for the public endpoints whose key (shop, browser) is only
 * known once the body is read: the pixel and the messaging events. In-memory per instance, like
 * `rateLimit`: a guard against runaway clients, not an exact quota. Time comes from the caller's clock.
 */
export class WindowLimiter {
  private counts = new Map<string, { start: number; hits: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    /** Past this many keys, windows that ended are dropped, so a flood of made-up keys cannot grow the map. */
    private readonly maxKeys = 100_000,
  ) {}

  /** Counts one request for `key`; refused with the seconds to wait once the window's limit is used up. */
  hit(key: string, nowMs: number): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    let entry = this.counts.get(key);
    if (!entry || nowMs - entry.start >= this.windowMs || nowMs < entry.start) {
      if (!entry && this.counts.size >= this.maxKeys) this.prune(nowMs);
      entry = { start: nowMs, hits: 0 };
      this.counts.set(key, entry);
    }
    entry.hits++;
    if (entry.hits <= this.limit) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((entry.start + this.windowMs - nowMs) / 1000)) };
  }

  private prune(nowMs: number) {
    for (const [key, entry] of this.counts) if (nowMs - entry.start >= this.windowMs) this.counts.delete(key);
    // Every key still live: the oldest go first rather than the map growing without bound.
    if (this.counts.size >= this.maxKeys) {
      const drop = this.counts.size - Math.floor(this.maxKeys / 2);
      let i = 0;
      for (const key of this.counts.keys()) if (i++ < drop) this.counts.delete(key);
    }
  }
}
