import { registerSearchResponseSchema } from "@c360/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dbLabel, SHOP_B, startTestServer, type TestServer } from "../../test-support/harness";
import { customerPayload } from "../../test-support/payloads";

describe(`register customer look-up, GET /api/pos/customers (${dbLabel()})`, () => {
  let t: TestServer;
  // One server for the file: every test only reads.
  beforeAll(async () => {
    t = await startTestServer();
    await t.webhook(
      "customers/create",
      customerPayload({
        id: 501,
        email: "ines.costa@mailbox.org",
        phone: "+351912345678",
        firstName: "Ines",
        lastName: "Costa",
      }),
    );
    await t.webhook(
      "customers/create",
      customerPayload({ id: 502, email: "tom@mailbox.org", firstName: "Tom", lastName: "Ng" }),
    );
    await t.webhook(
      "customers/create",
      customerPayload({ id: 601, email: "ines.other@mailbox.org", firstName: "Ines", lastName: "Other" }),
      { shop: SHOP_B },
    );
    await t.drain();
  });
  afterAll(async () => t.close());

  const search = async (q: string) => {
    const res = await t.api("GET", `/api/pos/customers?q=${encodeURIComponent(q)}`);
    expect(res.status).toBe(200);
    return registerSearchResponseSchema.parse(await res.json()).customers;
  };

  it("finds by part of a name, with email, phone and the Shopify ID to attach; only the session's shop", async () => {
    const found = await search("ines");
    expect(found).toEqual([
      {
        profileId: expect.any(String),
        shopifyCustomerId: "501",
        firstName: "Ines",
        lastName: "Costa",
        emails: ["ines.costa@mailbox.org"],
        phones: ["+351912345678"],
      },
    ]);
  });

  it("finds by exact email (any case) and by phone as the clerk types it", async () => {
    expect((await search("TOM@mailbox.org")).map((c) => c.shopifyCustomerId)).toEqual(["502"]);
    expect((await search("+351 912 345 678")).map((c) => c.shopifyCustomerId)).toEqual(["501"]);
    expect(await search("nobody@mailbox.org")).toEqual([]);
  });

  it("answers 400 naming the field for a query too short to search", async () => {
    const res = await t.api("GET", "/api/pos/customers?q=a");
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("q");
  });
});
