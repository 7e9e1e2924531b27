import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { queryRows, type RawRow } from "../db/rows";
import type * as tables from "../db/schema";
import { HttpError } from "../http/errors";
import { unretriedDeadLetters } from "../services/ingest/dead-letters";
import type { AppEnv } from "../http/context";
import { backfillView, startBackfill, type BackfillRow } from "./backfill";

const iso = (d: Date | string | null) => (d == null ? null : new Date(d).toISOString());

/**
 * The admin's view of the Shopify connection: whether the shop has a token, the latest backfill with its
 * progress, Admin API jobs waiting to retry and those that failed for good (retry them from the
 * dead-letter list). `POST /backfill` starts (or answers the running) "Sync from Shopify".
 */
export const shopifyRoutes = new Hono<AppEnv>()
  .get("/status", async (c) => {
    const { db, clock } = c.var.deps;
    const shopId = c.var.shopId;
    const [connection] = await queryRows<RawRow<typeof tables.shopifyConnections, "scope" | "exchanged_at">>(
      db.db,
      sql`SELECT scope, exchanged_at FROM shopify_connections WHERE shop_id = ${shopId}`,
    );
    const [backfill] = await queryRows<BackfillRow>(
      db.db,
      sql`SELECT * FROM shopify_backfills WHERE shop_id = ${shopId} ORDER BY started_at DESC, id DESC LIMIT 1`,
    );
    const pending = await queryRows<RawRow<typeof tables.jobs, "kind" | "ref" | "attempts" | "last_error" | "run_at">>(
      db.db,
      sql`SELECT kind, ref, attempts, last_error, run_at FROM jobs
          WHERE shop_id = ${shopId} AND kind LIKE 'shopify.%' AND last_error IS NOT NULL ORDER BY run_at LIMIT 200`,
    );
    const failed = await unretriedDeadLetters(db.db, shopId, "shopify.");
    return c.json({
      connected: Boolean(connection),
      scope: connection?.scope ?? null,
      connectedAt: iso(connection?.exchanged_at ?? null),
      backfill: backfill ? backfillView(backfill, clock()) : null,
      pendingJobs: pending.map((j) => ({
        kind: j.kind,
        ref: j.ref,
        attempts: j.attempts,
        lastError: j.last_error,
        retryAt: iso(j.run_at),
      })),
      failedJobs: failed.map((j) => ({
        id: j.id,
        kind: j.kind,
        ref: j.ref,
        attempts: j.attempts,
        lastError: j.last_error,
        failedAt: iso(j.failed_at),
      })),
    });
  })
  .post("/backfill", async (c) => {
    const { db, clock, queue, shopify } = c.var.deps;
    if (!shopify)
      throw new HttpError(
        409,
        "not_connected",
        "this server does not talk to Shopify (set SHOPIFY_API_KEY and SHOPIFY_API_SECRET)",
      );
    if (!(await shopify.accessToken(c.var.shopId)))
      throw new HttpError(
        409,
        "not_connected",
        "the shop has no Admin API token yet; open the app in Shopify admin first",
      );
    const started = await startBackfill(db.db, c.var.shopId, clock());
    queue.kick();
    return c.json(
      { backfill: backfillView(started.row, clock()), started: started.created },
      started.created ? 202 : 200,
    );
  });
