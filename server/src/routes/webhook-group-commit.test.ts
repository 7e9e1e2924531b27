import { shopNamedByBody } from "@c360/shared";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { webhookIntakeFor, type DeliveryAtIntake } from "../services/ingest";
import { dbLabel, SHOP_A, SHOP_B, startTestServer, type TestServer } from "../test-support/harness";
import { orderPayload } from "../test-support/payloads";

const count = async (t: TestServer, table: string) =>
  Number(
    (await queryRows<{ n: string }>(t.runtime.db.db, sql`SELECT count(*) AS n FROM ${sql.identifier(table)}`))[0]!.n,
  );

/** An orders/create delivery as the route hands it to intake once its signature and payload checked out. */
const checked = (orderId: number, over: Partial<DeliveryAtIntake> = {}): DeliveryAtIntake => {
  const payload = orderPayload({ id: orderId, customerId: 11, email: "sarah@example.com" });
  return {
    shopId: SHOP_A,
    deliveryId: `orders/create:evt-${orderId}`,
    eventId: `evt-${orderId}`,
    topic: "orders/create",
    webhookId: null,
    payloadText: JSON.stringify(payload),
    named: shopNamedByBody("orders/create", payload),
    triggeredAt: null,
    ...over,
  };
};

describe(`webhook intake by group commit (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  it("stores two copies of one delivery in the same flush once, and answers both", async () => {
    const intake = webhookIntakeFor({ db: t.runtime.db, clock: t.clock, queue: t.runtime.queue });
    // Handed in together, so they go in one flush.
    const outcomes = await Promise.all([
      intake.accept(checked(1)),
      intake.accept(checked(1)),
      intake.accept(checked(2)),
    ]);
    expect(outcomes).toEqual([{ kind: "stored" }, { kind: "duplicate" }, { kind: "stored" }]);
    expect(await count(t, "webhook_deliveries")).toBe(2);
    expect(await count(t, "jobs")).toBe(2);
    expect(await intake.accept(checked(1))).toEqual({ kind: "duplicate" });
    expect(await t.drain()).toBe(2);
    expect(await count(t, "orders")).toBe(2);
  });

  it("answers a burst of concurrent deliveries, retries among them, each with its own answer", async () => {
    const order = (id: number) => orderPayload({ id, customerId: 100 + (id % 7), email: `c${id % 7}@example.com` });
    const sends = Array.from({ length: 60 }, (_, i) =>
      t.webhook("orders/create", order(i % 40), { eventId: `burst-${i % 40}`, shop: i % 2 ? SHOP_A : SHOP_B }),
    );
    const answers = await Promise.all(
      sends.map(async (r) => ({ status: (await r).status, body: await (await r).json() })),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    // Sends i and i + 40 are the same event for the same shop: 40 distinct deliveries, 20 of them sent twice.
    const distinct = new Set(Array.from({ length: 60 }, (_, i) => `${i % 40}:${i % 2}`));
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(distinct.size);
    expect(await count(t, "webhook_deliveries")).toBe(distinct.size);
    expect(await count(t, "jobs")).toBe(distinct.size);
  });

  it("refuses within one flush a second shop ID for a shop whose first body just pinned one", async () => {
    const intake = webhookIntakeFor({ db: t.runtime.db, clock: t.clock, queue: t.runtime.queue });
    const named = (shopId: string) => ({ domains: [], shopifyShopId: shopId });
    const [first, replayed] = await Promise.all([
      intake.accept(checked(1, { named: named("1") })),
      intake.accept(checked(2, { named: named("2") })),
    ]);
    expect(first).toEqual({ kind: "stored" });
    expect(replayed).toMatchObject({ kind: "refused" });
    expect(await count(t, "webhook_deliveries")).toBe(1);
  });

  it("fails every delivery of a failed flush with a 5xx and stores none; Shopify's retries then go in", async () => {
    await t.runtime.db.db.execute(sql`ALTER TABLE jobs RENAME TO jobs_away`);
    const sends = [1, 2, 3].map((id) =>
      t.webhook("orders/create", orderPayload({ id, customerId: 11, email: "sarah@example.com" }), {
        eventId: `e${id}`,
      }),
    );
    const statuses = await Promise.all(sends.map(async (r) => (await r).status));
    expect(statuses.every((s) => s >= 500)).toBe(true);
    await t.runtime.db.db.execute(sql`ALTER TABLE jobs_away RENAME TO jobs`);
    expect(await count(t, "webhook_deliveries")).toBe(0);
    for (const id of [1, 2, 3]) {
      const retry = await t.webhook("orders/create", orderPayload({ id, customerId: 11, email: "sarah@example.com" }), {
        eventId: `e${id}`,
      });
      expect(await retry.json()).toEqual({ ok: true, duplicate: false });
    }
    expect(await count(t, "jobs")).toBe(3);
  });

  it("answers a value PostgreSQL refuses with a 400 for its delivery only; the rest is stored", async () => {
    const good = (id: number) => JSON.stringify(orderPayload({ id, customerId: 11, email: "sarah@example.com" }));
    // JSON.parse reads 1e200000 as Infinity; PostgreSQL's numeric cannot hold it (SQLSTATE 22003).
    const bad = `${good(2).slice(0, -1)},"extra":1e200000}`;
    const [a, b, c] = await Promise.all([
      t.webhook("orders/create", good(1), { eventId: "e1" }),
      t.webhook("orders/create", bad, { eventId: "e2" }),
      t.webhook("orders/create", good(3), { eventId: "e3" }),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(400);
    expect(await b.json()).toMatchObject({ error: "invalid_value" });
    expect(c.status).toBe(200);
    const stored = await queryRows<{ delivery_id: string }>(
      t.runtime.db.db,
      sql`SELECT delivery_id FROM webhook_deliveries ORDER BY delivery_id`,
    );
    expect(stored.map((r) => r.delivery_id)).toEqual(["orders/create:e1", "orders/create:e3"]);
    expect(await count(t, "jobs")).toBe(2);
  });
});
