import { describe, expect, it } from "vitest";
import { WindowLimiter } from "./window-limit";

describe("WindowLimiter", () => {
  it("allows the limit per key per window, then says how long to wait", () => {
    const limiter = new WindowLimiter(2, 10_000);
    expect(limiter.hit("a", 0)).toEqual({ allowed: true });
    expect(limiter.hit("a", 1_000)).toEqual({ allowed: true });
    expect(limiter.hit("a", 2_000)).toEqual({ allowed: false, retryAfterSeconds: 8 });
    // another key has its own count
    expect(limiter.hit("b", 2_000)).toEqual({ allowed: true });
    // a new window starts afresh
    expect(limiter.hit("a", 10_000)).toEqual({ allowed: true });
  });

  it("keeps at most maxKeys keys under a flood of made-up keys", () => {
    const limiter = new WindowLimiter(1, 10_000, 100);
    for (let i = 0; i < 1_000; i++) limiter.hit(`k${i}`, 5);
    expect((limiter as unknown as { counts: Map<string, unknown> }).counts.size).toBeLessThanOrEqual(100);
    // a refused key still refused inside its window unless pruned; a fresh key is allowed
    expect(limiter.hit("fresh", 6)).toEqual({ allowed: true });
  });
});
