import {
  lifecycleStage,
  lifetimeValue,
  predictNextOrder,
  rollingYearPoints,
  tierFor,
  type BatchResolution,
} from "@c360/shared";
import { sql } from "drizzle-orm";
import { bulkInsert, type BulkColumn } from "../../../db/bulk-insert";
import type { Queryable } from "../../../db/client";
import { queryRows } from "../../../db/rows";
import type { CustomerEvent, ExistingOwner, ProfileDetails } from "./backfill-state";
import { mergeProfiles } from "../merge";
import { recomputeProfiles } from "../../profile/recompute-profile";
import type { ShopContext } from "../../shop/shop";

interface Folded extends ProfileDetails {
  lastEventAt: Date | null;
}

const RECOMPUTE_CHUNK = 5_000;
const NO_DETAILS = {
  firstName: null,
  lastName: null,
  postcode: null,
  address1: null,
  address2: null,
  city: null,
  birthday: null,
};
const detailsOf = (e: CustomerEvent) => ({
  firstName: e.firstName,
  lastName: e.lastName,
  postcode: e.postcode,
  address1: e.address1,
  address2: e.address2,
  city: e.city,
  birthday: e.birthday,
});
const text = (name: string): BulkColumn => ({ name, type: "text" });
/** IDs and codes this code made: no escaping needed. */
const code = (name: string): BulkColumn => ({ name, type: "text", plain: true });
const time = (name: string): BulkColumn => ({ name, type: "timestamptz" });
/** A profile's details as columns, in `ProfileDetails` order: the new profiles' rows and the updates' rows. */
const DETAIL_COLUMNS = [
  ...["first_name", "last_name", "postcode", "address1", "address2", "city", "birthday"].map(text),
  time("first_seen_at"),
];
/** A profile's details as values, in `DETAIL_COLUMNS` order. */
const detailValues = (d: ProfileDetails) => [
  d.firstName,
  d.lastName,
  d.postcode,
  d.address1,
  d.address2,
  d.city,
  d.birthday,
  d.firstSeenAt,
];

/**
 * Writes what the batch resolution decided, set-based: new profiles, identifiers, identity events and
 * candidates go in by COPY (PostgreSQL) or multi-row INSERT (PGlite). Merges among profiles this batch
 * created are settled in memory; a merge with a profile that was stored before goes through
 * `mergeProfiles` (journal, snapshot, undo), as the per-event path would. Stored profiles are recomputed
 * from their rows; new ones from the shared rules directly (they have no orders or visits yet).
 * Returns how many profiles were written and how many merge candidates were new.
 */
export async function writeBackfill(
  q: Queryable,
  shop: ShopContext,
  input: { events: readonly CustomerEvent[]; resolution: BatchResolution; owners: readonly ExistingOwner[]; now: Date },
): Promise<{ profilesWritten: number; candidates: number }> {
  const { shopId, settings } = shop;
  const { events, resolution, owners, now } = input;
  const stored = new Set(owners.map((o) => o.profile.profileId));
  const finalOf = (id: string) => resolution.survivorOf.get(id) ?? id;

  // Which profile each created one is written as: merges between two created profiles are settled here.
  const inMemory = new Map<string, string>();
  const storedMerges: { merge: BatchResolution["merges"][number]; mergedId: string }[] = [];
  for (const merge of resolution.merges) {
    for (const mergedId of merge.mergedIds) {
      if (stored.has(merge.survivorId) || stored.has(mergedId)) storedMerges.push({ merge, mergedId });
      else inMemory.set(mergedId, merge.survivorId);
    }
  }
  const writtenAs = (id: string): string => {
    let at = id;
    for (let next = inMemory.get(at); next !== undefined; next = inMemory.get(at)) at = next;
    return at;
  };

  const details = foldDetails(input);
  const created = resolution.created.filter((c) => !inMemory.has(c.profileId));
  // Profiles a stored merge or a link touched are recomputed from their rows once everything is written.
  const recompute = new Set<string>();
  for (const e of resolution.events) if (stored.has(e.profileId)) recompute.add(e.profileId);
  for (const { merge } of storedMerges) recompute.add(finalOf(merge.survivorId));

  const noOrders = {
    ltv: lifetimeValue({ lifetimeSpend: 0, orderDates: [], firstOrderAt: null }, now).predicted90d,
    nextOrderAt: predictNextOrder([]),
    tier: tierFor(rollingYearPoints([], now), settings.loyalty.tiers).tier,
  };
  await bulkInsert(
    q,
    "profiles",
    [
      text("shop_id"),
      code("id"),
      ...DETAIL_COLUMNS,
      time("last_activity_at"),
      code("lifecycle_stage"),
      { name: "ltv_predicted_90d", type: "bigint" },
      time("next_order_at"),
      text("loyalty_tier"),
      time("created_at"),
      time("updated_at"),
    ],
    (function* () {
      // In creation order, as `created` lists them: each creating event, or the fold of a profile touched again.
      for (let n = 0; n < events.length; n++) {
        const outcome = resolution.events[n]!;
        if (outcome.replay || outcome.decision !== "create" || inMemory.has(outcome.resolvedProfileId)) continue;
        const e = events[n]!;
        const d = details.get(outcome.resolvedProfileId) ?? { ...detailsOf(e), firstSeenAt: e.at, lastEventAt: e.at };
        const stage = lifecycleStage(
          { firstSeenAt: d.firstSeenAt, lastActivityAt: d.lastEventAt, orderCount: 0, visitsInLookback: 0 },
          settings.lifecycle,
          now,
        ).stage;
        yield [
          shopId,
          outcome.resolvedProfileId,
          ...detailValues(d),
          d.lastEventAt,
          stage,
          noOrders.ltv,
          noOrders.nextOrderAt,
          noOrders.tier,
          now,
          now,
        ];
      }
    })(),
  );
  await bulkInsert(
    q,
    "identifiers",
    [
      text("shop_id"),
      code("kind"),
      text("value"),
      code("profile_id"),
      code("source"),
      code("event_id"),
      time("linked_at"),
    ],
    (function* () {
      for (const a of resolution.attached) {
        yield [
          shopId,
          a.identifier.kind,
          a.identifier.value,
          writtenAs(a.resolvedProfileId),
          a.source ?? "customer",
          a.eventId,
          a.at,
        ];
      }
    })(),
  );
  await bulkInsert(
    q,
    "identity_events",
    [
      text("shop_id"),
      code("id"),
      code("source"),
      { name: "identifiers", type: "jsonb" },
      code("profile_id"),
      time("at"),
    ],
    (function* () {
      for (let n = 0; n < events.length; n++) {
        const outcome = resolution.events[n]!;
        if (outcome.replay) continue;
        const e = events[n]!;
        yield [shopId, e.id, e.source ?? "customer", e.identifiers, writtenAs(outcome.resolvedProfileId), e.at];
      }
    })(),
  );

  for (const { merge, mergedId } of storedMerges) {
    await mergeProfiles(q, shop, {
      survivorId: writtenAs(merge.survivorId),
      mergedId,
      evidence: merge.evidence,
      eventId: merge.eventId,
      reason: merge.reason,
      auto: true,
      decidedBy: null,
      now,
    });
  }
  const candidates = await insertCandidates(q, shopId, resolution, now);

  const recomputed = [...recompute];
  if (recomputed.length > 0) {
    await updateDetails(
      q,
      shopId,
      recomputed.map((id) => [id, details.get(id)!] as const),
    );
    for (let n = 0; n < recomputed.length; n += RECOMPUTE_CHUNK)
      await recomputeProfiles(q, shopId, recomputed.slice(n, n + RECOMPUTE_CHUNK), settings, now);
  }
  // Created profiles merged into a stored one got their tombstone from mergeProfiles.
  await recordNewProfiles(
    q,
    shopId,
    created.map((c) => c.profileId).filter((id) => finalOf(id) === id && !recompute.has(id)),
    now,
  );
  return { profilesWritten: created.length, candidates };
}

/**
 * Each profile's names, address and first-seen time as the per-event path leaves them: a customer record
 * overwrites what it carries, a merge keeps the survivor's values and fills its gaps from the merged one.
 * Only for profiles that existed or that more than one event of the batch touched: the others are just
 * their creating event, and a million-entry map of them would cost more than the rest of the fold.
 */
function foldDetails(input: {
  events: readonly CustomerEvent[];
  resolution: BatchResolution;
  owners: readonly ExistingOwner[];
}): Map<string, Folded> {
  const { events, resolution } = input;
  const touchedAgain = new Set<string>();
  for (const o of resolution.events) if (o.replay || o.decision !== "create") touchedAgain.add(o.resolvedProfileId);
  for (const m of resolution.merges) for (const id of [m.survivorId, ...m.mergedIds]) touchedAgain.add(id);
  const details = new Map<string, Folded>();
  for (const o of input.owners) details.set(o.profile.profileId, { ...o.details, lastEventAt: null });
  const mergeBy = new Map(resolution.merges.map((m) => [m.eventId, m]));
  for (let n = 0; n < events.length; n++) {
    const event = events[n]!;
    const outcome = resolution.events[n]!;
    const target = outcome.resolvedProfileId;
    if (!touchedAgain.has(target) && !details.has(target)) continue;
    if (!outcome.replay && outcome.decision === "create") {
      details.set(target, { ...NO_DETAILS, firstSeenAt: event.at, lastEventAt: null });
    }
    const merge = !outcome.replay && outcome.decision === "merge" ? mergeBy.get(event.id) : undefined;
    const d = details.get(target)!;
    for (const mergedId of merge?.mergedIds ?? []) {
      const m = details.get(mergedId)!;
      d.firstName ??= m.firstName;
      d.lastName ??= m.lastName;
      d.postcode ??= m.postcode;
      d.address1 ??= m.address1;
      d.address2 ??= m.address2;
      d.city ??= m.city;
      d.birthday ??= m.birthday;
      if (m.firstSeenAt < d.firstSeenAt) d.firstSeenAt = m.firstSeenAt;
      if (m.lastEventAt && (!d.lastEventAt || m.lastEventAt > d.lastEventAt)) d.lastEventAt = m.lastEventAt;
    }
    d.firstName = event.firstName ?? d.firstName;
    d.lastName = event.lastName ?? d.lastName;
    d.postcode = event.postcode ?? d.postcode;
    d.address1 = event.address1 ?? d.address1;
    d.address2 = event.address2 ?? d.address2;
    d.city = event.city ?? d.city;
    d.birthday = event.birthday ?? d.birthday;
    if (!outcome.replay && (!d.lastEventAt || event.at > d.lastEventAt)) d.lastEventAt = event.at;
  }
  return details;
}

async function insertCandidates(q: Queryable, shopId: string, resolution: BatchResolution, now: Date): Promise<number> {
  if (resolution.candidates.length === 0) return 0;
  await q.execute(sql`DROP TABLE IF EXISTS backfill_candidates`);
  await q.execute(
    sql`CREATE TEMP TABLE backfill_candidates (id text, profile_id text, other_profile_id text, reason text,
      evidence jsonb) ON COMMIT DROP`,
  );
  await bulkInsert(
    q,
    "backfill_candidates",
    [text("id"), text("profile_id"), text("other_profile_id"), text("reason"), { name: "evidence", type: "jsonb" }],
    resolution.candidates.map((c) => {
      const [a, b] = c.profileId < c.otherProfileId ? [c.profileId, c.otherProfileId] : [c.otherProfileId, c.profileId];
      return [crypto.randomUUID(), a, b, c.reason, c.evidence];
    }),
  );
  const [row] = await queryRows<{ n: number | string }>(
    q,
    sql`WITH added AS (
          INSERT INTO merge_candidates (shop_id, id, profile_id, other_profile_id, kind, reason, evidence, score,
            created_at)
          SELECT ${shopId}, id, profile_id, other_profile_id, 'conflict', reason, evidence, NULL, ${now}
            FROM backfill_candidates
          ON CONFLICT (shop_id, profile_id, other_profile_id) DO NOTHING RETURNING 1)
        SELECT count(*) AS n FROM added`,
  );
  return Number(row?.n ?? 0);
}

async function updateDetails(
  q: Queryable,
  shopId: string,
  rows: readonly (readonly [string, ProfileDetails])[],
): Promise<void> {
  await q.execute(sql`DROP TABLE IF EXISTS backfill_details`);
  await q.execute(sql`CREATE TEMP TABLE backfill_details (id text, first_name text, last_name text, postcode text,
    address1 text, address2 text, city text, birthday text, first_seen_at timestamptz) ON COMMIT DROP`);
  await bulkInsert(
    q,
    "backfill_details",
    [text("id"), ...DETAIL_COLUMNS],
    rows.map(([id, d]) => [id, ...detailValues(d)]),
  );
  await q.execute(sql`UPDATE profiles p SET first_name = d.first_name, last_name = d.last_name, postcode = d.postcode,
      address1 = d.address1, address2 = d.address2, city = d.city, birthday = d.birthday,
      first_seen_at = d.first_seen_at
    FROM backfill_details d WHERE p.shop_id = ${shopId} AND p.id = d.id`);
}

/** The change feed for profiles the backfill created: one version each from `shops.change_version`, bulk-written. */
async function recordNewProfiles(
  q: Queryable,
  shopId: string,
  profileIds: readonly string[],
  now: Date,
): Promise<void> {
  if (profileIds.length === 0) return;
  const [row] = await queryRows<{ base: number | string }>(
    q,
    sql`UPDATE shops SET change_version = change_version + ${profileIds.length} WHERE shop_id = ${shopId}
        RETURNING change_version - ${profileIds.length} AS base`,
  );
  const base = Number(row!.base);
  await bulkInsert(
    q,
    "profile_changes",
    [text("shop_id"), code("profile_id"), { name: "version", type: "bigint" }, code("kind"), time("changed_at")],
    profileIds.map((id, n) => [shopId, id, base + n + 1, "upsert", now]),
  );
}
