import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { dbLabel, SHOP_A, SHOP_B } from "../../test-support/harness";
import { openTestDatabase } from "../../test-support/database";
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
