import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { churnBand, churnRisk, explainChurn } from "./churn";
import type { RfmScores, Score } from "./rfm";

const score = fc.constantFrom<Score>(1, 2, 3, 4, 5);
const rfm = fc.record({ r: score, f: score, m: score });

describe("churnRisk", () => {
  it("weights recency 0.60, frequency 0.25, monetary 0.15", () => {
    expect(churnRisk({ r: 5, f: 5, m: 5 })).toBe(0);
    expect(churnRisk({ r: 1, f: 1, m: 1 })).toBe(1);
    expect(churnRisk({ r: 1, f: 5, m: 5 })).toBe(0.6);
    expect(churnRisk({ r: 5, f: 1, m: 5 })).toBe(0.25);
    expect(churnRisk({ r: 5, f: 5, m: 1 })).toBe(0.15);
    // 0.6·2/4 + 0.25·1/4 + 0.15·3/4 = 0.3 + 0.0625 + 0.1125 = 0.475
    expect(churnRisk({ r: 3, f: 4, m: 2 })).toBe(0.475);
    // 0.25·1/4 = 0.0625 → 0.063 (rounded half up at 3 decimals)
    expect(churnRisk({ r: 5, f: 4, m: 5 })).toBe(0.063);
  });

  it("property: within 0–1, 3 decimals, and a better score never raises the risk", () => {
    fc.assert(
      fc.property(rfm, fc.constantFrom<keyof RfmScores>("r", "f", "m"), (s, key) => {
        const risk = churnRisk(s);
        expect(risk).toBeGreaterThanOrEqual(0);
        expect(risk).toBeLessThanOrEqual(1);
        expect(Math.round(risk * 1000) / 1000).toBe(risk);
        if (s[key] < 5) expect(churnRisk({ ...s, [key]: s[key] + 1 })).toBeLessThanOrEqual(risk);
      }),
    );
  });
});

describe("churnBand", () => {
  it("cuts at 0.3, 0.5 and 0.7, lower edge inclusive", () => {
    expect([0, 0.299, 0.3, 0.499, 0.5, 0.699, 0.7, 1].map(churnBand)).toEqual([
      "healthy",
      "healthy",
      "drifting",
      "drifting",
      "at_risk",
      "at_risk",
      "likely_lost",
      "likely_lost",
    ]);
  });
});

describe("explainChurn", () => {
  it("names the score, the band and what drives it", () => {
    expect(explainChurn({ r: 2, f: 3, m: 4 })).toBe(
      "Churn risk 0.61 (at risk): recency 2/5, frequency 3/5, spend 4/5; mostly recency.",
    );
    expect(explainChurn({ r: 5, f: 5, m: 5 })).toBe(
      "Churn risk 0.00 (healthy): recency 5/5, frequency 5/5, spend 5/5.",
    );
    expect(explainChurn({ r: 5, f: 1, m: 4 })).toBe(
      "Churn risk 0.29 (healthy): recency 5/5, frequency 1/5, spend 4/5; mostly frequency.",
    );
  });

  it("property: one line", () => {
    fc.assert(fc.property(rfm, (s) => !explainChurn(s).includes("\n")));
  });
});
