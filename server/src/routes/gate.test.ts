import { CHANNELS, summarizeDecisions, type Channel, type GateDecision } from "@c360/shared";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { refreshConsentFlags } from "../services/consent";
import { capture, createCustomer, grant } from "../test-support/consent-fixtures";
import { dbLabel, SHOP_A, startTestServer, type TestServer } from "../test-support/harness";

const send = async (t: TestServer, profileId: string, channel: Channel, at?: string) =>
  (await t.api("POST", "/api/messages", { body: { profileId, channel, kind: "promo", ...(at ? { at } : {}) } })).json();
const check = async (t: TestServer, profileId: string, channel: Channel, at?: string) =>
  (await t.api("POST", "/api/gate/check", { body: { profileId, channel, ...(at ? { at } : {}) } })).json();

describe(`send gate (${dbLabel()})`, () => {
  let t: TestServer;
  let sarah: string;
  beforeEach(async () => {
    t = await startTestServer();
    // SMS and WhatsApp reach a phone: the customer has one, so the steps after consent are what is tested.
    sarah = await createCustomer(t, 601, { phone: "+14155550101" });
  });
  afterEach(async () => t.close());

  it("step 1, consent: a channel never granted is blocked, and the decision is logged", async () => {
    expect(await check(t, sarah, "sms")).toMatchObject({ allowed: false, reason: "no_consent:sms" });
    expect(await send(t, sarah, "sms")).toMatchObject({ status: "blocked", reason: "no_consent:sms" });
    await grant(t, sarah, ["sms"]);
    expect(await send(t, sarah, "sms")).toMatchObject({ status: "sent", reason: "ok" });
    const log = await queryRows<{ status: string; reason: string }>(
      t.runtime.db.db,
      sql`SELECT status, reason FROM messages ORDER BY reason`,
    );
    expect(log).toEqual([
      { status: "blocked", reason: "no_consent:sms" },
      { status: "sent", reason: "ok" },
    ]);
  });

  it("step 2, caps: the channel cap and the global daily cap, counted at once and only for sent messages", async () => {
    await grant(t, sarah, [...CHANNELS]);
    expect(await send(t, sarah, "sms")).toMatchObject({ status: "sent" });
    expect(await send(t, sarah, "sms")).toMatchObject({ status: "blocked", reason: "channel_cap_reached:sms:1/1" });
    expect(await send(t, sarah, "push")).toMatchObject({ status: "sent" });
    expect(await send(t, sarah, "email")).toMatchObject({ status: "sent" });
    expect(await send(t, sarah, "whatsapp")).toMatchObject({ status: "blocked", reason: "global_cap_reached:3/3" });
    // The next local day starts fresh.
    expect(await check(t, sarah, "whatsapp", "2026-11-26T10:00:00Z")).toMatchObject({ allowed: true, reason: "ok" });
  });

  it("step 2, caps count the whole local day: a 10:00 SMS decided after a 12:00 one meets the 1/day cap", async () => {
    await grant(t, sarah, ["sms"]);
    expect(await send(t, sarah, "sms", "2026-11-25T12:00:00Z")).toMatchObject({ status: "sent" });
    expect(await check(t, sarah, "sms", "2026-11-25T10:00:00Z")).toMatchObject({
      allowed: false,
      reason: "channel_cap_reached:sms:1/1",
    });
    expect(await send(t, sarah, "sms", "2026-11-25T10:00:00Z")).toMatchObject({
      status: "blocked",
      reason: "channel_cap_reached:sms:1/1",
    });
    const audience = await (
      await t.api("POST", "/api/gate/audience", {
        body: { profileIds: [sarah], channel: "sms", at: "2026-11-25T10:00:00Z" },
      })
    ).json();
    expect(audience).toMatchObject({ allowed: 0, blocked: { "channel_cap_reached:sms:1/1": 1 }, allowedIds: [] });
    // The day before is another day: the later send does not count there.
    expect(await check(t, sarah, "sms", "2026-11-24T15:00:00Z")).toMatchObject({ allowed: true, reason: "ok" });
  });

  it("serialises concurrent sends for one customer: only the cap's worth go out", async () => {
    await grant(t, sarah, ["sms"]);
    const results = await Promise.all([1, 2, 3, 4].map(() => send(t, sarah, "sms")));
    expect(results.filter((r) => r.status === "sent")).toHaveLength(1);
    expect(results.filter((r) => r.reason === "channel_cap_reached:sms:1/1")).toHaveLength(3);
  });

  it("step 3, fatigue: seven messages in the rolling week block at the 0.70 threshold", async () => {
    await grant(t, sarah, ["email"], { actedAt: "2026-11-01T10:00:00Z" });
    const sends = ["19T12", "19T13", "20T12", "20T13", "21T12", "21T13", "22T12"].map((d) => `2026-11-${d}:00:00Z`);
    for (const at of sends) expect(await send(t, sarah, "email", at)).toMatchObject({ status: "sent" });
    // The eighth in the same week is one too many.
    expect(await send(t, sarah, "email", "2026-11-22T13:00:00Z")).toMatchObject({
      status: "blocked",
      reason: "fatigue:0.70",
    });
    // (at - 7d, at]: seven on the 25th at noon; the 19th 12:00 drops out by the 26th 12:30.
    expect(await check(t, sarah, "email", "2026-11-25T12:00:00Z")).toMatchObject({
      allowed: false,
      reason: "fatigue:0.70",
    });
    expect(await check(t, sarah, "email", "2026-11-26T12:30:00Z")).toMatchObject({ allowed: true });
  });

  it("step 4, quiet hours: in the customer's zone when known, else the shop's; email is exempt", async () => {
    await grant(t, sarah, ["sms", "email"]);
    expect(await check(t, sarah, "sms", "2026-11-25T22:00:00Z")).toMatchObject({
      allowed: false,
      reason: "quiet_hours",
    });
    expect(await check(t, sarah, "email", "2026-11-25T22:00:00Z")).toMatchObject({ allowed: true });
    await t.runtime.db.db.execute(sql`UPDATE profiles SET time_zone = 'Asia/Tokyo' WHERE id = ${sarah}`);
    // 12:00 UTC is 21:00 in Tokyo.
    expect(await check(t, sarah, "sms", "2026-11-25T12:00:00Z")).toMatchObject({
      allowed: false,
      reason: "quiet_hours",
    });
    // 03:00 UTC is noon in Tokyo.
    expect(await check(t, sarah, "sms", "2026-11-26T03:00:00Z")).toMatchObject({ allowed: true });
  });

  it("answers 404 for an unknown profile and 400 for a bad channel", async () => {
    expect((await t.api("POST", "/api/gate/check", { body: { profileId: "nope", channel: "sms" } })).status).toBe(404);
    expect((await t.api("POST", "/api/gate/check", { body: { profileId: sarah, channel: "fax" } })).status).toBe(400);
    expect((await t.api("POST", "/api/gate/audience", { body: { channel: "sms" } })).status).toBe(400);
  });
});

/** A phone on a profile made in SQL: SMS and WhatsApp consent need one (issue #20 item 4). */
async function withPhone(t: TestServer, profileId: string, n: number) {
  const phone = `+1415556${String(n).padStart(4, "0")}`;
  await t.runtime.db.db.execute(sql`INSERT INTO identifiers (shop_id, kind, value, profile_id, source, linked_at)
    VALUES (${SHOP_A}, 'phone', ${phone}, ${profileId}, 'test', '2026-01-01')`);
}

/** A small deterministic PRNG so the mixed shop is the same every run. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe(`audience gate in SQL (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  it("equals checkGate for every profile of a mixed shop", async () => {
    const rand = prng(42);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const zones = [null, null, "Asia/Tokyo", "America/Los_Angeles", "Europe/Berlin", "Not/AZone", "Pacific/Kiritimati"];
    const ids: string[] = [];
    for (let i = 0; i < 48; i++) {
      const id = `p-${String(i).padStart(3, "0")}`;
      ids.push(id);
      await t.runtime.db.db.execute(
        sql`INSERT INTO profiles (shop_id, id, first_seen_at, time_zone)
          VALUES (${SHOP_A}, ${id}, '2026-01-01', ${pick(zones)})`,
      );
      await withPhone(t, id, i);
    }
    const captures = [];
    const minute = (m: number) => new Date(Date.UTC(2026, 10, 20, 10, m)).toISOString();
    for (const id of ids) {
      const n = Math.floor(rand() * 5);
      for (let k = 0; k < n; k++) {
        const channel = pick([...CHANNELS, "all"] as const);
        const action = pick(["granted", "granted", "revoked"] as const);
        if (channel === "all") continue;
        captures.push(capture(id, channel, { action, actedAt: minute(Math.floor(rand() * 4)) }));
      }
      if (rand() < 0.1) captures.push({ id: crypto.randomUUID(), unsubscribe: id, at: minute(Math.floor(rand() * 4)) });
    }
    // seeds the defaults
    await t.api("POST", "/api/consent-texts", { body: { channel: "push", locale: "en", text: "Push v2" } });
    for (const c of captures) {
      const res =
        "unsubscribe" in c
          ? await t.api("POST", "/api/unsubscribe", { body: { profileId: c.unsubscribe, at: c.at } })
          : await t.api("POST", "/api/consents", { body: c });
      expect(res.status).toBe(201);
    }
    for (const id of ids) {
      const n = Math.floor(rand() * 9);
      for (let k = 0; k < n; k++) {
        const at = new Date(Date.parse("2026-11-25T12:00:00Z") - Math.floor(rand() * 8 * 86_400_000));
        await t.runtime.db.db.execute(sql`INSERT INTO messages (shop_id, id, profile_id, channel, kind, status, reason,
          at)
          VALUES (${SHOP_A}, ${crypto.randomUUID()}, ${id}, ${pick(CHANNELS)}, 'promo',
            ${rand() < 0.85 ? "sent" : "blocked"}, 'seed', ${at})`);
      }
    }
    let compared = 0;
    for (const at of ["2026-11-25T12:00:00Z", "2026-11-25T22:30:00Z", "2026-11-25T08:59:00Z"]) {
      for (const channel of CHANNELS) {
        const decisions: { profileId: string; decision: GateDecision }[] = [];
        for (const id of ids) {
          const one = await check(t, id, channel, at);
          decisions.push({
            profileId: id,
            decision: one.allowed
              ? { allowed: true, reason: "ok" }
              : { allowed: false, reason: one.reason, step: "consent" },
          });
        }
        const expected = summarizeDecisions(decisions);
        const res = await t.api("POST", "/api/gate/audience", { body: { all: true, channel, at, limit: 1000 } });
        expect(res.status).toBe(200);
        const actual = await res.json();
        expect({ at, channel, blocked: actual.blocked, allowed: actual.allowed }).toEqual({
          at,
          channel,
          blocked: expected.blocked,
          allowed: expected.allowed,
        });
        expect(actual.allowedIds).toEqual(expected.allowedIds);
        const listed = await (
          await t.api("POST", "/api/gate/audience", {
            body: { profileIds: [...ids].reverse(), channel, at, limit: 2, offset: 1 },
          })
        ).json();
        expect(listed.allowedIds).toEqual([...expected.allowedIds].reverse().slice(1, 3));
        compared += ids.length;
      }
    }
    expect(compared).toBe(48 * 12);
  });

  it("decides each step for someone in a compact shop", async () => {
    const make = async (id: string, tz: string | null) =>
      t.runtime.db.db.execute(
        sql`INSERT INTO profiles (shop_id, id, first_seen_at, time_zone)
          VALUES (${SHOP_A}, ${id}, '2026-01-01', ${tz})`,
      );
    for (const [i, [id, tz]] of (
      [
        ["none", null],
        ["capped", null],
        ["tired", null],
        ["tokyo", "Asia/Tokyo"],
        ["fine", null],
      ] as const
    ).entries()) {
      await make(id, tz);
      await withPhone(t, id, i);
    }
    for (const id of ["capped", "tired", "tokyo", "fine"])
      await grant(t, id, ["sms", "push"], { actedAt: "2026-11-01T10:00:00Z" });
    await send(t, "capped", "sms", "2026-11-25T10:00:00Z");
    for (let d = 18; d <= 24; d++) await send(t, "tired", "push", `2026-11-${d}T13:00:00Z`);
    const at = "2026-11-25T12:00:00Z";
    const audience = await (
      await t.api("POST", "/api/gate/audience", { body: { all: true, channel: "sms", at } })
    ).json();
    expect(audience).toMatchObject({
      total: 5,
      allowed: 1,
      allowedIds: ["fine"],
      blocked: { "no_consent:sms": 1, "channel_cap_reached:sms:1/1": 1, "fatigue:0.70": 1, quiet_hours: 1 },
    });
    expect(await check(t, "tired", "sms", at)).toMatchObject({ reason: "fatigue:0.70" });
  });

  it("times the audience over a bigger shop", async () => {
    const profiles = Number(process.env.C360_AUDIENCE_PROFILES ?? 20_000);
    const db = t.runtime.db.db;
    await db.execute(sql`INSERT INTO profiles (shop_id, id, first_seen_at, time_zone)
      SELECT ${SHOP_A}, 'big-' || g, '2026-01-01', (ARRAY[NULL, 'Asia/Tokyo', 'America/New_York',
        'Europe/Paris'])[1 + g % 4]
      FROM generate_series(1, ${profiles}) g`);
    // Three in four have a phone: the others' SMS grants reach no one and are blocked at the consent step.
    await db.execute(sql`INSERT INTO identifiers (shop_id, kind, value, profile_id, source, linked_at)
      SELECT ${SHOP_A}, 'phone', '+1415' || lpad(g::text, 7, '0'), 'big-' || g, 'test', timestamptz '2026-01-01'
      FROM generate_series(1, ${profiles}) g WHERE g % 4 <> 0`);
    await db.execute(sql`INSERT INTO consents (shop_id, id, seq, profile_id, channel, action, acted_at, device_time,
      received_at, source, hash)
      SELECT ${SHOP_A}, 'c-' || g || '-' || k, g * 4 + k, 'big-' || g, (ARRAY['email','sms','whatsapp','push'])[1 + k],
             CASE WHEN (g + k) % 5 = 0 THEN 'revoked' ELSE 'granted' END,
             timestamptz '2026-11-01' + (k || ' hours')::interval, timestamptz '2026-11-01', timestamptz '2026-11-01',
               'pos', 'x'
      FROM generate_series(1, ${profiles}) g, generate_series(0, 1) k`);
    // The ledger was written around the consent service, so the profiles' flags
    // are brought up to date as an append would.
    await refreshConsentFlags(
      db,
      SHOP_A,
      Array.from({ length: profiles }, (_, i) => `big-${i + 1}`),
    );
    await db.execute(sql`INSERT INTO messages (shop_id, id, profile_id, channel, kind, status, reason, at)
      SELECT ${SHOP_A}, 'm-' || g || '-' || k, 'big-' || g, (ARRAY['email','sms','whatsapp','push'])[1 + (g + k) % 4],
        'promo', 'sent', 'ok',
             timestamptz '2026-11-25 12:00+00' - ((g * 7 + k * 13) % 170 || ' hours')::interval
      FROM generate_series(1, ${profiles}) g, generate_series(0, 2 + g % 5) k`);
    const [counts] = await queryRows<{ c: string; m: string }>(
      db,
      sql`SELECT (SELECT count(*) FROM consents) AS c, (SELECT count(*) FROM messages) AS m`,
    );
    const started = performance.now();
    const res = await t.api("POST", "/api/gate/audience", {
      body: { all: true, channel: "sms", at: "2026-11-25T12:00:00Z", limit: 100 },
    });
    const ms = performance.now() - started;
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.total).toBe(profiles);
    expect(body.blocked["no_consent:sms"]).toBeLessThan(profiles);
    console.log(
      `[${dbLabel()}] audience over ${profiles} profiles, ${counts!.c} consents, ` +
        `${counts!.m} messages: ${ms.toFixed(0)} ms`,
      JSON.stringify(body.blocked),
    );
  });
});
