import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import type { ShopifyAdminStandIn } from "../../../tests/support/shopify-admin-stand-in";
import { queryRows } from "../db/rows";
import { dbLabel, startConnectedTestServer, startTestServer, type TestServer } from "../test-support/harness";

const newCustomer = (over: Record<string, unknown> = {}) => ({
  id: crypto.randomUUID(),
  firstName: "Maya",
  lastName: "Ortiz",
  email: "Maya.Ortiz@Mailbox.org ",
  phone: "(415) 555-0142",
  ...over,
});

const profileCount = async (t: TestServer) =>
  Number((await queryRows<{ n: string }>(t.runtime.db.db, sql`SELECT count(*) AS n FROM profiles`))[0]!.n);

describe(`creating a customer at the register (${dbLabel()})`, () => {
  let t: TestServer;
  let shopify: ShopifyAdminStandIn | undefined;
  afterEach(async () => {
    await t.close();
    shopify = undefined;
  });

  it("not connected to Shopify: saved, resolved like any capture, idempotent by id, no Shopify id yet", async () => {
    t = await startTestServer();
    const body = newCustomer();
    const res = await t.api("POST", "/api/pos/customers", { body });
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created).toEqual({ profileId: expect.any(String), shopifyCustomerId: null });
    const again = await (await t.api("POST", "/api/pos/customers", { body })).json();
    expect(again).toEqual(created);
    // The same email from another sign-up is the same person.
    const same = await (await t.api("POST", "/api/pos/customers", { body: newCustomer({ phone: undefined }) })).json();
    expect(same.profileId).toBe(created.profileId);
    expect(await profileCount(t)).toBe(1);
    const ids = await queryRows<{ kind: string; value: string }>(
      t.runtime.db.db,
      sql`SELECT kind, value FROM identifiers WHERE profile_id = ${created.profileId} ORDER BY kind`,
    );
    expect(ids).toEqual([
      { kind: "email", value: "maya.ortiz@mailbox.org" },
      { kind: "phone", value: "+14155550142" },
    ]);
    const [profile] = await queryRows<{ first_name: string; last_name: string }>(
      t.runtime.db.db,
      sql`SELECT first_name, last_name FROM profiles WHERE id = ${created.profileId}`,
    );
    expect(profile).toEqual({ first_name: "Maya", last_name: "Ortiz" });
  });

  it("refuses a customer with neither email nor phone, or without a name, naming the field", async () => {
    t = await startTestServer();
    const anonymous = newCustomer({ email: undefined, phone: undefined });
    const none = await t.api("POST", "/api/pos/customers", { body: anonymous });
    expect(none.status).toBe(400);
    expect(JSON.stringify(await none.json())).toContain("email");
    const unnamed = await t.api("POST", "/api/pos/customers", { body: newCustomer({ firstName: " " }) });
    expect(unnamed.status).toBe(400);
    expect(JSON.stringify(await unnamed.json())).toContain("firstName");
    expect(await profileCount(t)).toBe(0);
  });

  it("connected to Shopify: created there in the same request and answered with its customer id", async () => {
    const connected = await startConnectedTestServer();
    t = connected;
    shopify = connected.shopify;
    await t.api("GET", "/api/settings"); // the shop's first request: token exchange
    const res = await t.api("POST", "/api/pos/customers", { body: newCustomer() });
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created.shopifyCustomerId).toMatch(/^\d+$/);
    const inShopify = shopify.customers.get(created.shopifyCustomerId);
    expect(inShopify).toMatchObject({ email: "maya.ortiz@mailbox.org" });
    const view = await (await t.api("GET", `/api/pos/customers/${created.shopifyCustomerId}`)).json();
    expect(view).toMatchObject({ profileId: created.profileId, firstName: "Maya", phones: ["+14155550142"] });
  });
});
