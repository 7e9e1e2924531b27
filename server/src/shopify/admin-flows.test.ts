import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BOB_NORMAN, BOB_NORMAN_ORDER } from "../../../tests/support/shopify-admin-fixtures";
import type { ShopifyAdminStandIn } from "../../../tests/support/shopify-admin-stand-in";
import { queryRows } from "../db/rows";
import { capture } from "../test-support/consent-fixtures";
import { type ConnectedTestServer, dbLabel, startConnectedTestServer, type TestServer } from "../test-support/harness";

const shopifyIdOf = async (t: TestServer, profileId: string) =>
  (
    await queryRows<{ value: string }>(
      t.runtime.db.db,
      sql`SELECT value FROM identifiers WHERE kind = 'shopify' AND profile_id = ${profileId}`,
    )
  ).map((r) => r.value);

describe(`the app talking to Shopify's Admin API (${dbLabel()})`, () => {
  let t: ConnectedTestServer;
  let shopify: ShopifyAdminStandIn;
  beforeEach(async () => {
    t = await startConnectedTestServer();
    shopify = t.shopify;
    shopify.addCustomers([structuredClone(BOB_NORMAN)]);
    shopify.addOrders([structuredClone(BOB_NORMAN_ORDER)]);
  });
  afterEach(async () => {
    await t.close();
  });

  it("answers an unknown customer at the register from Shopify at once; 404 only if Shopify lacks them", async () => {
    await t.api("GET", "/api/settings"); // the shop's first request: token exchange
    const started = performance.now();
    const res = await t.api("GET", `/api/pos/customers/${BOB_NORMAN.id}`);
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    const view = await res.json();
    expect(view).toMatchObject({
      shopifyCustomerId: BOB_NORMAN.id,
      firstName: "Bob",
      lastName: "Norman",
      emails: [BOB_NORMAN.email],
      orderCount: 1,
      lifetimeSpend: 598.94,
    });
    expect(elapsed).toBeLessThan(1500);
    expect((await t.api("GET", "/api/pos/customers/123456789")).status).toBe(404);
    // Known now: the next lookup does not ask Shopify again.
    const asked = shopify.calls.filter((c) => c.op === "customer").length;
    expect((await t.api("GET", `/api/pos/customers/${BOB_NORMAN.id}`)).status).toBe(200);
    expect(shopify.calls.filter((c) => c.op === "customer").length).toBe(asked);
  });

  it("writes consent captured at the register back to Shopify exactly once, also while Shopify throttles", async () => {
    const bob = (await (await t.api("GET", `/api/pos/customers/${BOB_NORMAN.id}`)).json()).profileId as string;
    expect(
      (await t.api("POST", "/api/consents", { body: capture(bob, "email", { locationId: "655441491" }) })).status,
    ).toBe(201);
    await t.drain();
    await t.drain();
    expect(shopify.consentUpdates).toEqual([
      {
        customerId: BOB_NORMAN.id,
        channel: "email",
        marketingState: "SUBSCRIBED",
        consentUpdatedAt: "2026-11-25T11:00:00.000Z",
        sourceLocationId: "gid://shopify/Location/655441491",
      },
    ]);
    // Shopify reports our write back on its consent topic: the same act, so no second ledger row.
    const echo =
      `{"customer_id":${BOB_NORMAN.id},"email_address":"bob@biller.com","email_marketing_consent":` +
      `{"state":"subscribed","opt_in_level":"single_opt_in","consent_updated_at":"2026-11-25T06:00:00-05:00"}}`;
    expect((await t.webhook("customers_email_marketing_consent/update", echo)).status).toBe(200);
    await t.drain();
    const emailRows = await queryRows<{ source: string }>(
      t.runtime.db.db,
      sql`SELECT source FROM consents WHERE profile_id = ${bob} AND channel = 'email'`,
    );
    expect(emailRows.map((r) => r.source)).toEqual(["pos"]);

    shopify.emptyBucket();
    expect((await t.api("POST", "/api/consents", { body: capture(bob, "sms", { action: "revoked" }) })).status).toBe(
      201,
    );
    await t.drain();
    expect(shopify.calls.at(-1)).toEqual({ op: "customerSmsMarketingConsentUpdate", throttled: true });
    expect(shopify.consentUpdates).toHaveLength(1);
    const [waiting] = await queryRows<{ run_at: Date; last_error: string }>(
      t.runtime.db.db,
      sql`SELECT run_at, last_error FROM jobs WHERE kind = 'shopify.consent'`,
    );
    expect(waiting!.last_error).toMatch(/throttled/);
    // The wait comes from throttleStatus: 10 points at 100/s is under a second, so the job is due 1 s later.
    expect(new Date(waiting!.run_at).getTime() - t.clock().getTime()).toBe(1000);
    expect((await (await t.api("GET", "/api/shopify/status")).json()).pendingJobs).toEqual([
      expect.objectContaining({ kind: "shopify.consent", lastError: expect.stringMatching(/throttled/) }),
    ]);
    t.clock.set(new Date(t.clock().getTime() + 1000));
    await t.drain();
    await t.drain();
    expect(shopify.consentUpdates.map((u) => [u.channel, u.marketingState])).toEqual([
      ["email", "SUBSCRIBED"],
      ["sms", "UNSUBSCRIBED"],
    ]);
    expect(shopify.customers.get(BOB_NORMAN.id)!.smsMarketingConsent?.marketingState).toBe("UNSUBSCRIBED");
  });

  it("creates a tablet sign-up in Shopify and links the ID; an email Shopify knows links that customer", async () => {
    const created = await t.api("POST", "/api/devices/pairing-codes", { body: { locationId: "loc-1" } });
    const { code } = await created.json();
    const { token } = await (
      await t.api("POST", "/api/sync/pair", { token: null, body: { code, deviceName: "Tablet" } })
    ).json();
    shopify.addCustomers([
      { ...structuredClone(BOB_NORMAN), id: "706405506930370084", email: "ana@mailbox.org", phone: null },
    ]);
    const mutations = [
      {
        seq: 1,
        id: crypto.randomUUID(),
        name: "customer.capture",
        args: { localId: crypto.randomUUID(), firstName: "Sarah", lastName: "Miller", email: "sarah@mailbox.org" },
        createdAt: "2026-11-25T11:00:00Z",
      },
      {
        seq: 2,
        id: crypto.randomUUID(),
        name: "customer.capture",
        args: { localId: crypto.randomUUID(), firstName: "Ana", email: "ana@mailbox.org" },
        createdAt: "2026-11-25T11:00:00Z",
      },
      {
        seq: 3,
        id: crypto.randomUUID(),
        name: "customer.capture",
        args: { localId: crypto.randomUUID(), firstName: "Nobody" },
        createdAt: "2026-11-25T11:00:00Z",
      },
    ];
    const pushed = await t.api("POST", "/api/sync/push", { token, body: { clientId: "client-1", mutations } });
    expect(pushed.status).toBe(200);
    const { profiles } = await pushed.json();
    const [sarah, ana, nobody] = mutations.map((m) => profiles[(m.args as { localId: string }).localId] as string);
    await t.drain();
    await t.drain();
    expect(shopify.createdCustomers).toHaveLength(1);
    expect(shopify.customers.get(shopify.createdCustomers[0]!)).toMatchObject({
      email: "sarah@mailbox.org",
      firstName: "Sarah",
      lastName: "Miller",
    });
    expect(await shopifyIdOf(t, sarah!)).toEqual([shopify.createdCustomers[0]]);
    expect(await shopifyIdOf(t, ana!)).toEqual(["706405506930370084"]);
    expect(await shopifyIdOf(t, nobody!)).toEqual([]);
  });
});
