import { gateAudienceSchema, gateCheckSchema, messageSendSchema } from "@c360/shared";
import { Hono } from "hono";
import { withWholeSetPlanning } from "../db/whole-set";
import type { AppEnv } from "../http/context";
import { parseOr400, readJson } from "../http/errors";
import { audienceDecision } from "../services/gate";
import { gateDecision, sendMessage } from "../services/gate";
import { loadShop } from "../services/shop";

/** The send gate: one check, one logged message, or a whole audience; mounted at /api. */
export const gateRoutes = new Hono<AppEnv>()
  .post("/gate/check", async (c) => {
    const input = parseOr400(gateCheckSchema, await readJson(c));
    const { db, clock } = c.var.deps;
    const shop = await loadShop(db.db, c.var.shopId);
    const { profileId, decision } = await gateDecision(db.db, shop, { ...input, at: input.at ?? clock() });
    return c.json({ profileId, allowed: decision.allowed, reason: decision.reason });
  })
  .post("/messages", async (c) => {
    const input = parseOr400(messageSendSchema, await readJson(c));
    const { db, clock } = c.var.deps;
    const message = await db.db.transaction(async (tx) => {
      const shop = await loadShop(tx, c.var.shopId);
      return sendMessage(tx, shop, { ...input, id: crypto.randomUUID(), at: input.at ?? clock() });
    });
    return c.json(message, 201);
  })
  .post("/gate/audience", async (c) => {
    const input = parseOr400(gateAudienceSchema, await readJson(c));
    const { db, clock } = c.var.deps;
    // One snapshot for the counts and the page.
    const result = await db.db.transaction(
      async (tx) => {
        const shop = await loadShop(tx, c.var.shopId);
        return withWholeSetPlanning(tx, () =>
          audienceDecision(tx, shop, {
            channel: input.channel,
            at: input.at ?? clock(),
            profileIds: input.profileIds ?? null,
            limit: input.limit,
            offset: input.offset,
            filters: input.filters,
          }),
        );
      },
      { isolationLevel: "repeatable read", accessMode: "read only" },
    );
    return c.json(result);
  });
