import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { jsonOf, queryRows } from "../../db/rows";
import { capture, createCustomer, grant } from "../../test-support/consent-fixtures";
import { dbLabel, SHOP_A, SHOP_B, startTestServer, type TestServer } from "../../test-support/harness";
import { openTestDatabase } from "../../test-support/database";
import { customerPayload, orderPayload } from "../../test-support/payloads";
import { mergeProfiles } from "../identity";
import { withShopLock } from "../shop";
import { registerView } from "./register-view";

const AT = "2026-11-20T10:00:00.000Z";
const at = (minutes: number) => new Date(Date.parse(AT) + minutes * 60_000).toISOString();

/** A profile with a Shopify ID, in `shop`, and nothing else. */
async function profile(database: Database, shop: string, id: string, shopifyId: string) {
  await database.db.execute(sql`INSERT INTO profiles (shop_id, id, first_name, first_seen_at, order_count,
      lifetime_spend, loyalty_points)
    VALUES (${shop}, ${id}, ${`Name ${id}`}, ${AT}, 3, 12345, 250)`);
  await database.db.execute(sql`INSERT INTO identifiers (shop_id, kind, value, profile_id, source, linked_at)
    VALUES (${shop}, 'shopify', ${shopifyId}, ${id}, 'test', ${AT})`);
}

let seq = 0;
async function consent(
  database: Database,
  shop: string,
  profileId: string,
  channel: string,
  action: string,
  m: number,
) {
  seq++;
  await database.db.execute(sql`INSERT INTO consents (shop_id, id, seq, profile_id, channel, action, acted_at,
      device_time, received_at, source, hash)
    VALUES (${shop}, ${`consent-${seq}`}, ${seq}, ${profileId}, ${channel}, ${action}, ${at(m)}, ${at(m)}, ${at(m + 1)},
      'pos', ${`hash-${seq}`})`);
}

async function candidate(database: Database, shop: string, id: string, a: string, b: string, status: string) {
  await database.db.execute(sql`INSERT INTO merge_candidates (shop_id, id, profile_id, other_profile_id, kind, reason,
      evidence, status, created_at)
    VALUES (${shop}, ${id}, ${a}, ${b}, 'probabilistic', 'test', '{}'::jsonb, ${status}, ${AT})`);
}

async function order(
  database: Database,
  shop: string,
  orderId: string,
  profileId: string,
  m: number,
  opts: { cancelled?: boolean; lines?: string[][] } = {},
) {
  await database.db.execute(sql`INSERT INTO orders (shop_id, order_id, profile_id, total, currency, placed_at,
      cancelled_at, shopify_updated_at)
    VALUES (${shop}, ${orderId}, ${profileId}, ${1000 + m}, 'EUR', ${at(m)}, ${opts.cancelled ? at(m + 5) : null},
      ${at(m)})`);
  for (const [lineId, title] of opts.lines ?? [])
    await database.db.execute(sql`INSERT INTO order_lines (shop_id, order_id, line_id, title, quantity, price)
      VALUES (${shop}, ${orderId}, ${lineId!}, ${title!}, 1, 500)`);
}

describe(`register view (${dbLabel()})`, () => {
  let database: Database;
  beforeEach(async () => {
    database = await openTestDatabase();
    for (const shop of [SHOP_A, SHOP_B])
      await database.db.execute(sql`INSERT INTO shops (shop_id, settings)
        VALUES (${shop}, ${JSON.stringify({ currency: "EUR" })}::jsonb)`);
  });
  afterEach(async () => database.close());

  it("answers for a customer with every kind of row: identifiers, consents, duplicates, orders", async () => {
    await profile(database, SHOP_A, "p1", "101");
    await profile(database, SHOP_A, "p2", "102");
    await profile(database, SHOP_A, "p3", "103");
    // Identifiers linked at the same time are ordered by kind, then value.
    for (const [kind, value, m] of [
      ["email", "b@mailbox.org", 0],
      ["email", "a@mailbox.org", 0],
      ["phone", "+4915100000001", -10],
      ["email", "c@mailbox.org", 5],
    ] as const)
      await database.db.execute(sql`INSERT INTO identifiers (shop_id, kind, value, profile_id, source, linked_at)
        VALUES (${SHOP_A}, ${kind}, ${value}, 'p1', 'test', ${at(m)})`);
    await consent(database, SHOP_A, "p1", "email", "granted", 0);
    await consent(database, SHOP_A, "p1", "sms", "granted", 1);
    await consent(database, SHOP_A, "p1", "all", "revoked", 2);
    await consent(database, SHOP_A, "p1", "email", "granted", 3);
    // Open on either side counts; decided ones do not.
    await candidate(database, SHOP_A, "mc1", "p1", "p2", "open");
    await candidate(database, SHOP_A, "mc2", "p3", "p1", "open");
    await candidate(database, SHOP_A, "mc3", "p1", "p3", "dismissed");
    // Six live orders (the five latest shown, ties on time by ID), one cancelled, lines by line ID.
    for (const [id, m] of [
      ["o1", 10],
      ["o2", 20],
      ["o3", 30],
      ["o4", 30],
      ["o5", 40],
      ["o6", 50],
    ] as const)
      await order(database, SHOP_A, id, "p1", m, {
        lines: [
          ["2", `${id} second`],
          ["1", `${id} first`],
        ],
      });
    await order(database, SHOP_A, "o7", "p1", 60, { cancelled: true, lines: [["1", "cancelled"]] });
    await order(database, SHOP_A, "o8", "p1", 70);

    const now = new Date(AT);
    const view = await registerView(database, SHOP_A, "101", now);
    expect(view).toMatchObject({
      profileId: "p1",
      shopifyCustomerId: "101",
      // By link time, then kind and value.
      emails: ["a@mailbox.org", "b@mailbox.org", "c@mailbox.org"],
      phones: ["+4915100000001"],
      openDuplicates: 2,
      currency: "EUR",
      lifetimeSpend: 123.45,
      // The "all" revocation ends the SMS grant; the later email grant stands.
      consent: {
        email: { granted: true, since: at(3) },
        sms: { granted: false, since: at(2) },
        whatsapp: { granted: false, since: at(2) },
        push: { granted: false, since: at(2) },
      },
      asOf: AT,
    });
    expect(view!.recentOrders.map((o) => [o.orderId, o.products])).toEqual([
      ["o8", []],
      ["o6", ["o6 first", "o6 second"]],
      ["o5", ["o5 first", "o5 second"]],
      ["o3", ["o3 first", "o3 second"]],
      ["o4", ["o4 first", "o4 second"]],
    ]);
    expect(view!.recentOrders[0]).toEqual({ orderId: "o8", placedAt: at(70), total: 10.7, products: [] });
    // The other side of a candidate sees it too.
    expect(await registerView(database, SHOP_A, "103", now)).toMatchObject({ openDuplicates: 1 });
  });

  it("answers the same after rows are deleted or moved by any statement, not only the app's writers", async () => {
    await profile(database, SHOP_A, "p1", "101");
    await profile(database, SHOP_A, "p2", "102");
    await database.db.execute(sql`INSERT INTO identifiers (shop_id, kind, value, profile_id, source, linked_at)
      VALUES (${SHOP_A}, 'email', 'a@mailbox.org', 'p1', 'test', ${AT})`);
    await consent(database, SHOP_A, "p1", "email", "granted", 0);
    await candidate(database, SHOP_A, "mc1", "p1", "p2", "open");
    await order(database, SHOP_A, "o1", "p1", 10, { lines: [["1", "Linen Shirt"]] });
    const now = new Date(AT);
    const o1 = { orderId: "o1", placedAt: at(10), total: 10.1, products: ["Linen Shirt"] };
    expect(await registerView(database, SHOP_A, "101", now)).toMatchObject({
      emails: ["a@mailbox.org"],
      openDuplicates: 1,
      recentOrders: [o1],
    });

    await database.db.execute(sql`DELETE FROM order_lines WHERE shop_id = ${SHOP_A} AND order_id = 'o1'`);
    expect(await registerView(database, SHOP_A, "101", now)).toMatchObject({ recentOrders: [{ ...o1, products: [] }] });
    // Everything of p1 but its Shopify ID moves to p2, as a merge moves rows.
    for (const table of ["orders", "consents"])
      await database.db.execute(
        sql`UPDATE ${sql.identifier(table)} SET profile_id = 'p2' WHERE shop_id = ${SHOP_A} AND profile_id = 'p1'`,
      );
    await database.db.execute(
      sql`UPDATE identifiers SET profile_id = 'p2' WHERE shop_id = ${SHOP_A} AND kind = 'email'`,
    );
    await database.db.execute(sql`DELETE FROM merge_candidates WHERE shop_id = ${SHOP_A}`);
    const p1 = await registerView(database, SHOP_A, "101", now);
    expect(p1).toMatchObject({ emails: [], openDuplicates: 0, recentOrders: [] });
    expect(p1!.consent.email).toEqual({ granted: false, since: null });
    const p2 = await registerView(database, SHOP_A, "102", now);
    expect(p2).toMatchObject({ emails: ["a@mailbox.org"], recentOrders: [{ ...o1, products: [] }] });
    expect(p2!.consent.email).toEqual({ granted: true, since: at(0) });

    // A profile made after its rows gets its summary with its first identifier; without one kept, the lookup
    // computes the same answer.
    await database.db.execute(sql`INSERT INTO orders (shop_id, order_id, profile_id, total, currency, placed_at,
        shopify_updated_at) VALUES (${SHOP_A}, 'o9', 'p9', 900, 'EUR', ${at(90)}, ${at(90)})`);
    await database.db.execute(sql`INSERT INTO profiles (shop_id, id, first_seen_at) VALUES (${SHOP_A}, 'p9', ${AT})`);
    await database.db.execute(sql`INSERT INTO identifiers (shop_id, kind, value, profile_id, source, linked_at)
      VALUES (${SHOP_A}, 'shopify', '109', 'p9', 'test', ${AT})`);
    const p9 = { recentOrders: [{ orderId: "o9", placedAt: at(90), total: 9, products: [] }] };
    expect(await registerView(database, SHOP_A, "109", now)).toMatchObject(p9);
    const kept = await queryRows(database.db, sql`DELETE FROM register_summaries WHERE profile_id = 'p9' RETURNING 1`);
    expect(kept).toHaveLength(1);
    expect(await registerView(database, SHOP_A, "109", now)).toMatchObject(p9);
  });

  it("answers for a customer with nothing but a profile, and reads only its own shop", async () => {
    await profile(database, SHOP_A, "p1", "101");
    // The same profile ID and Shopify ID in another shop, with rows of every kind: none of them are A's.
    await profile(database, SHOP_B, "p1", "101");
    await profile(database, SHOP_B, "p2", "102");
    await database.db.execute(sql`INSERT INTO identifiers (shop_id, kind, value, profile_id, source, linked_at)
      VALUES (${SHOP_B}, 'email', 'b@mailbox.org', 'p1', 'test', ${AT})`);
    await consent(database, SHOP_B, "p1", "email", "granted", 0);
    await candidate(database, SHOP_B, "mc1", "p1", "p2", "open");
    await order(database, SHOP_B, "o1", "p1", 0, { lines: [["1", "B's"]] });

    const now = new Date(AT);
    const view = await registerView(database, SHOP_A, "101", now);
    expect(view).toMatchObject({ emails: [], phones: [], openDuplicates: 0, recentOrders: [] });
    expect(view!.consent).toEqual({
      email: { granted: false, since: null },
      sms: { granted: false, since: null },
      whatsapp: { granted: false, since: null },
      push: { granted: false, since: null },
    });
    expect(await registerView(database, SHOP_A, "999", now)).toBeNull();
  });
});

/** The register's answer as a clerk reads it: who, how to reach them, what they agreed to, what they bought. */
interface RegisterAnswer {
  profileId: string;
  emails: string[];
  phones: string[];
  openDuplicates: number;
  consent: Record<string, { granted: boolean; since: string | null }>;
  recentOrders: { orderId: string; placedAt: string; total: number; products: string[] }[];
}

const NO_CONSENT = {
  email: { granted: false, since: null },
  sms: { granted: false, since: null },
  whatsapp: { granted: false, since: null },
  push: { granted: false, since: null },
};

/**
 * The register's summary is kept by triggers in each writer's transaction (migration 0016): after every kind of
 * write the lookup answers exactly, and no kept summary differs from the one computed afresh from the tables.
 */
describe(`register view after each kind of write (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  async function lookup(shopifyId: number): Promise<RegisterAnswer | null> {
    const res = await t.api("GET", `/api/pos/customers/${shopifyId}`);
    if (res.status === 404) return null;
    expect(res.status).toBe(200);
    const view = await res.json();
    // Every summary the database keeps is the one its function computes from the tables now.
    const stale = await queryRows<{ profile_id: string }>(
      t.runtime.db.db,
      sql`SELECT profile_id FROM register_summaries
        WHERE summary IS DISTINCT FROM c360_register_summary(shop_id, profile_id)`,
    );
    expect(stale).toEqual([]);
    // The answer came from a kept summary, not from the read-time fallback.
    const kept = await queryRows<{ n: string | number }>(
      t.runtime.db.db,
      sql`SELECT count(*) AS n FROM register_summaries WHERE shop_id = ${SHOP_A} AND profile_id = ${view.profileId}`,
    );
    expect(Number(kept[0]!.n)).toBe(1);
    const { profileId, emails, phones, openDuplicates, consent, recentOrders } = view;
    return { profileId, emails, phones, openDuplicates, consent, recentOrders };
  }

  const order = (id: number, customerId: number, over: Parameters<typeof orderPayload>[0] | object = {}) =>
    orderPayload({ id, customerId, email: `c${customerId}@shopper.io`, ...over });

  it("follows webhook ingest, an order's update and cancel, and consent captures and revocations", async () => {
    const ann = await createCustomer(t, 701, { phone: "+14155550111" });
    const before = { profileId: ann, emails: ["c701@shopper.io"], phones: ["+14155550111"], openDuplicates: 0 };
    expect(await lookup(701)).toEqual({ ...before, consent: NO_CONSENT, recentOrders: [] });

    const lines = [
      { id: 1, productId: 11, title: "Linen Shirt", price: "50.00" },
      { id: 2, productId: 12, title: "Wool Scarf", price: "30.00" },
    ];
    await t.webhook("orders/create", order(9001, 701, { total: "80.00", lines }));
    await t.webhook("orders/create", order(9002, 701, { total: "20.00", createdAt: "2026-11-21T10:00:00Z" }));
    await t.drain();
    const shirtAndScarf = {
      orderId: "9001",
      placedAt: "2026-11-20T10:00:00.000Z",
      total: 80,
      products: ["Linen Shirt", "Wool Scarf"],
    };
    const later = { orderId: "9002", placedAt: "2026-11-21T10:00:00.000Z", total: 20, products: ["Linen Shirt"] };
    expect(await lookup(701)).toMatchObject({ ...before, recentOrders: [later, shirtAndScarf] });

    // The order is edited in Shopify: a line swapped, the total changed.
    await t.webhook(
      "orders/updated",
      order(9001, 701, {
        total: "95.00",
        updatedAt: "2026-11-22T10:00:00Z",
        lines: [lines[0]!, { id: 3, productId: 13, title: "Silk Tie", price: "45.00" }],
      }),
    );
    await t.drain();
    const edited = { ...shirtAndScarf, total: 95, products: ["Linen Shirt", "Silk Tie"] };
    expect(await lookup(701)).toMatchObject({ recentOrders: [later, edited] });

    await t.webhook(
      "orders/cancelled",
      order(9002, 701, {
        total: "20.00",
        createdAt: "2026-11-21T10:00:00Z",
        updatedAt: "2026-11-23T10:00:00Z",
        cancelledAt: "2026-11-23T10:00:00Z",
      }),
    );
    await t.drain();
    expect(await lookup(701)).toMatchObject({ recentOrders: [edited] });

    await grant(t, ann, ["email", "sms"]);
    const grantedAt = "2026-11-25T11:00:00.000Z";
    expect((await lookup(701))!.consent).toEqual({
      ...NO_CONSENT,
      email: { granted: true, since: grantedAt },
      sms: { granted: true, since: grantedAt },
    });
    const revoked = await t.api("POST", "/api/consents", {
      body: capture(ann, "sms", { action: "revoked", actedAt: "2026-11-25T11:30:00Z" }),
    });
    expect(revoked.status).toBe(201);
    expect(await lookup(701)).toEqual({
      ...before,
      consent: {
        ...NO_CONSENT,
        email: { granted: true, since: grantedAt },
        sms: { granted: false, since: "2026-11-25T11:30:00.000Z" },
      },
      recentOrders: [edited],
    });
  });

  it("follows a duplicate proposed and dismissed, and a merge and its undo", async () => {
    // Two Shopify customers on one household phone: a conflict candidate on both sides.
    const phone = "+14155550123";
    for (const [id, email, firstName] of [
      [601, "dad@home.net", "Tom"],
      [602, "mum@home.net", "Jo"],
    ] as const)
      await t.webhook("customers/create", customerPayload({ id, email, phone, firstName, lastName: "Baker" }));
    await t.drain();
    expect(await lookup(601)).toMatchObject({ emails: ["dad@home.net"], phones: [phone], openDuplicates: 1 });
    expect(await lookup(602)).toMatchObject({ openDuplicates: 1 });
    const [candidate] = (await (await t.api("GET", "/api/duplicates")).json()).duplicates;
    expect((await t.api("POST", `/api/duplicates/${candidate.id}/dismiss`)).status).toBe(200);
    expect(await lookup(601)).toMatchObject({ openDuplicates: 0 });
    expect(await lookup(602)).toMatchObject({ openDuplicates: 0 });

    // Ann shops online under a second email with no Shopify account: a profile of its own, then merged into hers.
    const ann = await createCustomer(t, 701, { email: "ann@home.net" });
    await t.webhook("orders/create", orderPayload({ id: 9101, email: "ann.lee@work.com", total: "40.00" }));
    await t.drain();
    const other = (
      await queryRows<{ profile_id: string }>(
        t.runtime.db.db,
        sql`SELECT profile_id FROM identifiers WHERE value = 'ann.lee@work.com'`,
      )
    )[0]!.profile_id;
    expect(other).not.toBe(ann);
    const alone = { profileId: ann, emails: ["ann@home.net"], phones: [], openDuplicates: 0, recentOrders: [] };
    expect(await lookup(701)).toMatchObject(alone);

    const mergeId = await withShopLock(t.runtime.db.db, SHOP_A, (tx, shop) =>
      mergeProfiles(tx, shop, {
        survivorId: ann,
        mergedId: other,
        evidence: [],
        eventId: null,
        reason: "same person",
        auto: false,
        decidedBy: "staff-1",
        now: t.clock(),
      }),
    );
    const onlineOrder = { orderId: "9101", placedAt: "2026-11-20T10:00:00.000Z", total: 40, products: ["Linen Shirt"] };
    expect(await lookup(701)).toMatchObject({
      profileId: ann,
      emails: ["ann@home.net", "ann.lee@work.com"],
      recentOrders: [onlineOrder],
    });

    t.clock.set("2026-11-26T12:00:00Z");
    expect((await t.api("POST", `/api/merges/${mergeId}/undo`)).status).toBe(200);
    expect(await lookup(701)).toMatchObject(alone);
    const restored = await queryRows<{ summary: unknown }>(
      t.runtime.db.db,
      sql`SELECT c360_register_summary(${SHOP_A}, ${other}) AS summary`,
    );
    expect(restored[0]!.summary).toMatchObject({
      ids: [{ kind: "email", value: "ann.lee@work.com" }],
      recent_orders: [{ order_id: "9101", products: ["Linen Shirt"] }],
    });
  });

  it("follows the identity backfill, a tablet's push and an erasure", async () => {
    const ann = await createCustomer(t, 701, { email: "ann@home.net" });
    const backfill = await t.api("POST", "/api/identity/backfill", {
      body: JSON.stringify(
        customerPayload({ id: 701, email: "ann@home.net", phone: "+14155550199", updatedAt: "2026-11-20T10:00:00Z" }),
      ),
    });
    expect(backfill.status).toBe(200);
    expect(await lookup(701)).toMatchObject({ profileId: ann, emails: ["ann@home.net"], phones: ["+14155550199"] });

    const { code } = await (
      await t.api("POST", "/api/devices/pairing-codes", { body: { locationId: "loc-1" } })
    ).json();
    const paired = await (
      await t.api("POST", "/api/sync/pair", { token: null, body: { code, deviceName: "Tablet" } })
    ).json();
    const consentText = capture(ann, "whatsapp").text;
    const pushed = await t.api("POST", "/api/sync/push", {
      token: paired.token,
      body: {
        clientId: "tablet-1",
        mutations: [
          {
            seq: 1,
            id: crypto.randomUUID(),
            name: "consent.record",
            args: { profileId: ann, channel: "whatsapp", action: "granted", textVersion: 1, text: consentText },
            createdAt: "2026-11-25T11:50:00Z",
          },
        ],
      },
    });
    expect((await pushed.json()).applied).toHaveLength(1);
    expect((await lookup(701))!.consent).toEqual({
      ...NO_CONSENT,
      whatsapp: { granted: true, since: "2026-11-25T11:50:00.000Z" },
    });

    await t.webhook("orders/create", order(9201, 701, { total: "15.00" }));
    await t.drain();
    expect(await lookup(701)).toMatchObject({ recentOrders: [{ orderId: "9201", total: 15 }] });
    expect((await t.api("POST", `/api/gdpr/profiles/${ann}/erase`)).status).toBe(200);
    expect(await lookup(701)).toBeNull();
    // What is kept of the erased profile holds no way to reach her.
    const kept = await queryRows<{ summary: { ids: unknown[]; consent_rows: unknown[] } | string }>(
      t.runtime.db.db,
      sql`SELECT summary FROM register_summaries WHERE shop_id = ${SHOP_A} AND profile_id = ${ann}`,
    );
    const summary = jsonOf<{ ids: unknown[] }>(kept[0]!.summary);
    expect(summary.ids).toEqual([]);
    const stale = await queryRows<{ profile_id: string }>(
      t.runtime.db.db,
      sql`SELECT profile_id FROM register_summaries
        WHERE summary IS DISTINCT FROM c360_register_summary(shop_id, profile_id)`,
    );
    expect(stale).toEqual([]);
  });
});
