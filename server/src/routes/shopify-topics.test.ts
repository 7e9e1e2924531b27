import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { dbLabel, startTestServer, type TestServer } from "../test-support/harness";
import { customerPayload, orderPayload } from "../test-support/payloads";
import { SAMPLE_CUSTOMER_ID, sampleCustomerCreate } from "../test-support/shopify-samples";

const consentRows = (t: TestServer) =>
  queryRows<{ channel: string; action: string; source: string }>(
    t.runtime.db.db,
    sql`SELECT channel, action, source FROM consents ORDER BY seq`,
  );

describe(`Shopify's customer topics (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  it("reads email and SMS consent off customer webhooks and the consent topics into the ledger", async () => {
    const subscribed = sampleCustomerCreate.replace(
      `"email_marketing_consent": null`,
      `"email_marketing_consent": {"state": "subscribed", "opt_in_level": "single_opt_in", ` +
        `"consent_updated_at": "2021-12-31T19:00:00-05:00"}`,
    );
    expect(subscribed).not.toBe(sampleCustomerCreate);
    for (let i = 0; i < 2; i++)
      expect((await t.webhook("customers/create", subscribed, { eventId: `create-${i}` })).status).toBe(200);
    await t.drain();
    let profile = await (await t.api("GET", `/api/profiles/by-shopify-customer/${SAMPLE_CUSTOMER_ID}`)).json();
    expect(profile.consent.email).toEqual({ granted: true, since: "2022-01-01T00:00:00.000Z" });
    expect(profile.consent.sms.granted).toBe(false);

    // Shopify's customers_marketing_consent/update (SMS) sample, then the customer unsubscribes from email.
    const sms =
      `{"id":${SAMPLE_CUSTOMER_ID},"phone":null,"sms_marketing_consent":{"state":"subscribed",` +
      `"opt_in_level":"single_opt_in","consent_updated_at":"2022-01-02T10:00:00Z","consent_collected_from":"OTHER"}}`;
    expect((await t.webhook("customers_marketing_consent/update", sms)).status).toBe(200);
    const email =
      `{"customer_id":${SAMPLE_CUSTOMER_ID},"email_address":"bob@biller.com","email_marketing_consent":` +
      `{"state":"unsubscribed","opt_in_level":"single_opt_in","consent_updated_at":"2022-01-03T10:00:00Z",` +
      `"consent_collected_from":"SHOPIFY"}}`;
    expect((await t.webhook("customers_email_marketing_consent/update", email)).status).toBe(200);
    await t.drain();
    profile = await (await t.api("GET", `/api/profiles/by-shopify-customer/${SAMPLE_CUSTOMER_ID}`)).json();
    expect(profile.consent.sms).toEqual({ granted: true, since: "2022-01-02T10:00:00.000Z" });
    expect(profile.consent.email).toEqual({ granted: false, since: "2022-01-03T10:00:00.000Z" });
    expect(await consentRows(t)).toEqual([
      { channel: "email", action: "granted", source: "shopify" },
      { channel: "sms", action: "granted", source: "shopify" },
      { channel: "email", action: "revoked", source: "shopify" },
    ]);
    expect((await (await t.api("GET", "/api/consents/verify")).json()).intact).toBe(true);
  });

  it("customers/merge merges our profiles as Shopify merged its customers, through the merge service", async () => {
    await t.webhook(
      "orders/create",
      orderPayload({ id: 1, customerId: 21, email: "sarah@example.com", total: "30.00" }),
    );
    await t.webhook(
      "orders/create",
      orderPayload({ id: 2, customerId: 22, email: "sarah.m@example.com", total: "70.00" }),
    );
    await t.drain();
    const kept = await (await t.api("GET", "/api/profiles/by-shopify-customer/21")).json();
    const merge = {
      admin_graphql_api_customer_kept_id: "gid://shopify/Customer/21",
      admin_graphql_api_customer_deleted_id: "gid://shopify/Customer/22",
      admin_graphql_api_job_id: "gid://shopify/Job/6a3c1a51-4bd2-4e34-b4d0-6b4e3cb0b2a8",
      status: "completed",
      errors: [],
    };
    expect((await t.webhook("customers/merge", merge)).status).toBe(200);
    await t.drain();
    const after = await (await t.api("GET", "/api/profiles/by-shopify-customer/21")).json();
    expect(after.profileId).toBe(kept.profileId);
    expect(after.profileId).toEqual(expect.any(String));
    expect(after.orderCount).toBe(2);
    expect(after.lifetimeSpend).toBe(100);
    expect((await t.api("GET", "/api/profiles/by-shopify-customer/22")).status).toBe(404);
    const merges = await queryRows<{ survivor_id: string; decided_by: string }>(
      t.runtime.db.db,
      sql`SELECT survivor_id, decided_by FROM merges`,
    );
    expect(merges).toEqual([{ survivor_id: kept.profileId, decided_by: "shopify" }]);
  });

  it("customers/delete detaches the Shopify ID; orders/delete drops the order and claws back its points", async () => {
    await t.webhook("customers/create", customerPayload({ id: 31, email: "tom@example.com" }));
    await t.webhook("orders/create", orderPayload({ id: 3, customerId: 32, email: "ann@example.com", total: "50.00" }));
    await t.webhook("orders/create", orderPayload({ id: 4, customerId: 32, email: "ann@example.com", total: "20.00" }));
    await t.drain();
    expect((await (await t.api("GET", "/api/profiles/by-shopify-customer/32")).json()).loyalty.points).toBe(70);

    const deleteCustomer =
      '{"id":31,"phone":null,"addresses":[],"tax_exemptions":[],"email_marketing_consent":null,' +
      '"sms_marketing_consent":null,"admin_graphql_api_id":"gid://shopify/Customer/31"}';
    expect((await t.webhook("customers/delete", deleteCustomer)).status).toBe(200);
    expect((await t.webhook("orders/delete", { id: 3 })).status).toBe(200);
    await t.drain();
    expect((await t.api("GET", "/api/profiles/by-shopify-customer/31")).status).toBe(404);
    const ann = await (await t.api("GET", "/api/profiles/by-shopify-customer/32")).json();
    expect(ann.orderCount).toBe(1);
    expect(ann.lifetimeSpend).toBe(20);
    expect(ann.loyalty.points).toBe(20);
    // Shopify's retry of an older orders/updated does not bring the deleted order back.
    await t.webhook(
      "orders/updated",
      orderPayload({
        id: 3,
        customerId: 32,
        email: "ann@example.com",
        total: "50.00",
        updatedAt: "2026-11-20T11:00:00Z",
      }),
    );
    await t.drain();
    expect((await (await t.api("GET", "/api/profiles/by-shopify-customer/32")).json()).lifetimeSpend).toBe(20);
  });
});
