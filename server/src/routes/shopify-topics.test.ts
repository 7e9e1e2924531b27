import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { dbLabel, startTestServer, type TestServer } from "../test-support/harness";
import { SAMPLE_CUSTOMER_ID, sampleCustomerCreate } from "../test-support/shopify-samples";

const consentRows = (t: TestServer) =>
  queryRows<{ channel: string; action: string; source: string }>(t.runtime.db.db, sql`SELECT channel, action, source FROM consents ORDER BY seq`);

describe(`Shopify's customer topics (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  it("reads email and SMS marketing consent off customer webhooks and the consent topics into the ledger", async () => {
    const subscribed = sampleCustomerCreate.replace(
      `"email_marketing_consent": null`,
      `"email_marketing_consent": {"state": "subscribed", "opt_in_level": "single_opt_in", "consent_updated_at": "2021-12-31T19:00:00-05:00"}`,
    );
    expect(subscribed).not.toBe(sampleCustomerCreate);
    for (let i = 0; i < 2; i++) expect((await t.webhook("customers/create", subscribed, { eventId: `create-${i}` })).status).toBe(200);
    await t.drain();
    let profile = await (await t.api("GET", `/api/profiles/by-shopify-customer/${SAMPLE_CUSTOMER_ID}`)).json();
    expect(profile.consent.email).toEqual({ granted: true, since: "2022-01-01T00:00:00.000Z" });
    expect(profile.consent.sms.granted).toBe(false);

    // Shopify's customers_marketing_consent/update (SMS) sample, then the customer unsubscribes from email.
    const sms = `{"id":${SAMPLE_CUSTOMER_ID},"phone":null,"sms_marketing_consent":{"state":"subscribed","opt_in_level":"single_opt_in","consent_updated_at":"2022-01-02T10:00:00Z","consent_collected_from":"OTHER"}}`;
    expect((await t.webhook("customers_marketing_consent/update", sms)).status).toBe(200);
    const email = `{"customer_id":${SAMPLE_CUSTOMER_ID},"email_address":"bob@biller.com","email_marketing_consent":{"state":"unsubscribed","opt_in_level":"single_opt_in","consent_updated_at":"2022-01-03T10:00:00Z","consent_collected_from":"SHOPIFY"}}`;
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
});
