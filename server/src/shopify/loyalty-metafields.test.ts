import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BOB_NORMAN } from "../../../tests/support/shopify-admin-fixtures";
import type { ShopifyAdminStandIn } from "../../../tests/support/shopify-admin-stand-in";
import { queryRows } from "../db/rows";
import { type ConnectedTestServer, dbLabel, startConnectedTestServer } from "../test-support/harness";
import { orderPayload } from "../test-support/payloads";
import { LOYALTY_BATCH_DELAY_MS } from "./loyalty-metafields";

describe(`loyalty as app-owned metafields (${dbLabel()})`, () => {
  let t: ConnectedTestServer;
  let shopify: ShopifyAdminStandIn;
  beforeEach(async () => {
    t = await startConnectedTestServer();
    shopify = t.shopify;
    shopify.addCustomers([
      structuredClone(BOB_NORMAN),
      { ...structuredClone(BOB_NORMAN), id: "706405506930370084", email: "ana@mailbox.org" },
    ]);
  });
  afterEach(async () => {
    await t.close();
  });

  it("writes points and tier of customers whose loyalty changed, batched after a minute; nothing when unchanged", {
    timeout: 180_000,
  }, async () => {
    await t.api("GET", "/api/settings"); // connects the shop
    await t.webhook(
      "orders/create",
      orderPayload({ id: 1, customerId: Number(BOB_NORMAN.id), email: BOB_NORMAN.email, total: "250.00" }),
    );
    // An ID above 2^53 travels as a string.
    const ana = orderPayload({ id: 2, email: "ana@mailbox.org", total: "40.00" });
    await t.webhook("orders/create", {
      ...ana,
      customer: {
        id: "706405506930370084",
        email: "ana@mailbox.org",
        phone: null,
        first_name: "Ana",
        last_name: null,
      },
    });
    await t.drain();
    expect(shopify.metafieldsSetCalls).toBe(0); // not before the batch is due
    t.clock.set(new Date(t.clock().getTime() + LOYALTY_BATCH_DELAY_MS));
    await t.drain();
    const profiles = await queryRows<{ value: string; loyalty_points: number }>(
      t.runtime.db.db,
      sql`SELECT i.value, p.loyalty_points FROM identifiers i JOIN profiles p ON p.id = i.profile_id
        WHERE i.kind = 'shopify' ORDER BY i.value`,
    );
    expect(profiles).toHaveLength(2);
    expect(shopify.metafieldsSetCalls).toBe(1);
    for (const p of profiles) {
      const view = await (await t.api("GET", `/api/pos/customers/${p.value}`)).json();
      expect(shopify.metafields.get(p.value)).toEqual({
        "$app:loyalty.points": String(p.loyalty_points),
        "$app:loyalty.tier": view.loyalty.tier,
      });
    }
    expect(profiles.some((p) => p.loyalty_points > 0)).toBe(true);

    await t.webhook(
      "orders/updated",
      orderPayload({ id: 1, customerId: Number(BOB_NORMAN.id), email: BOB_NORMAN.email, total: "250.00" }),
    );
    t.clock.set(new Date(t.clock().getTime() + LOYALTY_BATCH_DELAY_MS));
    await t.drain();
    expect(shopify.metafieldsSetCalls).toBe(1);
  });
});
