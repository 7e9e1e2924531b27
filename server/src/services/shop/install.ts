import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { ensureShop } from "./shop";

/**
 * Shopify sends no webhook when a shop installs the app again; the first session token it issues after
 * the uninstall (or after shop/redact) is the sign: Shopify only issues them to shops that have the app.
 * A token issued before the uninstall and still within its minute is not, hence the comparison with
 * the token's issue time. Creates the shop on its first contact, clears `uninstalled_at` (so the nightly
 * recompute includes it again) and lifts a redacted shop's tombstone for deliveries newer than it.
 */
export async function recordVerifiedSession(q: Queryable, shopId: string, issuedAt: Date): Promise<void> {
  await ensureShop(q, shopId);
  await q.execute(sql`UPDATE shops SET uninstalled_at = NULL, installed_at = ${issuedAt}
    WHERE shop_id = ${shopId} AND uninstalled_at IS NOT NULL AND uninstalled_at < ${issuedAt}`);
  await q.execute(sql`UPDATE redacted_shops SET reinstalled_at = ${issuedAt}
    WHERE shop_domain = ${shopId} AND reinstalled_at IS NULL AND redacted_at < ${issuedAt}`);
}
