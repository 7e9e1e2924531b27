import { consentWriteBack } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../db/client";
import { sqlTextArray } from "../db/sql-arrays";

export const SHOPIFY_JOBS = {
  consent: "shopify.consent",
  customer: "shopify.customer",
  backfill: "shopify.backfill",
  loyalty: "shopify.loyalty",
  customerMerge: "shopify.customerMerge",
  webPixel: "shopify.webPixel",
} as const;

/** Admin API jobs wait out throttling and outages: more attempts than a webhook job before a dead letter. */
export const SHOPIFY_MAX_ATTEMPTS = 20;

/**
 * Puts Admin API jobs on the queue, in the caller's transaction, only for a shop connected to Shopify
 * (one statement; nothing for a shop without a token). Idempotent by (kind, ref).
 */
export async function enqueueShopifyJobs(
  q: Queryable,
  shopId: string,
  kind: string,
  refs: readonly string[],
  runAt: Date,
): Promise<void> {
  if (refs.length === 0) return;
  await q.execute(sql`INSERT INTO jobs (shop_id, id, kind, ref, run_at, max_attempts)
    SELECT ${shopId}, gen_random_uuid()::text, ${kind}, r.ref, ${runAt}, ${SHOPIFY_MAX_ATTEMPTS}
    FROM unnest(${sqlTextArray([...refs])}) AS r(ref)
    WHERE EXISTS (SELECT 1 FROM shopify_connections WHERE shop_id = ${shopId})
    ON CONFLICT (shop_id, kind, ref) DO NOTHING`);
}

/**
 * A grant or revocation we captured (register, tablet, global unsubscribe) goes back to Shopify: one job
 * per channel Shopify keeps. A row that came from Shopify itself is not written back.
 */
export async function enqueueConsentWriteBack(
  q: Queryable,
  shopId: string,
  row: {
    id: string;
    channel: string;
    action: "granted" | "revoked";
    source: string;
    actedAt: Date;
    locationId: string | null;
    receivedAt: Date;
  },
): Promise<void> {
  if (row.source === "shopify") return;
  const channels = consentWriteBack(row).map((w) => w.channel);
  await enqueueShopifyJobs(
    q,
    shopId,
    SHOPIFY_JOBS.consent,
    channels.map((c) => `${row.id}:${c}`),
    row.receivedAt,
  );
}
