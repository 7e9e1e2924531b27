import { Hono } from "hono";
import { z } from "zod";
import { parseOr400, readJson } from "../http/errors";
import type { AppEnv } from "../http/context";
import { updateSettings, storedOverrides } from "../services/shop";
import { loadShop, withShopLock } from "../services/shop";

const patchSchema = z.record(z.string(), z.unknown());

/** The shop's rules: effective settings (defaults plus overrides), and partial updates with their effect. */
export const settingsRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { db } = c.var.deps;
    const shop = await loadShop(db.db, c.var.shopId);
    return c.json({ settings: shop.settings, overrides: await storedOverrides(db.db, shop.shopId) });
  })
  .put("/", async (c) => {
    const { db, clock } = c.var.deps;
    const patch = parseOr400(patchSchema, await readJson(c), "settings");
    const result = await withShopLock(db.db, c.var.shopId, async (tx, shop) => {
      return updateSettings(tx, shop, patch, clock());
    });
    return c.json(result);
  });
