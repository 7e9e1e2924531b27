import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { engagementScore } from "./engagement";

describe("engagementScore", () => {
  it("weights replies and visits over opens, saturating", () => {
    expect(engagementScore({ opens30d: 0, replies30d: 0, visits30d: 0 })).toBe(0);
    expect(engagementScore({ opens30d: 8, replies30d: 2, visits30d: 4 })).toBe(1);
    expect(engagementScore({ opens30d: 100, replies30d: 50, visits30d: 40 })).toBe(1);
    expect(engagementScore({ opens30d: 4, replies30d: 0, visits30d: 0 })).toBe(0.1);
    expect(engagementScore({ opens30d: 0, replies30d: 1, visits30d: 0 })).toBe(0.2);
    expect(engagementScore({ opens30d: 0, replies30d: 0, visits30d: 3 })).toBe(0.3);
    expect(engagementScore({ opens30d: -3, replies30d: Number.NaN, visits30d: 1 })).toBe(0.1);
  });

  const counts = fc.record({ opens30d: fc.nat(100), replies30d: fc.nat(100), visits30d: fc.nat(100) });

  it("property: within 0–1 and never lower with more engagement", () => {
    fc.assert(
      fc.property(counts, fc.constantFrom("opens30d", "replies30d", "visits30d" as const), (c, key) => {
        const s = engagementScore(c);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(engagementScore({ ...c, [key]: c[key] + 1 })).toBeGreaterThanOrEqual(s);
      }),
    );
  });
});
