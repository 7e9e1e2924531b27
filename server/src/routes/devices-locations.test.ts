import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../http/logger";
import { listLocations, refreshLocationNames } from "../services/shop";
import type { ShopifyAdmin } from "../shopify/admin";
import { createCustomer } from "../test-support/consent-fixtures";
import { dbLabel, SHOP_A, SHOP_B, startTestServer, type TestServer } from "../test-support/harness";

/** Issue #20 item 11: a location is chosen from the shop's locations by name, and the tablet shows the name. */
describe(`store locations for pairing (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  const gid = (n: number) => `gid://shopify/Location/${n}`;

  it("lists locations seen on visits and pairing codes, with Shopify's names once known, never a GID", async () => {
    const profileId = await createCustomer(t, 801, { email: "kai@mailbox.org" });
    await t.runtime.db.db.execute(sql`INSERT INTO visits (shop_id, id, profile_id, source, location_id, at, received_at)
      VALUES (${SHOP_A}, 'v-1', ${profileId}, 'pos', ${gid(1001)}, '2026-11-20', '2026-11-20'),
             (${SHOP_A}, 'v-2', ${profileId}, 'pos', ${gid(1002)}, '2026-11-21', '2026-11-21')`);
    await t.api("POST", "/api/devices/pairing-codes", { body: { locationId: "Market stall" } });
    // Another shop's location is never listed.
    await t.api("POST", "/api/devices/pairing-codes", { body: { locationId: gid(9999) }, shop: SHOP_B });

    const before = await (await t.api("GET", "/api/devices/locations")).json();
    expect(before.locations).toEqual([
      { id: gid(1001), name: "Location 1001", named: false },
      { id: gid(1002), name: "Location 1002", named: false },
      { id: "Market stall", name: "Market stall", named: false },
    ]);

    // The Admin API names them (a stand-in for Shopify's `locations` query).
    const admin = {
      graphql: async () => ({
        data: {
          locations: {
            nodes: [
              { id: gid(1001), name: "Soho store" },
              { id: gid(1003), name: "Warehouse" },
            ],
          },
        },
      }),
    };
    await refreshLocationNames(t.runtime.db.db, admin as unknown as ShopifyAdmin, SHOP_A, t.clock(), silentLogger);
    expect(await listLocations(t.runtime.db.db, SHOP_A)).toEqual([
      { id: gid(1001), name: "Soho store", named: true },
      { id: gid(1003), name: "Warehouse", named: true },
      { id: gid(1002), name: "Location 1002", named: false },
      { id: "Market stall", name: "Market stall", named: false },
    ]);
    // Shopify unreachable: the names stored before still answer.
    const failing = { graphql: async () => Promise.reject(new Error("not connected")) };
    await refreshLocationNames(t.runtime.db.db, failing as unknown as ShopifyAdmin, SHOP_A, t.clock(), silentLogger);
    expect((await listLocations(t.runtime.db.db, SHOP_A))[0]).toEqual({
      id: gid(1001),
      name: "Soho store",
      named: true,
    });
  });

  it("pairing answers the location's name, so the tablet header never shows the GID", async () => {
    await t.runtime.db.db.execute(
      sql`INSERT INTO locations (shop_id, id, name, updated_at)
        VALUES (${SHOP_A}, ${gid(1001)}, 'Soho store', '2026-11-20')`,
    );
    const { code } = await (
      await t.api("POST", "/api/devices/pairing-codes", { body: { locationId: gid(1001) } })
    ).json();
    const paired = await (
      await t.api("POST", "/api/sync/pair", { token: null, body: { code, deviceName: "Front tablet" } })
    ).json();
    expect(paired).toMatchObject({ location: gid(1001), locationName: "Soho store" });
    const unnamed = await (
      await t.api("POST", "/api/devices/pairing-codes", { body: { locationId: gid(1002) } })
    ).json();
    const second = await (
      await t.api("POST", "/api/sync/pair", { token: null, body: { code: unnamed.code, deviceName: "Back tablet" } })
    ).json();
    expect(second.locationName).toBe("Location 1002");
  });
});
