import { describe, expect, it } from "vitest";
import type { ConsentCaptureBody } from "./api";
import { channelConsentRows, channelsToAsk, pickConsentText, staffOf } from "./consent-capture";
import { lastVisitLabel, nextTierLine, tileFace } from "./customer-summary";
import { newUuid } from "./ids";
import type { OutboxEntry } from "./offline-queue";
import { MAX_CACHED_PROFILES, offlineLabel, rememberProfile } from "./profile-cache";
import { CONSENT_TEXTS, customerView } from "./test-support";
import { decideVisit } from "./visits";

describe("decideVisit", () => {
  const id = () => "v1";
  it("logs a customer newly attached to the cart", () => {
    expect(decideVisit(null, { customerId: "1", lineCount: 0 }, id)).toEqual({
      action: "log",
      visitId: "v1",
      shopifyCustomerId: "1",
      next: { shopifyCustomerIds: ["1"] },
    });
  });
  it("does not log the same customer twice in one cart", () => {
    expect(decideVisit({ shopifyCustomerIds: ["1"] }, { customerId: "1", lineCount: 3 }, id)).toEqual({
      action: "none",
    });
  });
  it("keeps the cart's visits while lines remain, forgets them when the cart is empty", () => {
    expect(decideVisit({ shopifyCustomerIds: ["1"] }, { customerId: null, lineCount: 2 }, id)).toEqual({
      action: "none",
    });
    expect(decideVisit({ shopifyCustomerIds: ["1"] }, { customerId: null, lineCount: 0 }, id)).toEqual({
      action: "forget",
    });
  });
});

describe("consent rules", () => {
  it("picks the newest text in the register's language, falling back to English", () => {
    const texts = [...CONSENT_TEXTS, { channel: "email" as const, locale: "fr", version: 1, text: "J'accepte…" }];
    expect(pickConsentText(texts, "email", "en-US")?.version).toBe(3);
    expect(pickConsentText(texts, "email", "fr-CA")?.text).toBe("J'accepte…");
    expect(pickConsentText(texts, "sms", "de-DE")?.locale).toBe("en");
    expect(pickConsentText([], "sms", "en")).toBeUndefined();
  });

  it("a capture waiting in the outbox shows as pending over the server's state", () => {
    const pending = [
      {
        kind: "consent",
        id: "x",
        queuedAt: "",
        body: { shopifyCustomerId: "1", channel: "sms", action: "granted" } as ConsentCaptureBody,
      },
    ] as OutboxEntry[];
    const view = customerView({
      consent: { ...customerView().consent, email: { granted: true, since: "2026-01-01T00:00:00Z" } },
    });
    const rows = channelConsentRows(view, pending, "1");
    expect(rows.map((r) => r.state)).toEqual(["granted", "grant_pending_sync", "not_granted", "not_granted"]);
    expect(channelsToAsk(rows)).toEqual(["whatsapp", "push"]);
  });

  it("staff comes from the session: staff member, else the signed-in user", () => {
    expect(staffOf({ locationId: 1, staffMemberId: 7, userId: 9 })).toBe("7");
    expect(staffOf({ locationId: 1, userId: 9 })).toBe("9");
  });
});

describe("what the register shows", () => {
  it("tile: no customer keeps the tile usable; a customer shows tier and a badge for what needs attention", () => {
    expect(tileFace({ kind: "no_customer" })).toMatchObject({ title: "Customer 360", badgeValue: undefined });
    const face = tileFace({
      kind: "profile",
      view: customerView({ openDuplicates: 0 }),
      consentRows: channelConsentRows(customerView(), [], "123"),
      offlineLabel: null,
    });
    expect(face).toEqual({ title: "Sarah Lee", subtitle: "Silver · no marketing consent yet", badgeValue: 1 });
  });

  it("loyalty line and last visit", () => {
    expect(nextTierLine({ nextTier: "Gold", pointsToNextTier: 120 })).toBe("120 points to Gold");
    expect(nextTierLine({ nextTier: null, pointsToNextTier: null })).toBe("Top tier");
    const now = new Date("2026-03-10T12:00:00Z");
    expect(lastVisitLabel(null, now)).toBe("No visit yet");
    expect(lastVisitLabel("2026-03-10T08:00:00Z", now)).toBe("Today");
    expect(lastVisitLabel("2026-03-01T08:00:00Z", now)).toBe("9 days ago");
  });

  it("offline label is HH:MM in the given clock", () => {
    expect(offlineLabel("2026-03-02T14:05:00.000Z", "UTC")).toBe("offline, as of 14:05");
    expect(offlineLabel("2026-03-02T14:05:00.000Z", "Europe/Paris")).toBe("offline, as of 15:05");
  });

  it("the profile cache keeps the most recent customers only", () => {
    let kept: ReturnType<typeof rememberProfile> = [];
    for (let i = 0; i < MAX_CACHED_PROFILES + 5; i++)
      kept = rememberProfile(kept, { shopifyCustomerId: String(i), view: customerView(), fetchedAt: "" });
    kept = rememberProfile(kept, { shopifyCustomerId: "10", view: customerView(), fetchedAt: "later" });
    expect(kept).toHaveLength(MAX_CACHED_PROFILES);
    expect(kept[0]).toMatchObject({ shopifyCustomerId: "10", fetchedAt: "later" });
  });

  it("client IDs are v4 UUIDs", () => {
    expect(newUuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
