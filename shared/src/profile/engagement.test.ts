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

describe("engagementScore with clicks", () => {
  it("counts a click as strongly as a reply, and together they saturate at 2", () => {
    expect(engagementScore({ opens30d: 0, replies30d: 0, clicks30d: 1, visits30d: 0 })).toBe(0.2);
    expect(engagementScore({ opens30d: 0, replies30d: 1, clicks30d: 1, visits30d: 0 })).toBe(0.4);
    expect(engagementScore({ opens30d: 0, replies30d: 3, clicks30d: 5, visits30d: 0 })).toBe(0.4);
    // a click is worth four opens (0.2 / 2 against 0.2 / 8 per open)
    expect(engagementScore({ opens30d: 4, replies30d: 0, visits30d: 0 })).toBeLessThan(
      engagementScore({ opens30d: 0, replies30d: 0, clicks30d: 1, visits30d: 0 }),
    );
  });

  it("property: a click never lowers the score", () => {
    fc.assert(
      fc.property(
        fc.record({ opens30d: fc.nat(50), replies30d: fc.nat(50), clicks30d: fc.nat(50), visits30d: fc.nat(50) }),
        (c) => {
          expect(engagementScore({ ...c, clicks30d: c.clicks30d + 1 })).toBeGreaterThanOrEqual(engagementScore(c));
        },
      ),
    );
  });
});
