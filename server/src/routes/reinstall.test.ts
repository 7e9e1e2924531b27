import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { signSessionToken } from "../auth/session-token";
import { queryRows } from "../db/rows";
import { scheduleNightlyRecompute } from "../jobs/recompute-shop";
import { dbLabel, SHOP_A, startTestServer, TEST_API_KEY, TEST_SECRET, type TestServer } from "../test-support/harness";
import { orderPayload } from "../test-support/payloads";

const uninstalledAt = async (t: TestServer) =>
  (await queryRows<{ uninstalled_at: Date | string | null }>(t.runtime.db.db, sql`SELECT uninstalled_at FROM shops WHERE shop_id = ${SHOP_A}`))[0]
    ?.uninstalled_at ?? null;

describe(`reinstall after app/uninstalled (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  it("the first session token issued after the uninstall clears uninstalled_at, so the nightly recompute includes the shop again", async () => {
    await t.webhook("orders/create", orderPayload({ id: 1, customerId: 11, email: "sarah@example.com" }));
    await t.drain();
    expect((await t.api("GET", "/api/profiles/by-shopify-customer/11")).status).toBe(200);
    // A token issued before the uninstall, still within its minute when used: not a reinstall.
    const issuedBefore = await signSessionToken({ shopId: SHOP_A, secret: TEST_SECRET, apiKey: TEST_API_KEY, now: t.clock() });
    t.clock.set(new Date(t.clock().getTime() + 20_000));
    await t.webhook("app/uninstalled", { id: 1, myshopify_domain: SHOP_A });
    await t.drain();
    expect(await uninstalledAt(t)).not.toBeNull();
    expect(await scheduleNightlyRecompute(t.runtime.db.db, t.clock())).toBe(0);
    t.clock.set(new Date(t.clock().getTime() + 70_000)); // past the process's cache of known shops
    expect((await t.api("GET", "/api/profiles/by-shopify-customer/11", { token: issuedBefore })).status).toBe(401); // expired
    t.clock.set(new Date(t.clock().getTime() - 50_000));
    expect((await t.api("GET", "/api/profiles/by-shopify-customer/11", { token: issuedBefore })).status).toBe(200);
    expect(await uninstalledAt(t)).not.toBeNull();

    t.clock.advanceDays(3); // the merchant installs the app again and opens it
    expect((await t.api("GET", "/api/profiles/by-shopify-customer/11")).status).toBe(200);
    expect(await uninstalledAt(t)).toBeNull();
    expect(await scheduleNightlyRecompute(t.runtime.db.db, t.clock())).toBe(1);
  });
});
