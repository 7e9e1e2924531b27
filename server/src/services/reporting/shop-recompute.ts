import type { RecomputeStatus } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Db, Queryable } from "../../db/client";
import { queryRows } from "../../db/rows";
import { enqueueJob } from "../../jobs/queue";
import { MANUAL_RECOMPUTE_PREFIX, RECOMPUTE_SHOP } from "../../jobs/recompute-shop";
import { withShopLock } from "../shop";

const iso = (d: Date | string) => new Date(d).toISOString();

/**
 * Puts a whole-shop recompute on the shared queue and answers its id. While one asked-for recompute
 * still waits or runs, asking again answers that one: two clicks make one pass.
 */
export async function requestShopRecompute(db: Db, shopId: string, now: Date): Promise<RecomputeStatus> {
  // One request at a time per shop: the shop lock orders two clicks that arrive together.
  return withShopLock(db, shopId, async (tx) => {
    const [waiting] = await queryRows<{ id: string }>(
      tx,
      sql`SELECT r.id FROM shop_recomputes r
          JOIN jobs j ON j.shop_id = r.shop_id AND j.kind = ${RECOMPUTE_SHOP}
            AND j.ref = ${MANUAL_RECOMPUTE_PREFIX} || r.id
          WHERE r.shop_id = ${shopId} AND r.finished_at IS NULL ORDER BY r.requested_at DESC LIMIT 1`,
    );
    if (waiting) return (await recomputeStatus(tx, shopId, waiting.id, now))!;
    const id = crypto.randomUUID();
    await tx.execute(sql`INSERT INTO shop_recomputes (shop_id, id, requested_at) VALUES (${shopId}, ${id}, ${now})`);
    await enqueueJob(tx, {
      shopId,
      kind: RECOMPUTE_SHOP,
      ref: `${MANUAL_RECOMPUTE_PREFIX}${id}`,
      runAt: now,
      maxAttempts: 3,
    });
    return { jobId: id, status: "queued", requestedAt: now.toISOString() };
  });
}

/** What happened to one asked-for recompute; null when this shop never asked for it. */
export async function recomputeStatus(
  db: Queryable,
  shopId: string,
  id: string,
  now: Date,
): Promise<RecomputeStatus | null> {
  const ref = `${MANUAL_RECOMPUTE_PREFIX}${id}`;
  const [row] = await queryRows<{
    requested_at: Date | string;
    finished_at: Date | string | null;
    profiles: number | null;
    changed: number | null;
    new_candidates: number | null;
    attempts: number | null;
    locked_until: Date | string | null;
    last_error: string | null;
    has_job: boolean;
    dead_error: string | null;
  }>(
    db,
    sql`SELECT r.requested_at, r.finished_at, r.profiles, r.changed, r.new_candidates,
               j.attempts, j.locked_until, j.last_error, j.id IS NOT NULL AS has_job,
               (SELECT d.last_error FROM dead_letters d
                WHERE d.shop_id = r.shop_id AND d.kind = ${RECOMPUTE_SHOP} AND d.ref = ${ref}
                ORDER BY d.failed_at DESC LIMIT 1) AS dead_error
        FROM shop_recomputes r
        LEFT JOIN jobs j ON j.shop_id = r.shop_id AND j.kind = ${RECOMPUTE_SHOP} AND j.ref = ${ref}
        WHERE r.shop_id = ${shopId} AND r.id = ${id}`,
  );
  if (!row) return null;
  const base = { jobId: id, requestedAt: iso(row.requested_at) };
  if (row.finished_at) {
    return {
      ...base,
      status: "done",
      finishedAt: iso(row.finished_at),
      profiles: row.profiles ?? 0,
      changed: row.changed ?? 0,
      newCandidates: row.new_candidates ?? 0,
    };
  }
  if (!row.has_job)
    return { ...base, status: "failed", error: row.dead_error ?? "the recompute stopped without finishing" };
  if (row.locked_until && new Date(row.locked_until) > now) return { ...base, status: "running" };
  if ((row.attempts ?? 0) > 0)
    return { ...base, status: "retrying", attempts: row.attempts ?? 0, lastError: row.last_error };
  return { ...base, status: "queued" };
}
