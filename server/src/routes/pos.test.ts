import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { dbLabel, startTestServer, type TestServer } from "../test-support/harness";
import { orderPayload } from "../test-support/payloads";

describe(`POS routes (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  it("shows the register view of a Shopify customer, by plain or gid ID", async () => {
    await t.webhook(
      "orders/create",
      orderPayload({ id: 1, customerId: 11, email: "sarah@mailbox.org", total: "120.00" }),
    );
    await t.drain();
    const res = await t.api("GET", "/api/pos/customers/gid%3A%2F%2Fshopify%2FCustomer%2F11");
    expect(res.status).toBe(200);
    const view = await res.json();
    expect(view).toMatchObject({
      shopifyCustomerId: "11",
      emails: ["sarah@mailbox.org"],
      orderCount: 1,
      loyalty: { points: 120 },
    });
    // The last orders with product names, for the profile screen.
    expect(view.recentOrders).toEqual([
      { orderId: expect.any(String), placedAt: expect.any(String), total: 120, products: ["Linen Shirt"] },
    ]);
    expect((await t.api("GET", "/api/pos/customers/999")).status).toBe(404);
    expect((await t.api("GET", "/api/pos/customers/abc")).status).toBe(400);
  });

  it("logs a visit once per id, creating the profile of a customer not seen yet", async () => {
    const visit = { id: crypto.randomUUID(), shopifyCustomerId: "77", locationId: "loc-1", at: "2026-11-25T11:59:00Z" };
    const first = await t.api("POST", "/api/pos/visits", { body: visit });
    expect(first.status).toBe(201);
    const again = await t.api("POST", "/api/pos/visits", { body: visit });
    expect(again.status).toBe(200);
    expect((await again.json()).duplicate).toBe(true);
    const view = await (await t.api("GET", "/api/pos/customers/77")).json();
    expect(view.lastVisitAt).toBe("2026-11-25T11:59:00.000Z");
    const [n] = await queryRows<{ n: string | number }>(t.runtime.db.db, sql`SELECT count(*) AS n FROM visits`);
    expect(Number(n!.n)).toBe(1);
    expect((await t.api("POST", "/api/pos/visits", { body: { id: "x" } })).status).toBe(400);
  });

  it("suggests items bought together, replenishment and a loyalty nudge", async () => {
    const lines = (id: number, products: number[]) =>
      products.map((p, i) => ({ id: id * 100 + i, productId: p, title: `Product ${p}`, price: "10.00" }));
    let id = 1;
    for (let i = 0; i < 6; i++)
      await t.webhook(
        "orders/create",
        orderPayload({ id: id++, customerId: 100 + i, email: `b${i}@mailbox.org`, lines: lines(id, [1, 2]) }),
      );
    for (let i = 0; i < 6; i++)
      await t.webhook(
        "orders/create",
        orderPayload({ id: id++, customerId: 200 + i, email: `c${i}@mailbox.org`, lines: lines(id, [3]) }),
      );
    // Customer 300 buys coffee (5) every 14 days.
    for (const day of ["2026-10-14", "2026-10-28", "2026-11-11"]) {
      await t.webhook(
        "orders/create",
        orderPayload({
          id: id++,
          customerId: 300,
          email: "coffee@mailbox.org",
          createdAt: `${day}T10:00:00Z`,
          lines: lines(id, [5]),
        }),
      );
    }
    await t.drain();
    const res = await t.api("GET", "/api/pos/hints?customer=300&lines=1");
    expect(res.status).toBe(200);
    const { hints } = await res.json();
    expect(hints.map((h: { kind: string }) => h.kind).sort()).toEqual(["co_purchase", "loyalty", "replenishment"]);
    expect(hints.find((h: { kind: string }) => h.kind === "co_purchase")).toMatchObject({
      productId: "2",
      message: expect.stringContaining("Product 1"),
    });
    expect(hints.find((h: { kind: string }) => h.kind === "replenishment")).toMatchObject({ productId: "5" });
    const anonymous = await (await t.api("GET", "/api/pos/hints?lines=1")).json();
    expect(anonymous.hints.map((h: { kind: string }) => h.kind)).toEqual(["co_purchase"]);
  });
});
