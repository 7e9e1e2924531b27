import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { dbLabel, startTestServer, type TestServer } from "../test-support/harness";
import { orderPayload, refundPayload } from "../test-support/payloads";

interface ProfileAnswer {
  orderCount: number;
  lifetimeSpend: number;
  currency: string;
  loyalty: { points: number };
  aggregates: { averageOrderValue: number };
}

const profileOf = async (t: TestServer, customerId: number): Promise<ProfileAnswer> => {
  const res = await t.api("GET", `/api/profiles/by-shopify-customer/${customerId}`);
  expect(res.status).toBe(200);
  return (await res.json()) as ProfileAnswer;
};
const rows = <T>(t: TestServer, statement: ReturnType<typeof sql>) => queryRows<T>(t.runtime.db.db, statement);
const pendingJobs = async (t: TestServer) =>
  Number((await rows<{ n: string }>(t, sql`SELECT count(*) AS n FROM jobs`))[0]!.n);

/** One whole-dong order: VND has no minor unit, so 2.5 billion dong is 2.5 billion stored units and points. */
const dongOrder = (id: number, total: string, createdAt: string) => ({
  ...orderPayload({ id, customerId: 77, email: "linh@example.vn", total, createdAt }),
  currency: "VND",
});

describe(`order money (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  it("keeps a 2.5 billion VND order and a lifetime past 2^31 points, and the customer's later orders", async () => {
    expect((await t.api("PUT", "/api/settings", { body: { currency: "VND" } })).status).toBe(200);
    for (const [id, total, at] of [
      [1, "2500000000", "2026-11-01T10:00:00Z"],
      [2, "2500000000.00", "2026-11-02T10:00:00Z"],
      [3, "150000", "2026-11-03T10:00:00Z"],
    ] as const) {
      expect((await t.webhook("orders/create", dongOrder(id, total, at))).status).toBe(200);
      await t.drain();
      expect(await pendingJobs(t)).toBe(0);
    }
    const profile = await profileOf(t, 77);
    expect(profile.orderCount).toBe(3);
    expect(profile.lifetimeSpend).toBe(5_000_150_000);
    expect(profile.currency).toBe("VND");
    expect(profile.loyalty.points).toBe(5_000_150_000);
    expect(profile.loyalty.points).toBeGreaterThan(2 ** 31);
    expect(profile.aggregates.averageOrderValue).toBe(1_666_716_667);
    const ledger = await rows<{ points: string | number }>(t, sql`SELECT points FROM loyalty_ledger ORDER BY at`);
    expect(ledger.map((l) => Number(l.points))).toEqual([2_500_000_000, 2_500_000_000, 150_000]);
  });

  it("counts the shop's money (USD) of an order paid in EUR and keeps the EUR amount beside it", async () => {
    const paidInEuros = {
      ...orderPayload({ id: 10, customerId: 81, total: "110.00" }),
      presentment_currency: "EUR",
      total_price_set: {
        shop_money: { amount: "110.00", currency_code: "USD" },
        presentment_money: { amount: "100.00", currency_code: "EUR" },
      },
    };
    expect((await t.webhook("orders/create", paidInEuros)).status).toBe(200);
    await t.drain();
    const profile = await profileOf(t, 81);
    expect(profile.lifetimeSpend).toBe(110);
    expect(profile.loyalty.points).toBe(110);
    const [stored] = await rows<Record<string, string | number>>(
      t,
      sql`SELECT total, currency, presentment_total, presentment_currency FROM orders WHERE order_id = '10'`,
    );
    expect({ ...stored, total: Number(stored!.total), presentment_total: Number(stored!.presentment_total) }).toEqual({
      total: 11000,
      currency: "USD",
      presentment_total: 10000,
      presentment_currency: "EUR",
    });

    const refund = refundPayload({ id: 100, orderId: 10, amount: "10.50" });
    expect((await t.webhook("refunds/create", refund)).status).toBe(200);
    await t.drain();
    const refunded = await profileOf(t, 81);
    expect(refunded.lifetimeSpend).toBe(99.5);
    expect(refunded.loyalty.points).toBe(99);
  });

  it("never adds an order in another currency than the shop's at face value", async () => {
    const inEuros = { ...orderPayload({ id: 20, customerId: 82, total: "500.00" }), currency: "EUR" };
    expect((await t.webhook("orders/create", inEuros)).status).toBe(200);
    const inDollars = orderPayload({ id: 21, customerId: 82, total: "40.00", createdAt: "2026-11-21T10:00:00Z" });
    await t.webhook("orders/create", inDollars);
    await t.drain();
    const profile = await profileOf(t, 82);
    expect(profile.orderCount).toBe(2);
    expect(profile.lifetimeSpend).toBe(40);
    expect(profile.loyalty.points).toBe(40);
  });

  it("refuses an unknown currency with a 400 naming the field, and stores nothing", async () => {
    const res = await t.webhook("orders/create", { ...orderPayload({ id: 30, customerId: 83 }), currency: "XYZ" });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toBe("invalid_input");
    expect(body.message).toContain("currency: must be an ISO 4217 currency code");
    expect(await rows(t, sql`SELECT 1 FROM jobs`)).toEqual([]);
    expect(await rows(t, sql`SELECT 1 FROM orders`)).toEqual([]);

    const settings = await t.api("PUT", "/api/settings", { body: { currency: "XYZ" } });
    expect(settings.status).toBe(400);
    expect((await settings.json()).message).toContain("currency: must be an ISO 4217 currency code");
  });

  it("refuses a negative total, and more decimals than the currency has, naming the field", async () => {
    const negative = await t.webhook("orders/create", orderPayload({ id: 40, customerId: 84, total: "-25.00" }));
    expect(negative.status).toBe(400);
    expect((await negative.json()).message).toContain("total_price: must be a decimal amount of 0 or more");

    const yen = { ...orderPayload({ id: 41, customerId: 84, total: "1500.5" }), currency: "JPY", line_items: [] };
    const overPrecise = await t.webhook("orders/create", yen);
    expect(overPrecise.status).toBe(400);
    expect((await overPrecise.json()).message).toContain("total_price: has 1 decimals; JPY has 0");

    const negativeRefund = await t.webhook("refunds/create", refundPayload({ id: 42, orderId: 40, amount: "-5.00" }));
    expect(negativeRefund.status).toBe(400);
    expect((await negativeRefund.json()).message).toContain("transactions.0.amount");
    expect(await rows(t, sql`SELECT 1 FROM profiles`)).toEqual([]);
  });
});
