import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows } from "../db/rows";
import { dbLabel, startTestServer, type TestServer } from "../test-support/harness";
import { customerPayload, orderPayload } from "../test-support/payloads";

const count = async (t: TestServer, table: string) =>
  Number((await queryRows<{ n: string }>(t.runtime.db.db, sql`SELECT count(*) AS n FROM ${sql.identifier(table)}`))[0]!.n);

describe(`webhook contract with Shopify (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  it("deduplicates by shop, topic and event id: two topics sharing an event id are both kept", async () => {
    const order = await t.webhook("orders/create", orderPayload({ id: 1, customerId: 11, email: "sarah@example.com" }), { eventId: "evt-1" });
    const customer = await t.webhook("customers/update", customerPayload({ id: 12, email: "tom@example.com" }), { eventId: "evt-1" });
    expect(await order.json()).toEqual({ ok: true, duplicate: false });
    expect(await customer.json()).toEqual({ ok: true, duplicate: false });
    const again = await t.webhook("customers/update", customerPayload({ id: 12, email: "tom@example.com" }), { eventId: "evt-1" });
    expect(await again.json()).toEqual({ ok: true, duplicate: true });
    expect(await count(t, "webhook_deliveries")).toBe(2);
    await t.drain();
    expect((await t.api("GET", "/api/profiles/by-shopify-customer/11")).status).toBe(200);
    expect((await t.api("GET", "/api/profiles/by-shopify-customer/12")).status).toBe(200);
  });
});
