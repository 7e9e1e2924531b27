import { shopSettingsSchema, type ShopSettings } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../db/client";
import { queryRows } from "../db/rows";

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
  let [row] = await queryRows<{ settings: unknown }>(q, sql`SELECT settings FROM shops WHERE shop_id = ${shopId}${lock}`);
  if (!row) {
    await ensureShop(q, shopId);
    [row] = await queryRows<{ settings: unknown }>(q, sql`SELECT settings FROM shops WHERE shop_id = ${shopId}${lock}`);
  }
  return { shopId, settings: parseStoredSettings(row?.settings) };
}

export function parseStoredSettings(stored: unknown): ShopSettings {
  const value = typeof stored === "string" ? JSON.parse(stored) : (stored ?? {});
  const parsed = shopSettingsSchema.safeParse(value);
  // Stored settings were validated when written; a schema change must not lock the shop out.
  return parsed.success ? parsed.data : shopSettingsSchema.parse({});
}

/** Records that a profile changed (or is gone) so devices pull it; one statement, version taken under the shop row lock. */
export async function recordProfileChange(q: Queryable, shopId: string, profileId: string, kind: "upsert" | "tombstone"): Promise<void> {
  await q.execute(sql`WITH v AS (UPDATE shops SET change_version = change_version + 1 WHERE shop_id = ${shopId} RETURNING change_version)
    INSERT INTO profile_changes (shop_id, profile_id, version, kind, changed_at)
    SELECT ${shopId}, ${profileId}, v.change_version, ${kind}, now() FROM v
    ON CONFLICT (shop_id, profile_id) DO UPDATE SET version = excluded.version, kind = excluded.kind, changed_at = excluded.changed_at`);
}
