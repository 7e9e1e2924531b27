import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { dbLabel, SHOP_A, SHOP_B, startTestServer, type TestServer } from "../test-support/harness";
import { customerPayload, orderPayload } from "../test-support/payloads";

/**
 * Every session-token route, enumerated from the app itself so a new route cannot skip this test: a
 * token of shop B asking for shop A's IDs gets 404, reads nothing of shop A and writes nothing there.
 */
const MARKERS = ["Qwertina", "Zyxwvutson", "880001", "qwertina.z@mailbox.org"];

describe(`shop isolation on every route (${dbLabel()})`, () => {
  let t: TestServer;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestServer();
    const customer = {
      id: 7001,
      email: MARKERS[3],
      phone: "+14152008888",
      firstName: MARKERS[0],
      lastName: MARKERS[1],
    };
    await t.webhook("customers/create", customerPayload(customer));
    await t.webhook("orders/create", {
      ...orderPayload({ id: 880001, customerId: 7001, email: MARKERS[3], total: "123.45" }),
      customer: { id: 7001, email: MARKERS[3], first_name: MARKERS[0], last_name: MARKERS[1] },
    });
    // A second Shopify customer on the same phone: a duplicate candidate in shop A.
    await t.webhook(
      "customers/create",
      customerPayload({
        id: 7002,
        email: "housemate@mailbox.org",
        phone: "+14152008888",
        firstName: MARKERS[0],
        lastName: MARKERS[1],
      }),
    );
    await t.drain();
    const profile = await (await t.api("GET", "/api/profiles/by-shopify-customer/7001")).json();
    ids.profile = profile.profileId;
    ids.shopifyCustomer = "7001";
    // A merge in shop A: an email-only and a phone-only profile, then one event that carries both.
    await t.api("POST", "/api/identify", { body: { identifiers: { email: "walkin@mailbox.org" } } });
    await t.api("POST", "/api/identify", { body: { identifiers: { phone: "+14152009999" } } });
    await t.api("POST", "/api/identify", {
      body: { identifiers: { email: "walkin@mailbox.org", phone: "+14152009999" } },
    });
    const one = async (q: ReturnType<typeof sql>) =>
      (await queryRows<{ id: string }>(t.runtime.db.db, q))[0]?.id ?? "missing";
    ids.candidate = await one(sql`SELECT id FROM merge_candidates WHERE shop_id = ${SHOP_A} LIMIT 1`);
    ids.merge = await one(sql`SELECT id FROM merges WHERE shop_id = ${SHOP_A} LIMIT 1`);
    const code = await (await t.api("POST", "/api/devices/pairing-codes", { body: {} })).json();
    const paired = await (
      await t.api("POST", "/api/sync/pair", { token: null, body: { code: code.code, deviceName: "A's tablet" } })
    ).json();
    ids.device = paired.deviceId;
    await t.runtime.db.db.execute(sql`INSERT INTO dead_letters (shop_id, id, kind, ref, attempts, last_error, failed_at)
      VALUES (${SHOP_A}, 'dead-a', 'webhook', 'x', 8, ${MARKERS[1]}, now())`);
    ids.deadLetter = "dead-a";
    await t.webhook("customers/data_request", { shop_domain: SHOP_A, customer: { id: 7001, email: MARKERS[3] } });
    await t.drain();
    ids.dataRequest = await one(sql`SELECT id FROM data_requests WHERE shop_id = ${SHOP_A} LIMIT 1`);
    // Points held at shop A's register (the order above earned them).
    ids.redemption = crypto.randomUUID();
    const held = await t.api("POST", "/api/pos/redemptions", {
      body: { redemptionId: ids.redemption, shopifyCustomerId: "7001", points: 100 },
    });
    expect(held.status, "shop A's redemption").toBe(201);
    // A messaging API key of shop A's (shop B must not be able to revoke it).
    ids.messagingKey = (await (await t.api("POST", "/api/messaging-keys", { body: { name: "A's tool" } })).json()).id;
    // A "Recompute now" of shop A's (shop B must not read its status).
    ids.recompute = (await (await t.api("POST", "/api/dashboard/recompute")).json()).jobId;
    for (const [k, v] of Object.entries(ids)) expect(v, `fixture ${k}`).not.toBe("missing");
  });
  afterAll(async () => t.close());

  /** Shop A's rows, per table: any write by shop B's token shows up here. */
  const shopAState = async () => {
    const tables = await queryRows<{ table_name: string }>(
      t.runtime.db.db,
      sql`SELECT table_name FROM information_schema.columns WHERE column_name = 'shop_id' AND table_schema = 'public'
        ORDER BY table_name`,
    );
    const state: Record<string, string> = {};
    for (const { table_name } of tables) {
      const [row] = await queryRows<{ digest: string | null }>(
        t.runtime.db.db,
        sql`SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) AS digest
          FROM ${sql.identifier(table_name)} x WHERE shop_id = ${SHOP_A}`,
      );
      state[table_name] = row?.digest ?? "";
    }
    return state;
  };

  /** Which of shop A's IDs goes into each path parameter. */
  const paramValue = (path: string, param: string): string | null => {
    if (param === "shopifyCustomerId" || path.includes("/by-shopify-customer/")) return ids.shopifyCustomer!;
    if (param === "userId") return null; // the caller's own shop's grants: not a shop-A resource
    if (path.startsWith("/api/profiles/") || path.startsWith("/api/gdpr/profiles/")) return ids.profile!;
    if (path.startsWith("/api/duplicates/")) return ids.candidate!;
    if (path.startsWith("/api/merges/")) return ids.merge!;
    if (path.startsWith("/api/devices/")) return ids.device!;
    if (path.startsWith("/api/webhooks/dead/")) return ids.deadLetter!;
    if (path.startsWith("/api/gdpr/data-requests/")) return ids.dataRequest!;
    if (path.startsWith("/api/pos/redemptions/")) return ids.redemption!;
    if (path.startsWith("/api/messaging-keys/")) return ids.messagingKey!;
    if (path.startsWith("/api/dashboard/recompute/")) return ids.recompute!;
    throw new Error(`the isolation test does not know which shop-A ID goes into :${param} of ${path}; add it`);
  };

  it("answers shop B's token with 404 for shop A's IDs, and never shows or changes shop A's data", async () => {
    const routes = t.runtime.app.routes.filter(
      (r) => r.method !== "ALL" && r.path.startsWith("/api/") && !r.path.startsWith("/api/sync/"),
    );
    const unique = [...new Map(routes.map((r) => [`${r.method} ${r.path}`, r])).values()];
    expect(unique.length).toBeGreaterThan(30);
    const before = await shopAState();
    const body = {
      profileId: ids.profile,
      profileIds: [ids.profile],
      shopifyCustomerId: ids.shopifyCustomer,
      customer: ids.shopifyCustomer,
      channel: "email",
      kind: "promo",
      email: MARKERS[3],
      identifiers: { shopifyCustomerId: ids.shopifyCustomer },
      id: crypto.randomUUID(),
      userId: "agency-x",
    };
    const tried: string[] = [];
    for (const route of unique) {
      let targetsShopA = false;
      const path = route.path.replace(/:([A-Za-z]+)/g, (_, param: string) => {
        const value = paramValue(route.path, param);
        if (value === null) return "agency-x";
        targetsShopA = true;
        return encodeURIComponent(value);
      });
      const query =
        `?profileId=${ids.profile}&customer=${ids.shopifyCustomer}` +
        `&lines=9001&query=${encodeURIComponent(MARKERS[3]!)}`;
      // A route aimed at one of shop A's rows gets a minimal valid body, so it is the lookup that answers, not
      // validation (completing a redemption names the order it made).
      const minimal = route.path.startsWith("/api/pos/redemptions/") ? { orderId: "880001" } : {};
      const payload = route.method === "GET" || route.method === "DELETE" ? undefined : targetsShopA ? minimal : body;
      const res = await t.api(route.method, `${path}${query}`, { shop: SHOP_B, body: payload });
      const text = await res.text();
      tried.push(`${route.method} ${route.path} → ${res.status}`);
      expect(res.status, `${route.method} ${route.path}: ${text.slice(0, 200)}`).toBeLessThan(500);
      if (targetsShopA) expect(res.status, `${route.method} ${route.path} with shop A's ID`).toBe(404);
      for (const marker of MARKERS.slice(0, 3))
        expect(text, `${route.method} ${route.path} leaked shop A data`).not.toContain(marker);
    }
    expect(await shopAState()).toEqual(before);
    console.log(`shop isolation: ${tried.length} routes tried with shop B's token`);
  });
});
