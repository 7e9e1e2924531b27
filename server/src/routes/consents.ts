import { consentPostSchema, consentTextSchema, unsubscribeSchema } from "@c360/shared";
import { Hono } from "hono";
import type { AppEnv } from "../http/context";
import { notFound, parseOr400, readJson } from "../http/errors";
import {
  consentHistory,
  consentRowView,
  profileForUnsubscribe,
  recordConsents,
  recordGlobalUnsubscribe,
  verifyShopLedger,
} from "../services/consent";
import { currentConsentTexts, publishConsentText } from "../services/consent";
import { consentStateOf, consentView, findProfileRow } from "../services/profile";
import { loadShop, withShopLock } from "../services/shop";

const publishSchema = consentTextSchema.omit({ version: true });

/** Consent texts, the consent ledger and global unsubscribe; mounted at /api. */
export const consentRoutes = new Hono<AppEnv>()
  .get("/consent-texts", async (c) => {
    const { db, clock } = c.var.deps;
    const texts = await db.db.transaction(async (tx) => {
      const shop = await loadShop(tx, c.var.shopId);
      return currentConsentTexts(tx, shop.shopId, clock());
    });
    return c.json({ texts });
  })
  .post("/consent-texts", async (c) => {
    const input = parseOr400(publishSchema, await readJson(c));
    const { db, clock } = c.var.deps;
    const text = await withShopLock(db.db, c.var.shopId, async (tx, shop) => {
      return publishConsentText(tx, shop.shopId, input, clock());
    });
    return c.json({ text }, 201);
  })
  .post("/consents", async (c) => {
    const body = parseOr400(consentPostSchema, await readJson(c));
    const captures = "consents" in body ? body.consents : [body];
    const { db, clock } = c.var.deps;
    const results = await withShopLock(db.db, c.var.shopId, async (tx, shop) => {
      return recordConsents(tx, shop, captures, {
        source: null,
        deviceId: null,
        locationId: null,
        staffId: c.var.staffId,
        receivedAt: clock(),
      });
    });
    const status = results.some((r) => r.status === "recorded") ? 201 : 200;
    // Always `consents` (what the POS extension and batch callers read); a single capture also gets its own row.
    if ("consents" in body) return c.json({ consents: results }, status);
    return c.json({ status: results[0]!.status, consent: results[0]!.row, consents: results }, status);
  })
  .get("/consents/verify", async (c) => {
    const { db } = c.var.deps;
    return c.json(await verifyShopLedger(db.db, c.var.shopId));
  })
  .get("/profiles/:id/consents", async (c) => {
    const { db } = c.var.deps;
    const shopId = c.var.shopId;
    const row = await findProfileRow(db.db, shopId, c.req.param("id"));
    if (!row) throw notFound(`profile ${c.req.param("id")}`);
    const [state, history] = await Promise.all([
      consentStateOf(db.db, shopId, row.id),
      consentHistory(db.db, shopId, row.id),
    ]);
    return c.json({ profileId: row.id, current: consentView(state), history });
  })
  .post("/unsubscribe", async (c) => {
    const input = parseOr400(unsubscribeSchema, await readJson(c));
    const { db, clock } = c.var.deps;
    const now = clock();
    const row = await withShopLock(db.db, c.var.shopId, async (tx, shop) => {
      const profileId = await profileForUnsubscribe(tx, shop, input);
      return recordGlobalUnsubscribe(tx, shop, profileId, {
        id: crypto.randomUUID(),
        actedAt: input.at ?? now,
        source: "admin",
        deviceId: null,
        locationId: null,
        staffId: c.var.staffId,
        receivedAt: now,
      });
    });
    return c.json({ unsubscribed: true, profileId: row.profile_id, consent: consentRowView(row) }, 201);
  });
