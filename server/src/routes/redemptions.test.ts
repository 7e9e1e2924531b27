import { REDEMPTION_CART_PROPERTY } from "@c360/shared";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { dbLabel, SHOP_B, startTestServer, type TestServer } from "../test-support/harness";
import { orderPayload, refundPayload } from "../test-support/payloads";

describe(`points redemption at the register (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
    // Customer 11 earns 1000 points (1 point per 1.00 by default).
    await t.webhook(
      "orders/create",
      orderPayload({ id: 1, customerId: 11, email: "sarah@mailbox.org", total: "1000.00" }),
    );
    await t.drain();
  });
  afterEach(async () => t.close());

  const hold = (redemptionId: string, points: number, extra: Record<string, unknown> = {}) =>
    t.api("POST", "/api/pos/redemptions", { body: { redemptionId, shopifyCustomerId: "11", points, ...extra } });
  const pointsOf11 = async () => (await (await t.api("GET", "/api/pos/customers/11")).json()).loyalty.points as number;
  const ledgerOf = (redemptionId: string) =>
    queryRows<{ entry_key: string; kind: string; points: number; reason: string }>(
      t.runtime.db.db,
      sql`SELECT entry_key, kind, points::float8 AS points, reason FROM loyalty_ledger
          WHERE entry_key LIKE ${`redemption:${redemptionId}:%`} ORDER BY at, entry_key`,
    );
  /** The register's sale, as the order webhook brings it: 50.00 less the points discount, carrying the redemption. */
  const saleWebhook = (orderId: number, redemptionId: string, total = "45.00") =>
    t.webhook("orders/create", {
      ...orderPayload({
        id: orderId,
        customerId: 11,
        email: "sarah@mailbox.org",
        total,
        source: "pos",
        createdAt: "2026-11-25T12:00:00Z",
      }),
      note_attributes: [{ name: REDEMPTION_CART_PROPERTY, value: redemptionId }],
    });

  it("holds points and answers the fixed discount to apply at the shop's rate", async () => {
    const id = crypto.randomUUID();
    const res = await hold(id, 500);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({
      redemptionId: id,
      state: "held",
      points: 500,
      returnedPoints: 0,
      orderId: null,
      discount: { type: "FixedAmount", title: "500 loyalty points", amount: "5.00", currency: "USD" },
      cartProperty: { key: REDEMPTION_CART_PROPERTY, value: id },
      availablePoints: 500,
    });
    expect(await pointsOf11()).toBe(500);
    expect(await ledgerOf(id)).toMatchObject([
      { kind: "redeem_hold", points: -500, reason: "held for a 5.00 USD cart discount" },
    ]);
  });

  it("spends once: the register's transaction-complete, then the order webhook", async () => {
    const id = crypto.randomUUID();
    await hold(id, 500);
    const done = await t.api("POST", `/api/pos/redemptions/${id}/complete`, {
      body: { orderId: "gid://shopify/Order/5001" },
    });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ state: "spent", orderId: "5001", availablePoints: 500 });
    await saleWebhook(5001, id);
    await t.drain();
    const again = await t.api("POST", `/api/pos/redemptions/${id}/complete`, { body: { orderId: 5001 } });
    expect(await again.json()).toMatchObject({ state: "spent", orderId: "5001" });
    expect((await ledgerOf(id)).map((e) => [e.kind, e.points])).toEqual([
      ["redeem_hold", -500],
      ["redeem_spend", 0],
    ]);
    // 1000 earned, 500 redeemed, 45 earned on the sale itself.
    expect(await pointsOf11()).toBe(545);
    const other = await t.api("POST", `/api/pos/redemptions/${id}/complete`, { body: { orderId: 6001 } });
    expect(other.status).toBe(409);
    expect((await other.json()).error).toBe("spent_on_other_order");
  });

  it("spends once: the order webhook first, then the register", async () => {
    const id = crypto.randomUUID();
    await hold(id, 300);
    await saleWebhook(5002, id);
    await t.drain();
    expect(await (await t.api("GET", `/api/pos/redemptions/${id}`)).json()).toMatchObject({
      state: "spent",
      orderId: "5002",
    });
    const done = await t.api("POST", `/api/pos/redemptions/${id}/complete`, { body: { orderId: "5002" } });
    expect(done.status).toBe(200);
    expect((await ledgerOf(id)).map((e) => e.kind)).toEqual(["redeem_hold", "redeem_spend"]);
    expect((await ledgerOf(id))[1]!.reason).toBe("spent on order 5002");
    expect(await pointsOf11()).toBe(1000 - 300 + 45);
  });

  it("hold then release gives the points back, once; a released redemption is not spent", async () => {
    const id = crypto.randomUUID();
    await hold(id, 400);
    expect(await pointsOf11()).toBe(600);
    const released = await t.api("POST", `/api/pos/redemptions/${id}/release`);
    expect(released.status).toBe(200);
    expect(await released.json()).toMatchObject({ state: "released", availablePoints: 1000 });
    expect((await t.api("POST", `/api/pos/redemptions/${id}/release`)).status).toBe(200);
    const late = await t.api("POST", `/api/pos/redemptions/${id}/complete`, { body: { orderId: 7001 } });
    expect(late.status).toBe(409);
    expect((await late.json()).error).toBe("already_released");
    // An order still carrying it (a discount removed after the property was set) does not spend it either.
    await saleWebhook(7001, id, "50.00");
    await t.drain();
    expect((await ledgerOf(id)).map((e) => [e.kind, e.points])).toEqual([
      ["redeem_hold", -400],
      ["redeem_release", 400],
    ]);
    expect(await pointsOf11()).toBe(1050);
  });

  it("the same redemption id twice holds once; reused for another amount it is refused", async () => {
    const id = crypto.randomUUID();
    const first = await hold(id, 200);
    const second = await hold(id, 200);
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual(await first.json());
    expect(await ledgerOf(id)).toHaveLength(1);
    expect(await pointsOf11()).toBe(800);
    const reused = await hold(id, 300);
    expect(reused.status).toBe(409);
    expect((await reused.json()).error).toBe("redemption_id_reused");
  });

  it("refuses more than available, below the minimum, more than the cart, with a reason (422)", async () => {
    const tooMany = await hold(crypto.randomUUID(), 1001);
    expect(tooMany.status).toBe(422);
    expect(await tooMany.json()).toEqual({
      error: "not_enough_points",
      message: "The customer has 1000 points available, fewer than 1001.",
    });
    expect((await (await hold(crypto.randomUUID(), 50)).json()).error).toBe("below_minimum");
    expect((await (await hold(crypto.randomUUID(), 500, { cartTotal: "4.99" })).json()).error).toBe("more_than_cart");
    const stranger = await t.api("POST", "/api/pos/redemptions", {
      body: { redemptionId: crypto.randomUUID(), shopifyCustomerId: "999", points: 100 },
    });
    expect(stranger.status).toBe(422);
    const bad = await t.api("POST", "/api/pos/redemptions", {
      body: { redemptionId: "x", shopifyCustomerId: "11", points: 1.5 },
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/redemptionId.*points: must be a whole number of points/);
    const [n] = await queryRows<{ n: string | number }>(t.runtime.db.db, sql`SELECT count(*) AS n FROM redemptions`);
    expect(Number(n!.n)).toBe(0);
    expect(await pointsOf11()).toBe(1000);
  });

  it("a refund returns the redeemed points in proportion, all of them once fully refunded", async () => {
    const id = crypto.randomUUID();
    await hold(id, 500);
    await t.api("POST", `/api/pos/redemptions/${id}/complete`, { body: { orderId: 5003 } });
    await saleWebhook(5003, id);
    await t.drain();
    t.clock.set("2026-11-25T13:00:00Z");
    await t.webhook(
      "refunds/create",
      refundPayload({ id: 91, orderId: 5003, amount: "22.50", createdAt: "2026-11-25T13:00:00Z" }),
    );
    await t.drain();
    expect(await (await t.api("GET", `/api/pos/redemptions/${id}`)).json()).toMatchObject({
      state: "spent",
      returnedPoints: 250,
    });
    // The same refund delivered again changes nothing.
    await t.webhook(
      "refunds/create",
      refundPayload({ id: 91, orderId: 5003, amount: "22.50", createdAt: "2026-11-25T13:00:00Z" }),
    );
    t.clock.set("2026-11-25T14:00:00Z");
    await t.webhook(
      "refunds/create",
      refundPayload({ id: 92, orderId: 5003, amount: "22.50", createdAt: "2026-11-25T14:00:00Z" }),
    );
    await t.drain();
    expect(await (await t.api("GET", `/api/pos/redemptions/${id}`)).json()).toMatchObject({
      state: "clawed_back",
      returnedPoints: 500,
    });
    expect((await ledgerOf(id)).map((e) => [e.kind, e.points])).toEqual([
      ["redeem_hold", -500],
      ["redeem_spend", 0],
      ["redeem_return", 250],
      ["redeem_return", 250],
    ]);
    // The sale's own 45 points were earned and clawed back by its refunds: the customer is back at 1000.
    expect(await pointsOf11()).toBe(1000);
  });

  it("concurrent holds of the same points never overspend", async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => hold(crypto.randomUUID(), 300)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 201, 422, 422]);
    expect(await pointsOf11()).toBe(100);
    const [held] = await queryRows<{ points: string | number }>(
      t.runtime.db.db,
      sql`SELECT sum(points) AS points FROM redemptions WHERE state = 'held'`,
    );
    expect(Number(held!.points)).toBe(900);
  });

  it("uses the shop's rate from settings, validated by field", async () => {
    const bad = await t.api("PUT", "/api/settings", { body: { loyalty: { redemption: { pointsPerUnit: 0 } } } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toContain("loyalty.redemption.pointsPerUnit");
    expect(
      (await t.api("PUT", "/api/settings", { body: { loyalty: { redemption: { pointsPerUnit: 50 } } } })).status,
    ).toBe(200);
    expect((await (await hold(crypto.randomUUID(), 500)).json()).discount.amount).toBe("10.00");
  });

  it("belongs to its shop: another shop's token cannot see or release it", async () => {
    const id = crypto.randomUUID();
    await hold(id, 200);
    expect((await t.api("GET", `/api/pos/redemptions/${id}`, { shop: SHOP_B })).status).toBe(404);
    expect((await t.api("POST", `/api/pos/redemptions/${id}/release`, { shop: SHOP_B })).status).toBe(404);
    expect((await t.api("GET", `/api/pos/redemptions/${id}`)).status).toBe(200);
  });
});
