import { febrlCustomer, readFebrl } from "@c360/shared/identity/match/testing/febrl";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ShopifyAdminStandIn } from "../../../tests/support/shopify-admin-stand-in";
import { type ConnectedTestServer, dbLabel, startConnectedTestServer, startTestServer } from "../test-support/harness";

interface Duplicate {
  id: string;
  action: "merge" | "merge_in_shopify" | "waiting_for_shopify";
  sentToShopifyAt: string | null;
  evidence: { fields: { field: string; verdict: string; words: string }[] };
  profiles: { profileId: string; identifiers: { kind: string; value: string }[] }[];
}

/** Fifty people of FEBRL's first set, and the duplicates among them, as Shopify customers. */
function febrlShop() {
  const records = readFebrl("dataset1");
  const people = new Set(
    records
      .filter((r) => r.recId.endsWith("-org"))
      .slice(0, 50)
      .map((r) => r.person),
  );
  return records.filter((r) => people.has(r.person)).map((r, n) => febrlCustomer(r, 5000 + n));
}

describe(`two Shopify customers in the duplicates queue (${dbLabel()})`, () => {
  let t: ConnectedTestServer;
  let shopify: ShopifyAdminStandIn;
  beforeEach(async () => {
    t = await startConnectedTestServer();
    shopify = t.shopify;
  });
  afterEach(async () => {
    await t.close();
  });

  it("offer Merge in Shopify, not Merge; Shopify's customerMerge and its merge webhook then merge ours", async () => {
    await t.api("GET", "/api/settings"); // the shop's first request: token exchange, the Admin API connection
    const customers = febrlShop();
    shopify.addCustomers(
      customers.map((c) => ({
        id: String(c.id),
        firstName: c.first_name,
        lastName: c.last_name,
        email: null,
        phone: null,
        createdAt: c.created_at,
        updatedAt: c.updated_at,
        tags: [],
        defaultAddress: { address1: c.default_address.address1, zip: c.default_address.zip, countryCodeV2: "AU" },
        emailMarketingConsent: null,
        smsMarketingConsent: null,
      })),
    );
    expect((await t.api("POST", "/api/identity/backfill", { body: JSON.stringify(customers) })).status).toBe(200);

    const queue = await (await t.api("GET", "/api/duplicates?kind=probabilistic")).json();
    expect(queue.shopifyConnected).toBe(true);
    expect(queue.duplicates.length).toBeGreaterThan(0);
    const pair = queue.duplicates[0] as Duplicate;
    expect(pair.action).toBe("merge_in_shopify");
    expect(pair.sentToShopifyAt).toBeNull();
    expect(pair.evidence.fields.some((f) => f.verdict === "agrees")).toBe(true);

    const refused = await t.api("POST", `/api/duplicates/${pair.id}/merge`);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({
      error: "identity_limit",
      message: expect.stringContaining("Merge in Shopify"),
    });

    const sent = await t.api("POST", `/api/duplicates/${pair.id}/merge-in-shopify`);
    expect(sent.status).toBe(202);
    // Sending twice queues one customerMerge (idempotent by the duplicate).
    expect((await t.api("POST", `/api/duplicates/${pair.id}/merge-in-shopify`)).status).toBe(202);
    // The queue no longer offers the button: the pair waits for Shopify's customers/merge webhook.
    const waiting = (await (await t.api("GET", "/api/duplicates?kind=probabilistic")).json()).duplicates as Duplicate[];
    expect(waiting.find((d) => d.id === pair.id)).toMatchObject({
      action: "waiting_for_shopify",
      sentToShopifyAt: t.clock().toISOString(),
    });
    expect(waiting.filter((d) => d.id !== pair.id).every((d) => d.action === "merge_in_shopify")).toBe(true);
    await t.drain();
    const shopifyIds = pair.profiles.map((p) => p.identifiers.find((i) => i.kind === "shopify")!.value);
    expect(shopify.customerMerges).toEqual([{ deleted: shopifyIds[0], kept: shopifyIds[1] }]);
    // No profile was merged by our side before Shopify said so.
    expect((await (await t.api("GET", "/api/merges")).json()).merges).toEqual([]);

    const merged = {
      admin_graphql_api_customer_kept_id: `gid://shopify/Customer/${shopifyIds[1]}`,
      admin_graphql_api_customer_deleted_id: `gid://shopify/Customer/${shopifyIds[0]}`,
      admin_graphql_api_job_id: "gid://shopify/Job/6a3c1a51-4bd2-4e34-b4d0-6b4e3cb0b2a8",
      status: "completed",
      errors: [],
    };
    expect((await t.webhook("customers/merge", merged)).status).toBe(200);
    await t.drain();
    const merges = (await (await t.api("GET", "/api/merges")).json()).merges;
    expect(merges).toHaveLength(1);
    expect(merges[0]).toMatchObject({ survivorId: pair.profiles[1]!.profileId, mergedId: pair.profiles[0]!.profileId });
    const open = (await (await t.api("GET", "/api/duplicates?kind=probabilistic")).json()).duplicates as Duplicate[];
    expect(open.map((d) => d.id)).not.toContain(pair.id);
  });

  it("Merge in Shopify is refused with a reason when the shop has no Admin API connection", async () => {
    const plain = await startTestServer(); // no Shopify Admin API: no connection is ever made
    try {
      const loaded = await plain.api("POST", "/api/identity/backfill", { body: JSON.stringify(febrlShop()) });
      expect(loaded.status).toBe(200);
      const queue = await (await plain.api("GET", "/api/duplicates?kind=probabilistic")).json();
      expect(queue.shopifyConnected).toBe(false);
      const res = await plain.api("POST", `/api/duplicates/${queue.duplicates[0].id}/merge-in-shopify`);
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({ error: "shopify_not_connected" });
    } finally {
      await plain.close();
    }
  });
});
