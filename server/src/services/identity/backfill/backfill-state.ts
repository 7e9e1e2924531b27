import { identifierKey, type BatchIdentityEvent, type Identifier, type OwnedProfile } from "@c360/shared";
import { sql } from "drizzle-orm";
import { bulkInsert } from "../../../db/bulk-insert";
import type { Queryable } from "../../../db/client";
import { queryRows } from "../../../db/rows";
import type { CustomerDetails } from "../resolve-identity-batch";

/** The profile fields a customer record fills (Shopify's values win) and a merge combines. */
export interface ProfileDetails extends CustomerDetails {
  birthday: string | null;
  firstSeenAt: Date;
}

export interface ExistingOwner {
  profile: OwnedProfile;
  details: ProfileDetails;
}

export interface BackfillState<E extends BatchIdentityEvent> {
  /** The events of the batch the shop has not recorded yet, in order: a re-run skips the others. */
  fresh: E[];
  /** Profiles that own any identifier of the fresh events, with all their identifiers. */
  owners: ExistingOwner[];
}

/**
 * What the shop already knows about a batch, in two set-based lookups through temporary tables (a
 * first install, with nothing stored yet, skips them).
 */
export async function loadBackfillState<E extends BatchIdentityEvent>(
  q: Queryable,
  shopId: string,
  events: E[],
): Promise<BackfillState<E>> {
  const [stored] = await queryRows<{ events: boolean; identifiers: boolean }>(
    q,
    sql`SELECT EXISTS (SELECT 1 FROM identity_events WHERE shop_id = ${shopId}) AS events,
               EXISTS (SELECT 1 FROM identifiers WHERE shop_id = ${shopId}) AS identifiers`,
  );
  const recorded = stored?.events ? await recordedEvents(q, shopId, events) : new Set<string>();
  const fresh = recorded.size > 0 ? events.filter((e) => !recorded.has(e.id)) : events;
  return { fresh, owners: stored?.identifiers && fresh.length > 0 ? await existingOwners(q, shopId, fresh) : [] };
}

async function recordedEvents(
  q: Queryable,
  shopId: string,
  events: readonly BatchIdentityEvent[],
): Promise<Set<string>> {
  await q.execute(sql`DROP TABLE IF EXISTS backfill_event_ids`);
  await q.execute(sql`CREATE TEMP TABLE backfill_event_ids (id text NOT NULL) ON COMMIT DROP`);
  await bulkInsert(
    q,
    "backfill_event_ids",
    [{ name: "id", type: "text" }],
    events.map((e) => [e.id]),
  );
  await q.execute(sql`ANALYZE backfill_event_ids`);
  const rows = await queryRows<{ id: string }>(
    q,
    sql`SELECT b.id FROM backfill_event_ids b JOIN identity_events e ON e.shop_id = ${shopId} AND e.id = b.id`,
  );
  return new Set(rows.map((r) => r.id));
}

async function existingOwners(
  q: Queryable,
  shopId: string,
  events: readonly BatchIdentityEvent[],
): Promise<ExistingOwner[]> {
  const keys = new Map<string, Identifier>();
  for (const e of events) for (const i of e.identifiers) keys.set(identifierKey(i), i);
  await q.execute(sql`DROP TABLE IF EXISTS backfill_keys`);
  await q.execute(sql`CREATE TEMP TABLE backfill_keys (kind text NOT NULL, value text NOT NULL) ON COMMIT DROP`);
  await bulkInsert(
    q,
    "backfill_keys",
    [
      { name: "kind", type: "text" },
      { name: "value", type: "text" },
    ],
    [...keys.values()].map((i) => [i.kind, i.value]),
  );
  await q.execute(sql`ANALYZE backfill_keys`);
  const rows = await queryRows<{
    id: string;
    created_at: Date | string;
    first_seen_at: Date | string;
    first_name: string | null;
    last_name: string | null;
    postcode: string | null;
    address1: string | null;
    address2: string | null;
    city: string | null;
    birthday: string | null;
    kind: Identifier["kind"];
    value: string;
  }>(
    q,
    sql`WITH owner AS (
          SELECT DISTINCT i.profile_id FROM backfill_keys k
          JOIN identifiers i ON i.shop_id = ${shopId} AND i.kind = k.kind AND i.value = k.value)
        SELECT p.id, p.created_at, p.first_seen_at, p.first_name, p.last_name, p.postcode, p.address1,
               p.address2, p.city, p.birthday, i.kind, i.value
        FROM owner o
        JOIN profiles p ON p.shop_id = ${shopId} AND p.id = o.profile_id
        JOIN identifiers i ON i.shop_id = ${shopId} AND i.profile_id = o.profile_id`,
  );
  const owners = new Map<string, ExistingOwner>();
  for (const r of rows) {
    let owner = owners.get(r.id);
    if (!owner) {
      owner = {
        profile: { profileId: r.id, createdAt: new Date(r.created_at), identifiers: [] },
        details: {
          firstName: r.first_name,
          lastName: r.last_name,
          postcode: r.postcode,
          address1: r.address1,
          address2: r.address2,
          city: r.city,
          birthday: r.birthday,
          firstSeenAt: new Date(r.first_seen_at),
        },
      };
      owners.set(r.id, owner);
    }
    owner.profile.identifiers.push({ kind: r.kind, value: r.value });
  }
  return [...owners.values()];
}

/** One Shopify customer record as the backfill's identity event, with the details its profile keeps. */
export interface CustomerEvent extends BatchIdentityEvent, Omit<ProfileDetails, "firstSeenAt"> {
  customerId: string;
  rawEmail: string | null;
  rawPhone: string | null;
}
