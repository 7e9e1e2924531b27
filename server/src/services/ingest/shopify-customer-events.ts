import { webhookCustomerMergeSchema, webhookDeletedSchema } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows, type RawRow } from "../../db/rows";
import type * as tables from "../../db/schema";
import { reconcileOrderPoints } from "../loyalty/order-points";
import { mergeProfiles } from "../identity/merge";
import { recomputeProfiles } from "../profile/recompute-profile";
import { recordProfileChange, type ShopContext } from "../shop/shop";

/**
 * Shopify deleting or merging records: customers/delete, customers/merge and orders/delete. None of them
 * erases a person (that is customers/redact); they keep our profiles shaped the way Shopify's are.
 */

/** The live profile holding a Shopify customer ID, following merges; null when unknown or erased. */
export async function liveProfileOfCustomer(
  q: Queryable,
  shopId: string,
  shopifyCustomerId: string,
): Promise<string | null> {
  const [row] = await queryRows<{ id: string; status: string; merged_into: string | null }>(
    q,
    sql`SELECT p.id, p.status, p.merged_into
        FROM identifiers i JOIN profiles p ON p.shop_id = i.shop_id AND p.id = i.profile_id
        WHERE i.shop_id = ${shopId} AND i.kind = 'shopify' AND i.value = ${shopifyCustomerId}`,
  );
  if (!row || row.status === "erased") return null;
  return row.status === "merged" && row.merged_into ? row.merged_into : row.id;
}

/**
 * customers/delete: the Shopify customer is gone, so the profile no longer answers to its ID (a new
 * Shopify customer could never get it, but the register must not find a deleted customer by it). The
 * person's history stays with us until customers/redact.
 */
export async function customerDeleted(q: Queryable, shop: ShopContext, payload: unknown): Promise<void> {
  const { id } = webhookDeletedSchema.parse(payload);
  const removed = await queryRows<RawRow<typeof tables.identifiers, "profile_id">>(
    q,
    sql`DELETE FROM identifiers WHERE shop_id = ${shop.shopId} AND kind = 'shopify' AND value = ${id}
        RETURNING profile_id`,
  );
  for (const { profile_id } of removed) await recordProfileChange(q, shop.shopId, profile_id, "upsert");
}

/**
 * customers/merge: Shopify merged the deleted customer into the kept one; our profiles follow through the
 * same merge service the merchant's merges use (undoable in the shop's window), and the deleted
 * customer's ID goes, as Shopify's did.
 */
export async function customersMerged(q: Queryable, shop: ShopContext, payload: unknown, now: Date): Promise<void> {
  const merge = webhookCustomerMergeSchema.parse(payload);
  if (merge.status.toLowerCase() !== "completed") return;
  const kept = merge.admin_graphql_api_customer_kept_id;
  const deleted = merge.admin_graphql_api_customer_deleted_id;
  const survivorId = await liveProfileOfCustomer(q, shop.shopId, kept);
  const mergedId = await liveProfileOfCustomer(q, shop.shopId, deleted);
  if (!mergedId) return;
  if (!survivorId) {
    // We never saw the kept customer: the deleted one's profile simply becomes it.
    await q.execute(
      sql`UPDATE identifiers SET value = ${kept}
          WHERE shop_id = ${shop.shopId} AND kind = 'shopify' AND value = ${deleted}`,
    );
    await recordProfileChange(q, shop.shopId, mergedId, "upsert");
    return;
  }
  await q.execute(
    sql`DELETE FROM identifiers WHERE shop_id = ${shop.shopId} AND kind = 'shopify' AND value = ${deleted}`,
  );
  if (survivorId === mergedId) return;
  await mergeProfiles(q, shop, {
    survivorId,
    mergedId,
    evidence: [{ kind: "shopify", value: kept }],
    eventId: null,
    reason: `merged in Shopify: customer ${deleted} into ${kept}`,
    auto: true,
    decidedBy: "shopify",
    now,
  });
}

/**
 * orders/delete: the order no longer counts, exactly like a cancellation (spend and aggregates drop it,
 * its points are clawed back on the append-only ledger, which keeps pointing at the row). A cancellation
 * once seen stays, so a late orders/updated cannot bring it back.
 */
export async function orderDeleted(q: Queryable, shop: ShopContext, payload: unknown, now: Date): Promise<void> {
  const { id } = webhookDeletedSchema.parse(payload);
  const [order] = await queryRows<RawRow<typeof tables.orders, "profile_id">>(
    q,
    sql`UPDATE orders SET cancelled_at = coalesce(cancelled_at, ${now})
        WHERE shop_id = ${shop.shopId} AND order_id = ${id} RETURNING profile_id`,
  );
  if (!order) return;
  const touched = await reconcileOrderPoints(q, shop, [id], now);
  await recomputeProfiles(
    q,
    shop.shopId,
    [...new Set([...touched, ...(order.profile_id ? [order.profile_id] : [])])],
    shop.settings,
    now,
  );
}
