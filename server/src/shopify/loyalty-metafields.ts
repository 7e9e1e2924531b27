import { customerGid, tierFor } from "@c360/shared";
import { sql } from "drizzle-orm";
import { queryRows } from "../db/rows";
import type { JobHandler } from "../jobs/queue";
import { loadShop } from "../services/shop/shop";
import { ShopifyCallFailed, type ShopifyAdmin } from "./admin";
import { enqueueShopifyJobs, SHOPIFY_JOBS } from "./enqueue";
import { METAFIELDS_SET } from "./queries";

/** The app-owned namespace POS, Flow and other apps read loyalty from. */
export const LOYALTY_NAMESPACE = "$app:loyalty";
/** Customers per metafieldsSet call: two metafields each, Shopify takes 25 per call. */
const CUSTOMERS_PER_CALL = 12;
/** Customers per job run; more changed ones are left to the next run of the job. */
const CUSTOMERS_PER_RUN = 240;
/** Loyalty writes wait a minute so a burst of orders becomes one batch. */
export const LOYALTY_BATCH_DELAY_MS = 60_000;

/** Asks for a loyalty write-back of the shop (one pending job at most; a connected shop only). */
export const scheduleLoyaltyWrite = (q: Parameters<typeof enqueueShopifyJobs>[0], shopId: string, now: Date) =>
  enqueueShopifyJobs(q, shopId, SHOPIFY_JOBS.loyalty, ["changed"], new Date(now.getTime() + LOYALTY_BATCH_DELAY_MS));

/**
 * `shopify.loyalty`: customers whose points or tier differ from what was last written get `points` and
 * `tier` metafields, 12 customers per metafieldsSet call; what was written is remembered, so a retry or
 * the next run sends only what changed since.
 */
export function loyaltyJobHandler(admin: ShopifyAdmin, clock: () => Date): JobHandler {
  return async (tx, job) => {
    const shop = await loadShop(tx, job.shop_id);
    // The tier follows from the points (and the shop's tier settings), so a points change is what is looked for.
    const rows = await queryRows<{ shopify_id: string; points: number }>(
      tx,
      sql`SELECT i.value AS shopify_id, p.loyalty_points AS points
          FROM identifiers i JOIN profiles p ON p.shop_id = i.shop_id AND p.id = i.profile_id AND p.status = 'active'
          LEFT JOIN shopify_loyalty_written w ON w.shop_id = i.shop_id AND w.shopify_customer_id = i.value
          WHERE i.shop_id = ${job.shop_id} AND i.kind = 'shopify' AND (w.points IS NULL OR w.points <> p.loyalty_points)
          ORDER BY i.value LIMIT ${CUSTOMERS_PER_RUN}`,
    );
    const changed = rows.map((r) => ({ ...r, tier: tierFor(r.points, shop.settings.loyalty.tiers).tier }));
    const now = clock();
    // More than one run's worth: the next run follows right after this one.
    if (rows.length === CUSTOMERS_PER_RUN)
      await enqueueShopifyJobs(tx, job.shop_id, SHOPIFY_JOBS.loyalty, [`more:${now.getTime()}`], now);
    for (let i = 0; i < changed.length; i += CUSTOMERS_PER_CALL) {
      const batch = changed.slice(i, i + CUSTOMERS_PER_CALL);
      const metafields = batch.flatMap((c) => [
        {
          ownerId: customerGid(c.shopify_id),
          namespace: LOYALTY_NAMESPACE,
          key: "points",
          type: "number_integer",
          value: String(c.points),
        },
        {
          ownerId: customerGid(c.shopify_id),
          namespace: LOYALTY_NAMESPACE,
          key: "tier",
          type: "single_line_text_field",
          value: c.tier,
        },
      ]);
      const { data } = await admin.graphql<{
        metafieldsSet: { userErrors: { field: string[] | null; message: string }[] };
      }>(job.shop_id, METAFIELDS_SET, { metafields }, tx);
      const errors = data.metafieldsSet.userErrors;
      if (errors.length > 0)
        throw new ShopifyCallFailed(
          `metafieldsSet refused: ${errors.map((e) => `${(e.field ?? []).join(".")}: ${e.message}`).join("; ")}`,
        );
      const rowsJson = JSON.stringify(batch.map((c) => ({ id: c.shopify_id, points: c.points, tier: c.tier })));
      await tx.execute(sql`INSERT INTO shopify_loyalty_written (shop_id, shopify_customer_id, points, tier, written_at)
        SELECT ${job.shop_id}, x.id, x.points, x.tier, ${now}
          FROM jsonb_to_recordset(${rowsJson}::jsonb)
          AS x(id text, points integer, tier text)
        ON CONFLICT (shop_id, shopify_customer_id) DO UPDATE
          SET points = excluded.points, tier = excluded.tier, written_at = excluded.written_at`);
    }
  };
}
