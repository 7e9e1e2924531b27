import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signSessionToken } from "../auth/session-token";
import { loadConfig } from "../config";
import { queryRows } from "../db/rows";
import { silentLogger } from "../http/logger";
import { createRuntime, type Runtime } from "../runtime";
import { openTestDatabase } from "../test-support/database";
import { testClock } from "../test-support/harness";
import { DEMO_SHOP, DEMO_STAFF, demoAdminUrl, seedDemoShop, type DemoSeedResult } from "./demo-shop";

/** A runtime as `npm start` builds it: the --demo config (dev secret, no API key), on a fresh database. */
async function demoRuntime(clock: () => Date) {
  const config = { ...loadConfig({}, { demo: true }), sites: [] };
  const runtime = await createRuntime(config, {
    log: silentLogger,
    clock,
    database: await openTestDatabase(),
    startWorkers: false,
  });
  return { config, runtime };
}

/** What a merchant sees of the shop, without profile ids (those are random UUIDs by design). */
async function fingerprint(runtime: Runtime) {
  const q = <T extends Record<string, unknown>>(s: ReturnType<typeof sql>) => queryRows<T>(runtime.db.db, s);
  return {
    stages: await q(sql`SELECT lifecycle_stage, status, count(*)::int AS n,
                  sum(lifetime_spend)::bigint::text AS spend, sum(loyalty_points)::bigint::text AS points
                        FROM profiles WHERE shop_id = ${DEMO_SHOP} GROUP BY 1, 2 ORDER BY 1, 2`),
    consents: await q(
      sql`SELECT source, channel, action, count(*)::int AS n FROM consents WHERE shop_id = ${DEMO_SHOP}
          GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    ),
    messages: await q(
      sql`SELECT channel, status, reason, count(*)::int AS n FROM messages WHERE shop_id = ${DEMO_SHOP}
          GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    ),
    // A candidate's reason names the pair in profile-id order, which is random: compare kinds and counts.
    candidates: await q(
      sql`SELECT kind, status, count(*)::int AS n FROM merge_candidates WHERE shop_id = ${DEMO_SHOP}
          GROUP BY 1, 2 ORDER BY 1, 2`,
    ),
    // Which of two merged profiles keeps its row is decided by their (random) ids; the merchant sees the survivor.
    names: await q(sql`SELECT first_name, last_name, order_count, lifecycle_stage, loyalty_points FROM profiles
                       WHERE shop_id = ${DEMO_SHOP} AND status = 'active' ORDER BY 1, 2, 3, 4, 5`),
  };
}

describe("the demo shop", () => {
  const clock = testClock("2026-11-25T12:00:00Z");
  let runtime: Runtime;
  let config: ReturnType<typeof loadConfig>;
  let seeded: DemoSeedResult | null;
  let token: string;
  const api = async (path: string) => {
    const res = await runtime.app.request(path, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status, `${path} answers`).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: each view answers its own shape; the test reads a few fields
    return res.json() as Promise<Record<string, any>>;
  };

  beforeAll(async () => {
    ({ runtime, config } = await demoRuntime(clock));
    seeded = await seedDemoShop(runtime, { secret: config.apiSecret, apiKey: config.apiKey, clock, customers: 120 });
    // As main.ts mints it for the printed admin URL.
    token = await signSessionToken({
      shopId: DEMO_SHOP,
      secret: config.apiSecret,
      apiKey: config.apiKey,
      ttlSeconds: 7 * 86_400,
      staffId: DEMO_STAFF,
      now: clock(),
    });
  }, 600_000);
  afterAll(async () => runtime?.close());

  it("prints an admin URL whose token the server accepts, and the admin reads it from ?token=", async () => {
    const url = new URL(demoAdminUrl("http://localhost:8787", token));
    expect(url.pathname).toBe("/admin/");
    const fromUrl = url.searchParams.get("token")!; // what admin/src/session.ts pickDevToken reads
    expect(fromUrl).toBe(token);
    const res = await runtime.app.request("/api/dashboard", { headers: { authorization: `Bearer ${fromUrl}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { shopId: string }).shopId).toBe(DEMO_SHOP);
  });

  it("gives every lifecycle stage people, most of them alive, and consent on every channel", async () => {
    expect(seeded).not.toBeNull();
    const d = await api("/api/dashboard");
    for (const stage of ["new", "engaged", "converted", "loyal", "at_risk", "churned"])
      expect(d.lifecycle[stage], stage).toBeGreaterThan(0);
    expect(d.lifecycle.churned / d.profiles).toBeLessThan(0.4);
    for (const mix of ["online_only", "in_store_only", "omnichannel", "no_orders"])
      expect(d.channelMix[mix], mix).toBeGreaterThan(0);
    for (const ch of ["emailConsent", "smsConsent", "whatsappConsent", "pushConsent"])
      expect(d.coverage[ch], ch).toBeGreaterThan(0);
    expect(d.fatigue.under_0_3).toBeLessThan(d.profiles);
  });

  it("records consent through the ledger (Shopify, register, tablets), revocations, an intact chain", async () => {
    const rows = await queryRows<{ source: string; action: string; n: number }>(
      runtime.db.db,
      sql`SELECT source, action, count(*)::int AS n FROM consents WHERE shop_id = ${DEMO_SHOP} GROUP BY 1, 2`,
    );
    const count = (source: string, action: string) =>
      rows.find((r) => r.source === source && r.action === action)?.n ?? 0;
    expect(count("shopify", "granted")).toBeGreaterThan(0);
    expect(count("pos", "granted")).toBeGreaterThan(0);
    expect(count("companion", "granted")).toBeGreaterThan(0);
    expect(count("pos", "revoked") + count("admin", "revoked")).toBeGreaterThan(0);
    expect((await api("/api/consents/verify")).intact).toBe(true);
  });

  it("has messages sent and blocked by the gate, each with its reason", async () => {
    const rows = await queryRows<{ status: string; reason: string }>(
      runtime.db.db,
      sql`SELECT DISTINCT status, reason FROM messages WHERE shop_id = ${DEMO_SHOP}`,
    );
    expect(rows.some((r) => r.status === "sent")).toBe(true);
    const blocked = rows.filter((r) => r.status === "blocked").map((r) => r.reason.split(":")[0]);
    expect(blocked).toEqual(expect.arrayContaining(["no_consent", "quiet_hours", "channel_cap_reached", "fatigue"]));
  });

  it("has duplicates of both kinds, a merge, dead letters, devices, privacy requests and an agency", async () => {
    const dupes = await api("/api/duplicates");
    expect(dupes.duplicates.filter((d: { kind: string }) => d.kind === "probabilistic").length).toBeGreaterThanOrEqual(
      3,
    );
    expect(dupes.duplicates.filter((d: { kind: string }) => d.kind === "conflict").length).toBeGreaterThanOrEqual(1);
    const merges = await api("/api/merges");
    expect(merges.merges.length).toBeGreaterThan(0);
    const dead = await api("/api/webhooks/dead");
    expect(dead.deadLetters.length).toBe(2);
    for (const d of dead.deadLetters) expect(d.lastError).toMatch(/invalid payload/);
    const { devices } = await api("/api/devices");
    expect(devices).toHaveLength(3);
    expect(devices.filter((d: { revokedAt: string | null }) => d.revokedAt).length).toBe(1);
    const inventory = await api("/api/gdpr/inventory");
    expect(inventory.erasedProfiles).toBe(2);
    expect(inventory.dataRequests).toBe(1);
    expect(inventory.erasedCustomersHeldBack.total).toBeGreaterThan(0);
    const rollup = await api("/api/agency/rollup");
    expect(rollup.shops.length).toBe(1);
    const grants = await queryRows(runtime.db.db, sql`SELECT 1 FROM agency_grants WHERE shop_id = ${DEMO_SHOP}`);
    expect(grants.length).toBe(1);
  });

  it("has refunds, a spent and a released redemption, visits and named store locations on orders", async () => {
    const [facts] = await queryRows<{
      refunds: number;
      spent: number;
      released: number;
      visits: number;
      locations: number;
    }>(
      runtime.db.db,
      sql`SELECT (SELECT count(*)::int FROM refunds WHERE shop_id = ${DEMO_SHOP}) AS refunds,
                 (SELECT count(*)::int FROM redemptions WHERE shop_id = ${DEMO_SHOP} AND state = 'spent') AS spent,
                 (SELECT count(*)::int FROM redemptions
                   WHERE shop_id = ${DEMO_SHOP} AND state = 'released') AS released,
                 (SELECT count(*)::int FROM visits WHERE shop_id = ${DEMO_SHOP}) AS visits,
                 (SELECT count(DISTINCT location_id)::int FROM orders
                   WHERE shop_id = ${DEMO_SHOP} AND location_id IS NOT NULL) AS locations`,
    );
    expect(facts).toMatchObject({ spent: 1, released: 1, locations: 3 });
    expect(facts!.refunds).toBeGreaterThan(0);
    expect(facts!.visits).toBeGreaterThan(0);
  });

  it("does nothing on a second start", async () => {
    expect(
      await seedDemoShop(runtime, { secret: config.apiSecret, apiKey: config.apiKey, clock, customers: 120 }),
    ).toBeNull();
  });

  it("is the same shop when seeded again with the same clock", async () => {
    const other = await demoRuntime(testClock("2026-11-25T12:00:00Z"));
    try {
      const c2 = testClock("2026-11-25T12:00:00Z");
      await seedDemoShop(other.runtime, {
        secret: other.config.apiSecret,
        apiKey: other.config.apiKey,
        clock: c2,
        customers: 120,
      });
      expect(await fingerprint(other.runtime)).toEqual(await fingerprint(runtime));
    } finally {
      await other.runtime.close();
    }
  }, 600_000);
});
