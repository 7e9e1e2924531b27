import { describe, expect, it } from "vitest";
import { CHANNELS } from "../settings";
import { DEFAULT_CONSENT_TEXTS, consentTextSchema, matchesConsentText, type ConsentText } from "./texts";

const published: ConsentText[] = [
  { channel: "sms", locale: "en", version: 1, text: "Yes, text me offers. Reply STOP to opt out." },
  { channel: "sms", locale: "en", version: 2, text: "Yes, text me offers and loyalty news. Reply STOP to opt out." },
  { channel: "sms", locale: "de", version: 2, text: "Ja, schickt mir Angebote per SMS. Abmelden mit STOP." },
];

describe("matchesConsentText", () => {
  it("accepts the exact published text for that channel, locale and version", () => {
    expect(matchesConsentText(published[1]!, published)).toEqual({ ok: true });
    expect(matchesConsentText(published[2]!, published)).toEqual({ ok: true });
  });

  it("forgives surrounding whitespace only", () => {
    expect(matchesConsentText({ ...published[1]!, text: `  ${published[1]!.text}\n` }, published)).toEqual({
      ok: true,
    });
  });

  it.each([
    ["a changed word", "Yes, text me offers and loyalty news. Reply STOP to unsubscribe."],
    ["different case", "yes, text me offers and loyalty news. Reply STOP to opt out."],
    ["doubled inner space", "Yes, text me  offers and loyalty news. Reply STOP to opt out."],
    ["an older version's text", "Yes, text me offers. Reply STOP to opt out."],
  ])("rejects %s with a reason a clerk can act on", (_label, text) => {
    expect(matchesConsentText({ channel: "sms", locale: "en", version: 2, text }, published)).toEqual({
      ok: false,
      reason: "consent text for sms v2 (en) does not match what the shop published",
    });
  });

  it("rejects a version, locale or channel the shop never published", () => {
    expect(matchesConsentText({ ...published[0]!, version: 3 }, published)).toEqual({
      ok: false,
      reason: "no consent text for sms v3 (en) is published by the shop",
    });
    expect(matchesConsentText({ ...published[0]!, locale: "fr" }, published)).toMatchObject({ ok: false });
    expect(matchesConsentText({ ...published[0]!, channel: "whatsapp" }, published)).toMatchObject({ ok: false });
  });
});

describe("DEFAULT_CONSENT_TEXTS", () => {
  it("has one valid English version-1 text per channel", () => {
    expect(DEFAULT_CONSENT_TEXTS.map((t) => t.channel)).toEqual([...CHANNELS]);
    for (const text of DEFAULT_CONSENT_TEXTS) {
      expect(consentTextSchema.parse(text)).toEqual(text);
      expect(text).toMatchObject({ locale: "en", version: 1 });
      expect(matchesConsentText(text, DEFAULT_CONSENT_TEXTS)).toEqual({ ok: true });
    }
  });

  it("cannot be changed at run time", () => {
    expect(Object.isFrozen(DEFAULT_CONSENT_TEXTS)).toBe(true);
    expect(Object.isFrozen(DEFAULT_CONSENT_TEXTS[0])).toBe(true);
  });
});
