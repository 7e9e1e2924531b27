import {
  normalizeShopifyCustomerId,
  posVisitSchema,
  registerCustomerCreateSchema,
  registerSearchQuerySchema,
} from "@c360/shared";
import { Hono } from "hono";
import { z } from "zod";
import { notFound, parseOr400, readJson } from "../http/errors";
import type { AppEnv } from "../http/context";
import { checkoutHintsFor } from "../services/profile";
import { createRegisterCustomer } from "../services/profile";
import { registerView } from "../services/profile";
import { searchRegisterCustomers } from "../services/profile";
import { loadShop, withShopLock } from "../services/shop";
import { logVisit } from "../services/ingest";
import { importCustomerFromShopify } from "../shopify/register-lookup";

const hintsQuerySchema = z.object({
  customer: z.string().trim().max(64).optional(),
  lines: z
    .string()
    .max(4000)
    .optional()
    .transform((s) =>
      s
        ? s
            .split(",")
            .map((x) => x.trim())
            .filter(Boolean)
            .slice(0, 100)
        : [],
    ),
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
    if (
      !view &&
      shopify &&
      shopifyId &&
      (await importCustomerFromShopify(db, shopify, c.get("shopId"), shopifyId, clock()))
    ) {
      view = await registerView(db, c.get("shopId"), raw, clock());
    }
    if (!view) throw notFound(`customer ${raw}`);
    return c.json(view);
  })
  .post("/customers", async (c) => {
    const body = parseOr400(registerCustomerCreateSchema, await readJson(c));
    const { db, clock, shopify } = c.var.deps;
    const created = await withShopLock(db.db, c.var.shopId, async (tx, shop) => {
      return createRegisterCustomer(tx, shop, body, shopify, clock());
    });
    return c.json(created, 201);
  })
  .post("/visits", async (c) => {
    const body = parseOr400(posVisitSchema, await readJson(c));
    const { db, clock } = c.var.deps;
    const now = clock();
    const visit = await withShopLock(db.db, c.var.shopId, async (tx, shop) => {
      return logVisit(
        tx,
        shop,
        {
          id: body.id,
          shopifyCustomerId: body.shopifyCustomerId,
          source: "pos",
          locationId: body.locationId ?? null,
          staffId: body.staffId ?? c.var.staffId,
          at: body.at,
        },
        now,
      );
    });
    return c.json(visit, visit.duplicate ? 200 : 201);
  })
  .get("/hints", async (c) => {
    const q = parseOr400(hintsQuerySchema, c.req.query(), "query string");
    const { db, clock } = c.var.deps;
    const shop = await loadShop(db.db, c.var.shopId);
    return c.json({ hints: await checkoutHintsFor(db, shop, { customer: q.customer, lines: q.lines }, clock()) });
  });
