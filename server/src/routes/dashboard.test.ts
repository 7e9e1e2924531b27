import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { seedShop } from "../seed/demo";
import { mergeProfiles } from "../services/identity";
import { loadShop } from "../services/shop";
import { createCustomer, grant } from "../test-support/consent-fixtures";
import { dbLabel, SHOP_A, SHOP_B, startTestServer, type TestServer } from "../test-support/harness";

const SHOP_C = "shop-c.myshopify.com";

describe(`dashboard and agency roll-up (${dbLabel()})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    const now = t.clock();
    await seedShop(t.runtime.db.db, { shopId: SHOP_A, customers: 30, now, seed: 1 });
    await seedShop(t.runtime.db.db, { shopId: SHOP_B, customers: 20, now, seed: 2 });
    // Shop B: every customer got 8 messages this week (fatigue 0.8, at or above the 0.7 threshold).
    const profiles = await queryRows<{ id: string }>(
      t.runtime.db.db,
      sql`SELECT id FROM profiles WHERE shop_id = ${SHOP_B}`,
    );
    for (const p of profiles) {
      for (let i = 0; i < 8; i++) {
        await t.runtime.db.db.execute(sql`INSERT INTO messages (shop_id, id, profile_id, channel, kind, status, reason,
          at)
          VALUES (${SHOP_B}, ${crypto.randomUUID()}, ${p.id}, 'email', 'promo', 'sent', 'ok',
            ${new Date(now.getTime() - (i + 1) * 3_600_000)})`);
      }
    }
  });
  afterAll(async () => t.close());

  it("counts the shop's own profiles by stage, channel mix, fatigue and coverage", async () => {
    const res = await t.api("GET", "/api/dashboard", { shop: SHOP_A });
    expect(res.status).toBe(200);
    const d = await res.json();
    const [truth] = await queryRows<{ n: string; email: string; pos_only: string }>(
      t.runtime.db.db,
      sql`SELECT count(*) AS n,
                 (SELECT count(DISTINCT profile_id) FROM identifiers WHERE shop_id = ${SHOP_A}
                   AND kind = 'email') AS email,
                 count(*) FILTER (WHERE pos_spend > 0 AND online_spend = 0) AS pos_only
          FROM profiles WHERE shop_id = ${SHOP_A} AND status = 'active'`,
    );
    expect(d.profiles).toBe(Number(truth!.n));
    expect(Object.values(d.lifecycle as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(Number(truth!.n));
    expect(d.channelMix.in_store_only).toBe(Number(truth!.pos_only));
    expect(d.coverage.withEmail).toBe(Number(truth!.email));
    expect(d.fatigue.blocked_0_7_plus).toBe(0);
  });

  it("shows each granted shop side by side and flags the one over 60% in fatigue", async () => {
    const agency = "agency-user-7";
    expect((await t.api("POST", "/api/agency/grants", { shop: SHOP_B, body: { userId: agency } })).status).toBe(201);
    const token = await t.token(SHOP_A, { staffId: agency });
    const res = await t.api("GET", "/api/agency/rollup", { token });
    expect(res.status).toBe(200);
    const rollup = await res.json();
    expect(rollup.shops.map((s: { shopId: string }) => s.shopId)).toEqual([SHOP_A, SHOP_B]);
    const [a, b] = rollup.shops;
    expect(a.fatigueFlag).toBe(false);
    expect(b.fatigueFlag).toBe(true);
    expect(b.fatigue.shareAtOrAboveThreshold).toBe(1);
    // Each shop's figures are its own: the same as that shop's dashboard.
    const bAlone = await (await t.api("GET", "/api/dashboard", { shop: SHOP_B })).json();
    expect({ ...b, fatigueFlag: undefined }).toEqual({ ...bAlone, fatigueFlag: undefined });
  });

  it("never shows a shop that did not grant the user", async () => {
    const token = await t.token(SHOP_C, { staffId: "someone-else" });
    const rollup = await (await t.api("GET", "/api/agency/rollup", { token })).json();
    expect(rollup.shops.map((s: { shopId: string }) => s.shopId)).toEqual([SHOP_C]);
    expect(rollup.shops[0].profiles).toBe(0);
  });
});

/**
 * Consent coverage counts the customers who are here now: an erased customer's consent leaves with them, and
 * two customers merged into one count once (the flags the ledger keeps, not a second reading of the ledger).
 */
describe(`dashboard consent coverage after an erasure and a merge (${dbLabel()})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  const coverage = async () => (await (await t.api("GET", "/api/dashboard", { shop: SHOP_C })).json()).coverage;

  it("drops an erased customer's email consent and counts a merged pair once", async () => {
    const erased = await createCustomer(t, 501, { email: "gone@shopper.io", shop: SHOP_C });
    await grant(t, erased, ["email"], {}, SHOP_C);
    expect(await coverage()).toMatchObject({ profiles: 1, withEmail: 1, emailConsent: 1 });
    expect((await t.api("POST", `/api/gdpr/profiles/${erased}/erase`, { shop: SHOP_C })).status).toBe(200);
    expect(await coverage()).toMatchObject({ profiles: 0, withEmail: 0, emailConsent: 0 });

    const ann = await createCustomer(t, 502, { email: "ann@shopper.io", shop: SHOP_C });
    const annAgain = await createCustomer(t, 503, { email: "ann.lee@shopper.io", shop: SHOP_C });
    await grant(t, ann, ["email"], { actedAt: "2026-11-20T10:00:00Z" }, SHOP_C);
    await grant(t, annAgain, ["email"], { actedAt: "2026-11-21T10:00:00Z" }, SHOP_C);
    expect(await coverage()).toMatchObject({ profiles: 2, emailConsent: 2 });
    await t.runtime.db.db.transaction(async (tx) =>
      mergeProfiles(tx, await loadShop(tx, SHOP_C, { lock: true }), {
        survivorId: ann,
        mergedId: annAgain,
        evidence: [],
        eventId: null,
        reason: "same person, two emails",
        auto: false,
        decidedBy: "staff-1",
        now: t.clock(),
      }),
    );
    expect(await coverage()).toMatchObject({ profiles: 1, withEmail: 1, emailConsent: 1 });
    const d = await (await t.api("GET", "/api/dashboard", { shop: SHOP_C })).json();
    const mix = Object.values(d.channelMix as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(mix).toBe(d.profiles);
  });
});
