import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dbLabel, SHOP_A, SHOP_B, startTestServer, type TestServer } from "../test-support/harness";

describe(`rate limits (${dbLabel()})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ rateLimits: { perShop: 5, perDevice: 3, windowMs: 60_000 } });
  });
  afterAll(async () => t.close());

  it("answers 429 with Retry-After once a shop is over its limit, and other shops are not affected", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await t.api("GET", "/api/profiles?query=x", { shop: SHOP_A })).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const limited = await t.api("GET", "/api/profiles?query=x", { shop: SHOP_A });
    expect(limited.headers.get("retry-after")).toBe("60");
    expect(await limited.json()).toMatchObject({ error: "rate_limited" });
    expect((await t.api("GET", "/api/profiles?query=x", { shop: SHOP_B })).status).toBe(200);
  });
});
