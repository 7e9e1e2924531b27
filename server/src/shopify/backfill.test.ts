import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { generatedShop } from "../../../tests/support/shopify-admin-fixtures";
import type { ShopifyAdminStandIn } from "../../../tests/support/shopify-admin-stand-in";
import { dbLabel, startConnectedTestServer, type ConnectedTestServer, type TestServer } from "../test-support/harness";
import { count, runBackfill } from "../test-support/shopify-backfill";

const counts = async (t: TestServer) => ({
  customers: await count(t, sql`SELECT count(*) AS n FROM identifiers WHERE kind = 'shopify'`),
  profiles: await count(t, sql`SELECT count(*) AS n FROM profiles WHERE status = 'active'`),
  orders: await count(t, sql`SELECT count(*) AS n FROM orders`),
  lines: await count(t, sql`SELECT count(*) AS n FROM order_lines`),
});

describe(`backfill from Shopify bulk operations (${dbLabel()})`, () => {
  let t: ConnectedTestServer;
  let shopify: ShopifyAdminStandIn;
  const start = async (customers: number, orders: number) => {
    t = await startConnectedTestServer();
    shopify = t.shopify;
    const shop = generatedShop(customers, orders);
    shopify.addCustomers(shop.customers);
    shopify.addOrders(shop.orders);
  };
  afterEach(() => t.close());

  it("shows a failed bulk operation with its reason, and a retry completes", { timeout: 180_000 }, async () => {
    await start(30, 60);
    shopify.failNextBulk = true;
    await t.api("GET", "/api/settings"); // first request: exchange and the install backfill
    const failed = await runBackfill(t);
    expect(failed).toMatchObject({ status: "failed", error: "bulk customers query FAILED (INTERNAL_SERVER_ERROR)" });
    const retry = await t.api("POST", "/api/shopify/backfill");
    expect(retry.status).toBe(202);
    expect(await runBackfill(t)).toMatchObject({ status: "completed", customers: 30, orders: 60 });
    expect(await counts(t)).toEqual({ customers: 30, profiles: 30, orders: 60, lines: 60 });
  });

  it("brings 10,000 customers and 25,000 orders exactly once, and a second run changes no count", {
    timeout: 900_000,
  }, async () => {
    await start(10_000, 25_000);
    await t.api("GET", "/api/settings");
    const first = await runBackfill(t);
    expect(first).toMatchObject({ status: "completed", customers: 10_000, orders: 25_000, error: null });
    const after = await counts(t);
    expect(after).toEqual({ customers: 10_000, profiles: 10_000, orders: 25_000, lines: 25_000 });
    expect((await t.api("POST", "/api/shopify/backfill")).status).toBe(202);
    expect(await runBackfill(t)).toMatchObject({ status: "completed", customers: 10_000, orders: 25_000 });
    expect(await counts(t)).toEqual(after);
    expect(shopify.bulkOperations.map((b) => b.status)).toEqual(["COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED"]);
  });
});
