import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import type { ShopifyAdminStandIn } from "../../../tests/support/shopify-admin-stand-in";
import { queryRows } from "../db/rows";
import { type ConnectedTestServer, dbLabel, startConnectedTestServer } from "../test-support/harness";

const SERVER = "https://c360.example.com";

describe(`the storefront pixel is turned on when a shop connects (${dbLabel()})`, () => {
  let t: ConnectedTestServer;
  let shopify: ShopifyAdminStandIn;
  const start = async (publicUrl: string) => {
    t = await startConnectedTestServer({ publicUrl });
    shopify = t.shopify;
  };
  afterEach(async () => {
    await t.close();
  });
  const pixelCalls = () => shopify.calls.filter((c) => c.op.startsWith("webPixel")).map((c) => c.op);

  it("creates the pixel once with this server's URL; draining again calls Shopify no more", async () => {
    await start(SERVER);
    expect((await t.api("GET", "/api/settings")).status).toBe(200);
    await t.drain();
    expect(shopify.webPixel).not.toBeNull();
    expect(JSON.parse(shopify.webPixel!.settings)).toEqual({ serverUrl: SERVER });
    expect(pixelCalls()).toEqual(["webPixelCreate"]);
    await t.api("GET", "/api/settings");
    await t.drain();
    expect(pixelCalls()).toEqual(["webPixelCreate"]);
  });

  it("points a pixel the shop already has (a reinstall, a moved server) at this server, keeping its ID", async () => {
    await start(SERVER);
    shopify.webPixel = {
      id: "gid://shopify/WebPixel/77",
      settings: JSON.stringify({ serverUrl: "https://old.example" }),
    };
    await t.api("GET", "/api/settings");
    await t.drain();
    expect(shopify.webPixel).toEqual({
      id: "gid://shopify/WebPixel/77",
      settings: JSON.stringify({ serverUrl: SERVER }),
    });
    expect(pixelCalls()).toEqual(["webPixelCreate", "webPixel", "webPixelUpdate"]);
  });

  it("keeps a refusal from Shopify as a failed job with Shopify's words, not a silent success", async () => {
    // Shopify checks settings against the extension's definition: a server URL under 8 characters fails it.
    await start("http://");
    await t.api("GET", "/api/settings");
    await t.drain();
    expect(shopify.webPixel).toBeNull();
    const [job] = await queryRows<{ attempts: number; last_error: string | null }>(
      t.runtime.db.db,
      sql`SELECT attempts, last_error FROM jobs WHERE kind = 'shopify.webPixel'`,
    );
    expect(job?.attempts).toBeGreaterThanOrEqual(1);
    expect(job?.last_error).toMatch(/webPixelCreate refused: webPixel\.settings: Settings do not match/);
  });
});
