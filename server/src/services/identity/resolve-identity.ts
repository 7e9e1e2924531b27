import {
  identifierStrength,
  resolveIdentity,
  type Identifier,
  type OwnedProfile,
  type ResolutionDecision,
} from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows, type RawRow } from "../../db/rows";
import type * as tables from "../../db/schema";
import { mergeProfiles } from "./merge";
import { sqlTextArray } from "../../db/sql-arrays";
import type { ShopContext } from "../shop/shop";

export interface IdentityEvent {
  /** Unique per shop, e.g. `order:123`, `visit:<uuid>`, `identify:<uuid>`. Re-running the same event is a no-op. */
  id: string;
  source: "order" | "customer" | "visit" | "capture" | "identify" | "consent" | "web";
  identifiers: Identifier[];
  at: Date;
  names?: { firstName?: string | null; lastName?: string | null };
}

export interface Resolution {
  profileId: string;
  decision: ResolutionDecision["kind"] | "replay";
  /** Profiles merged away by this event (the caller's events move with them). */
  mergedAway: string[];
}

/**
 * Runs identity resolution for one event inside the caller's transaction (the caller holds the shop
 * lock): loads the profiles that own what the event saw, asks the core what to do, and writes it.
 */
export async function resolveEventIdentity(
  q: Queryable,
  shop: ShopContext,
  event: IdentityEvent,
  now: Date,
): Promise<Resolution | null> {
  const { shopId } = shop;
  if (event.identifiers.length === 0) return null;
  const [replayed] = await queryRows<RawRow<typeof tables.identityEvents, "profile_id">>(
    q,
    sql`SELECT profile_id FROM identity_events WHERE shop_id = ${shopId} AND id = ${event.id}`,
  );

  const owners = await loadOwners(q, shopId, event.identifiers);
  const decision = resolveIdentity({ seen: event.identifiers, owners, limits: shop.settings.identityLimits });

  let profileId = "";
  const mergedAway: string[] = [];
  switch (decision.kind) {
    case "create": {
      profileId = crypto.randomUUID();
      await q.execute(sql`INSERT INTO profiles (shop_id, id, first_seen_at, created_at, updated_at)
        VALUES (${shopId}, ${profileId}, ${event.at}, ${now}, ${now})`);
      for (const c of decision.candidates)
        await proposeCandidate(q, shopId, { ...c, profileId, kind: "conflict", score: null }, now);
      break;
    }
    case "link":
      profileId = decision.profileId;
      break;
    case "merge": {
      profileId = decision.survivorId;
      for (const mergedId of decision.mergedIds) {
        await mergeProfiles(q, shop, {
          survivorId: decision.survivorId,
          mergedId,
          evidence: decision.evidence,
          eventId: event.id,
          reason: decision.reason,
          auto: true,
          decidedBy: null,
          now,
        });
        mergedAway.push(mergedId);
      }
      for (const c of decision.candidates)
        await proposeCandidate(q, shopId, { ...c, kind: "conflict", score: null }, now);
      break;
    }
    case "candidate": {
      profileId = decision.profileId;
      for (const c of decision.candidates)
        await proposeCandidate(q, shopId, { ...c, kind: "conflict", score: null }, now);
      break;
    }
  }
  await attachIdentifiers(q, shopId, profileId, decision.attach, event);
  if (event.names) await fillNames(q, shopId, profileId, event.names);
  if (!replayed) {
    await q.execute(sql`INSERT INTO identity_events (shop_id, id, source, identifiers, profile_id, at)
      VALUES (${shopId}, ${event.id}, ${event.source}, ${JSON.stringify(event.identifiers)}::jsonb, ${profileId},
        ${event.at})
      ON CONFLICT (shop_id, id) DO UPDATE SET profile_id = excluded.profile_id`);
  }
  return { profileId, decision: replayed && decision.kind === "link" ? "replay" : decision.kind, mergedAway };
}

export async function loadOwners(q: Queryable, shopId: string, seen: Identifier[]): Promise<OwnedProfile[]> {
  if (seen.length === 0) return [];
  // Each seen identifier is one probe of the (shop_id, kind, value) primary key, however many a batch sees.
  const rows = await queryRows<{
    profile_id: string;
    created_at: Date | string;
    kind: Identifier["kind"];
    value: string;
  }>(
    q,
    sql`SELECT i.profile_id, p.created_at, i.kind, i.value
        FROM identifiers i JOIN profiles p ON p.shop_id = i.shop_id AND p.id = i.profile_id
        WHERE i.shop_id = ${shopId} AND i.profile_id IN (
          SELECT x.profile_id FROM unnest(${sqlTextArray(seen.map((i) => i.kind))},
            ${sqlTextArray(seen.map((i) => i.value))}) AS s(kind, value)
          JOIN identifiers x ON x.shop_id = ${shopId} AND x.kind = s.kind AND x.value = s.value)`,
  );
  const byProfile = new Map<string, OwnedProfile>();
  for (const r of rows) {
    let owner = byProfile.get(r.profile_id);
    if (!owner) {
      owner = { profileId: r.profile_id, createdAt: new Date(r.created_at), identifiers: [] };
      byProfile.set(r.profile_id, owner);
    }
    owner.identifiers.push({ kind: r.kind, value: r.value });
  }
  return [...byProfile.values()];
}

async function attachIdentifiers(
  q: Queryable,
  shopId: string,
  profileId: string,
  attach: Identifier[],
  event: IdentityEvent,
) {
  if (attach.length === 0) return;
  await q.execute(
    sql`INSERT INTO identifiers (shop_id, kind, value, profile_id, source, event_id, linked_at) VALUES ${sql.join(
      attach.map(
        (i) => sql`(${shopId}, ${i.kind}, ${i.value}, ${profileId}, ${event.source}, ${event.id}, ${event.at})`,
      ),
      sql`, `,
    )} ON CONFLICT (shop_id, kind, value) DO NOTHING`,
  );
}

/** Names fill gaps only; a clerk's or the customer's later edit goes through the field rules. */
async function fillNames(
  q: Queryable,
  shopId: string,
  profileId: string,
  names: { firstName?: string | null; lastName?: string | null },
) {
  await q.execute(sql`UPDATE profiles SET
      first_name = coalesce(first_name, ${names.firstName ?? null}),
      last_name = coalesce(last_name, ${names.lastName ?? null})
    WHERE shop_id = ${shopId} AND id = ${profileId}`);
}

export async function proposeCandidate(
  q: Queryable,
  shopId: string,
  c: {
    profileId: string;
    otherProfileId: string;
    reason: string;
    evidence: unknown;
    kind: "conflict" | "probabilistic";
    score: number | null;
  },
  now: Date,
): Promise<void> {
  const [a, b] = c.profileId < c.otherProfileId ? [c.profileId, c.otherProfileId] : [c.otherProfileId, c.profileId];
  await q.execute(sql`INSERT INTO merge_candidates (shop_id, id, profile_id, other_profile_id, kind, reason, evidence,
    score, created_at)
    VALUES (${shopId}, ${crypto.randomUUID()}, ${a}, ${b}, ${c.kind}, ${c.reason},
      ${JSON.stringify(c.evidence)}::jsonb, ${c.score}, ${now})
    ON CONFLICT (shop_id, profile_id, other_profile_id) DO NOTHING`);
}

/** The identifier that decides where an event lands: its strongest. */
export const strongest = (ids: Identifier[]): Identifier | undefined =>
  [...ids].sort((a, b) => identifierStrength(b.kind) - identifierStrength(a.kind))[0];
