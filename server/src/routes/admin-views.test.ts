import { customerListSchema, customerProfileSchema, dataInventorySchema, recomputeStatusSchema } from "@c360/shared";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { dbLabel, SHOP_A, startTestServer, type TestServer } from "../test-support/harness";
import { orderPayload, refundPayload } from "../test-support/payloads";

const DAY = 86_400_000;

/** The admin's 360 page and dashboard (#20 items 8, 9 and 12): what they read from the server. */
describe(`admin views: 360 timeline, dashboard series, recompute and filters (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  const ago = (days: number) => new Date(t.clock().getTime() - days * DAY).toISOString();
  const byShopifyId = async (id: number) => (await t.api("GET", `/api/profiles/by-shopify-customer/${id}`)).json();

  it("shows refunds and product names on the timeline, spend by month, first seen by the first order", async () => {
    const lines = [
      { id: 1, productId: 9001, title: "Linen Shirt", price: "40.00" },
      { id: 2, productId: 9002, title: "Chino Trousers", price: "6.50" },
    ];
    await t.webhook(
      "orders/create",
      orderPayload({ id: 501, customerId: 77, total: "46.50", createdAt: ago(400), lines }),
    );
    await t.webhook(
      "orders/create",
      orderPayload({ id: 502, customerId: 77, total: "46.50", createdAt: ago(20), source: "pos" }),
    );
    await t.webhook("refunds/create", refundPayload({ id: 601, orderId: 502, amount: "24.00", createdAt: ago(19) }));
    await t.drain();
    const p = await byShopifyId(77);
    // The admin reads these answers through the shared wire schemas: they must describe them exactly.
    expect(customerProfileSchema.strict().parse(p)).toBeTruthy();
    customerListSchema.parse(await (await t.api("GET", "/api/profiles")).json());
    dataInventorySchema.parse(await (await t.api("GET", "/api/gdpr/inventory")).json());
    expect(p.aggregates.lifetimeSpend).toBe(69);
    expect(p.aggregates.refunded).toBe(24);
    const refund = p.timeline.find((e: { kind: string }) => e.kind === "refund");
    expect(refund).toMatchObject({ id: "601", amount: -24, summary: "refund of 24.00 USD on order 502" });
    const first = p.timeline.find((e: { id: string }) => e.id === "501");
    expect(first).toMatchObject({ kind: "order", amount: 46.5, products: ["Linen Shirt", "Chino Trousers"] });
    // The backfilled order is 400 days old; the profile row was made today.
    expect(p.firstSeenAt).toBe(p.aggregates.firstOrderAt);
    expect(p.spendOverTime).toEqual([
      { month: ago(400).slice(0, 7), orders: 1, spend: 46.5, refunds: 0 },
      ...(ago(20).slice(0, 7) === ago(19).slice(0, 7)
        ? [{ month: ago(20).slice(0, 7), orders: 1, spend: 46.5, refunds: 24 }]
        : [
            { month: ago(20).slice(0, 7), orders: 1, spend: 46.5, refunds: 0 },
            { month: ago(19).slice(0, 7), orders: 0, spend: 0, refunds: 24 },
          ]),
    ]);
  });

  it("puts every profile in one channel bucket (a fully refunded buyer too) and charts the year by month", async () => {
    await t.webhook("orders/create", orderPayload({ id: 701, customerId: 81, total: "30.00", createdAt: ago(10) }));
    await t.webhook(
      "orders/create",
      orderPayload({ id: 702, customerId: 82, total: "20.00", createdAt: ago(10), source: "pos" }),
    );
    await t.webhook("refunds/create", refundPayload({ id: 801, orderId: 702, amount: "20.00", createdAt: ago(9) }));
    await t.api("POST", "/api/identify", {
      body: { identifiers: { email: "browser@x.com" }, at: ago(1), eventId: "b1" },
    });
    await t.drain();
    await t.api("POST", "/api/enrichment/recompute");
    const d = await (await t.api("GET", "/api/dashboard")).json();
    expect(d.channelMix).toEqual({ online_only: 1, in_store_only: 0, omnichannel: 0, no_orders: 1, no_spend: 1 });
    expect(Object.values(d.channelMix as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(d.profiles);
    expect(d.currency).toBe("USD");
    const orders = d.spendOverTime.reduce((s: number, m: { orders: number }) => s + m.orders, 0);
    const spend = d.spendOverTime.reduce((s: number, m: { spend: number }) => s + m.spend, 0);
    const refunds = d.spendOverTime.reduce((s: number, m: { refunds: number }) => s + m.refunds, 0);
    expect({ orders, spend, refunds }).toEqual({ orders: 2, spend: 50, refunds: 20 });
    // Both buyers have an RFM score after the recompute; the grid counts them by recency and frequency.
    expect(d.rfmGrid.reduce((s: number, c: { count: number }) => s + c.count, 0)).toBe(2);
    // Each bucket clicks through to the same customers in the list.
    const list = async (q: string) => (await (await t.api("GET", `/api/profiles?${q}`)).json()).total;
    expect(await list("channelMix=no_spend")).toBe(1);
    expect(await list("channelMix=no_orders")).toBe(1);
    const cell = d.rfmGrid[0];
    expect(await list(`rfmR=${cell.r}&rfmF=${cell.f}`)).toBe(cell.count);
    expect(await list("has=email")).toBe(1);
    expect((await t.api("GET", "/api/profiles?rfmR=9")).status).toBe(400);
  });

  it("recomputes the whole shop on the queue when asked, answering a job id to poll until done", async () => {
    await t.webhook("orders/create", orderPayload({ id: 901, customerId: 91, createdAt: ago(5) }));
    await t.drain();
    await t.runtime.db.db.execute(sql`UPDATE profiles SET lifecycle_stage = 'churned' WHERE shop_id = ${SHOP_A}`);
    const asked = await t.api("POST", "/api/dashboard/recompute");
    expect(asked.status).toBe(202);
    const job = await asked.json();
    expect(job).toMatchObject({ status: "queued" });
    // A second click while it waits is the same pass, not a second one.
    expect((await (await t.api("POST", "/api/dashboard/recompute")).json()).jobId).toBe(job.jobId);
    expect(await (await t.api("GET", `/api/dashboard/recompute/${job.jobId}`)).json()).toMatchObject({
      status: "queued",
    });
    await t.drain();
    const done = await (await t.api("GET", `/api/dashboard/recompute/${job.jobId}`)).json();
    expect(done).toMatchObject({ jobId: job.jobId, status: "done", profiles: 1, changed: 1 });
    expect(recomputeStatusSchema.parse(done)).toEqual(done);
    expect((await byShopifyId(91)).lifecycleStage).toBe("converted");
    expect((await t.api("GET", "/api/dashboard/recompute/nope")).status).toBe(404);
    // Another shop cannot read this shop's recompute.
    expect((await t.api("GET", `/api/dashboard/recompute/${job.jobId}`, { shop: "shop-b.myshopify.com" })).status).toBe(
      404,
    );
    const rows = await queryRows<{ n: string | number }>(
      t.runtime.db.db,
      sql`SELECT count(*) AS n FROM shop_recomputes`,
    );
    expect(Number(rows[0]!.n)).toBe(1);
  });

  it("refuses an agency user ID that no Shopify user could have, naming the field", async () => {
    const res = await t.api("POST", "/api/agency/grants", { body: { userId: "not a user!!" } });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toMatch(/userId: a user ID has only letters, digits/);
    expect((await t.api("POST", "/api/agency/grants", { body: { userId: "4207" } })).status).toBe(201);
  });
});
