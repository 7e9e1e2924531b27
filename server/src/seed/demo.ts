import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { queryRows } from "../db/rows";
import { ingestBatch, parseDataEvent } from "../services/ingest/ingest-batch";
import { withShopLock } from "../services/shop/shop";
import { generateShop } from "./generate";

export const DEMO_SHOP = "demo-c360.myshopify.com";

/**
 * Writes a generated shop through the same batch ingest the webhook worker uses, a batch of events per
 * transaction. Skips a shop that already has profiles; returns null then.
 */
export async function seedShop(
  db: Db,
  opts: {
    shopId?: string;
    customers: number;
    seed?: number;
    now?: Date;
    batch?: number;
    onProgress?: (done: number, total: number) => void;
  },
) {
  const shopId = opts.shopId ?? DEMO_SHOP;
  const [existing] = await queryRows<{ n: string | number }>(
    db,
    sql`SELECT count(*) AS n FROM profiles WHERE shop_id = ${shopId}`,
  );
  if (Number(existing?.n ?? 0) > 0) return null;
  const now = opts.now ?? new Date();
  const shop = generateShop({ customers: opts.customers, seed: opts.seed, now });
  const batch = opts.batch ?? 200;
  for (let i = 0; i < shop.events.length; i += batch) {
    await withShopLock(db, shopId, async (tx, ctx) => {
      const events = shop.events.slice(i, i + batch).flatMap((e) => parseDataEvent(e.topic, e.payload) ?? []);
      await ingestBatch(tx, ctx, events, now);
    });
    opts.onProgress?.(Math.min(i + batch, shop.events.length), shop.events.length);
  }
  return { customers: shop.customers, orders: shop.orders, events: shop.events.length };
}
