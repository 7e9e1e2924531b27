import { describe, expect, it } from "vitest";
import { isKnownTimeZone, shopSettingsSchema } from "./settings";

describe("shop settings: time zone and country", () => {
  it("knows real time zones and refuses invented ones", () => {
    expect(isKnownTimeZone("Europe/Berlin")).toBe(true);
    expect(isKnownTimeZone("UTC")).toBe(true);
    expect(isKnownTimeZone("Mars/Olympus")).toBe(false);
  });

  it("refuses an unknown time zone or country, naming the field and what it expects", () => {
    const result = shopSettingsSchema.safeParse({ timeZone: "Mars/Olympus", defaultCountry: "XX" });
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => [i.path.join("."), i.message]);
    expect(issues).toEqual([
      ["timeZone", "must be an IANA time zone such as Europe/Berlin"],
      ["defaultCountry", "must be a two-letter country code such as US or DE"],
    ]);
  });

  it("accepts the shop's real time zone and country", () => {
    const settings = shopSettingsSchema.parse({ timeZone: "America/Los_Angeles", defaultCountry: "DE" });
    expect(settings).toMatchObject({ timeZone: "America/Los_Angeles", defaultCountry: "DE" });
  });
});
