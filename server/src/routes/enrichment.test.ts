import { churnRisk, lifecycleStage, quintileBreaks, rfmScores, shopSettingsSchema } from "@c360/shared";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { seedShop } from "../seed/demo";
import { dbLabel, SHOP_A, startTestServer, type TestServer } from "../test-support/harness";
import { orderPayload } from "../test-support/payloads";

const DAY = 86_400_000;

describe(`whole-shop enrichment and settings (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  const ago = (days: number, ms = 0) => new Date(t.clock().getTime() - days * DAY - ms).toISOString();
  const recompute = async () => (await t.api("POST", "/api/enrichment/recompute")).json();
  const stageOf = async (customerId: number) =>
    (await (await t.api("GET", `/api/profiles/by-shopify-customer/${customerId}`)).json()).lifecycleStage;
  const stageById = async (id: string) => (await (await t.api("GET", `/api/profiles/${id}`)).json()).lifecycleStage;

  it("puts each profile in its lifecycle stage, on both sides of every window edge", async () => {
    const identify = async (email: string, at: string, eventId: string) =>
      (await (await t.api("POST", "/api/identify", { body: { identifiers: { email }, at, eventId } })).json())
        .profileId as string;
    const fresh = await identify("new@x.com", ago(0), "n1");
    const engaged = await identify("engaged@x.com", ago(3), "e1");
    await identify("engaged@x.com", ago(2), "e2");
    await identify("engaged@x.com", ago(1), "e3");
    const quietExactly = await identify("quiet90@x.com", ago(90), "q1");
    const quietLonger = await identify("quiet90plus@x.com", ago(90, 1), "q2");
    const orders: [number, string][] = [
      [1, ago(30)], // converted: exactly at_risk_days quiet is still inside
      [2, ago(30, 1)], // at_risk: one millisecond more
      [3, ago(90)], // at_risk at the churned edge
      [4, ago(90, 1)], // churned
    ];
    for (const [customerId, createdAt] of orders)
      await t.webhook("orders/create", orderPayload({ id: customerId, customerId, createdAt }));
    await t.webhook("orders/create", orderPayload({ id: 50, customerId: 5, createdAt: ago(10) }));
    await t.webhook("orders/create", orderPayload({ id: 51, customerId: 5, createdAt: ago(5) }));
    await t.drain();

    const expected = async () => {
      expect(await stageById(fresh)).toBe("new");
      expect(await stageById(engaged)).toBe("engaged");
      expect(await stageById(quietExactly)).toBe("new");
      expect(await stageById(quietLonger)).toBe("churned");
      expect(await stageOf(1)).toBe("converted");
      expect(await stageOf(2)).toBe("at_risk");
      expect(await stageOf(3)).toBe("at_risk");
      expect(await stageOf(4)).toBe("churned");
      expect(await stageOf(5)).toBe("loyal");
    };
    await expected(); // per-event recompute
    await t.runtime.db.db.execute(sql`UPDATE profiles SET lifecycle_stage = 'new'`);
    expect((await recompute()).profiles).toBe(9);
    await expected(); // whole-shop SQL

    // A fashion shop's 14 days, then back: the whole shop is re-staged in the same request.
    const shorter = await t.api("PUT", "/api/settings", { body: { lifecycle: { atRiskDays: 14 } } });
    expect(shorter.status).toBe(200);
    const body = await shorter.json();
    expect(body.settings.lifecycle).toEqual({
      engagedWindowDays: 14,
      engagementLookbackDays: 30,
      engagedMinVisits: 3,
      atRiskDays: 14,
      churnedDays: 90,
    });
    expect(body.effects).toMatchObject({ restaged: 9, stageChanged: 1 });
    expect(await stageOf(1)).toBe("at_risk");
    expect(await stageOf(5)).toBe("loyal");
    const furniture = await (
      await t.api("PUT", "/api/settings", { body: { lifecycle: { atRiskDays: 100, churnedDays: 180 } } })
    ).json();
    expect(furniture.effects.restaged).toBe(9);
    expect(await stageOf(2)).toBe("converted");
    expect(await stageOf(4)).toBe("converted");
    expect(await stageById(quietLonger)).toBe("new");
  });

  it("validates settings whole, merges partial updates over the overrides, writes nothing on a bad one", async () => {
    const get = async () => (await t.api("GET", "/api/settings")).json();
    expect((await get()).settings).toEqual(shopSettingsSchema.parse({}));
    const ok = await (
      await t.api("PUT", "/api/settings", { body: { undoWindowDays: 3, identityLimits: { maxEmails: 8 } } })
    ).json();
    expect(ok.effects).toEqual({ appliesToNewEvents: ["identityLimits", "undoWindowDays"] });
    await t.api("PUT", "/api/settings", { body: { identityLimits: { maxPhones: 2 } } });
    expect((await get()).overrides).toEqual({ undoWindowDays: 3, identityLimits: { maxEmails: 8, maxPhones: 2 } });
    const crossed = await t.api("PUT", "/api/settings", { body: { lifecycle: { atRiskDays: 120 } } });
    expect(crossed.status).toBe(400);
    expect((await crossed.json()).message).toMatch(/churnedDays must be longer than atRiskDays/);
    const unknown = await t.api("PUT", "/api/settings", { body: { shopName: "x" } });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).message).toMatch(/shopName/);
    expect((await t.api("PUT", "/api/settings", { body: [1] })).status).toBe(400);
    // A time zone or country the gate could not use is refused here, not found later by a send.
    const mars = await t.api("PUT", "/api/settings", { body: { timeZone: "Mars/Olympus", defaultCountry: "XX" } });
    expect(mars.status).toBe(400);
    expect((await mars.json()).message).toMatch(
      /timeZone: must be an IANA time zone.*defaultCountry: must be a two-letter/,
    );
    expect((await get()).overrides).toEqual({ undoWindowDays: 3, identityLimits: { maxEmails: 8, maxPhones: 2 } });
    await t.api("PUT", "/api/settings", { body: { undoWindowDays: null } });
    expect((await get()).settings.undoWindowDays).toBe(7);
  });

  it("scores RFM and churn on a hand-checked shop of ten customers", async () => {
    const counts = [1, 1, 1, 2, 2, 3, 3, 4, 5, 8];
    const lastOrderDaysAgo = [5, 30, 31, 60, 61, 120, 121, 240, 241, 10];
    let orderId = 1000;
    for (let i = 0; i < 10; i++) {
      for (let k = 0; k < counts[i]!; k++) {
        const createdAt = ago(lastOrderDaysAgo[i]! + k * 2);
        await t.webhook(
          "orders/create",
          orderPayload({ id: ++orderId, customerId: 100 + i, total: `${(i + 1) * 10}.00`, createdAt }),
        );
      }
    }
    await t.drain();
    const result = await recompute();
    // Order counts 1,1,1,2,2,3,3,4,5,8: positions 1.8, 3.6, 5.4, 7.2 give 1, 2, 3 and 4 + 0.2 × (5 − 4).
    // AOVs 10..100 dollars: 20 + 0.8 × 10, 40 + 0.6 × 10, 60 + 0.4 × 10, 80 + 0.2 × 10 (in cents below).
    expect(result.rfmBreaks.frequency).toEqual([1, 2, 3, 4.2]);
    // Spend is kept in cents, so the monetary cut points are too.
    [2800, 4600, 6400, 8200].forEach((b, i) => expect(result.rfmBreaks.monetary[i]).toBeCloseTo(b, 9));
    const aovCents = [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000];
    expect(result.rfmBreaks.monetary).toEqual(quintileBreaks(aovCents));
    const expected = [
      { r: 5, f: 1, m: 1, churn: 0.4 },
      { r: 5, f: 1, m: 1, churn: 0.4 },
      { r: 4, f: 1, m: 2, churn: 0.513 }, // 0.15 + 0.25 + 0.1125 = 0.5125, rounded half up
      { r: 4, f: 2, m: 2, churn: 0.45 },
      { r: 3, f: 2, m: 3, churn: 0.563 },
      { r: 3, f: 3, m: 3, churn: 0.5 },
      { r: 2, f: 3, m: 4, churn: 0.613 },
      { r: 2, f: 4, m: 4, churn: 0.55 },
      { r: 1, f: 5, m: 5, churn: 0.6 },
      { r: 5, f: 5, m: 5, churn: 0 },
    ];
    for (let i = 0; i < 10; i++) {
      const p = await (await t.api("GET", `/api/profiles/by-shopify-customer/${100 + i}`)).json();
      expect({ ...p.rfm, churn: p.churnRisk }, `customer ${i}`).toEqual(expected[i]);
      // The 360 page explains the scores with the shared churn rule's words.
      expect(p.rfmExplanation).toContain(
        `recency ${expected[i]!.r}/5, frequency ${expected[i]!.f}/5, spend ${expected[i]!.m}/5`,
      );
    }
  });

  it("matches the pure rules for every profile of a seeded shop and records what changed for devices", async () => {
    const db = t.runtime.db.db;
    await seedShop(db, { shopId: SHOP_A, customers: 300, now: t.clock() });
    await db.execute(sql`INSERT INTO visits (shop_id, id, profile_id, source, at, received_at)
      SELECT shop_id, 'v-' || id, id, 'pos', ${ago(3)}, ${ago(3)} FROM profiles WHERE shop_id = ${SHOP_A}
        AND order_count = 0`);
    const [{ v: versionBefore }] = (await queryRows<{ v: string }>(
      db,
      sql`SELECT change_version AS v FROM shops WHERE shop_id = ${SHOP_A}`,
    )) as [{ v: string }];
    const result = await recompute();
    expect(result.profiles).toBeGreaterThan(250);
    expect(result.changed).toBeGreaterThan(0);

    const settings = shopSettingsSchema.parse({});
    const rows = await queryRows<Record<string, unknown>>(
      db,
      sql`SELECT p.*, (SELECT count(*) FROM visits v WHERE v.shop_id = p.shop_id AND v.profile_id = p.id
        AND v.at > ${ago(30)})
                    + (SELECT count(*) FROM identity_events e WHERE e.shop_id = p.shop_id AND e.profile_id = p.id
                         AND e.source IN ('identify', 'capture') AND e.at > ${ago(30)}) AS visits
          FROM profiles p WHERE shop_id = ${SHOP_A} AND status = 'active'`,
    );
    const ordered = rows.filter((r) => Number(r.order_count) > 0);
    const breaks = {
      frequency: quintileBreaks(ordered.map((r) => Number(r.order_count))),
      monetary: quintileBreaks(ordered.map((r) => Number(r.lifetime_spend) / Number(r.order_count))),
    };
    expect(result.rfmBreaks).toEqual(breaks);
    const now = t.clock();
    const stages = new Set<string>();
    for (const r of rows) {
      const orderCount = Number(r.order_count);
      const lastActivityAt = r.last_activity_at ? new Date(r.last_activity_at as string) : null;
      const stage = lifecycleStage(
        {
          firstSeenAt: new Date(r.first_seen_at as string),
          lastActivityAt,
          orderCount,
          visitsInLookback: Number(r.visits),
        },
        settings.lifecycle,
        now,
      ).stage;
      const rfm =
        orderCount > 0
          ? rfmScores(
              {
                daysSinceLastOrder: Math.floor((now.getTime() - new Date(r.last_order_at as string).getTime()) / DAY),
                orderCount,
                averageOrderValue: Number(r.lifetime_spend) / orderCount,
              },
              breaks,
            )
          : null;
      stages.add(stage);
      expect(
        {
          stage: r.lifecycle_stage,
          r: r.rfm_r,
          f: r.rfm_f,
          m: r.rfm_m,
          churn: r.churn_risk == null ? null : Number(r.churn_risk),
        },
        String(r.id),
      ).toEqual({
        stage,
        r: rfm?.r ?? null,
        f: rfm?.f ?? null,
        m: rfm?.m ?? null,
        churn: rfm ? churnRisk(rfm) : null,
      });
    }
    expect(stages.size).toBeGreaterThanOrEqual(4);

    const [feed] = await queryRows<{ n: string; lo: string; hi: string; v: string }>(
      db,
      sql`SELECT count(*) AS n, min(version) AS lo, max(version) AS hi, (SELECT change_version FROM shops
        WHERE shop_id = ${SHOP_A}) AS v
          FROM profile_changes WHERE shop_id = ${SHOP_A} AND version > ${Number(versionBefore)}`,
    );
    expect(Number(feed!.n)).toBe(result.changed);
    expect(Number(feed!.lo)).toBe(Number(versionBefore) + 1);
    expect(Number(feed!.hi)).toBe(Number(feed!.v));
    expect((await recompute()).changed).toBe(0);
  });

  it("gives each changed profile one new feed version, feed row or not; writes nothing if none changed", async () => {
    const db = t.runtime.db.db;
    // Two customers through webhooks (feed rows exist) and three rows written directly (none yet).
    for (const id of [1, 2])
      await t.webhook("orders/create", orderPayload({ id, customerId: id, createdAt: ago(200) }));
    await t.drain();
    for (const id of ["raw-1", "raw-2", "raw-3"]) {
      await db.execute(
        sql`INSERT INTO profiles (shop_id, id, first_seen_at, last_activity_at)
          VALUES (${SHOP_A}, ${id}, ${ago(400)}, ${ago(400)})`,
      );
    }
    await db.execute(sql`UPDATE profiles SET lifecycle_stage = 'loyal' WHERE shop_id = ${SHOP_A}`);
    const feed = () =>
      queryRows<{ profile_id: string; version: string }>(
        db,
        sql`SELECT profile_id, version FROM profile_changes WHERE shop_id = ${SHOP_A} ORDER BY version`,
      );
    const before = await feed();
    expect(before.map((r) => r.profile_id)).not.toContain("raw-1");
    const [{ v }] = (await queryRows<{ v: string }>(
      db,
      sql`SELECT change_version AS v FROM shops WHERE shop_id = ${SHOP_A}`,
    )) as [{ v: string }];

    expect(await recompute()).toMatchObject({ profiles: 5, changed: 5 });
    const after = await feed();
    expect(after).toHaveLength(5);
    expect(after.map((r) => Number(r.version))).toEqual([1, 2, 3, 4, 5].map((k) => Number(v) + k));
    expect(after.map((r) => r.profile_id).sort()).toEqual(
      [...before.map((r) => r.profile_id), "raw-1", "raw-2", "raw-3"].sort(),
    );

    expect(await recompute()).toMatchObject({ profiles: 5, changed: 0 });
    expect(await feed()).toEqual(after);
  });

  it("schedules the nightly recompute once per shop and date, and runs it on the queue", async () => {
    await t.api("GET", "/api/settings"); // the shop exists after its first verified contact
    await t.webhook("orders/create", orderPayload({ id: 1, customerId: 1 }));
    await t.drain();
    await t.runtime.scheduleNightly();
    await t.runtime.scheduleNightly();
    const jobs = () =>
      queryRows<{ ref: string; run_at: Date | string }>(
        t.runtime.db.db,
        sql`SELECT ref, run_at FROM jobs WHERE kind = 'recompute_shop'`,
      );
    expect((await jobs()).map((j) => [j.ref, new Date(j.run_at).toISOString()])).toEqual([
      ["2026-11-26", "2026-11-26T03:00:00.000Z"],
    ]);
    t.clock.advanceDays(1);
    await t.runtime.scheduleNightly();
    expect((await jobs()).map((j) => j.ref).sort()).toEqual(["2026-11-26", "2026-11-27"]);
    // The runtime's clock (2026-11-26 12:00) is past that date's 03:00 run and before the next one: one job is due.
    expect(await t.drain()).toBe(1);
    expect((await jobs()).map((j) => j.ref)).toEqual(["2026-11-27"]);
    const [shop] = await queryRows<{ rfm_breaks: unknown }>(
      t.runtime.db.db,
      sql`SELECT rfm_breaks FROM shops WHERE shop_id = ${SHOP_A}`,
    );
    expect(shop!.rfm_breaks).not.toBeNull();
  });

  it.runIf(process.env.C360_BENCH)(
    "times the whole-shop recompute of a 2,000-customer shop",
    async () => {
      const started = performance.now();
      const seeded = await seedShop(t.runtime.db.db, { shopId: SHOP_A, customers: 2000, now: t.clock() });
      const seedMs = performance.now() - started;
      const runs: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const r = await recompute();
        runs.push(Math.round(performance.now() - t0));
        if (i === 0)
          console.log(
            `[bench ${dbLabel()}] seeded ${JSON.stringify(seeded)} in ${Math.round(seedMs)} ms; first recompute: ` +
              JSON.stringify({
                profiles: r.profiles,
                changed: r.changed,
                newCandidates: r.newCandidates,
                serviceMs: r.ms,
              }),
          );
      }
      console.log(`[bench ${dbLabel()}] POST /api/enrichment/recompute wall times (ms): ${runs.join(", ")}`);
    },
    600_000,
  );
});
