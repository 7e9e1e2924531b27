import { identifyRequestSchema } from "@c360/shared";
import { Hono } from "hono";
import { z } from "zod";
import { HttpError, parseOr400, readJson } from "../http/errors";
import type { AppEnv } from "../http/context";
import { CustomerExportError, parseCustomerExport } from "../services/identity/backfill";
import {
  dismissCandidate,
  listDuplicates,
  listMerges,
  mergeCandidate,
  mergeCandidateInShopify,
} from "../services/identity";
import { backfillCustomers } from "../services/identity/backfill";
import { identify } from "../services/identity";
import { undoMerge } from "../services/identity";
import { loadShop, withShopLock } from "../services/shop";

const pageSchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
const duplicatesQuery = pageSchema.extend({ kind: z.enum(["conflict", "probabilistic"]).optional() });
const mergesQuery = pageSchema.extend({ profileId: z.string().min(1).max(100).optional() });
const mergeBody = z.object({ note: z.string().trim().max(500).optional() }).strict();

/** Optional JSON body: absent is `{}`. */
const optionalJson = async (c: Parameters<typeof readJson>[0]) => ((await c.req.text()) ? readJson(c) : {});

/**
 * A shop's existing customers: NDJSON or a JSON array of Shopify customer records, all read before anything is written.
 */
function readCustomerExport(body: string) {
  if (body.trim() === "")
    throw new HttpError(
      400,
      "invalid_customer",
      "request body is empty; send Shopify customer records as NDJSON or a JSON array",
    );
  try {
    return parseCustomerExport(body);
  } catch (error) {
    if (error instanceof CustomerExportError) throw new HttpError(400, "invalid_customer", error.message);
    throw error;
  }
}

/** Identity resolution for people and sources: link what was seen together, review duplicates, undo merges. */
export const identityRoutes = new Hono<AppEnv>()
  .post("/identify", async (c) => {
    const { db, clock } = c.var.deps;
    const body = parseOr400(identifyRequestSchema, await readJson(c));
    const result = await withShopLock(db.db, c.var.shopId, async (tx, shop) => {
      return identify(tx, shop, body, clock());
    });
    return c.json({ profileId: result.profileId, decision: result.decision, mergedAway: result.mergedAway });
  })
  .post("/identity/backfill", async (c) => {
    const { db, clock } = c.var.deps;
    const customers = readCustomerExport(await c.req.text());
    const counts = await withShopLock(db.db, c.var.shopId, async (tx, shop) => {
      return backfillCustomers(tx, shop, customers, clock());
    });
    return c.json(counts);
  })
  .get("/duplicates", async (c) => {
    const { db } = c.var.deps;
    const page = parseOr400(duplicatesQuery, c.req.query(), "query string");
    return c.json(await listDuplicates(db.db, c.var.shopId, page));
  })
  .post("/duplicates/:id/merge", async (c) => {
    const { db, clock } = c.var.deps;
    const body = parseOr400(mergeBody, await optionalJson(c));
    const result = await withShopLock(db.db, c.var.shopId, async (tx, shop) => {
      return mergeCandidate(tx, shop, c.req.param("id"), c.var.staffId, body.note, clock());
    });
    return c.json(result);
  })
  .post("/duplicates/:id/merge-in-shopify", async (c) => {
    const { db, clock } = c.var.deps;
    const result = await db.db.transaction(async (tx) => {
      await loadShop(tx, c.var.shopId, { lock: true });
      return mergeCandidateInShopify(tx, c.var.shopId, c.req.param("id"), clock());
    });
    return c.json(result, 202);
  })
  .post("/duplicates/:id/dismiss", async (c) => {
    const { db, clock } = c.var.deps;
    const result = await withShopLock(db.db, c.var.shopId, (tx, shop) =>
      dismissCandidate(tx, shop.shopId, c.req.param("id"), c.var.staffId, clock()),
    );
    return c.json(result);
  })
  .get("/merges", async (c) => {
    const { db, clock } = c.var.deps;
    const query = parseOr400(mergesQuery, c.req.query(), "query string");
    const shop = await loadShop(db.db, c.var.shopId);
    return c.json(await listMerges(db.db, shop, query, clock()));
  })
  .post("/merges/:id/undo", async (c) => {
    const { db, clock } = c.var.deps;
    const result = await withShopLock(db.db, c.var.shopId, async (tx, shop) => {
      return undoMerge(tx, shop, c.req.param("id"), clock());
    });
    return c.json({ mergeId: c.req.param("id"), ...result });
  });
