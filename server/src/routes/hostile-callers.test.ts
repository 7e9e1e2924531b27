import { createHmac } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signSessionToken } from "../auth/session-token";
import { signWebhook } from "../auth/webhook-hmac";
import { queryRows } from "../db/rows";
import { jsonLogger } from "../http/logger";
import { dbLabel, SHOP_A, startTestServer, TEST_API_KEY, TEST_SECRET, type TestServer } from "../test-support/harness";
import { customerPayload, orderPayload } from "../test-support/payloads";

const b64 = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");

// Token times are relative to the server's clock, which decides their validity (set once the server runs).
let now = (): number => {
  throw new Error("the test server is not running yet");
};
const claims = (over: Record<string, unknown> = {}) => ({
  iss: `https://${SHOP_A}/admin`,
  dest: `https://${SHOP_A}`,
  aud: TEST_API_KEY,
  sub: "1",
  iat: now(),
  nbf: now(),
  exp: now() + 60,
  ...over,
});
/** A token signed by hand: any header, HMAC with any key, so algorithm-confusion attacks can be built. */
const handSigned = (
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: string,
  hash = "sha256",
) => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(hash, key).update(input).digest("base64url")}`;
};

describe(`hostile callers (${dbLabel()})`, () => {
  let t: TestServer;
  const logLines: string[] = [];
  beforeAll(async () => {
    t = await startTestServer({ log: jsonLogger((line) => logLines.push(line)) });
    now = () => Math.floor(t.clock().getTime() / 1000);
    await t.webhook("customers/create", customerPayload({ id: 3131, email: "target@mailbox.org" }));
    await t.drain();
  });
  afterAll(async () => t.close());

  it("accepts none of the session-token attacks", async () => {
    const attacks: Record<string, string> = {
      "signed with another secret": await signSessionToken({
        shopId: SHOP_A,
        secret: "attacker-secret",
        apiKey: TEST_API_KEY,
        now: t.clock(),
      }),
      expired: await signSessionToken({
        shopId: SHOP_A,
        secret: TEST_SECRET,
        apiKey: TEST_API_KEY,
        now: new Date(t.clock().getTime() - 120_000),
      }),
      "not yet valid": handSigned(
        { alg: "HS256", typ: "JWT" },
        claims({ nbf: now() + 120, exp: now() + 180 }),
        TEST_SECRET,
      ),
      "alg none": `${b64({ alg: "none", typ: "JWT" })}.${b64(claims())}.`,
      "RS256 header, HMAC with the secret as key": handSigned({ alg: "RS256", typ: "JWT" }, claims(), TEST_SECRET),
      "HS512 with the secret": handSigned({ alg: "HS512", typ: "JWT" }, claims(), TEST_SECRET, "sha512"),
      "wrong audience": await signSessionToken({
        shopId: SHOP_A,
        secret: TEST_SECRET,
        apiKey: "another-app",
        now: t.clock(),
      }),
      "dest not a shop": handSigned(
        { alg: "HS256", typ: "JWT" },
        claims({ dest: "https://evil.example.com" }),
        TEST_SECRET,
      ),
      "iss of another shop than dest": handSigned(
        { alg: "HS256", typ: "JWT" },
        claims({ iss: "https://shop-b.myshopify.com/admin" }),
        TEST_SECRET,
      ),
      "no iss": handSigned({ alg: "HS256", typ: "JWT" }, claims({ iss: undefined }), TEST_SECRET),
      "no exp": handSigned({ alg: "HS256", typ: "JWT" }, claims({ exp: undefined }), TEST_SECRET),
      "payload swapped after signing": (() => {
        const good = handSigned({ alg: "HS256", typ: "JWT" }, claims(), TEST_SECRET).split(".");
        return `${good[0]}.${b64(claims({ dest: "https://shop-b.myshopify.com" }))}.${good[2]}`;
      })(),
      garbage: "not.a.token",
    };
    // The control: the same hand-made token with matching claims is accepted, so a refusal below is the attack's.
    const control = await t.api("GET", "/api/profiles/by-shopify-customer/3131", {
      token: handSigned({ alg: "HS256", typ: "JWT" }, claims(), TEST_SECRET),
    });
    expect(control.status).toBe(200);
    let accepted = 0;
    for (const [name, token] of Object.entries(attacks)) {
      const res = await t.api("GET", "/api/profiles/by-shopify-customer/3131", { token });
      if (res.status !== 401) accepted++;
      expect(res.status, name).toBe(401);
      expect((await res.json()).message, name).toBeTruthy();
    }
    console.log(`session-token attacks tried: ${Object.keys(attacks).length}, accepted: ${accepted}`);
  });

  it("accepts none of the webhook, pairing and device-token attacks, and stores nothing from them", async () => {
    const body = JSON.stringify(orderPayload({ id: 777, customerId: 3131 }));
    let accepted = 0;
    const tries: [string, () => Promise<number>][] = [
      [
        "webhook HMAC with another secret",
        async () => (await t.webhook("orders/create", body, { secret: "attacker" })).status,
      ],
      ["webhook without HMAC", async () => (await t.webhook("orders/create", body, { hmac: null })).status],
      [
        "webhook HMAC of another body",
        async () => (await t.webhook("orders/create", body, { hmac: signWebhook("{}", TEST_SECRET) })).status,
      ],
      ["webhook HMAC not base64", async () => (await t.webhook("orders/create", body, { hmac: "%%%" })).status],
    ];
    const { code } = await (await t.api("POST", "/api/devices/pairing-codes", { body: {} })).json();
    const paired = await (
      await t.api("POST", "/api/sync/pair", { token: null, body: { code, deviceName: "Real tablet" } })
    ).json();
    tries.push([
      "replayed pairing code",
      async () => (await t.api("POST", "/api/sync/pair", { token: null, body: { code, deviceName: "Thief" } })).status,
    ]);
    tries.push([
      "device token with a guessed secret",
      async () =>
        (
          await t.api("GET", "/api/sync/pull", {
            token: paired.token.replace(/\.[^.]+$/, ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
          })
        ).status,
    ]);
    tries.push(["session token on a sync route", async () => (await t.api("GET", "/api/sync/pull")).status]);
    tries.push([
      "device token on a session route",
      async () => (await t.api("GET", "/api/profiles?query=x", { token: paired.token })).status,
    ]);
    await t.api("DELETE", `/api/devices/${paired.deviceId}`);
    tries.push([
      "revoked device token",
      async () => (await t.api("GET", "/api/sync/pull", { token: paired.token })).status,
    ]);
    for (const [name, attempt] of tries) {
      const status = await attempt();
      if (status < 400) accepted++;
      expect(status, name).toBeGreaterThanOrEqual(400);
    }
    const [stored] = await queryRows<{ n: string }>(
      t.runtime.db.db,
      sql`SELECT count(*)::text AS n FROM orders WHERE order_id = '777'`,
    );
    expect(stored!.n).toBe("0");
    console.log(`webhook, pairing and device attacks tried: ${tries.length}, accepted: ${accepted}`);
  });

  it("logs structured JSON with a request ID and never a secret or token", async () => {
    const token = await t.token();
    await t.api("GET", "/api/profiles?query=target", { token });
    await t.webhook("orders/create", orderPayload({ id: 778, customerId: 3131 }));
    const requests = logLines.map((l) => JSON.parse(l)).filter((l) => l.msg === "request");
    expect(requests.length).toBeGreaterThan(5);
    for (const line of requests) expect(line.requestId).toMatch(/.{8,}/);
    const all = logLines.join("\n");
    expect(all).not.toContain(TEST_SECRET);
    expect(all).not.toContain(token);
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/); // no JWT of any kind
    expect(all).not.toContain("c360d.");
  });
});
