import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { eraseProfile, previewErasure } from "../services/gdpr";
import { loadShop } from "../services/shop";
import { grant } from "../test-support/consent-fixtures";
import { dbLabel, SHOP_A, SHOP_B, startTestServer, type TestServer } from "../test-support/harness";
import { orderPayload, refundPayload } from "../test-support/payloads";

const TABLES = [
  "profiles",
  "identifiers",
  "identity_events",
  "orders",
  "order_lines",
  "refunds",
  "visits",
  "consents",
  "consent_texts",
  "loyalty_ledger",
  "messages",
  "merges",
  "merge_candidates",
  "webhook_deliveries",
  "jobs",
  "data_requests",
  "profile_changes",
  "shops",
];

/** Every row of every table the GDPR pipelines touch, as text, per shop: a before/after picture. */
async function picture(t: TestServer, shopId: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of TABLES) {
    const rows = await queryRows<{ r: string }>(
      t.runtime.db.db,
      sql`SELECT x::text AS r FROM ${sql.identifier(table)} x WHERE shop_id = ${shopId} ORDER BY 1`,
    );
    out[table] = rows.map((r) => r.r);
  }
  return out;
}

/** Sarah: two orders (one refunded), a merged-in second profile, consents, messages, a conflict candidate. */
async function seedSarah(t: TestServer, shop = SHOP_A) {
  await t.webhook(
    "orders/create",
    orderPayload({ id: 901, customerId: 71, email: "sarah@millerhome.net", phone: "+14155550123", total: "80.00" }),
    { shop },
  );
  await t.webhook(
    "orders/create",
    orderPayload({
      id: 902,
      customerId: null,
      email: "sarah.work@acme-corp.io",
      total: "30.00",
      createdAt: "2026-11-21T10:00:00Z",
    }),
    { shop },
  );
  await t.drain();
  // One order ties both emails together: the second profile merges into the first.
  await t.webhook(
    "orders/create",
    orderPayload({
      id: 903,
      customerId: 71,
      email: "sarah.work@acme-corp.io",
      total: "20.00",
      createdAt: "2026-11-22T10:00:00Z",
    }),
    { shop },
  );
  await t.webhook("refunds/create", refundPayload({ id: 9901, orderId: 901, amount: "10.00" }), { shop });
  // Someone sharing the household phone: a candidate, not a merge.
  await t.webhook(
    "orders/create",
    orderPayload({ id: 904, customerId: 72, email: "tom@millerhome.net", phone: "+14155550123", total: "15.00" }),
    { shop },
  );
  await t.drain();
  const sarah = (await (await t.api("GET", "/api/profiles/by-shopify-customer/71", { shop })).json())
    .profileId as string;
  await grant(t, sarah, ["email", "sms"], {}, shop);
  await t.api("POST", "/api/messages", { body: { profileId: sarah, channel: "email", kind: "welcome" }, shop });
  await t.api("POST", "/api/messages", { body: { profileId: sarah, channel: "whatsapp", kind: "promo" }, shop });
  return sarah;
}

const count = async (t: TestServer, table: string, where = sql`true`) =>
  Number(
    (
      await queryRows<{ n: string }>(
        t.runtime.db.db,
        sql`SELECT count(*) AS n FROM ${sql.identifier(table)} WHERE ${where}`,
      )
    )[0]!.n,
  );

describe(`GDPR (${dbLabel()})`, () => {
  let t: TestServer;
  let sarah: string;
  beforeEach(async () => {
    t = await startTestServer();
    sarah = await seedSarah(t);
  });
  afterEach(async () => t.close());

  it("previews exactly what the erase then changes", async () => {
    const before = await picture(t, SHOP_A);
    const preview = await (await t.api("GET", `/api/gdpr/profiles/${sarah}/preview`)).json();
    expect(preview.willChange.profiles).toBeGreaterThanOrEqual(1);
    expect(preview.willChange).toMatchObject({
      orders: 3,
      identifiers: 4,
      consents: 2,
      messages: 2,
      mergeCandidates: 1,
      mergeSnapshots: 1,
      tombstones: 1,
    });
    expect(await picture(t, SHOP_A)).toEqual(before);

    const res = await t.api("POST", `/api/gdpr/profiles/${sarah}/erase`);
    expect(res.status).toBe(200);
    const erased = await res.json();
    expect(erased.changed).toEqual(preview.willChange);

    // The effect, counted independently from the tables.
    const after = await picture(t, SHOP_A);
    const diff = (table: string) => before[table]!.filter((r) => !after[table]!.includes(r)).length;
    expect(diff("identifiers")).toBe(preview.willChange.identifiers);
    expect(diff("identity_events")).toBe(preview.willChange.identityEvents);
    expect(diff("consents")).toBe(preview.willChange.consents);
    expect(diff("messages")).toBe(preview.willChange.messages);
    expect(diff("merge_candidates")).toBe(preview.willChange.mergeCandidates);
    expect(diff("merges")).toBe(preview.willChange.mergeSnapshots);
    expect(diff("orders")).toBe(preview.willChange.orders);
    expect(diff("profiles")).toBe(preview.willChange.profiles);
    expect(diff("webhook_deliveries")).toBe(preview.willChange.webhookPayloads);

    const [profile] = await queryRows<Record<string, unknown>>(
      t.runtime.db.db,
      sql`SELECT * FROM profiles WHERE id = ${sarah}`,
    );
    expect(profile).toMatchObject({ status: "erased", first_name: null, last_name: null, order_count: 3 });
    expect(await count(t, "identifiers", sql`profile_id = ${sarah}`)).toBe(0);
    expect(await count(t, "orders", sql`email IS NOT NULL AND profile_id = ${sarah}`)).toBe(0);
    const [change] = await queryRows<{ kind: string }>(
      t.runtime.db.db,
      sql`SELECT kind FROM profile_changes WHERE profile_id = ${sarah}`,
    );
    expect(change!.kind).toBe("tombstone");
    // Nothing personal is left in the payloads Shopify sent about her.
    const payloads = await queryRows<{ p: string }>(
      t.runtime.db.db,
      sql`SELECT payload::text AS p FROM webhook_deliveries`,
    );
    expect(payloads.filter((p) => p.p.includes("sarah"))).toEqual([]);
    // Shop totals do not change; the household candidate's other profile is untouched.
    expect(await count(t, "orders")).toBe(4);
    expect(await count(t, "identifiers", sql`value = 'tom@millerhome.net'`)).toBe(1);
    expect((await t.api("POST", `/api/gdpr/profiles/${sarah}/erase`)).status).toBe(409);
  });

  it("keeps the consent chain verifiable after an erasure: stubs are checked by their links", async () => {
    const tom = (await (await t.api("GET", "/api/profiles/by-shopify-customer/72")).json()).profileId as string;
    await grant(t, tom, ["push"]);
    await t.api("POST", `/api/gdpr/profiles/${sarah}/erase`);
    await grant(t, tom, ["email"]);
    const verdict = await (await t.api("GET", "/api/consents/verify")).json();
    expect(verdict).toMatchObject({ intact: true, checked: 4, stubs: 2 });
    const stubs = await queryRows<Record<string, unknown>>(
      t.runtime.db.db,
      sql`SELECT * FROM consents WHERE profile_id = 'erased'`,
    );
    for (const stub of stubs)
      expect(stub).toMatchObject({ text: null, locale: null, location_id: null, staff_id: null, jurisdiction: null });
    // Tampering with a stub's links is still found.
    await t.runtime.db.db.execute(sql`UPDATE consents SET prev_hash = ${"f".repeat(64)} WHERE seq = 2`);
    expect(await (await t.api("GET", "/api/consents/verify")).json()).toMatchObject({
      intact: false,
      brokenAt: { seq: 2 },
    });
  });

  it("is all or nothing: a failure injected half-way changes nothing", async () => {
    const before = await picture(t, SHOP_A);
    const preview = await previewErasure(t.runtime.db.db, SHOP_A, sarah, t.clock());
    await expect(
      t.runtime.db.db.transaction(async (tx) => {
        const shop = await loadShop(tx, SHOP_A, { lock: true });
        await eraseProfile(tx, shop, sarah, t.clock(), { failAfterStep: "consents" });
      }),
    ).rejects.toThrow(/injected failure after erase step "consents"/);
    expect(await picture(t, SHOP_A)).toEqual(before);
    expect(await previewErasure(t.runtime.db.db, SHOP_A, sarah, t.clock())).toEqual(preview);
  });

  it("exports every row about the customer as one document, the same for the admin and data_request", async () => {
    await t.runtime.db.db.execute(sql`INSERT INTO visits (shop_id, id, profile_id, source, at, received_at)
      VALUES (${SHOP_A}, 'visit-1', ${sarah}, 'pos', '2026-11-23T10:00:00Z', '2026-11-23T10:00:05Z')`);
    await t.runtime.db.db.execute(sql`INSERT INTO loyalty_ledger (shop_id, entry_key, profile_id, kind, points, reason,
      at)
      VALUES (${SHOP_A}, 'adjust-1', ${sarah}, 'adjust', 50, 'welcome gift', '2026-11-23T10:00:00Z')`);
    const res = await t.api("GET", `/api/gdpr/profiles/${sarah}/export`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.profile.id).toBe(sarah);
    expect(doc.mergedProfiles).toHaveLength(1);
    expect(doc.identifiers.map((i: { value: string }) => i.value).sort()).toEqual([
      "+14155550123",
      "71",
      "sarah.work@acme-corp.io",
      "sarah@millerhome.net",
    ]);
    expect(doc.orders.map((o: { order_id: string }) => o.order_id)).toEqual(["901", "902", "903"]);
    const first = doc.orders[0];
    expect(first.lines).toHaveLength(1);
    expect(first.refunds).toEqual([expect.objectContaining({ refund_id: "9901" })]);
    expect(doc.visits).toHaveLength(1);
    expect(doc.loyalty.some((l: { entry_key: string }) => l.entry_key === "adjust-1")).toBe(true);
    expect(doc.messages).toHaveLength(2);
    expect(doc.consents).toHaveLength(2);
    expect(doc.merges).toHaveLength(1);
    expect(doc.mergeCandidates).toHaveLength(1);
    expect(doc.identityEvents.length).toBeGreaterThanOrEqual(3);
    // Counts agree with the tables.
    expect(doc.orders).toHaveLength(await count(t, "orders", sql`profile_id = ${sarah}`));
    expect(doc.messages).toHaveLength(await count(t, "messages", sql`profile_id = ${sarah}`));

    await t.webhook("customers/data_request", {
      shop_domain: SHOP_A,
      customer: { id: 71, email: "sarah@millerhome.net", phone: null },
      orders_requested: [901],
    });
    await t.drain();
    const list = await (await t.api("GET", "/api/gdpr/data-requests")).json();
    expect(list.dataRequests).toEqual([expect.objectContaining({ profileId: sarah })]);
    const download = await t.api("GET", `/api/gdpr/data-requests/${list.dataRequests[0].id}`);
    expect(download.headers.get("content-disposition")).toContain("attachment");
    const stored = await download.json();
    expect({ ...stored, exportedAt: null }).toEqual({ ...doc, exportedAt: null });
    expect((await t.api("GET", "/api/gdpr/data-requests/nope")).status).toBe(404);
  });

  it("customers/redact runs the same erase, found by the payload's customer id", async () => {
    const preview = await (await t.api("GET", `/api/gdpr/profiles/${sarah}/preview`)).json();
    await t.webhook("customers/redact", {
      shop_domain: SHOP_A,
      customer: { id: 71, email: "sarah@millerhome.net", phone: "+14155550123" },
      orders_to_redact: [901],
    });
    await t.drain();
    expect(await count(t, "profiles", sql`id = ${sarah} AND status = 'erased'`)).toBe(1);
    expect(await count(t, "identifiers", sql`profile_id = ${sarah}`)).toBe(0);
    expect(await count(t, "consents", sql`profile_id = ${sarah}`)).toBe(0);
    expect(await count(t, "consents", sql`profile_id = 'erased'`)).toBe(preview.willChange.consents);
    expect(await count(t, "dead_letters")).toBe(0);
  });

  it("reports the data inventory", async () => {
    const before = await (await t.api("GET", "/api/gdpr/inventory")).json();
    expect(before).toMatchObject({
      profiles: 2,
      profilesWithEmail: 2,
      profilesWithPhone: 1,
      erasedProfiles: 0,
      oldestRecordAt: expect.any(String),
    });
    expect(before.retention.policy).toBeTruthy();
    await t.api("POST", `/api/gdpr/profiles/${sarah}/erase`);
    expect(await (await t.api("GET", "/api/gdpr/inventory")).json()).toMatchObject({
      profiles: 1,
      profilesWithEmail: 1,
      profilesWithPhone: 0,
      erasedProfiles: 1,
    });
    // The household phone went with the stronger profile (Sarah's); Tom kept only a candidate, now deleted.
  });

  it("shop/redact removes every row of that shop and leaves other shops intact", async () => {
    await seedSarah(t, SHOP_B);
    await t.api("POST", "/api/consent-texts", {
      body: { channel: "sms", locale: "en", text: "B's words" },
      shop: SHOP_B,
    });
    const a = await picture(t, SHOP_A);
    expect((await picture(t, SHOP_B)).consents!.length).toBe(2);
    await t.webhook("shop/redact", { shop_domain: SHOP_B, shop_id: 2 }, { shop: SHOP_B });
    await t.drain();
    const tables = await queryRows<{ table_name: string }>(
      t.runtime.db.db,
      sql`SELECT table_name FROM information_schema.columns WHERE column_name = 'shop_id' AND table_schema = 'public'`,
    );
    expect(tables.length).toBeGreaterThanOrEqual(TABLES.length);
    for (const { table_name } of tables)
      expect({ table_name, n: await count(t, table_name, sql`shop_id = ${SHOP_B}`) }).toEqual({ table_name, n: 0 });
    const afterA = await picture(t, SHOP_A);
    expect(afterA).toEqual(a);
    expect((await (await t.api("GET", "/api/consents/verify")).json()).intact).toBe(true);
  });
});
