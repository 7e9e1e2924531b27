import {
  effectiveActedAt,
  normalizeIdentifiers,
  pixelEventIdentifiers,
  type Identifier,
  type PixelBatch,
} from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Database, Queryable } from "../../db/client";
import { queryRows, type RawRow } from "../../db/rows";
import type * as tables from "../../db/schema";
import { HttpError } from "../../http/errors";
import { countHeldBack, screenArrivals, type Arrival } from "../gdpr/erasure-register";
import { recomputeProfiles } from "../profile/recompute-profile";
import { resolveEventIdentity } from "../identity/resolve-identity";
import { loadShop } from "../shop/shop";
import { sqlTextArray } from "../../db/sql-arrays";

export interface PixelResult {
  /** Events stored now; a resent event is not stored again. */
  stored: number;
  duplicates: number;
  /** Made before the erase of someone (or some browser) they name: dropped and counted for the merchant. */
  heldBack: number;
  /** Whether the browser belongs to a profile (now or already): the pixel is told nothing more about whom. */
  linked: boolean;
}

/**
 * A shop takes pixel events only while the app is installed: a shop row that is not uninstalled, and not
 * redacted without a fresh install since. One read, before anything is written.
 */
async function acceptsPixels(q: Queryable, shopId: string): Promise<boolean> {
  const rows = await queryRows(
    q,
    sql`SELECT 1 FROM shops s WHERE s.shop_id = ${shopId} AND s.uninstalled_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM redacted_shops r WHERE r.shop_domain = ${shopId} AND r.reinstalled_at IS NULL)`,
  );
  return rows.length > 0;
}

const PRODUCT_GID = /^gid:\/\/shopify\/Product\/(\d+)$/;
/** Order lines name products by their numeric id; a gid from the pixel is brought to the same form. */
const productIdOf = (raw: string | undefined) => (raw === undefined ? null : (PRODUCT_GID.exec(raw)?.[1] ?? raw));

/**
 * Stores one browser's batch of storefront events. Events that name nobody but the browser cost one
 * statement for the whole batch (plus the erasure register's read); they count for a profile only once
 * the browser's client id is linked to one. An event that carries an email, phone or Shopify customer
 * (checkout, sign-in) links the browser through identity resolution under the shop lock, where the
 * shared rule keeps a client id alone from tying two profiles that each hold an email or a Shopify ID.
 * A linked browser's profile is recomputed (sessions, last seen, viewed products, lifecycle, engagement).
 */
export async function ingestPixelBatch(database: Database, batch: PixelBatch, now: Date): Promise<PixelResult> {
  const shopId = batch.shop;
  return database.db.transaction(async (tx) => {
    if (!(await acceptsPixels(tx, shopId))) {
      throw new HttpError(404, "unknown_shop", `${shopId} has not installed the app; its pixel events are not taken`);
    }
    const shop = await loadShop(tx, shopId);
    const device: Identifier = { kind: "device", value: batch.clientId };
    const events = batch.events.map((e) => {
      const raw = pixelEventIdentifiers(batch.clientId, e);
      const seen = raw
        ? normalizeIdentifiers(raw, {
            defaultCountry: shop.settings.defaultCountry,
            junk: shop.settings.junkIdentifiers,
          })
        : [];
      // A junk or malformed email leaves only the browser: that names no one, and must not create a profile.
      const identifiers = seen.some((i) => i.kind !== "device") ? seen : [];
      return { event: e, at: effectiveActedAt(e.at, now).actedAt, identifiers };
    });
    // Erased means erased: events made before the erase of this browser or of whom they name are dropped.
    const arrivals: Arrival[] = events.map((e) => ({
      interaction: "session",
      madeAt: e.at,
      names: e.identifiers.length > 0 ? e.identifiers : [device],
    }));
    const verdicts = await screenArrivals(tx, shopId, arrivals);
    const kept = events.filter((_, i) => verdicts[i]?.keep !== false);
    const heldBack = events.length - kept.length;
    await countHeldBack(tx, shopId, "session", heldBack, now);

    const rows = kept.map(({ event, at }) => ({
      id: event.id,
      name: event.name,
      product_id: productIdOf(event.productId),
      at: at.toISOString(),
    }));
    // The batch in one statement, which also answers whether the browser already belongs to a profile.
    const [inserted] = await queryRows<{ stored: string | number; profile_id: string | null }>(
      tx,
      sql`WITH ins AS (
            INSERT INTO web_events (shop_id, id, client_id, session_id, name, product_id, at, received_at)
            SELECT ${shopId}, x.id, ${batch.clientId}, ${batch.sessionId}, x.name, x.product_id, x.at, ${now}
            FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(id text, name text, product_id text,
              at timestamptz)
            ON CONFLICT (shop_id, id) DO NOTHING
            RETURNING 1)
          SELECT (SELECT count(*) FROM ins) AS stored,
                 (SELECT profile_id FROM identifiers WHERE shop_id = ${shopId} AND kind = 'device'
                   AND value = ${batch.clientId}) AS profile_id`,
    );
    const stored = Number(inserted?.stored ?? 0);
    const touched = new Set<string>();
    if (inserted?.profile_id && stored > 0) touched.add(inserted.profile_id);
    let linked = Boolean(inserted?.profile_id);

    const identifying = kept.filter((e) => e.identifiers.length > 0);
    if (identifying.length > 0 || touched.size > 0) {
      // Identity decisions and change-feed versions of one shop are serialised by its row lock.
      const locked = await loadShop(tx, shopId, { lock: true });
      for (const e of identifying) {
        const resolution = await resolveEventIdentity(
          tx,
          locked,
          { id: `web:${e.event.id}`, source: "web", identifiers: e.identifiers, at: e.at },
          now,
        );
        if (resolution) touched.add(resolution.profileId);
      }
      // The browser's profile after linking (a merge may have moved it).
      const [owner] = await queryRows<RawRow<typeof tables.identifiers, "profile_id">>(
        tx,
        sql`SELECT profile_id FROM identifiers WHERE shop_id = ${shopId} AND kind = 'device'
          AND value = ${batch.clientId}`,
      );
      if (owner) touched.add(owner.profile_id);
      linked = Boolean(owner);
      const live = await queryRows<RawRow<typeof tables.profiles, "id">>(
        tx,
        sql`SELECT id FROM profiles WHERE shop_id = ${shopId} AND status = 'active'
            AND id = ANY(${sqlTextArray([...touched])})`,
      );
      if (live.length > 0)
        await recomputeProfiles(
          tx,
          shopId,
          live.map((r) => r.id),
          locked.settings,
          now,
        );
    }
    return { stored, duplicates: kept.length - stored, heldBack, linked };
  });
}
