import { CHANNELS, summarizeDecisions, type Channel, type GateDecision } from "@c360/shared";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { CONSENT_FLAG_COLUMN } from "../services/consent";
import { mergeProfiles, undoMerge } from "../services/identity";
import { consentStateOf } from "../services/profile";
import { loadShop } from "../services/shop";
import { capture } from "../test-support/consent-fixtures";
import { dbLabel, SHOP_A, startTestServer, type TestServer } from "../test-support/harness";

/** A small deterministic PRNG so the shop is the same every run. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const check = async (t: TestServer, profileId: string, channel: Channel, at: string) =>
  (await t.api("POST", "/api/gate/check", { body: { profileId, channel, at } })).json();

const audience = async (t: TestServer, body: Record<string, unknown>) => {
  const res = await t.api("POST", "/api/gate/audience", { body });
  expect(res.status).toBe(200);
  return res.json();
};

describe(`audience gate with consent flags (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  let phones = 0;
  // Each with a phone: SMS and WhatsApp consent need one (issue #20 item 4), and these tests are about the rest.
  const insertProfile = async (id: string, timeZone: string | null) => {
    await t.runtime.db.db.execute(
      sql`INSERT INTO profiles (shop_id, id, first_seen_at, time_zone)
        VALUES (${SHOP_A}, ${id}, '2026-01-01', ${timeZone})`,
    );
    await t.runtime.db.db.execute(sql`INSERT INTO identifiers (shop_id, kind, value, profile_id, source, linked_at)
      VALUES (${SHOP_A}, 'phone', ${`+1415557${String(++phones).padStart(4, "0")}`}, ${id}, 'test', '2026-01-01')`);
  };
  const inShop = <T>(
    fn: (
      tx: Parameters<Parameters<typeof t.runtime.db.db.transaction>[0]>[0],
      shop: Awaited<ReturnType<typeof loadShop>>,
    ) => Promise<T>,
  ) => t.runtime.db.db.transaction(async (tx) => fn(tx, await loadShop(tx, SHOP_A, { lock: true })));

  it("equals the per-profile gate for everyone after mixed consents, merges, an undo and an erasure", async () => {
    const rand = prng(7);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const zones = [null, null, "Asia/Tokyo", "America/Los_Angeles", "Europe/Berlin", "Not/AZone"];
    const ids = Array.from({ length: 36 }, (_, i) => `a-${String(i).padStart(3, "0")}`);
    for (const id of ids) await insertProfile(id, pick(zones));
    // seeds the defaults
    await t.api("POST", "/api/consent-texts", { body: { channel: "push", locale: "en", text: "Push v2" } });
    const minute = (m: number) => new Date(Date.UTC(2026, 10, 20, 10, m)).toISOString();
    // Captures arrive in random order, so an older grant often comes in after a newer revocation.
    const recordRandomConsents = async (who: readonly string[]) => {
      for (const id of who) {
        for (let k = Math.floor(rand() * 5); k > 0; k--) {
          const res =
            rand() < 0.1
              ? await t.api("POST", "/api/unsubscribe", { body: { profileId: id, at: minute(Math.floor(rand() * 6)) } })
              : await t.api("POST", "/api/consents", {
                  body: capture(id, pick(CHANNELS), {
                    action: pick(["granted", "granted", "revoked"] as const),
                    actedAt: minute(Math.floor(rand() * 6)),
                  }),
                });
          expect(res.status).toBe(201);
        }
      }
    };
    await recordRandomConsents(ids);
    for (const id of ids) {
      for (let k = Math.floor(rand() * 8); k > 0; k--) {
        const at = new Date(Date.parse("2026-11-25T12:00:00Z") - Math.floor(rand() * 8 * 86_400_000));
        await t.runtime.db.db.execute(sql`INSERT INTO messages (shop_id, id, profile_id, channel, kind, status, reason,
          at)
          VALUES (${SHOP_A}, ${crypto.randomUUID()}, ${id}, ${pick(CHANNELS)}, 'promo',
            ${rand() < 0.85 ? "sent" : "blocked"}, 'seed', ${at})`);
      }
    }
    // Grants the survivors lack, so the flags must follow the ledger rows a merge and its undo move.
    const grantAt = (id: string, channel: Channel, action: "granted" | "revoked", m: number) =>
      t.api("POST", "/api/consents", { body: capture(id, channel, { action, actedAt: minute(m) }) });
    await grantAt("a-000", "push", "revoked", 20);
    await grantAt("a-001", "push", "granted", 25);
    await grantAt("a-002", "whatsapp", "revoked", 20);
    const merge = (survivorId: string, mergedId: string) =>
      inShop((tx, shop) =>
        mergeProfiles(tx, shop, {
          survivorId,
          mergedId,
          evidence: [],
          eventId: null,
          reason: "test",
          auto: false,
          decidedBy: null,
          now: t.clock(),
        }),
      );
    await merge("a-000", "a-001");
    const undone = await merge("a-002", "a-003");
    await merge("a-004", "a-005");
    // Consent for a merged profile goes to its survivor; the undone merge's survivor keeps what came after.
    await recordRandomConsents(["a-001", "a-002", "a-003", "a-004"]);
    await grantAt("a-003", "whatsapp", "granted", 30);
    expect((await check(t, "a-002", "whatsapp", "2026-11-25T12:00:00Z")).reason).not.toBe("no_consent:whatsapp");
    await inShop((tx, shop) => undoMerge(tx, shop, undone, t.clock()));
    await t.api("POST", "/api/consents", { body: capture("a-004", "sms") });
    expect((await t.api("POST", "/api/gdpr/profiles/a-004/erase")).status).toBe(200);

    const profiles = await queryRows<Record<string, unknown> & { id: string; status: string }>(
      t.runtime.db.db,
      sql`SELECT * FROM profiles WHERE shop_id = ${SHOP_A} ORDER BY id`,
    );
    for (const p of profiles) {
      const state = await consentStateOf(t.runtime.db.db, SHOP_A, p.id);
      const flags = Object.fromEntries(CHANNELS.map((ch) => [ch, p[CONSENT_FLAG_COLUMN[ch]]]));
      expect({ id: p.id, flags }).toEqual({
        id: p.id,
        flags: Object.fromEntries(CHANNELS.map((ch) => [ch, state[ch].granted])),
      });
    }
    const active = profiles.filter((p) => p.status === "active").map((p) => p.id);
    expect(active).not.toContain("a-001");
    expect(active).toContain("a-003");
    expect(active).not.toContain("a-004");
    expect(profiles.find((p) => p.id === "a-000")).toMatchObject({ consent_push: true });
    expect(profiles.find((p) => p.id === "a-002")).toMatchObject({ consent_whatsapp: true });

    let compared = 0;
    for (const at of ["2026-11-25T12:00:00Z", "2026-11-25T22:30:00Z", "2026-11-25T08:59:00Z"]) {
      for (const channel of CHANNELS) {
        const decisions: { profileId: string; decision: GateDecision }[] = [];
        for (const id of active) {
          const one = await check(t, id, channel, at);
          expect(one.profileId).toBe(id);
          decisions.push({
            profileId: id,
            decision: one.allowed
              ? { allowed: true, reason: "ok" }
              : { allowed: false, reason: one.reason, step: "consent" },
          });
          compared++;
        }
        const expected = summarizeDecisions(decisions);
        const all = await audience(t, { all: true, channel, at, limit: 1000 });
        expect({ at, channel, total: all.total, allowed: all.allowed, blocked: all.blocked }).toEqual({
          at,
          channel,
          total: active.length,
          allowed: expected.allowed,
          blocked: expected.blocked,
        });
        expect(all.allowedIds).toEqual(expected.allowedIds);
        const listed = await audience(t, { profileIds: ["nope", ...ids].reverse(), channel, at, limit: 3, offset: 2 });
        expect(listed.allowedIds).toEqual([...expected.allowedIds].reverse().slice(2, 5));
        expect(listed.unknownIds).toEqual(["a-005", "a-004", "a-001", "nope"]);
      }
    }
    expect(compared).toBe(active.length * 12);
  });

  it("pages past granted customers the gate blocks, in id order and in list order", async () => {
    for (const id of ["c1", "c2", "c3", "c4", "c5", "ok1", "ok2", "ok3"]) {
      await insertProfile(id, null);
      expect(
        (await t.api("POST", "/api/consents", { body: capture(id, "sms", { actedAt: "2026-11-01T10:00:00Z" }) }))
          .status,
      ).toBe(201);
    }
    for (const id of ["c1", "c2", "c3", "c4", "c5"]) {
      expect(
        (
          await t.api("POST", "/api/messages", {
            body: { profileId: id, channel: "sms", kind: "promo", at: "2026-11-25T10:00:00Z" },
          })
        ).status,
      ).toBe(201);
    }
    const at = "2026-11-25T12:00:00Z";
    // The first candidates by id are all capped, so the page comes from a second look.
    expect(await audience(t, { all: true, channel: "sms", at, limit: 1 })).toMatchObject({
      total: 8,
      allowed: 3,
      blocked: { "channel_cap_reached:sms:1/1": 5 },
      allowedIds: ["ok1"],
    });
    expect((await audience(t, { all: true, channel: "sms", at, limit: 2, offset: 1 })).allowedIds).toEqual([
      "ok2",
      "ok3",
    ]);
    expect((await audience(t, { all: true, channel: "sms", at, limit: 2, offset: 3 })).allowedIds).toEqual([]);
    expect((await audience(t, { all: true, channel: "sms", at, limit: 0 })).allowedIds).toEqual([]);
    const list = ["c5", "ok3", "c4", "c3", "c2", "c1", "ok1", "ok2"];
    expect((await audience(t, { profileIds: list, channel: "sms", at, limit: 2, offset: 1 })).allowedIds).toEqual([
      "ok1",
      "ok2",
    ]);
  });
});
