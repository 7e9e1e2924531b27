import { describe, expect, it } from "vitest";
import { LIFECYCLE_STAGE_ORDER, channelLabel, lifecycleStageLabel, loyaltyLine } from "./customer";

describe("customer labels", () => {
  it("lists the stages in the order a customer moves through them, each with the merchant's words", () => {
    expect(LIFECYCLE_STAGE_ORDER).toEqual(["new", "engaged", "converted", "loyal", "at_risk", "churned"]);
    expect(LIFECYCLE_STAGE_ORDER.map(lifecycleStageLabel)).toEqual([
      "New",
      "Engaged",
      "First-time buyer",
      "Loyal",
      "At risk",
      "Churned",
    ]);
    // A stage from a newer server is shown as it came rather than dropped.
    expect(lifecycleStageLabel("dormant")).toBe("dormant");
  });

  it("names channels as brands write them, never by capitalising the key", () => {
    expect(["email", "sms", "whatsapp", "push"].map(channelLabel)).toEqual([
      "Email",
      "SMS",
      "WhatsApp",
      "Push notifications",
    ]);
    expect(channelLabel("toString")).toBe("toString");
  });

  it("says 1 point, not 1 points, in every part of the loyalty line", () => {
    expect(loyaltyLine(1, "Bronze", { nextTier: "Silver", pointsToNextTier: 1 })).toBe(
      "1 point · Bronze · 1 point to Silver",
    );
    expect(loyaltyLine(1600, "Gold", { nextTier: null, pointsToNextTier: null })).toBe("1600 points · Gold · Top tier");
    expect(loyaltyLine(0, null)).toBe("0 points");
    expect(loyaltyLine(12, "Silver")).toBe("12 points · Silver");
    expect(loyaltyLine(1380, null, { nextTier: "Gold", pointsToNextTier: 120 })).toBe(
      "1380 points · 120 points to Gold",
    );
  });
});
