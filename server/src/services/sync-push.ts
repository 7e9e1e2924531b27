import {
  effectiveActedAt,
  mutationArgsSchemas,
  normalizeIdentifiers,
  type Identifier,
  type MutationName,
  type PushResult,
} from "@c360/shared";
import { sql } from "drizzle-orm";
import type { z } from "zod";
import type { Database, Queryable } from "../db/client";
import { queryRows } from "../db/rows";
import { HttpError, zodIssues } from "../http/errors";
import type { Logger } from "../http/logger";
import { profileForUnsubscribe, recordConsents, recordGlobalUnsubscribe, type ConsentContext } from "./consent";
import { recomputeProfile } from "./recompute-profile";
import { resolveEventIdentity } from "./resolve-identity";
import { sqlTextArray } from "./sql-arrays";
import { loadShop, recordProfileChange, type ShopContext } from "./shop";
import { liveProfileId, logVisit } from "./visits";

export interface DeviceContext {
  shopId: string;
  deviceId: string;
  locationId: string | null;
}

export interface IncomingMutation {
  seq: number;
  id: string;
  name: string;
  args: unknown;
  createdAt: Date;
}

export type PushOutcome =
  | { kind: "ok"; result: PushResult }
  /** The first new mutation is not the next in sequence: the device must resend from `expectedSeq`. */
  | { kind: "gap"; expectedSeq: number; message: string; result: PushResult };

/** A mutation the server will never apply as sent; recorded with its reason so it never blocks the queue. */
class Rejected extends Error {}

/**
 * A device-local customer ID is kept as a device-kind identifier of the profile, so the map follows
 * merges (identifiers move with them) and resolution itself ties a later capture to the same person.
 * It is a per-customer ID minted on the tablet, never the tablet's own ID.
 */
export const localIdentifier = (localId: string): Identifier => ({ kind: "device", value: `companion:${localId}` });

interface BatchState {
  shop: ShopContext;
  device: DeviceContext;
  now: Date;
  log: Logger;
  /** Profiles whose computed fields must be recomputed once, at the end of the batch. */
  recompute: Set<string>;
  /** Profiles whose change-feed entry must move (consent, notes) without a recompute. */
  changed: Set<string>;
  localIds: Set<string>;
}

/**
 * Applies one push in ONE transaction under the shop lock. Mutations at or below the client's last
 * applied seq (or already recorded by id) are skipped; the rest must continue the sequence and are
 * applied in seq order. Nothing is answered before the commit, so a crash mid-way leaves the client's
 * last_seq where it was and the device simply pushes again.
 */
export async function pushMutations(
  database: Database,
  device: DeviceContext,
  request: { clientId: string; mutations: IncomingMutation[] },
  now: Date,
  log: Logger,
): Promise<PushOutcome> {
  const sorted = [...request.mutations].sort((a, b) => a.seq - b.seq);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.seq === sorted[i - 1]!.seq && sorted[i]!.id !== sorted[i - 1]!.id) {
      throw new HttpError(400, "duplicate_seq", `seq ${sorted[i]!.seq} is used by two different mutations (${sorted[i - 1]!.id}, ${sorted[i]!.id})`);
    }
  }

  return database.db.transaction(async (tx) => {
    const shop = await loadShop(tx, device.shopId, { lock: true });
    const [client] = await queryRows<{ last_seq: string | number; device_id: string }>(
      tx,
      sql`SELECT last_seq, device_id FROM sync_clients WHERE shop_id = ${device.shopId} AND client_id = ${request.clientId}`,
    );
    const lastSeq = Number(client?.last_seq ?? 0);
    const result: PushResult = { lastSeq, applied: [], skipped: [], rejected: [], profiles: {} };

    const fresh: IncomingMutation[] = [];
    // A re-sent capture (its first answer was lost) still tells the device which profile it became.
    const skippedLocalIds = new Set<string>();
    const skip = (m: IncomingMutation) => {
      result.skipped.push(m.id);
      const localId = m.name === "customer.capture" ? (m.args as { localId?: unknown } | null)?.localId : undefined;
      if (typeof localId === "string") skippedLocalIds.add(localId);
    };
    for (const m of sorted) {
      if (m.seq <= lastSeq || fresh.at(-1)?.seq === m.seq) skip(m);
      else fresh.push(m);
    }
    // Only the run that continues the sequence is applied; whatever follows a hole waits for a resend.
    let runEnd = 0;
    while (runEnd < fresh.length && fresh[runEnd]!.seq === lastSeq + runEnd + 1) runEnd++;
    const run = fresh.slice(0, runEnd);

    const recorded = new Set(
      run.length === 0
        ? []
        : (
            await queryRows<{ mutation_id: string }>(
              tx,
              sql`SELECT mutation_id FROM sync_mutations WHERE shop_id = ${device.shopId} AND mutation_id = ANY(${sqlTextArray(run.map((m) => m.id))})`,
            )
          ).map((r) => r.mutation_id),
    );

    const state: BatchState = { shop, device, now, log, recompute: new Set(), changed: new Set(), localIds: new Set() };
    const rows: { id: string; seq: number; name: string; status: "applied" | "rejected"; reason: string | null }[] = [];
    for (const m of run) {
      if (recorded.has(m.id)) {
        skip(m);
        continue;
      }
      recorded.add(m.id);
      try {
        await applyMutation(tx, state, m);
        rows.push({ id: m.id, seq: m.seq, name: m.name, status: "applied", reason: null });
        result.applied.push(m.id);
      } catch (error) {
        const reason = error instanceof Rejected ? error.message : error instanceof HttpError ? `${error.code}: ${error.message}` : null;
        if (reason === null) throw error;
        rows.push({ id: m.id, seq: m.seq, name: m.name.slice(0, 50), status: "rejected", reason });
        result.rejected.push({ id: m.id, seq: m.seq, reason });
      }
    }

    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      await tx.execute(sql`INSERT INTO sync_mutations (shop_id, mutation_id, client_id, seq, name, status, reason, applied_at) VALUES ${sql.join(
        chunk.map((r) => sql`(${device.shopId}, ${r.id}, ${request.clientId}, ${r.seq}, ${r.name}, ${r.status}, ${r.reason}, ${now})`),
        sql`, `,
      )} ON CONFLICT (shop_id, mutation_id) DO NOTHING`);
    }
    const newLastSeq = lastSeq + run.length;
    await tx.execute(sql`INSERT INTO sync_clients (shop_id, client_id, device_id, last_seq, updated_at)
      VALUES (${device.shopId}, ${request.clientId}, ${device.deviceId}, ${newLastSeq}, ${now})
      ON CONFLICT (shop_id, client_id) DO UPDATE SET last_seq = greatest(sync_clients.last_seq, excluded.last_seq),
        device_id = excluded.device_id, updated_at = excluded.updated_at`);
    result.lastSeq = newLastSeq;

    // Computed fields are the server's: recomputed once per touched profile, after every mutation of the batch.
    const live = async (ids: Iterable<string>) => {
      const out = new Set<string>();
      for (const id of ids) {
        const p = await liveProfileId(tx, device.shopId, id);
        if (p) out.add(p);
      }
      return out;
    };
    const toRecompute = await live(state.recompute);
    for (const id of toRecompute) await recomputeProfile(tx, device.shopId, id, shop.settings, now);
    for (const id of await live(state.changed)) if (!toRecompute.has(id)) await recordProfileChange(tx, device.shopId, id, "upsert");

    const localIds = new Set([...state.localIds, ...skippedLocalIds]);
    if (localIds.size) {
      const keys = [...localIds].map((l) => localIdentifier(l).value);
      const mapped = await queryRows<{ value: string; profile_id: string }>(
        tx,
        sql`SELECT value, profile_id FROM identifiers WHERE shop_id = ${device.shopId} AND kind = 'device' AND value = ANY(${sqlTextArray(keys)})`,
      );
      for (const r of mapped) result.profiles[r.value.slice("companion:".length)] = r.profile_id;
    }
    await tx.execute(sql`UPDATE devices SET last_sync_at = ${now} WHERE shop_id = ${device.shopId} AND id = ${device.deviceId}`);

    if (fresh.length > run.length) {
      const expectedSeq = newLastSeq + 1;
      return {
        kind: "gap",
        expectedSeq,
        message: `mutation seq ${expectedSeq} is missing (received ${fresh[run.length]!.seq} next); resend from seq ${expectedSeq}`,
        result,
      };
    }
    return { kind: "ok", result };
  });
}

function parseArgs<N extends MutationName>(name: N, args: unknown): z.output<(typeof mutationArgsSchemas)[N]> {
  const parsed = mutationArgsSchemas[name].safeParse(args);
  if (!parsed.success) throw new Rejected(`invalid_args: ${zodIssues(parsed.error).slice(0, 5).join("; ")}`);
  return parsed.data as z.output<(typeof mutationArgsSchemas)[N]>;
}

const isMutationName = (name: string): name is MutationName => Object.hasOwn(mutationArgsSchemas, name);

async function applyMutation(tx: Queryable, s: BatchState, m: IncomingMutation): Promise<void> {
  if (!isMutationName(m.name)) throw new Rejected(`unknown_mutation: "${m.name}" is not a mutation this server knows`);
  const { actedAt, clamped } = effectiveActedAt(m.createdAt, s.now);
  if (clamped) {
    s.log({ level: "warn", msg: "device clock ahead; acted time clamped to receipt", shopId: s.shop.shopId, deviceId: s.device.deviceId, mutationId: m.id, deviceTime: m.createdAt.toISOString() });
  }
  switch (m.name) {
    case "customer.capture":
      return captureCustomer(tx, s, m, parseArgs("customer.capture", m.args), actedAt);
    case "consent.record": {
      const a = parseArgs("consent.record", m.args);
      const profileId = await targetProfile(tx, s, a);
      await recordConsents(
        tx,
        s.shop,
        [{ id: m.id, profileId, channel: a.channel, action: a.action, textVersion: a.textVersion, text: a.text, locale: a.locale, actedAt: m.createdAt, source: "companion", staffId: a.staffId ?? null, jurisdiction: a.jurisdiction ?? null, locationId: s.device.locationId }],
        consentContext(s),
      );
      s.changed.add(profileId);
      return;
    }
    case "visit.log": {
      const a = parseArgs("visit.log", m.args);
      const profileId = a.localId || a.profileId ? await targetProfile(tx, s, a) : null;
      if (!profileId && !a.shopifyCustomerId) throw new Rejected("unknown_customer: give localId, profileId or shopifyCustomerId");
      const visit = await logVisit(
        tx,
        s.shop,
        {
          id: m.id,
          profileId,
          shopifyCustomerId: a.shopifyCustomerId ?? null,
          source: "companion",
          locationId: a.locationId || s.device.locationId,
          staffId: a.staffId ?? null,
          deviceId: s.device.deviceId,
          at: a.at,
        },
        s.now,
        { deferRecompute: true },
      );
      s.recompute.add(visit.profileId);
      return;
    }
    case "profile.note": {
      const a = parseArgs("profile.note", m.args);
      const profileId = await targetProfile(tx, s, a);
      await writeFieldsLastWins(tx, s, profileId, { note: a.note }, actedAt, m.id);
      return;
    }
    case "unsubscribe": {
      const a = parseArgs("unsubscribe", m.args);
      const known = a.localId || a.profileId ? await targetProfile(tx, s, a) : undefined;
      const profileId = await profileForUnsubscribe(tx, s.shop, { profileId: known, email: a.email || undefined, phone: a.phone || undefined });
      await recordGlobalUnsubscribe(tx, s.shop, profileId, { ...consentContext(s), id: m.id, actedAt: m.createdAt });
      s.changed.add(profileId);
      return;
    }
  }
}

const consentContext = (s: BatchState): ConsentContext => ({
  source: "companion",
  deviceId: s.device.deviceId,
  locationId: s.device.locationId,
  staffId: null,
  receivedAt: s.now,
});

/** The live profile a mutation is about: the device's local ID first (it follows merges), else a server profile ID. */
async function targetProfile(tx: Queryable, s: BatchState, a: { localId?: string | undefined; profileId?: string | null | undefined }): Promise<string> {
  if (a.localId) {
    const [row] = await queryRows<{ profile_id: string }>(
      tx,
      sql`SELECT profile_id FROM identifiers WHERE shop_id = ${s.shop.shopId} AND kind = 'device' AND value = ${localIdentifier(a.localId).value}`,
    );
    if (row) return row.profile_id;
  }
  if (a.profileId) {
    const live = await liveProfileId(tx, s.shop.shopId, a.profileId);
    if (live) return live;
    throw new Rejected(`unknown_customer: profile ${a.profileId} is not in this shop (erased or never synced)`);
  }
  throw new Rejected(`unknown_customer: local customer ${a.localId ?? "(none)"} was never captured on this shop; push its customer.capture first`);
}

type CaptureArgs = z.output<(typeof mutationArgsSchemas)["customer.capture"]>;

async function captureCustomer(tx: Queryable, s: BatchState, m: IncomingMutation, a: CaptureArgs, actedAt: Date): Promise<void> {
  const { shopId, settings } = s.shop;
  const local = localIdentifier(a.localId);
  if (a.profileId) {
    // A capture about a customer the device pulled: tie the local ID to that profile before resolving.
    const known = await liveProfileId(tx, shopId, a.profileId);
    if (!known) throw new Rejected(`unknown_customer: profile ${a.profileId} is not in this shop (erased or never synced)`);
    await tx.execute(sql`INSERT INTO identifiers (shop_id, kind, value, profile_id, source, event_id, linked_at)
      VALUES (${shopId}, ${local.kind}, ${local.value}, ${known}, 'capture', ${`capture:${m.id}`}, ${actedAt})
      ON CONFLICT (shop_id, kind, value) DO NOTHING`);
  }
  // A customer the tablet already knows is re-seen by their strongest identifier too, so the local ID
  // never counts as a lone shared-device link when this capture ties them to someone else.
  const [known] = await queryRows<{ kind: Identifier["kind"]; value: string }>(
    tx,
    sql`SELECT i.kind, i.value FROM identifiers i
        WHERE i.shop_id = ${shopId} AND i.kind IN ('shopify', 'email', 'phone')
          AND i.profile_id = (SELECT profile_id FROM identifiers WHERE shop_id = ${shopId} AND kind = ${local.kind} AND value = ${local.value})
        ORDER BY CASE i.kind WHEN 'shopify' THEN 0 WHEN 'email' THEN 1 ELSE 2 END, i.linked_at LIMIT 1`,
  );
  const identifiers = [
    ...normalizeIdentifiers({ email: a.email, phone: a.phone }, { defaultCountry: settings.defaultCountry, junk: settings.junkIdentifiers }),
    ...(known ? [known] : []),
    local,
  ];
  const resolution = await resolveEventIdentity(tx, s.shop, { id: `capture:${m.id}`, source: "capture", identifiers, at: actedAt }, s.now);
  const profileId = resolution!.profileId;
  await writeFieldsLastWins(tx, s, profileId, { firstName: a.firstName, lastName: a.lastName, birthday: a.birthday, note: a.notes }, actedAt, m.id);
  s.recompute.add(profileId);
  s.localIds.add(a.localId);
}

const FIELD_COLUMNS = { firstName: "first_name", lastName: "last_name", birthday: "birthday", note: "note" } as const;
type LwwField = keyof typeof FIELD_COLUMNS;

/**
 * Names, birthday and note: per field, the write the customer made last wins (by acted time, stored in
 * field_times), whatever order the devices sync in. A value replaced or ignored is logged so a clerk's
 * edit can be traced.
 */
async function writeFieldsLastWins(
  tx: Queryable,
  s: BatchState,
  profileId: string,
  values: Partial<Record<LwwField, string | null | undefined>>,
  actedAt: Date,
  mutationId: string,
): Promise<void> {
  const given = (Object.entries(values) as [LwwField, string | null | undefined][]).filter(([, v]) => typeof v === "string" && v.trim() !== "");
  if (given.length === 0) return;
  const [row] = await queryRows<Record<string, unknown> & { field_times: unknown }>(
    tx,
    sql`SELECT first_name, last_name, birthday, note, field_times FROM profiles WHERE shop_id = ${s.shop.shopId} AND id = ${profileId}`,
  );
  if (!row) throw new Rejected(`unknown_customer: profile ${profileId} is gone`);
  const times: Record<string, string> = typeof row.field_times === "string" ? JSON.parse(row.field_times) : ((row.field_times as Record<string, string>) ?? {});
  const updates: Partial<Record<LwwField, string>> = {};
  for (const [field, raw] of given) {
    const value = raw!.trim();
    const previous = row[FIELD_COLUMNS[field]] as string | null;
    const previousAt = times[field] ? new Date(times[field]) : null;
    if (previousAt && actedAt.getTime() <= previousAt.getTime()) {
      if (previous !== value) {
        s.log({ level: "info", msg: "older field write ignored", shopId: s.shop.shopId, profileId, field, ignoredValue: value, actedAt: actedAt.toISOString(), keptAt: previousAt.toISOString(), mutationId });
      }
      continue;
    }
    if (previous != null && previous !== value) {
      s.log({ level: "info", msg: "field overwritten", shopId: s.shop.shopId, profileId, field, previousValue: previous, previousAt: previousAt?.toISOString() ?? null, actedAt: actedAt.toISOString(), mutationId });
    }
    updates[field] = value;
    times[field] = actedAt.toISOString();
  }
  const set = (Object.entries(updates) as [LwwField, string][]).map(([f, v]) => sql`${sql.identifier(FIELD_COLUMNS[f])} = ${v}`);
  if (set.length === 0) return;
  await tx.execute(sql`UPDATE profiles SET ${sql.join(set, sql`, `)}, field_times = ${JSON.stringify(times)}::jsonb, updated_at = ${s.now}
    WHERE shop_id = ${s.shop.shopId} AND id = ${profileId}`);
  s.changed.add(profileId);
}
