import { describe, expect, it } from "vitest";
import { shopSettingsSchema } from "./settings";
import { settingsFieldErrors } from "./settings-fields";

const refusals = (input: unknown) => {
  const result = shopSettingsSchema.safeParse(input);
  if (result.success) throw new Error("expected the settings to be refused");
  return settingsFieldErrors(result.error.issues);
};

describe("settings refusals in words", () => {
  it("names the field and the limit with its unit, never a zod path", () => {
    expect(refusals({ lifecycle: { atRiskDays: 0 } })).toEqual([
      { field: "lifecycle.atRiskDays", message: "At-risk must be at least 1 day" },
    ]);
    expect(refusals({ caps: { sms: 101 } })).toEqual([
      { field: "caps.sms", message: "The daily SMS cap must be at most 100 messages" },
    ]);
    expect(refusals({ undoWindowDays: 1.5 })).toEqual([
      { field: "undoWindowDays", message: "The merge undo window must be a whole number" },
    ]);
    expect(refusals({ fatigueThreshold: 2 })).toEqual([
      { field: "fatigueThreshold", message: "The fatigue threshold must be at most 1" },
    ]);
  });

  it("keeps the rules' own words for time zone, country and quiet hours", () => {
    expect(refusals({ timeZone: "Mars/Olympus", defaultCountry: "XX", quietHours: { start: "25:00" } })).toEqual([
      { field: "timeZone", message: "Time zone must be an IANA time zone such as Europe/Berlin" },
      { field: "defaultCountry", message: "Default country must be a two-letter country code such as US or DE" },
      { field: "quietHours.start", message: "Quiet hours start: use HH:MM, 24-hour" },
    ]);
  });

  it("puts the cross-field lifecycle rule on churned, list items on their list, unknown keys on no field", () => {
    expect(refusals({ lifecycle: { atRiskDays: 120 } })).toEqual([
      { field: "lifecycle.churnedDays", message: "Churned must be longer than at-risk" },
    ]);
    expect(refusals({ loyalty: { tiers: [{ name: "", minPoints: -1 }] } })).toEqual([
      { field: "loyalty.tiers", message: "Loyalty tiers cannot be empty" },
    ]);
    expect(refusals({ shopName: "x" })).toEqual([{ field: null, message: "shopName is not a setting" }]);
  });
});
