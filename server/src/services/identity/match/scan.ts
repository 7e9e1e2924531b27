import {
  explainMatch,
  findProbableDuplicates,
  type MatchCandidate,
  type MatchModel,
  type MatchPerson,
} from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../../db/client";
import { jsonOf, queryRows, type RawRow } from "../../../db/rows";
import type * as tables from "../../../db/schema";
import { idTable, loadMatchPeople } from "./people";

/** Up to this many active profiles, a shop without a learned model learns one from all of them on arrival. */
const LEARN_ON_ARRIVAL_LIMIT = 50_000;
const WRITE_CHUNK = 2_000;

/** The seed of a shop's random pairs: its scan repeats exactly, and two shops do not share one. */
export function shopSeed(shopId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < shopId.length; i++) h = Math.imul(h ^ shopId.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export interface ScanOutcome {
  profiles: number;
  comparisons: number;
  proposed: number;
  /** Pairs not proposed before (a re-scan refreshes the explanation of open ones). */
  created: number;
  ms: number;
}

async function storeModel(q: Queryable, shopId: string, model: MatchModel, profiles: number, now: Date) {
  await q.execute(sql`INSERT INTO match_models (shop_id, model, profiles, trained_at)
    VALUES (${shopId}, ${JSON.stringify(model)}::jsonb, ${profiles}, ${now})
    ON CONFLICT (shop_id) DO UPDATE
      SET model = excluded.model, profiles = excluded.profiles, trained_at = excluded.trained_at`);
}

async function storedModel(q: Queryable, shopId: string): Promise<{ model: MatchModel; profiles: number } | null> {
  const [row] = await queryRows<RawRow<typeof tables.matchModels, "model" | "profiles">>(
    q,
    sql`SELECT model, profiles FROM match_models WHERE shop_id = ${shopId}`,
  );
  if (!row) return null;
  return { model: jsonOf<MatchModel>(row.model), profiles: Number(row.profiles) };
}

/**
 * Proposes pairs as `probabilistic` merge candidates, each with its explanation. It never merges. A pair
 * a person already dismissed or merged is not proposed again; an open one gets the fresh explanation.
 */
async function proposeCandidates(
  q: Queryable,
  shopId: string,
  people: readonly MatchPerson[],
  candidates: readonly MatchCandidate[],
  model: MatchModel,
  now: Date,
): Promise<number> {
  const byId = new Map(people.map((p) => [p.profileId, p]));
  // One row per pair: two blocking rules can propose the same pair, and one statement may write a key only once.
  const strongest = new Map<string, MatchCandidate>();
  for (const c of candidates) {
    const key = `${c.profileId}\u0000${c.otherProfileId}`;
    const seen = strongest.get(key);
    if (!seen || c.weight > seen.weight) strongest.set(key, c);
  }
  const unique = [...strongest.values()];
  let created = 0;
  for (let n = 0; n < unique.length; n += WRITE_CHUNK) {
    const rows = unique.slice(n, n + WRITE_CHUNK).map((c) => {
      const explanation = explainMatch(byId.get(c.profileId)!, byId.get(c.otherProfileId)!, c, model);
      return {
        id: crypto.randomUUID(),
        profile_id: c.profileId,
        other_profile_id: c.otherProfileId,
        reason: explanation.summary,
        evidence: explanation,
        score: Math.round(c.probability * 1000) / 1000,
      };
    });
    const [row] = await queryRows<{ n: number | string }>(
      q,
      sql`WITH written AS (
            INSERT INTO merge_candidates
              (shop_id, id, profile_id, other_profile_id, kind, reason, evidence, score, created_at)
            SELECT ${shopId}, x.id, x.profile_id, x.other_profile_id, 'probabilistic', x.reason, x.evidence,
                   x.score, ${now}
            FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
              AS x(id text, profile_id text, other_profile_id text, reason text, evidence jsonb, score real)
            ON CONFLICT (shop_id, profile_id, other_profile_id) DO UPDATE
              SET reason = excluded.reason, evidence = excluded.evidence, score = excluded.score
              WHERE merge_candidates.status = 'open' AND merge_candidates.kind = 'probabilistic'
            RETURNING (xmax = 0) AS inserted)
          SELECT count(*) FILTER (WHERE inserted) AS n FROM written`,
    );
    created += Number(row?.n ?? 0);
  }
  return created;
}

/**
 * The whole-shop pass: every active person blocked and compared, the shop's model learned afresh from its
 * own people (m by EM, u from random pairs) and stored for arrivals, and the pairs above the threshold proposed.
 * Should EM settle on something other than one person, the shop's stored model scores the pairs (or, with
 * none, nothing is proposed) and the stored one stays.
 */
export async function scanShopDuplicates(q: Queryable, shopId: string, now: Date): Promise<ScanOutcome> {
  const started = performance.now();
  const people = await loadMatchPeople(q, shopId);
  const stored = await storedModel(q, shopId);
  const { candidates, model, comparisons, refused } = findProbableDuplicates(people, {
    seed: shopSeed(shopId),
    ...(stored ? { fallbackModel: stored.model } : {}),
  });
  // A model that did not learn one person is not kept: arrivals go on being scored by the last sound one.
  if (!refused) await storeModel(q, shopId, model, people.length, now);
  const created = await proposeCandidates(q, shopId, people, candidates, model, now);
  const ms = Math.round(performance.now() - started);
  return { profiles: people.length, comparisons, proposed: candidates.length, created, ms };
}

/**
 * Candidates for the customers a webhook batch, a sync push or a backfill just touched, in the same
 * transaction: the touched people and their neighbours (same postcode, birth date or surname, either
 * way round) are compared with the shop's learned model. A shop with no model yet learns one from all
 * its people when it is small enough; otherwise the neighbourhood teaches a provisional one.
 */
export async function scanArrivals(
  q: Queryable,
  shopId: string,
  touched: readonly string[],
  now: Date,
  opts: { learn?: boolean } = {},
): Promise<ScanOutcome> {
  const started = performance.now();
  const empty = { profiles: 0, comparisons: 0, proposed: 0, created: 0, ms: 0 };
  if (touched.length === 0) return empty;
  const stored = await storedModel(q, shopId);
  // Without learning, arrivals are scored only by a model the shop already learned (whole-shop pass, backfill):
  // a tablet's push then proposes the same pairs whether it arrives in one batch or one change at a time.
  if (opts.learn === false && !stored) return empty;
  // A small shop's model is learned again once the shop has doubled: three customers teach little.
  if (opts.learn !== false && (!stored || stored.profiles <= LEARN_ON_ARRIVAL_LIMIT)) {
    const [row] = await queryRows<{ n: number | string }>(
      q,
      sql`SELECT count(*) AS n FROM profiles WHERE shop_id = ${shopId} AND status = 'active'`,
    );
    const active = Number(row?.n ?? 0);
    const learnAgain = !stored || active >= 2 * stored.profiles + 20;
    if (active <= LEARN_ON_ARRIVAL_LIMIT && learnAgain) return scanShopDuplicates(q, shopId, now);
  }
  const model = stored?.model ?? null;
  // The arrivals are read once (a materialized CTE, one primary-key probe each) and each neighbourhood is its
  // own index probe, joined by UNION: written as one OR of IN-lists, the planner read every profile of the shop
  // in each push (0.19 s a push at 300,000 profiles). It cannot know how common the arrivals' names are, so the
  // names are probed one by one (OFFSET 0 keeps the lateral a nested loop over the name index) rather than
  // hashed against every profile. The ids are gathered first (ARRAY of the union, run once) and the people read
  // by primary key: joined instead, the union's guessed size (600,000 rows for 500) made the planner hash it
  // against a scan of every profile, 0.8 s a push at 1,000,000 profiles.
  const people = await loadMatchPeople(
    q,
    shopId,
    sql`id = ANY(ARRAY(
      WITH a AS MATERIALIZED (
        SELECT p.* FROM ${idTable(touched)} AS t(id) CROSS JOIN LATERAL (
          SELECT id, postcode, birthday, lower(last_name) AS surname, lower(first_name) AS given FROM profiles
          WHERE shop_id = ${shopId} AND id = t.id OFFSET 0) p)
      SELECT id FROM a
      UNION SELECT n.id FROM a JOIN profiles n ON n.shop_id = ${shopId} AND n.postcode = a.postcode
      UNION SELECT n.id FROM a JOIN profiles n ON n.shop_id = ${shopId} AND n.birthday = a.birthday
      UNION SELECT n.id FROM (SELECT surname AS name FROM a UNION SELECT given FROM a) k
        CROSS JOIN LATERAL (
          SELECT id FROM profiles WHERE shop_id = ${shopId} AND lower(last_name) = k.name OFFSET 0
        ) n))`,
  );
  const isTouched = new Set(touched);
  const found = findProbableDuplicates(people, { seed: shopSeed(shopId), ...(model ? { model } : {}) });
  const mine = found.candidates.filter((c) => isTouched.has(c.profileId) || isTouched.has(c.otherProfileId));
  const created = await proposeCandidates(q, shopId, people, mine, model ?? found.model, now);
  const ms = Math.round(performance.now() - started);
  return { profiles: people.length, comparisons: found.comparisons, proposed: mine.length, created, ms };
}
