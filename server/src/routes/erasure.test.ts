import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { jsonLogger } from "../http/logger";
import { dbLabel, SHOP_A, SHOP_B, startTestServer, type TestServer } from "../test-support/harness";
import { customerPayload, orderPayload } from "../test-support/payloads";

/**
 * Erased means erased: after the admin erase or customers/redact, nothing made before the erase brings
 * the person back (late webhooks, an offline tablet, a backfill from an old export); something new after
 * it may. The test clock starts at 2026-11-25T12:00Z; the erase happens then.
 */
const EMAIL = "sarah@millerhome.net";
const PHONE = "+14155550123";

const rows = async <T>(t: TestServer, q: ReturnType<typeof sql>) => queryRows<T>(t.runtime.db.db, q);
const n = async (t: TestServer, q: ReturnType<typeof sql>) => Number((await rows<{ n: string | number }>(t, q))[0]!.n);

/** Anything identifying Sarah anywhere: her identifiers, a live profile with her name, an order with her contact. */
async function traces(t: TestServer, shop = SHOP_A) {
  return {
    identifiers: await n(
      t,
      sql`SELECT count(*) AS n FROM identifiers WHERE shop_id = ${shop} AND (value IN (${EMAIL}, ${PHONE}, '71'))`,
    ),
    namedProfiles: await n(
      t,
      sql`SELECT count(*) AS n FROM profiles WHERE shop_id = ${shop} AND (first_name IN ('Sarah', 'Sally')
        OR last_name = 'Miller')`,
    ),
    ordersWithContact: await n(
      t,
      sql`SELECT count(*) AS n FROM orders WHERE shop_id = ${shop} AND (email = ${EMAIL} OR phone = ${PHONE}
        OR shopify_customer_id = '71')`,
    ),
    events: await n(
      t,
      sql`SELECT count(*) AS n FROM identity_events WHERE shop_id = ${shop} AND identifiers::text LIKE ${`%${EMAIL}%`}`,
    ),
  };
}
const NONE = { identifiers: 0, namedProfiles: 0, ordersWithContact: 0, events: 0 };

const heldBack = async (t: TestServer) =>
  (await (await t.api("GET", "/api/gdpr/inventory")).json()).erasedCustomersHeldBack;

async function pairDevice(t: TestServer) {
  const { code } = await (await t.api("POST", "/api/devices/pairing-codes", { body: { locationId: "loc-1" } })).json();
  const paired = await (
    await t.api("POST", "/api/sync/pair", { token: null, body: { code, deviceName: "Tablet" } })
  ).json();
  let seq = 0;
  const clientId = `client-${crypto.randomUUID().slice(0, 8)}`;
  return async (list: { name: string; args: unknown; createdAt: string }[]) => {
    const mutations = list.map((m) => ({ seq: ++seq, id: crypto.randomUUID(), ...m }));
    const res = await t.api("POST", "/api/sync/push", { token: paired.token, body: { clientId, mutations } });
    expect(res.status).toBe(200);
    return res.json();
  };
}

describe(`erased means erased (${dbLabel()})`, () => {
  let t: TestServer;
  let logLines: string[];
  let sarah: string;

  beforeEach(async () => {
    logLines = [];
    t = await startTestServer({ log: jsonLogger((l) => logLines.push(l)) });
    await t.webhook(
      "orders/create",
      orderPayload({ id: 901, customerId: 71, email: EMAIL, phone: PHONE, total: "80.00" }),
    );
    await t.webhook(
      "customers/create",
      customerPayload({ id: 71, email: EMAIL, phone: PHONE, updatedAt: "2026-11-20T09:00:00Z" }),
    );
    await t.drain();
    sarah = (await (await t.api("GET", "/api/profiles/by-shopify-customer/71")).json()).profileId;
  });
  afterEach(async () => t.close());

  const erase = async () => {
    const res = await t.api("POST", `/api/gdpr/profiles/${sarah}/erase`);
    expect(res.status).toBe(200);
    expect(await traces(t)).toEqual(NONE);
  };

  it("a late orders/updated neither re-creates her nor moves the erased order, even one updated later", async () => {
    await erase();
    await t.webhook(
      "orders/updated",
      orderPayload({
        id: 901,
        customerId: 71,
        email: EMAIL,
        phone: PHONE,
        total: "80.00",
        updatedAt: "2026-11-24T10:00:00Z",
      }),
    );
    await t.webhook(
      "orders/updated",
      orderPayload({
        id: 901,
        customerId: 71,
        email: EMAIL,
        phone: PHONE,
        total: "80.00",
        updatedAt: "2026-11-26T10:00:00Z",
      }),
    );
    await t.drain();
    expect(await traces(t)).toEqual(NONE);
    const [order] = await rows<{ profile_id: string; email: string | null }>(
      t,
      sql`SELECT profile_id, email FROM orders WHERE order_id = '901'`,
    );
    expect(order).toEqual({ profile_id: sarah, email: null });
    expect(await n(t, sql`SELECT count(*) AS n FROM webhook_deliveries WHERE payload::text LIKE ${`%${EMAIL}%`}`)).toBe(
      0,
    );
    expect(await heldBack(t)).toMatchObject({ webhooks: 2, captures: 0, backfillRows: 0, total: 2 });
  });

  it("a late orders/create is stored without her contact details and linked to no one", async () => {
    await erase();
    await t.webhook(
      "orders/create",
      orderPayload({ id: 905, customerId: null, email: EMAIL, total: "30.00", createdAt: "2026-11-23T10:00:00Z" }),
    );
    await t.drain();
    expect(await traces(t)).toEqual(NONE);
    const [order] = await rows<{ profile_id: string | null; email: string | null; total: string | number }>(
      t,
      sql`SELECT profile_id, email, total FROM orders WHERE order_id = '905'`,
    );
    expect(order).toMatchObject({ profile_id: null, email: null });
    expect(Number(order!.total)).toBe(3000); // minor units: 30.00 USD
    // Its ID is registered: an update after the erase stays anonymous too.
    await t.webhook(
      "orders/updated",
      orderPayload({
        id: 905,
        email: EMAIL,
        total: "30.00",
        createdAt: "2026-11-23T10:00:00Z",
        updatedAt: "2026-11-27T10:00:00Z",
      }),
    );
    await t.drain();
    expect(await traces(t)).toEqual(NONE);
    expect((await heldBack(t)).webhooks).toBe(2);
  });

  it("a late customers/update after customers/redact is dropped", async () => {
    await t.webhook("customers/redact", {
      shop_domain: SHOP_A,
      customer: { id: 71, email: EMAIL, phone: PHONE },
      orders_to_redact: [901],
    });
    await t.drain();
    expect(await traces(t)).toEqual(NONE);
    await t.webhook(
      "customers/update",
      customerPayload({ id: 71, email: EMAIL, phone: PHONE, updatedAt: "2026-11-24T10:00:00Z" }),
    );
    await t.drain();
    expect(await traces(t)).toEqual(NONE);
    expect((await heldBack(t)).webhooks).toBe(1);
    expect(await n(t, sql`SELECT count(*) AS n FROM dead_letters`)).toBe(0);
  });

  it("customers/redact for someone never seen still keeps their older events out", async () => {
    await t.webhook("customers/redact", {
      shop_domain: SHOP_A,
      customer: { id: 88, email: "ghost@example.com", phone: null },
      orders_to_redact: [],
    });
    await t.drain();
    await t.webhook(
      "orders/create",
      orderPayload({ id: 990, customerId: 88, email: "ghost@example.com", createdAt: "2026-11-10T10:00:00Z" }),
    );
    await t.drain();
    expect(await n(t, sql`SELECT count(*) AS n FROM identifiers WHERE value IN ('ghost@example.com', '88')`)).toBe(0);
    expect(
      await n(t, sql`SELECT count(*) AS n FROM orders WHERE order_id = '990' AND email IS NULL AND profile_id IS NULL`),
    ).toBe(1);
  });

  it("a tablet offline since before the erase cannot bring her back; a sign-up after the erase can", async () => {
    const push = await pairDevice(t);
    await erase();
    t.clock.set("2026-11-25T15:00:00Z");
    const localId = crypto.randomUUID();
    const offline = await push([
      {
        name: "customer.capture",
        args: { localId, firstName: "Sarah", lastName: "Miller", email: EMAIL, notes: "allergic to wool" },
        createdAt: "2026-11-25T11:30:00Z",
      },
      { name: "profile.note", args: { localId, note: "prefers linen" }, createdAt: "2026-11-25T11:31:00Z" },
    ]);
    expect(offline.applied).toEqual([]);
    expect(offline.rejected.map((r: { reason: string }) => r.reason.split(":")[0])).toEqual([
      "erased_customer",
      "unknown_customer",
    ]);
    expect(await traces(t)).toEqual(NONE);
    expect(await n(t, sql`SELECT count(*) AS n FROM profiles WHERE note IS NOT NULL`)).toBe(0);
    expect((await heldBack(t)).captures).toBe(1);

    const fresh = await push([
      {
        name: "customer.capture",
        args: { localId: crypto.randomUUID(), firstName: "Sarah", email: EMAIL },
        createdAt: "2026-11-25T14:00:00Z",
      },
    ]);
    expect(fresh.applied).toHaveLength(1);
    const [profile] = await rows<{ id: string; status: string }>(
      t,
      sql`SELECT p.id, p.status FROM identifiers i JOIN profiles p ON p.shop_id = i.shop_id AND p.id = i.profile_id
        WHERE i.value = ${EMAIL}`,
    );
    expect(profile!.status).toBe("active");
    expect(profile!.id).not.toBe(sarah);
  });

  it("a visit by Shopify ID and an online session from before the erase are refused, later ones are not", async () => {
    const push = await pairDevice(t);
    await erase();
    t.clock.set("2026-11-25T15:00:00Z");
    const visits = await push([
      {
        name: "visit.log",
        args: { shopifyCustomerId: "71", at: "2026-11-25T11:00:00Z" },
        createdAt: "2026-11-25T11:00:00Z",
      },
    ]);
    expect(visits.rejected.map((r: { reason: string }) => r.reason.split(":")[0])).toEqual(["erased_customer"]);
    const session = await t.api("POST", "/api/identify", {
      body: { identifiers: { email: EMAIL }, at: "2026-11-24T10:00:00Z" },
    });
    expect(session.status).toBe(409);
    expect((await session.json()).error).toBe("erased_customer");
    expect(await traces(t)).toEqual(NONE);
    expect(await heldBack(t)).toMatchObject({ captures: 1, sessions: 0 });

    const later = await t.api("POST", "/api/identify", {
      body: { identifiers: { email: EMAIL }, at: "2026-11-25T14:00:00Z" },
    });
    expect(later.status).toBe(200);
    expect((await later.json()).profileId).not.toBe(sarah);
  });

  it("a backfill re-run from an export taken before the erase loads nothing of her", async () => {
    await erase();
    const exported = [
      customerPayload({ id: 71, email: EMAIL, phone: PHONE, updatedAt: "2026-11-20T09:00:00Z" }),
      customerPayload({ id: 72, email: "tom@millerhome.net", firstName: "Tom", lastName: "Baker" }),
    ];
    const res = await t.api("POST", "/api/identity/backfill", {
      body: exported.map((c) => JSON.stringify(c)).join("\n"),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ customers: 2, profilesCreated: 1, erasedHeldBack: 1 });
    expect(await traces(t)).toEqual(NONE);
    expect((await heldBack(t)).backfillRows).toBe(1);
  });

  it("keeps overwritten names and notes out of the log, in a table the erase empties", async () => {
    const push = await pairDevice(t);
    const localId = crypto.randomUUID();
    await push([
      {
        name: "customer.capture",
        args: { localId, firstName: "Sally", email: "sally@millerhome.net", notes: "allergic to wool" },
        createdAt: "2026-11-25T10:00:00Z",
      },
      {
        name: "customer.capture",
        args: { localId, firstName: "Sal", email: "sally@millerhome.net", notes: "size M" },
        createdAt: "2026-11-25T10:05:00Z",
      },
      { name: "profile.note", args: { localId, note: "older note" }, createdAt: "2026-11-25T10:01:00Z" },
    ]);
    const log = logLines.join("\n");
    expect(log).toContain("field overwritten");
    expect(log).toContain("older field write ignored");
    for (const secret of ["Sally", "allergic to wool", "older note"]) expect(log).not.toContain(secret);
    const history = await rows<{ field: string; outcome: string; value: string }>(
      t,
      sql`SELECT field, outcome, value FROM field_history ORDER BY field, outcome`,
    );
    expect(history).toEqual([
      { field: "firstName", outcome: "overwritten", value: "Sally" },
      { field: "note", outcome: "ignored", value: "older note" },
      { field: "note", outcome: "overwritten", value: "allergic to wool" },
    ]);
    const [{ profile_id: sally }] = (await rows<{ profile_id: string }>(
      t,
      sql`SELECT profile_id FROM identifiers WHERE value = 'sally@millerhome.net'`,
    )) as [{ profile_id: string }];
    const erased = await (await t.api("POST", `/api/gdpr/profiles/${sally}/erase`)).json();
    expect(erased.changed.fieldHistory).toBe(3);
    expect(await n(t, sql`SELECT count(*) AS n FROM field_history`)).toBe(0);
  });

  it("a new order placed after the erase creates a new profile", async () => {
    await erase();
    await t.webhook(
      "orders/create",
      orderPayload({
        id: 950,
        customerId: 71,
        email: EMAIL,
        phone: PHONE,
        total: "45.00",
        createdAt: "2026-11-26T10:00:00Z",
      }),
    );
    await t.drain();
    const profile = await (await t.api("GET", "/api/profiles/by-shopify-customer/71")).json();
    expect(profile.profileId).not.toBe(sarah);
    expect(profile).toMatchObject({ emails: [EMAIL], orderCount: 1 });
    expect(await n(t, sql`SELECT count(*) AS n FROM profiles WHERE id = ${sarah} AND status = 'erased'`)).toBe(1);
    expect((await heldBack(t)).total).toBe(0);
  });

  it("the register holds keyed hashes only, per shop", async () => {
    await erase();
    const register = await rows<{ hash: string; kind: string }>(
      t,
      sql`SELECT hash, kind FROM erasure_register WHERE shop_id = ${SHOP_A} ORDER BY kind`,
    );
    expect(register.map((r) => r.kind)).toEqual(["email", "order", "phone", "shopify"]);
    for (const r of register) expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(register)).not.toContain(EMAIL);
    // Another shop's customer with the same email is untouched by this shop's register.
    await t.webhook(
      "orders/create",
      orderPayload({ id: 901, customerId: 71, email: EMAIL, createdAt: "2026-11-20T10:00:00Z" }),
      { shop: SHOP_B },
    );
    await t.drain();
    expect(await n(t, sql`SELECT count(*) AS n FROM identifiers WHERE shop_id = ${SHOP_B} AND value = ${EMAIL}`)).toBe(
      1,
    );
  });
});
