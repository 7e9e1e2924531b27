import {
  identifierStrength,
  ADDRESS_DETAIL_FIELDS,
  MERGED_FIELDS,
  survivorFieldsAfterUndo,
  type Identifier,
  type MergedField,
} from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows, jsonOf, type RawRow } from "../../db/rows";
import type * as tables from "../../db/schema";
import { HttpError, notFound } from "../../http/errors";
import { NO_CONSENT_FLAGS, refreshConsentFlags } from "../consent/consent-flags";
import { recomputeProfile } from "../profile/recompute-profile";
import { sqlTextArray } from "../../db/sql-arrays";
import { recordProfileChange, type ShopContext } from "../shop/shop";

/**
 * Tables whose rows belong to a profile, with the column that names the row. Merges move them; undo moves them back.
 */
const PROFILE_EVENT_TABLES = [
  { table: "orders", key: "order_id" },
  { table: "visits", key: "id" },
  { table: "consents", key: "id" },
  { table: "messages", key: "id" },
  { table: "message_events", key: "id" },
  { table: "loyalty_ledger", key: "entry_key" },
  { table: "identity_events", key: "id" },
  { table: "redemptions", key: "id" },
] as const;

interface Snapshot {
  survivor: Record<string, unknown>;
  merged: Record<string, unknown>;
  survivorIdentifiers: Record<string, unknown>[];
  mergedIdentifiers: Record<string, unknown>[];
  mergedEvents: Record<string, string[]>;
  survivorEvents: Record<string, string[]>;
}

export async function mergeProfiles(
  q: Queryable,
  shop: ShopContext,
  m: {
    survivorId: string;
    mergedId: string;
    evidence: Identifier[];
    eventId: string | null;
    reason: string;
    auto: boolean;
    decidedBy: string | null;
    now: Date;
  },
): Promise<string> {
  const { shopId } = shop;
  const snapshot: Snapshot = {
    survivor: await profileRow(q, shopId, m.survivorId),
    merged: await profileRow(q, shopId, m.mergedId),
    survivorIdentifiers: await identifierRows(q, shopId, m.survivorId),
    mergedIdentifiers: await identifierRows(q, shopId, m.mergedId),
    mergedEvents: await eventKeys(q, shopId, m.mergedId),
    survivorEvents: await eventKeys(q, shopId, m.survivorId),
  };
  for (const { table } of PROFILE_EVENT_TABLES) {
    await q.execute(
      sql`UPDATE ${sql.identifier(table)} SET profile_id = ${m.survivorId} WHERE shop_id = ${shopId}
        AND profile_id = ${m.mergedId}`,
    );
  }
  await q.execute(
    sql`UPDATE identifiers SET profile_id = ${m.survivorId} WHERE shop_id = ${shopId} AND profile_id = ${m.mergedId}`,
  );
  await q.execute(sql`UPDATE profiles s SET
      first_name = coalesce(s.first_name, o.first_name), last_name = coalesce(s.last_name, o.last_name),
      birthday = coalesce(s.birthday, o.birthday), postcode = coalesce(s.postcode, o.postcode),
      address1 = coalesce(s.address1, o.address1), address2 = coalesce(s.address2, o.address2),
      city = coalesce(s.city, o.city), time_zone = coalesce(s.time_zone, o.time_zone),
      note = coalesce(s.note, o.note), first_seen_at = least(s.first_seen_at, o.first_seen_at)
    FROM profiles o WHERE s.shop_id = ${shopId} AND s.id = ${m.survivorId} AND o.shop_id = ${shopId}
      AND o.id = ${m.mergedId}`);
  await q.execute(sql`UPDATE profiles SET status = 'merged', merged_into = ${m.survivorId}, updated_at = ${m.now}
    WHERE shop_id = ${shopId} AND id = ${m.mergedId}`);
  // Profiles merged into the one now going away follow it, so a redirect never points at a dead end.
  await q.execute(
    sql`UPDATE profiles SET merged_into = ${m.survivorId} WHERE shop_id = ${shopId} AND merged_into = ${m.mergedId}`,
  );
  await q.execute(sql`UPDATE merge_candidates SET status = 'merged', decided_at = ${m.now}, decided_by = ${m.decidedBy}
    WHERE shop_id = ${shopId} AND status = 'open'
      AND ((profile_id = ${m.survivorId} AND other_profile_id = ${m.mergedId}) OR (profile_id = ${m.mergedId}
        AND other_profile_id = ${m.survivorId}))`);
  const id = crypto.randomUUID();
  await q.execute(sql`INSERT INTO merges (shop_id, id, survivor_id, merged_id, evidence, event_id, reason, auto,
    decided_by, snapshot, created_at)
    VALUES (${shopId}, ${id}, ${m.survivorId}, ${m.mergedId}, ${JSON.stringify(m.evidence)}::jsonb, ${m.eventId},
      ${m.reason},
            ${m.auto}, ${m.decidedBy}, ${JSON.stringify(snapshot)}::jsonb, ${m.now})`);
  // The merged profile's consents are the survivor's now.
  await refreshConsentFlags(q, shopId, [m.survivorId, m.mergedId]);
  await recomputeProfile(q, shopId, m.survivorId, shop.settings, m.now);
  await recordProfileChange(q, shopId, m.mergedId, "tombstone");
  return id;
}

/**
 * Undoes a merge inside the shop's window: the merged-away profile comes back as the snapshot holds it,
 * the survivor gets back what it held except fields written since the merge (last write wins: a later
 * surname, address or tablet note is newer than the snapshot), and events that arrived since are
 * re-attributed by their strongest identifier.
 */
export async function undoMerge(
  q: Queryable,
  shop: ShopContext,
  mergeId: string,
  now: Date,
): Promise<{ survivorId: string; restoredId: string }> {
  const { shopId } = shop;
  const [merge] = await queryRows<
    RawRow<typeof tables.merges, "survivor_id" | "merged_id" | "snapshot" | "created_at" | "undone_at">
  >(
    q,
    sql`SELECT survivor_id, merged_id, snapshot, created_at, undone_at FROM merges WHERE shop_id = ${shopId}
      AND id = ${mergeId} FOR UPDATE`,
  );
  if (!merge) throw notFound(`merge ${mergeId}`);
  if (merge.undone_at) throw new HttpError(409, "already_undone", "this merge was already undone");
  const ageMs = now.getTime() - new Date(merge.created_at).getTime();
  const windowDays = shop.settings.undoWindowDays;
  if (ageMs > windowDays * 86_400_000) {
    throw new HttpError(
      409,
      "undo_window_closed",
      `merges can be undone for ${windowDays} days; this one is ${Math.floor(ageMs / 86_400_000)} days old`,
    );
  }
  const [survivor] = await queryRows<RawRow<typeof tables.profiles, "status">>(
    q,
    sql`SELECT status FROM profiles WHERE shop_id = ${shopId} AND id = ${merge.survivor_id}`,
  );
  if (survivor?.status !== "active") {
    throw new HttpError(409, "survivor_changed", "the surviving profile was merged or erased since; undo that first");
  }
  const snap = jsonOf<Snapshot>(merge.snapshot);
  const survivorId = merge.survivor_id;
  const restoredId = merge.merged_id;

  await restoreSurvivorFields(q, shopId, survivorId, snap, new Date(merge.created_at));
  // Nothing writes to a merged-away profile, so its snapshot is still its latest state.
  await q.execute(sql`DELETE FROM profiles WHERE shop_id = ${shopId} AND id = ${restoredId}`);
  const restored = JSON.stringify({ ...NO_CONSENT_FLAGS, ...snap.merged });
  await q.execute(sql`INSERT INTO profiles SELECT * FROM jsonb_populate_record(NULL::profiles, ${restored}::jsonb)`);
  for (const row of snap.mergedIdentifiers) {
    await q.execute(sql`UPDATE identifiers SET profile_id = ${restoredId}
      WHERE shop_id = ${shopId} AND kind = ${row.kind as string} AND value = ${row.value as string}`);
  }
  for (const { table, key } of PROFILE_EVENT_TABLES) {
    const keys = snap.mergedEvents[table] ?? [];
    for (const k of keys) {
      await q.execute(
        sql`UPDATE ${sql.identifier(table)} SET profile_id = ${restoredId} WHERE shop_id = ${shopId}
          AND ${sql.identifier(key)} = ${k}`,
      );
    }
  }
  await reattributeEventsSince(q, shopId, survivorId, restoredId, snap);
  await q.execute(sql`UPDATE merges SET undone_at = ${now} WHERE shop_id = ${shopId} AND id = ${mergeId}`);
  // The pair's duplicate suggestion comes back with them, as it was before the merge decided it.
  await q.execute(sql`UPDATE merge_candidates SET status = 'open', decided_at = NULL, decided_by = NULL
    WHERE shop_id = ${shopId} AND status = 'merged'
      AND ((profile_id = ${survivorId} AND other_profile_id = ${restoredId}) OR (profile_id = ${restoredId}
        AND other_profile_id = ${survivorId}))`);
  // Consents given since the merge stay with the survivor; the snapshot's flags are from merge time.
  await refreshConsentFlags(q, shopId, [survivorId, restoredId]);
  await recomputeProfile(q, shopId, survivorId, shop.settings, now);
  await recomputeProfile(q, shopId, restoredId, shop.settings, now);
  return { survivorId, restoredId };
}

type FieldValues = Partial<Record<MergedField, string | null>>;
const timesOf = (row: Record<string, unknown>): Record<string, string> =>
  jsonOf<Record<string, string> | null>(row.field_times) ?? {};

/** The survivor's fields per shared survivorFieldsAfterUndo; its first-seen time as before the merge. */
const RESTORED_FIELDS = [...MERGED_FIELDS, ...ADDRESS_DETAIL_FIELDS];

async function restoreSurvivorFields(q: Queryable, shopId: string, survivorId: string, snap: Snapshot, mergedAt: Date) {
  const current = await profileRow(q, shopId, survivorId);
  const { values, times } = survivorFieldsAfterUndo(
    {
      survivorBefore: snap.survivor as FieldValues,
      mergedBefore: snap.merged as FieldValues,
      survivorBeforeTimes: timesOf(snap.survivor),
      current: current as FieldValues,
      currentTimes: timesOf(current),
      mergedAt,
    },
    RESTORED_FIELDS,
  );
  const columns = sql.join(
    RESTORED_FIELDS.map((f) => sql`${sql.identifier(f)} = x.${sql.identifier(f)}`),
    sql`, `,
  );
  const shape = sql.join(
    RESTORED_FIELDS.map((f) => sql`${sql.identifier(f)} text`),
    sql`, `,
  );
  await q.execute(sql`UPDATE profiles p SET ${columns}, field_times = ${JSON.stringify(times)}::jsonb,
      first_seen_at = ${new Date(snap.survivor.first_seen_at as string)}
    FROM jsonb_to_record(${JSON.stringify(values)}::jsonb) AS x(${shape})
    WHERE p.shop_id = ${shopId} AND p.id = ${survivorId}`);
}

/** Events on the survivor that neither profile had at merge time go where their strongest identifier now lives. */
async function reattributeEventsSince(
  q: Queryable,
  shopId: string,
  survivorId: string,
  restoredId: string,
  snap: Snapshot,
) {
  const known = new Set([...(snap.survivorEvents.identity_events ?? []), ...(snap.mergedEvents.identity_events ?? [])]);
  const events = await queryRows<RawRow<typeof tables.identityEvents, "id" | "identifiers">>(
    q,
    sql`SELECT id, identifiers FROM identity_events WHERE shop_id = ${shopId} AND profile_id = ${survivorId}`,
  );
  const survivorKeys = new Set(snap.survivorIdentifiers.map((r) => `${r.kind}:${r.value}`));
  for (const e of events) {
    if (known.has(e.id)) continue;
    const ids = jsonOf<Identifier[]>(e.identifiers);
    const best = [...ids].sort((a, b) => identifierStrength(b.kind) - identifierStrength(a.kind))[0];
    if (!best) continue;
    // Identifiers this event introduced go with it, unless the survivor held them before the merge.
    const [owner] = await queryRows<RawRow<typeof tables.identifiers, "profile_id">>(
      q,
      sql`SELECT profile_id FROM identifiers WHERE shop_id = ${shopId} AND kind = ${best.kind}
        AND value = ${best.value}`,
    );
    const introducedByEvent = !survivorKeys.has(`${best.kind}:${best.value}`);
    if (owner?.profile_id !== restoredId && !(introducedByEvent && belongsToRestored(ids, snap))) continue;
    await moveEvent(q, shopId, e.id, restoredId);
    await q.execute(sql`UPDATE identifiers SET profile_id = ${restoredId} WHERE shop_id = ${shopId}
      AND event_id = ${e.id} AND profile_id = ${survivorId}
      AND NOT ((kind || ':' || value) = ANY(${sqlTextArray([...survivorKeys])}))`);
  }
}

/** An event whose other identifiers were the merged profile's belongs to it. */
function belongsToRestored(ids: Identifier[], snap: Snapshot): boolean {
  const restoredKeys = new Set(snap.mergedIdentifiers.map((r) => `${r.kind}:${r.value}`));
  return ids.some((i) => restoredKeys.has(`${i.kind}:${i.value}`));
}

async function moveEvent(q: Queryable, shopId: string, eventId: string, profileId: string) {
  await q.execute(
    sql`UPDATE identity_events SET profile_id = ${profileId} WHERE shop_id = ${shopId} AND id = ${eventId}`,
  );
  const [kind, ref] = splitEventId(eventId);
  if (kind === "order") {
    await q.execute(sql`UPDATE orders SET profile_id = ${profileId} WHERE shop_id = ${shopId} AND order_id = ${ref}`);
    await q.execute(
      sql`UPDATE loyalty_ledger SET profile_id = ${profileId} WHERE shop_id = ${shopId} AND order_id = ${ref}`,
    );
  } else if (kind === "visit") {
    await q.execute(sql`UPDATE visits SET profile_id = ${profileId} WHERE shop_id = ${shopId} AND id = ${ref}`);
  }
}

const splitEventId = (id: string): [string, string] => {
  const i = id.indexOf(":");
  return i < 0 ? [id, ""] : [id.slice(0, i), id.slice(i + 1)];
};

async function profileRow(q: Queryable, shopId: string, id: string): Promise<Record<string, unknown>> {
  const [row] = await queryRows<{ row: Record<string, unknown> | string }>(
    q,
    sql`SELECT to_jsonb(p) AS row FROM profiles p WHERE shop_id = ${shopId} AND id = ${id}`,
  );
  if (!row) throw notFound(`profile ${id}`);
  return jsonOf(row.row);
}

async function identifierRows(q: Queryable, shopId: string, profileId: string) {
  const rows = await queryRows<{ row: Record<string, unknown> | string }>(
    q,
    sql`SELECT to_jsonb(i) AS row FROM identifiers i WHERE shop_id = ${shopId} AND profile_id = ${profileId}`,
  );
  return rows.map((r) => jsonOf<Record<string, unknown>>(r.row));
}

async function eventKeys(q: Queryable, shopId: string, profileId: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const { table, key } of PROFILE_EVENT_TABLES) {
    const rows = await queryRows<{ k: string }>(
      q,
      sql`SELECT ${sql.identifier(key)} AS k FROM ${sql.identifier(table)} WHERE shop_id = ${shopId}
        AND profile_id = ${profileId}`,
    );
    out[table] = rows.map((r) => r.k);
  }
  return out;
}
