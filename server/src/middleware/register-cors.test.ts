import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customerPayload } from "../test-support/payloads";
import { dbLabel, startTestServer, type TestServer } from "../test-support/harness";

const preflight = (origin: string, path = "/api/pos/customers/8080") => ({
  method: "OPTIONS",
  headers: {
    origin,
    "access-control-request-method": "GET",
    "access-control-request-headers": "authorization,content-type",
  },
  path,
});

describe(`CORS for the register extension (${dbLabel()})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    await t.webhook("customers/create", customerPayload({ id: 8080, email: "cors@mailbox.org" }));
    await t.drain();
  });
  afterAll(async () => t.close());

  it.each(["https://extensions.shopifycdn.com", "https://cdn.shopify.com"])(
    "answers a preflight from %s without a token",
    async (origin) => {
      for (const path of ["/api/pos/customers/8080", "/api/pos/visits", "/api/consents", "/api/consent-texts"]) {
        const p = preflight(origin, path);
        const res = await t.runtime.app.request(p.path, { method: p.method, headers: p.headers });
        expect(res.status, path).toBe(204);
        expect(res.headers.get("access-control-allow-origin"), path).toBe(origin);
        expect(res.headers.get("access-control-allow-headers")?.toLowerCase(), path).toContain("authorization");
        expect(res.headers.get("access-control-allow-headers")?.toLowerCase(), path).toContain("content-type");
      }
    },
  );

  it("gives other origins no CORS headers, and still authenticates them", async () => {
    const p = preflight("https://evil.example.com");
    const res = await t.runtime.app.request(p.path, { method: p.method, headers: p.headers });
    expect(res.status).toBe(401);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("adds the origin to real calls from the extension, which still need a valid token", async () => {
    const origin = "https://extensions.shopifycdn.com";
    const ok = await t.api("GET", "/api/pos/customers/8080", { headers: { origin } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe(origin);
    const refused = await t.api("GET", "/api/pos/customers/8080", { headers: { origin }, token: null });
    expect(refused.status).toBe(401);
  });

  it("does not open admin routes to the extension origins", async () => {
    const p = preflight("https://cdn.shopify.com", "/api/gdpr/inventory");
    const res = await t.runtime.app.request(p.path, { method: p.method, headers: p.headers });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});
