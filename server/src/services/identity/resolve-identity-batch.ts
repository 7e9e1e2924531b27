import { resolveIdentityBatch, type BatchResolution, type Identifier } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { loadOwners, resolveEventIdentity, type IdentityEvent } from "./resolve-identity";
import type { ShopContext } from "../shop/shop";

/** The names and address a Shopify customer record is the authority for (its default address). */
export interface CustomerDetails {
  firstName: string | null;
  lastName: string | null;
  postcode: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
}

/** A customer record's names and address, as a webhook and a backfill both read them. */
export const customerDetails = (customer: {
  first_name: string | null;
  last_name: string | null;
  default_address?: {
    zip: string | null;
    address1: string | null;
    address2?: string | null;
    city?: string | null;
  } | null;
}): CustomerDetails => ({
  firstName: customer.first_name,
  lastName: customer.last_name,
  postcode: customer.default_address?.zip ?? null,
  address1: customer.default_address?.address1 ?? null,
  address2: customer.default_address?.address2 ?? null,
  city: customer.default_address?.city ?? null,
});

/** An identity event with, for a Shopify customer record, the fields that record is the authority for. */
export interface BatchedIdentityEvent extends IdentityEvent {
  authoritative?: CustomerDetails;
}

export interface BatchedIdentityResult {
  /** Per event, in the given order: the profile it finally belongs to, or null when it carried no identifiers. */
  profileOf: (string | null)[];
  /** Profiles merged away while the batch ran, with the profile each finally belongs to. */
  survivorOf: Map<string, string>;
}

/**
 * Resolves many events exactly as one at a time would, in a handful of statements: owners are read once,
 * the shared batch rule decides in memory, and profiles, identifiers, names, candidates and the event
 * journal are written set-based. A merge of stored profiles needs the merge journal and its snapshots, so
 * the event that causes one goes through the per-event path and the rest of the batch resumes after it.
 * The caller holds the shop lock.
 */
export async function resolveIdentitiesInBatch(
  q: Queryable,
  shop: ShopContext,
  events: readonly BatchedIdentityEvent[],
  now: Date,
): Promise<BatchedIdentityResult> {
  const profileOf: (string | null)[] = new Array(events.length).fill(null);
  const survivorOf = new Map<string, string>();
  const follow = (id: string) => {
    let at = id;
    for (let hops = 0; survivorOf.has(at) && hops < 10_000; hops++) at = survivorOf.get(at)!;
    return at;
  };
  // An event without identifiers resolves to nothing, as in the per-event path.
  const positions = events.flatMap((e, i) => (e.identifiers.length > 0 ? [i] : []));
  let start = 0;
  while (start < positions.length) {
    const segment = positions.slice(start).map((i) => events[i]!);
    const resolution = await decide(q, shop, segment, now);
    const firstMerge = resolution.events.findIndex((e) => e.decision === "merge");
    const clean = firstMerge === -1 ? segment.length : firstMerge;
    if (clean > 0) {
      // Decided again without the merge: later merges would otherwise show in the head's final profiles.
      const head = clean === segment.length ? resolution : await decide(q, shop, segment.slice(0, clean), now);
      await writeResolution(q, shop, segment.slice(0, clean), head, now);
      head.events.forEach((e, i) => (profileOf[positions[start + i]!] = e.profileId));
    }
    if (clean < segment.length) {
      const event = segment[clean]!;
      const merged = await resolveEventIdentity(q, shop, event, now);
      if (merged) {
        for (const away of merged.mergedAway) survivorOf.set(away, merged.profileId);
        await applyAuthoritative(q, shop.shopId, [{ profileId: merged.profileId, event }]);
        profileOf[positions[start + clean]!] = merged.profileId;
      }
    }
    start += clean + 1;
  }
  return { profileOf: profileOf.map((p) => (p ? follow(p) : null)), survivorOf };
}

/** Each occurrence gets its own key: a repeated event re-resolves (and may attach more), as the per-event path does. */
const occurrenceId = (i: number) => `#${i}`;

async function decide(
  q: Queryable,
  shop: ShopContext,
  events: readonly BatchedIdentityEvent[],
  now: Date,
): Promise<BatchResolution> {
  const seen = events.flatMap((e) => e.identifiers);
  const owners = await loadOwners(q, shop.shopId, dedupe(seen));
  return resolveIdentityBatch(
    events.map((e, i) => ({ id: occurrenceId(i), identifiers: e.identifiers, at: e.at, source: e.source })),
    owners,
    { limits: shop.settings.identityLimits, newProfileId: () => crypto.randomUUID(), createdAt: () => now },
  );
}

async function writeResolution(
  q: Queryable,
  shop: ShopContext,
  events: readonly BatchedIdentityEvent[],
  r: BatchResolution,
  now: Date,
) {
  const { shopId } = shop;
  const eventAt = (occurrence: string) => events[Number(occurrence.slice(1))]!;
  if (r.created.length > 0) {
    const rows = r.created.map((c) => ({ id: c.profileId, first_seen_at: c.firstSeenAt }));
    await q.execute(sql`INSERT INTO profiles (shop_id, id, first_seen_at, created_at, updated_at)
      SELECT ${shopId}, x.id, x.first_seen_at, ${now}, ${now}
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(id text, first_seen_at timestamptz)`);
  }
  if (r.attached.length > 0) {
    const rows = r.attached.map((a) => {
      const event = eventAt(a.eventId);
      return {
        kind: a.identifier.kind,
        value: a.identifier.value,
        profile_id: a.profileId,
        source: event.source,
        event_id: event.id,
        linked_at: event.at,
      };
    });
    await q.execute(sql`INSERT INTO identifiers (shop_id, kind, value, profile_id, source, event_id, linked_at)
      SELECT ${shopId}, x.* FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
        kind text, value text, profile_id text, source text, event_id text, linked_at timestamptz)
      ON CONFLICT (shop_id, kind, value) DO NOTHING`);
  }
  if (r.candidates.length > 0) {
    const rows = r.candidates.map((c) => {
      const [a, b] = c.profileId < c.otherProfileId ? [c.profileId, c.otherProfileId] : [c.otherProfileId, c.profileId];
      return { id: crypto.randomUUID(), profile_id: a, other_profile_id: b, reason: c.reason, evidence: c.evidence };
    });
    await q.execute(sql`INSERT INTO merge_candidates (shop_id, id, profile_id, other_profile_id, kind, reason,
      evidence, score, created_at)
      SELECT ${shopId}, x.id, x.profile_id, x.other_profile_id, 'conflict', x.reason, x.evidence, NULL, ${now}
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(id text, profile_id text, other_profile_id text,
        reason text, evidence jsonb)
      ON CONFLICT (shop_id, profile_id, other_profile_id) DO NOTHING`);
  }
  const withProfile = r.events.map((outcome, i) => ({ profileId: outcome.profileId, event: events[i]! }));
  await applyNames(q, shopId, withProfile);
  await journalEvents(q, shopId, withProfile);
}

/**
 * Names from orders and visits only fill gaps; a Shopify customer record overrides what it carries.
 * Folded per profile in event order, so the one statement leaves what the events one by one would.
 */
async function applyNames(q: Queryable, shopId: string, landed: { profileId: string; event: BatchedIdentityEvent }[]) {
  type Field = { set: boolean; value: string | null };
  const fields = ["firstName", "lastName", "postcode", "address1", "address2", "city"] as const;
  const state = new Map<string, Record<(typeof fields)[number], Field>>();
  for (const { profileId, event } of landed) {
    if (!event.names && !event.authoritative) continue;
    let s = state.get(profileId);
    if (!s) {
      const unset = fields.map((f) => [f, { set: false, value: null }]);
      s = Object.fromEntries(unset) as Record<(typeof fields)[number], Field>;
      state.set(profileId, s);
    }
    for (const f of ["firstName", "lastName"] as const) {
      const gap = event.names?.[f] ?? null;
      if (gap !== null && s[f].value === null) s[f].value = gap; // fill: stored ?? fallback (or value ?? gap)
    }
    for (const f of fields) {
      const authority = event.authoritative?.[f] ?? null;
      if (authority !== null) s[f] = { set: true, value: authority };
    }
  }
  if (state.size === 0) return;
  const rows = [...state].map(([id, s]) => ({
    id,
    ...Object.fromEntries(
      fields.flatMap((f) => [
        [`${f}_set`, s[f].set],
        [f, s[f].value],
      ]),
    ),
  }));
  await q.execute(sql`UPDATE profiles p SET
      first_name = CASE WHEN x."firstName_set" THEN x."firstName" ELSE coalesce(p.first_name, x."firstName") END,
      last_name = CASE WHEN x."lastName_set" THEN x."lastName" ELSE coalesce(p.last_name, x."lastName") END,
      postcode = CASE WHEN x.postcode_set THEN x.postcode ELSE p.postcode END,
      address1 = CASE WHEN x.address1_set THEN x.address1 ELSE p.address1 END,
      address2 = CASE WHEN x.address2_set THEN x.address2 ELSE p.address2 END,
      city = CASE WHEN x.city_set THEN x.city ELSE p.city END
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
      id text, "firstName_set" boolean, "firstName" text, "lastName_set" boolean, "lastName" text,
      postcode_set boolean, postcode text, address1_set boolean, address1 text, address2_set boolean, address2 text,
      city_set boolean, city text)
    WHERE p.shop_id = ${shopId} AND p.id = x.id`);
}

/** What a single merge-causing event's customer record says, applied after its per-event resolution. */
async function applyAuthoritative(
  q: Queryable,
  shopId: string,
  landed: { profileId: string; event: BatchedIdentityEvent }[],
) {
  await applyNames(
    q,
    shopId,
    landed.map(({ profileId, event }) => ({ profileId, event: { ...event, names: undefined } })),
  );
}

/** The first time an event is seen it is journalled with the profile it landed on; a replay keeps its row. */
async function journalEvents(
  q: Queryable,
  shopId: string,
  landed: { profileId: string; event: BatchedIdentityEvent }[],
) {
  const first = new Map<string, { profileId: string; event: BatchedIdentityEvent }>();
  for (const l of landed) if (!first.has(l.event.id)) first.set(l.event.id, l);
  if (first.size === 0) return;
  const rows = [...first.values()].map(({ profileId, event }) => ({
    id: event.id,
    source: event.source,
    identifiers: event.identifiers,
    profile_id: profileId,
    at: event.at,
  }));
  await q.execute(sql`INSERT INTO identity_events (shop_id, id, source, identifiers, profile_id, at)
    SELECT ${shopId}, x.* FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(id text, source text,
      identifiers jsonb, profile_id text, at timestamptz)
    ON CONFLICT (shop_id, id) DO NOTHING`);
}

function dedupe(ids: Identifier[]): Identifier[] {
  const seen = new Map<string, Identifier>();
  for (const i of ids) seen.set(`${i.kind}:${i.value}`, i);
  return [...seen.values()];
}
