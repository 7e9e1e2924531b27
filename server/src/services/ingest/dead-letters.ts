import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows } from "../../db/rows";

export interface DeadLetterRow {
  id: string;
  kind: string;
  ref: string;
  attempts: number;
  last_error: string;
  failed_at: Date;
  /** Set when the job was a webhook delivery: its topic and Shopify's event id. */
  topic: string | null;
  event_id: string | null;
}

/**
 * The shop's dead letters not yet retried, newest first (at most 200): every kind, or those whose job
 * kind starts with `kindPrefix` (`shopify.` for the Admin API writes).
 */
export async function unretriedDeadLetters(q: Queryable, shopId: string, kindPrefix = ""): Promise<DeadLetterRow[]> {
  return queryRows<DeadLetterRow>(
    q,
    sql`SELECT d.id, d.kind, d.ref, d.attempts, d.last_error, d.failed_at, w.topic, w.event_id
        FROM dead_letters d LEFT JOIN webhook_deliveries w ON w.shop_id = d.shop_id AND w.delivery_id = d.ref
        WHERE d.shop_id = ${shopId} AND d.retried_at IS NULL AND d.kind LIKE ${`${kindPrefix}%`}
        ORDER BY d.failed_at DESC LIMIT 200`,
  );
}

/** The shop's dead letters not yet retried, named as the merchant sees them in Shopify's logs. */
export async function listDeadLetters(q: Queryable, shopId: string) {
  const rows = await unretriedDeadLetters(q, shopId);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    deliveryId: r.event_id ?? r.ref, // Shopify's event id, as the merchant sees it in Shopify's logs
    topic: r.topic,
    attempts: r.attempts,
    lastError: r.last_error,
    failedAt: new Date(r.failed_at).toISOString(),
  }));
}

/** Webhook deliveries of the shop by status (received, processed, dead...). */
export async function deliveryHealth(q: Queryable, shopId: string): Promise<Record<string, number>> {
  const rows = await queryRows<{ status: string; n: string | number }>(
    q,
    sql`SELECT status, count(*) AS n FROM webhook_deliveries WHERE shop_id = ${shopId} GROUP BY status`,
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
