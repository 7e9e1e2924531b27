import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dbLabel, startTestServer, TEST_API_KEY, type TestServer } from "../test-support/harness";
import { frameAncestors } from "./embedded";

describe("frame-ancestors", () => {
  it("names the shop and admin.shopify.com, and nobody for a missing or foreign shop", () => {
    expect(frameAncestors("shop-a.myshopify.com")).toBe(
      "frame-ancestors https://shop-a.myshopify.com https://admin.shopify.com;",
    );
    expect(frameAncestors(undefined)).toBe("frame-ancestors 'none';");
    expect(frameAncestors("evil.example.com")).toBe("frame-ancestors 'none';");
  });
});

describe(`the embedded admin's shell (${dbLabel()})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    const dist = mkdtempSync(join(tmpdir(), "c360-admin-"));
    writeFileSync(
      join(dist, "index.html"),
      `<meta name="shopify-api-key" content="%SHOPIFY_API_KEY%" /><div id="root"></div>`,
    );
    t = await startTestServer({ sites: [{ mount: "/admin", dist, name: "admin" }] });
  });
  afterAll(async () => t.close());

  it("keeps Shopify's launch parameters when / redirects to /admin/", async () => {
    const res = await t.runtime.app.request("/?embedded=1&host=YWRtaW4&shop=shop-a.myshopify.com&id_token=abc");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/admin/?embedded=1&host=YWRtaW4&shop=shop-a.myshopify.com&id_token=abc");
  });

  it("fills in the App Bridge API key and sends the shop's frame-ancestors, on the shell and deep links", async () => {
    for (const path of ["/admin/?shop=shop-a.myshopify.com", "/admin/customers/42?shop=shop-a.myshopify.com"]) {
      const res = await t.runtime.app.request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-security-policy")).toBe(
        "frame-ancestors https://shop-a.myshopify.com https://admin.shopify.com;",
      );
      expect(await res.text()).toContain(`<meta name="shopify-api-key" content="${TEST_API_KEY}" />`);
    }
  });
});
