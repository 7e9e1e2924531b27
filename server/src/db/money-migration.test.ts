import { readFileSync } from "node:fs";
import { isCurrencyCode, minorUnitsOf } from "@c360/shared";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestDatabase } from "../test-support/database";
import { dbLabel } from "../test-support/harness";
import type { Database } from "./client";
import { queryRows } from "./rows";

const migration = readFileSync(new URL("./migrations/0007_money_bigint.sql", import.meta.url), "utf8");
const statements = migration.split("--> statement-breakpoint").map((s) => s.trim());

// The columns as 0000_init made them, so 0007 can be replayed on data written before it.
const BEFORE_0007 = `
  ALTER TABLE orders DROP COLUMN presentment_total, DROP COLUMN presentment_currency,
    ALTER COLUMN total TYPE numeric(14, 2);
  ALTER TABLE order_lines ALTER COLUMN price TYPE numeric(14, 2);
  ALTER TABLE refunds ALTER COLUMN amount TYPE numeric(14, 2);
  ALTER TABLE profiles ALTER COLUMN lifetime_spend TYPE numeric(14, 2), ALTER COLUMN pos_spend TYPE numeric(14, 2),
    ALTER COLUMN online_spend TYPE numeric(14, 2), ALTER COLUMN ltv_predicted_90d TYPE numeric(14, 2),
    ALTER COLUMN loyalty_points TYPE integer;
  ALTER TABLE loyalty_ledger ALTER COLUMN points TYPE integer`;

describe(`migration 0007: money in minor units (${dbLabel()})`, () => {
  let db: Database;
  beforeEach(async () => {
    db = await openTestDatabase();
  });
  afterEach(async () => db.close());

  const run = (text: string) => db.db.execute(sql.raw(text));
  const rows = <T>(text: string) => queryRows<T>(db.db, sql.raw(text));

  it("uses ISO 4217 minor units for every currency the app accepts", async () => {
    await run(statements[0]!);
    const codes = Intl.supportedValuesOf("currency").filter(isCurrencyCode);
    expect(codes.length).toBeGreaterThan(140);
    const list = codes.map((c) => `('${c}')`).join(", ");
    const found = await rows<{ code: string; digits: number }>(
      `SELECT code, c360_minor_units_0007(code) AS digits FROM (VALUES ${list}) AS c(code) ORDER BY code`,
    );
    expect(Object.fromEntries(found.map((r) => [r.code, Number(r.digits)]))).toEqual(
      Object.fromEntries(codes.sort().map((c) => [c, minorUnitsOf(c)])),
    );
  });

  it("turns amounts stored with two decimals into minor units of their currency, points into bigint", async () => {
    for (const s of BEFORE_0007.split(";")) await run(s);
    await run(`INSERT INTO shops (shop_id, settings, rfm_breaks) VALUES
      ('usd.myshopify.com', '{}', '{"frequency": [1, 1, 2, 3], "monetary": [10.5, 20, 30, 40]}'),
      ('jpy.myshopify.com', '{"currency": "JPY"}', NULL),
      ('kwd.myshopify.com', '{"currency": "KWD"}', NULL)`);
    await run(`INSERT INTO orders (shop_id, order_id, total, currency, placed_at, shopify_updated_at) VALUES
      ('usd.myshopify.com', '1', 19.99, 'USD', now(), now()),
      ('jpy.myshopify.com', '2', 1500.00, 'JPY', now(), now()),
      ('kwd.myshopify.com', '3', 12.35, 'KWD', now(), now())`);
    await run(`INSERT INTO order_lines (shop_id, order_id, line_id, title, quantity, price) VALUES
      ('jpy.myshopify.com', '2', '20', 'Tea', 1, 1500.00)`);
    await run(`INSERT INTO refunds (shop_id, refund_id, order_id, amount, created_at) VALUES
      ('usd.myshopify.com', '9', '1', 5.25, now()), ('jpy.myshopify.com', '8', '2', 500, now())`);
    await run(`INSERT INTO profiles (shop_id, id, first_seen_at, lifetime_spend, pos_spend, online_spend,
                                     ltv_predicted_90d, loyalty_points) VALUES
      ('usd.myshopify.com', 'p1', now(), 14.74, 0, 14.74, 3.33, 2147483647),
      ('jpy.myshopify.com', 'p2', now(), 1000.00, 1000.00, 0, NULL, 1000)`);

    for (const s of statements) await run(s);

    const num = (r: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v == null ? v : Number(v)]));
    expect((await rows<Record<string, unknown>>(`SELECT total FROM orders ORDER BY order_id`)).map(num)).toEqual([
      { total: 1999 },
      { total: 1500 },
      { total: 12350 },
    ]);
    expect((await rows<Record<string, unknown>>(`SELECT price FROM order_lines`)).map(num)).toEqual([{ price: 1500 }]);
    expect((await rows<Record<string, unknown>>(`SELECT amount FROM refunds ORDER BY refund_id`)).map(num)).toEqual([
      { amount: 500 },
      { amount: 525 },
    ]);
    const profiles = await rows<Record<string, unknown>>(
      `SELECT lifetime_spend, pos_spend, online_spend, ltv_predicted_90d, loyalty_points FROM profiles ORDER BY id`,
    );
    expect(profiles.map(num)).toEqual([
      { lifetime_spend: 1474, pos_spend: 0, online_spend: 1474, ltv_predicted_90d: 333, loyalty_points: 2147483647 },
      { lifetime_spend: 1000, pos_spend: 1000, online_spend: 0, ltv_predicted_90d: null, loyalty_points: 1000 },
    ]);
    const [breaks] = await rows<{ m: unknown }>(
      `SELECT rfm_breaks->'monetary' AS m FROM shops WHERE shop_id = 'usd.myshopify.com'`,
    );
    const monetary = typeof breaks!.m === "string" ? JSON.parse(breaks!.m) : breaks!.m;
    expect((monetary as unknown[]).map(Number)).toEqual([1050, 2000, 3000, 4000]);

    // Past 32 bits now, and the helper function is gone again.
    await run(`UPDATE profiles SET loyalty_points = loyalty_points + 1 WHERE id = 'p1'`);
    const [p1] = await rows<{ p: unknown }>(`SELECT loyalty_points AS p FROM profiles WHERE id = 'p1'`);
    expect(Number(p1!.p)).toBe(2 ** 31);
    expect(await rows(`SELECT 1 FROM pg_proc WHERE proname = 'c360_minor_units_0007'`)).toEqual([]);
  });
});
