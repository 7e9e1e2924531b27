import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signSessionToken } from "../auth/session-token";
import {
  dbLabel,
  SHOP_A,
  SHOP_B,
  startTestServer,
  TEST_API_KEY,
  TEST_SECRET,
  type TestServer,
} from "../test-support/harness";
import { orderPayload } from "../test-support/payloads";

describe(`session tokens on /api/* (${dbLabel()})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    await t.webhook("orders/create", orderPayload({ id: 1, customerId: 21 }), { shop: SHOP_A });
    await t.drain();
  });
  afterAll(async () => t.close());

  const get = (token: string | null) => t.api("GET", "/api/profiles/by-shopify-customer/21", { token });

  it("accepts a valid token and reads the shop from dest", async () => {
    const res = await get(await t.token(SHOP_A));
    expect(res.status).toBe(200);
  });

  it("refuses a missing token", async () => {
    const res = await get(null);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "missing_token" });
  });

  it("refuses an expired token", async () => {
    const old = await signSessionToken({
      shopId: SHOP_A,
      secret: TEST_SECRET,
      apiKey: TEST_API_KEY,
      now: new Date(t.clock().getTime() - 3600_000),
    });
    const res = await get(old);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "token_expired" });
  });

  it("refuses a token signed with another secret", async () => {
    const forged = await signSessionToken({
      shopId: SHOP_A,
      secret: "someone-elses-secret",
      apiKey: TEST_API_KEY,
      now: t.clock(),
    });
    const res = await get(forged);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "bad_signature" });
  });

  it("refuses a token for another app (wrong audience)", async () => {
    const other = await signSessionToken({
      shopId: SHOP_A,
      secret: TEST_SECRET,
      apiKey: "another-app",
      now: t.clock(),
    });
    const res = await get(other);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "wrong_audience" });
  });

  it("refuses alg none and tokens that are not yet valid", async () => {
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    const now = Math.floor(t.clock().getTime() / 1000);
    const body = Buffer.from(
      JSON.stringify({ dest: `https://${SHOP_A}`, aud: TEST_API_KEY, exp: now + 60, nbf: now }),
    ).toString("base64url");
    expect((await get(`${header}.${body}.`)).status).toBe(401);
    const future = await new SignJWT({ dest: `https://${SHOP_A}` })
      .setProtectedHeader({ alg: "HS256" })
      .setAudience(TEST_API_KEY)
      .setNotBefore(now + 120)
      .setExpirationTime(now + 180)
      .sign(new TextEncoder().encode(TEST_SECRET));
    expect((await get(future)).status).toBe(401);
  });

  it("keeps shops apart: shop B's token does not see shop A's customer", async () => {
    const res = await get(await t.token(SHOP_B));
    expect(res.status).toBe(404);
  });
});
