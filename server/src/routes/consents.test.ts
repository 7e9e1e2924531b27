import { CHANNELS, DEFAULT_CONSENT_TEXTS } from "@c360/shared";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { capture, createCustomer, grant } from "../test-support/consent-fixtures";
import { dbLabel, SHOP_A, startTestServer, type TestServer } from "../test-support/harness";

const consentCount = async (t: TestServer) =>
  Number((await queryRows<{ n: string }>(t.runtime.db.db, sql`SELECT count(*) AS n FROM consents`))[0]!.n);

describe(`consent texts and ledger (${dbLabel()})`, () => {
  let t: TestServer;
  let sarah: string;
  beforeEach(async () => {
    t = await startTestServer();
    sarah = await createCustomer(t, 501, { email: "sarah@millerhome.net", phone: "+14155550101" });
  });
  afterEach(async () => t.close());

  it("serves the defaults as version 1, publishes the next, still accepts captures of an older one", async () => {
    const first = await (await t.api("GET", "/api/consent-texts")).json();
    expect(first.texts).toHaveLength(4);
    expect(first.texts.every((x: { version: number; locale: string }) => x.version === 1 && x.locale === "en")).toBe(
      true,
    );

    const published = await t.api("POST", "/api/consent-texts", {
      body: { channel: "sms", locale: "en", text: "Text me deals. Reply STOP to stop." },
    });
    expect(published.status).toBe(201);
    expect((await published.json()).text).toMatchObject({ channel: "sms", version: 2 });
    const sms = (await (await t.api("GET", "/api/consent-texts")).json()).texts.filter(
      (x: { channel: string }) => x.channel === "sms",
    );
    expect(sms).toEqual([{ channel: "sms", locale: "en", version: 2, text: "Text me deals. Reply STOP to stop." }]);

    const old = await t.api("POST", "/api/consents", { body: capture(sarah, "sms") });
    expect(old.status).toBe(201);
    const current = await t.api("POST", "/api/consents", {
      body: capture(sarah, "sms", { textVersion: 2, text: "Text me deals. Reply STOP to stop." }),
    });
    expect(current.status).toBe(201);
  });

  it("refuses a capture whose text does not match its version, with the shared reason, writing nothing", async () => {
    const smsV1 = DEFAULT_CONSENT_TEXTS.find((x) => x.channel === "sms")!.text;
    const res = await t.api("POST", "/api/consents", {
      body: { consents: [capture(sarah, "email"), capture(sarah, "sms", { text: `${smsV1} Also calls.` })] },
    });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.error).toBe("consent_text_mismatch");
    expect(body.message).toContain("consent text for sms v1 (en) does not match what the shop published");
    const unknownVersion = await t.api("POST", "/api/consents", { body: capture(sarah, "sms", { textVersion: 7 }) });
    expect(unknownVersion.status).toBe(422);
    expect((await unknownVersion.json()).message).toContain("no consent text for sms v7 (en) is published by the shop");
    expect(await consentCount(t)).toBe(0);
  });

  it("stores the same capture id once and answers the stored row the second time", async () => {
    const body = capture(sarah, "email");
    const first = await t.api("POST", "/api/consents", { body });
    expect(first.status).toBe(201);
    const stored = (await first.json()).consent;
    t.clock.advanceDays(1);
    const again = await t.api("POST", "/api/consents", { body: { ...body, action: "revoked" } });
    expect(again.status).toBe(200);
    const answer = await again.json();
    expect(answer.status).toBe("duplicate");
    expect(answer.consent).toEqual(stored);
    expect(await consentCount(t)).toBe(1);
    const [shop] = await queryRows<{ consent_seq: string | number }>(
      t.runtime.db.db,
      sql`SELECT consent_seq FROM shops WHERE shop_id = ${SHOP_A}`,
    );
    expect(Number(shop!.consent_seq)).toBe(1);
  });

  it("finds the profile by Shopify customer id, and answers 404 for an unknown one", async () => {
    const byCustomer = await t.api("POST", "/api/consents", {
      body: { ...capture(sarah, "push"), profileId: undefined, shopifyCustomerId: "501" },
    });
    expect(byCustomer.status).toBe(201);
    expect((await byCustomer.json()).consent.profileId).toBe(sarah);
    const unknown = await t.api("POST", "/api/consents", { body: capture("no-such-profile", "push") });
    expect(unknown.status).toBe(404);
    expect(
      (
        await t.api("POST", "/api/consents", {
          body: { ...capture(sarah, "push"), profileId: undefined, shopifyCustomerId: "999" },
        })
      ).status,
    ).toBe(404);
    expect(await consentCount(t)).toBe(1);
  });

  it("orders by when the customer acted, whatever the arrival order; clamps a device clock running ahead", async () => {
    // The revocation reaches the server first; the grant, made earlier on an offline tablet, arrives later.
    await t.api("POST", "/api/consents", {
      body: capture(sarah, "sms", { action: "revoked", actedAt: "2026-11-24T10:00:00Z" }),
    });
    await t.api("POST", "/api/consents", {
      body: capture(sarah, "sms", { actedAt: "2026-11-20T10:00:00Z", source: "companion" }),
    });
    // A grant and a revocation at the same instant: the revocation wins.
    await t.api("POST", "/api/consents", { body: capture(sarah, "email", { actedAt: "2026-11-24T09:00:00Z" }) });
    await t.api("POST", "/api/consents", {
      body: capture(sarah, "email", { action: "revoked", actedAt: "2026-11-24T09:00:00Z" }),
    });
    const ahead = await t.api("POST", "/api/consents", {
      body: capture(sarah, "push", { actedAt: "2026-11-25T13:00:00Z" }),
    });
    expect((await ahead.json()).consent).toMatchObject({
      clamped: true,
      actedAt: "2026-11-25T12:00:00.000Z",
      deviceTime: "2026-11-25T13:00:00.000Z",
    });

    const view = await (await t.api("GET", `/api/profiles/${sarah}/consents`)).json();
    expect(view.current.sms).toEqual({ granted: false, since: "2026-11-24T10:00:00.000Z" });
    expect(view.current.email.granted).toBe(false);
    expect(view.current.push).toEqual({ granted: true, since: "2026-11-25T12:00:00.000Z" });
    expect(view.current.whatsapp).toEqual({ granted: false, since: null });
    expect(view.history.map((h: { seq: number }) => h.seq)).toEqual([2, 3, 4, 1, 5]);
    expect((await (await t.api("GET", "/api/consents/verify")).json()).intact).toBe(true);
  });

  it("a global unsubscribe blocks every channel at once", async () => {
    await grant(t, sarah, [...CHANNELS]);
    for (const channel of CHANNELS) {
      const res = await (await t.api("POST", "/api/gate/check", { body: { profileId: sarah, channel } })).json();
      expect(res).toMatchObject({ allowed: true, reason: "ok" });
    }
    const unsub = await t.api("POST", "/api/unsubscribe", { body: { email: " Sarah@MillerHome.net " } });
    expect(unsub.status).toBe(201);
    expect((await unsub.json()).consent).toMatchObject({ channel: "all", action: "revoked", profileId: sarah });
    for (const channel of CHANNELS) {
      const res = await (await t.api("POST", "/api/gate/check", { body: { profileId: sarah, channel } })).json();
      expect(res).toEqual({ profileId: sarah, allowed: false, reason: `no_consent:${channel}` });
      const sent = await (
        await t.api("POST", "/api/messages", { body: { profileId: sarah, channel, kind: "promo" } })
      ).json();
      expect(sent).toMatchObject({ status: "blocked", reason: `no_consent:${channel}` });
    }
    const [ledger] = await queryRows<{ n: string }>(
      t.runtime.db.db,
      sql`SELECT count(*) AS n FROM consents WHERE channel = 'all'`,
    );
    expect(Number(ledger!.n)).toBe(1);
    expect((await t.api("POST", "/api/unsubscribe", { body: { phone: "(415) 555-0101" } })).status).toBe(201);
    expect((await t.api("POST", "/api/unsubscribe", { body: { email: "nobody@millerhome.net" } })).status).toBe(404);
    expect((await t.api("POST", "/api/unsubscribe", { body: {} })).status).toBe(400);
  });

  it("detects a ledger row edited directly in SQL", async () => {
    await grant(t, sarah, ["email", "sms", "push"]);
    expect(await (await t.api("GET", "/api/consents/verify")).json()).toMatchObject({ intact: true, checked: 3 });
    await t.runtime.db.db.execute(sql`UPDATE consents SET text = 'I agree to everything' WHERE seq = 2`);
    const verdict = await (await t.api("GET", "/api/consents/verify")).json();
    expect(verdict).toMatchObject({ intact: false, checked: 1, brokenAt: { index: 1, seq: 2 } });
    expect(verdict.brokenAt.reason).toMatch(/altered/);
  });

  it("detects a removed row and rows cut off the end", async () => {
    await grant(t, sarah, ["email", "sms", "push"]);
    await t.runtime.db.db.execute(sql`DELETE FROM consents WHERE seq = 3`);
    expect(await (await t.api("GET", "/api/consents/verify")).json()).toMatchObject({
      intact: false,
      checked: 2,
      brokenAt: { seq: 3 },
    });
    await t.runtime.db.db.execute(sql`DELETE FROM consents WHERE seq = 2`);
    expect(await (await t.api("GET", "/api/consents/verify")).json()).toMatchObject({
      intact: false,
      brokenAt: { index: 1 },
    });
  });

  it("keeps each shop's chain apart", async () => {
    const other = await createCustomer(t, 777, { shop: "shop-b.myshopify.com", phone: "+14155550777" });
    await grant(t, sarah, ["email"]);
    await grant(t, other, ["email", "sms"], {}, "shop-b.myshopify.com");
    expect((await t.api("POST", "/api/consents", { body: capture(other, "push") })).status).toBe(404);
    const b = await (await t.api("GET", "/api/consents/verify", { shop: "shop-b.myshopify.com" })).json();
    expect(b).toMatchObject({ intact: true, checked: 2 });
    expect(await (await t.api("GET", "/api/consents/verify")).json()).toMatchObject({ intact: true, checked: 1 });
  });
});
