import {
  checkoutHints,
  coPurchaseOptionsFor,
  coPurchaseRules,
  normalizeShopifyCustomerId,
  replenishmentDue,
  tierFor,
  type CoPurchaseRule,
} from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Database, Queryable } from "../../db/client";
import { jsonOf, queryRows } from "../../db/rows";
import { HttpError } from "../../http/errors";
import { findProfileRow, profileIdByIdentifier, wholeNumberOf } from "./profile-view";
import type { ShopContext } from "../shop/shop";

/** Co-purchase rules come from the shop's latest orders only, and are cached per shop for 10 minutes. */
export const HINT_ORDER_WINDOW = 5000;
export const HINT_RULES_TTL_MS = 10 * 60_000;

interface RulesEntry {
  rules: CoPurchaseRule[];
  titles: Record<string, string>;
  /** The variant most recently sold of each product, for the register's "Add to cart". */
  variants: Record<string, string>;
  computedAt: number;
}
// Keyed by database too, so two runtimes in one process (tests) never share a shop's rules.
const rulesCache = new WeakMap<Database, Map<string, RulesEntry>>();

async function shopRules(database: Database, shopId: string, now: Date): Promise<RulesEntry> {
  let byShop = rulesCache.get(database);
  if (!byShop) rulesCache.set(database, (byShop = new Map()));
  const cached = byShop.get(shopId);
  if (cached && now.getTime() - cached.computedAt < HINT_RULES_TTL_MS) return cached;
  const rows = await queryRows<{ order_id: string; product_id: string; variant_id: string | null; title: string }>(
    database.db,
    sql`WITH recent AS (
          SELECT order_id, row_number() OVER (ORDER BY placed_at DESC, order_id) AS rn FROM orders
          WHERE shop_id = ${shopId} AND cancelled_at IS NULL
          ORDER BY placed_at DESC, order_id LIMIT ${HINT_ORDER_WINDOW})
        SELECT l.order_id, l.product_id, l.variant_id, l.title FROM order_lines l JOIN recent r
          ON l.order_id = r.order_id
        WHERE l.shop_id = ${shopId} AND l.product_id IS NOT NULL ORDER BY r.rn`,
  );
  const orders = new Map<string, string[]>();
  const titles: Record<string, string> = {};
  const variants: Record<string, string> = {};
  // Newest orders first: the first title and variant seen of a product are its latest.
  for (const r of rows) {
    orders.set(r.order_id, [...(orders.get(r.order_id) ?? []), r.product_id]);
    titles[r.product_id] ??= r.title;
    if (r.variant_id) variants[r.product_id] ??= r.variant_id;
  }
  const rules = coPurchaseRules(
    [...orders.values()].map((productIds) => ({ productIds })),
    coPurchaseOptionsFor(orders.size),
  );
  const entry = { rules, titles, variants, computedAt: now.getTime() };
  byShop.set(shopId, entry);
  return entry;
}

async function profileOfShopifyCustomer(q: Queryable, shopId: string, raw: string) {
  const shopifyId = normalizeShopifyCustomerId(raw);
  if (!shopifyId) throw new HttpError(400, "invalid_customer", `"${raw}" is not a Shopify customer ID`);
  const profileId = await profileIdByIdentifier(q, shopId, "shopify", shopifyId);
  return profileId ? findProfileRow(q, shopId, profileId) : null;
}

/** The profile's viewed-and-not-bought products as stored (jsonb). */
const viewedOf = (stored: unknown): string[] => {
  const list = stored == null ? [] : jsonOf<unknown>(stored);
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : [];
};

/**
 * The register's checkout hints for a cart and, when known, its customer: products bought together with the
 * cart's (the shop's co-purchase rules), products they buy again that are due, and their next loyalty tier.
 * The score only ranks; the register shows the product, its reason and "Add to cart".
 */
export async function checkoutHintsFor(
  database: Database,
  shop: ShopContext,
  cart: { customer?: string | undefined; lines: string[] },
  now: Date,
) {
  const { rules, titles, variants } = await shopRules(database, shop.shopId, now);
  const row = cart.customer ? await profileOfShopifyCustomer(database.db, shop.shopId, cart.customer) : null;
  const purchases = row
    ? await queryRows<{ product_id: string; title: string; placed_at: Date | string }>(
        database.db,
        sql`SELECT l.product_id, l.title, o.placed_at FROM orders o
            JOIN order_lines l ON l.shop_id = o.shop_id AND l.order_id = o.order_id
            WHERE o.shop_id = ${shop.shopId} AND o.profile_id = ${row.id} AND o.cancelled_at IS NULL
              AND l.product_id IS NOT NULL
            ORDER BY o.placed_at DESC LIMIT 1000`,
      )
    : [];
  const hints = checkoutHints({
    cartProductIds: cart.lines,
    rules,
    replenishment: replenishmentDue(
      purchases.map((p) => ({ productId: p.product_id, title: p.title, at: new Date(p.placed_at) })),
      now,
    ),
    // Without a known customer there is no balance to nudge about.
    loyalty: row
      ? tierFor(wholeNumberOf(row.loyalty_points), shop.settings.loyalty.tiers)
      : { tier: "", nextTier: null, pointsToNextTier: null, progress: 1 },
    productTitles: titles,
    productVariants: variants,
    viewedProductIds: viewedOf(row?.viewed_product_ids),
    now,
  });
  return hints.map(({ score: _score, ...hint }) => hint);
}
