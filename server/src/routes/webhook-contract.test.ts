import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows } from "../db/rows";
import { dbLabel, SHOP_A, SHOP_B, startTestServer, type TestServer } from "../test-support/harness";
import { customerPayload, orderPayload } from "../test-support/payloads";
import {
  SAMPLE_CUSTOMER_ID,
  SAMPLE_ORDER_CUSTOMER_ID,
  SAMPLE_ORDER_ID,
  sampleCustomerCreate,
  sampleOrderCreate,
} from "../test-support/shopify-samples";

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

  it("reads Shopify's sample payloads with IDs above 2^53 without losing a digit", async () => {
    expect(Number(SAMPLE_CUSTOMER_ID) > Number.MAX_SAFE_INTEGER).toBe(true);
    expect((await t.webhook("customers/create", sampleCustomerCreate)).status).toBe(200);
    expect((await t.webhook("orders/create", sampleOrderCreate)).status).toBe(200);
    await t.drain();
    const customer = await t.api("GET", `/api/profiles/by-shopify-customer/${SAMPLE_CUSTOMER_ID}`);
    expect(customer.status).toBe(200);
    expect((await customer.json()).firstName).toBe("Bob");
    expect((await t.api("GET", `/api/profiles/by-shopify-customer/${SAMPLE_ORDER_CUSTOMER_ID}`)).status).toBe(200);
    const ids = await queryRows<{ kind: string; value: string }>(t.runtime.db.db, sql`SELECT kind, value FROM identifiers WHERE kind = 'shopify' ORDER BY value`);
    expect(ids.map((i) => i.value)).toEqual([SAMPLE_ORDER_CUSTOMER_ID, SAMPLE_CUSTOMER_ID]);
    const orders = await queryRows<{ order_id: string }>(t.runtime.db.db, sql`SELECT order_id FROM orders`);
    expect(orders.map((o) => o.order_id)).toEqual([SAMPLE_ORDER_ID]);
  });

  it("refuses a signed body nested 20,000 deep with 400 before it reaches the database", async () => {
    const deep = `{"id":1,"note":${"[".repeat(20_000)}${"]".repeat(20_000)}}`;
    const res = await t.webhook("customers/update", deep);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "too_deep" });
    expect(await count(t, "webhook_deliveries")).toBe(0);
    expect(await count(t, "shops")).toBe(0);
  });

  it("refuses a signed body that names another shop than X-Shopify-Shop-Domain, so shop/redact cannot be aimed", async () => {
    await t.webhook("orders/create", orderPayload({ id: 1, customerId: 11, email: "sarah@example.com" }), { shop: SHOP_A });
    await t.drain();
    // A genuine shop/redact of shop B, replayed with shop A in the unsigned header.
    const aimed = await t.webhook("shop/redact", { shop_id: 2, shop_domain: SHOP_B }, { shop: SHOP_A });
    expect(aimed.status).toBe(400);
    expect(await aimed.json()).toMatchObject({ error: "shop_mismatch" });
    const uninstall = await t.webhook("app/uninstalled", { id: 2, myshopify_domain: SHOP_B }, { shop: SHOP_A });
    expect(uninstall.status).toBe(400);
    // Shop A's numeric ID, once a signed body named it, cannot be swapped for another.
    expect((await t.webhook("customers/data_request", { shop_id: 1, shop_domain: SHOP_A, customer: { id: 11 } }, { shop: SHOP_A })).status).toBe(200);
    const otherId = await t.webhook("customers/redact", { shop_id: 2, shop_domain: SHOP_A, customer: { id: 11 } }, { shop: SHOP_A });
    expect(otherId.status).toBe(400);
    await t.drain();
    expect(await count(t, "webhook_deliveries")).toBe(2);
    expect((await t.api("GET", "/api/profiles/by-shopify-customer/11")).status).toBe(200);
  });

  it("keeps a tombstone of a redacted shop: a retried older delivery does not bring its customers back", async () => {
    const order = orderPayload({ id: 1, customerId: 11, email: "sarah@example.com" });
    await t.webhook("orders/create", order, { eventId: "e1", headers: { "x-shopify-triggered-at": "2026-11-25T11:00:00Z" } });
    await t.drain();
    await t.webhook("shop/redact", { shop_id: 1, shop_domain: SHOP_A }, { eventId: "e2" });
    await t.drain();
    expect(await count(t, "profiles")).toBe(0);
    const retried = await t.webhook("orders/create", order, { eventId: "e1", headers: { "x-shopify-triggered-at": "2026-11-25T11:00:00Z" } });
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ ok: true, ignored: "shop_redacted" });
    const olderUpdate = await t.webhook("orders/updated", order, { eventId: "e3", headers: { "x-shopify-triggered-at": "2026-11-25T11:30:00Z" } });
    expect(await olderUpdate.json()).toMatchObject({ ignored: "shop_redacted" });
    await t.drain();
    for (const table of ["shops", "webhook_deliveries", "jobs", "profiles", "orders", "identifiers"]) {
      expect({ table, n: await count(t, table) }).toEqual({ table, n: 0 });
    }
  });
});
