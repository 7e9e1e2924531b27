import { DEFAULT_CONSENT_TEXTS } from "@c360/shared";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { queryRows } from "../db/rows";
import { dbLabel, SHOP_A, SHOP_B, startTestServer, type TestServer } from "../test-support/harness";

/**
 * The push applies a batch through an in-memory workspace (push-workspace.ts); this checks that a shop
 * which receives 2,000 mutations in one push ends exactly where a shop that receives the same
 * mutations one per request does: the same profiles, links, merges, candidates, consents, visits, field
 * values and rejections.
 *
 * Profile IDs are random, and a merge keeps the older profile, with equal ages decided by ID. IDs are
 * therefore drawn from an increasing counter here, so in both shops the profile made first is the one
 * that survives, and profiles are compared by the order they were made in.
 */

const emailText = DEFAULT_CONSENT_TEXTS.find((t) => t.channel === "email" && t.locale === "en")!;
const smsText = DEFAULT_CONSENT_TEXTS.find((t) => t.channel === "sms" && t.locale === "en")!;

interface Mutation {
  seq: number;
  id: string;
  name: string;
  args: unknown;
  createdAt: string;
}

function prng(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const hex = (n: number) => Array.from({ length: n }, () => "0123456789abcdef"[int(16)]).join("");
  return {
    chance: (p: number) => next() < p,
    int,
    pick: <T>(list: readonly T[]): T => list[int(list.length)]!,
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${"89ab"[int(4)]}${hex(3)}-${hex(12)}`,
  };
}

/**
 * A day of a busy companion with shared family emails and phones (links, merges, possible duplicates),
 * clerks correcting names out of order (last write wins), consents, visits by local ID and by Shopify
 * customer, unsubscribes and the odd bad mutation.
 */
function companionDay(count: number, seed: number): Mutation[] {
  const r = prng(seed);
  const locals = Array.from({ length: 150 }, () => r.uuid());
  const emails = Array.from({ length: 90 }, (_, i) => `guest${i}@mailbox.org`);
  const phones = Array.from({ length: 60 }, (_, i) => `+1415555${String(100 + i).padStart(4, "0")}`);
  const names = ["Ana", "Anna", "Ben", "Bea", "Chen", "Dana", "Eli"];
  const captured: string[] = [];
  const base = new Date("2026-11-25T08:00:00Z").getTime();
  const out: Mutation[] = [];
  while (out.length < count) {
    const roll = r.int(100);
    const known = captured.length > 0 && r.chance(0.9) ? r.pick(captured) : r.pick(locals);
    let name: string;
    let args: unknown;
    if (roll < 45) {
      const localId = r.chance(0.6) && captured.length > 0 ? r.pick(captured) : r.pick(locals);
      name = "customer.capture";
      args = {
        localId,
        ...(r.chance(0.6) ? { email: r.chance(0.1) ? ` ${r.pick(emails).toUpperCase()} ` : r.pick(emails) } : {}),
        ...(r.chance(0.4) ? { phone: r.pick(phones) } : {}),
        ...(r.chance(0.5) ? { firstName: r.pick(names) } : {}),
        ...(r.chance(0.4) ? { lastName: `${r.pick(names)}son` } : {}),
        ...(r.chance(0.1) ? { birthday: `19${60 + r.int(40)}-0${1 + r.int(9)}-1${r.int(10)}` } : {}),
        ...(r.chance(0.1) ? { notes: `likes ${r.pick(names)}` } : {}),
        ...(r.chance(0.02) ? { profileId: "never-synced-profile" } : {}),
      };
      captured.push(localId);
    } else if (roll < 58) {
      name = "profile.note";
      args = { localId: known, note: `note ${r.int(1000)}` };
    } else if (roll < 72) {
      const sms = r.chance(0.3);
      const text = sms ? smsText : emailText;
      name = "consent.record";
      args = {
        localId: known,
        channel: text.channel,
        action: r.chance(0.8) ? "granted" : "revoked",
        textVersion: text.version,
        text: r.chance(0.05) ? "not the shop's words" : text.text,
      };
    } else if (roll < 88) {
      name = "visit.log";
      const at = new Date(base + r.int(240) * 60_000).toISOString();
      args = r.chance(0.15) ? { shopifyCustomerId: String(7_000_000 + r.int(25)), at } : { localId: known, at };
    } else if (roll < 95) {
      name = "unsubscribe";
      args = r.chance(0.7) ? { localId: known } : { email: r.pick(emails) };
    } else if (roll < 98) {
      name = "customer.capture";
      args = { localId: "not-a-uuid", email: r.pick(emails) };
    } else {
      name = "loyalty.grant";
      args = { points: 1000 };
    }
    // Device times out of order, a few from a clock running ahead (clamped).
    const at = r.chance(0.02) ? new Date("2026-11-25T13:30:00Z") : new Date(base + r.int(240) * 60_000);
    out.push({ seq: out.length + 1, id: r.uuid(), name, args, createdAt: at.toISOString() });
  }
  return out;
}

/** What recomputeProfiles writes. */
const COMPUTED_COLUMNS = [
  "order_count",
  "lifetime_spend",
  "pos_spend",
  "online_spend",
  "first_order_at",
  "last_order_at",
  "preferred_location_id",
  "visit_count",
  "last_visit_at",
  "last_activity_at",
  "lifecycle_stage",
  "rfm_r",
  "rfm_f",
  "rfm_m",
  "churn_risk",
  "ltv_predicted_90d",
  "next_order_at",
  "loyalty_points",
  "loyalty_tier",
  "engagement_score",
  "web_sessions_30d",
  "last_seen_online_at",
  "viewed_product_ids",
];

/** Everything a push writes, for one shop, with profile IDs replaced by the order the profiles were made in. */
async function shopState(t: TestServer, shopId: string) {
  const rows = (statement: ReturnType<typeof sql>) => queryRows<Record<string, unknown>>(t.runtime.db.db, statement);
  const profiles = await rows(sql`SELECT * FROM profiles WHERE shop_id = ${shopId}`);
  const order = new Map(
    profiles
      .map((p) => p.id as string)
      .sort()
      .map((id, i) => [id, `profile#${i}`]),
  );
  const json = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
  const clean = (
    list: Record<string, unknown>[],
    profileColumns: string[],
    drop: string[] = [],
    jsonColumns: string[] = [],
  ) =>
    list
      .map((row) => {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(row)) {
          if (k === "shop_id" || drop.includes(k)) continue;
          out[k] =
            profileColumns.includes(k) && v != null
              ? (order.get(v as string) ?? `unknown ${v}`)
              : jsonColumns.includes(k)
                ? json(v)
                : v instanceof Date
                  ? v.toISOString()
                  : v;
        }
        return out;
      })
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  // A push recomputes the live profiles it touched once, at its end (it always has), so a profile made
  // and merged away inside one push keeps the computed columns it was made with, while one per request
  // it was recomputed before its merge. Those columns of merged profiles are not compared.
  const live = profiles.filter((p) => p.status !== "merged");
  const merged = profiles.filter((p) => p.status === "merged");
  return {
    profiles: clean(live, ["id", "merged_into"], [], ["field_times"]),
    mergedProfiles: clean(merged, ["id", "merged_into"], COMPUTED_COLUMNS, ["field_times"]),
    identifiers: clean(await rows(sql`SELECT * FROM identifiers WHERE shop_id = ${shopId}`), ["profile_id"]),
    identityEvents: clean(
      await rows(sql`SELECT * FROM identity_events WHERE shop_id = ${shopId}`),
      ["profile_id"],
      [],
      ["identifiers"],
    ),
    // The snapshot keeps the rows as they were at merge time; a push has always recomputed only at its end.
    merges: clean(
      await rows(sql`SELECT * FROM merges WHERE shop_id = ${shopId}`),
      ["survivor_id", "merged_id"],
      ["id", "snapshot"],
      ["evidence"],
    ),
    candidates: clean(
      await rows(sql`SELECT * FROM merge_candidates WHERE shop_id = ${shopId}`),
      ["profile_id", "other_profile_id"],
      ["id"],
      ["evidence"],
    ),
    visits: clean(await rows(sql`SELECT * FROM visits WHERE shop_id = ${shopId}`), ["profile_id"], ["device_id"]),
    // Hashes cover profile IDs, which differ between the shops; the chain order (seq) is compared.
    consents: clean(
      await rows(sql`SELECT * FROM consents WHERE shop_id = ${shopId}`),
      ["profile_id"],
      ["hash", "prev_hash", "device_id"],
    ),
    mutations: clean(await rows(sql`SELECT * FROM sync_mutations WHERE shop_id = ${shopId}`), [], ["client_id"]),
    // Versions count pushes; which profiles devices must pull, and how, is the state.
    changes: clean(await rows(sql`SELECT profile_id, kind FROM profile_changes WHERE shop_id = ${shopId}`), [
      "profile_id",
    ]),
    lastSeq: (await rows(sql`SELECT last_seq FROM sync_clients WHERE shop_id = ${shopId}`)).map((r) =>
      Number(r.last_seq),
    ),
  };
}

describe(`one push of 2,000 mutations equals the same mutations one per request (${dbLabel()})`, () => {
  let t: TestServer;
  afterEach(async () => {
    vi.restoreAllMocks();
    await t?.close();
  });

  it("ends in the same state, with duplicates, re-sent mutations and conflicting field edits", async () => {
    // 2,080 requests from one device in seconds: the per-device guard against runaway clients is not the subject here.
    t = await startTestServer({ rateLimits: { perShop: 1e6, perDevice: 1e6, windowMs: 10_000 } });
    let counter = 0;
    type Uuid = ReturnType<typeof crypto.randomUUID>;
    vi.spyOn(crypto, "randomUUID").mockImplementation(
      () => `00000000-0000-4000-8000-${String(++counter).padStart(12, "0")}` as Uuid,
    );

    const pairDevice = async (shop: string) => {
      const { code } = await (
        await t.api("POST", "/api/devices/pairing-codes", { shop, body: { locationId: "loc-1" } })
      ).json();
      const paired = await t.api("POST", "/api/sync/pair", { token: null, body: { code, deviceName: "Tablet" } });
      expect(paired.status).toBe(201);
      return (await paired.json()).token as string;
    };
    const push = async (token: string, mutations: Mutation[]) => {
      const res = await t.api("POST", "/api/sync/push", { token, body: { clientId: "front-desk", mutations } });
      expect(res.status).toBe(200);
      return res.json();
    };
    const day = companionDay(2000, 20261125);
    const r = prng(7);

    // Shop A: the first 300 in one push, then all 2,000 in one push (the first 300 re-sent) with 60 repeats inside it.
    const batchToken = await pairDevice(SHOP_A);
    await push(batchToken, day.slice(0, 300));
    const repeats = Array.from({ length: 60 }, () => r.pick(day));
    const big = await push(batchToken, [...day, ...repeats]);
    expect(big.lastSeq).toBe(2000);
    expect(big.skipped.length).toBe(300 + repeats.length);

    // Shop B: one mutation per request, every 25th followed by a re-send of an earlier one.
    const singleToken = await pairDevice(SHOP_B);
    for (const [i, m] of day.entries()) {
      await push(singleToken, [m]);
      if (i % 25 === 24) expect((await push(singleToken, [r.pick(day.slice(0, i + 1))])).skipped).toHaveLength(1);
    }

    const batched = await shopState(t, SHOP_A);
    const single = await shopState(t, SHOP_B);
    // The day exercises every path, so equality below is not vacuous.
    expect(batched.merges.length).toBeGreaterThan(0);
    expect(batched.mergedProfiles.length).toBeGreaterThan(0);
    expect(batched.candidates.length).toBeGreaterThan(0);
    expect(batched.mutations.filter((m) => m.status === "rejected").length).toBeGreaterThan(0);
    expect(batched.visits.length).toBeGreaterThan(100);
    expect(batched.consents.length).toBeGreaterThan(100);
    expect(batched.profiles.filter((p) => p.note !== null).length).toBeGreaterThan(10);
    for (const part of Object.keys(single) as (keyof typeof single)[])
      expect(batched[part], part).toEqual(single[part]);
  }, 900_000);
});
