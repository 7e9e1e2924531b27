import {
  consentRowHash,
  verifyChain,
  type ChainVerification,
  effectiveActedAt,
  matchesConsentText,
  missingPhoneRefusal,
  normalizeEmail,
  normalizePhone,
  type ConsentCapture,
  type ConsentLedgerRow,
  type ConsentSource,
} from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows, type RawRow } from "../../db/rows";
import type * as tables from "../../db/schema";
import { HttpError, notFound } from "../../http/errors";
import { identify } from "../identity/identify";
import { enqueueConsentWriteBack } from "../../shopify/enqueue";
import { refreshConsentFlags } from "./consent-flags";
import { publishedConsentTexts } from "./consent-texts";
import { recordProfileChange, type ShopContext } from "../shop/shop";

/**
 * Erasure keeps each consent row as a stub so the shop's hash chain still links end to end: the stub
 * keeps seq, id, prev_hash, hash, channel, action, times, clamped, source and text version, and loses
 * the text, locale, place, device, staff and jurisdiction. Its `profile_id` becomes this marker, which
 * is never a profile id (those are UUIDs): the stub no longer belongs to anyone, and verification
 * checks only its links, since its content hash can no longer be recomputed.
 */
export const ERASED_CONSENT_PROFILE = "erased";

export interface ConsentContext {
  /** Overrides each capture's own source when the channel decides it (a companion push is always "companion"). */
  source: ConsentSource | null;
  deviceId: string | null;
  locationId: string | null;
  staffId: string | null;
  receivedAt: Date;
}

export interface StoredConsentRow {
  shop_id: string;
  id: string;
  seq: number | string;
  profile_id: string;
  channel: string;
  action: "granted" | "revoked";
  text_version: number | null;
  text: string | null;
  locale: string | null;
  acted_at: Date | string;
  device_time: Date | string;
  received_at: Date | string;
  clamped: boolean;
  source: string;
  location_id: string | null;
  device_id: string | null;
  staff_id: string | null;
  jurisdiction: string | null;
  prev_hash: string | null;
  hash: string;
}

const iso = (d: Date | string) => new Date(d).toISOString();

export function consentRowView(r: StoredConsentRow) {
  return {
    id: r.id,
    seq: Number(r.seq),
    profileId: r.profile_id,
    channel: r.channel,
    action: r.action,
    textVersion: r.text_version == null ? null : Number(r.text_version),
    text: r.text,
    locale: r.locale,
    actedAt: iso(r.acted_at),
    deviceTime: iso(r.device_time),
    receivedAt: iso(r.received_at),
    clamped: r.clamped,
    source: r.source,
    locationId: r.location_id,
    deviceId: r.device_id,
    staffId: r.staff_id,
    jurisdiction: r.jurisdiction,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
export type ConsentRowView = ReturnType<typeof consentRowView>;

export function ledgerRowOf(r: StoredConsentRow): ConsentLedgerRow {
  return {
    id: r.id,
    profileId: r.profile_id,
    channel: r.channel as ConsentLedgerRow["channel"],
    action: r.action,
    textVersion: r.text_version == null ? null : Number(r.text_version),
    text: r.text,
    actedAt: new Date(r.acted_at),
    receivedAt: new Date(r.received_at),
    clamped: r.clamped,
    source: r.source as ConsentSource,
    locationId: r.location_id,
    deviceId: r.device_id,
    staffId: r.staff_id,
    jurisdiction: r.jurisdiction,
  };
}

/**
 * The live profile a consent belongs to, row-locked so a send decided for this customer waits for the
 * consent to commit (the gate locks the same row). A merged profile's consent goes to its survivor.
 */
export async function lockConsentProfile(
  q: Queryable,
  shopId: string,
  ref: { profileId?: string | undefined; shopifyCustomerId?: string | undefined },
): Promise<string> {
  let profileId = ref.profileId ?? null;
  if (!profileId && ref.shopifyCustomerId) {
    const [row] = await queryRows<RawRow<typeof tables.identifiers, "profile_id">>(
      q,
      sql`SELECT profile_id FROM identifiers WHERE shop_id = ${shopId} AND kind = 'shopify'
        AND value = ${ref.shopifyCustomerId}`,
    );
    profileId = row?.profile_id ?? null;
  }
  const what = ref.profileId ? `profile ${ref.profileId}` : `customer ${ref.shopifyCustomerId}`;
  if (!profileId) throw notFound(what);
  const [row] = await queryRows<RawRow<typeof tables.profiles, "id" | "status" | "merged_into">>(
    q,
    sql`SELECT id, status, merged_into FROM profiles WHERE shop_id = ${shopId} AND id = ${profileId} FOR UPDATE`,
  );
  if (!row || row.status === "erased") throw notFound(what);
  if (row.status === "merged" && row.merged_into) return lockConsentProfile(q, shopId, { profileId: row.merged_into });
  return row.id;
}

interface NewConsentRow extends ConsentLedgerRow {
  locale: string | null;
  deviceTime: Date;
}

/**
 * Appends one row to the shop's chain and brings the profile's consent flags up to date with it. The
 * caller holds the shop row lock, so seq and prev hash cannot race.
 */
export async function appendConsentRow(q: Queryable, shopId: string, row: NewConsentRow): Promise<StoredConsentRow> {
  const [head] = await queryRows<RawRow<typeof tables.shops, "consent_seq" | "consent_head_hash">>(
    q,
    sql`SELECT consent_seq, consent_head_hash FROM shops WHERE shop_id = ${shopId}`,
  );
  if (!head) throw new Error(`shop ${shopId} is not loaded`);
  const seq = Number(head.consent_seq) + 1;
  const prevHash = head.consent_head_hash;
  const hash = consentRowHash(prevHash, row);
  const [stored] = await queryRows<StoredConsentRow>(
    q,
    sql`INSERT INTO consents (shop_id, id, seq, profile_id, channel, action, text_version, text, locale, acted_at,
      device_time,
          received_at, clamped, source, location_id, device_id, staff_id, jurisdiction, prev_hash, hash)
        VALUES (${shopId}, ${row.id}, ${seq}, ${row.profileId}, ${row.channel}, ${row.action}, ${row.textVersion},
          ${row.text},
          ${row.locale}, ${row.actedAt}, ${row.deviceTime}, ${row.receivedAt}, ${row.clamped}, ${row.source},
            ${row.locationId},
          ${row.deviceId}, ${row.staffId}, ${row.jurisdiction}, ${prevHash}, ${hash})
        RETURNING *`,
  );
  await q.execute(sql`UPDATE shops SET consent_seq = ${seq}, consent_head_hash = ${hash} WHERE shop_id = ${shopId}`);
  await refreshConsentFlags(q, shopId, [row.profileId]);
  await enqueueConsentWriteBack(q, shopId, row);
  return stored!;
}

async function storedConsent(q: Queryable, shopId: string, id: string): Promise<StoredConsentRow | null> {
  const [row] = await queryRows<StoredConsentRow>(
    q,
    sql`SELECT * FROM consents WHERE shop_id = ${shopId} AND id = ${id}`,
  );
  return row ?? null;
}

export interface RecordedConsent {
  id: string;
  status: "recorded" | "duplicate";
  row: ConsentRowView;
}

/**
 * Records consent captures (from the register, the admin, or a companion push) inside the caller's
 * transaction, which holds the shop lock. Every capture is checked first, so a refused one writes
 * nothing: its text must be exactly the version the shop published. A capture id seen before changes
 * nothing and answers the stored row.
 */
export async function recordConsents(
  tx: Queryable,
  shop: ShopContext,
  captures: readonly ConsentCapture[],
  ctx: ConsentContext,
): Promise<RecordedConsent[]> {
  const { shopId } = shop;
  const texts = await publishedConsentTexts(tx, shopId, ctx.receivedAt);
  const fresh: ConsentCapture[] = [];
  for (const capture of captures) {
    if (await storedConsent(tx, shopId, capture.id)) continue;
    const match = matchesConsentText(
      { channel: capture.channel, locale: capture.locale, version: capture.textVersion, text: capture.text },
      texts,
    );
    if (!match.ok) throw new HttpError(422, "consent_text_mismatch", `consent ${capture.id}: ${match.reason}`);
    fresh.push(capture);
  }
  const profilesFor = new Map<ConsentCapture, string>();
  for (const capture of fresh) {
    const profileId = await lockConsentProfile(tx, shopId, capture);
    const linked = await withPhoneForGrant(tx, shop, capture, profileId, ctx.receivedAt);
    profilesFor.set(capture, linked);
  }

  const results: RecordedConsent[] = [];
  const touched = new Set<string>();
  for (const capture of captures) {
    const existing = await storedConsent(tx, shopId, capture.id);
    if (existing) {
      results.push({ id: capture.id, status: "duplicate", row: consentRowView(existing) });
      continue;
    }
    const profileId = profilesFor.get(capture)!;
    const { actedAt, clamped } = effectiveActedAt(capture.actedAt, ctx.receivedAt);
    const stored = await appendConsentRow(tx, shopId, {
      id: capture.id,
      profileId,
      channel: capture.channel,
      action: capture.action,
      textVersion: capture.textVersion,
      text: capture.text.trim(),
      locale: capture.locale,
      actedAt,
      deviceTime: Number.isNaN(capture.actedAt.getTime()) ? ctx.receivedAt : capture.actedAt,
      receivedAt: ctx.receivedAt,
      clamped,
      source: ctx.source ?? capture.source,
      locationId: capture.locationId ?? ctx.locationId,
      deviceId: ctx.deviceId,
      staffId: capture.staffId ?? ctx.staffId,
      jurisdiction: capture.jurisdiction ?? null,
    });
    touched.add(profileId);
    results.push({ id: capture.id, status: "recorded", row: consentRowView(stored) });
  }
  for (const profileId of touched) await recordProfileChange(tx, shopId, profileId, "upsert");
  return results;
}

/**
 * SMS and WhatsApp grants need a phone on the profile (shared `missingPhoneRefusal`): the register asks
 * the clerk for one, and a phone given with the grant is linked like any capture's identifiers (identity
 * resolution, erasure check), which may land the consent on the profile that already owned that number.
 * A grant that still has no phone is refused (422 `phone_required`) on every path that records consent:
 * the register and admin (`POST /api/consents`) and the companion's push, where it refuses that mutation only.
 */
const ANCHOR_FIELDS: Record<string, "shopifyCustomerId" | "email" | "deviceId" | "marketplaceId"> = {
  shopify: "shopifyCustomerId",
  email: "email",
  device: "deviceId",
  marketplace: "marketplaceId",
};

async function withPhoneForGrant(
  tx: Queryable,
  shop: ShopContext,
  capture: ConsentCapture,
  profileId: string,
  now: Date,
): Promise<string> {
  if (!missingPhoneRefusal({ channel: capture.channel, action: capture.action, phones: [] })) return profileId;
  const ids = await queryRows<RawRow<typeof tables.identifiers, "kind" | "value">>(
    tx,
    sql`SELECT kind, value FROM identifiers WHERE shop_id = ${shop.shopId} AND profile_id = ${profileId}`,
  );
  const phones = ids.filter((i) => i.kind === "phone").map((i) => i.value);
  if (capture.phone) {
    const phone = normalizePhone(capture.phone, shop.settings.defaultCountry, shop.settings.junkIdentifiers);
    if (!phone) {
      const why = `consent ${capture.id}: "phone" must be a phone number, like +14155550100`;
      throw new HttpError(422, "invalid_phone", why);
    }
    if (!phones.includes(phone)) {
      // Seen together with one of the profile's own identifiers, so resolution links the phone to it.
      const anchor = ids.find((i) => i.kind in ANCHOR_FIELDS);
      if (anchor) {
        const identifiers = { [ANCHOR_FIELDS[anchor.kind]!]: anchor.value, phone };
        const eventId = `consent-phone:${capture.id}`;
        const linked = await identify(tx, shop, { source: "capture", eventId, identifiers }, now);
        return lockConsentProfile(tx, shop.shopId, { profileId: linked.profileId });
      }
    }
    phones.push(phone);
  }
  const refusal = missingPhoneRefusal({ channel: capture.channel, action: capture.action, phones });
  if (refusal) throw new HttpError(422, refusal.code, `consent ${capture.id}: ${refusal.message}`);
  return profileId;
}

/** The profile an unsubscribe request names, by profile id or by a normalised email or phone. */
export async function profileForUnsubscribe(
  q: Queryable,
  shop: ShopContext,
  ref: { profileId?: string | undefined; email?: string | undefined; phone?: string | undefined },
): Promise<string> {
  if (ref.profileId) return lockConsentProfile(q, shop.shopId, { profileId: ref.profileId });
  const email = ref.email ? normalizeEmail(ref.email, shop.settings.junkIdentifiers) : null;
  const phone = ref.phone
    ? normalizePhone(ref.phone, shop.settings.defaultCountry, shop.settings.junkIdentifiers)
    : null;
  for (const [kind, value] of [
    ["email", email],
    ["phone", phone],
  ] as const) {
    if (!value) continue;
    const [row] = await queryRows<RawRow<typeof tables.identifiers, "profile_id">>(
      q,
      sql`SELECT profile_id FROM identifiers WHERE shop_id = ${shop.shopId} AND kind = ${kind} AND value = ${value}`,
    );
    if (row) return lockConsentProfile(q, shop.shopId, { profileId: row.profile_id });
  }
  throw notFound(`customer ${ref.email ?? ref.phone}`);
}

/** One "all"/revoked ledger row: every channel is blocked from `actedAt` on (a later explicit grant re-opens one). */
export async function recordGlobalUnsubscribe(
  tx: Queryable,
  shop: ShopContext,
  profileId: string,
  ctx: ConsentContext & { id: string; actedAt: Date },
): Promise<StoredConsentRow> {
  const { actedAt, clamped } = effectiveActedAt(ctx.actedAt, ctx.receivedAt);
  const row = await appendConsentRow(tx, shop.shopId, {
    id: ctx.id,
    profileId,
    channel: "all",
    action: "revoked",
    textVersion: null,
    text: null,
    locale: null,
    actedAt,
    deviceTime: ctx.actedAt,
    receivedAt: ctx.receivedAt,
    clamped,
    source: ctx.source ?? "admin",
    locationId: ctx.locationId,
    deviceId: ctx.deviceId,
    staffId: ctx.staffId,
    jurisdiction: null,
  });
  await recordProfileChange(tx, shop.shopId, profileId, "upsert");
  return row;
}

export async function consentHistory(q: Queryable, shopId: string, profileId: string): Promise<ConsentRowView[]> {
  const rows = await queryRows<StoredConsentRow>(
    q,
    sql`SELECT * FROM consents WHERE shop_id = ${shopId} AND profile_id = ${profileId} ORDER BY acted_at, seq`,
  );
  return rows.map(consentRowView);
}

/** The shop's whole chain checked by the shared rule, against the head the shop row holds. */
export async function verifyShopLedger(q: Queryable, shopId: string): Promise<ChainVerification> {
  const [head] = await queryRows<RawRow<typeof tables.shops, "consent_seq" | "consent_head_hash">>(
    q,
    sql`SELECT consent_seq, consent_head_hash FROM shops WHERE shop_id = ${shopId}`,
  );
  const rows = await queryRows<StoredConsentRow>(q, sql`SELECT * FROM consents WHERE shop_id = ${shopId} ORDER BY seq`);
  const chain = rows.map((r) => ({
    ...ledgerRowOf(r),
    seq: Number(r.seq),
    prevHash: r.prev_hash,
    hash: r.hash,
    erased: r.profile_id === ERASED_CONSENT_PROFILE,
  }));
  return verifyChain(chain, { seq: Number(head?.consent_seq ?? 0), hash: head?.consent_head_hash ?? null });
}
