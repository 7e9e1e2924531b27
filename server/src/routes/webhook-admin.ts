import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { queryRows } from "../db/rows";
import { notFound } from "../http/errors";
import type { AppEnv } from "../http/context";
import { retryDeadLetter } from "../jobs/queue";

/** Delivery health and the dead-letter list, for the admin's Webhooks page. */
export const webhookAdminRoutes = new Hono<AppEnv>()
  .get("/dead", async (c) => {
    const rows = await queryRows<{ id: string; kind: string; ref: string; attempts: number; last_error: string; failed_at: Date; topic: string | null; event_id: string | null }>(
      c.var.deps.db.db,
      sql`SELECT d.id, d.kind, d.ref, d.attempts, d.last_error, d.failed_at, w.topic, w.event_id
          FROM dead_letters d LEFT JOIN webhook_deliveries w ON w.shop_id = d.shop_id AND w.delivery_id = d.ref
          WHERE d.shop_id = ${c.var.shopId} AND d.retried_at IS NULL ORDER BY d.failed_at DESC LIMIT 200`,
    );
    return c.json({
      deadLetters: rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        deliveryId: r.event_id ?? r.ref, // Shopify's event id, as the merchant sees it in Shopify's logs
        topic: r.topic,
        attempts: r.attempts,
        lastError: r.last_error,
        failedAt: new Date(r.failed_at).toISOString(),
      })),
    });
  })
  .post("/dead/:id/retry", async (c) => {
    const { db, queue, clock } = c.var.deps;
    const ok = await retryDeadLetter(db.db, c.var.shopId, c.req.param("id"), clock());
    if (!ok) throw notFound(`dead letter ${c.req.param("id")}`);
    queue.kick();
    return c.json({ ok: true, requeued: c.req.param("id") }, 202);
  })
  .get("/health", async (c) => {
    const rows = await queryRows<{ status: string; n: string | number }>(
      c.var.deps.db.db,
      sql`SELECT status, count(*) AS n FROM webhook_deliveries WHERE shop_id = ${c.var.shopId} GROUP BY status`,
    );
    return c.json(Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])));
  });
