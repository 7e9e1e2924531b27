import { describe, expect, it } from "vitest";
import { consentTextToShow, latestConsentTexts } from "./text-choice";

const texts = [
  { channel: "email" as const, locale: "en", version: 1, text: "Yes v1" },
  { channel: "email" as const, locale: "en", version: 2, text: "Yes v2" },
  { channel: "email" as const, locale: "fr", version: 1, text: "Oui" },
  { channel: "email" as const, locale: "de-AT", version: 1, text: "Ja (AT)" },
  { channel: "sms" as const, locale: "en-GB", version: 3, text: "SMS" },
];

describe("consentTextToShow", () => {
  it("prefers the exact locale, then the language, then English, newest version", () => {
    expect(consentTextToShow(texts, "email", "de-AT")?.text).toBe("Ja (AT)");
    expect(consentTextToShow(texts, "email", "fr-CA")?.text).toBe("Oui");
    expect(consentTextToShow(texts, "email", "nl")?.text).toBe("Yes v2");
    expect(consentTextToShow(texts, "email", "EN")?.text).toBe("Yes v2");
    expect(consentTextToShow(texts, "sms", "de")?.locale).toBe("en-GB");
    expect(consentTextToShow(texts, "push", "en")).toBeUndefined();
  });
});

describe("latestConsentTexts", () => {
  it("keeps the newest version of each channel and locale, in a stable order", () => {
    expect(latestConsentTexts(texts).map((t) => `${t.channel}/${t.locale}/v${t.version}`)).toEqual([
      "email/de-AT/v1",
      "email/en/v2",
      "email/fr/v1",
      "sms/en-GB/v3",
    ]);
  });
});
