import { Hono } from "hono";
import type { AppEnv } from "../http/context";
import { notFound } from "../http/errors";
import { retryDeadLetter } from "../jobs/queue";
import { deliveryHealth, listDeadLetters } from "../services/ingest";

/** Delivery health and the dead-letter list, for the admin's Webhooks page. */
export const webhookAdminRoutes = new Hono<AppEnv>()
  .get("/dead", async (c) => c.json({ deadLetters: await listDeadLetters(c.var.deps.db.db, c.var.shopId) }))
  .post("/dead/:id/retry", async (c) => {
    const { db, queue, clock } = c.var.deps;
    const ok = await retryDeadLetter(db.db, c.var.shopId, c.req.param("id"), clock());
    if (!ok) throw notFound(`dead letter ${c.req.param("id")}`);
    queue.kick();
    return c.json({ ok: true, requeued: c.req.param("id") }, 202);
  })
  .get("/health", async (c) => c.json(await deliveryHealth(c.var.deps.db.db, c.var.shopId)));
