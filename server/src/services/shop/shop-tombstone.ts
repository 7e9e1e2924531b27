import type { RedactedShop } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Database, Queryable } from "../../db/client";
import { preparedRows } from "../../db/prepared";
import { queryRows } from "../../db/rows";
import { sqlTextArray } from "../../db/sql-arrays";

/**
 * The tombstone of a redacted shop (`redacted_shops`): written by shop/redact before the shop's rows go,
 * read by webhook intake and processing, lifted by a fresh install.
 */

/** What intake needs to know of a delivery's shop: its pinned Shopify ID, and its tombstone if it was redacted. */
export interface ShopAtIntake {
  shopifyShopId: string | null;
  redacted: (RedactedShop & { deliveredBeforeRedact: boolean }) | null;
}

/**
 * {@link ShopAtIntake} for each of a batch of deliveries, in order, in one read. The batch travels as one
 * JSON parameter so the statement's text is the same for any batch size (prepared once per connection).
 */
export async function shopsAtIntake(
  database: Database,
  deliveries: readonly { shopDomain: string; deliveryId: string }[],
): Promise<ShopAtIntake[]> {
  const batch = JSON.stringify(deliveries.map((d) => [d.shopDomain, d.deliveryId]));
  const rows = await preparedRows<{
    shopify_shop_id: string | null;
    redacted_at: Date | string | null;
    reinstalled_at: Date | string | null;
    seen: boolean | null;
  }>(
    database,
    sql`SELECT s.shopify_shop_id, r.redacted_at, r.reinstalled_at, i.e->>1 = ANY(r.delivery_ids) AS seen
        FROM jsonb_array_elements(${batch}::jsonb) WITH ORDINALITY AS i(e, n)
        LEFT JOIN shops s ON s.shop_id = i.e->>0
        LEFT JOIN redacted_shops r ON r.shop_domain = i.e->>0
        ORDER BY i.n`,
  );
  return rows.map((row) => ({
    shopifyShopId: row.shopify_shop_id ?? null,
    redacted: row.redacted_at
      ? {
          redactedAt: new Date(row.redacted_at),
          reinstalledAt: row.reinstalled_at ? new Date(row.reinstalled_at) : null,
          deliveredBeforeRedact: row.seen === true,
        }
      : null,
  }));
}

/** Pins the shop's numeric Shopify ID the first time a signed body names it. */
export async function pinShopifyShopId(q: Queryable, shopDomain: string, shopifyShopId: string): Promise<void> {
  await q.execute(
    sql`UPDATE shops SET shopify_shop_id = ${shopifyShopId} WHERE shop_id = ${shopDomain} AND shopify_shop_id IS NULL`,
  );
}

/** Called by shop/redact before the shop's rows are deleted: keeps when, and every delivery it had. */
export async function tombstoneShop(q: Queryable, shopDomain: string, now: Date): Promise<void> {
  await q.execute(sql`INSERT INTO redacted_shops (shop_domain, redacted_at, delivery_ids)
    SELECT ${shopDomain}, ${now}, coalesce(array_agg(delivery_id), '{}')
    FROM webhook_deliveries WHERE shop_id = ${shopDomain}
    ON CONFLICT (shop_domain) DO UPDATE SET redacted_at = excluded.redacted_at, reinstalled_at = NULL,
      delivery_ids = (SELECT array_agg(DISTINCT d)
        FROM unnest(redacted_shops.delivery_ids || excluded.delivery_ids) AS d)`);
}

/** True while the shop is redacted and not installed again: its queued deliveries must not be processed. */
export async function isRedactedShop(q: Queryable, shopDomain: string): Promise<boolean> {
  const rows = await queryRows(
    q,
    sql`SELECT 1 FROM redacted_shops WHERE shop_domain = ${shopDomain} AND reinstalled_at IS NULL`,
  );
  return rows.length > 0;
}

/**
 * Drops deliveries of a redacted shop that were stored while the redaction ran: their ids join the
 * tombstone (a retry of them stays refused) and nothing of them is kept.
 */
export async function dropDeliveriesOfRedactedShop(
  q: Queryable,
  shopDomain: string,
  deliveryIds: readonly string[],
): Promise<void> {
  await q.execute(sql`UPDATE redacted_shops SET delivery_ids = delivery_ids || ${sqlTextArray([...deliveryIds])}
    WHERE shop_domain = ${shopDomain}`);
  await q.execute(
    sql`DELETE FROM webhook_deliveries
        WHERE shop_id = ${shopDomain} AND delivery_id = ANY(${sqlTextArray([...deliveryIds])})`,
  );
}
