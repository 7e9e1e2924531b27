import { readFileSync } from "node:fs";
import { CHANNELS } from "@c360/shared";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../../db/rows";
import { dbLabel, SHOP_A, startTestServer, type TestServer } from "../../test-support/harness";
import { CONSENT_FLAG_COLUMN, refreshConsentFlags } from "./consent-flags";
import { consentStateOf } from "../profile/profile-view";

/** The backfill statement of the migration that added the flags: the last statement of its file. */
const backfill = readFileSync(new URL("../../db/migrations/0004_consent_flags.sql", import.meta.url), "utf8")
  .split("--> statement-breakpoint")
  .at(-1)!;

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe(`consent flags (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  it("the migration's backfill and refreshConsentFlags give the shared rule's state, ties included", async () => {
    const db = t.runtime.db.db;
    const rand = prng(11);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const ids = Array.from({ length: 40 }, (_, i) => `f-${i}`);
    for (const id of ids)
      await db.execute(sql`INSERT INTO profiles (shop_id, id, first_seen_at) VALUES (${SHOP_A}, ${id}, '2026-01-01')`);
    // Few distinct times, so acted-time ties (revocation wins), receipt ties and id order all decide some channel.
    const times = ["2026-11-01T10:00:00.000Z", "2026-11-01T10:00:00.001Z", "2026-11-02T09:30:00Z"];
    let seq = 0;
    for (const id of ids) {
      for (let k = Math.floor(rand() * 7); k > 0; k--) {
        seq++;
        await db.execute(sql`INSERT INTO consents (shop_id, id, seq, profile_id, channel, action, acted_at,
          device_time, received_at, source, hash)
          VALUES (${SHOP_A}, ${pick(["a", "b", "Z", "z"]) + seq}, ${seq}, ${id}, ${pick([...CHANNELS, "all"])},
            ${pick(["granted", "revoked"])},
                  ${pick(times)}, ${pick(times)}, ${pick(times)}, 'pos', 'x')`);
      }
    }
    const expected = new Map<string, Record<string, boolean>>();
    for (const id of ids) {
      const state = await consentStateOf(db, SHOP_A, id);
      expected.set(id, Object.fromEntries(CHANNELS.map((ch) => [ch, state[ch].granted])));
    }
    const flags = async () => {
      const rows = await queryRows<Record<string, unknown> & { id: string }>(
        db,
        sql`SELECT * FROM profiles WHERE shop_id = ${SHOP_A}`,
      );
      return new Map(
        rows.map((r) => [r.id, Object.fromEntries(CHANNELS.map((ch) => [ch, r[CONSENT_FLAG_COLUMN[ch]]]))]),
      );
    };
    expect([...expected.values()].filter((f) => Object.values(f).some(Boolean)).length).toBeGreaterThan(10);

    await db.execute(sql.raw(backfill));
    expect(await flags()).toEqual(expected);

    await db.execute(
      sql`UPDATE profiles SET consent_email = NOT consent_email, consent_sms = true, consent_whatsapp = false`,
    );
    await refreshConsentFlags(db, SHOP_A, ids);
    expect(await flags()).toEqual(expected);
  });
});
