import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows } from "../db/rows";
import { dbLabel, SHOP_A, startTestServer, type TestServer } from "../test-support/harness";
import { orderPayload, refundPayload } from "../test-support/payloads";

const count = async (t: TestServer, table: string) =>
  Number(
    (await queryRows<{ n: string }>(t.runtime.db.db, sql`SELECT count(*) AS n FROM ${sql.identifier(table)}`))[0]!.n,
  );

const profileOf = async (t: TestServer, customerId: number) => {
  const res = await t.api("GET", `/api/profiles/by-shopify-customer/${customerId}`);
  expect(res.status).toBe(200);
  return (await res.json()) as {
    orderCount: number;
    lifetimeSpend: number;
    posSpend: number;
    onlineSpend: number;
    aggregates: { firstOrderAt: string; lastOrderAt: string };
  };
};

describe(`webhook intake (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  it("accepts a correctly signed delivery and processes it on the queue", async () => {
    const res = await t.webhook("orders/create", orderPayload({ id: 1, customerId: 11, email: "sarah@example.com" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, duplicate: false });
    expect(await count(t, "jobs")).toBe(1);
    expect(await t.drain()).toBe(1);
    const profile = await profileOf(t, 11);
    expect(profile.orderCount).toBe(1);
    expect(profile.lifetimeSpend).toBe(100);
    expect(await count(t, "jobs")).toBe(0);
  });

  it("rejects a forged or missing signature and stores nothing", async () => {
    const forged = await t.webhook("orders/create", orderPayload({ id: 2, customerId: 12 }), {
      secret: "not-the-secret",
    });
    expect(forged.status).toBe(401);
    expect((await forged.json()).error).toBe("bad_hmac");
    const missing = await t.webhook("orders/create", orderPayload({ id: 2, customerId: 12 }), { hmac: null });
    expect(missing.status).toBe(401);
    expect(await count(t, "webhook_deliveries")).toBe(0);
    expect(await count(t, "jobs")).toBe(0);
    expect(await count(t, "shops")).toBe(0);
  });

  it("counts the same delivery three times once", async () => {
    const payload = orderPayload({ id: 3, customerId: 13, total: "40.00" });
    for (let i = 0; i < 3; i++) {
      const res = await t.webhook("orders/create", payload, { eventId: "same-event" });
      expect(res.status).toBe(200);
      expect((await res.json()).duplicate).toBe(i > 0);
      await t.drain();
    }
    expect(await count(t, "webhook_deliveries")).toBe(1);
    const profile = await profileOf(t, 13);
    expect(profile.orderCount).toBe(1);
    expect(profile.lifetimeSpend).toBe(40);
  });

  it("converges when the update and the refund arrive before the create", async () => {
    const create = orderPayload({ id: 4, customerId: 14, total: "120.00", createdAt: "2026-11-20T10:00:00Z" });
    const update = { ...create, total_price: "150.00", updated_at: "2026-11-20T11:00:00Z" };
    const refund = refundPayload({ id: 40, orderId: 4, amount: "30.00" });

    const inOrder = await startTestServer();
    try {
      await inOrder.webhook("orders/create", create);
      await inOrder.webhook("orders/updated", update);
      await inOrder.webhook("refunds/create", refund);
      await inOrder.drain();
      const expected = await (await inOrder.api("GET", "/api/profiles/by-shopify-customer/14")).json();

      await t.webhook("refunds/create", refund);
      await t.drain();
      await t.webhook("orders/updated", update);
      await t.drain();
      await t.webhook("orders/create", create);
      await t.drain();
      const actual = await profileOf(t, 14);
      expect(actual.lifetimeSpend).toBe(120);
      expect(actual.orderCount).toBe(1);
      expect(actual.lifetimeSpend).toBe(expected.lifetimeSpend);
      expect((actual as unknown as { loyalty: { points: number } }).loyalty.points).toBe(expected.loyalty.points);
      expect((actual as unknown as { loyalty: { points: number } }).loyalty.points).toBe(120);
    } finally {
      await inOrder.close();
    }
  });

  it("counts a POS order as POS spend and a web order as online spend", async () => {
    await t.webhook(
      "orders/create",
      orderPayload({ id: 5, customerId: 15, total: "80.00", source: "pos", createdAt: "2026-10-01T10:00:00Z" }),
    );
    await t.webhook(
      "orders/create",
      orderPayload({ id: 6, customerId: 15, total: "20.00", source: "web", createdAt: "2026-11-01T10:00:00Z" }),
    );
    await t.drain();
    const profile = await profileOf(t, 15);
    expect(profile.posSpend).toBe(80);
    expect(profile.onlineSpend).toBe(20);
    expect(profile.orderCount).toBe(2);
    expect(profile.aggregates.firstOrderAt).toBe("2026-10-01T10:00:00.000Z");
    expect(profile.aggregates.lastOrderAt).toBe("2026-11-01T10:00:00.000Z");
  });

  it("drops a cancelled order from the aggregates and claws back its points", async () => {
    const order = orderPayload({ id: 7, customerId: 16, total: "60.00" });
    await t.webhook("orders/create", order);
    await t.drain();
    expect((await profileOf(t, 16)).orderCount).toBe(1);
    await t.webhook("orders/cancelled", {
      ...order,
      cancelled_at: "2026-11-20T12:00:00Z",
      updated_at: "2026-11-20T12:00:00Z",
    });
    await t.drain();
    const after = (await profileOf(t, 16)) as unknown as {
      orderCount: number;
      lifetimeSpend: number;
      loyalty: { points: number };
    };
    expect(after.orderCount).toBe(0);
    expect(after.lifetimeSpend).toBe(0);
    expect(after.loyalty.points).toBe(0);
  });

  it("answers bad input with a 4xx that says what is wrong, and stores nothing", async () => {
    const badJson = await t.webhook("orders/create", "{not json");
    expect(badJson.status).toBe(400);
    expect((await badJson.json()).error).toBe("invalid_json");
    const wrongTypes = await t.webhook("orders/create", { id: "abc", total_price: true });
    expect(wrongTypes.status).toBe(400);
    expect((await wrongTypes.json()).message).toMatch(/orders\/create payload is not valid/);
    const unknownTopic = await t.webhook("products/create", { id: 1 });
    expect(unknownTopic.status).toBe(400);
    expect((await unknownTopic.json()).message).toMatch(/X-Shopify-Topic/);
    const huge = await t.webhook("orders/create", { ...orderPayload({ id: 8 }), note: "x".repeat(1024 * 1024 + 10) });
    expect(huge.status).toBe(413);
    expect(await count(t, "webhook_deliveries")).toBe(0);
  });

  it("sends a delivery that keeps failing to the dead-letter list, and a retry re-runs it", async () => {
    // A customer ID that Shopify never sends: the payload passes intake, then processing fails on purpose.
    await t.runtime.db.db.execute(sql`INSERT INTO shops (shop_id) VALUES (${SHOP_A}) ON CONFLICT DO NOTHING`);
    await t.runtime.db.db.execute(sql`INSERT INTO webhook_deliveries (shop_id, delivery_id, topic, payload)
      VALUES (${SHOP_A}, 'poison', 'orders/create', '{"id": 1}'::jsonb)`);
    await t.runtime.db.db.execute(sql`INSERT INTO jobs (shop_id, id, kind, ref, max_attempts, run_at)
      VALUES (${SHOP_A}, 'job-poison', 'webhook', 'poison', 2, ${t.clock().toISOString()})`);
    await t.drain();
    t.clock.set(new Date(t.clock().getTime() + 1100)); // the first backoff is one second, on the runtime's clock
    await t.drain();
    const dead = await (await t.api("GET", "/api/webhooks/dead")).json();
    expect(dead.deadLetters).toHaveLength(1);
    expect(dead.deadLetters[0]).toMatchObject({ deliveryId: "poison", topic: "orders/create", attempts: 2 });
    expect(dead.deadLetters[0].lastError).toMatch(/total_price|currency|created_at/);

    await t.runtime.db.db.execute(
      sql`UPDATE webhook_deliveries SET payload = ${JSON.stringify(orderPayload({ id: 1, customerId: 19 }))}::jsonb
        WHERE delivery_id = 'poison'`,
    );
    const retry = await t.api("POST", `/api/webhooks/dead/${dead.deadLetters[0].id}/retry`);
    expect(retry.status).toBe(202);
    await t.drain();
    expect((await profileOf(t, 19)).orderCount).toBe(1);
    expect((await (await t.api("GET", "/api/webhooks/dead")).json()).deadLetters).toHaveLength(0);
  });
});
