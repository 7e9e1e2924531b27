import {
  checkoutHints,
  coPurchaseRules,
  normalizeShopifyCustomerId,
  posVisitSchema,
  registerCustomerCreateSchema,
  registerSearchQuerySchema,
  replenishmentDue,
  tierFor,
  type CoPurchaseRule,
} from "@c360/shared";
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import type { Database, Queryable } from "../db/client";
import { queryRows } from "../db/rows";
import { HttpError, notFound, parseOr400, readJson } from "../http/errors";
import type { AppEnv } from "../http/context";
import { findProfileRow, profileIdByIdentifier, wholeNumberOf } from "../services/profile-view";
import { createRegisterCustomer } from "../services/register-create";
import { registerView } from "../services/register-view";
import { searchRegisterCustomers } from "../services/register-search";
import { loadShop } from "../services/shop";
import { logVisit } from "../services/visits";
import { importCustomerFromShopify } from "../shopify/register-lookup";

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
        SELECT l.order_id, l.product_id, l.variant_id, l.title FROM order_lines l JOIN recent r ON l.order_id = r.order_id
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
  const total = orders.size;
  // A pair needs at least two orders behind it; a single coincidence is not a pattern.
  const rules = coPurchaseRules([...orders.values()].map((productIds) => ({ productIds })), {
    minSupport: total ? Math.max(2 / total, 0.001) : 1,
    minConfidence: 0.1,
    maxRules: 2000,
  });
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

/** The profile's viewed-and-not-bought products as stored (jsonb, text from postgres-js). */
const viewedOf = (v: string[] | string | null | undefined): string[] => {
  const list: unknown = typeof v === "string" ? JSON.parse(v) : v;
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : [];
};

const hintsQuerySchema = z.object({
  customer: z.string().trim().max(64).optional(),
  lines: z
    .string()
    .max(4000)
    .optional()
    .transform((s) => (s ? s.split(",").map((x) => x.trim()).filter(Boolean).slice(0, 100) : [])),
});

/** What the POS extension calls (session token): customer look-up, the register view, visits, checkout hints. */
export const posRoutes = new Hono<AppEnv>()
  .get("/customers", async (c) => {
    const q = parseOr400(registerSearchQuerySchema, c.req.query(), "query string");
    const { db } = c.var.deps;
    const shop = await loadShop(db.db, c.var.shopId);
    return c.json({ customers: await searchRegisterCustomers(db.db, shop, q.q, q.limit) });
  })
  .get("/customers/:shopifyCustomerId", async (c) => {
    const { db, clock, shopify } = c.get("deps");
    const raw = c.req.param("shopifyCustomerId");
    let view = await registerView(db, c.get("shopId"), raw, clock());
    // Not known here yet: ask Shopify in the same request (a 404 only when Shopify does not know them either).
    const shopifyId = normalizeShopifyCustomerId(raw);
    if (!view && shopify && shopifyId && (await importCustomerFromShopify(db, shopify, c.get("shopId"), shopifyId, clock()))) {
      view = await registerView(db, c.get("shopId"), raw, clock());
    }
    if (!view) throw notFound(`customer ${raw}`);
    return c.json(view);
  })
  .post("/customers", async (c) => {
    const body = parseOr400(registerCustomerCreateSchema, await readJson(c));
    const { db, clock, shopify } = c.var.deps;
    const created = await db.db.transaction(async (tx) => {
      const shop = await loadShop(tx, c.var.shopId, { lock: true });
      return createRegisterCustomer(tx, shop, body, shopify, clock());
    });
    return c.json(created, 201);
  })
  .post("/visits", async (c) => {
    const body = parseOr400(posVisitSchema, await readJson(c));
    const { db, clock } = c.var.deps;
    const now = clock();
    const visit = await db.db.transaction(async (tx) => {
      const shop = await loadShop(tx, c.var.shopId, { lock: true });
      return logVisit(
        tx,
        shop,
        { id: body.id, shopifyCustomerId: body.shopifyCustomerId, source: "pos", locationId: body.locationId ?? null, staffId: body.staffId ?? c.var.staffId, at: body.at },
        now,
      );
    });
    return c.json(visit, visit.duplicate ? 200 : 201);
  })
  .get("/hints", async (c) => {
    const q = parseOr400(hintsQuerySchema, c.req.query(), "query string");
    const { db, clock } = c.var.deps;
    const now = clock();
    const shop = await loadShop(db.db, c.var.shopId);
    const { rules, titles, variants } = await shopRules(db, shop.shopId, now);
    const row = q.customer ? await profileOfShopifyCustomer(db.db, shop.shopId, q.customer) : null;
    const purchases = row
      ? await queryRows<{ product_id: string; title: string; placed_at: Date | string }>(
          db.db,
          sql`SELECT l.product_id, l.title, o.placed_at FROM orders o
              JOIN order_lines l ON l.shop_id = o.shop_id AND l.order_id = o.order_id
              WHERE o.shop_id = ${shop.shopId} AND o.profile_id = ${row.id} AND o.cancelled_at IS NULL AND l.product_id IS NOT NULL
              ORDER BY o.placed_at DESC LIMIT 1000`,
        )
      : [];
    const hints = checkoutHints({
      cartProductIds: q.lines,
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
    // The score only ranks; the register shows the product, its reason and "Add to cart".
    return c.json({ hints: hints.map(({ score: _score, ...hint }) => hint) });
  });
