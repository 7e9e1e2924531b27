import { identifierKey, type Identifier, type OwnedProfile } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows, jsonOf } from "../../db/rows";
import { insertRecordset } from "../../db/recordset-insert";
import { enqueueShopifyJobs, SHOPIFY_JOBS } from "../../shopify/enqueue";

/** The fields a device edits, by last write wins (see sync-mutations.ts). */
export interface ProfileFields {
  first_name: string | null;
  last_name: string | null;
  birthday: string | null;
  note: string | null;
  field_times: Record<string, string>;
}

interface KnownOwner {
  createdAt: Date;
  /** Neither merged nor erased. */
  active: boolean;
  /** All of the profile's identifiers, with when each was linked. */
  identifiers: (Identifier & { linkedAt: number })[];
}

interface PendingIdentifier extends Identifier {
  profileId: string;
  source: string;
  eventId: string;
  linkedAt: Date;
}

/** A visit row as logVisit writes it, for a profile known to be active. */
export interface PendingVisit {
  id: string;
  profileId: string;
  source: string;
  locationId: string | null;
  staffId: string | null;
  deviceId: string | null;
  at: Date;
}

interface PendingEvent {
  id: string;
  source: string;
  identifiers: Identifier[];
  profileId: string;
  at: Date;
}

const RANK: Partial<Record<Identifier["kind"], number>> = { shopify: 0, email: 1, phone: 2 };

/**
 * What one push knows of the shop's identity graph and profile fields, held in memory so a batch of
 * captures costs a few statements instead of a dozen each. It mirrors the rows exactly: identifiers
 * with their owners and link times, owners' creation times and status, the last-write-wins fields.
 * Changes made in memory (new profiles, links, identity events, visits, field edits) are queued and
 * written by `flush`, which runs before anything else reads those tables, and `forget` drops the mirror
 * after a write made elsewhere that it cannot follow (a merge, a visit resolved by Shopify ID).
 */
export class PushWorkspace {
  private owner = new Map<string, string>();
  private owners = new Map<string, KnownOwner>();
  /** Identifier keys whose owner (or lack of one) is known. */
  private covered = new Set<string>();
  private fieldsOf = new Map<string, { fields: ProfileFields; dirty: boolean }>();
  /** Profiles this push made that are not written yet, with their first-seen time. */
  private created = new Map<string, Date>();
  private pendingIdentifiers: PendingIdentifier[] = [];
  private pendingEvents: PendingEvent[] = [];
  private pendingVisits: PendingVisit[] = [];

  constructor(
    private readonly shopId: string,
    private readonly now: Date,
  ) {}

  isCovered(identifiers: readonly Identifier[]): boolean {
    return identifiers.every((i) => this.covered.has(identifierKey(i)));
  }

  /** Reads, in one statement, the owners of these identifiers with all of their identifiers and fields. */
  async load(q: Queryable, identifiers: readonly Identifier[]): Promise<void> {
    const wanted = [
      ...new Map(
        identifiers
          .filter((i) => !this.covered.has(identifierKey(i)))
          .map((i) => [identifierKey(i), { kind: i.kind, value: i.value }]),
      ).values(),
    ];
    if (wanted.length === 0) return;
    const rows = await queryRows<
      {
        profile_id: string;
        kind: Identifier["kind"];
        value: string;
        linked_at: Date | string;
        created_at: Date | string;
        status: string;
      } & StoredFields
    >(
      q,
      sql`WITH wanted AS (SELECT * FROM jsonb_to_recordset(${JSON.stringify(wanted)}::jsonb) AS w(kind text,
        value text)),
          owners AS (SELECT DISTINCT i.profile_id FROM wanted w
                     JOIN identifiers i ON i.shop_id = ${this.shopId} AND i.kind = w.kind AND i.value = w.value)
          SELECT i.profile_id, i.kind, i.value, i.linked_at, p.created_at, p.status, p.first_name, p.last_name,
            p.birthday, p.note, p.field_times
          FROM owners o
          JOIN identifiers i ON i.shop_id = ${this.shopId} AND i.profile_id = o.profile_id
          JOIN profiles p ON p.shop_id = ${this.shopId} AND p.id = o.profile_id`,
    );
    for (const w of wanted) this.covered.add(identifierKey(w));
    for (const r of rows) {
      const key = identifierKey(r);
      // An owner already mirrored is mirrored whole (and may be newer than the database).
      if (this.owner.has(key)) continue;
      let owner = this.owners.get(r.profile_id);
      if (!owner) {
        owner = { createdAt: new Date(r.created_at), active: r.status === "active", identifiers: [] };
        this.owners.set(r.profile_id, owner);
      }
      owner.identifiers.push({ kind: r.kind, value: r.value, linkedAt: new Date(r.linked_at).getTime() });
      this.owner.set(key, r.profile_id);
      this.covered.add(key);
      if (!this.fieldsOf.has(r.profile_id)) this.fieldsOf.set(r.profile_id, { fields: fieldsFromRow(r), dirty: false });
    }
  }

  ownerOf(identifier: Identifier): string | undefined {
    return this.owner.get(identifierKey(identifier));
  }

  /** True only for a mirrored profile known to be active; false when unknown here. */
  isActive(profileId: string): boolean {
    return this.owners.get(profileId)?.active ?? false;
  }

  /** The profiles that own any of these identifiers, as identity resolution sees them (see loadOwners). */
  ownersOf(identifiers: readonly Identifier[]): OwnedProfile[] {
    const ids = new Set(identifiers.map((i) => this.ownerOf(i)).filter((p): p is string => p !== undefined));
    return [...ids].map((profileId) => {
      const p = this.owners.get(profileId)!;
      return {
        profileId,
        createdAt: p.createdAt,
        identifiers: p.identifiers.map(({ kind, value }) => ({ kind, value })),
      };
    });
  }

  /** A profile's strongest account identifier (Shopify ID, then email, then phone), the earliest linked first. */
  strongestAccountIdentifier(profileId: string): Identifier | undefined {
    const held = this.owners.get(profileId)?.identifiers ?? [];
    const ranked = held
      .filter((i) => RANK[i.kind] !== undefined)
      .sort((a, b) => RANK[a.kind]! - RANK[b.kind]! || a.linkedAt - b.linkedAt);
    return ranked[0] && { kind: ranked[0].kind, value: ranked[0].value };
  }

  /** A new profile, written at the next flush with its fields as they are then. */
  createProfile(firstSeenAt: Date): string {
    const profileId = crypto.randomUUID();
    this.owners.set(profileId, { createdAt: this.now, active: true, identifiers: [] });
    this.fieldsOf.set(profileId, {
      fields: { first_name: null, last_name: null, birthday: null, note: null, field_times: {} },
      dirty: false,
    });
    this.created.set(profileId, firstSeenAt);
    return profileId;
  }

  /**
   * Links identifiers to a mirrored profile; one that another profile holds stays there (as ON CONFLICT DO NOTHING).
   */
  attach(profileId: string, identifiers: readonly Identifier[], event: { id: string; source: string; at: Date }): void {
    const owner = this.owners.get(profileId)!;
    for (const i of identifiers) {
      const key = identifierKey(i);
      if (this.owner.has(key)) continue;
      this.owner.set(key, profileId);
      this.covered.add(key);
      owner.identifiers.push({ kind: i.kind, value: i.value, linkedAt: event.at.getTime() });
      this.pendingIdentifiers.push({
        kind: i.kind,
        value: i.value,
        profileId,
        source: event.source,
        eventId: event.id,
        linkedAt: event.at,
      });
    }
  }

  recordEvent(event: PendingEvent): void {
    this.pendingEvents.push(event);
  }

  /** A visit to an active profile, inserted at the next flush (before any merge could move the profile's rows). */
  queueVisit(visit: PendingVisit): void {
    this.pendingVisits.push(visit);
  }

  /**
   * The profile's editable fields (read on first use; null when there is no such profile). Change the
   * object in place and call `fieldsChanged`.
   */
  async fields(q: Queryable, profileId: string): Promise<ProfileFields | null> {
    const known = this.fieldsOf.get(profileId);
    if (known) return known.fields;
    const [row] = await queryRows<StoredFields>(
      q,
      sql`SELECT first_name, last_name, birthday, note, field_times FROM profiles WHERE shop_id = ${this.shopId}
        AND id = ${profileId}`,
    );
    if (!row) return null;
    const fields = fieldsFromRow(row);
    this.fieldsOf.set(profileId, { fields, dirty: false });
    return fields;
  }

  fieldsChanged(profileId: string): void {
    this.fieldsOf.get(profileId)!.dirty = true;
  }

  /** Writes the profiles made so far (with their fields as they are now), for a step that only needs them to exist. */
  async writeNewProfiles(q: Queryable): Promise<void> {
    const { shopId, now } = this;
    if (this.created.size > 0) {
      const rows = [...this.created].map(([id, firstSeenAt]) => {
        const state = this.fieldsOf.get(id)!;
        state.dirty = false;
        return { id, first_seen_at: firstSeenAt.toISOString(), ...state.fields };
      });
      const columns =
        "id text, first_seen_at timestamptz, first_name text, last_name text, birthday text, note text, " +
        "field_times jsonb";
      const shared = { created_at: now, updated_at: now };
      await insertRecordset(q, { table: "profiles", shopId, columns, shared }, rows);
      // Customers signed up on the tablet are created in Shopify too (when the shop is connected).
      await enqueueShopifyJobs(q, shopId, SHOPIFY_JOBS.customer, [...this.created.keys()], now);
      this.created.clear();
    }
  }

  /**
   * Writes everything queued: new profiles, identifiers, identity events, visits, then edited fields; a statement each.
   */
  async flush(q: Queryable): Promise<void> {
    const { shopId, now } = this;
    await this.writeNewProfiles(q);
    await insertRecordset(
      q,
      {
        table: "identifiers",
        shopId,
        columns: "kind text, value text, profile_id text, source text, event_id text, linked_at timestamptz",
        onConflict: sql`ON CONFLICT (shop_id, kind, value) DO NOTHING`,
      },
      this.pendingIdentifiers,
    );
    this.pendingIdentifiers = [];
    await insertRecordset(
      q,
      {
        table: "identity_events",
        shopId,
        columns: "id text, source text, identifiers jsonb, profile_id text, at timestamptz",
        onConflict: sql`ON CONFLICT (shop_id, id) DO UPDATE SET profile_id = excluded.profile_id`,
      },
      this.pendingEvents,
    );
    this.pendingEvents = [];
    await insertRecordset(
      q,
      {
        table: "visits",
        shopId,
        columns:
          "id text, profile_id text, source text, location_id text, staff_id text, device_id text, at timestamptz",
        shared: { received_at: now },
        onConflict: sql`ON CONFLICT (shop_id, id) DO NOTHING`,
      },
      this.pendingVisits,
    );
    this.pendingVisits = [];
    const edited: (ProfileFields & { id: string })[] = [];
    for (const [id, state] of this.fieldsOf) {
      if (!state.dirty) continue;
      edited.push({ id, ...state.fields });
      state.dirty = false;
    }
    if (edited.length > 0) {
      await q.execute(sql`UPDATE profiles p SET first_name = x.first_name, last_name = x.last_name,
        birthday = x.birthday, note = x.note,
          field_times = x.field_times, updated_at = ${now}
        FROM jsonb_to_recordset(${JSON.stringify(edited)}::jsonb)
          AS x(id text, first_name text, last_name text, birthday text, note text, field_times jsonb)
        WHERE p.shop_id = ${shopId} AND p.id = x.id`);
    }
  }

  /** Drops everything mirrored, after `flush`, once a write the workspace cannot follow (a merge, a visit) has run. */
  forget(): void {
    const unwritten =
      this.created.size || this.pendingIdentifiers.length || this.pendingEvents.length || this.pendingVisits.length;
    if (unwritten || [...this.fieldsOf.values()].some((f) => f.dirty)) {
      throw new Error("push workspace: forget() before flush() would lose writes");
    }
    this.owner.clear();
    this.owners.clear();
    this.covered.clear();
    this.fieldsOf.clear();
  }
}

type StoredFields = Omit<ProfileFields, "field_times"> & { field_times: unknown };

function fieldsFromRow(r: StoredFields): ProfileFields {
  const times = jsonOf(r.field_times) ?? {};
  return {
    first_name: r.first_name,
    last_name: r.last_name,
    birthday: r.birthday,
    note: r.note,
    field_times: times as Record<string, string>,
  };
}
