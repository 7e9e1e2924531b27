import { engagementScore } from "@c360/shared";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { dbLabel, SHOP_A, SHOP_B, startTestServer, type TestResponse, type TestServer } from "../test-support/harness";
import { grant } from "../test-support/consent-fixtures";
import { customerPayload } from "../test-support/payloads";

/** Storefront and message signals (#22): the web pixel's batches and the messaging tools' reports. */
describe(`storefront and message signals (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer({ rateLimits: { perShop: 3000, perDevice: 600, windowMs: 10_000, pixelPerClient: 5 } });
    await t.webhook("customers/create", customerPayload({ id: 7001, email: "sarah@mailbox.org", firstName: "Sarah" }));
    await t.webhook("customers/create", customerPayload({ id: 7002, email: "bob@mailbox.org", firstName: "Bob" }));
    await t.drain();
  });
  afterEach(async () => t.close());
  const request = async (path: string, init: RequestInit): Promise<TestResponse> => t.runtime.app.request(path, init);

  const ago = (minutes: number) => new Date(t.clock().getTime() - minutes * 60_000).toISOString();
  let seq = 0;
  const event = (name: string, extra: Record<string, unknown> = {}) => ({
    id: `evt-${++seq}`,
    name,
    at: ago(5),
    ...extra,
  });
  const pixel = (batch: unknown, shop = SHOP_A): Promise<TestResponse> =>
    request("/pixel/events", {
      method: "POST",
      // sendBeacon's default: text/plain, so the browser sends no preflight
      headers: { "content-type": "text/plain;charset=UTF-8" },
      body: typeof batch === "string" ? batch : JSON.stringify({ shop, ...(batch as object) }),
    });
  const profileOf = async (shopifyId: number) =>
    (await t.api("GET", `/api/profiles/by-shopify-customer/${shopifyId}`)).json();
  const newKey = async () =>
    (await (await t.api("POST", "/api/messaging-keys", { body: { name: "Klaviyo" } })).json()).key as string;
  const report = (key: string, events: unknown[]): Promise<TestResponse> =>
    request("/messaging/events", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ events }),
    });

  it("links two storefront sessions to one Sarah at checkout; a reply moves her engagement score", async () => {
    // Browser 1 browses anonymously: stored against the browser, nobody's yet.
    const browse = await pixel({
      clientId: "client-laptop-1",
      sessionId: "session-laptop-1",
      events: [
        event("page_viewed"),
        event("product_viewed", { productId: "gid://shopify/Product/111" }),
        event("product_added_to_cart", { productId: "111" }),
      ],
    });
    expect(browse.status).toBe(202);
    expect(await browse.json()).toEqual({ stored: 3, duplicates: 0, heldBack: 0, linked: false });
    // ...then checks out with her email: the session is hers.
    const checkout = await pixel({
      clientId: "client-laptop-1",
      sessionId: "session-laptop-1",
      events: [event("checkout_completed", { email: " Sarah@Mailbox.org ", phone: "+14155550123" })],
    });
    expect(await checkout.json()).toMatchObject({ stored: 1, linked: true });
    // Her phone, another day: another browser and session, signed in.
    const phone = await pixel({
      clientId: "client-phone-22",
      sessionId: "session-phone-22",
      events: [
        event("page_viewed"),
        event("customer_identified", { email: "sarah@mailbox.org", shopifyCustomerId: "gid://shopify/Customer/7001" }),
      ],
    });
    expect(await phone.json()).toMatchObject({ stored: 2, linked: true });

    const sarah = await profileOf(7001);
    const kinds = (sarah.identifiers as { kind: string; value: string }[]).map((i) => `${i.kind}:${i.value}`).sort();
    expect(kinds).toEqual([
      "device:client-laptop-1",
      "device:client-phone-22",
      "email:sarah@mailbox.org",
      "phone:+14155550123",
      "shopify:7001",
    ]);
    const [row] = await queryRows<{
      web_sessions_30d: number;
      last_seen_online_at: Date | string;
      viewed_product_ids: unknown;
      engagement_score: number;
    }>(
      t.runtime.db.db,
      sql`SELECT web_sessions_30d, last_seen_online_at, viewed_product_ids, engagement_score FROM profiles
        WHERE shop_id = ${SHOP_A} AND id = ${sarah.profileId}`,
    );
    expect(row!.web_sessions_30d).toBe(2);
    expect(new Date(row!.last_seen_online_at).toISOString()).toBe(ago(5));
    const viewed =
      typeof row!.viewed_product_ids === "string" ? JSON.parse(row!.viewed_product_ids) : row!.viewed_product_ids;
    expect(viewed).toEqual(["111"]);
    // Two sessions of four that saturate: 0.4 × 2/4.
    const before = engagementScore({ opens30d: 0, replies30d: 0, visits30d: 2 });
    expect(before).toBe(0.2);
    expect(sarah.engagementScore).toBeCloseTo(before, 6);
    // Only one Sarah in the shop.
    const [count] = await queryRows<{ n: number }>(
      t.runtime.db.db,
      sql`SELECT count(*)::int AS n FROM profiles WHERE shop_id = ${SHOP_A} AND status = 'active'
        AND first_name = 'Sarah'`,
    );
    expect(count!.n).toBe(1);

    // Her messaging tool reports an open (weak) and a reply (strong) to her email.
    const key = await newKey();
    const reported = await report(key, [
      { id: "klv-open-1", kind: "opened", channel: "email", at: ago(3), customer: { email: "sarah@mailbox.org" } },
      { id: "klv-reply-1", kind: "replied", channel: "email", at: ago(2), customer: { email: "SARAH@mailbox.org" } },
    ]);
    expect(reported.status).toBe(200);
    expect(await reported.json()).toMatchObject({ recorded: 2, duplicates: 0, unknownCustomers: 0 });
    const after = (await profileOf(7001)).engagementScore;
    expect(after).toBeCloseTo(engagementScore({ opens30d: 1, replies30d: 1, visits30d: 2 }), 6);
    expect(after).toBeCloseTo(0.425, 6);

    // The whole-shop pass computes the same score in SQL.
    await t.runtime.db.db.execute(
      sql`UPDATE profiles SET engagement_score = NULL, web_sessions_30d = 0 WHERE shop_id = ${SHOP_A}`,
    );
    await t.api("POST", "/api/enrichment/recompute");
    const recomputed = await profileOf(7001);
    expect(recomputed.engagementScore).toBeCloseTo(0.425, 6);
    const [again] = await queryRows<{ web_sessions_30d: number }>(
      t.runtime.db.db,
      sql`SELECT web_sessions_30d FROM profiles WHERE shop_id = ${SHOP_A} AND id = ${sarah.profileId}`,
    );
    expect(again!.web_sessions_30d).toBe(2);
  });

  it("never lets a browser alone tie two customers who each have an email (a shared family computer)", async () => {
    await pixel({
      clientId: "family-pc-001",
      sessionId: "family-s-1",
      events: [event("checkout_completed", { email: "sarah@mailbox.org" })],
    });
    const bob = await pixel({
      clientId: "family-pc-001",
      sessionId: "family-s-2",
      events: [event("checkout_completed", { email: "bob@mailbox.org" })],
    });
    expect(bob.status).toBe(202);
    const sarah = await profileOf(7001);
    const bobProfile = await profileOf(7002);
    expect(sarah.profileId).not.toBe(bobProfile.profileId);
    expect(sarah.status).toBe("active");
    expect(bobProfile.status).toBe("active");
    const emails = (p: { identifiers: { kind: string; value: string }[] }) =>
      p.identifiers.filter((i) => i.kind === "email").map((i) => i.value);
    expect(emails(sarah)).toEqual(["sarah@mailbox.org"]);
    expect(emails(bobProfile)).toEqual(["bob@mailbox.org"]);
  });

  it("takes a resent batch once, an anonymous browser creates no profile, a junk email links nothing", async () => {
    const [{ n: profilesBefore }] = (await queryRows<{ n: number }>(
      t.runtime.db.db,
      sql`SELECT count(*)::int AS n FROM profiles`,
    )) as [{ n: number }];
    const batch = {
      clientId: "anon-client-1",
      sessionId: "anon-sess-1",
      events: [event("page_viewed"), event("checkout_started", { email: "test@test.com" })],
    };
    expect(await (await pixel(batch)).json()).toEqual({ stored: 2, duplicates: 0, heldBack: 0, linked: false });
    expect(await (await pixel(batch)).json()).toEqual({ stored: 0, duplicates: 2, heldBack: 0, linked: false });
    const [{ n: profilesAfter }] = (await queryRows<{ n: number }>(
      t.runtime.db.db,
      sql`SELECT count(*)::int AS n FROM profiles`,
    )) as [{ n: number }];
    expect(profilesAfter).toBe(profilesBefore);
  });

  it("accepts only installed shops, and rate-limits each browser", async () => {
    const batch = { clientId: "client-limit-1", sessionId: "sess-limit-1", events: [event("page_viewed")] };
    const unknown = await pixel(batch, "never-installed.myshopify.com");
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toBe("unknown_shop");
    await t.webhook("app/uninstalled", { id: 1, myshopify_domain: SHOP_B, domain: SHOP_B }, { shop: SHOP_B });
    await t.drain();
    expect((await pixel(batch, SHOP_B)).status).toBe(404);

    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await pixel({ ...batch, events: [event("page_viewed")] })).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429, 429]);
    // Another browser of the same shop has its own allowance.
    expect((await pixel({ ...batch, clientId: "client-limit-2", events: [event("page_viewed")] })).status).toBe(202);
  });

  it("answers a browser's preflight and names the bad field of a refused batch", async () => {
    const preflight: TestResponse = await t.runtime.app.request("/pixel/events", {
      method: "OPTIONS",
      headers: {
        origin: "https://shop-a.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    const bad = await pixel({
      clientId: "client-bad-1",
      sessionId: "sess-bad-1",
      events: [{ ...event("page_viewed"), at: "yesterday" }],
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toContain("events.0.at");
    const tooMany = await pixel({
      clientId: "client-bad-1",
      sessionId: "sess-bad-1",
      events: Array.from({ length: 21 }, () => event("page_viewed")),
    });
    expect(tooMany.status).toBe(400);
  });

  it("keeps an erased customer's browser and email from coming back", async () => {
    await pixel({
      clientId: "erased-browser-1",
      sessionId: "erased-s-1",
      events: [event("checkout_completed", { email: "sarah@mailbox.org" })],
    });
    const sarah = await profileOf(7001);
    const erased = await t.api("POST", `/api/gdpr/profiles/${sarah.profileId}/erase`, { body: { confirm: true } });
    expect(erased.status).toBeLessThan(300);
    const [{ n: left }] = (await queryRows<{ n: number }>(
      t.runtime.db.db,
      sql`SELECT count(*)::int AS n FROM web_events WHERE shop_id = ${SHOP_A} AND client_id = 'erased-browser-1'`,
    )) as [{ n: number }];
    expect(left).toBe(0);
    // A batch the browser made before the erase (a retry) is held back, not linked again.
    const late = await pixel({
      clientId: "erased-browser-1",
      sessionId: "erased-s-1",
      events: [{ id: "late-1", name: "checkout_completed", at: ago(60), email: "sarah@mailbox.org" }],
    });
    expect(await late.json()).toEqual({ stored: 0, duplicates: 0, heldBack: 1, linked: false });
    const [{ n: links }] = (await queryRows<{ n: number }>(
      t.runtime.db.db,
      sql`SELECT count(*)::int AS n FROM identifiers WHERE shop_id = ${SHOP_A}
        AND value IN ('erased-browser-1', 'sarah@mailbox.org')`,
    )) as [{ n: number }];
    expect(links).toBe(0);
  });

  it("lets the audience gate pick customers by engagement score and lifecycle stage", async () => {
    const sarah = (await profileOf(7001)).profileId as string;
    const bob = (await profileOf(7002)).profileId as string;
    await grant(t, sarah, ["email"]);
    await grant(t, bob, ["email"]);
    const key = await newKey();
    await report(key, [
      { id: "click-1", kind: "clicked", channel: "email", at: ago(2), customer: { email: "sarah@mailbox.org" } },
    ]);
    const audience = async (filters?: unknown) =>
      (
        await t.api("POST", "/api/gate/audience", {
          body: { all: true, channel: "email", ...(filters ? { filters } : {}) },
        })
      ).json();
    expect(await audience()).toMatchObject({ total: 2, allowed: 2 });
    expect(await audience({ minEngagement: 0.2 })).toMatchObject({ total: 1, allowed: 1, allowedIds: [sarah] });
    expect(await audience({ maxEngagement: 0.1 })).toMatchObject({ total: 1, allowed: 1, allowedIds: [bob] });
    expect(await audience({ minEngagement: 0.5 })).toMatchObject({ total: 0, allowed: 0 });
    expect(await audience({ lifecycleStages: ["new"], minEngagement: 0.2 })).toMatchObject({
      total: 1,
      allowedIds: [sarah],
    });
    const refused = await t.api("POST", "/api/gate/audience", {
      body: { all: true, channel: "email", filters: { minEngagement: 2 } },
    });
    expect(refused.status).toBe(400);
    expect((await refused.json()).message).toContain("filters.minEngagement");
  });
});
