import {
  effectiveActedAt,
  applyFieldWrites,
  mutationArgsSchemas,
  normalizeIdentifiers,
  missingPhoneRefusal,
  refusedContactFields,
  resolveIdentity,
  type Identifier,
  type MutationName,
} from "@c360/shared";
import { sql } from "drizzle-orm";
import type { z } from "zod";
import type { Queryable } from "../../db/client";
import { queryRows } from "../../db/rows";
import { zodIssues } from "../../http/errors";
import type { Logger } from "../../http/logger";
import { countHeldBack, screenArrivals } from "../gdpr/erasure-register";
import {
  profileForUnsubscribe,
  recordConsents,
  recordGlobalUnsubscribe,
  type ConsentContext,
} from "../consent/consent";
import type { PushWorkspace } from "./push-workspace";
import { resolveEventIdentity, type IdentityEvent } from "../identity/resolve-identity";
import type { ShopContext } from "../shop/shop";
import { sqlTextArray } from "../../db/sql-arrays";
import { liveProfileId, logVisit } from "../ingest/visits";

/**
 * How each kind of companion mutation is applied inside a push (sync-push.ts owns the order, the
 * idempotency and the transaction). Reads and writes go through the push's workspace, so a batch of
 * captures, visits and notes costs a handful of statements; whatever the workspace cannot follow
 * (consents, merges, a visit by Shopify ID) runs through the ordinary services after a flush.
 */

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

/** A mutation the server will never apply as sent; recorded with its reason so it never blocks the queue. */
export class Rejected extends Error {}

/**
 * A device-local customer ID is kept as a device-kind identifier of the profile, so the map follows
 * merges (identifiers move with them) and resolution itself ties a later capture to the same person.
 * It is a per-customer ID minted on the tablet, never the tablet's own ID.
 */
export const localIdentifier = (localId: string): Identifier => ({ kind: "device", value: `companion:${localId}` });

export interface PushState {
  shop: ShopContext;
  device: DeviceContext;
  now: Date;
  log: Logger;
  /** Profiles whose computed fields must be recomputed once, at the end of the batch. */
  recompute: Set<string>;
  /** Profiles whose change-feed entry must move (consent, notes) without a recompute. */
  changed: Set<string>;
  localIds: Set<string>;
  /** Identity and fields of the profiles this push touches, in memory; written before anything else reads them. */
  work: PushWorkspace;
  /** Makes sure the workspace knows these identifiers, reading ahead for the rest of the push when it does not. */
  cover: (identifiers: readonly Identifier[]) => Promise<void>;
  /** Capture identity events already stored (a capture re-applied after its record was lost). */
  replayedEvents: Set<string>;
  /** Visits of this push already stored, with their profile (logVisit changes nothing for those). */
  storedVisits: Map<string, string>;
  /** Fields of applied mutations that were left off (an invalid email), answered to the device and recorded. */
  fieldRejections: { id: string; seq: number; field: string; reason: string }[];
  /** Captures of this push made before their customer was erased, with why (see erasedCaptures). */
  erasedCaptures: Map<string, string>;
  /** Values replaced or ignored by last write wins, written once at the end of the push (writeFieldHistory). */
  fieldHistory: FieldHistoryRow[];
}

/**
 * Captures made before the erase of a customer they name (shared erasureVerdict), screened for the whole
 * push in one read: a tablet offline since before the erase must not bring the person back.
 */
export async function erasedCaptures(
  q: Queryable,
  shop: ShopContext,
  mutations: readonly IncomingMutation[],
  now: Date,
): Promise<Map<string, string>> {
  const captures = mutations.flatMap((m) => {
    if (m.name !== "customer.capture") return [];
    const parsed = safeParseArgs(m as IncomingMutation & { name: "customer.capture" });
    if (!parsed.success) return [];
    const names = captureIdentifiers(parsed.data as CaptureArgs, shop);
    return [{ m, names, madeAt: effectiveActedAt(m.createdAt, now).actedAt }];
  });
  const arrivals = captures.map((c) => ({ interaction: "capture" as const, madeAt: c.madeAt, names: c.names }));
  const verdicts = await screenArrivals(q, shop.shopId, arrivals);
  return new Map(verdicts.flatMap((v, i) => (v.keep ? [] : [[captures[i]!.m.id, v.reason] as [string, string]])));
}

export interface FieldHistoryRow {
  mutation_id: string;
  field: string;
  outcome: "overwritten" | "ignored";
  profile_id: string;
  value: string;
  value_at: string | null;
  acted_at: string;
}

/** Replaced and ignored values go to a table an erase reaches, never to the log. */
export async function writeFieldHistory(q: Queryable, shopId: string, rows: readonly FieldHistoryRow[]) {
  if (rows.length === 0) return;
  await q.execute(sql`INSERT INTO field_history
      (shop_id, mutation_id, field, outcome, profile_id, value, value_at, acted_at)
    SELECT ${shopId}, x.* FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
      mutation_id text, field text, outcome text, profile_id text, value text,
      value_at timestamptz, acted_at timestamptz)
    ON CONFLICT (shop_id, mutation_id, field) DO NOTHING`);
}

/**
 * What earlier pushes already stored for these mutations, in one statement: a capture's identity event
 * (re-applying it is a replay) and a visit (logged once, whatever follows).
 */
export async function storedBefore(q: Queryable, shopId: string, mutations: readonly IncomingMutation[]) {
  const events = mutations.filter((m) => m.name === "customer.capture").map(captureEventId);
  const visits = mutations.filter((m) => m.name === "visit.log").map((m) => m.id);
  const rows =
    events.length + visits.length === 0
      ? []
      : await queryRows<{ kind: "event" | "visit"; id: string; profile_id: string }>(
          q,
          sql`SELECT 'event' AS kind, id, profile_id FROM identity_events WHERE shop_id = ${shopId}
            AND id = ANY(${sqlTextArray(events)})
              UNION ALL
              SELECT 'visit' AS kind, id, profile_id FROM visits WHERE shop_id = ${shopId}
                AND id = ANY(${sqlTextArray(visits)})`,
        );
  return {
    replayedEvents: new Set(rows.filter((r) => r.kind === "event").map((r) => r.id)),
    storedVisits: new Map(rows.filter((r) => r.kind === "visit").map((r) => [r.id, r.profile_id])),
  };
}

/** Each mutation's arguments are validated once, when the push reads ahead, and reused when it is applied. */
const parsedArgs = new WeakMap<IncomingMutation, ReturnType<(typeof mutationArgsSchemas)[MutationName]["safeParse"]>>();
function safeParseArgs(m: IncomingMutation & { name: MutationName }) {
  let parsed = parsedArgs.get(m);
  if (!parsed) {
    parsed = mutationArgsSchemas[m.name].safeParse(m.args);
    parsedArgs.set(m, parsed);
  }
  return parsed;
}

function parseArgs<N extends MutationName>(name: N, m: IncomingMutation): z.output<(typeof mutationArgsSchemas)[N]> {
  if (m.name !== name) throw new Error(`parseArgs: mutation ${m.id} is a ${m.name}, not a ${name}`);
  const parsed = safeParseArgs(m as IncomingMutation & { name: N });
  if (!parsed.success) throw new Rejected(`invalid_args: ${zodIssues(parsed.error).slice(0, 5).join("; ")}`);
  return parsed.data as z.output<(typeof mutationArgsSchemas)[N]>;
}

const isMutationName = (name: string): name is MutationName => Object.hasOwn(mutationArgsSchemas, name);

export async function applyMutation(tx: Queryable, s: PushState, m: IncomingMutation): Promise<void> {
  if (!isMutationName(m.name)) throw new Rejected(`unknown_mutation: "${m.name}" is not a mutation this server knows`);
  const { actedAt, clamped } = effectiveActedAt(m.createdAt, s.now);
  if (clamped) {
    s.log({
      level: "warn",
      msg: "device clock ahead; acted time clamped to receipt",
      shopId: s.shop.shopId,
      deviceId: s.device.deviceId,
      mutationId: m.id,
      deviceTime: m.createdAt.toISOString(),
    });
  }
  switch (m.name) {
    case "customer.capture":
      return captureCustomer(tx, s, m, parseArgs("customer.capture", m), actedAt);
    case "consent.record": {
      const a = parseArgs("consent.record", m);
      const profileId = await targetProfile(tx, s, a);
      // The ledger locks the profile row, so it must exist. An SMS or WhatsApp grant also reads the profile's
      // phones, which a capture earlier in this push may still hold in the workspace.
      if (missingPhoneRefusal({ channel: a.channel, action: a.action, phones: [] })) await s.work.flush(tx);
      else await s.work.writeNewProfiles(tx);
      await recordConsents(
        tx,
        s.shop,
        [
          {
            id: m.id,
            profileId,
            channel: a.channel,
            action: a.action,
            textVersion: a.textVersion,
            text: a.text,
            locale: a.locale,
            actedAt: m.createdAt,
            source: "companion",
            staffId: a.staffId ?? null,
            jurisdiction: a.jurisdiction ?? null,
            locationId: s.device.locationId,
          },
        ],
        consentContext(s),
      );
      s.changed.add(profileId);
      return;
    }
    case "visit.log": {
      const a = parseArgs("visit.log", m);
      const profileId = a.localId || a.profileId ? await targetProfile(tx, s, a) : null;
      if (!profileId && !a.shopifyCustomerId)
        throw new Rejected("unknown_customer: give localId, profileId or shopifyCustomerId");
      const stored = s.storedVisits.get(m.id);
      if (stored !== undefined) {
        s.recompute.add(stored);
        return;
      }
      if (profileId && s.work.isActive(profileId)) {
        // What logVisit writes for a live profile, queued with the push's other rows.
        s.work.queueVisit({
          id: m.id,
          profileId,
          source: "companion",
          locationId: a.locationId || s.device.locationId,
          staffId: a.staffId ?? null,
          deviceId: s.device.deviceId,
          at: effectiveActedAt(a.at, s.now).actedAt,
        });
        s.recompute.add(profileId);
        return;
      }
      await s.work.flush(tx);
      const input = {
        id: m.id,
        profileId,
        shopifyCustomerId: a.shopifyCustomerId ?? null,
        source: "companion" as const,
        locationId: a.locationId || s.device.locationId,
        staffId: a.staffId ?? null,
        deviceId: s.device.deviceId,
        at: a.at,
      };
      let visit: Awaited<ReturnType<typeof logVisit>>;
      try {
        visit = await logVisit(tx, s.shop, input, s.now, { deferRecompute: true });
      } finally {
        // A visit by Shopify customer ID may resolve identity itself, which the workspace does not follow.
        if (a.shopifyCustomerId) s.work.forget();
      }
      s.recompute.add(visit.profileId);
      return;
    }
    case "profile.note": {
      const a = parseArgs("profile.note", m);
      const profileId = await targetProfile(tx, s, a);
      await writeFieldsLastWins(tx, s, profileId, { note: a.note }, actedAt, m.id);
      return;
    }
    case "unsubscribe": {
      const a = parseArgs("unsubscribe", m);
      const known = a.localId || a.profileId ? await targetProfile(tx, s, a) : undefined;
      await s.work.flush(tx);
      const profileId = await profileForUnsubscribe(tx, s.shop, {
        profileId: known,
        email: a.email || undefined,
        phone: a.phone || undefined,
      });
      await recordGlobalUnsubscribe(tx, s.shop, profileId, { ...consentContext(s), id: m.id, actedAt: m.createdAt });
      s.changed.add(profileId);
      return;
    }
  }
}

const consentContext = (s: PushState): ConsentContext => ({
  source: "companion",
  deviceId: s.device.deviceId,
  locationId: s.device.locationId,
  staffId: null,
  receivedAt: s.now,
});

/** The live profile a mutation is about: the device's local ID first (it follows merges), else a server profile ID. */
async function targetProfile(
  tx: Queryable,
  s: PushState,
  a: { localId?: string | undefined; profileId?: string | null | undefined },
): Promise<string> {
  if (a.localId) {
    const local = localIdentifier(a.localId);
    await s.cover([local]);
    const owner = s.work.ownerOf(local);
    if (owner) return owner;
  }
  if (a.profileId) {
    await s.work.flush(tx);
    const live = await liveProfileId(tx, s.shop.shopId, a.profileId);
    if (live) return live;
    throw new Rejected(`unknown_customer: profile ${a.profileId} is not in this shop (erased or never synced)`);
  }
  throw new Rejected(
    `unknown_customer: local customer ${a.localId ?? "(none)"} was never captured on this shop; ` +
      "push its customer.capture first",
  );
}

type CaptureArgs = z.output<(typeof mutationArgsSchemas)["customer.capture"]>;

async function captureCustomer(
  tx: Queryable,
  s: PushState,
  m: IncomingMutation,
  a: CaptureArgs,
  actedAt: Date,
): Promise<void> {
  const { shopId } = s.shop;
  const erased = s.erasedCaptures.get(m.id);
  if (erased) {
    await countHeldBack(tx, shopId, "capture", 1, s.now);
    throw new Rejected(`erased_customer: ${erased}; it was not stored`);
  }
  const local = localIdentifier(a.localId);
  if (a.profileId) {
    // A capture about a customer the device pulled: tie the local ID to that profile before resolving.
    await s.work.flush(tx);
    const known = await liveProfileId(tx, shopId, a.profileId);
    if (!known)
      throw new Rejected(`unknown_customer: profile ${a.profileId} is not in this shop (erased or never synced)`);
    await tx.execute(sql`INSERT INTO identifiers (shop_id, kind, value, profile_id, source, event_id, linked_at)
      VALUES (${shopId}, ${local.kind}, ${local.value}, ${known}, 'capture', ${captureEventId(m)}, ${actedAt})
      ON CONFLICT (shop_id, kind, value) DO NOTHING`);
    s.work.forget();
  }
  const seen = captureIdentifiers(a, s.shop);
  await s.cover(seen);
  // A customer the tablet already knows is re-seen by their strongest identifier too, so the local ID
  // never counts as a lone shared-device link when this capture ties them to someone else.
  const localOwner = s.work.ownerOf(local);
  const known = localOwner ? s.work.strongestAccountIdentifier(localOwner) : undefined;
  const identifiers = [...seen.slice(0, -1), ...(known ? [known] : []), local];
  const profileId = await resolveCapture(tx, s, { id: captureEventId(m), source: "capture", identifiers, at: actedAt });
  await writeFieldsLastWins(
    tx,
    s,
    profileId,
    { firstName: a.firstName, lastName: a.lastName, birthday: a.birthday, note: a.notes },
    actedAt,
    m.id,
  );
  s.recompute.add(profileId);
  s.localIds.add(a.localId);
  const { settings } = s.shop;
  for (const refused of refusedContactFields(a, {
    defaultCountry: settings.defaultCountry,
    junk: settings.junkIdentifiers,
  })) {
    s.fieldRejections.push({ id: m.id, seq: m.seq, ...refused });
  }
}

/**
 * Identity resolution for one capture, decided by the same rule as every other event against the
 * workspace's mirror of the owners. A new customer or a link is applied in memory; a merge or a
 * possible duplicate goes through resolveEventIdentity on the written rows, after which the mirror is
 * dropped (a merge moves rows the workspace does not follow).
 */
async function resolveCapture(tx: Queryable, s: PushState, event: IdentityEvent): Promise<string> {
  const decision = resolveIdentity({
    seen: event.identifiers,
    owners: s.work.ownersOf(event.identifiers),
    limits: s.shop.settings.identityLimits,
  });
  if (decision.kind === "link" || (decision.kind === "create" && decision.candidates.length === 0)) {
    const profileId = decision.kind === "link" ? decision.profileId : s.work.createProfile(event.at);
    s.work.attach(profileId, decision.attach, event);
    if (!s.replayedEvents.has(event.id)) s.work.recordEvent({ ...event, profileId });
    return profileId;
  }
  await s.work.flush(tx);
  try {
    return (await resolveEventIdentity(tx, s.shop, event, s.now))!.profileId;
  } finally {
    s.work.forget();
  }
}

const captureEventId = (m: IncomingMutation) => `capture:${m.id}`;

/**
 * What a capture is seen with before the tablet's knowledge is added: its email
 * and phone, normalised, then its local ID.
 */
function captureIdentifiers(a: Pick<CaptureArgs, "email" | "phone" | "localId">, shop: ShopContext): Identifier[] {
  const { settings } = shop;
  return [
    ...normalizeIdentifiers(
      { email: a.email, phone: a.phone },
      { defaultCountry: settings.defaultCountry, junk: settings.junkIdentifiers },
    ),
    localIdentifier(a.localId),
  ];
}

/**
 * The identifiers a mutation will look up, read ahead for the whole push; a
 * mutation with invalid arguments looks up none.
 */
export function identifiersOf(m: IncomingMutation, shop: ShopContext): Identifier[] {
  if (!isMutationName(m.name)) return [];
  const parsed = safeParseArgs(m as IncomingMutation & { name: MutationName });
  if (!parsed.success) return [];
  if (m.name === "customer.capture") return captureIdentifiers(parsed.data as CaptureArgs, shop);
  const localId = (parsed.data as { localId?: string }).localId;
  return localId ? [localIdentifier(localId)] : [];
}

const FIELD_COLUMNS = { firstName: "first_name", lastName: "last_name", birthday: "birthday", note: "note" } as const;
type LwwField = keyof typeof FIELD_COLUMNS;
const LWW_FIELDS = Object.keys(FIELD_COLUMNS) as LwwField[];

/**
 * Names, birthday and note: per field, the write the customer made last wins (by acted time, stored in
 * field_times), whatever order the devices sync in. A value replaced or ignored is kept in field_history
 * so a clerk's edit can be traced (the log says only that it happened: an erase cannot reach a log).
 */
async function writeFieldsLastWins(
  tx: Queryable,
  s: PushState,
  profileId: string,
  values: Partial<Record<LwwField, string | null | undefined>>,
  actedAt: Date,
  mutationId: string,
): Promise<void> {
  if (!Object.values(values).some((v) => typeof v === "string" && v.trim() !== "")) return;
  const row = await s.work.fields(tx, profileId);
  if (!row) throw new Rejected(`unknown_customer: profile ${profileId} is gone`);
  const stored = Object.fromEntries(LWW_FIELDS.map((f) => [f, row[FIELD_COLUMNS[f]]])) as Record<
    LwwField,
    string | null
  >;
  const result = applyFieldWrites<LwwField>({ values: stored, times: row.field_times }, values, actedAt);
  for (const l of result.lost) {
    s.fieldHistory.push({
      mutation_id: mutationId,
      field: l.field,
      outcome: l.outcome,
      profile_id: profileId,
      value: l.value,
      value_at: l.valueAt?.toISOString() ?? null,
      acted_at: actedAt.toISOString(),
    });
    const msg = l.outcome === "ignored" ? "older field write ignored" : "field overwritten";
    s.log({
      level: "info",
      msg,
      shopId: s.shop.shopId,
      profileId,
      field: l.field,
      actedAt: actedAt.toISOString(),
      mutationId,
    });
  }
  if (!result.changed) return;
  for (const f of LWW_FIELDS) row[FIELD_COLUMNS[f]] = result.values[f] ?? null;
  // The workspace keeps this object: update its times in place rather than replacing it.
  Object.assign(row.field_times, result.times);
  s.work.fieldsChanged(profileId);
  s.changed.add(profileId);
}
