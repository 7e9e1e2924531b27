import { shopSettingsSchema, type ShopSettings } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Db, Queryable, Tx } from "../../db/client";
import { queryRows, jsonOf, type RawRow } from "../../db/rows";
import type * as tables from "../../db/schema";
import { sqlTextArray } from "../../db/sql-arrays";

export interface ShopContext {
  shopId: string;
  settings: ShopSettings;
}

/** A shop is created on its first verified contact (session token or signed webhook). */
export async function ensureShop(q: Queryable, shopId: string): Promise<void> {
  await q.execute(sql`INSERT INTO shops (shop_id) VALUES (${shopId}) ON CONFLICT (shop_id) DO NOTHING`);
}

/**
 * Loads the shop and, with `lock`, takes its row lock: the writes that change profiles of one shop are
 * serialised, so identity decisions never race and change-feed versions commit in order.
 */
export async function loadShop(q: Queryable, shopId: string, opts: { lock?: boolean } = {}): Promise<ShopContext> {
  const lock = opts.lock ? sql` FOR UPDATE` : sql``;
  let [row] = await queryRows<RawRow<typeof tables.shops, "settings">>(
    q,
    sql`SELECT settings FROM shops WHERE shop_id = ${shopId}${lock}`,
  );
  if (!row) {
    await ensureShop(q, shopId);
    [row] = await queryRows<RawRow<typeof tables.shops, "settings">>(
      q,
      sql`SELECT settings FROM shops WHERE shop_id = ${shopId}${lock}`,
    );
  }
  return { shopId, settings: parseStoredSettings(row?.settings) };
}

/**
 * Runs `work` in one transaction holding the shop's row lock: every write that changes a shop's profiles,
 * consent ledger or loyalty goes through here, so they are serialised per shop and commit in order.
 */
export async function withShopLock<T>(
  db: Db | Tx,
  shopId: string,
  work: (tx: Tx, shop: ShopContext) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => work(tx, await loadShop(tx, shopId, { lock: true })));
}

export function parseStoredSettings(stored: unknown): ShopSettings {
  const value = jsonOf(stored) ?? {};
  const parsed = shopSettingsSchema.safeParse(value);
  // Stored settings were validated when written; a schema change must not lock the shop out.
  return parsed.success ? parsed.data : shopSettingsSchema.parse({});
}

/** Records that a profile changed (or is gone) so devices pull it; see {@link recordProfileChanges}. */
export async function recordProfileChange(
  q: Queryable,
  shopId: string,
  profileId: string,
  kind: "upsert" | "tombstone",
): Promise<void> {
  await recordProfileChanges(q, shopId, [profileId], kind);
}

/**
 * Records that profiles changed (or are gone) so devices pull them: one statement for any number, each
 * profile a fresh version from `shops.change_version`, taken under the shop row lock.
 */
export async function recordProfileChanges(
  q: Queryable,
  shopId: string,
  profileIds: readonly string[],
  kind: "upsert" | "tombstone",
): Promise<void> {
  const ids = [...new Set(profileIds)];
  if (ids.length === 0) return;
  await q.execute(sql`WITH ids AS (SELECT id, ord FROM unnest(${sqlTextArray(ids)}) WITH ORDINALITY AS t(id, ord)),
      v AS (UPDATE shops SET change_version = change_version + ${ids.length} WHERE shop_id = ${shopId}
            RETURNING change_version - ${ids.length} AS base)
    INSERT INTO profile_changes (shop_id, profile_id, version, kind, changed_at)
    SELECT ${shopId}, ids.id, v.base + ids.ord, ${kind}, now() FROM ids CROSS JOIN v
    ON CONFLICT (shop_id, profile_id) DO UPDATE SET version = excluded.version, kind = excluded.kind,
      changed_at = excluded.changed_at`);
}
