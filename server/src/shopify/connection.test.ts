import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ShopifyAdminStandIn } from "../../../tests/support/shopify-admin-stand-in";
import { loadConfig } from "../config";
import { queryRows } from "../db/rows";
import { type ConnectedTestServer, dbLabel, SHOP_A, startConnectedTestServer } from "../test-support/harness";

describe(`token exchange on the shop's first session token (${dbLabel()})`, () => {
  let t: ConnectedTestServer;
  let shopify: ShopifyAdminStandIn;
  beforeEach(async () => {
    t = await startConnectedTestServer();
    shopify = t.shopify;
  });
  afterEach(async () => {
    await t.close();
  });

  it("exchanges once even for concurrent first requests, and stores the token encrypted", async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => t.api("GET", "/api/settings")));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(shopify.exchanges).toHaveLength(1);
    expect(shopify.exchanges[0]!.shop).toBe(SHOP_A);
    const rows = await queryRows<{ access_token_encrypted: string; scope: string }>(
      t.runtime.db.db,
      sql`SELECT * FROM shopify_connections`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.access_token_encrypted).not.toContain(shopify.exchanges[0]!.token);
    expect(await t.runtime.shopify!.accessToken(SHOP_A)).toBe(shopify.exchanges[0]!.token);
    await t.api("GET", "/api/settings");
    expect(shopify.exchanges).toHaveLength(1);
  });

  it("app/uninstalled deletes the token; a revoked one (401) is forgotten, the next session re-exchanges", async () => {
    await t.api("GET", "/api/settings");
    expect((await t.webhook("app/uninstalled", { shop_domain: SHOP_A })).status).toBe(200);
    await t.drain();
    expect(await t.runtime.shopify!.accessToken(SHOP_A)).toBeNull();

    t.runtime.shopify!.forget(SHOP_A);
    await t.api("GET", "/api/settings");
    expect(shopify.exchanges).toHaveLength(2);
    shopify.tokens.clear(); // Shopify revoked it
    await expect(t.runtime.shopify!.graphql(SHOP_A, "query { shop { name } }")).rejects.toThrow(/401/);
    expect(await t.runtime.shopify!.accessToken(SHOP_A)).toBeNull();
    await t.api("GET", "/api/settings");
    expect(shopify.exchanges).toHaveLength(3);
    expect(await t.runtime.shopify!.accessToken(SHOP_A)).toBe(shopify.exchanges[2]!.token);
  });
});

describe("C360_SHOPIFY_ADMIN_ORIGIN", () => {
  const base = { SHOPIFY_API_KEY: "key", SHOPIFY_API_SECRET: "secret" };
  it("replaces https://{shop} in development and is refused in production", () => {
    expect(
      loadConfig({ ...base, C360_SHOPIFY_ADMIN_ORIGIN: "http://127.0.0.1:9999/" }, { demo: false }).shopify
        ?.adminOrigin,
    ).toBe("http://127.0.0.1:9999");
    expect(() =>
      loadConfig(
        {
          ...base,
          NODE_ENV: "production",
          C360_SHOPIFY_ADMIN_ORIGIN: "http://127.0.0.1:9999",
          C360_TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
        },
        { demo: false },
      ),
    ).toThrow(/refused when NODE_ENV=production/);
    expect(() => loadConfig({ ...base, NODE_ENV: "production" }, { demo: false })).toThrow(/C360_TOKEN_ENCRYPTION_KEY/);
    expect(
      loadConfig(
        { ...base, NODE_ENV: "production", C360_TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64") },
        { demo: false },
      ).shopify?.adminOrigin,
    ).toBeNull();
    expect(loadConfig({}, { demo: true }).shopify).toBeUndefined();
  });
});
