import { sql } from "drizzle-orm";
import type { Db, Tx } from "../db/client";
import { queryRows, type RawRow } from "../db/rows";
import type * as tables from "../db/schema";
import { loadShop } from "../services/shop/shop";
import { recomputeShop } from "./whole-shop-recompute";
import { enqueueJob, type Job } from "./queue";

export const RECOMPUTE_SHOP = "recompute_shop";

/** A recompute the merchant asked for ("Recompute now") has this ref; its id keys `shop_recomputes`. */
export const MANUAL_RECOMPUTE_PREFIX = "manual:";

/**
 * The whole-shop recompute of one shop (nightly, or asked for from the admin), inside the job's
 * transaction; an asked-for one records what it did in the same transaction, so it reads done only once applied.
 */
export function recomputeShopJobHandler(clock: () => Date) {
  return async (tx: Tx, job: Job): Promise<void> => {
    const shop = await loadShop(tx, job.shop_id, { lock: true });
    const now = clock();
    const result = await recomputeShop(tx, shop, now);
    if (!job.ref.startsWith(MANUAL_RECOMPUTE_PREFIX)) return;
    await tx.execute(sql`UPDATE shop_recomputes SET finished_at = ${now}, profiles = ${result.profiles},
        changed = ${result.changed}, new_candidates = ${result.newCandidates}
      WHERE shop_id = ${job.shop_id} AND id = ${job.ref.slice(MANUAL_RECOMPUTE_PREFIX.length)}`);
  };
}

/** 03:00 UTC of the next day that has not reached it yet: quiet hours for most shops. */
export function nextNightlyRun(now: Date): Date {
  const run = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 3));
  return run > now ? run : new Date(run.getTime() + 86_400_000);
}

/**
 * Puts the next night's recompute of every installed shop on the shared queue, keyed by its date, so any
 * number of instances ticking any number of times schedule each shop once per day: the job for a date
 * waits until that date's run, and once it has run every tick already schedules the next date.
 */
export async function scheduleNightlyRecompute(db: Db, now: Date): Promise<number> {
  const runAt = nextNightlyRun(now);
  const ref = runAt.toISOString().slice(0, 10);
  const shops = await queryRows<RawRow<typeof tables.shops, "shop_id">>(
    db,
    sql`SELECT shop_id FROM shops WHERE uninstalled_at IS NULL`,
  );
  for (const { shop_id } of shops)
    await enqueueJob(db, { shopId: shop_id, kind: RECOMPUTE_SHOP, ref, runAt, maxAttempts: 3 });
  return shops.length;
}
