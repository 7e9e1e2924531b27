import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BODY_LIMITS } from "../app";
import { queryRows } from "../db/rows";
import { dbLabel, SHOP_B, startTestServer, type TestServer } from "../test-support/harness";
import { customerPayload } from "../test-support/payloads";

const ndjson = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join("\n");

describe(`POST /api/identity/backfill (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  const rowCounts = async () => {
    const [row] = await queryRows<Record<string, string | number>>(
      t.runtime.db.db,
      sql`SELECT (SELECT count(*) FROM profiles) AS profiles, (SELECT count(*) FROM identifiers) AS identifiers,
                 (SELECT count(*) FROM identity_events) AS events, (SELECT count(*)
                   FROM merge_candidates) AS candidates`,
    );
    return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
  };
  const customers = [
    customerPayload({ id: 1, email: "ann@home.net", phone: "(415) 555-0101", firstName: "Ann" }),
    customerPayload({ id: 2, email: "bo@home.net", firstName: "Bo" }),
    // shares Ann's phone: a second Shopify customer, kept apart with a candidate
    customerPayload({ id: 3, email: "cy@home.net", phone: "415-555-0101", firstName: "Cy" }),
  ];

  it("backfills NDJSON and answers counts; the same export again creates nothing", async () => {
    const res = await t.api("POST", "/api/identity/backfill", { body: `${ndjson(customers)}\n\n` });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      customers: 3,
      profilesCreated: 3,
      identifiersAttached: 7,
      merged: 0,
      candidates: 1,
      erasedHeldBack: 0,
    });
    const ann = await (await t.api("GET", "/api/profiles/by-shopify-customer/1")).json();
    expect(ann).toMatchObject({ emails: ["ann@home.net"], phones: ["+14155550101"], firstName: "Ann" });
    expect((await (await t.api("GET", "/api/duplicates")).json()).duplicates).toHaveLength(1);

    const before = await rowCounts();
    const again = await t.api("POST", "/api/identity/backfill", { body: JSON.stringify(customers) });
    expect(await again.json()).toEqual({
      customers: 3,
      profilesCreated: 0,
      identifiersAttached: 0,
      merged: 0,
      candidates: 0,
      erasedHeldBack: 0,
    });
    expect(await rowCounts()).toEqual(before);
  });

  it("backfills only the shop the session token names", async () => {
    expect(
      (await t.api("POST", "/api/identity/backfill", { body: JSON.stringify(customers), shop: SHOP_B })).status,
    ).toBe(200);
    expect((await t.api("GET", "/api/profiles/by-shopify-customer/1")).status).toBe(404);
    expect((await t.api("GET", "/api/profiles/by-shopify-customer/1", { shop: SHOP_B })).status).toBe(200);
  });

  it("refuses a bad record with a 400 naming its line, and writes nothing", async () => {
    const badId = `${ndjson(customers)}\n${JSON.stringify({ ...customers[0], id: "abc" })}`;
    const res = await t.api("POST", "/api/identity/backfill", { body: badId });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: "invalid_customer",
      message: expect.stringMatching(/^line 4: not a Shopify customer record \(id: /),
    });

    const badJson = await t.api("POST", "/api/identity/backfill", {
      body: `${JSON.stringify(customers[0])}\n{"id": 2,`,
    });
    expect(await badJson.json()).toMatchObject({ error: "invalid_customer", message: "line 2: not valid JSON" });
    const badTime = await t.api("POST", "/api/identity/backfill", {
      body: JSON.stringify([customers[0], { ...customers[1], updated_at: "yesterday" }]),
    });
    expect(await badTime.json()).toMatchObject({ message: expect.stringMatching(/^record 2: .*updated_at/) });
    expect((await t.api("POST", "/api/identity/backfill", { body: JSON.stringify({ customers }) })).status).toBe(400);
    expect((await t.api("POST", "/api/identity/backfill", { body: "  " })).status).toBe(400);
    expect(await rowCounts()).toEqual({ profiles: 0, identifiers: 0, events: 0, candidates: 0 });
  });

  it("needs a session token, takes exports far over the usual body limit, and refuses one over its own", async () => {
    expect((await t.api("POST", "/api/identity/backfill", { body: ndjson(customers), token: null })).status).toBe(401);
    const large = ndjson(
      Array.from({ length: 1_500 }, (_, n) => ({
        ...customerPayload({ id: 10_000 + n, email: `big${n}@example-mail.com` }),
        note: "x".repeat(200),
      })),
    );
    expect(large.length).toBeGreaterThan(BODY_LIMITS.api);
    const accepted = await t.api("POST", "/api/identity/backfill", { body: large });
    expect(await accepted.json()).toMatchObject({ customers: 1_500, profilesCreated: 1_500 });
    const before = await rowCounts();
    const huge = ndjson(
      Array.from({ length: 45_000 }, (_, n) => ({
        ...customerPayload({ id: n + 1, email: `c${n}@example-mail.com` }),
        note: "x".repeat(300),
      })),
    );
    const res = await t.api("POST", "/api/identity/backfill", { body: huge });
    expect(huge.length).toBeGreaterThan(BODY_LIMITS.backfill);
    expect(res.status).toBe(413);
    expect(await rowCounts()).toEqual(before);
  });
});
