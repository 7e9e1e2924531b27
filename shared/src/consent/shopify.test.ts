import { describe, expect, it } from "vitest";
import { echoesOwnConsent, shopifyConsentEntries } from "./shopify";

const at = (iso: string) => new Date(iso);

describe("consent read from Shopify's customer record", () => {
  it("subscribed grants and unsubscribed revokes, at consent_updated_at, with the opt-in level", () => {
    const entries = shopifyConsentEntries(
      "706405506930370084",
      {
        email: {
          state: "subscribed",
          opt_in_level: "confirmed_opt_in",
          consent_updated_at: at("2026-11-01T10:00:00Z"),
        },
        sms: { state: "unsubscribed", opt_in_level: "single_opt_in", consent_updated_at: at("2026-11-02T10:00:00Z") },
      },
      at("2026-11-03T10:00:00Z"),
    );
    expect(entries).toEqual([
      {
        id: "shopify:706405506930370084:email:subscribed:2026-11-01T10:00:00.000Z",
        channel: "email",
        action: "granted",
        actedAt: at("2026-11-01T10:00:00Z"),
        text: "Shopify email marketing consent: subscribed, confirmed_opt_in",
      },
      {
        id: "shopify:706405506930370084:sms:unsubscribed:2026-11-02T10:00:00.000Z",
        channel: "sms",
        action: "revoked",
        actedAt: at("2026-11-02T10:00:00Z"),
        text: "Shopify sms marketing consent: unsubscribed, single_opt_in",
      },
    ]);
  });

  it("writes nothing for states that are not the customer's act, and dates a missing time by the record", () => {
    for (const state of ["not_subscribed", "pending", "invalid", "redacted", null]) {
      expect(
        shopifyConsentEntries(
          "1",
          { email: { state, opt_in_level: null, consent_updated_at: null } },
          at("2026-11-03T10:00:00Z"),
        ),
      ).toEqual([]);
    }
    expect(shopifyConsentEntries("1", { email: null, sms: undefined }, at("2026-11-03T10:00:00Z"))).toEqual([]);
    const [undated] = shopifyConsentEntries(
      "1",
      { sms: { state: "SUBSCRIBED", opt_in_level: null, consent_updated_at: null } },
      at("2026-11-03T10:00:00Z"),
    );
    expect(undated).toMatchObject({
      channel: "sms",
      action: "granted",
      actedAt: at("2026-11-03T10:00:00Z"),
      text: "Shopify sms marketing consent: subscribed",
    });
  });
});

describe("our own consent written back to Shopify and reported again", () => {
  const [echo] = shopifyConsentEntries(
    "42",
    {
      email: {
        state: "subscribed",
        opt_in_level: "single_opt_in",
        consent_updated_at: new Date("2026-11-25T06:00:00-05:00"),
      },
    },
    new Date("2026-11-26T00:00:00Z"),
  );
  const ours = { channel: "email", action: "granted" as const, actedAt: new Date("2026-11-25T11:00:00.480Z") };

  it("is the same act when channel, action and the second agree", () => {
    expect(echoesOwnConsent(echo!, [ours])).toBe(true);
  });

  it("is a new act when the action, the channel or the second differs", () => {
    expect(echoesOwnConsent(echo!, [{ ...ours, action: "revoked" }])).toBe(false);
    expect(echoesOwnConsent(echo!, [{ ...ours, channel: "sms" }])).toBe(false);
    expect(echoesOwnConsent(echo!, [{ ...ours, actedAt: new Date("2026-11-25T11:00:01Z") }])).toBe(false);
    expect(echoesOwnConsent(echo!, [])).toBe(false);
  });
});
