import { Hono } from "hono";
import { z } from "zod";
import { parseOr400, readJson } from "../http/errors";
import type { AppEnv } from "../http/context";
import { SettingsRefused, storedOverrides, updateSettings } from "../services/settings";
import { loadShop } from "../services/shop";

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
    try {
      const result = await db.db.transaction(async (tx) => {
        const shop = await loadShop(tx, c.var.shopId, { lock: true });
        return updateSettings(tx, shop, patch, clock());
      });
      return c.json(result);
    } catch (error) {
      // The shared error answer carries issues only; settings add the per-field words the form places.
      if (!(error instanceof SettingsRefused)) throw error;
      const { code, message, issues, fields, status } = error;
      return c.json({ error: code, message, issues, fields }, status);
    }
  });
