import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { generateShop } from "../seed/generate";
import { dbLabel, startTestServer, type TestServer } from "../test-support/harness";
import { customerPayload, orderPayload, refundPayload } from "../test-support/payloads";

/**
 * Webhooks processed many at a time (one set-based batch per shop) leave exactly what processing them
 * one at a time leaves: the same people with the same identifiers, names, orders, points, candidates
 * and merges (and the same points; see the ledger note below). Profile IDs are random, so each profile
 * is named by its identifiers.
 */
const PHONE_B = "+14153000123";
const HOUSEHOLD = "+14153000999";
const crafted = [
  // A: a Shopify customer; B: a guest order with only a phone.
  {
    topic: "customers/create",
    payload: customerPayload({ id: 1, email: "ann@example.com", firstName: "Ann", lastName: "Lee" }),
  },
  {
    topic: "orders/create",
    payload: {
      ...orderPayload({ id: 9001, customerId: null, email: null, phone: PHONE_B, total: "40.00" }),
      customer: null,
    },
  },
  // A refund before its order, an update before the create is processed, a cancellation.
  { topic: "refunds/create", payload: refundPayload({ id: 71, orderId: 9002, amount: "10.00" }) },
  {
    topic: "orders/create",
    payload: orderPayload({ id: 9002, customerId: 1, total: "120.00", createdAt: "2026-11-02T10:00:00Z" }),
  },
  {
    topic: "orders/updated",
    payload: {
      ...orderPayload({ id: 9002, customerId: 1, total: "110.00", createdAt: "2026-11-02T10:00:00Z" }),
      updated_at: "2026-11-03T10:00:00Z",
    },
  },
  // An older copy after a newer one changes nothing.
  {
    topic: "orders/updated",
    payload: {
      ...orderPayload({ id: 9002, customerId: 1, total: "999.00", createdAt: "2026-11-02T10:00:00Z" }),
      updated_at: "2026-11-02T11:00:00Z",
    },
  },
  {
    topic: "orders/create",
    payload: orderPayload({ id: 9003, customerId: 1, total: "30.00", createdAt: "2026-11-04T10:00:00Z" }),
  },
  {
    topic: "orders/cancelled",
    payload: {
      ...orderPayload({ id: 9003, customerId: 1, total: "30.00", createdAt: "2026-11-04T10:00:00Z" }),
      cancelled_at: "2026-11-05T10:00:00Z",
      updated_at: "2026-11-05T10:00:00Z",
    },
  },
  // A's customer record now carries B's phone: the two become one (a merge of stored profiles).
  {
    topic: "customers/update",
    payload: customerPayload({
      id: 1,
      email: "ann@example.com",
      phone: PHONE_B,
      firstName: "Annie",
      updatedAt: "2026-11-06T10:00:00Z",
    }),
  },
  // Two Shopify customers on one household phone stay apart, with a candidate.
  {
    topic: "customers/create",
    payload: customerPayload({ id: 2, phone: HOUSEHOLD, firstName: "Bo", lastName: "Ray" }),
  },
  {
    topic: "customers/create",
    payload: customerPayload({ id: 3, phone: HOUSEHOLD, firstName: "Cy", lastName: "Ray" }),
  },
  // An order with no identifiers at all, and one whose names only fill gaps.
  {
    topic: "orders/create",
    payload: orderPayload({ id: 9004, customerId: null, email: null, phone: null, total: "5.00" }),
  },
  {
    topic: "orders/create",
    payload: {
      ...orderPayload({ id: 9005, customerId: null, email: "dee@example.com", total: "15.00" }),
      customer: null,
    },
  },
  { topic: "orders/create", payload: orderPayload({ id: 9006, customerId: 2, total: "60.00", source: "pos" }) },
];
const generated = generateShop({ customers: 40, seed: 11 }).events.map((e) => ({ topic: e.topic, payload: e.payload }));
const EVENTS = [...crafted, ...generated];

async function canonicalState(t: TestServer) {
  const db = t.runtime.db.db;
  const idRows = await queryRows<{ profile_id: string; key: string }>(
    db,
    sql`SELECT profile_id, kind || ':' || value AS key FROM identifiers ORDER BY 2`,
  );
  const nameOf = new Map<string, string[]>();
  for (const r of idRows) nameOf.set(r.profile_id, [...(nameOf.get(r.profile_id) ?? []), r.key]);
  const name = (id: string | null) => (id ? (nameOf.get(id)?.join(" ") ?? `(no identifiers)`) : null);
  const profiles = await queryRows<Record<string, unknown> & { id: string }>(
    db,
    sql`SELECT id, status, first_name, last_name, postcode, address1, order_count, lifetime_spend::float8 AS spend,
      pos_spend::float8 AS pos,
               loyalty_points, loyalty_tier, lifecycle_stage, first_seen_at, last_order_at, rfm_r, rfm_f, rfm_m
        FROM profiles WHERE status = 'active'`,
  );
  const orders = await queryRows<{ order_id: string; profile_id: string | null; total: number; cancelled: boolean }>(
    db,
    sql`SELECT order_id, profile_id, total::float8 AS total, cancelled_at IS NOT NULL AS cancelled FROM orders
      ORDER BY order_id`,
  );
  // Points per order, net. An order placed and cancelled within one batch never earns, where one at a time
  // it earns and is clawed back: the same balance with two fewer ledger lines, so orders netting 0 are left out.
  const ledger = await queryRows<{ order_id: string; points: number }>(
    db,
    sql`SELECT order_id, sum(points)::int AS points FROM loyalty_ledger GROUP BY 1 HAVING sum(points) <> 0 ORDER BY 1`,
  );
  const candidates = await queryRows<{ a: string; b: string }>(
    db,
    sql`SELECT profile_id AS a, other_profile_id AS b FROM merge_candidates WHERE status = 'open'`,
  );
  const events = await queryRows<{ id: string; profile_id: string }>(
    db,
    sql`SELECT id, profile_id FROM identity_events ORDER BY id`,
  );
  const [counts] = await queryRows<{ merges: number; lines: number }>(
    db,
    sql`SELECT (SELECT count(*) FROM merges)::int AS merges, (SELECT count(*) FROM order_lines)::int AS lines`,
  );
  return {
    profiles: profiles
      .map(({ id, ...rest }) => ({
        who: name(id),
        ...rest,
        first_seen_at: String(rest.first_seen_at),
        last_order_at: String(rest.last_order_at),
      }))
      .sort((a, b) => String(a.who).localeCompare(String(b.who))),
    orders: orders.map((o) => ({ ...o, profile_id: name(o.profile_id) })),
    ledger,
    candidates: candidates.map((c) => [name(c.a), name(c.b)].sort().join(" | ")).sort(),
    events: events.map((e) => `${e.id} → ${name(e.profile_id)}`),
    counts,
  };
}

describe(`webhook batches (${dbLabel()})`, () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it("leave the same state as processing each delivery alone", async () => {
    const oneByOne = await startTestServer({ queueBatchSize: 1 });
    const batched = await startTestServer({ queueBatchSize: 500 });
    servers.push(oneByOne, batched);
    for (const server of [oneByOne, batched]) {
      for (const [i, e] of EVENTS.entries())
        expect((await server.webhook(e.topic, e.payload, { eventId: `ev-${i}` })).status).toBe(200);
    }
    expect(await oneByOne.drain()).toBe(EVENTS.length);
    expect(await batched.drain()).toBe(EVENTS.length);

    const expected = await canonicalState(oneByOne);
    const actual = await canonicalState(batched);
    expect(actual).toEqual(expected);
    // The crafted story happened: one merge (Ann's record took the guest's phone), a household candidate.
    expect(expected.counts?.merges).toBe(1);
    const holds = (who: unknown, key: string) =>
      String(who)
        .split(/ \| | /)
        .includes(key);
    expect(expected.candidates.some((c) => holds(c, "shopify:2") && holds(c, "shopify:3"))).toBe(true);
    const ann = expected.profiles.find((p) => holds(p.who, "shopify:1"))!;
    // The update names her Annie Miller (a customer record is the authority); the cancelled order is left out.
    expect(ann).toMatchObject({ first_name: "Annie", last_name: "Miller", order_count: 2 });
    expect(String(ann.who)).toContain(`phone:${PHONE_B}`);
    // Two whole servers fed the same story on PGlite: the limit only guards against a hang, not a speed check.
  }, 240_000);
});
