import { describe, expect, it } from "vitest";
import { FATIGUE_BANDS, fatigueBand, fatigueOfSentCount, isFatigueFlagged } from "./fatigue";

describe("fatigue", () => {
  it("is sent messages in the week over ten, capped at one", () => {
    expect(fatigueOfSentCount(0)).toBe(0);
    expect(fatigueOfSentCount(3)).toBe(0.3);
    expect(fatigueOfSentCount(10)).toBe(1);
    expect(fatigueOfSentCount(25)).toBe(1);
  });

  it("puts every score in exactly one band, a band's lower edge inside it", () => {
    expect(fatigueBand(0)).toBe("under_0_3");
    expect(fatigueBand(0.29)).toBe("under_0_3");
    expect(fatigueBand(0.3)).toBe("0_3_to_0_5");
    expect(fatigueBand(0.5)).toBe("0_5_to_0_7");
    expect(fatigueBand(0.7)).toBe("blocked_0_7_plus");
    expect(fatigueBand(1)).toBe("blocked_0_7_plus");
    expect(FATIGUE_BANDS.map((b) => b.key)).toEqual(["under_0_3", "0_3_to_0_5", "0_5_to_0_7", "blocked_0_7_plus"]);
  });

  it("flags a shop only when more than 60% of its customers are at or over the threshold", () => {
    expect(isFatigueFlagged(0.6)).toBe(false);
    expect(isFatigueFlagged(0.61)).toBe(true);
  });
});
