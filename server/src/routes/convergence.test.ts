import fc from "fast-check";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { dbLabel, startTestServer, type TestServer } from "../test-support/harness";
import { orderPayload, refundPayload } from "../test-support/payloads";

/**
 * Duplicate, late and out-of-order webhooks (an update before its create, a refund before its order, the
 * same delivery twice) converge to the state that in-order delivery leaves.
 */
const CUSTOMER = 4242;
const created = orderPayload({ id: 1001, customerId: CUSTOMER, total: "200.00", createdAt: "2026-11-01T10:00:00Z" });
const updated = { ...created, total_price: "180.00", updated_at: "2026-11-01T12:00:00Z" };
const second = orderPayload({
  id: 1002,
  customerId: CUSTOMER,
  total: "50.00",
  source: "pos",
  createdAt: "2026-11-10T10:00:00Z",
});
const cancelled = { ...second, cancelled_at: "2026-11-10T15:00:00Z", updated_at: "2026-11-10T15:00:00Z" };
const third = orderPayload({
  id: 1003,
  customerId: CUSTOMER,
  total: "75.00",
  source: "pos",
  createdAt: "2026-11-12T10:00:00Z",
});
const EVENTS = [
  { topic: "orders/create", payload: created, id: "e1" },
  { topic: "orders/updated", payload: updated, id: "e2" },
  { topic: "refunds/create", payload: refundPayload({ id: 55, orderId: 1001, amount: "30.00" }), id: "e3" },
  { topic: "orders/create", payload: second, id: "e4" },
  { topic: "orders/cancelled", payload: cancelled, id: "e5" },
  { topic: "orders/create", payload: third, id: "e6" },
  { topic: "refunds/create", payload: refundPayload({ id: 56, orderId: 1003, amount: "75.00" }), id: "e7" },
];

async function finalState(t: TestServer) {
  const view = await (await t.api("GET", `/api/profiles/by-shopify-customer/${CUSTOMER}`)).json();
  const [ledger] = await queryRows<{ points: string }>(
    t.runtime.db.db,
    sql`SELECT coalesce(sum(points), 0)::text AS points FROM loyalty_ledger`,
  );
  return {
    orderCount: view.orderCount,
    lifetimeSpend: view.lifetimeSpend,
    posSpend: view.posSpend,
    onlineSpend: view.onlineSpend,
    points: view.loyalty.points,
    ledgerPoints: Number(ledger!.points),
    firstOrderAt: view.aggregates.firstOrderAt,
    lastOrderAt: view.aggregates.lastOrderAt,
  };
}

describe(`webhook convergence (${dbLabel()})`, () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it("any arrival order, with duplicates and a drain at any point, gives the in-order result", async () => {
    const reference = await startTestServer();
    servers.push(reference);
    for (const e of EVENTS) await reference.webhook(e.topic, e.payload, { eventId: e.id });
    await reference.drain();
    const expected = await finalState(reference);
    expect(expected).toMatchObject({ orderCount: 2, lifetimeSpend: 150, posSpend: 0, onlineSpend: 150, points: 150 });

    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(EVENTS, { minLength: EVENTS.length }),
        fc.array(fc.integer({ min: 0, max: EVENTS.length - 1 }), { maxLength: 3 }),
        fc.array(fc.boolean(), { minLength: EVENTS.length + 3, maxLength: EVENTS.length + 3 }),
        async (order, duplicates, drainAfter) => {
          const t = await startTestServer();
          try {
            const deliveries = [...order, ...duplicates.map((i) => EVENTS[i]!)];
            for (const [k, e] of deliveries.entries()) {
              const res = await t.webhook(e.topic, e.payload, { eventId: e.id });
              expect(res.status).toBe(200);
              if (drainAfter[k]) await t.drain();
            }
            await t.drain();
            expect(await finalState(t)).toEqual(expected);
          } finally {
            await t.close();
          }
        },
      ),
      { numRuns: Number(process.env.C360_PROPERTY_RUNS ?? 12) },
    );
    // Twelve whole-server runs on PGlite: the limit only guards against a hang, it is not a speed check.
  }, 240_000);
});
