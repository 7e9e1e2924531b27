import { describe, expect, it } from "vitest";
import { recencyScore } from "../profile/rfm";
import { rfmMeaning, recencyMeaning } from "./rfm";

describe("RFM meanings", () => {
  it("explains each score in words, with the thresholds the scoring uses", () => {
    expect(rfmMeaning({ r: 5, f: 5, m: 1 })).toEqual([
      { label: "Recency", score: "5", meaning: "last order within 30 days" },
      { label: "Frequency", score: "5", meaning: "order count in the shop's top 20%" },
      { label: "Monetary", score: "1", meaning: "average order value in the shop's bottom 20%" },
    ]);
    expect(rfmMeaning({ r: 1, f: null, m: null })[1]).toEqual({
      label: "Frequency",
      score: "–",
      meaning: "not scored yet",
    });
  });

  it("agrees with the recency rule at every edge", () => {
    for (const days of [30, 31, 60, 61, 120, 121, 240, 241]) {
      const meaning = recencyMeaning(recencyScore(days));
      const [from, to] = (/(\d+)-(\d+) days/.exec(meaning)?.slice(1) ?? []).map(Number);
      if (from !== undefined && to !== undefined) expect(days >= from && days <= to, `${days}: ${meaning}`).toBe(true);
      else if (meaning.startsWith("last order within")) expect(days).toBeLessThanOrEqual(30);
      else expect(days).toBeGreaterThan(240);
    }
  });
});
