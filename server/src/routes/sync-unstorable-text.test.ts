import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { dbLabel, startTestServer, type TestServer } from "../test-support/harness";
import { orderPayload } from "../test-support/payloads";

/** Issue #17 item 3: a NUL or a lone surrogate costs one mutation (or nothing of a webhook), never the batch. */
describe(`text PostgreSQL cannot store (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  async function pairedToken() {
    const { code } = await (
      await t.api("POST", "/api/devices/pairing-codes", { body: { locationId: "loc-1" } })
    ).json();
    const res = await t.api("POST", "/api/sync/pair", { token: null, body: { code, deviceName: "Tablet" } });
    return (await res.json()).token as string;
  }

  it("rejects only the captures with a NUL or a lone surrogate; the other 498 of 500 apply", async () => {
    const token = await pairedToken();
    const mutations = Array.from({ length: 500 }, (_, i) => ({
      seq: i + 1,
      id: crypto.randomUUID(),
      name: "customer.capture",
      args: {
        localId: crypto.randomUUID(),
        firstName: `Guest${i}`,
        email: `guest${i}@example.com`,
        notes: "likes linen",
      },
      createdAt: "2026-11-25T11:00:00Z",
    }));
    mutations[17]!.args.firstName = "Ana\u0000";
    mutations[300]!.args.notes = "broken \ud800 half";
    const res = await t.api("POST", "/api/sync/push", { token, body: { clientId: "tablet-nul-1", mutations } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.lastSeq).toBe(500);
    expect(body.applied).toHaveLength(498);
    expect(body.rejected.map((r: { seq: number }) => r.seq)).toEqual([18, 301]);
    expect(body.rejected[0].reason).toMatch(/^invalid_args: firstName: contains a NUL character/);
    expect(body.rejected[1].reason).toMatch(/^invalid_args: notes: contains a NUL character or a broken character/);
    const [profiles] = await queryRows<{ n: string | number }>(
      t.runtime.db.db,
      sql`SELECT count(*) AS n FROM profiles`,
    );
    expect(Number(profiles!.n)).toBe(498);

    // The next push continues after the rejected ones: nothing is stuck behind them.
    const next = await t.api("POST", "/api/sync/push", {
      token,
      body: {
        clientId: "tablet-nul-1",
        mutations: [
          {
            seq: 501,
            id: crypto.randomUUID(),
            name: "customer.capture",
            args: { localId: crypto.randomUUID(), firstName: "Late" },
            createdAt: "2026-11-25T11:05:00Z",
          },
        ],
      },
    });
    expect(next.status).toBe(200);
    expect((await next.json()).applied).toHaveLength(1);
  });

  it("records a mutation whose name holds a NUL as rejected instead of failing the push", async () => {
    const token = await pairedToken();
    const mutations = [
      { seq: 1, id: crypto.randomUUID(), name: "customer\u0000.capture", args: {}, createdAt: "2026-11-25T11:00:00Z" },
      {
        seq: 2,
        id: crypto.randomUUID(),
        name: "customer.capture",
        args: { localId: crypto.randomUUID(), firstName: "Bo" },
        createdAt: "2026-11-25T11:00:00Z",
      },
    ];
    const res = await t.api("POST", "/api/sync/push", { token, body: { clientId: "tablet-nul-2", mutations } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.applied).toEqual([mutations[1]!.id]);
    expect(body.rejected).toEqual([
      {
        id: mutations[0]!.id,
        seq: 1,
        reason: 'unknown_mutation: "customer.capture" is not a mutation this server knows',
      },
    ]);
  });

  it("stores a signed order whose note and customer name hold \\u0000, without the NUL", async () => {
    const order = { ...orderPayload({ id: 71, customerId: 710, email: "nul@example.com" }), note: "gift\u0000wrap" };
    order.customer!.first_name = "Sa\u0000rah";
    const res = await t.webhook("orders/create", order);
    expect(res.status).toBe(200);
    await t.drain();
    const [delivery] = await queryRows<{ note: string }>(
      t.runtime.db.db,
      sql`SELECT payload->>'note' AS note FROM webhook_deliveries`,
    );
    expect(delivery!.note).toBe("giftwrap");
    const stored = await queryRows<{ first_name: string; orders: string | number }>(
      t.runtime.db.db,
      sql`SELECT p.first_name, (SELECT count(*) FROM orders o WHERE o.profile_id = p.id) AS orders FROM profiles p`,
    );
    expect(stored).toEqual([{ first_name: "Sarah", orders: expect.anything() }]);
    expect(Number(stored[0]!.orders)).toBe(1);
  });
});
